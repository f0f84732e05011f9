//! `ocpolicy serve` and `ocpolicy token`: the HTTP decision and enforcement
//! service, and the bearer tokens of its tenant API.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};

use super::Outcome;
use ocpolicy_server::{self as server, AppState, Config, Store, auth};

/// The demo tenant's id.
const DEMO_ID: &str = "contoso-demo";
/// The demo tenant: the example tenant with numbers in every activation and
/// assignment state, more users, a resource account, the example emergency
/// and conferencing settings (web/build.sh bundles the same file as the
/// console's demo).
const DEMO: &str = include_str!("../../../../tests/examples/demo-tenant.json");

/// The store's default place: `$XDG_DATA_HOME/ocpolicy/ocpolicy.db`, else
/// `~/.local/share/ocpolicy/ocpolicy.db`, else `./ocpolicy.db`.
fn default_db() -> String {
    std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .map(|d| d.join("ocpolicy").join("ocpolicy.db"))
        .unwrap_or_else(|| PathBuf::from("ocpolicy.db"))
        .display()
        .to_string()
}

/// The console's files: `web/` here, else the source tree's.
fn default_web_dir() -> Option<PathBuf> {
    [
        PathBuf::from("web"),
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web"),
    ]
    .into_iter()
    .find(|d| d.join("index.html").is_file())
}

/// Open the store; a location that is wrong (not a PostgreSQL URL, a folder
/// or file that cannot be made) is the user's to fix: exit 2, not 3.
fn open_store(location: &str) -> Result<Store> {
    Store::connect(location).map_err(|e| match e {
        server::StoreError::Location { .. } => {
            let message = format!(
                "{e}: {}",
                std::error::Error::source(&e)
                    .map(ToString::to_string)
                    .unwrap_or_default()
            );
            anyhow::Error::new(super::BadInput(message))
        }
        other => anyhow::Error::new(other),
    })
}

/// `ocpolicy serve`.
#[derive(Args)]
#[command(after_help = "\
Examples:
  ocpolicy serve --demo                       # demo tenant + console at http://127.0.0.1:8080/
  ocpolicy serve --listen 0.0.0.0:8080 --db /var/lib/ocpolicy/ocpolicy.db
  ocpolicy serve --db postgres://ocpolicy@db.internal/ocpolicy   # one of several replicas
  curl -s localhost:8080/v1/decide/address -d @tests/examples/address.json
  curl -s localhost:8080/openapi.json | jq '.paths | keys'

The decision API (/v1/decide/<kind>, and /batch for NDJSON) needs no token: it
holds no state. The tenant API (/v1/tenants/...) needs `Authorization: Bearer`
with a token from `ocpolicy token create`. SIGTERM drains in-flight requests.
Logs: RUST_LOG=info (default), debug, ...")]
pub struct ServeCommand {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// The store: a SQLite file (created on first run; default
    /// ~/.local/share/ocpolicy/ocpolicy.db), or a PostgreSQL URL
    /// (postgres://user:password@host:5432/db) for several replicas.
    #[arg(long, env = "OCPOLICY_DB")]
    pub db: Option<String>,
    /// Reset the demo tenant and give the console an admin token for it
    /// (the token goes into the page only on a loopback listen; see
    /// --demo-token-beyond-loopback). Without --demo nothing is seeded.
    #[arg(long)]
    pub demo: bool,
    /// With --demo on a listen address other than loopback, still put the
    /// demo admin token into the console page: anyone who can reach the
    /// address can then act as the demo tenant's admin.
    #[arg(long, requires = "demo")]
    pub demo_token_beyond_loopback: bool,
    /// The web console's folder (built by web/build.sh); default `web/`.
    #[arg(long)]
    pub web_dir: Option<PathBuf>,
    /// The most rule evaluations at once (default: the number of cores).
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Seconds a client may take to send a request's headers, and a
    /// kept-alive connection may sit idle; then it is closed.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub header_timeout: u64,
    /// The most connections open at once (also kept below the descriptor
    /// limit, `ulimit -n`, less 32); more clients wait in the listen backlog.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Keep identities and numbers in the audit log (redacted by default).
    #[arg(long)]
    pub audit_unredacted: bool,
    /// Operator plugins that take part in every tenant write.
    #[command(flatten)]
    pub plugins: super::plugin::PluginArgs,
}

/// The demo tenant, as the store keeps it (`tests/examples/demo-tenant.json`,
/// the same document the console bundles).
pub fn demo_doc() -> Result<serde_json::Value> {
    let doc: ocpolicy_rules::types::TenantDocument =
        ocpolicy_rules::json::from_slice(DEMO.as_bytes())
            .map_err(|e| anyhow::anyhow!("the demo tenant is bad at {}: {}", e.path, e.message))?;
    Ok(serde_json::to_value(doc)?)
}

impl ServeCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        // The log goes to stderr through a writer thread: a request never
        // waits on the terminal or the pipe. The guard flushes it at exit.
        // Buffered: the writer thread writes what has queued up in one go,
        // and flushes whenever the queue is empty.
        let (writer, _log_guard) =
            tracing_appender::non_blocking(std::io::BufWriter::new(std::io::stderr()));
        let _ = tracing_subscriber::fmt()
            .with_env_filter(
                tracing_subscriber::EnvFilter::try_from_default_env()
                    .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
            )
            .with_writer(writer)
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .try_init();
        let store = open_store(&self.db.clone().unwrap_or_else(default_db))?;
        // A store that opens but cannot take a write (a read-only file,
        // folder or disk) is served for reads; say so now, not at the first
        // refused write. `/readyz` answers 503 with the same reason.
        if let Err(e) = store.ready() {
            eprintln!(
                "ocpolicy: warning: the store cannot take writes, so /readyz is 503 and every write is refused until it can: {e}"
            );
        }
        let mut console_token = None;
        if self.demo {
            store.reset(DEMO_ID, &demo_doc()?)?;
            eprintln!(
                "ocpolicy: demo tenant `{DEMO_ID}` seeded in the {}",
                store.place()
            );
        }
        if self.demo {
            let (token, hash) = auth::new_token()?;
            store.add_token(&hash, "admin", Some(DEMO_ID), None)?;
            eprintln!(
                "ocpolicy: demo admin token for `{DEMO_ID}` (also given to the console): {token}"
            );
            if self.listen.ip().is_loopback() || self.demo_token_beyond_loopback {
                console_token = Some(token);
            } else {
                eprintln!(
                    "ocpolicy: {} is not a loopback address, so the console page carries no token (anyone reaching it would be the demo admin); paste the token into the console, or pass --demo-token-beyond-loopback",
                    self.listen
                );
            }
        }
        let web_dir = self.web_dir.clone().or_else(default_web_dir);
        if let Some(dir) = &web_dir
            && !dir.join("pkg/rules/wasm/all/ocpolicy_bg.wasm").is_file()
        {
            eprintln!(
                "ocpolicy: the console's modules are not built in {}: run web/build.sh",
                dir.display()
            );
        }
        let config = Config {
            concurrency: self
                .concurrency
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(2, |n| n.get())),
            web_dir,
            console_tenant: self.demo.then(|| DEMO_ID.to_string()),
            console_token,
            audit_unredacted: self.audit_unredacted,
            plugin_dir: self.plugins.plugins.clone(),
        };
        let rules = ocpolicy_runtime::Rules::new().context("compiling the rules component")?;
        let state = AppState::new(rules, store, config, self.plugins.server_host()?);
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .context("starting the async runtime")?
            .block_on(server::serve_with(
                state,
                self.listen,
                server::Limits {
                    header_timeout: std::time::Duration::from_secs(self.header_timeout),
                    max_connections: usize::try_from(self.max_connections).unwrap_or(usize::MAX),
                },
            ))?;
        Ok(Outcome::Allowed)
    }
}

/// `ocpolicy token`.
#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create a bearer token for the tenant API; it is printed once, and only
    /// its SHA-256 is stored.
    #[command(after_help = "\
Examples:
  ocpolicy token create --role admin --tenant contoso-demo
  ocpolicy token create --role operator --operator OP1
  ocpolicy token create --role auditor               # every tenant, read-only")]
    Create {
        /// What the token may do.
        #[arg(long, value_enum)]
        role: Role,
        /// The tenant (admins: required; auditors: optional, else all).
        #[arg(long)]
        tenant: Option<String>,
        /// The operator (operators: required).
        #[arg(long)]
        operator: Option<String>,
        /// The store: a SQLite file or a PostgreSQL URL, as for `serve`.
        #[arg(long, env = "OCPOLICY_DB")]
        db: Option<String>,
    },
}

/// A principal's role.
#[derive(Clone, Copy, ValueEnum)]
pub enum Role {
    /// Acts on its own tenant.
    Admin,
    /// Runs the service (reloads plugins); sees no tenant's data.
    Platform,
    /// Uploads and releases its own numbers; reads consenting tenants.
    Operator,
    /// Reads; writes nothing.
    Auditor,
}

impl TokenCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let TokenCommand::Create {
            role,
            tenant,
            operator,
            db,
        } = self;
        let (name, ok) = match role {
            Role::Admin => ("admin", tenant.is_some()),
            Role::Operator => ("operator", operator.is_some()),
            Role::Auditor => ("auditor", true),
            Role::Platform => ("platform", true),
        };
        if !ok {
            return Err(super::BadInput(format!(
                "a {name} token needs --{}",
                if name == "admin" {
                    "tenant"
                } else {
                    "operator"
                }
            ))
            .into());
        }
        let store = open_store(&db.unwrap_or_else(default_db))?;
        let (token, hash) = auth::new_token()?;
        store.add_token(&hash, name, tenant.as_deref(), operator.as_deref())?;
        outln!("{token}");
        Ok(Outcome::Allowed)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::panic)]
    use ocpolicy_rules::types as t;
    use std::collections::BTreeSet;

    /// The demo decodes strictly as the console and the rules read it, and
    /// shows what an admin meets: every number type, activation state and
    /// block, users with and without licences, and the main assignments.
    #[test]
    fn the_demo_tenant_is_valid_and_shows_every_state() {
        let doc: t::TenantDocument = ocpolicy_rules::json::from_slice(
            &serde_json::to_vec(&super::demo_doc().unwrap()).unwrap(),
        )
        .unwrap();
        assert!(doc.conferencing.is_some(), "the demo has a bridge");
        let tenant = doc.tenant;
        let seen = |f: &dyn Fn(&t::PhoneNumber) -> String| -> BTreeSet<String> {
            tenant.numbers.iter().map(f).collect()
        };
        let name = |v: serde_json::Value| match v {
            serde_json::Value::Object(m) => m.keys().next().cloned().unwrap_or_default(),
            other => other.as_str().unwrap_or_default().to_string(),
        };
        assert_eq!(
            seen(&|n| name(serde_json::to_value(n.number_type).unwrap())).len(),
            3
        );
        assert_eq!(
            seen(&|n| name(serde_json::to_value(n.activation_state).unwrap())).len(),
            5
        );
        assert_eq!(
            seen(&|n| name(serde_json::to_value(&n.block).unwrap())).len(),
            3
        );
        let statuses = seen(&|n| name(serde_json::to_value(n.assignment_status).unwrap()));
        for s in [
            "Unassigned",
            "UserAssigned",
            "ConferenceAssigned",
            "VoiceApplicationAssigned",
        ] {
            assert!(statuses.contains(s), "no {s} number in {statuses:?}");
        }
        let licensed = tenant
            .accounts
            .iter()
            .filter(|a| !a.licenses.is_empty())
            .count();
        assert!(licensed > 0 && licensed < tenant.accounts.len());
        let countries: BTreeSet<_> = tenant
            .operators
            .iter()
            .flat_map(|o| o.enabled_countries.clone())
            .collect();
        assert!(tenant.operators.len() >= 2 && countries.len() >= 2);
    }
}
