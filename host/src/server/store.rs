//! The tenant store: an embedded SQLite file (the `bundled` build, nothing to
//! install). A tenant is one JSON document, `{tenant, emergency, conferencing}`,
//! the same snapshot the web console validates against; every write reads it,
//! asks the rules, and writes it back with its audit record in one immediate
//! transaction, so two writers never both pass a rule only one of them may.

use std::path::Path;
use std::sync::Mutex;

use anyhow::{Context, Result};
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

/// The SQLite store. One connection behind a mutex: SQLite serialises writers
/// anyway, and the rules run outside the lock only for stateless decisions.
pub struct Store {
    conn: Mutex<Connection>,
}

/// What a write does once the rules have allowed it.
pub enum Outcome<T> {
    /// Commit the new document; answer `T`.
    Commit(Value, T),
    /// Change nothing; answer `T` (a refusal, audited).
    Refuse(T),
}

impl Store {
    /// Open (creating if needed) the store at `path`; `:memory:` for tests.
    pub fn open(path: &Path) -> Result<Self> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the store's folder {}", dir.display()))?;
        }
        let conn = Connection::open(path)
            .with_context(|| format!("opening the store {}", path.display()))?;
        conn.execute_batch(
            "PRAGMA journal_mode = WAL;
             PRAGMA synchronous = FULL;
             PRAGMA busy_timeout = 5000;
             CREATE TABLE IF NOT EXISTS tenants (
                 id TEXT PRIMARY KEY, doc TEXT NOT NULL, version INTEGER NOT NULL);
             CREATE TABLE IF NOT EXISTS audit (
                 id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, principal TEXT NOT NULL,
                 tenant TEXT NOT NULL, action TEXT NOT NULL, allowed INTEGER NOT NULL,
                 codes TEXT NOT NULL, request TEXT NOT NULL, plugins TEXT NOT NULL DEFAULT '[]');
             CREATE TABLE IF NOT EXISTS tokens (
                 hash TEXT PRIMARY KEY, role TEXT NOT NULL, tenant TEXT, operator TEXT,
                 created TEXT NOT NULL);",
        )
        .context("creating the store's tables")?;
        Ok(Store {
            conn: Mutex::new(conn),
        })
    }

    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Connection>> {
        self.conn
            .lock()
            .map_err(|_| anyhow::anyhow!("the store's lock is poisoned"))
    }

    /// The tenant's document, if there is one.
    pub fn tenant(&self, id: &str) -> Result<Option<Value>> {
        let conn = self.lock()?;
        let doc: Option<String> = conn
            .query_row("SELECT doc FROM tenants WHERE id = ?1", [id], |r| r.get(0))
            .optional()?;
        doc.map(|d| serde_json::from_str(&d).context("a stored tenant is not JSON"))
            .transpose()
    }

    /// Replace a tenant whatever it holds (`--demo` resets the demo tenant).
    pub fn reset(&self, id: &str, doc: &Value) -> Result<()> {
        let conn = self.lock()?;
        conn.execute(
            "INSERT INTO tenants (id, doc, version) VALUES (?1, ?2, 1)
             ON CONFLICT(id) DO UPDATE SET doc = excluded.doc, version = tenants.version + 1",
            params![id, doc.to_string()],
        )?;
        Ok(())
    }

    /// Read the tenant, decide, and commit or refuse, with the audit record,
    /// in one immediate transaction (writers queue; readers go on).
    pub fn write<T>(
        &self,
        tenant: &str,
        principal: &str,
        action: &str,
        request: &Value,
        decide: impl FnOnce(&Value) -> Result<(Outcome<T>, Verdict)>,
    ) -> Result<Option<T>> {
        let mut conn = self.lock()?;
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let doc: Option<String> = tx
            .query_row("SELECT doc FROM tenants WHERE id = ?1", [tenant], |r| {
                r.get(0)
            })
            .optional()?;
        let Some(doc) = doc else {
            return Ok(None);
        };
        let doc: Value = serde_json::from_str(&doc).context("a stored tenant is not JSON")?;
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
                now(),
                principal,
                tenant,
                action,
                verdict.allowed,
                serde_json::to_string(&verdict.codes)?,
                request.to_string(),
                verdict.plugins.to_string()
            ],
        )?;
        tx.commit()?;
        Ok(Some(answer))
    }

    /// The audit log of a tenant, newest first.
    pub fn audit(&self, tenant: &str, limit: u32) -> Result<Vec<AuditRecord>> {
        let conn = self.lock()?;
        let mut stmt = conn.prepare(
            "SELECT id, at, principal, tenant, action, allowed, codes, request, plugins FROM audit
             WHERE tenant = ?1 ORDER BY id DESC LIMIT ?2",
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
                plugins: serde_json::from_str(&r.get::<_, String>(8)?).unwrap_or(Value::Null),
            })
        })?;
        rows.collect::<Result<Vec<_>, _>>().map_err(Into::into)
    }

    /// Record a token's hash and what it may do.
    pub fn add_token(
        &self,
        hash: &str,
        role: &str,
        tenant: Option<&str>,
        operator: Option<&str>,
    ) -> Result<()> {
        let conn = self.lock()?;
        conn.execute(
            "INSERT INTO tokens (hash, role, tenant, operator, created) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![hash, role, tenant, operator, now()],
        )?;
        Ok(())
    }

    /// What a token's hash may do: (role, tenant, operator).
    pub fn token(&self, hash: &str) -> Result<Option<TokenRecord>> {
        let conn = self.lock()?;
        conn.query_row(
            "SELECT role, tenant, operator FROM tokens WHERE hash = ?1",
            [hash],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        .map_err(Into::into)
    }
}

/// Now, as RFC 3339 UTC.
fn now() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
