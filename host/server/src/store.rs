//! The tenant store, on one of two backends with the same guarantees:
//!
//! - **SQLite** (default): an embedded file, the `bundled` build, nothing to
//!   install. Every write runs in one `BEGIN IMMEDIATE` transaction, so
//!   writers queue.
//! - **PostgreSQL** (`--db postgres://...`), for several replicas behind a load
//!   balancer. Every write runs in one transaction that first takes the
//!   tenant's row with `SELECT ... FOR UPDATE`, so writers to one tenant queue
//!   across replicas, and the second reads what the first committed.
//!
//! A tenant is one JSON document, `{tenant, emergency, conferencing}`, the same
//! snapshot the web console validates against. Every write reads it, asks the
//! rules, and writes it back with its audit record in that one transaction, so
//! two writers never both pass a rule only one of them may pass. The audit
//! table is append-only: a trigger refuses to update or delete its rows.

use std::path::Path;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};
use serde_json::Value;

/// What a token may do: its role, its tenant, its operator.
pub type TokenRecord = (String, Option<String>, Option<String>);

/// One audit record: who did what, and what the rules said.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AuditRecord {
    /// Sequence number.
    pub id: i64,
    /// RFC 3339 time of the decision.
    pub at: String,
    /// Who asked (`admin:contoso-demo`, `operator:OPX`...).
    pub principal: String,
    /// The tenant.
    pub tenant: String,
    /// What was asked (`assign`, `unassign`...).
    pub action: String,
    /// Whether it was committed.
    pub allowed: bool,
    /// The rule codes of the decision.
    pub codes: Vec<String>,
    /// The request, redacted unless redaction is off.
    pub request: Value,
    /// The plugins that took part: `[{plugin, hook, outcome, fuel}]`.
    pub plugins: Value,
}

/// What the rules said about a write, for its audit record.
pub struct Verdict {
    /// Whether it is committed.
    pub allowed: bool,
    /// The decision's rule codes.
    pub codes: Vec<String>,
    /// The plugins that took part, with their versions and fuel.
    pub plugins: Value,
}

/// What a write does once the rules have allowed it.
pub enum Outcome<T> {
    /// Commit the new document; answer `T`.
    Commit(Value, T),
    /// Change nothing; answer `T` (a refusal, audited).
    Refuse(T),
}

/// What went wrong in the store. An outage is its own variant,
/// [`StoreError::Unavailable`], decided from what the database said (never
/// from a message's text or from timing): the server answers it 503 with
/// `Retry-After`, and the request may simply be sent again.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The store cannot be reached just now (the database restarting, a
    /// network cut, SQLite busy past its timeout). A write that failed this
    /// way was not committed.
    #[error("the store is unavailable: {reason}")]
    Unavailable {
        /// What happened, for the log.
        reason: String,
        /// The database client's error, when there is one.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// The store's location is wrong (not a PostgreSQL URL, a folder that
    /// cannot be created, a file that cannot be opened): bad configuration.
    #[error("{what}")]
    Location {
        /// What could not be done, naming the place.
        what: String,
        /// Why.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// The database refused a statement.
    #[error("the {backend} store failed")]
    Database {
        /// `sqlite` or `postgres`.
        backend: &'static str,
        /// The client's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync + 'static>,
    },
    /// A stored document is not JSON.
    #[error("a stored tenant is not JSON")]
    Corrupt(#[source] serde_json::Error),
    /// The caller's decision failed inside a write (nothing was committed).
    #[error("the write could not be decided")]
    Decide(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// The store's own machinery failed (a lock poisoned, a connection
    /// thread gone).
    #[error("{0}")]
    Internal(String),
}

impl StoreError {
    /// Whether this is an outage (503), rather than a failure (500).
    pub fn is_unavailable(&self) -> bool {
        matches!(self, StoreError::Unavailable { .. })
    }

    /// The same error, naming the store it happened in.
    fn at(self, place: &str) -> Self {
        match self {
            StoreError::Unavailable { reason, source } if !reason.starts_with(place) => {
                StoreError::Unavailable {
                    reason: format!("{place}: {reason}"),
                    source,
                }
            }
            other => other,
        }
    }

    fn unavailable(reason: impl Into<String>) -> Self {
        StoreError::Unavailable {
            reason: reason.into(),
            source: None,
        }
    }
}

impl From<rusqlite::Error> for StoreError {
    /// Busy or locked past the busy timeout is an outage; anything else is a
    /// database failure.
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode as C;
        let outage = match e.sqlite_error_code() {
            Some(C::DatabaseBusy | C::DatabaseLocked) => {
                Some("SQLite stayed busy past its 5 s timeout")
            }
            Some(C::ReadOnly) => {
                Some("the file is read-only (or its folder is: SQLite writes a journal beside it)")
            }
            Some(C::CannotOpen) => Some("the file cannot be opened"),
            Some(C::DiskFull) => Some("the disk is full"),
            Some(C::SystemIoFailure) => Some("the disk failed to read or write"),
            Some(C::NotADatabase | C::DatabaseCorrupt) => {
                Some("the file is not a healthy SQLite database (replaced or damaged)")
            }
            Some(C::PermissionDenied | C::AuthorizationForStatementDenied) => {
                Some("access to the file is denied")
            }
            _ => None,
        };
        match outage {
            Some(reason) => StoreError::Unavailable {
                reason: reason.into(),
                source: Some(Box::new(e)),
            },
            _ => StoreError::Database {
                backend: "sqlite",
                source: Box::new(e),
            },
        }
    }
}

impl From<postgres::Error> for StoreError {
    /// The connection closed, or broke on the socket (an I/O error), or
    /// the server's SQLSTATE says the connection is gone (class 08) or the
    /// server is shutting down (class 57): an outage. The rest are failures.
    fn from(e: postgres::Error) -> Self {
        let io = std::error::Error::source(&e).is_some_and(|s| s.is::<std::io::Error>());
        let gone = e.is_closed()
            || io
            || e.code()
                .is_some_and(|c| c.code().starts_with("08") || c.code().starts_with("57"));
        if gone {
            StoreError::Unavailable {
                reason: "the connection to PostgreSQL was lost".into(),
                source: Some(Box::new(e)),
            }
        } else {
            StoreError::Database {
                backend: "postgres",
                source: Box::new(e),
            }
        }
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e)
    }
}

/// The store's result.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// A file's identity on disk: its path, device and inode.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileId {
    path: std::path::PathBuf,
    dev: u64,
    ino: u64,
}

impl FileId {
    /// The file at `path` as it is now; `None` if there is none.
    fn of(path: &Path) -> Option<FileId> {
        use std::os::unix::fs::MetadataExt;
        let m = std::fs::metadata(path).ok()?;
        Some(FileId {
            path: path.to_path_buf(),
            dev: m.dev(),
            ino: m.ino(),
        })
    }
}

/// The tenant store.
pub struct Store {
    backend: Backend,
    place: String,
    /// The SQLite file as opened (`None` for PostgreSQL and `:memory:`).
    file: Option<FileId>,
    /// The key of the audit log's pseudonyms, made once per store.
    audit_key: [u8; 32],
    /// Callers holding or waiting for the SQLite connection, apart from the
    /// quick reads of [`Store::token_now`] and [`Store::version_now`].
    waiting: std::sync::atomic::AtomicUsize,
    /// When a quick read last found the file in place (nanoseconds since
    /// `opened`).
    checked: std::sync::atomic::AtomicU64,
    opened: std::time::Instant,
}

/// How long a quick read trusts the last check that the SQLite file is in
/// place. Every write, and every other read, checks it.
const QUICK_CHECK: std::time::Duration = std::time::Duration::from_millis(100);

enum Backend {
    /// One connection behind a mutex: SQLite serialises writers anyway.
    Sqlite(Mutex<Connection>),
    /// A pool of connections, each owned by its own thread.
    Postgres(pg::Pool),
}

const SQLITE_SCHEMA: &str = "
    PRAGMA journal_mode = WAL;
    PRAGMA synchronous = FULL;
    PRAGMA busy_timeout = 5000;
    CREATE TABLE IF NOT EXISTS tenants (
        id TEXT PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL);
    CREATE TABLE IF NOT EXISTS audit (
        id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, principal TEXT NOT NULL,
        tenant TEXT NOT NULL, action TEXT NOT NULL, allowed INTEGER NOT NULL,
        codes TEXT NOT NULL, request TEXT NOT NULL, plugins TEXT NOT NULL DEFAULT '[]');
    CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
        BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
    CREATE TABLE IF NOT EXISTS tokens (
        hash TEXT PRIMARY KEY, role TEXT NOT NULL, tenant TEXT, operator TEXT,
        created TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

impl Store {
    /// Open the store at `location`: a `postgres://` or `postgresql://` URL
    /// (the schema is created if missing), else a SQLite file (created, with
    /// its folder, if missing).
    pub fn connect(location: &str) -> Result<Self> {
        if location.trim().is_empty() {
            return Err(StoreError::Location {
                what: "the store location is empty".into(),
                source: "give --db (or OCPOLICY_DB) a SQLite file path or a postgres:// URL, or leave it out for the default file".into(),
            });
        }
        if location.starts_with("postgres://") || location.starts_with("postgresql://") {
            let (pool, place) = pg::Pool::open(location)?;
            let mut store = Store {
                backend: Backend::Postgres(pool),
                place,
                file: None,
                audit_key: [0; 32],
                waiting: Default::default(),
                checked: Default::default(),
                opened: std::time::Instant::now(),
            };
            store.audit_key = store.load_audit_key()?;
            Ok(store)
        } else {
            Store::open(Path::new(location))
        }
    }

    /// Open (creating if needed) the SQLite store at `path`; `:memory:` for
    /// tests.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| StoreError::Location {
                what: format!("creating the store's folder {}", dir.display()),
                source: Box::new(e),
            })?;
        }
        let conn = Connection::open(path).map_err(|e| StoreError::Location {
            what: format!("opening the store {}", path.display()),
            source: Box::new(e),
        })?;
        conn.execute_batch(SQLITE_SCHEMA)?;
        let mut store = Store {
            backend: Backend::Sqlite(Mutex::new(conn)),
            place: format!("SQLite file {}", path.display()),
            file: FileId::of(path),
            audit_key: [0; 32],
            waiting: Default::default(),
            checked: Default::default(),
            opened: std::time::Instant::now(),
        };
        store.audit_key = store.load_audit_key()?;
        Ok(store)
    }

    /// The store's audit pseudonym key: 32 random bytes made the first time
    /// the store is opened and kept in it, so a pseudonym stays the same
    /// across restarts and replicas, and differs between stores.
    pub fn audit_key(&self) -> &[u8; 32] {
        &self.audit_key
    }

    fn load_audit_key(&self) -> Result<[u8; 32]> {
        let mut fresh = [0u8; 32];
        getrandom::fill(&mut fresh)
            .map_err(|e| StoreError::Internal(format!("no randomness for the audit key: {e}")))?;
        let fresh = hex::encode(fresh);
        let stored: String = match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                // Read before writing: a store that has its key and has
                // become read-only still opens (reads are served, `/readyz`
                // says it cannot take writes) rather than failing to start.
                let get = |conn: &Connection| {
                    conn.query_row(
                        "SELECT value FROM settings WHERE key = 'audit-key'",
                        [],
                        |r| r.get::<_, String>(0),
                    )
                    .optional()
                };
                if let Some(key) = get(conn)? {
                    return Ok(key);
                }
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES ('audit-key', ?1) ON CONFLICT(key) DO NOTHING",
                    [&fresh],
                )?;
                Ok(get(conn)?.unwrap_or(fresh))
            })?,
            Backend::Postgres(pool) => pool.run(move |c| {
                // Read first, as for SQLite: a read-only role or a standby
                // with the key opens.
                let get = "SELECT value FROM settings WHERE key = 'audit-key'";
                if let Some(row) = c.query_opt(get, &[])? {
                    return Ok(row.get::<_, String>(0));
                }
                c.execute(
                    "INSERT INTO settings (key, value) VALUES ('audit-key', $1) ON CONFLICT (key) DO NOTHING",
                    &[&fresh],
                )?;
                let row = c.query_one(get, &[])?;
                Ok(row.get::<_, String>(0))
            })?,
        };
        let mut key = [0u8; 32];
        hex::decode_to_slice(stored.trim(), &mut key).map_err(|e| {
            StoreError::Internal(format!("the store's audit key is not 32 bytes of hex: {e}"))
        })?;
        Ok(key)
    }

    /// Where the store is, for messages: the file, or the PostgreSQL server
    /// and database (never the password).
    pub fn place(&self) -> &str {
        &self.place
    }

    /// `sqlite` or `postgres`.
    pub fn backend(&self) -> &'static str {
        match self.backend {
            Backend::Sqlite(_) => "sqlite",
            Backend::Postgres(_) => "postgres",
        }
    }

    fn sqlite<R>(
        &self,
        conn: &Mutex<Connection>,
        f: impl FnOnce(&mut Connection) -> Result<R>,
    ) -> Result<R> {
        use std::sync::atomic::Ordering;
        self.waiting.fetch_add(1, Ordering::SeqCst);
        let locked = conn.lock();
        let out = match locked {
            Ok(mut conn) => self
                .file_in_place()
                .and_then(|()| f(&mut conn).map_err(|e| e.at(&self.place))),
            Err(_) => Err(StoreError::Internal("the store's lock is poisoned".into())),
        };
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        out
    }

    /// The SQLite file is still the one the server opened: not deleted, not
    /// replaced. SQLite keeps writing to a file it has open even after it
    /// was unlinked, and those writes are lost at the next start; so a
    /// missing or replaced file is an outage, found before any read or
    /// write, never a write acknowledged and then lost.
    fn file_in_place(&self) -> Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        match FileId::of(&file.path) {
            Some(now) if now == *file => Ok(()),
            Some(_) => Err(StoreError::unavailable(format!(
                "{}: the file was replaced while the server ran; restart the server to open the new one",
                self.place
            ))),
            None => Err(StoreError::unavailable(format!(
                "{}: the file was deleted while the server ran; nothing more is written to it (restore it, or restart the server to start a new one)",
                self.place
            ))),
        }
    }

    /// Whether the store can take a write now: for SQLite, the file is in
    /// place and a write to it commits (a read-only file, folder or disk
    /// fails here); for PostgreSQL, a round trip. `/readyz` asks this.
    pub fn ready(&self) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                conn.execute(
                    "INSERT INTO settings (key, value) VALUES ('ready-probe', ?1)
                     ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [now()],
                )?;
                Ok(())
            }),
            Backend::Postgres(pool) => pool.run(|c| {
                c.simple_query("SELECT 1")?;
                Ok(())
            }),
        }
    }

    /// The tenant's document, if there is one.
    pub fn tenant(&self, id: &str) -> Result<Option<Value>> {
        if !storable(id) {
            return Ok(None);
        }
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                let doc: Option<String> = conn
                    .query_row("SELECT doc FROM tenants WHERE id = ?1", [id], |r| r.get(0))
                    .optional()?;
                doc.map(|d| serde_json::from_str(&d).map_err(StoreError::Corrupt))
                    .transpose()
            }),
            Backend::Postgres(pool) => {
                let id = id.to_string();
                pool.run(move |c| {
                    let row = c.query_opt("SELECT doc FROM tenants WHERE id = $1", &[&id])?;
                    Ok(row.map(|r| r.get::<_, Value>(0)))
                })
            }
        }
    }

    /// The version of the tenant's document: 1 when first stored, one more
    /// at every committed change, on every replica (the row's own counter).
    /// The tenant-scoped decisions check it on every request, so a cached
    /// snapshot is used only while it is the stored tenant. `None` when there
    /// is no such tenant.
    pub fn version(&self, id: &str) -> Result<Option<i64>> {
        if !storable(id) {
            return Ok(None);
        }
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| sqlite_version(conn, id)),
            Backend::Postgres(pool) => {
                let id = id.to_string();
                pool.run(move |c| {
                    let row = c.query_opt("SELECT version FROM tenants WHERE id = $1", &[&id])?;
                    Ok(row.map(|r| r.get::<_, i64>(0)))
                })
            }
        }
    }

    /// [`Store::token`] right now, or `None` when that would wait: the
    /// store is PostgreSQL (a round trip), or SQLite's connection is busy (a
    /// write holds it). Lets a request read a token on its own task, without
    /// the trip to a blocking thread, whenever that cannot stall it.
    pub fn token_now(&self, hash: &str) -> Option<Result<Option<TokenRecord>>> {
        self.sqlite_now(|conn| sqlite_token(conn, hash))
    }

    /// [`Store::version`] right now, or `None` when that would wait (see
    /// [`Store::token_now`]).
    pub fn version_now(&self, id: &str) -> Option<Result<Option<i64>>> {
        if !storable(id) {
            return Some(Ok(None));
        }
        self.sqlite_now(|conn| sqlite_version(conn, id))
    }

    /// Run the quick read `f` on the SQLite connection now, unless anything
    /// but other quick reads holds it or waits for it (a write, a whole
    /// tenant's read): then `None`, and the caller reads on a blocking thread.
    /// A quick read waits only behind other quick reads, microseconds each.
    fn sqlite_now<R>(&self, f: impl FnOnce(&mut Connection) -> Result<R>) -> Option<Result<R>> {
        use std::sync::atomic::Ordering;
        let Backend::Sqlite(c) = &self.backend else {
            return None;
        };
        if self.waiting.load(Ordering::SeqCst) > 0 {
            return None;
        }
        let mut conn = match c.lock() {
            Ok(conn) => conn,
            Err(_) => {
                return Some(Err(StoreError::Internal(
                    "the store's lock is poisoned".into(),
                )));
            }
        };
        // The file's identity, checked at most every QUICK_CHECK here.
        let now = u64::try_from(self.opened.elapsed().as_nanos()).unwrap_or(u64::MAX);
        let last = self.checked.load(Ordering::Relaxed);
        if last == 0 || now.saturating_sub(last) > QUICK_CHECK.as_nanos() as u64 {
            if let Err(e) = self.file_in_place() {
                return Some(Err(e));
            }
            self.checked.store(now.max(1), Ordering::Relaxed);
        }
        Some(f(&mut conn).map_err(|e| e.at(&self.place)))
    }

    /// The tenant's document and its version, read together.
    pub fn tenant_at(&self, id: &str) -> Result<Option<(i64, Value)>> {
        if !storable(id) {
            return Ok(None);
        }
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                let row: Option<(i64, String)> = conn
                    .query_row(
                        "SELECT version, doc FROM tenants WHERE id = ?1",
                        [id],
                        |r| Ok((r.get(0)?, r.get(1)?)),
                    )
                    .optional()?;
                row.map(|(v, d)| {
                    serde_json::from_str(&d)
                        .map(|d| (v, d))
                        .map_err(StoreError::Corrupt)
                })
                .transpose()
            }),
            Backend::Postgres(pool) => {
                let id = id.to_string();
                pool.run(move |c| {
                    let row =
                        c.query_opt("SELECT version, doc FROM tenants WHERE id = $1", &[&id])?;
                    Ok(row.map(|r| (r.get::<_, i64>(0), r.get::<_, Value>(1))))
                })
            }
        }
    }

    /// Replace a tenant whatever it holds (`--demo` resets the demo tenant).
    pub fn reset(&self, id: &str, doc: &Value) -> Result<()> {
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                conn.execute(
                    "INSERT INTO tenants (id, doc, version) VALUES (?1, ?2, 1)
                     ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = tenants.version + 1",
                    params![id, doc.to_string()],
                )?;
                Ok(())
            }),
            Backend::Postgres(pool) => {
                let (id, doc) = (id.to_string(), doc.clone());
                pool.run(move |c| {
                    c.execute(
                        "INSERT INTO tenants (id, doc, version) VALUES ($1, $2, 1)
                         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, version = tenants.version + 1",
                        &[&id, &doc],
                    )?;
                    Ok(())
                })
            }
        }
    }

    /// The ids of every stored tenant, in order.
    pub fn tenant_ids(&self) -> Result<Vec<String>> {
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                let mut stmt = conn.prepare("SELECT id FROM tenants ORDER BY id")?;
                let ids = stmt
                    .query_map([], |r| r.get::<_, String>(0))?
                    .collect::<std::result::Result<Vec<_>, _>>()?;
                Ok(ids)
            }),
            Backend::Postgres(pool) => pool.run(|c| {
                let rows = c.query("SELECT id FROM tenants ORDER BY id", &[])?;
                rows.iter()
                    .map(|r| r.try_get::<_, String>(0).map_err(Into::into))
                    .collect()
            }),
        }
    }

    /// Create or replace a tenant with `doc`, and audit it, in one
    /// transaction. `Ok(true)` when the tenant is new.
    pub fn put_tenant(
        &self,
        tenant: &str,
        principal: &str,
        action: &str,
        request: &Value,
        doc: &Value,
    ) -> Result<bool> {
        if !storable(tenant) {
            return Err(StoreError::Internal(format!(
                "`{tenant}` cannot be stored as a tenant id"
            )));
        }
        let at = now();
        let codes = serde_json::to_string(&Vec::<String>::new()).map_err(StoreError::Corrupt)?;
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let existed: Option<i64> = tx
                    .query_row("SELECT 1 FROM tenants WHERE id = ?1", [tenant], |r| r.get(0))
                    .optional()?;
                tx.execute(
                    "INSERT INTO tenants (id, doc, version) VALUES (?1, ?2, 1)
                     ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = tenants.version + 1",
                    params![tenant, doc.to_string()],
                )?;
                tx.execute(
                    "INSERT INTO audit (at, principal, tenant, action, allowed, codes, request, plugins)
                     VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, '[]')",
                    params![at, principal, tenant, action, codes, request.to_string()],
                )?;
                self.file_in_place()?;
                tx.commit()?;
                Ok(existed.is_none())
            }),
            Backend::Postgres(pool) => {
                let (tenant, principal, action, request, doc) = (
                    tenant.to_string(),
                    principal.to_string(),
                    action.to_string(),
                    request.clone(),
                    doc.clone(),
                );
                pool.run(move |c| {
                    let mut tx = c.transaction()?;
                    let existed = tx
                        .query_opt("SELECT 1 FROM tenants WHERE id = $1 FOR UPDATE", &[&tenant])?
                        .is_some();
                    tx.execute(
                        "INSERT INTO tenants (id, doc, version) VALUES ($1, $2, 1)
                         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, version = tenants.version + 1",
                        &[&tenant, &doc],
                    )?;
                    tx.execute(
                        "INSERT INTO audit (at, principal, tenant, action, allowed, codes, request, plugins)
                         VALUES ($1, $2, $3, $4, TRUE, '[]', $5, '[]')",
                        &[&at, &principal, &tenant, &action, &request],
                    )?;
                    tx.commit()?;
                    Ok(!existed)
                })
            }
        }
    }

    /// Read the tenant, decide, and commit or refuse, with the audit record,
    /// in one transaction that no other writer to this tenant can interleave
    /// with. `None` when there is no such tenant.
    pub fn write<T>(
        &self,
        tenant: &str,
        principal: &str,
        action: &str,
        request: &Value,
        decide: impl FnOnce(&Value) -> Result<(Outcome<T>, Verdict)>,
    ) -> Result<Option<T>> {
        if !storable(tenant) {
            return Ok(None);
        }
        let at = now();
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                let doc: Option<String> = tx
                    .query_row("SELECT doc FROM tenants WHERE id = ?1", [tenant], |r| {
                        r.get(0)
                    })
                    .optional()?;
                let Some(doc) = doc else {
                    return Ok(None);
                };
                let doc: Value = serde_json::from_str(&doc).map_err(StoreError::Corrupt)?;
                let (outcome, verdict) = decide(&doc)?;
                let answer = match outcome {
                    Outcome::Commit(new, answer) => {
                        tx.execute(
                            "UPDATE tenants SET doc = ?2, version = version + 1 WHERE id = ?1",
                            params![tenant, new.to_string()],
                        )?;
                        answer
                    }
                    Outcome::Refuse(answer) => answer,
                };
                tx.execute(
                    "INSERT INTO audit (at, principal, tenant, action, allowed, codes, request, plugins)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    params![
                        at,
                        principal,
                        tenant,
                        action,
                        verdict.allowed,
                        serde_json::to_string(&verdict.codes).map_err(StoreError::Corrupt)?,
                        request.to_string(),
                        verdict.plugins.to_string()
                    ],
                )?;
                // The file may have gone while this write was decided.
                self.file_in_place()?;
                tx.commit()?;
                Ok(Some(answer))
            }),
            Backend::Postgres(pool) => {
                let record = pg::Record {
                    at,
                    principal: principal.to_string(),
                    tenant: tenant.to_string(),
                    action: action.to_string(),
                    request: request.clone(),
                };
                pool.write(record, decide)
            }
        }
    }

    /// The audit log of a tenant, newest first.
    pub fn audit(&self, tenant: &str, limit: u32) -> Result<Vec<AuditRecord>> {
        if !storable(tenant) {
            return Ok(Vec::new());
        }
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                let mut stmt = conn.prepare(
                    "SELECT id, at, principal, tenant, action, allowed, codes, request, plugins
                     FROM audit WHERE tenant = ?1 ORDER BY id DESC LIMIT ?2",
                )?;
                let rows = stmt.query_map(params![tenant, limit], |r| {
                    let codes: String = r.get(6)?;
                    let request: String = r.get(7)?;
                    Ok(AuditRecord {
                        id: r.get(0)?,
                        at: r.get(1)?,
                        principal: r.get(2)?,
                        tenant: r.get(3)?,
                        action: r.get(4)?,
                        allowed: r.get(5)?,
                        codes: serde_json::from_str(&codes).unwrap_or_default(),
                        request: serde_json::from_str(&request).unwrap_or(Value::Null),
                        plugins: serde_json::from_str(&r.get::<_, String>(8)?)
                            .unwrap_or(Value::Null),
                    })
                })?;
                rows.collect::<std::result::Result<Vec<_>, _>>()
                    .map_err(Into::into)
            }),
            Backend::Postgres(pool) => {
                let tenant = tenant.to_string();
                pool.run(move |c| {
                    let rows = c.query(
                        "SELECT id, at, principal, tenant, action, allowed, codes, request, plugins
                         FROM audit WHERE tenant = $1 ORDER BY id DESC LIMIT $2",
                        &[&tenant, &i64::from(limit)],
                    )?;
                    rows.iter()
                        .map(|r| {
                            Ok(AuditRecord {
                                id: r.try_get(0)?,
                                at: r.try_get(1)?,
                                principal: r.try_get(2)?,
                                tenant: r.try_get(3)?,
                                action: r.try_get(4)?,
                                allowed: r.try_get(5)?,
                                codes: serde_json::from_value(r.try_get(6)?).unwrap_or_default(),
                                request: r.try_get(7)?,
                                plugins: r.try_get(8)?,
                            })
                        })
                        .collect()
                })
            }
        }
    }

    /// Record a token's hash and what it may do.
    pub fn add_token(
        &self,
        hash: &str,
        role: &str,
        tenant: Option<&str>,
        operator: Option<&str>,
    ) -> Result<()> {
        let created = now();
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| {
                conn.execute(
                    "INSERT INTO tokens (hash, role, tenant, operator, created)
                     VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![hash, role, tenant, operator, created],
                )?;
                Ok(())
            }),
            Backend::Postgres(pool) => {
                let owned = |s: Option<&str>| s.map(String::from);
                let (hash, role, tenant, operator) = (
                    hash.to_string(),
                    role.to_string(),
                    owned(tenant),
                    owned(operator),
                );
                pool.run(move |c| {
                    c.execute(
                        "INSERT INTO tokens (hash, role, tenant, operator, created)
                         VALUES ($1, $2, $3, $4, $5)",
                        &[&hash, &role, &tenant, &operator, &created],
                    )?;
                    Ok(())
                })
            }
        }
    }

    /// What a token's hash may do: (role, tenant, operator).
    pub fn token(&self, hash: &str) -> Result<Option<TokenRecord>> {
        match &self.backend {
            Backend::Sqlite(c) => self.sqlite(c, |conn| sqlite_token(conn, hash)),
            Backend::Postgres(pool) => {
                let hash = hash.to_string();
                pool.run(move |c| {
                    let row = c.query_opt(
                        "SELECT role, tenant, operator FROM tokens WHERE hash = $1",
                        &[&hash],
                    )?;
                    row.map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
                        .transpose()
                })
            }
        }
    }
}

/// A token's record, on a SQLite connection.
fn sqlite_token(conn: &mut Connection, hash: &str) -> Result<Option<TokenRecord>> {
    let mut q = conn.prepare_cached("SELECT role, tenant, operator FROM tokens WHERE hash = ?1")?;
    q.query_row([hash], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()
        .map_err(Into::into)
}

/// A tenant's version, on a SQLite connection.
fn sqlite_version(conn: &mut Connection, id: &str) -> Result<Option<i64>> {
    let mut q = conn.prepare_cached("SELECT version FROM tenants WHERE id = ?1")?;
    Ok(q.query_row([id], |r| r.get(0)).optional()?)
}

/// The PostgreSQL backend. The `postgres` client drives its own small async
/// runtime and must not be called from inside another one, and the server's
/// handlers run on tokio; so each connection lives on a thread of its own, and
/// callers hand it jobs over a channel and wait for the answer. A caller never
/// holds a connection across an await.
mod pg {
    use super::*;

    /// How many connections (and threads) a store keeps.
    const CONNECTIONS: usize = 8;
    /// A connection idle longer than this is checked before its next job.
    const IDLE_CHECK: std::time::Duration = std::time::Duration::from_secs(2);

    /// An error on a connection that is now closed, or that no longer
    /// answers a round trip, is an outage, whatever it was: the database
    /// went away, try again. The round trip makes this independent of
    /// timing: a client learns that its socket closed only when its
    /// connection task next runs, so `is_closed` alone can still say `false`
    /// just after the server died.
    fn lost_connection(c: &mut postgres::Client, e: StoreError) -> StoreError {
        if e.is_unavailable() || !matches!(e, StoreError::Database { .. }) {
            return e;
        }
        let gone = c.is_closed() || c.is_valid(std::time::Duration::from_secs(2)).is_err();
        if gone {
            StoreError::Unavailable {
                reason: "the connection to PostgreSQL was lost".into(),
                source: Some(Box::new(e)),
            }
        } else {
            e
        }
    }

    const SCHEMA: &str = "
        SELECT pg_advisory_xact_lock(7305372718);
        CREATE TABLE IF NOT EXISTS tenants (
            id TEXT PRIMARY KEY, doc JSON NOT NULL, version BIGINT NOT NULL);
        CREATE TABLE IF NOT EXISTS audit (
            id BIGSERIAL PRIMARY KEY, at TEXT NOT NULL, principal TEXT NOT NULL,
            tenant TEXT NOT NULL, action TEXT NOT NULL, allowed BOOLEAN NOT NULL,
            codes JSON NOT NULL, request JSON NOT NULL, plugins JSON NOT NULL DEFAULT '[]');
        CREATE INDEX IF NOT EXISTS audit_by_tenant ON audit (tenant, id);
        CREATE OR REPLACE FUNCTION ocpolicy_audit_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'the audit log is append-only'; END $$;
        CREATE OR REPLACE TRIGGER audit_append_only BEFORE UPDATE OR DELETE ON audit
            FOR EACH ROW EXECUTE FUNCTION ocpolicy_audit_append_only();
        CREATE TABLE IF NOT EXISTS tokens (
            hash TEXT PRIMARY KEY, role TEXT NOT NULL, tenant TEXT, operator TEXT,
            created TEXT NOT NULL);
        CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);";

    /// A job gets its thread's connection, or why the thread has none.
    type Job = Box<dyn FnOnce(Result<&mut postgres::Client>) + Send>;

    /// The audit record's fields that the caller knows before deciding.
    pub struct Record {
        pub at: String,
        pub principal: String,
        pub tenant: String,
        pub action: String,
        pub request: Value,
    }

    /// Connection threads that take jobs from one queue.
    pub struct Pool {
        jobs: Mutex<mpsc::Sender<Job>>,
    }

    /// Where the server is, for messages (never the password).
    fn place(config: &postgres::Config) -> String {
        let host = config
            .get_hosts()
            .first()
            .map(|h| match h {
                postgres::config::Host::Tcp(h) => h.clone(),
                postgres::config::Host::Unix(p) => p.display().to_string(),
            })
            .unwrap_or_else(|| "localhost".into());
        let port = config.get_ports().first().copied().unwrap_or(5432);
        let db = config.get_dbname().unwrap_or("(default)");
        format!("PostgreSQL at {host}:{port}, database {db}")
    }

    impl Pool {
        /// Connect once (so a wrong URL fails now, with a clear message),
        /// create the schema, and start the connection threads.
        pub fn open(url: &str) -> Result<(Self, String)> {
            let config: postgres::Config = url.parse().map_err(|e| StoreError::Location {
                what: "the --db URL is not a PostgreSQL URL (postgres://user@host:port/db)".into(),
                source: Box::new(e),
            })?;
            let place = place(&config);
            let (tx, rx) = mpsc::channel::<Job>();
            let rx = Arc::new(Mutex::new(rx));
            let (ready_tx, ready_rx) = mpsc::channel::<Result<()>>();
            for n in 0..CONNECTIONS {
                let (config, rx, place, ready) =
                    (config.clone(), rx.clone(), place.clone(), ready_tx.clone());
                std::thread::Builder::new()
                    .name(format!("ocpolicy-pg-{n}"))
                    .spawn(move || connection(config, rx, place, (n == 0).then_some(ready)))
                    .map_err(|e| {
                        StoreError::Internal(format!("starting a store connection thread: {e}"))
                    })?;
            }
            drop(ready_tx);
            ready_rx.recv().map_err(|_| {
                StoreError::Internal("the store's first connection thread stopped".into())
            })??;
            Ok((
                Pool {
                    jobs: Mutex::new(tx),
                },
                place,
            ))
        }

        fn submit(&self, job: Job) -> Result<()> {
            self.jobs
                .lock()
                .map_err(|_| StoreError::Internal("the store's queue lock is poisoned".into()))?
                .send(job)
                .map_err(|_| {
                    StoreError::Internal("the store's connection threads have stopped".into())
                })
        }

        /// Run `f` on a connection and wait for its answer.
        pub fn run<R: Send + 'static>(
            &self,
            f: impl FnOnce(&mut postgres::Client) -> Result<R> + Send + 'static,
        ) -> Result<R> {
            let (tx, rx) = mpsc::channel();
            self.submit(Box::new(move |c| {
                let answer = c.and_then(|c| f(c).map_err(|e| lost_connection(c, e)));
                let _ = tx.send(answer);
            }))?;
            rx.recv().map_err(|_| {
                StoreError::Internal("a store connection thread stopped mid-job".into())
            })?
        }

        /// The write conversation: the connection thread opens the
        /// transaction, locks and reads the tenant's row, and sends the
        /// document here; the rules decide on this thread (they hold the
        /// caller's wasm instance); the thread then writes, audits and commits
        /// and says whether the commit happened.
        pub fn write<T>(
            &self,
            record: Record,
            decide: impl FnOnce(&Value) -> Result<(Outcome<T>, Verdict)>,
        ) -> Result<Option<T>> {
            let (doc_tx, doc_rx) = mpsc::channel::<Result<Option<Value>>>();
            let (plan_tx, plan_rx) = mpsc::channel::<(Option<Value>, Verdict)>();
            let (done_tx, done_rx) = mpsc::channel::<Result<()>>();
            self.submit(Box::new(move |c| {
                let c = match c {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = doc_tx.send(Err(e));
                        let _ = done_tx.send(Ok(()));
                        return;
                    }
                };
                // Whether the caller has its document (or knows there is
                // none). Until then, a failure goes to the caller on the
                // document's channel, classified like any other (an outage
                // is 503 whichever statement met it).
                let mut told = false;
                let mut run = |c: &mut postgres::Client| -> Result<()> {
                    let mut tx = c.transaction()?;
                    let row = tx.query_opt(
                        "SELECT doc FROM tenants WHERE id = $1 FOR UPDATE",
                        &[&record.tenant],
                    )?;
                    let doc = row.map(|r| r.try_get::<_, Value>(0)).transpose()?;
                    let found = doc.is_some();
                    told = true;
                    let _ = doc_tx.send(Ok(doc));
                    if !found {
                        return Ok(());
                    }
                    // The caller dropped its end: it failed to decide; roll back.
                    let Ok((new, verdict)) = plan_rx.recv() else {
                        return Ok(());
                    };
                    if let Some(new) = new {
                        tx.execute(
                            "UPDATE tenants SET doc = $2, version = version + 1 WHERE id = $1",
                            &[&record.tenant, &new],
                        )?;
                    }
                    tx.execute(
                        "INSERT INTO audit (at, principal, tenant, action, allowed, codes, request, plugins)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                        &[
                            &record.at,
                            &record.principal,
                            &record.tenant,
                            &record.action,
                            &verdict.allowed,
                            &serde_json::to_value(&verdict.codes).map_err(StoreError::Corrupt)?,
                            &record.request,
                            &verdict.plugins,
                        ],
                    )?;
                    tx.commit()?;
                    Ok(())
                };
                let answer = run(c).map_err(|e| lost_connection(c, e));
                if told {
                    let _ = done_tx.send(answer);
                } else {
                    let _ = doc_tx.send(answer.map(|()| None));
                    let _ = done_tx.send(Ok(()));
                }
            }))?;
            let lost =
                || StoreError::Internal("a store connection thread stopped mid-write".into());
            let Some(doc) = doc_rx.recv().map_err(|_| lost())?? else {
                return Ok(None);
            };
            let (outcome, verdict) = decide(&doc)?;
            let (new, answer) = match outcome {
                Outcome::Commit(new, answer) => (Some(new), answer),
                Outcome::Refuse(answer) => (None, answer),
            };
            plan_tx.send((new, verdict)).map_err(|_| lost())?;
            done_rx.recv().map_err(|_| lost())??;
            Ok(Some(answer))
        }
    }

    /// One connection's thread: (re)connect when needed, then run jobs until
    /// the pool is dropped. The first thread also creates the schema and says
    /// whether that worked.
    fn connection(
        config: postgres::Config,
        jobs: Arc<Mutex<mpsc::Receiver<Job>>>,
        place: String,
        ready: Option<mpsc::Sender<Result<()>>>,
    ) {
        let connect = || -> Result<postgres::Client> {
            config
                .connect(postgres::NoTls)
                .map_err(|e| StoreError::Unavailable {
                    reason: format!("connecting to {place}"),
                    source: Some(Box::new(e)),
                })
        };
        let mut client = None;
        let mut last_used = std::time::Instant::now();
        if let Some(ready) = ready {
            let first = connect().and_then(|mut c| {
                c.batch_execute(&format!("BEGIN; {SCHEMA} COMMIT;"))?;
                Ok(c)
            });
            match first {
                Ok(c) => {
                    client = Some(c);
                    let _ = ready.send(Ok(()));
                }
                Err(e) => {
                    let _ = ready.send(Err(e));
                    return;
                }
            }
        }
        loop {
            let job = match jobs.lock() {
                Ok(rx) => rx.recv(),
                Err(_) => return,
            };
            let Ok(job) = job else { return };
            // A connection idle for a while may have been cut (the database
            // restarted): check it with a round trip before trusting it. Busy
            // connections skip this; a cut one fails its job once, as 503.
            if last_used.elapsed() > IDLE_CHECK
                && let Some(c) = client.as_mut()
                && c.is_valid(std::time::Duration::from_secs(2)).is_err()
            {
                client = None;
            }
            if client.as_ref().is_none_or(postgres::Client::is_closed) {
                client = None;
                match connect() {
                    Ok(c) => client = Some(c),
                    Err(e) => {
                        tracing::error!(error = %format!("{e:#}"), "store connection failed");
                        job(Err(e));
                        continue;
                    }
                }
            }
            match client.as_mut() {
                Some(c) => job(Ok(c)),
                None => job(Err(StoreError::unavailable(format!(
                    "no connection to {place}"
                )))),
            }
            last_used = std::time::Instant::now();
        }
    }
}

/// Whether a tenant id could be stored at all: PostgreSQL text holds no NUL,
/// so an id with one names no tenant, on either backend alike (rather than
/// an error from the database).
fn storable(id: &str) -> bool {
    !id.contains('\0')
}

/// Now, as RFC 3339 UTC.
pub(crate) fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::StoreError;

    /// What SQLite says about the file itself is an outage (503), whatever
    /// the statement was: the file is read-only, gone, full or not a
    /// database. A constraint or a syntax error is a failure (500).
    #[test]
    fn sqlite_errors_about_the_file_are_outages() {
        use rusqlite::ffi;
        let e =
            |code| StoreError::from(rusqlite::Error::SqliteFailure(ffi::Error::new(code), None));
        for code in [
            ffi::SQLITE_READONLY,
            ffi::SQLITE_BUSY,
            ffi::SQLITE_LOCKED,
            ffi::SQLITE_CANTOPEN,
            ffi::SQLITE_FULL,
            ffi::SQLITE_IOERR,
            ffi::SQLITE_NOTADB,
            ffi::SQLITE_CORRUPT,
        ] {
            assert!(e(code).is_unavailable(), "{code}");
        }
        for code in [
            ffi::SQLITE_CONSTRAINT,
            ffi::SQLITE_ERROR,
            ffi::SQLITE_MISMATCH,
        ] {
            assert!(!e(code).is_unavailable(), "{code}");
        }
    }
}
