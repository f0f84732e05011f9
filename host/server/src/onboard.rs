//! Tenants on the server: the tenants a token may see, a tenant created or
//! replaced from a tenant document or an import folder (the platform's call),
//! an operator added by the tenant's admin as the Teams admin center adds
//! one, and tokens for a tenant.
//!
//! - `GET /v1/tenants`: the tenants the caller may see (an admin its own, an
//!   auditor its own or all, an operator those that added it; the platform
//!   every id, and nothing inside them).
//! - `PUT /v1/tenants/{t}` (platform): a tenant document; refused with 400
//!   naming the field when it does not decode, and 422 `TENANT-UNDECIDABLE`
//!   when it does not index; audited.
//! - `PUT /v1/tenants/{t}/import` (platform): `{"files": {name: content}}`,
//!   the folder `ocpolicy import teams` reads, imported on the server; the
//!   answer carries the import report.
//! - `PUT /v1/tenants/{t}/operators/{op}` (the tenant's admin): operator,
//!   countries, contact ("operator can contact me") and the data transfer
//!   notice; ELIG-OPERATOR-CONSENT refuses an incomplete one.
//! - `POST /v1/tenants/{t}/tokens` (platform): an admin or auditor token for
//!   the tenant, shown once.

use axum::Router;
use axum::body::Bytes;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use serde::Deserialize;
use serde_json::{Value, json};

use super::auth::{self, Principal};
use super::document::{self, same_id, upsert};
use super::tenant::{Apply, CoreDecision, Decide, Judgement, decode, enforced_write};
use super::{ApiError, AppState};
use ocpolicy_rules::types as core;

/// The largest tenant the platform may store in one call: a tenant of
/// 100,000 numbers and 50,000 users is about 60 MB as JSON. Only the platform
/// token's body is read this far (the token is checked first).
pub const MAX_TENANT_BYTES: usize = 256 << 20;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants", get(list))
        .route(
            "/v1/tenants/{tenant}",
            put(put_tenant).layer(DefaultBodyLimit::max(MAX_TENANT_BYTES)),
        )
        .route(
            "/v1/tenants/{tenant}/import",
            put(import).layer(DefaultBodyLimit::max(MAX_TENANT_BYTES)),
        )
        .route(
            "/v1/tenants/{tenant}/operators/{operator}",
            put(add_operator),
        )
        .route("/v1/tenants/{tenant}/tokens", post(create_token))
}

fn forbidden(m: &str) -> ApiError {
    ApiError::new(StatusCode::FORBIDDEN, "", m)
}

fn platform_only(p: &Principal, what: &str) -> Result<(), ApiError> {
    match p {
        Principal::Platform => Ok(()),
        _ => Err(forbidden(&format!(
            "only the platform token {what}; {} may not",
            p.name()
        ))),
    }
}

/// `GET /v1/tenants`.
async fn list(State(s): State<AppState>, p: Principal) -> Response {
    let ids = match s.on_store(|store| store.tenant_ids()).await {
        Ok(ids) => ids,
        Err(e) => return ApiError::store(e, "the store could not be read").into_response(),
    };
    let visible: Vec<String> = match &p {
        Principal::Platform | Principal::Auditor { tenant: None } => ids,
        Principal::Admin { tenant }
        | Principal::Auditor {
            tenant: Some(tenant),
        } => ids.into_iter().filter(|i| i == tenant).collect(),
        Principal::Operator { operator } => {
            let operator = operator.clone();
            let found = s
                .on_store(move |store| {
                    let mut out = Vec::new();
                    for id in ids {
                        if let Some(doc) = store.tenant(&id)? {
                            let added = doc["tenant"]["operators"]
                                .as_array()
                                .into_iter()
                                .flatten()
                                .any(|o| {
                                    o["operator_id"]
                                        .as_str()
                                        .is_some_and(|x| x.eq_ignore_ascii_case(&operator))
                                });
                            if added {
                                out.push(id);
                            }
                        }
                    }
                    Ok(out)
                })
                .await;
            match found {
                Ok(v) => v,
                Err(e) => {
                    return ApiError::store(e, "the store could not be read").into_response();
                }
            }
        }
    };
    let role = match &p {
        Principal::Admin { .. } => "admin",
        Principal::Operator { .. } => "operator",
        Principal::Auditor { .. } => "auditor",
        Principal::Platform => "platform",
    };
    axum::Json(json!({"principal": p.name(), "role": role, "tenants": visible})).into_response()
}

/// What a stored document holds, for the answer and the audit record.
fn summary(doc: &core::TenantDocument) -> Value {
    let t = &doc.tenant;
    json!({
        "accounts": t.accounts.len(),
        "numbers": t.numbers.len(),
        "operators": t.operators.len(),
        "civic_addresses": t.civic_addresses.len(),
        "locations": t.locations.len(),
        "conferencing": doc.conferencing.is_some(),
    })
}

/// Store `doc` as tenant `tenant` after the rules index it.
async fn store_document(
    s: AppState,
    tenant: String,
    p: &Principal,
    action: &'static str,
    doc: core::TenantDocument,
    extra: Value,
) -> Response {
    if !same_id(&doc.tenant.tenant_id, &tenant) {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "tenant.tenant_id",
            &format!(
                "the document is tenant `{}` but the path names `{tenant}`; PUT it at /v1/tenants/{}",
                doc.tenant.tenant_id, doc.tenant.tenant_id
            ),
        )
        .into_response();
    }
    let principal = p.name();
    let mut audit = summary(&doc);
    if let (Value::Object(a), Value::Object(e)) = (&mut audit, &extra) {
        for (k, v) in e {
            if k != "report" {
                a.insert(k.clone(), v.clone());
            }
        }
    }
    let t = tenant.clone();
    let answer = s
        .with_rules(move |rules, store| {
            if let Err(u) = document::decidable(rules, &doc)? {
                return Ok(Err(u));
            }
            let value = document::encode(&doc)?;
            let created = store.put_tenant(&t, &principal, action, &audit, &value)?;
            Ok(Ok((created, summary(&doc))))
        })
        .await;
    match answer {
        Ok(Ok((created, counts))) => {
            let mut body = json!({"tenant": tenant, "created": created, "holds": counts});
            if let (Value::Object(b), Value::Object(e)) = (&mut body, extra) {
                b.extend(e);
            }
            let status = if created {
                StatusCode::CREATED
            } else {
                StatusCode::OK
            };
            (status, axum::Json(body)).into_response()
        }
        Ok(Err(u)) => {
            let rule = &ocpolicy_rules::catalogue::TENANT_UNDECIDABLE;
            let d = CoreDecision {
                allowed: false,
                violations: vec![ocpolicy_rules::Violation {
                    code: rule.code.into(),
                    severity: rule.severity,
                    path: u.path,
                    message: format!("this tenant cannot be decided: {}", u.message),
                    citation: rule.citation.into(),
                    remediation: rule.remediation.into(),
                }],
            };
            (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(d)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// `PUT /v1/tenants/{t}` with a tenant document.
async fn put_tenant(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    if let Err(e) = platform_only(&p, "creates or replaces a tenant") {
        return e.into_response();
    }
    let doc: core::TenantDocument = match ocpolicy_rules::json::from_slice_any_size(&body) {
        Ok(d) => d,
        Err(e) => {
            return ApiError::new(StatusCode::BAD_REQUEST, &e.path, &e.message).into_response();
        }
    };
    store_document(s, tenant, &p, "tenant.put", doc, json!({})).await
}

/// `PUT /v1/tenants/{t}/import`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ImportBody {
    /// File name → content: JSON as it was exported, or the CSV's text.
    files: serde_json::Map<String, Value>,
    /// The organization's country for conferencing.
    #[serde(default)]
    org_country: Option<String>,
    /// Operators with their contact details and notice.
    #[serde(default)]
    operators: Vec<Value>,
}

/// `PUT /v1/tenants/{t}/import`.
async fn import(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    if let Err(e) = platform_only(&p, "imports a tenant") {
        return e.into_response();
    }
    let req: ImportBody = match serde_json::from_slice(&body) {
        Ok(b) => b,
        Err(e) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "",
                &format!("expected {{\"files\": {{\"Get-CsOnlineUser.json\": [...], ...}}}}: {e}"),
            )
            .into_response();
        }
    };
    let mut operators = Vec::new();
    for (i, o) in req.operators.iter().enumerate() {
        match ocpolicy_rules::json::from_slice::<core::TenantOperator>(o.to_string().as_bytes()) {
            Ok(op) => operators.push(op),
            Err(e) => {
                return ApiError::new(
                    StatusCode::BAD_REQUEST,
                    &format!("operators[{i}].{}", e.path),
                    &e.message,
                )
                .into_response();
            }
        }
    }
    let options = ocpolicy_import::Options {
        tenant_id: Some(tenant.clone()),
        org_country: req.org_country,
        operators,
    };
    let files = req.files;
    let imported = tokio::task::spawn_blocking(move || -> Result<_, String> {
        let dir = tempfile::tempdir().map_err(|e| format!("a temporary folder: {e}"))?;
        for (name, content) in &files {
            // Only plain names: nothing outside the folder.
            if name.contains(['/', '\\']) || name.starts_with('.') || name.is_empty() {
                return Err(format!("`{name}` is not a plain file name"));
            }
            let bytes = match content {
                Value::String(text) => text.clone().into_bytes(),
                other => other.to_string().into_bytes(),
            };
            std::fs::write(dir.path().join(name), bytes)
                .map_err(|e| format!("writing {name}: {e}"))?;
        }
        Ok(ocpolicy_import::import_dir(
            dir.path(),
            &options,
            &mut |_| {},
        ))
    })
    .await;
    let result = match imported {
        Ok(Ok(r)) => r,
        Ok(Err(why)) => {
            return ApiError::new(StatusCode::BAD_REQUEST, "files", &why).into_response();
        }
        Err(e) => {
            return ApiError::internal(&format!("the import task failed: {e}")).into_response();
        }
    };
    match result {
        Ok(i) => {
            let report = serde_json::to_value(&i.report).unwrap_or(Value::Null);
            let extra = json!({"complete": i.report.complete(), "report": report});
            store_document(s, tenant, &p, "tenant.import", i.document, extra).await
        }
        Err(ocpolicy_import::Error::Undecidable {
            path,
            message,
            report,
        }) => {
            let body = json!({
                "error": {"path": path, "message": message},
                "report": *report,
            });
            (StatusCode::UNPROCESSABLE_ENTITY, axum::Json(body)).into_response()
        }
        Err(e) => ApiError::new(StatusCode::BAD_REQUEST, "files", &e.to_string()).into_response(),
    }
}

/// `PUT /v1/tenants/{t}/operators/{op}`'s body: the Operators page's form.
#[derive(Debug, Clone, serde::Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OperatorForm {
    /// The operator's display name.
    name: String,
    /// Products taken from it (default Calling).
    #[serde(default)]
    products: Option<Vec<core::OperatorProduct>>,
    /// Countries/regions enabled for it.
    enabled_countries: Vec<String>,
    /// "Operator can contact me using this information".
    contact: core::OperatorContact,
    /// The data transfer notice was accepted.
    data_transfer_notice_accepted: bool,
    /// Active (default) or Suspended.
    #[serde(default)]
    status: Option<core::OperatorStatus>,
}

/// The consent rule on the form (ELIG-OPERATOR-CONSENT) and the country list.
fn form_decision(form: &OperatorForm) -> CoreDecision {
    let rule = &ocpolicy_rules::catalogue::OPERATOR_CONSENT;
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    let mut missing = Vec::new();
    let mut first = None;
    for (absent, what, path) in [
        (
            blank(&form.contact.full_name),
            "contact full name",
            "contact.full_name",
        ),
        (blank(&form.contact.email), "contact email", "contact.email"),
        (
            blank(&form.contact.company_size),
            "company size",
            "contact.company_size",
        ),
        (
            !form.data_transfer_notice_accepted,
            "data transfer notice acceptance",
            "data_transfer_notice_accepted",
        ),
    ] {
        if absent {
            missing.push(what);
            first.get_or_insert(path);
        }
    }
    let mut violations = Vec::new();
    if let Some(path) = first {
        violations.push(ocpolicy_rules::Violation {
            code: rule.code.into(),
            severity: rule.severity,
            path: format!("request.{path}"),
            message: format!("Operator setup incomplete: missing {}", missing.join(", ")),
            citation: rule.citation.into(),
            remediation: rule.remediation.into(),
        });
    }
    for (i, c) in form.enabled_countries.iter().enumerate() {
        if isocountry::CountryCode::for_alpha2_caseless(c.trim()).is_err() {
            let rule = &ocpolicy_rules::catalogue::OPERATOR_COUNTRY;
            violations.push(ocpolicy_rules::Violation {
                code: rule.code.into(),
                severity: rule.severity,
                path: format!("request.enabled_countries[{i}]"),
                message: format!("`{c}` is not an ISO 3166-1 alpha-2 country code"),
                citation: rule.citation.into(),
                remediation: "give each country as its two-letter code, e.g. US or GB".into(),
            });
        }
    }
    CoreDecision {
        allowed: violations.is_empty(),
        violations,
    }
}

/// `PUT /v1/tenants/{t}/operators/{op}`: add (or change) an operator as the
/// tenant's admin does on the Teams admin center's Operators page.
async fn add_operator(
    State(s): State<AppState>,
    Path((tenant, operator)): Path<(String, String)>,
    p: Principal,
    body: Bytes,
) -> Response {
    match &p {
        Principal::Admin { tenant: t } if t == &tenant => {}
        Principal::Operator { .. } => {
            return forbidden("an operator does not add itself to a tenant; the tenant's admin adds it (Teams admin center > Voice > Operators)").into_response();
        }
        _ => {
            return forbidden(&format!(
                "{} may not add operators to tenant `{tenant}`",
                p.name()
            ))
            .into_response();
        }
    }
    let form: OperatorForm = match decode(&body) {
        Ok(f) => f,
        Err(e) => return e.into_response(),
    };
    let audit = json!({"operator_id": operator, "form": form});
    let decision = form_decision(&form);
    let decide: Decide = Box::new(move |_, _, _| Ok(Judgement::Decided(decision, Vec::new())));
    let record = core::TenantOperator {
        operator_id: operator.clone(),
        name: form.name,
        products: form
            .products
            .unwrap_or_else(|| vec![core::OperatorProduct::Calling]),
        enabled_countries: form
            .enabled_countries
            .iter()
            .map(|c| c.trim().to_ascii_uppercase())
            .collect(),
        status: form.status.unwrap_or(core::OperatorStatus::Active),
        contact: form.contact,
        data_transfer_notice_accepted: form.data_transfer_notice_accepted,
    };
    let apply: Apply = Box::new(move |doc| {
        let id = record.operator_id.clone();
        upsert(&mut doc.tenant.operators, record, |o| {
            same_id(&o.operator_id, &id)
        });
    });
    enforced_write(s, tenant, &p, "operator.add", audit, decide, apply).await
}

/// `POST /v1/tenants/{t}/tokens`'s body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TokenRequest {
    /// `admin` or `auditor`.
    role: String,
}

/// `POST /v1/tenants/{t}/tokens`.
async fn create_token(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    if let Err(e) = platform_only(&p, "creates tokens") {
        return e.into_response();
    }
    let req: TokenRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "role",
                &format!("expected {{\"role\": \"admin\"}} or {{\"role\": \"auditor\"}}: {e}"),
            )
            .into_response();
        }
    };
    let role = req.role.to_ascii_lowercase();
    if role != "admin" && role != "auditor" {
        return ApiError::new(
            StatusCode::BAD_REQUEST,
            "role",
            &format!(
                "`{}` is not a tenant role: give admin or auditor (operator tokens are per operator: `ocpolicy token create --role operator`)",
                req.role
            ),
        )
        .into_response();
    }
    let t = tenant.clone();
    let made = s
        .on_store(move |store| {
            if store.tenant(&t)?.is_none() {
                return Ok(None);
            }
            let (token, hash) = auth::new_token().map_err(|e| {
                super::StoreError::Internal(format!("a token could not be made: {e}"))
            })?;
            store.add_token(&hash, &role, Some(&t), None)?;
            Ok(Some((token, role)))
        })
        .await;
    match made {
        Ok(Some((token, role))) => (
            StatusCode::CREATED,
            axum::Json(json!({"token": token, "role": role, "tenant": tenant})),
        )
            .into_response(),
        Ok(None) => super::tenant::not_found(&tenant).into_response(),
        Err(e) => ApiError::store(e, "the token could not be stored").into_response(),
    }
}
