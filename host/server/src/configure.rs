//! The tenant API's configuration writes: emergency locations, LIS entries and
//! trusted IPs; the conferencing bridge, its default number, and the routing
//! configuration. Each goes through [`tenant::enforced_write`]: decided by the
//! same checks the decision API runs (the `emergency`, `bridge`,
//! `conferencing` and `conferencing-lint` kinds) and the applicable operators'
//! plugins against the stored tenant, then committed with its audit record or
//! refused with the full decision. Only the tenant's admin configures a
//! tenant; operators and auditors never do.

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, put};
use serde_json::{Map, Value, json};

use super::auth::Principal;
use super::tenant::{
    Apply, CoreDecision, Decide, Judgement, decode, enforced_write, merge, plugin_part,
};
use super::{ApiError, AppState};
use ocpolicy_rules::types as core;
use ocpolicy_runtime::types as wt;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/tenants/{tenant}/locations", put(write_location))
        .route(
            "/v1/tenants/{tenant}/locations/{id}",
            delete(remove_location),
        )
        .route(
            "/v1/tenants/{tenant}/addresses/{id}",
            delete(remove_address),
        )
        .route("/v1/tenants/{tenant}/lis", put(set_lis_entry))
        .route("/v1/tenants/{tenant}/trusted-ips", put(set_trusted_ip))
        .route("/v1/tenants/{tenant}/bridge", put(set_bridge))
        .route("/v1/tenants/{tenant}/bridge/default", put(set_default))
        .route("/v1/tenants/{tenant}/routing", put(set_routing))
}

/// The keys of the conferencing configuration that `PUT .../routing` sets.
pub const ROUTING_KEYS: [&str; 7] = [
    "pstn_usages",
    "voice_routes",
    "audio_conferencing_routing_policies",
    "voice_routing_policies",
    "emergency_call_routing_policies",
    "dial_plans",
    "gateways",
];

/// May `p` change tenant `tenant`'s configuration? Its admin only.
fn may_configure(p: &Principal, tenant: &str, what: &str) -> Result<(), ApiError> {
    let refuse = |m: String| Err(ApiError::new(StatusCode::FORBIDDEN, "", &m));
    match p {
        Principal::Admin { tenant: t } if t == tenant => Ok(()),
        Principal::Operator { .. } => refuse(format!(
            "operators read a tenant's {what} but never change it; the tenant's admin does (for addresses this is the rule ELIG-OPERATOR-WRITES-ADDRESS)"
        )),
        Principal::Auditor { .. } => refuse("auditors read; they do not write".into()),
        _ => refuse(format!("{} may not write tenant `{tenant}`", p.name())),
    }
}

/// A stored part of the tenant document (`doc[key]`), decoded as the decision
/// API decodes a body (strictly), or the field at fault under `at` (the path
/// it has in the decision API's document).
fn stored<T: serde::de::DeserializeOwned + serde::Serialize>(
    doc: &Value,
    key: &str,
    at: &str,
) -> crate::Result<Result<T, (String, String)>> {
    let bytes = serde_json::to_vec(&doc[key])?;
    Ok(ocpolicy_rules::json::from_slice(&bytes).map_err(|e| {
        let path = match (at.is_empty(), e.path.is_empty()) {
            (true, _) => e.path,
            (false, true) => at.to_string(),
            (false, false) => format!("{at}.{}", e.path),
        };
        (path, e.message)
    }))
}

/// A component decision or input error, as a judgement without plugins.
fn judged(r: Result<wt::Decision, wt::InputError>) -> crate::Result<Judgement> {
    Ok(match r {
        Ok(d) => Judgement::Decided(ocpolicy_runtime::convert(&d)?, Vec::new()),
        Err(e) => Judgement::BadInput(e.path, e.message),
    })
}

/// Take the `Ok` of a [`stored`] decode, or return its bad input.
macro_rules! stored_or_bad {
    ($e:expr) => {
        match $e? {
            Ok(v) => v,
            Err((path, message)) => return Ok(Judgement::BadInput(path, message)),
        }
    };
}

/// The `emergency` kind on `request` against the stored emergency
/// configuration: a typed `EmergencyCheck`, as `POST /v1/decide/emergency`
/// takes it.
fn emergency(request: wt::EmergencyRequest) -> Decide {
    Box::new(move |rules, _, doc| {
        let config: wt::EmergencyConfig = stored_or_bad!(stored(doc, "emergency", "config"));
        judged(rules.emergency_evaluate(&wt::EmergencyCheck { config, request })?)
    })
}

/// The audit record's copy of a typed request.
fn audited<T: serde::Serialize>(request: &T) -> Value {
    serde_json::to_value(request).unwrap_or(Value::Null)
}

/// Run `f` on the admin's decoded body, or answer why not.
async fn configure<T: serde::de::DeserializeOwned + serde::Serialize>(
    s: AppState,
    tenant: String,
    p: Principal,
    what: &str,
    action: &'static str,
    body: &[u8],
    f: impl FnOnce(T) -> (Value, Decide, Apply),
) -> Response {
    if let Err(e) = may_configure(&p, &tenant, what) {
        return e.into_response();
    }
    let value: T = match decode(body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let (audit, decide, apply) = f(value);
    enforced_write(s, tenant, &p, action, audit, decide, apply).await
}

/// Replace the entry of the list at `pointer` that `same` picks, else append.
fn upsert(doc: &mut Value, pointer: &str, record: Value, same: impl Fn(&Value) -> bool) {
    if doc.pointer(pointer).is_none_or(Value::is_null) {
        set_pointer(doc, pointer, json!([]));
    }
    if let Some(list) = doc.pointer_mut(pointer).and_then(Value::as_array_mut) {
        match list.iter_mut().find(|x| same(x)) {
            Some(x) => *x = record,
            None => list.push(record),
        }
    }
}

/// Set `doc` at `pointer` (`/a/b`), creating objects on the way.
fn set_pointer(doc: &mut Value, pointer: &str, value: Value) {
    let mut at = doc;
    let keys: Vec<&str> = pointer.split('/').skip(1).collect();
    let Some((last, path)) = keys.split_last() else {
        return;
    };
    for k in path {
        if !at.get(*k).is_some_and(Value::is_object) {
            at[*k] = json!({});
        }
        at = &mut at[*k];
    }
    at[*last] = value;
}

/// Case-insensitive equality of a string field of two records.
fn same_field(a: &Value, b: &Value, field: &str) -> bool {
    match (a[field].as_str(), b[field].as_str()) {
        (Some(x), Some(y)) => x.trim().eq_ignore_ascii_case(y.trim()),
        _ => false,
    }
}

/// `PUT /v1/tenants/{t}/locations` with a location: create it, or replace the
/// one with its id (`emergency` kind, `WriteLocation`).
async fn write_location(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    configure(
        s,
        tenant,
        p,
        "locations",
        "location",
        &body,
        |loc: wt::Location| {
            let record = serde_json::to_value(&loc).unwrap_or(Value::Null);
            let request = wt::EmergencyRequest::WriteLocation(loc);
            let apply: Apply = Box::new(move |doc| {
                for pointer in ["/tenant/locations", "/emergency/tenant/locations"] {
                    upsert(doc, pointer, record.clone(), |x| {
                        same_field(x, &record, "location_id")
                    });
                }
            });
            (audited(&request), emergency(request), apply)
        },
    )
    .await
}

/// Remove the records with `field` = `id` from the lists at `pointers`.
fn remove_from(pointers: &'static [&'static str], field: &'static str, id: String) -> Apply {
    Box::new(move |doc| {
        for pointer in pointers {
            if let Some(list) = doc.pointer_mut(pointer).and_then(Value::as_array_mut) {
                list.retain(|x| !same_field(x, &json!({ field: id }), field));
            }
        }
    })
}

/// `DELETE /v1/tenants/{t}/locations/{id}`: refused while a number, user or
/// LIS entry still uses it (`emergency` kind, `RemoveLocation`).
async fn remove_location(
    State(s): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
    p: Principal,
) -> Response {
    if let Err(e) = may_configure(&p, &tenant, "locations") {
        return e.into_response();
    }
    let request = wt::EmergencyRequest::RemoveLocation(id.clone());
    let apply = remove_from(
        &["/tenant/locations", "/emergency/tenant/locations"],
        "location_id",
        id,
    );
    enforced_write(
        s,
        tenant,
        &p,
        "remove-location",
        audited(&request),
        emergency(request),
        apply,
    )
    .await
}

/// `DELETE /v1/tenants/{t}/addresses/{id}`: refused while its locations are
/// in use (`emergency` kind, `RemoveCivicAddress`).
async fn remove_address(
    State(s): State<AppState>,
    Path((tenant, id)): Path<(String, String)>,
    p: Principal,
) -> Response {
    if let Err(e) = may_configure(&p, &tenant, "civic addresses") {
        return e.into_response();
    }
    let request = wt::EmergencyRequest::RemoveCivicAddress(id.clone());
    let apply = remove_from(
        &[
            "/tenant/civic_addresses",
            "/emergency/tenant/civic_addresses",
        ],
        "id",
        id,
    );
    enforced_write(
        s,
        tenant,
        &p,
        "remove-address",
        audited(&request),
        emergency(request),
        apply,
    )
    .await
}

/// `PUT /v1/tenants/{t}/lis` with one LIS entry (`{"Subnet": {...}}`, `Wap`,
/// `Switch` or `Port`): set it, replacing the entry for the same network
/// identifier (`emergency` kind, `SetLisEntry`, at the server's clock).
async fn set_lis_entry(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    configure(
        s,
        tenant,
        p,
        "LIS entries",
        "lis",
        &body,
        |entry: wt::LisEntry| {
            let value = serde_json::to_value(&entry).unwrap_or(Value::Null);
            let (list, keys): (&str, &[&str]) = match entry {
                wt::LisEntry::Subnet(_) => ("subnets", &["subnet"]),
                wt::LisEntry::Wap(_) => ("waps", &["bssid"]),
                wt::LisEntry::Switch(_) => ("switches", &["chassis_id"]),
                wt::LisEntry::Port(_) => ("ports", &["chassis_id", "port_id"]),
            };
            let record = value
                .as_object()
                .and_then(|m| m.values().next())
                .cloned()
                .unwrap_or(Value::Null);
            let pointer = format!("/emergency/lis/{list}");
            let request = wt::EmergencyRequest::SetLisEntry(wt::SetLisEntry {
                entry,
                now: Some(super::store::now()),
            });
            let apply: Apply = Box::new(move |doc| {
                upsert(doc, &pointer, record.clone(), |x| {
                    keys.iter().all(|k| same_field(x, &record, k))
                });
            });
            (audited(&request), emergency(request), apply)
        },
    )
    .await
}

/// `PUT /v1/tenants/{t}/trusted-ips` with a trusted IP: add it, or replace the
/// one for the same address (`emergency` kind, `SetTrustedIp`).
async fn set_trusted_ip(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    configure(
        s,
        tenant,
        p,
        "trusted IPs",
        "trusted-ip",
        &body,
        |ip: wt::TrustedIp| {
            let record = serde_json::to_value(&ip).unwrap_or(Value::Null);
            let request = wt::EmergencyRequest::SetTrustedIp(ip);
            let apply: Apply = Box::new(move |doc| {
                upsert(doc, "/emergency/trusted_ips", record.clone(), |x| {
                    same_field(x, &record, "ip_address")
                });
            });
            (audited(&request), emergency(request), apply)
        },
    )
    .await
}

/// `PUT /v1/tenants/{t}/bridge` with the whole bridge (its numbers and default
/// number): the `bridge` kind on the new bridge with the stored tenant's
/// country, operators and organizers, and the plugins of the operators whose
/// numbers are on it.
async fn set_bridge(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    configure(
        s,
        tenant,
        p,
        "conferencing bridge",
        "bridge",
        &body,
        |bridge: wt::Bridge| {
            let record = serde_json::to_value(&bridge).unwrap_or(Value::Null);
            let decide: Decide = Box::new(move |rules, state, doc| {
                let c: wt::ConferencingConfig =
                    stored_or_bad!(stored(doc, "conferencing", "config"));
                let check = wt::BridgeCheck {
                    bridge,
                    org_country: c.org_country,
                    communications_credits: c.communications_credits,
                    operators: c.operators,
                    organizers: Some(c.organizers),
                };
                let mut decision: CoreDecision =
                    ocpolicy_runtime::convert(&rules.check_bridge(&check)?)?;
                let mut plugins = Vec::new();
                if let Some(host) = &state.inner.plugins {
                    let check: ocpolicy_rules::types::BridgeCheck =
                        ocpolicy_runtime::convert(&check)?;
                    plugins = plugin_part(state, &host.bridge(&check), &mut decision);
                }
                Ok(Judgement::Decided(decision, plugins))
            });
            let stored = record.clone();
            let apply: Apply =
                Box::new(move |doc| set_pointer(doc, "/conferencing/bridge", stored));
            (record, decide, apply)
        },
    )
    .await
}

/// The body of `PUT .../bridge/default`.
#[derive(serde::Deserialize, serde::Serialize)]
struct DefaultNumber {
    /// The bridge number that becomes the default (dial-out caller ID).
    default_service_number: String,
}

/// `PUT /v1/tenants/{t}/bridge/default` with `{"default_service_number"}`
/// (`Set-CsOnlineDialInConferencingBridge -DefaultServiceNumber`): the
/// `conferencing` kind, `SetDefaultServiceNumber`.
async fn set_default(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    configure(
        s,
        tenant,
        p,
        "conferencing bridge",
        "bridge-default",
        &body,
        |d: DefaultNumber| {
            let number = d.default_service_number;
            let request = wt::ConferencingRequest::SetDefaultServiceNumber(number.clone());
            let audit = audited(&request);
            let decide: Decide = Box::new(move |rules, _, doc| {
                let config: wt::ConferencingConfig =
                    stored_or_bad!(stored(doc, "conferencing", "config"));
                judged(rules.conferencing_evaluate(&wt::ConferencingCheck { config, request })?)
            });
            let apply: Apply = Box::new(move |doc| {
                set_pointer(
                    doc,
                    "/conferencing/bridge/default_service_number",
                    json!(number),
                );
            });
            (audit, decide, apply)
        },
    )
    .await
}

/// The body of `PUT .../routing`: any of the routing parts of the
/// conferencing configuration; each one given replaces the stored one.
// No `deny_unknown_fields`: the strict decoder refuses unknown keys itself,
// naming the key's path, as it does for every body.
#[derive(serde::Deserialize, serde::Serialize)]
struct Routing {
    #[serde(default)]
    pstn_usages: Option<Vec<String>>,
    #[serde(default)]
    voice_routes: Option<Vec<core::ConferencingRoute>>,
    #[serde(default)]
    audio_conferencing_routing_policies: Option<Vec<core::AudioConferencingRoutingPolicy>>,
    #[serde(default)]
    voice_routing_policies: Option<Vec<core::VoiceRoutingPolicy>>,
    #[serde(default)]
    emergency_call_routing_policies: Option<Vec<core::EmergencyCallRoutingPolicy>>,
    #[serde(default)]
    dial_plans: Option<Vec<core::DialPlan>>,
    #[serde(default)]
    gateways: Option<Vec<core::ConferencingGateway>>,
}

/// `PUT /v1/tenants/{t}/routing` with any of [`ROUTING_KEYS`]: each one given
/// replaces the stored one, and the `conferencing-lint` kind decides the
/// whole new configuration (routes, usages and dial plans that can never work
/// as meant are refused).
async fn set_routing(
    State(s): State<AppState>,
    Path(tenant): Path<String>,
    p: Principal,
    body: Bytes,
) -> Response {
    configure(
        s,
        tenant,
        p,
        "routing configuration",
        "routing",
        &body,
        |r: Routing| {
            // The parts given (null is the same as not given).
            let given: Map<String, Value> = match serde_json::to_value(&r) {
                Ok(Value::Object(m)) => m.into_iter().filter(|(_, v)| !v.is_null()).collect(),
                _ => Map::new(),
            };
            let audit = json!({ "SetRouting": given.keys().collect::<Vec<_>>() });
            let replace = given.clone();
            let decide: Decide = Box::new(move |rules, _, doc| {
                if given.is_empty() {
                    return Ok(Judgement::BadInput(
                        String::new(),
                        format!("give at least one of: {}", ROUTING_KEYS.join(", ")),
                    ));
                }
                let mut config = doc["conferencing"].clone();
                for (k, v) in &given {
                    config[k.as_str()] = v.clone();
                }
                let config: wt::ConferencingConfig =
                    stored_or_bad!(stored(&json!({ "new": config }), "new", ""));
                judged(rules.conferencing_lint(&config)?)
            });
            let apply: Apply = Box::new(move |doc| {
                for (k, v) in replace {
                    set_pointer(doc, &format!("/conferencing/{k}"), v);
                }
            });
            (audit, decide, apply)
        },
    )
    .await
}

/// The civic address write's emergency part: the address rules the console's
/// address panel runs (`emergency` kind, `WriteCivicAddress`: fields, country,
/// an edit of a validated address), and the plugins of the operators that
/// cover its country; merged into the eligibility decision.
pub(super) fn address_checks(address: wt::CivicAddress, eligibility: Decide) -> Decide {
    Box::new(move |rules, state, doc| {
        let first = match eligibility(rules, state, doc)? {
            Judgement::Decided(d, p) => (d, p),
            bad => return Ok(bad),
        };
        let config: wt::EmergencyConfig = stored_or_bad!(stored(doc, "emergency", "config"));
        let check = wt::EmergencyCheck {
            config,
            request: wt::EmergencyRequest::WriteCivicAddress(wt::WriteEmergencyAddress {
                address: address.clone(),
                connectivity: None,
            }),
        };
        let mut decision: CoreDecision = match rules.emergency_evaluate(&check)? {
            Ok(d) => ocpolicy_runtime::convert(&d)?,
            Err(e) => return Ok(Judgement::BadInput(e.path, e.message)),
        };
        let mut plugins = first.1;
        if let Some(host) = &state.inner.plugins {
            let check: ocpolicy_rules::types::AddressCheck =
                ocpolicy_runtime::convert(&wt::AddressCheck {
                    address: address.clone(),
                    connectivity: None,
                    location: None,
                    previous: None,
                })?;
            plugins.extend(plugin_part(state, &host.address(&check), &mut decision));
        }
        Ok(Judgement::Decided(merge(first.0, decision), plugins))
    })
}
