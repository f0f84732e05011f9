//! Decisions against the stored tenant: `POST /v1/tenants/{tenant}/decide/{kind}`
//! takes only the request (an eligibility request, an emergency request, a
//! network context, a conferencing request or a dial-out) and decides it
//! against the tenant as stored, with the server's clock and plugins, the
//! way a write to it would be decided. `.../batch` takes NDJSON.
//!
//! The tenant is decoded once per stored version and shared by every request
//! ([`Tenants`]); each warm instance keeps its own indexed snapshots per
//! tenant version ([`Warm`]). Every request reads the tenant's version from
//! the store first (one indexed row, on every replica and backend), so a
//! commit anywhere is seen by the next request everywhere: a snapshot is only
//! ever used while it is the stored tenant.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::auth::{self, Principal};
use super::document::{self, Document, Undecidable};
use super::{ApiError, AppState, Inner};
use ocpolicy_rules::TenantSnapshot;
use ocpolicy_runtime::types::{self as wt, InputError};
use ocpolicy_runtime::{ConferencingSnapshot, EmergencySnapshot, RulesInstance, Snapshot};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/decide/{kind}", post(one))
        .route(
            "/v1/tenants/{tenant}/decide/{kind}/batch",
            post(batch).layer(axum::extract::DefaultBodyLimit::disable()),
        )
}

/// What a tenant-scoped decision may ask.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// An eligibility request (`{"AssignNumber": {...}}`...).
    Eligibility,
    /// An emergency request (`{"SetLisEntry": {...}}`...).
    Emergency,
    /// A network context: the location an emergency call carries.
    EmergencyResolve,
    /// A conferencing request (`{"GrantDialOutPolicy": {...}}`...).
    Conferencing,
    /// A dial-out: which way a meeting's dial-out goes.
    ConferencingRoute,
}

/// Every kind, in the order the API lists them.
pub const KINDS: [Kind; 5] = [
    Kind::Eligibility,
    Kind::Emergency,
    Kind::EmergencyResolve,
    Kind::Conferencing,
    Kind::ConferencingRoute,
];

impl Kind {
    /// Its name in the path.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Eligibility => "eligibility",
            Kind::Emergency => "emergency",
            Kind::EmergencyResolve => "emergency-resolve",
            Kind::Conferencing => "conferencing",
            Kind::ConferencingRoute => "conferencing-route",
        }
    }

    fn from_name(name: &str) -> Option<Kind> {
        KINDS.into_iter().find(|k| k.name() == name)
    }

    /// Its family, as the metrics label it.
    pub fn family(self) -> &'static str {
        match self {
            Kind::Eligibility => "eligibility",
            Kind::Emergency | Kind::EmergencyResolve => "emergency",
            Kind::Conferencing | Kind::ConferencingRoute => "conferencing",
        }
    }

    /// The contract type of its body, and of its answer.
    pub fn types(self) -> (&'static str, &'static str) {
        match self {
            Kind::Eligibility => ("EligibilityRequest", "Decision"),
            Kind::Emergency => ("EmergencyRequest", "Decision"),
            Kind::EmergencyResolve => ("NetworkContext", "Resolution"),
            Kind::Conferencing => ("ConferencingRequest", "Decision"),
            Kind::ConferencingRoute => ("DialOut", "RouteDecision"),
        }
    }

    /// What it decides, for the API's description.
    pub fn summary(self) -> &'static str {
        match self {
            Kind::Eligibility => {
                "an eligibility request (assign, upload, release, remove an operator...) against the stored tenant"
            }
            Kind::Emergency => {
                "an emergency configuration change (an address, a place, a LIS entry, a trusted IP...) against the stored tenant's emergency settings"
            }
            Kind::EmergencyResolve => {
                "the location an emergency call from this network context carries, from the stored tenant's LIS and trusted IPs"
            }
            Kind::Conferencing => {
                "a conferencing change (the bridge's default number, a dial-out policy grant...) against the stored tenant's conferencing settings"
            }
            Kind::ConferencingRoute => {
                "which way a meeting's dial-out goes, through the stored tenant's dial plans, usages, routes and the organizer's policy"
            }
        }
    }
}

/// One question, decoded.
enum Ask {
    Eligibility(wt::EligibilityRequest),
    Emergency(wt::EmergencyRequest),
    Resolve(wt::NetworkContext),
    Conferencing(wt::ConferencingRequest),
    Route(wt::DialOut),
}

/// Decode one body of `kind`, strictly (unknown fields and wrong types are
/// refused, naming the path). A time the request leaves out is the server's
/// clock: the answer is the one a write sent now would get.
fn ask(kind: Kind, body: &[u8]) -> Result<Ask, InputError> {
    fn doc<T: serde::de::DeserializeOwned + serde::Serialize>(b: &[u8]) -> Result<T, InputError> {
        ocpolicy_rules::json::from_slice(b).map_err(|e| InputError {
            path: e.path,
            message: e.message,
        })
    }
    let now = || Some(super::store::now());
    Ok(match kind {
        Kind::Eligibility => {
            let mut r: wt::EligibilityRequest = doc(body)?;
            match &mut r {
                wt::EligibilityRequest::AssignNumber(a) if a.now.is_none() => a.now = now(),
                wt::EligibilityRequest::SetAssignmentBlock(b) if b.now.is_none() => b.now = now(),
                _ => {}
            }
            Ask::Eligibility(r)
        }
        Kind::Emergency => {
            let mut r: wt::EmergencyRequest = doc(body)?;
            if let wt::EmergencyRequest::SetLisEntry(e) = &mut r
                && e.now.is_none()
            {
                e.now = now();
            }
            Ask::Emergency(r)
        }
        Kind::EmergencyResolve => Ask::Resolve(doc(body)?),
        Kind::Conferencing => Ask::Conferencing(doc(body)?),
        Kind::ConferencingRoute => Ask::Route(doc(body)?),
    })
}

/// The stored tenants, decoded once per version, shared by every request.
#[derive(Default)]
pub struct Tenants {
    map: Mutex<HashMap<String, Arc<Stored>>>,
}

/// The most tenants kept decoded at once; past it, one is let go (and decoded
/// again when next asked).
const MAX_TENANTS: usize = 256;

impl Tenants {
    fn get(&self, tenant: &str, version: i64) -> Option<Arc<Stored>> {
        let map = self.map.lock().ok()?;
        map.get(tenant).filter(|s| s.version == version).cloned()
    }

    fn put(&self, tenant: &str, stored: Arc<Stored>) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_TENANTS
                && !map.contains_key(tenant)
                && let Some(k) = map.keys().next().cloned()
            {
                map.remove(&k);
            }
            map.insert(tenant.to_string(), stored);
        }
    }
}

/// One version of a stored tenant.
pub struct Stored {
    version: i64,
    /// The operators it consented to (who may read it).
    operators: Vec<String>,
    decoded: Result<Decoded, Undecidable>,
}

/// A decodable stored tenant, and what the rules take of it, each made the
/// first time it is needed.
struct Decoded {
    doc: Document,
    tenant: OnceLock<Result<wt::Tenant, String>>,
    emergency: OnceLock<Result<wt::EmergencyConfig, String>>,
    conferencing: OnceLock<Result<Option<wt::ConferencingConfig>, String>>,
    /// The tenant indexed natively, for the operators' plugins.
    native: OnceLock<Result<Arc<TenantSnapshot>, String>>,
}

fn made<T: Clone>(
    cell: &OnceLock<Result<T, String>>,
    f: impl FnOnce() -> crate::Result<T>,
) -> crate::Result<&T> {
    cell.get_or_init(|| f().map_err(|e| super::chain(&e)))
        .as_ref()
        .map_err(|e| {
            crate::Error::Internal(format!("the stored tenant could not be prepared: {e}"))
        })
}

impl Decoded {
    fn tenant(&self) -> crate::Result<&wt::Tenant> {
        made(&self.tenant, || document::tenant(&self.doc))
    }
    fn emergency(&self) -> crate::Result<&wt::EmergencyConfig> {
        made(&self.emergency, || document::emergency(&self.doc))
    }
    fn conferencing(&self) -> crate::Result<&Option<wt::ConferencingConfig>> {
        made(&self.conferencing, || document::conferencing(&self.doc))
    }
    fn native(&self) -> crate::Result<&Arc<TenantSnapshot>> {
        made(&self.native, || {
            TenantSnapshot::new(self.doc.tenant.clone())
                .map(Arc::new)
                .map_err(|e| crate::Error::Internal(format!("{}: {}", e.path, e.message)))
        })
    }
}

impl Stored {
    fn new(version: i64, stored: &Value) -> crate::Result<Self> {
        let operators = super::tenant::operators(stored);
        let decoded = document::decode(stored)?.map(|doc| Decoded {
            doc,
            tenant: OnceLock::new(),
            emergency: OnceLock::new(),
            conferencing: OnceLock::new(),
            native: OnceLock::new(),
        });
        Ok(Stored {
            version,
            operators,
            decoded,
        })
    }
}

/// A warm rules instance and the snapshots it has indexed, per tenant.
pub struct Warm {
    /// The instance.
    pub rules: RulesInstance,
    indexed: HashMap<String, Indexed>,
    /// Counts uses, to let the least recently used tenant go.
    tick: u64,
}

/// The most tenants one instance keeps indexed.
const PER_INSTANCE: usize = 16;

/// One tenant version's snapshots inside one instance, each indexed the first
/// time its family is asked.
#[derive(Default)]
struct Indexed {
    version: i64,
    used: u64,
    eligibility: Option<Snapshot>,
    emergency: Option<EmergencySnapshot>,
    conferencing: Option<ConferencingSnapshot>,
}

impl Warm {
    /// A new instance, with nothing indexed.
    pub fn new(rules: RulesInstance) -> Self {
        Warm {
            rules,
            indexed: HashMap::new(),
            tick: 0,
        }
    }

    /// Whether `kind` can be decided against `tenant` at `version` without
    /// indexing anything: the family's snapshot is made, and so is the
    /// native one when there are plugins.
    fn ready(&self, stored: &Stored, tenant: &str, kind: Kind, plugins: bool) -> bool {
        let Some(ix) = self
            .indexed
            .get(tenant)
            .filter(|ix| ix.version == stored.version)
        else {
            return false;
        };
        let made = match kind {
            Kind::Eligibility => ix.eligibility.is_some(),
            Kind::Emergency | Kind::EmergencyResolve => ix.emergency.is_some(),
            Kind::Conferencing | Kind::ConferencingRoute => ix.conferencing.is_some(),
        };
        let native = !plugins
            || stored
                .decoded
                .as_ref()
                .is_ok_and(|d| d.native.get().is_some());
        made && native
    }

    /// Free the snapshots of `ix` inside the instance.
    fn release(rules: &mut RulesInstance, ix: Indexed) -> crate::Result<()> {
        if let Some(s) = ix.eligibility {
            rules.drop_snapshot(s)?;
        }
        if let Some(s) = ix.emergency {
            rules.drop_emergency_snapshot(s)?;
        }
        if let Some(s) = ix.conferencing {
            rules.drop_conferencing_snapshot(s)?;
        }
        Ok(())
    }

    /// The entry for `tenant` at `version`: an older version's snapshots are
    /// freed first, and past [`PER_INSTANCE`] tenants the least recently used
    /// one goes.
    fn entry(&mut self, tenant: &str, version: i64) -> crate::Result<&mut Indexed> {
        self.tick += 1;
        let stale = self
            .indexed
            .get(tenant)
            .is_some_and(|ix| ix.version != version);
        if stale && let Some(old) = self.indexed.remove(tenant) {
            Warm::release(&mut self.rules, old)?;
        }
        if !self.indexed.contains_key(tenant) && self.indexed.len() >= PER_INSTANCE {
            let oldest = self
                .indexed
                .iter()
                .min_by_key(|(_, ix)| ix.used)
                .map(|(k, _)| k.clone());
            if let Some(old) = oldest.and_then(|k| self.indexed.remove(&k)) {
                Warm::release(&mut self.rules, old)?;
            }
        }
        let tick = self.tick;
        let ix = self
            .indexed
            .entry(tenant.to_string())
            .or_insert_with(|| Indexed {
                version,
                ..Indexed::default()
            });
        ix.used = tick;
        Ok(ix)
    }
}

/// An answer to one question: the envelope's fields, or bad input.
enum Answer {
    /// Decided: the answer, and the plugins' runs when any took part.
    Decided {
        kind: Kind,
        ok: Value,
        plugins: Option<Vec<Value>>,
    },
    /// Bad input (400): the field's path, and what is wrong.
    Bad(InputError),
    /// Not this principal's to ask (403).
    Forbidden(String),
}

/// What deciding against a tenant can end in besides answers.
enum Refused {
    /// The request is answered with this error (403, 404, 409, 503...).
    Api(ApiError),
}

/// The stored tenant at its current version, for `p`: 403 before 404, as on
/// every tenant endpoint.
fn current(
    inner: &Inner,
    p: &Principal,
    tenant: &str,
) -> crate::Result<Result<Arc<Stored>, ApiError>> {
    let version = match inner.store.version(tenant) {
        Ok(v) => v,
        Err(e) => return Ok(Err(ApiError::store(e, "the store could not be read"))),
    };
    let Some(version) = version else {
        if let Err(e) = auth::may_read(p, tenant, &[]) {
            return Ok(Err(e));
        }
        return Ok(Err(super::tenant::not_found(tenant)));
    };
    let stored = match inner.tenants.get(tenant, version) {
        Some(s) => s,
        None => {
            let read = match inner.store.tenant_at(tenant) {
                Ok(r) => r,
                Err(e) => return Ok(Err(ApiError::store(e, "the store could not be read"))),
            };
            let Some((version, doc)) = read else {
                return Ok(Err(super::tenant::not_found(tenant)));
            };
            let s = Arc::new(Stored::new(version, &doc)?);
            inner.tenants.put(tenant, s.clone());
            s
        }
    };
    if let Err(e) = auth::may_read(p, tenant, &stored.operators) {
        return Ok(Err(e));
    }
    Ok(Ok(stored))
}

/// [`current`] without waiting, or `None` when it would wait: the store's
/// version cannot be read right now (PostgreSQL, a busy SQLite connection),
/// or this version is not decoded yet.
fn current_now(
    inner: &Inner,
    p: &Principal,
    tenant: &str,
) -> Option<Result<Arc<Stored>, ApiError>> {
    let version = match inner.store.version_now(tenant)? {
        Ok(v) => v,
        Err(e) => return Some(Err(ApiError::store(e, "the store could not be read"))),
    };
    let Some(version) = version else {
        return Some(Err(auth::may_read(p, tenant, &[])
            .err()
            .unwrap_or_else(|| super::tenant::not_found(tenant))));
    };
    let stored = inner.tenants.get(tenant, version)?;
    Some(auth::may_read(p, tenant, &stored.operators).map(|()| stored))
}

/// May `p`, which may read the tenant, ask this? An operator asks only what
/// it may do to a tenant itself: upload its own numbers, release its own
/// numbers. The rest decides on the tenant's users, locations and routing,
/// which are not the operator's to read.
fn may_ask(p: &Principal, ask: &Ask, doc: &Document) -> Result<(), String> {
    let Principal::Operator { operator } = p else {
        return Ok(());
    };
    let own = |o: Option<&str>| o.is_some_and(|o| document::same_id(o, operator));
    let ok = match ask {
        Ask::Eligibility(wt::EligibilityRequest::UploadNumbers(u)) => own(Some(&u.operator_id)),
        Ask::Eligibility(wt::EligibilityRequest::ReleaseNumber(r)) => {
            own(document::number(doc, &r.telephone_number).and_then(|n| n.operator_id.as_deref()))
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{} may ask only about uploading or releasing its own numbers in this tenant; the rest decides on the tenant's users, places and routing, which only the tenant's admin and auditors read",
            p.name()
        ))
    }
}

/// Decide `asks` against `stored` on the warm instance `w`, in order.
fn decide_all(
    w: &mut Warm,
    inner: &Inner,
    tenant: &str,
    stored: &Stored,
    asks: Vec<Result<Ask, InputError>>,
    p: &Principal,
) -> crate::Result<Result<Vec<Answer>, ApiError>> {
    let d = match &stored.decoded {
        Ok(d) => d,
        Err(u) => return Ok(Err(super::tenant::broken(tenant, u))),
    };
    let mut out = Vec::with_capacity(asks.len());
    for ask in asks {
        let ask = match ask {
            Ok(a) => a,
            Err(e) => {
                out.push(Answer::Bad(e));
                continue;
            }
        };
        if let Err(m) = may_ask(p, &ask, &d.doc) {
            out.push(Answer::Forbidden(m));
            continue;
        }
        match decide_one(w, inner, tenant, stored.version, d, ask)? {
            Ok(a) => out.push(a),
            Err(Refused::Api(e)) => return Ok(Err(e)),
        }
    }
    Ok(Ok(out))
}

/// A rules error about the request, with its path from the body's root: the
/// rules name fields within a whole check (`request.location_id`,
/// `context.user`, `dial_out.dialed`), and here the body is the request.
fn rebased(mut e: InputError) -> InputError {
    for prefix in ["request", "context", "dial_out"] {
        if let Some(rest) = e.path.strip_prefix(prefix)
            && (rest.is_empty() || rest.starts_with('.') || rest.starts_with('['))
        {
            e.path = rest.trim_start_matches('.').to_string();
            break;
        }
    }
    e
}

/// The refusal when a stored tenant does not index (it decoded, but a
/// family's snapshot cannot be built from it).
fn undecidable(tenant: &str, e: InputError) -> Refused {
    Refused::Api(super::tenant::broken(
        tenant,
        &Undecidable {
            path: e.path,
            message: e.message,
        },
    ))
}

fn decide_one(
    w: &mut Warm,
    inner: &Inner,
    tenant: &str,
    version: i64,
    d: &Decoded,
    ask: Ask,
) -> crate::Result<Result<Answer, Refused>> {
    use ocpolicy_plugins::Hook;
    let plugins = inner.plugins.as_ref();
    macro_rules! snapshot {
        ($field:ident, $make:expr) => {{
            if w.entry(tenant, version)?.$field.is_none() {
                match ($make)(&mut w.rules)? {
                    Ok(s) => w.entry(tenant, version)?.$field = Some(s),
                    Err(e) => return Ok(Err(undecidable(tenant, e))),
                }
            }
            match w.indexed.get(tenant).and_then(|ix| ix.$field.as_ref()) {
                Some(s) => s,
                None => return Err(crate::Error::Internal("a snapshot went missing".into())),
            }
        }};
    }
    if matches!(ask, Ask::Conferencing(_) | Ask::Route(_)) && d.conferencing()?.is_none() {
        return Ok(Err(Refused::Api(ApiError::new(
            StatusCode::CONFLICT,
            "conferencing",
            &format!(
                "tenant `{tenant}` has no conferencing settings to decide against; its admin sets them first (PUT /v1/tenants/{tenant}/conferencing)"
            ),
        ))));
    }
    let answer = match ask {
        Ask::Eligibility(request) => {
            let tenant_wt = d.tenant()?;
            let s = snapshot!(eligibility, |r: &mut RulesInstance| r.snapshot(tenant_wt));
            let decision = match w.rules.check(s, &request)? {
                Ok(x) => x,
                Err(e) => return Ok(Ok(Answer::Bad(rebased(e)))),
            };
            let hook = match &request {
                wt::EligibilityRequest::UploadNumbers(_) => Hook::CheckUpload,
                _ => Hook::CheckEligibility,
            };
            match plugins.filter(|h| h.takes(hook)) {
                None => Answer::Decided {
                    kind: Kind::Eligibility,
                    ok: serde_json::to_value(&decision)?,
                    plugins: None,
                },
                Some(host) => {
                    let req: ocpolicy_rules::types::EligibilityRequest =
                        ocpolicy_runtime::convert(&request)?;
                    let mut core: ocpolicy_rules::Decision = ocpolicy_runtime::convert(&decision)?;
                    let report = host.eligibility(d.native()?.clone(), &req);
                    report.apply(&mut core);
                    Answer::Decided {
                        kind: Kind::Eligibility,
                        ok: serde_json::to_value(&core)?,
                        plugins: Some(super::decide::plugin_runs(inner, &report.runs)),
                    }
                }
            }
        }
        Ask::Emergency(request) => {
            let config = d.emergency()?;
            let s = snapshot!(emergency, |r: &mut RulesInstance| r
                .emergency_snapshot(config));
            match w.rules.emergency_check(s, &request)? {
                Ok(x) => Answer::Decided {
                    kind: Kind::Emergency,
                    ok: serde_json::to_value(&x)?,
                    plugins: None,
                },
                Err(e) => Answer::Bad(rebased(e)),
            }
        }
        Ask::Resolve(context) => {
            let config = d.emergency()?;
            let s = snapshot!(emergency, |r: &mut RulesInstance| r
                .emergency_snapshot(config));
            let resolution = match w.rules.emergency_snapshot_resolve(s, &context)? {
                Ok(x) => x,
                Err(e) => return Ok(Ok(Answer::Bad(rebased(e)))),
            };
            match plugins.filter(|h| h.takes(Hook::CheckResolution)) {
                None => Answer::Decided {
                    kind: Kind::EmergencyResolve,
                    ok: serde_json::to_value(&resolution)?,
                    plugins: None,
                },
                Some(host) => {
                    let ctx: ocpolicy_rules::types::NetworkContext =
                        ocpolicy_runtime::convert(&context)?;
                    let mut core: ocpolicy_rules::types::Resolution =
                        ocpolicy_runtime::convert(&resolution)?;
                    let report = host.resolution(d.native()?.clone(), &ctx, &core);
                    core.violations.extend(report.violations.iter().cloned());
                    Answer::Decided {
                        kind: Kind::EmergencyResolve,
                        ok: serde_json::to_value(&core)?,
                        plugins: Some(super::decide::plugin_runs(inner, &report.runs)),
                    }
                }
            }
        }
        Ask::Conferencing(request) => {
            let Some(config) = d.conferencing()? else {
                return Err(crate::Error::Internal(
                    "conferencing settings went missing".into(),
                ));
            };
            let s = snapshot!(conferencing, |r: &mut RulesInstance| r
                .conferencing_snapshot(config));
            match w.rules.conferencing_check(s, &request)? {
                Ok(x) => Answer::Decided {
                    kind: Kind::Conferencing,
                    ok: serde_json::to_value(&x)?,
                    plugins: None,
                },
                Err(e) => Answer::Bad(rebased(e)),
            }
        }
        Ask::Route(dial) => {
            let Some(config) = d.conferencing()? else {
                return Err(crate::Error::Internal(
                    "conferencing settings went missing".into(),
                ));
            };
            let s = snapshot!(conferencing, |r: &mut RulesInstance| r
                .conferencing_snapshot(config));
            let route = match w.rules.conferencing_snapshot_route(s, &dial)? {
                Ok(x) => x,
                Err(e) => return Ok(Ok(Answer::Bad(rebased(e)))),
            };
            match plugins.filter(|h| h.takes(Hook::CheckRoute)) {
                None => Answer::Decided {
                    kind: Kind::ConferencingRoute,
                    ok: serde_json::to_value(&route)?,
                    plugins: None,
                },
                Some(host) => {
                    let dial: ocpolicy_rules::types::DialOut = ocpolicy_runtime::convert(&dial)?;
                    let mut core: ocpolicy_rules::types::RouteDecision =
                        ocpolicy_runtime::convert(&route)?;
                    let report = host.route(&dial, &core);
                    core.violations.extend(report.violations.iter().cloned());
                    Answer::Decided {
                        kind: Kind::ConferencingRoute,
                        ok: serde_json::to_value(&core)?,
                        plugins: Some(super::decide::plugin_runs(inner, &report.runs)),
                    }
                }
            }
        }
    };
    Ok(Ok(answer))
}

/// The kind a path names: 404 naming them all otherwise.
fn known(kind: &str) -> Result<Kind, ApiError> {
    Kind::from_name(kind).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "",
            &format!(
                "no tenant decision `{kind}`; use one of {}",
                KINDS.map(Kind::name).join(", ")
            ),
        )
    })
}

/// The envelope of one answer: `{"ok": ..., "tenant_version": n}`, with
/// `"plugins"` when any took part; or `{"error": ...}`. Counted in the metrics.
fn envelope(
    inner: &Inner,
    version: i64,
    answer: Answer,
    took: std::time::Duration,
) -> (StatusCode, Value) {
    match answer {
        Answer::Decided { kind, ok, plugins } => {
            inner.metrics.decided(kind.family(), kind.name(), &ok, took);
            let mut v = json!({ "ok": ok, "tenant_version": version });
            if let Some(p) = plugins {
                v["plugins"] = Value::Array(p);
            }
            (StatusCode::OK, v)
        }
        Answer::Bad(e) => (
            StatusCode::BAD_REQUEST,
            json!({ "error": { "path": e.path, "message": e.message } }),
        ),
        Answer::Forbidden(m) => (
            StatusCode::FORBIDDEN,
            json!({ "error": { "path": "", "message": m } }),
        ),
    }
}

/// `POST /v1/tenants/{tenant}/decide/{kind}`: one question against the
/// stored tenant.
async fn one(
    State(s): State<AppState>,
    Path((tenant, kind)): Path<(String, String)>,
    p: Principal,
    body: Bytes,
) -> Response {
    let kind = match known(&kind) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    let started = std::time::Instant::now();
    // Right here on the request's task when nothing would wait (the version
    // read from an uncontended SQLite connection, the snapshot already made):
    // the common case costs no trip to a blocking thread. Otherwise, there.
    let fast = s
        .with_warm_here(|w, inner| {
            let Some(found) = current_now(inner, &p, &tenant) else {
                return Ok(None);
            };
            let stored = match found {
                Ok(s) => s,
                Err(e) => return Ok(Some(Err(e))),
            };
            if !w.ready(&stored, &tenant, kind, inner.plugins.is_some()) {
                return Ok(None);
            }
            let asked = ask(kind, &body);
            let answers = decide_all(w, inner, &tenant, &stored, vec![asked], &p)?;
            Ok(Some(answers.map(|a| (stored.version, a))))
        })
        .await;
    let answer = match fast {
        Ok(Some(a)) => Ok(a),
        Err(e) => Err(e),
        Ok(None) => slow(&s, p, tenant, kind, body).await,
    };
    respond_one(&s, kind, answer, started)
}

/// [`one`] on a blocking thread: whatever must be read or indexed first.
async fn slow(
    s: &AppState,
    p: Principal,
    tenant: String,
    kind: Kind,
    body: Bytes,
) -> Result<Result<(i64, Vec<Answer>), ApiError>, ApiError> {
    let inner = s.inner.clone();
    s.with_warm(move |w, _| {
        let stored = match current(&inner, &p, &tenant)? {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let asked = ask(kind, &body);
        let answers = decide_all(w, &inner, &tenant, &stored, vec![asked], &p)?;
        Ok(answers.map(|a| (stored.version, a)))
    })
    .await
}

/// The answer to [`one`].
fn respond_one(
    s: &AppState,
    kind: Kind,
    answer: Result<Result<(i64, Vec<Answer>), ApiError>, ApiError>,
    started: std::time::Instant,
) -> Response {
    match answer {
        Ok(Ok((version, mut answers))) => match answers.pop() {
            Some(a) => {
                let (status, v) = envelope(&s.inner, version, a, started.elapsed());
                if status == StatusCode::BAD_REQUEST {
                    s.inner.metrics.bad_input(kind.family(), kind.name());
                }
                (status, axum::Json(v)).into_response()
            }
            None => ApiError::internal("no answer was made").into_response(),
        },
        Ok(Err(e)) | Err(e) => e.into_response(),
    }
}

/// `POST /v1/tenants/{tenant}/decide/{kind}/batch`: NDJSON, one question per
/// line, answered one envelope per line, in order, streamed. Each chunk of
/// lines is decided against the tenant's version when it is reached, and
/// every envelope says which (`tenant_version`).
async fn batch(
    State(s): State<AppState>,
    Path((tenant, kind)): Path<(String, String)>,
    p: Principal,
    body: Body,
) -> Response {
    let kind = match known(&kind) {
        Ok(k) => k,
        Err(e) => return e.into_response(),
    };
    // Whether the principal may read the tenant, and whether it can be
    // decided at all, answered as a status before any line is read.
    let (inner, who, t) = (s.inner.clone(), p.clone(), tenant.clone());
    let first = s
        .with_warm(move |_, _| {
            Ok(
                current(&inner, &who, &t)?.and_then(|stored| match &stored.decoded {
                    Ok(_) => Ok(()),
                    Err(u) => Err(super::tenant::broken(&t, u)),
                }),
            )
        })
        .await;
    match first {
        Ok(Ok(())) => {}
        Ok(Err(e)) | Err(e) => return e.into_response(),
    }
    let decide = move |w: &mut Warm, inner: &Inner, lines: Vec<String>| {
        let stored = match current(inner, &p, &tenant)? {
            Ok(s) => s,
            Err(e) => return Ok(Err(e)),
        };
        let started = std::time::Instant::now();
        let asks = lines.iter().map(|l| ask(kind, l.as_bytes())).collect();
        let answers = match decide_all(w, inner, &tenant, &stored, asks, &p)? {
            Ok(a) => a,
            Err(e) => return Ok(Err(e)),
        };
        let each = started.elapsed() / answers.len().max(1) as u32;
        Ok(Ok(answers
            .into_iter()
            .map(|a| {
                let (status, v) = envelope(inner, stored.version, a, each);
                if status == StatusCode::BAD_REQUEST {
                    inner.metrics.bad_input(kind.family(), kind.name());
                }
                let mut line = v.to_string();
                line.push('\n');
                line
            })
            .collect()))
    };
    super::ndjson::respond(s, body, decide).await
}
