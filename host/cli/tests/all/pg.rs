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

/// A PostgreSQL server started by `tests/postgres.sh`; it stops (and its
/// folder goes) when this value is dropped or the process exits.
pub struct Cluster {
    /// `postgres://ocpolicy@127.0.0.1:PORT/postgres`.
    pub url: String,
    dir: String,
    port: u16,
    // Its closing stops the server.
    _script: Mutex<Child>,
}

impl Cluster {
    /// A server of its own (for a test that stops and starts it).
    pub fn start() -> Cluster {
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
        let mut words = line
            .strip_prefix("ready ")
            .unwrap_or_else(|| panic!("tests/postgres.sh did not start PostgreSQL: {line:?}"))
            .split_whitespace();
        let (url, dir) = (
            words.next().unwrap().to_string(),
            words.next().unwrap().to_string(),
        );
        Cluster {
            url,
            dir,
            port,
            _script: Mutex::new(child),
        }
    }

    /// `pg_ctl` on this server, as the user that owns it.
    fn pg_ctl(&self, args: &[&str]) {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .unwrap()
            .flatten()
            .map(|e| e.path().join("bin/pg_ctl"))
            .find(|p| p.exists())
            .unwrap();
        let data = format!("{}/data", self.dir);
        let mut cmd = if is_root() {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&bin);
            c
        } else {
            Command::new(&bin)
        };
        let out = cmd.args(["-D", &data]).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "pg_ctl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// Stop the server (fast: sessions are cut, as in a restart).
    pub fn stop(&self) {
        self.pg_ctl(&["-m", "fast", "-w", "stop"]);
    }

    /// Start it again on the same port.
    pub fn restart(&self) {
        let opts = format!("-h 127.0.0.1 -p {} -k {}", self.port, self.dir);
        let log = format!("{}/server.log", self.dir);
        self.pg_ctl(&["-l", &log, "-w", "-t", "60", "-o", &opts, "start"]);
    }
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.stdout.starts_with(b"0\n"))
}

fn cluster() -> &'static Cluster {
    static CLUSTER: OnceLock<Cluster> = OnceLock::new();
    CLUSTER.get_or_init(Cluster::start)
}

/// The URL of a new, empty database on the shared test cluster.
pub fn database() -> String {
    database_on(cluster())
}

/// The URL of a new, empty database on `cluster`.
pub fn database_on(cluster: &Cluster) -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let base = &cluster.url;
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
