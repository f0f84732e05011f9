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
use super::store::{Outcome, Verdict};
use super::{ApiError, AppState};
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
            "/v1/tenants/{tenant}/addresses",
            axum::routing::put(write_address),
        )
        .route(
            "/v1/tenants/{tenant}/assignments/{number}",
            axum::routing::delete(unassign),
        )
        .route("/v1/tenants/{tenant}/audit", get(audit))
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

/// The operators a stored tenant consented to.
fn operators(doc: &Value) -> Vec<String> {
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

async fn snapshot(State(s): State<AppState>, Path(tenant): Path<String>, p: Principal) -> Response {
    match readable(&s, &p, &tenant).await {
        Ok(doc) => axum::Json(doc).into_response(),
        Err(e) => e.into_response(),
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

/// The assignment status a target kind takes.
fn status_for(kind: wt::TargetKind) -> &'static str {
    match kind {
        wt::TargetKind::User => "UserAssigned",
        wt::TargetKind::ResourceAccount => "VoiceApplicationAssigned",
        wt::TargetKind::ConferenceBridge => "ConferenceAssigned",
    }
}

/// The audit log's copy of a request: identities and numbers masked unless
/// the server runs with `--audit-unredacted`.
fn redact(request: &Value, keep: bool) -> Value {
    if keep {
        return request.clone();
    }
    /// Identities and numbers: kept as their last two characters, enough
    /// to tell two apart in a log without naming anyone.
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
    fn walk(v: &Value, key: &str) -> Value {
        match v {
            Value::Object(m) => {
                Value::Object(m.iter().map(|(k, v)| (k.clone(), walk(v, k))).collect())
            }
            Value::Array(a) => Value::Array(a.iter().map(|x| walk(x, key)).collect()),
            Value::Null => Value::Null,
            _ if PLACE.contains(&key) => Value::String("(redacted)".into()),
            Value::String(s) if IDENTITY.contains(&key) => {
                let tail: String = s
                    .chars()
                    .rev()
                    .take(2)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                Value::String(format!("…{tail}"))
            }
            other => other.clone(),
        }
    }
    walk(request, "")
}

/// What a committed write does to the stored tenant document.
pub(super) type Apply = Box<dyn FnOnce(&mut Value) + Send>;

/// The core's decision type (the one plugins add to).
pub(super) type CoreDecision = ocpolicy_rules::types::Decision;

/// What the rules said about a write: the decision and the plugins that took
/// part, or input that cannot be decided (400, naming the field).
pub(super) enum Judgement {
    /// Decided; `[{plugin, hook, outcome, fuel}]` for the audit record.
    Decided(CoreDecision, Vec<Value>),
    /// Bad input: the field's path, and what is wrong.
    BadInput(String, String),
}

/// How a write is decided against the stored document (`{tenant, emergency,
/// conferencing}`): on a warm rules instance, with the server's plugins.
pub(super) type Decide = Box<
    dyn FnOnce(&mut ocpolicy_runtime::RulesInstance, &AppState, &Value) -> crate::Result<Judgement>
        + Send,
>;

/// Fold a plugin report into a decision, count it, and describe its runs for
/// the audit record.
pub(super) fn plugin_part(
    state: &AppState,
    report: &ocpolicy_plugins::PluginReport,
    decision: &mut CoreDecision,
) -> Vec<Value> {
    report.apply(decision);
    report
        .runs
        .iter()
        .map(|r| {
            let labels = super::metrics::PluginLabels::new(&r.plugin, r.outcome.name());
            state.inner.metrics.plugin_runs.get_or_create(&labels).inc();
            state
                .inner
                .metrics
                .plugin_fuel
                .get_or_create(&labels)
                .inc_by(r.fuel);
            json!({"plugin": r.plugin, "hook": r.hook, "outcome": r.outcome.name(), "fuel": r.fuel})
        })
        .collect()
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
        let stored: wt::Tenant = serde_json::from_value(doc["tenant"].clone())?;
        let check = wt::EligibilityCheck {
            tenant: stored,
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
        if let Some(host) = &state.inner.plugins {
            let tenant: ocpolicy_rules::types::Tenant =
                serde_json::from_value(doc["tenant"].clone())?;
            let req: ocpolicy_rules::types::EligibilityRequest =
                serde_json::from_value(serde_json::to_value(&request)?)?;
            let report = host.eligibility(&std::sync::Arc::new(tenant), &req);
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
    let audit_copy = redact(&audit, s.inner.config.audit_unredacted);
    let principal = p.name();
    let t = tenant.clone();
    let state = s.clone();
    let answer = s
        .with_rules(move |rules, store| {
            let written = store.write(&t, &principal, action, &audit_copy, |doc| {
                let judged = decide(rules, &state, doc)
                    .map_err(|e| super::StoreError::Decide(Box::new(e)))?;
                let (decision, plugins) = match judged {
                    Judgement::Decided(d, p) => (d, p),
                    Judgement::BadInput(path, message) => {
                        let v = Verdict {
                            allowed: false,
                            codes: vec!["INPUT".into()],
                            plugins: json!([]),
                        };
                        return Ok((Outcome::Refuse(Err((path, message))), v));
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
                    return Ok((Outcome::Refuse(Ok(decision)), verdict));
                }
                let mut new = doc.clone();
                apply(&mut new);
                Ok((Outcome::Commit(new, Ok(decision)), verdict))
            })?;
            Ok(written)
        })
        .await;
    match answer {
        Ok(None) => not_found(&tenant).into_response(),
        Ok(Some(Ok(d))) => {
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
        Ok(Some(Err((path, message)))) => {
            ApiError::new(StatusCode::BAD_REQUEST, &path, &message).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// Whether the number record `n` is the number `want` names
/// ([`ocpolicy_rules::number_key`], the one identity every runtime uses).
fn is_number(n: &Value, want: &ocpolicy_rules::NumberKey) -> bool {
    n["telephone_number"]
        .as_str()
        .is_some_and(|x| want.matches(x))
}

/// The number record of `doc` that `number` names.
fn number_mut<'a>(doc: &'a mut Value, number: &str) -> Option<&'a mut Value> {
    let want = ocpolicy_rules::number_key(number)?;
    doc["tenant"]["numbers"]
        .as_array_mut()?
        .iter_mut()
        .find(|n| is_number(n, &want))
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
    let request: wt::EligibilityRequest = match decode(&body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let wt::EligibilityRequest::AssignNumber(a) = &request else {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "",
            "this endpoint takes {\"AssignNumber\": {...}}",
        )
        .into_response();
    };
    let (number, target, status) = (
        a.telephone_number.clone(),
        a.target.clone(),
        status_for(a.target_kind),
    );
    let apply: Apply = Box::new(move |doc| {
        if let Some(n) = number_mut(doc, &number) {
            n["assignment_status"] = json!(status);
            n["assigned_target"] = json!(target);
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
    let records: Vec<Value> = u
        .numbers
        .iter()
        .map(|n| {
            let capability = match n.usage {
                wt::NumberUsage::CallingUserAssignment => "UserAssignment",
                wt::NumberUsage::FirstPartyAppAssignment => "VoiceApplicationAssignment",
                wt::NumberUsage::ConferenceAssignment => "ConferenceAssignment",
            };
            json!({
                "telephone_number": n.telephone_number, "number_type": "OperatorConnect",
                "activation_state": "Activated", "capabilities": [capability],
                "assignment_status": "Unassigned", "iso_country_code": n.iso_country_code.clone().unwrap_or_default(),
                "location_id": n.location_id, "location_update_supported": n.location_update_supported,
                "operator_id": u.operator_id, "number_source": "Online",
            })
        })
        .collect();
    let apply: Apply = Box::new(move |doc| {
        if let Some(ns) = doc["tenant"]["numbers"].as_array_mut() {
            ns.extend(records);
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
    let doc = match readable(&s, &p, &tenant).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let mut doc = doc;
    let owner =
        number_mut(&mut doc, &number).and_then(|n| n["operator_id"].as_str().map(String::from));
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
        if let (Some(want), Some(ns)) = (
            ocpolicy_rules::number_key(&number),
            doc["tenant"]["numbers"].as_array_mut(),
        ) {
            ns.retain(|n| !is_number(n, &want));
        }
    });
    eligibility_write(s, tenant, &p, "release", request, apply).await
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
    let record = serde_json::to_value(&address).unwrap_or(Value::Null);
    let id = address.id.clone();
    let request = wt::EligibilityRequest::WriteCivicAddress(wt::WriteCivicAddress {
        actor,
        address: address.clone(),
    });
    let apply: Apply = Box::new(move |doc| {
        // The tenant's addresses, and the emergency configuration's copy.
        for pointer in [
            "/tenant/civic_addresses",
            "/emergency/tenant/civic_addresses",
        ] {
            if let Some(a) = doc.pointer_mut(pointer).and_then(Value::as_array_mut) {
                match a.iter_mut().find(|x| x["id"] == json!(id)) {
                    Some(x) => *x = record.clone(),
                    None => a.push(record.clone()),
                }
            }
        }
    });
    let audit = serde_json::to_value(&request).unwrap_or(Value::Null);
    let decide = super::configure::address_checks(address, eligibility(request));
    enforced_write(s, tenant, &p, "address", audit, decide, apply).await
}

/// `DELETE /v1/tenants/{tenant}/assignments/{number}`: take a number back
/// from its holder (Remove-CsPhoneNumberAssignment). No rule refuses it; it is
/// committed with its audit record, or 404 if the number is not assigned.
async fn unassign(
    State(s): State<AppState>,
    Path((tenant, number)): Path<(String, String)>,
    p: Principal,
) -> Response {
    if let Err(e) = auth::may_assign(&p, &tenant) {
        return e.into_response();
    }
    let audit_copy = redact(
        &json!({ "Unassign": { "telephone_number": number } }),
        s.inner.config.audit_unredacted,
    );
    let principal = p.name();
    let t = tenant.clone();
    let want = ocpolicy_rules::number_key(&number);
    let answer = s
        .with_rules(move |_, store| {
            Ok(store.write(&t, &principal, "unassign", &audit_copy, |doc| {
                let mut new = doc.clone();
                let found = new["tenant"]["numbers"].as_array_mut().and_then(|ns| {
                    ns.iter_mut().find(|n| {
                        want.as_ref().is_some_and(|w| is_number(n, w))
                            && n["assignment_status"] != "Unassigned"
                    })
                });
                Ok(match found {
                    Some(n) => {
                        n["assignment_status"] = json!("Unassigned");
                        if let Some(o) = n.as_object_mut() {
                            o.remove("assigned_target");
                        }
                        let v = Verdict {
                            allowed: true,
                            codes: Vec::new(),
                            plugins: json!([]),
                        };
                        (Outcome::Commit(new, true), v)
                    }
                    None => {
                        let v = Verdict {
                            allowed: false,
                            codes: vec!["NOT-ASSIGNED".into()],
                            plugins: json!([]),
                        };
                        (Outcome::Refuse(false), v)
                    }
                })
            })?)
        })
        .await;
    match answer {
        Ok(None) => not_found(&tenant).into_response(),
        Ok(Some(true)) => {
            (StatusCode::OK, axum::Json(json!({ "unassigned": number }))).into_response()
        }
        Ok(Some(false)) => ApiError::new(
            StatusCode::NOT_FOUND,
            "number",
            &format!("`{number}` is not an assigned number of tenant `{tenant}`"),
        )
        .into_response(),
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
    let mut meta = String::new();
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
    Html(page.replacen("<head>", &format!("<head>{meta}"), 1)).into_response()
}
