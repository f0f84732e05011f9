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
use serde_json::{Value, json};

use super::auth::Principal;
use super::document::{self, same_id, upsert};
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

/// A component decision or input error, as a judgement without plugins.
fn judged(r: Result<wt::Decision, wt::InputError>) -> crate::Result<Judgement> {
    Ok(match r {
        Ok(d) => Judgement::Decided(ocpolicy_runtime::convert(&d)?, Vec::new()),
        Err(e) => Judgement::BadInput(e.path, e.message),
    })
}

/// The `emergency` kind on `request` against the stored emergency
/// configuration: a typed `EmergencyCheck`, as `POST /v1/decide/emergency`
/// takes it.
fn emergency(request: wt::EmergencyRequest) -> Decide {
    Box::new(move |rules, _, doc| {
        let config = document::emergency(doc)?;
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
    f: impl FnOnce(T) -> crate::Result<(Value, Decide, Apply)>,
) -> Response {
    if let Err(e) = may_configure(&p, &tenant, what) {
        return e.into_response();
    }
    let value: T = match decode(body) {
        Ok(v) => v,
        Err(e) => return e.into_response(),
    };
    let (audit, decide, apply) = match f(value) {
        Ok(parts) => parts,
        Err(e) => return ApiError::store(e, "the request could not be converted").into_response(),
    };
    enforced_write(s, tenant, &p, action, audit, decide, apply).await
}

/// The stored conferencing settings, or why a write that needs them cannot
/// be decided.
fn no_conferencing() -> Judgement {
    Judgement::NotFound(
        "conferencing".into(),
        "this tenant has no conferencing configuration (no audio-conferencing bridge); the platform sets one up with the tenant".into(),
    )
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
        |loc: core::Location| {
            let request = wt::EmergencyRequest::WriteLocation(ocpolicy_runtime::convert(&loc)?);
            let apply: Apply = Box::new(move |doc| {
                let id = loc.location_id.clone();
                upsert(&mut doc.tenant.locations, loc, |x| {
                    same_id(&x.location_id, &id)
                });
            });
            Ok((audited(&request), emergency(request), apply))
        },
    )
    .await
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
    let apply: Apply = Box::new(move |doc| {
        doc.tenant
            .locations
            .retain(|x| !same_id(&x.location_id, &id));
    });
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
    let apply: Apply = Box::new(move |doc| {
        doc.tenant.civic_addresses.retain(|x| !same_id(&x.id, &id));
    });
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
        |entry: core::LisEntry| {
            let request = wt::EmergencyRequest::SetLisEntry(wt::SetLisEntry {
                entry: ocpolicy_runtime::convert(&entry)?,
                now: Some(super::store::now()),
            });
            let apply: Apply = Box::new(move |doc| {
                let lis = doc.emergency.lis.get_or_insert(core::Lis {
                    subnets: None,
                    waps: None,
                    switches: None,
                    ports: None,
                });
                match entry {
                    core::LisEntry::Subnet(e) => {
                        let list = lis.subnets.get_or_insert_with(Vec::new);
                        let id = e.subnet.clone();
                        upsert(list, e, |x| same_id(&x.subnet, &id));
                    }
                    core::LisEntry::Wap(e) => {
                        let list = lis.waps.get_or_insert_with(Vec::new);
                        let id = e.bssid.clone();
                        upsert(list, e, |x| same_id(&x.bssid, &id));
                    }
                    core::LisEntry::Switch(e) => {
                        let list = lis.switches.get_or_insert_with(Vec::new);
                        let id = e.chassis_id.clone();
                        upsert(list, e, |x| same_id(&x.chassis_id, &id));
                    }
                    core::LisEntry::Port(e) => {
                        let list = lis.ports.get_or_insert_with(Vec::new);
                        let (chassis, port) = (e.chassis_id.clone(), e.port_id.clone());
                        upsert(list, e, |x| {
                            same_id(&x.chassis_id, &chassis) && same_id(&x.port_id, &port)
                        });
                    }
                }
            });
            Ok((audited(&request), emergency(request), apply))
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
        |ip: core::TrustedIp| {
            let request = wt::EmergencyRequest::SetTrustedIp(ocpolicy_runtime::convert(&ip)?);
            let apply: Apply = Box::new(move |doc| {
                let list = doc.emergency.trusted_ips.get_or_insert_with(Vec::new);
                let id = ip.ip_address.clone();
                upsert(list, ip, |x| same_id(&x.ip_address, &id));
            });
            Ok((audited(&request), emergency(request), apply))
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
        |bridge: core::Bridge| {
            let record = audited(&bridge);
            let asked: wt::Bridge = ocpolicy_runtime::convert(&bridge)?;
            let decide: Decide = Box::new(move |rules, state, doc| {
                let Some(c) = document::conferencing(doc)? else {
                    return Ok(no_conferencing());
                };
                let check = wt::BridgeCheck {
                    bridge: asked,
                    org_country: c.org_country,
                    communications_credits: c.communications_credits,
                    operators: c.operators,
                    organizers: Some(c.organizers),
                };
                bridge_decision(rules, state, check)
            });
            let apply: Apply = Box::new(move |doc| {
                if let Some(c) = doc.conferencing.as_mut() {
                    c.bridge = bridge;
                }
            });
            Ok((record, decide, apply))
        },
    )
    .await
}

/// The `bridge` kind on `check`, with the plugins of the operators whose
/// numbers are on the bridge.
pub(super) fn bridge_decision(
    rules: &mut ocpolicy_runtime::RulesInstance,
    state: &AppState,
    check: wt::BridgeCheck,
) -> crate::Result<Judgement> {
    let mut decision: CoreDecision = ocpolicy_runtime::convert(&rules.check_bridge(&check)?)?;
    let mut plugins = Vec::new();
    if let Some(host) = &state.inner.plugins {
        let check: core::BridgeCheck = ocpolicy_runtime::convert(&check)?;
        plugins = plugin_part(state, &host.bridge(&check), &mut decision);
    }
    Ok(Judgement::Decided(decision, plugins))
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
                let Some(config) = document::conferencing(doc)? else {
                    return Ok(no_conferencing());
                };
                judged(rules.conferencing_evaluate(&wt::ConferencingCheck { config, request })?)
            });
            let apply: Apply = Box::new(move |doc| {
                if let Some(c) = doc.conferencing.as_mut() {
                    c.bridge.default_service_number = Some(number);
                }
            });
            Ok((audit, decide, apply))
        },
    )
    .await
}

/// The body of `PUT .../routing`: any of the routing parts of the
/// conferencing configuration; each one given replaces the stored one.
// No `deny_unknown_fields`: the strict decoder refuses unknown keys itself,
// naming the key's path, as it does for every body.
#[derive(Clone, serde::Deserialize, serde::Serialize)]
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
            let given: Vec<&str> = [
                r.pstn_usages.is_some(),
                r.voice_routes.is_some(),
                r.audio_conferencing_routing_policies.is_some(),
                r.voice_routing_policies.is_some(),
                r.emergency_call_routing_policies.is_some(),
                r.dial_plans.is_some(),
                r.gateways.is_some(),
            ]
            .into_iter()
            .zip(ROUTING_KEYS)
            .filter_map(|(given, key)| given.then_some(key))
            .collect();
            let audit = json!({ "SetRouting": given });
            let empty = given.is_empty();
            let replace = move |c: &mut core::ConferencingSettings, r: Routing| {
                if let Some(v) = r.pstn_usages {
                    c.pstn_usages = v;
                }
                if let Some(v) = r.voice_routes {
                    c.voice_routes = v;
                }
                if let Some(v) = r.audio_conferencing_routing_policies {
                    c.audio_conferencing_routing_policies = v;
                }
                if let Some(v) = r.voice_routing_policies {
                    c.voice_routing_policies = Some(v);
                }
                if let Some(v) = r.emergency_call_routing_policies {
                    c.emergency_call_routing_policies = Some(v);
                }
                if let Some(v) = r.dial_plans {
                    c.dial_plans = Some(v);
                }
                if let Some(v) = r.gateways {
                    c.gateways = Some(v);
                }
            };
            let asked = r.clone();
            let decide: Decide = Box::new(move |rules, _, doc| {
                if empty {
                    return Ok(Judgement::BadInput(
                        String::new(),
                        format!("give at least one of: {}", ROUTING_KEYS.join(", ")),
                    ));
                }
                let Some(mut settings) = doc.conferencing.clone() else {
                    return Ok(no_conferencing());
                };
                replace(&mut settings, asked);
                let config = ocpolicy_rules::document::conferencing_of(&doc.tenant, settings);
                judged(rules.conferencing_lint(&ocpolicy_runtime::convert(&config)?)?)
            });
            let apply: Apply = Box::new(move |doc| {
                if let Some(c) = doc.conferencing.as_mut() {
                    replace(c, r);
                }
            });
            Ok((audit, decide, apply))
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
        let config = document::emergency(doc)?;
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
