//! A real PostgreSQL server for the store's second backend: `tests/postgres.sh`
//! starts a throwaway cluster on loopback once per test binary, and each test
//! gets a database of its own. The script stops the server and deletes its
//! folder when this process exits (its standard input closes), however it
//! exits. No PostgreSQL installed is a failure, not a skip: the test command
//! installs it.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};

struct Cluster {
    url: String,
    // Held open for the life of the process: its closing stops the server.
    _script: Mutex<Child>,
}

fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(|| {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let mut child = Command::new(crate::root().join("tests/postgres.sh"))
            .arg(port.to_string())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("starting tests/postgres.sh: {e}"));
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("tests/postgres.sh did not start PostgreSQL: {line:?}"))
            .trim()
            .to_string();
        Cluster {
            url,
            _script: Mutex::new(child),
        }
    })
}

/// The URL of a new, empty database on the test cluster.
pub fn database() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let base = &cluster().url;
    let name = format!(
        "t{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    );
    // The `postgres` client runs its own runtime: keep it off any tokio thread.
    let admin = base.clone();
    let create = name.clone();
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&admin, postgres::NoTls).unwrap();
        c.batch_execute(&format!("CREATE DATABASE {create}"))
            .unwrap();
    })
    .join()
    .unwrap();
    format!("{}/{name}", base.trim_end_matches("/postgres"))
}

/// Run SQL on a database directly (to check what the store wrote, or to try
/// what it must refuse); the error's text if it fails.
pub fn exec(url: &str, sql: &str) -> Result<(), String> {
    let (url, sql) = (url.to_string(), sql.to_string());
    std::thread::spawn(move || {
        let mut c = postgres::Client::connect(&url, postgres::NoTls).map_err(|e| e.to_string())?;
        c.batch_execute(&sql).map_err(|e| {
            e.as_db_error()
                .map_or_else(|| e.to_string(), |d| d.message().to_string())
        })
    })
    .join()
    .unwrap()
}
