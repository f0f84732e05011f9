//! The tenant API: reads of the stored tenant (the snapshot the console
//! validates against) and writes that pass the rules first, and the console
//! page itself, pointed at the server's snapshot.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};

use super::auth::{self, Principal};
use super::document::{self, Document, Undecidable};
use super::store::{Outcome, Verdict};
use super::{ApiError, AppState};
use ocpolicy_rules::types as core;
use ocpolicy_runtime::types as wt;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/snapshot", get(snapshot))
        .route("/v1/tenants/{tenant}/assignments", post(assign))
        .route("/v1/tenants/{tenant}/numbers", post(upload))
        .route(
            "/v1/tenants/{tenant}/numbers/{number}",
            axum::routing::delete(release),
        )
        .route(
            "/v1/tenants/{tenant}/numbers/{number}/location",
            axum::routing::put(change_location),
        )
        .route(
            "/v1/tenants/{tenant}/addresses",
            axum::routing::put(write_address),
        )
        .route(
            "/v1/tenants/{tenant}/assignments/{number}",
            axum::routing::delete(unassign),
        )
        .route("/v1/tenants/{tenant}/audit", get(audit))
        .route("/v1/tenants/{tenant}/review", get(review))
        .route("/v1/tenants/{tenant}/repair", get(repair_plan).post(repair))
}

pub(super) fn not_found(tenant: &str) -> ApiError {
    ApiError::new(StatusCode::NOT_FOUND, "", &format!("no tenant `{tenant}`"))
}

/// A request body, strictly decoded: 400 naming the field otherwise.
pub(super) fn decode<T: serde::de::DeserializeOwned + serde::Serialize>(
    body: &[u8],
) -> Result<T, ApiError> {
    ocpolicy_rules::json::from_slice(body)
        .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, &e.path, &e.message))
}

/// The operators a stored tenant consented to, read from the stored JSON
/// itself, so that access to a tenant stored broken is decided as to any.
pub(super) fn operators(doc: &Value) -> Vec<String> {
    doc["tenant"]["operators"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|o| o["operator_id"].as_str().map(String::from))
        .collect()
}

/// Read a stored tenant for `p`: 403 before 404, so a token for another tenant
/// learns nothing about this one.
async fn readable(s: &AppState, p: &Principal, tenant: &str) -> Result<Value, ApiError> {
    let id = tenant.to_string();
    let doc = s
        .on_store(move |store| store.tenant(&id))
        .await
        .map_err(|e| ApiError::store(e, "the store could not be read"))?;
    auth::may_read(
        p,
        tenant,
        doc.as_ref().map(operators).as_deref().unwrap_or(&[]),
    )?;
    doc.ok_or_else(|| not_found(tenant))
}

/// 409 for a stored tenant that no longer decodes, naming the field.
pub(super) fn broken(tenant: &str, u: &Undecidable) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        &u.path,
        &format!(
            "the stored tenant `{tenant}` cannot be decided: {} (TENANT-UNDECIDABLE); a platform admin shows and fixes it with POST /v1/tenants/{tenant}/repair",
            u.message
        ),
    )
}

async fn snapshot(State(s): State<AppState>, Path(tenant): Path<String>, p: Principal) -> Response {
    let stored = match readable(&s, &p, &tenant).await {
        Ok(doc) => doc,
        Err(e) => return e.into_response(),
    };
    let doc = match document::decode(&stored) {
        Ok(Ok(doc)) => doc,
        Ok(Err(u)) => return broken(&tenant, &u).into_response(),
        Err(e) => {
            return ApiError::store(e, "the stored tenant could not be read").into_response();
        }
    };
    match &p {
        // An operator reads its own view, never the tenant.
        Principal::Operator { operator } => match document::operator_view(&doc, operator) {
            Some(view) => axum::Json(view).into_response(),
            None => ApiError::new(
                StatusCode::FORBIDDEN,
                "",
                &format!("{} may not read tenant `{tenant}`", p.name()),
            )
            .into_response(),
        },
        _ => axum::Json(doc).into_response(),
    }
}

async fn audit(State(s): State<AppState>, Path(tenant): Path<String>, p: Principal) -> Response {
    if matches!(p, Principal::Operator { .. }) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "operators do not read a tenant's audit log",
        )
        .into_response();
    }
    if let Err(e) = readable(&s, &p, &tenant).await {
        return e.into_response();
    }
    let id = tenant.clone();
    match s.on_store(move |store| store.audit(&id, 1000)).await {
        Ok(records) => axum::Json(records).into_response(),
        Err(e) => ApiError::store(e, "the audit log could not be read").into_response(),
    }
}

/// `GET /v1/tenants/{tenant}/review`: the whole-tenant audit of the stored
/// tenant (what `ocpolicy audit` prints), decided at the server's clock:
/// every current assignment decided again, every holder reviewed, the
/// emergency configuration audited, the routing linted, every organizer's
/// domestic dial-out routed. Those who read the tenant whole only (its admin
/// and auditors); an operator reads its own view, never the tenant's findings.
async fn review(State(s): State<AppState>, Path(tenant): Path<String>, p: Principal) -> Response {
    if matches!(p, Principal::Operator { .. }) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "operators do not read a tenant's audit; they read their own view (GET /v1/tenants/{tenant}/snapshot)",
        )
        .into_response();
    }
    let stored = match readable(&s, &p, &tenant).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let doc = match document::decode(&stored) {
        Ok(Ok(d)) => d,
        Ok(Err(u)) => return broken(&tenant, &u).into_response(),
        Err(e) => return ApiError::store(e, "the stored tenant could not be read").into_response(),
    };
    drop(stored);
    let now = super::store::now();
    // The native build of the same rules: a read that enforces nothing, off
    // the warm instances that decide the writes (the corpus holds the two
    // engines to one answer).
    let run = tokio::task::spawn_blocking(move || {
        ocpolicy_audit::audit(&doc, &now, ocpolicy_audit::EngineKind::Native)
    })
    .await;
    match run {
        Ok(Ok(a)) => axum::Json(a).into_response(),
        Ok(Err(ocpolicy_audit::Stop::Input(path, message))) => ApiError::new(
            StatusCode::CONFLICT,
            &path,
            &format!(
                "the stored tenant `{tenant}` cannot be decided: {message} (TENANT-UNDECIDABLE)"
            ),
        )
        .into_response(),
        Ok(Err(ocpolicy_audit::Stop::Engine(e))) => {
            ApiError::internal(&format!("the audit failed: {e:#}")).into_response()
        }
        Err(e) => ApiError::internal(&format!("the audit task failed: {e}")).into_response(),
    }
}

/// The assignment status a target kind takes.
fn status_for(kind: wt::TargetKind) -> core::AssignmentStatus {
    match kind {
        wt::TargetKind::User => core::AssignmentStatus::UserAssigned,
        wt::TargetKind::ResourceAccount => core::AssignmentStatus::VoiceApplicationAssigned,
        wt::TargetKind::ConferenceBridge => core::AssignmentStatus::ConferenceAssigned,
    }
}

/// The audit log's copy of a request: identities and numbers replaced by
/// pseudonyms, and places removed, unless the server runs with
/// `--audit-unredacted`.
///
/// A pseudonym is `~` and the first 16 hex digits of HMAC-SHA256 under the
/// store's own key ([`super::Store::audit_key`]) of the value as the rules
/// identify it (a number by its [`ocpolicy_rules::number_key`], so every
/// spelling of one number has one pseudonym; an identity folded to lower
/// case). Two users or numbers are told apart in the log, the same one is
/// recognised across records, and without the store's key nobody can go
/// from a pseudonym back to the value (a number's few digits could be
/// guessed from an unkeyed hash).
pub(super) fn redact(request: &Value, keep: bool, key: &[u8; 32]) -> Value {
    if keep {
        return request.clone();
    }
    /// Identities and numbers: pseudonyms.
    const IDENTITY: &[&str] = &["target", "telephone_number", "identity", "user"];
    /// Where someone is: a civic address's and a location's own fields, and
    /// coordinates, removed whole. (Country, ids and validation status stay:
    /// they say what was changed, not where anyone is.)
    const PLACE: &[&str] = &[
        "street_name",
        "house_number",
        "house_number_suffix",
        "pre_directional",
        "post_directional",
        "street_suffix",
        "city",
        "city_alias",
        "postal_code",
        "state_or_province",
        "description",
        "company_name",
        "company_tax_id",
        "latitude",
        "longitude",
        "elin",
        "place",
    ];
    fn walk(v: &Value, field: &str, key: &[u8; 32]) -> Value {
        match v {
            Value::Object(m) => Value::Object(
                m.iter()
                    .map(|(k, v)| (k.clone(), walk(v, k, key)))
                    .collect(),
            ),
            Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, field, key)).collect()),
            Value::Null => Value::Null,
            _ if PLACE.contains(&field) => Value::String("(redacted)".into()),
            Value::String(s) if IDENTITY.contains(&field) => Value::String(pseudonym(key, s)),
            other => other.clone(),
        }
    }
    walk(request, "", key)
}

/// The audit pseudonym of an identity or a number (see [`redact`]).
pub(super) fn pseudonym(key: &[u8; 32], value: &str) -> String {
    use hmac::{Hmac, Mac};
    let canonical = match ocpolicy_rules::number_key(value) {
        Some(k) => format!("number:{k}"),
        None => format!("identity:{}", value.trim().to_lowercase()),
    };
    let Ok(mut mac) = Hmac::<sha2::Sha256>::new_from_slice(key) else {
        // HMAC takes a key of any length; this cannot happen.
        return "~".into();
    };
    mac.update(canonical.as_bytes());
    let digest = hex::encode(mac.finalize().into_bytes());
    format!("~{}", digest.get(..16).unwrap_or(&digest))
}

/// What a committed write does to the stored tenant document.
pub(super) type Apply = Box<dyn FnOnce(&mut Document) + Send>;

/// The core's decision type (the one plugins add to).
pub(super) type CoreDecision = ocpolicy_rules::types::Decision;

/// What the rules said about a write: the decision and the plugins that took
/// part, or input that cannot be decided (400, naming the field).
pub(super) enum Judgement {
    /// Decided; `[{plugin, hook, outcome, fuel}]` for the audit record.
    Decided(CoreDecision, Vec<Value>),
    /// Bad input: the field's path, and what is wrong.
    BadInput(String, String),
    /// What the write is about does not exist (404): the path, and what.
    NotFound(String, String),
}

/// How a write is decided against the stored document: on a warm rules
/// instance, with the server's plugins.
pub(super) type Decide = Box<
    dyn FnOnce(
            &mut ocpolicy_runtime::RulesInstance,
            &AppState,
            &Document,
        ) -> crate::Result<Judgement>
        + Send,
>;

/// What a write answers.
enum Written {
    /// Decided: committed if allowed, refused otherwise.
    Decided(CoreDecision),
    /// Input that cannot be decided (400).
    BadInput(String, String),
    /// What the write is about does not exist (404).
    NotFound(String, String),
    /// The stored tenant itself cannot be decided (409).
    Broken(Undecidable),
}

/// The refusal of a write that would leave the tenant undecidable.
fn undecidable(u: Undecidable) -> CoreDecision {
    let rule = &ocpolicy_rules::catalogue::TENANT_UNDECIDABLE;
    CoreDecision {
        allowed: false,
        violations: vec![ocpolicy_rules::Violation {
            code: rule.code.into(),
            severity: rule.severity,
            path: u.path,
            message: format!(
                "this write would leave the tenant undecidable: {}",
                u.message
            ),
            citation: rule.citation.into(),
            remediation: rule.remediation.into(),
        }],
    }
}

/// Fold a plugin report into a decision, count it, and describe its runs for
/// the audit record.
pub(super) fn plugin_part(
    state: &AppState,
    report: &ocpolicy_plugins::PluginReport,
    decision: &mut CoreDecision,
) -> Vec<Value> {
    report.apply(decision);
    super::decide::plugin_runs(&state.inner, &report.runs)
}

/// A decision with nothing against it.
pub(super) fn allowed() -> CoreDecision {
    CoreDecision {
        allowed: true,
        violations: Vec::new(),
    }
}

/// One decision from two: every violation of both; allowed only if both are.
pub(super) fn merge(mut a: CoreDecision, b: CoreDecision) -> CoreDecision {
    a.allowed = a.allowed && b.allowed;
    a.violations.extend(b.violations);
    a
}

/// The eligibility rules and the operators' eligibility plugins on `request`
/// against the stored tenant.
fn eligibility(request: wt::EligibilityRequest) -> Decide {
    Box::new(move |rules, state, doc| {
        let check = wt::EligibilityCheck {
            tenant: document::tenant(doc)?,
            request: request.clone(),
        };
        let decision = match rules.evaluate(&check)? {
            Ok(d) => d,
            Err(e) => return Ok(Judgement::BadInput(e.path, e.message)),
        };
        // The operators' plugins take part, as in every decision; they add
        // violations and never remove one.
        let mut decision: CoreDecision = serde_json::from_value(serde_json::to_value(&decision)?)?;
        let mut plugins = Vec::new();
        let hook = match &request {
            wt::EligibilityRequest::UploadNumbers(_) => ocpolicy_plugins::Hook::CheckUpload,
            _ => ocpolicy_plugins::Hook::CheckEligibility,
        };
        // The tenant is copied for the plugins only when one takes the hook.
        if let Some(host) = state.inner.plugins.as_ref().filter(|h| h.takes(hook)) {
            let req: core::EligibilityRequest = ocpolicy_runtime::convert(&request)?;
            let report = host.eligibility(std::sync::Arc::new(doc.tenant.clone()), &req);
            plugins = plugin_part(state, &report, &mut decision);
        }
        Ok(Judgement::Decided(decision, plugins))
    })
}

/// An eligibility write: see [`enforced_write`].
async fn eligibility_write(
    s: AppState,
    tenant: String,
    p: &Principal,
    action: &'static str,
    request: wt::EligibilityRequest,
    apply: Apply,
) -> Response {
    let audit = serde_json::to_value(&request).unwrap_or(Value::Null);
    enforced_write(s, tenant, p, action, audit, eligibility(request), apply).await
}

/// Every write of the tenant API: decided by the built-in rules (the
/// component) and the applicable operators' plugins against the stored
/// tenant, then committed with its audit record by `apply` (200 with the
/// decision), or refused (422 with the full decision), in one transaction.
pub(super) async fn enforced_write(
    s: AppState,
    tenant: String,
    p: &Principal,
    action: &'static str,
    audit: Value,
    decide: Decide,
    apply: Apply,
) -> Response {
    let audit_copy = redact(
        &audit,
        s.inner.config.audit_unredacted,
        s.inner.store.audit_key(),
    );
    let principal = p.name();
    let t = tenant.clone();
    let state = s.clone();
    let answer = s
        .with_rules(move |rules, store| {
            let written = store.write(&t, &principal, action, &audit_copy, |stored| {
                let refused = |codes: Vec<String>| Verdict {
                    allowed: false,
                    codes,
                    plugins: json!([]),
                };
                let decoded =
                    document::decode(stored).map_err(|e| super::StoreError::Decide(Box::new(e)))?;
                let doc = match decoded {
                    Ok(d) => d,
                    Err(u) => {
                        let v = refused(vec!["TENANT-UNDECIDABLE".into()]);
                        return Ok((Outcome::Refuse(Written::Broken(u)), v));
                    }
                };
                let judged = decide(rules, &state, &doc)
                    .map_err(|e| super::StoreError::Decide(Box::new(e)))?;
                let (decision, plugins) = match judged {
                    Judgement::Decided(d, p) => (d, p),
                    Judgement::BadInput(path, message) => {
                        // Input the rules cannot decide may be the stored
                        // tenant's fault, not the request's: say which.
                        let stored_ok = document::decidable(rules, &doc)
                            .map_err(|e| super::StoreError::Decide(Box::new(e)))?;
                        if let Err(u) = stored_ok {
                            let v = refused(vec!["TENANT-UNDECIDABLE".into()]);
                            return Ok((Outcome::Refuse(Written::Broken(u)), v));
                        }
                        let v = refused(vec!["INPUT".into()]);
                        return Ok((Outcome::Refuse(Written::BadInput(path, message)), v));
                    }
                    Judgement::NotFound(path, message) => {
                        let v = refused(vec!["NOT-FOUND".into()]);
                        return Ok((Outcome::Refuse(Written::NotFound(path, message)), v));
                    }
                };
                let codes: Vec<String> =
                    decision.violations.iter().map(|v| v.code.clone()).collect();
                let verdict = Verdict {
                    allowed: decision.allowed,
                    codes,
                    plugins: Value::Array(plugins),
                };
                if !decision.allowed {
                    return Ok((Outcome::Refuse(Written::Decided(decision)), verdict));
                }
                let mut new = doc;
                apply(&mut new);
                // The written tenant must index as the rules index it, or no
                // later write to it could be decided.
                let checked = document::decidable(rules, &new)
                    .map_err(|e| super::StoreError::Decide(Box::new(e)))?;
                if let Err(u) = checked {
                    let d = undecidable(u);
                    let v = refused(vec![d.violations[0].code.clone()]);
                    return Ok((Outcome::Refuse(Written::Decided(d)), v));
                }
                let new =
                    document::encode(&new).map_err(|e| super::StoreError::Decide(Box::new(e)))?;
                Ok((Outcome::Commit(new, Written::Decided(decision)), verdict))
            })?;
            Ok(written)
        })
        .await;
    match answer {
        Ok(None) => not_found(&tenant).into_response(),
        Ok(Some(Written::Decided(d))) => {
            let outcome = if d.allowed { "committed" } else { "refused" };
            s.inner
                .metrics
                .writes
                .get_or_create(&super::metrics::write_labels(action, outcome))
                .inc();
            let status = if d.allowed {
                StatusCode::OK
            } else {
                StatusCode::UNPROCESSABLE_ENTITY
            };
            (status, axum::Json(d)).into_response()
        }
        Ok(Some(Written::BadInput(path, message))) => {
            ApiError::new(StatusCode::BAD_REQUEST, &path, &message).into_response()
        }
        Ok(Some(Written::NotFound(path, message))) => {
            ApiError::new(StatusCode::NOT_FOUND, &path, &message).into_response()
        }
        Ok(Some(Written::Broken(u))) => broken(&tenant, &u).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /v1/tenants/{tenant}/assignments` with `{"AssignNumber": {...}}`.
async fn assign(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    if let Err(e) = auth::may_assign(&p, &tenant) {
        return e.into_response();
    }
    let mut request: wt::EligibilityRequest = match decode(&body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let wt::EligibilityRequest::AssignNumber(a) = &mut request else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "",
            "this endpoint takes {\"AssignNumber\": {...}}",
        )
        .into_response();
    };
    // The server's clock decides an enforced write, never the client's.
    if a.now.is_some() {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "AssignNumber.now",
            "the server's clock decides every write to a stored tenant: leave `now` out (it is a what-if input of the stateless POST /v1/decide/eligibility only)",
        )
        .into_response();
    }
    a.now = Some(super::store::now());
    let (number, target, status) = (
        a.telephone_number.clone(),
        a.target.clone(),
        status_for(a.target_kind),
    );
    let apply: Apply = Box::new(move |doc| {
        if let Some(n) = document::number_mut(doc, &number) {
            n.assignment_status = status;
            n.assigned_target = Some(target);
        }
    });
    eligibility_write(s, tenant, &p, "assign", request, apply).await
}

/// `POST /v1/tenants/{tenant}/numbers` with `{"UploadNumbers": {...}}`: an
/// operator uploads its own numbers to a tenant that consented to it, in the
/// countries it enabled (the rules say which), as Unassigned Operator Connect
/// numbers.
async fn upload(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    // Who asks comes first: a principal that may not upload learns nothing
    // from how its body would have been read.
    let Principal::Operator { operator } = &p else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "numbers are uploaded by their operator, with an operator token",
        )
        .into_response();
    };
    let request: wt::EligibilityRequest = match decode(&body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let wt::EligibilityRequest::UploadNumbers(u) = &request else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "",
            "this endpoint takes {\"UploadNumbers\": {...}}",
        )
        .into_response();
    };
    if !operator.eq_ignore_ascii_case(u.operator_id.trim()) {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "UploadNumbers.operator_id",
            &format!(
                "operator `{operator}` uploads only its own numbers, not `{}`'s",
                u.operator_id
            ),
        )
        .into_response();
    }
    // Consent: the tenant must list the operator (403 either way, nothing leaks).
    if let Err(e) = readable(&s, &p, &tenant).await {
        return e.into_response();
    }
    // A number the tenant already holds, or listed twice, is stored once: the
    // rules allow such an upload only when it is exactly as held
    // (ELIG-UPLOAD-UNCHANGED: a retry changes nothing) and refuse it otherwise
    // (ELIG-UPLOAD-HELD).
    let records: Vec<core::PhoneNumber> = u
        .numbers
        .iter()
        .map(|n| core::PhoneNumber {
            telephone_number: n.telephone_number.clone(),
            number_type: core::NumberType::OperatorConnect,
            activation_state: core::ActivationState::Activated,
            capabilities: vec![match n.usage {
                wt::NumberUsage::CallingUserAssignment => core::Capability::UserAssignment,
                wt::NumberUsage::FirstPartyAppAssignment => {
                    core::Capability::VoiceApplicationAssignment
                }
                wt::NumberUsage::ConferenceAssignment => core::Capability::ConferenceAssignment,
            }],
            assignment_status: core::AssignmentStatus::Unassigned,
            assigned_target: None,
            assignment_category: None,
            iso_country_code: n
                .iso_country_code
                .as_deref()
                .map(|c| c.trim().to_ascii_uppercase())
                .or_else(|| ocpolicy_rules::number_country(&n.telephone_number))
                .unwrap_or_default(),
            location_id: n.location_id.clone(),
            location_update_supported: n.location_update_supported,
            operator_id: Some(u.operator_id.clone()),
            number_source: Some(core::NumberSource::Online),
            block: None,
        })
        .collect();
    let apply: Apply = Box::new(move |doc| {
        for record in records {
            let held = ocpolicy_rules::number_key(&record.telephone_number).is_some_and(|k| {
                doc.tenant
                    .numbers
                    .iter()
                    .any(|n| k.matches(&n.telephone_number))
            });
            if !held {
                doc.tenant.numbers.push(record);
            }
        }
    });
    eligibility_write(s, tenant, &p, "upload", request, apply).await
}

/// `DELETE /v1/tenants/{tenant}/numbers/{number}`: an operator releases one
/// of its own numbers from a tenant that consented to it; the rules decide
/// (an assigned number is not released, for one).
async fn release(
    State(s): State<AppState>,
    Path((tenant, number)): Path<(String, String)>,
    p: Principal,
) -> Response {
    let Principal::Operator { operator } = &p else {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "numbers are released by their operator, with an operator token",
        )
        .into_response();
    };
    let stored = match readable(&s, &p, &tenant).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let doc = match document::decode(&stored) {
        Ok(Ok(d)) => d,
        Ok(Err(u)) => return broken(&tenant, &u).into_response(),
        Err(e) => return ApiError::store(e, "the stored tenant could not be read").into_response(),
    };
    let owner = document::number(&doc, &number).and_then(|n| n.operator_id.clone());
    if !owner
        .as_deref()
        .is_some_and(|o| o.eq_ignore_ascii_case(operator))
    {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "number",
            &format!("operator `{operator}` releases only its own numbers; `{number}` is not one of them in this tenant"),
        )
        .into_response();
    }
    let request = wt::EligibilityRequest::ReleaseNumber(wt::ReleaseNumber {
        telephone_number: number.clone(),
    });
    let apply: Apply = Box::new(move |doc| {
        if let Some(want) = ocpolicy_rules::number_key(&number) {
            doc.tenant
                .numbers
                .retain(|n| !want.matches(&n.telephone_number));
        }
    });
    eligibility_write(s, tenant, &p, "release", request, apply).await
}

/// The body of `PUT .../numbers/{number}/location`.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct NewLocation {
    /// The new LocationId; `null` (or the string `null`) clears it.
    location_id: Option<String>,
}

/// `PUT /v1/tenants/{tenant}/numbers/{number}/location` with
/// `{"location_id": ...}`: the LocationUpdate parameter set of
/// `Set-CsPhoneNumberAssignment -PhoneNumber -LocationId`, which the tenant's
/// admin runs. The rules decide it as `UpdateNumberLocation`: a location the
/// operator manages (ELIG-LOCATION-UPDATE-LOCKED) or a Calling Plan number's
/// removal (ELIG-LOCATION-NULL) is refused; an unknown location is bad input.
async fn change_location(
    State(s): State<AppState>,
    Path((tenant, number)): Path<(String, String)>,
    p: Principal,
    body: Bytes,
) -> Response {
    if let Err(e) = auth::may_assign(&p, &tenant) {
        return e.into_response();
    }
    let asked: NewLocation = match decode(&body) {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let location = asked
        .location_id
        .filter(|l| !l.trim().is_empty() && !l.trim().eq_ignore_ascii_case("null"));
    let request = wt::EligibilityRequest::UpdateNumberLocation(wt::UpdateNumberLocation {
        telephone_number: number.clone(),
        location_id: location.clone(),
    });
    let apply: Apply = Box::new(move |doc| {
        let key = ocpolicy_rules::number_key(&number);
        if let Some(n) = doc
            .tenant
            .numbers
            .iter_mut()
            .find(|n| key.as_ref().is_some_and(|k| k.matches(&n.telephone_number)))
        {
            n.location_id = location;
        }
    });
    eligibility_write(s, tenant, &p, "change-location", request, apply).await
}

/// `PUT /v1/tenants/{tenant}/addresses` with a civic address: create it, or
/// replace the one with its id. The tenant's admin only: operators may read
/// addresses but never write them (ELIG-OPERATOR-WRITES-ADDRESS), which here is
/// also access control.
async fn write_address(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    let actor = match &p {
        Principal::Admin { tenant: t } if *t == tenant => wt::Actor::TenantAdmin(t.clone()),
        Principal::Operator { .. } => {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "",
                "operators read a tenant's civic addresses but never write them (ELIG-OPERATOR-WRITES-ADDRESS); ask the tenant's admin",
            )
            .into_response();
        }
        _ => {
            return ApiError::new(
                StatusCode::FORBIDDEN,
                "",
                &format!("{} may not write tenant `{tenant}`", p.name()),
            )
            .into_response();
        }
    };
    let address: wt::CivicAddress = match decode(&body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let record: core::CivicAddress = match ocpolicy_runtime::convert(&address) {
        Ok(r) => r,
        Err(e) => return ApiError::store(e, "the address could not be converted").into_response(),
    };
    let request = wt::EligibilityRequest::WriteCivicAddress(wt::WriteCivicAddress {
        actor,
        address: address.clone(),
    });
    let apply: Apply = Box::new(move |doc| {
        let id = record.id.clone();
        document::upsert(&mut doc.tenant.civic_addresses, record, |x| {
            document::same_id(&x.id, &id)
        });
    });
    let audit = serde_json::to_value(&request).unwrap_or(Value::Null);
    let decide = super::configure::address_checks(address, eligibility(request));
    enforced_write(s, tenant, &p, "address", audit, decide, apply).await
}

/// `DELETE /v1/tenants/{tenant}/assignments/{number}`: take a number back
/// from its holder (Remove-CsPhoneNumberAssignment), through the rules like
/// every write. A number on the conferencing bridge also leaves the bridge,
/// so the `bridge` kind decides the bridge without it (the default number
/// cannot leave: CONF-DEFAULT-NOT-ON-BRIDGE, "default or shared numbers can't
/// be unassigned from the bridge"), with the plugins of the operators whose
/// numbers are on it. 404 if the number is not assigned.
async fn unassign(
    State(s): State<AppState>,
    Path((tenant, number)): Path<(String, String)>,
    p: Principal,
) -> Response {
    if let Err(e) = auth::may_assign(&p, &tenant) {
        return e.into_response();
    }
    let audit = json!({ "Unassign": { "telephone_number": number } });
    let (asked, of) = (number.clone(), tenant.clone());
    let decide: Decide = Box::new(move |rules, state, doc| {
        let held = document::number(doc, &asked)
            .filter(|n| n.assignment_status != core::AssignmentStatus::Unassigned);
        let Some(held) = held else {
            return Ok(Judgement::NotFound(
                "number".into(),
                format!("`{asked}` is not an assigned number of tenant `{of}`"),
            ));
        };
        let Some(config) = document::conferencing(doc)? else {
            return Ok(Judgement::Decided(allowed(), Vec::new()));
        };
        let key = ocpolicy_rules::number_key(&held.telephone_number);
        let on_bridge = |n: &str| key.as_ref().is_some_and(|k| k.matches(n));
        if !config.bridge.numbers.iter().any(|b| on_bridge(&b.number)) {
            return Ok(Judgement::Decided(allowed(), Vec::new()));
        }
        let mut bridge = config.bridge;
        bridge.numbers.retain(|b| !on_bridge(&b.number));
        let check = wt::BridgeCheck {
            bridge,
            org_country: config.org_country,
            communications_credits: config.communications_credits,
            operators: config.operators,
            organizers: Some(config.organizers),
        };
        super::configure::bridge_decision(rules, state, check)
    });
    let apply: Apply = Box::new(move |doc| {
        let key = ocpolicy_rules::number_key(&number);
        let is = |n: &str| key.as_ref().is_some_and(|k| k.matches(n));
        if let Some(n) = doc
            .tenant
            .numbers
            .iter_mut()
            .find(|n| is(&n.telephone_number))
        {
            n.assignment_status = core::AssignmentStatus::Unassigned;
            n.assigned_target = None;
        }
        if let Some(c) = doc.conferencing.as_mut() {
            c.bridge.numbers.retain(|b| !is(&b.number));
        }
    });
    enforced_write(s, tenant, &p, "unassign", audit, decide, apply).await
}

/// The platform's repair of a stored tenant: only the platform token, which
/// runs the service, may look at and fix a tenant the rules cannot decide.
fn may_repair(p: &Principal) -> Result<(), ApiError> {
    match p {
        Principal::Platform => Ok(()),
        _ => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "a stored tenant is repaired by the platform token (ocpolicy token create --role platform)",
        )),
    }
}

/// `GET /v1/tenants/{t}/repair`: whether the stored tenant can be decided,
/// what is wrong if not, and the repairs `POST` would make.
async fn repair_plan(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
) -> Response {
    if let Err(e) = may_repair(&p) {
        return e.into_response();
    }
    let id = tenant.clone();
    let answer = s
        .with_rules(move |rules, store| {
            let Some(stored) = store.tenant(&id)? else {
                return Ok(None);
            };
            Ok(Some(super::repair::plan(rules, &stored)?))
        })
        .await;
    match answer {
        Ok(Some(plan)) => axum::Json(plan).into_response(),
        Ok(None) => not_found(&tenant).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `POST /v1/tenants/{t}/repair`: make the repairs, if they leave the tenant
/// decidable, with an audit record; 409 with what is still wrong otherwise
/// (nothing is changed).
async fn repair(State(s): State<AppState>, Path(tenant): Path<String>, p: Principal) -> Response {
    if let Err(e) = may_repair(&p) {
        return e.into_response();
    }
    let (t, principal) = (tenant.clone(), p.name());
    let answer = s
        .with_rules(move |rules, store| {
            let written =
                store.write(&t, &principal, "repair", &json!({"Repair": {}}), |stored| {
                    let plan = super::repair::plan(rules, stored)
                        .map_err(|e| super::StoreError::Decide(Box::new(e)))?;
                    let verdict = |allowed: bool| Verdict {
                        allowed,
                        codes: if allowed {
                            Vec::new()
                        } else {
                            vec!["TENANT-UNDECIDABLE".into()]
                        },
                        plugins: json!([]),
                    };
                    match (&plan.repaired, plan.after.is_none()) {
                        (Some(doc), true) if !plan.repairs.is_empty() => {
                            let new = document::encode(doc)
                                .map_err(|e| super::StoreError::Decide(Box::new(e)))?;
                            Ok((Outcome::Commit(new, plan), verdict(true)))
                        }
                        (_, true) => Ok((Outcome::Refuse(plan), verdict(true))),
                        _ => Ok((Outcome::Refuse(plan), verdict(false))),
                    }
                })?;
            Ok(written)
        })
        .await;
    match answer {
        Ok(None) => not_found(&tenant).into_response(),
        Ok(Some(plan)) if plan.after.is_none() => axum::Json(plan).into_response(),
        Ok(Some(plan)) => (StatusCode::CONFLICT, axum::Json(plan)).into_response(),
        Err(e) => e.into_response(),
    }
}

/// `GET /`: the console, pointed at the server's tenant and API.
pub async fn console(State(s): State<AppState>) -> Response {
    let Some(dir) = &s.inner.config.web_dir else {
        return (StatusCode::NOT_FOUND, "no web console configured").into_response();
    };
    let page = match std::fs::read_to_string(dir.join("index.html")) {
        Ok(p) => p,
        Err(_) => {
            return (
                StatusCode::SERVICE_UNAVAILABLE,
                [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
                "the web console is not built: run web/build.sh\n",
            )
                .into_response();
        }
    };
    // The page is served: it signs in (or, with `--demo`, is given its tenant).
    let mut meta = String::from("\n  <meta name=\"ocpolicy-server\" content=\"/v1\">");
    if let Some(t) = &s.inner.config.console_tenant {
        meta.push_str(&format!(
            "\n  <meta name=\"ocpolicy-snapshot\" content=\"/v1/tenants/{t}/snapshot\">\n  <meta name=\"ocpolicy-api\" content=\"/v1/tenants/{t}\">"
        ));
    }
    if let Some(token) = &s.inner.config.console_token {
        meta.push_str(&format!(
            "\n  <meta name=\"ocpolicy-token\" content=\"{token}\">"
        ));
    }
    // What only the page opened on its own needs (the bundled demo tenant's
    // preload) is left out: a served page validates the server's tenant.
    let page: String = page
        .lines()
        .filter(|l| !l.contains("data-standalone"))
        .map(|l| format!("{l}\n"))
        .collect();
    Html(page.replacen("<head>", &format!("<head>{meta}"), 1)).into_response()
}
