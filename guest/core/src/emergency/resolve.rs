//! Dynamic location resolution: which location an emergency call carries
//! ([DYN] match order, [DISP] precedence and routing table).
//!
//! Every LIS step is tried and traced, so the trace says which element matched
//! and why the others did not; the first match in the documented order
//! (WAP, switch and port, switch, subnet: EMG-MATCH-ORDER) wins.

use std::net::IpAddr;

use super::EmergencySnapshot;
use super::lis_format;
use crate::Findings;
use crate::catalogue as c;
use crate::types::{
    AddressOrigin, ClientType, InputError, LocationSource, NetworkContext, NumberType, Resolution,
    ResolutionStep, RoutingMethod, StepOutcome, TraceStep,
};

/// What one LIS step found: the step, its hit, the key looked up, and why.
type StepResult = (ResolutionStep, Option<Hit>, Option<String>, String);

/// A LIS hit: the location and the configuration entry that holds it.
struct Hit {
    location_id: String,
    entry: String,
    key: String,
}

fn step(
    step: ResolutionStep,
    key: Option<String>,
    outcome: StepOutcome,
    hit: Option<&Hit>,
    reason: impl Into<String>,
) -> TraceStep {
    TraceStep {
        step,
        key,
        outcome,
        location_id: hit.map(|h| h.location_id.clone()),
        entry: hit.map(|h| h.entry.clone()),
        reason: reason.into(),
    }
}

fn input(path: &str, message: String) -> InputError {
    InputError {
        path: format!("context.{path}"),
        message,
    }
}

/// The precedence level of a user-supplied address (EMG-PRECEDENCE, [DISP]).
fn level(origin: AddressOrigin) -> (u8, LocationSource) {
    match origin {
        AddressOrigin::OsConfirmed
        | AddressOrigin::OsEditedAutosuggest
        | AddressOrigin::OsManuallyEdited
        | AddressOrigin::AutosuggestConfirmed => (2, LocationSource::UserConfirmed),
        AddressOrigin::OsUnconfirmed => (3, LocationSource::OsSuggested),
        AddressOrigin::ManuallyEntered => (4, LocationSource::UserEntered),
    }
}

/// The US routing table of [DISP] for user-supplied addresses.
fn user_address_routing(origin: AddressOrigin) -> RoutingMethod {
    match origin {
        AddressOrigin::OsConfirmed
        | AddressOrigin::OsEditedAutosuggest
        | AddressOrigin::AutosuggestConfirmed => RoutingMethod::DirectToPsap,
        AddressOrigin::OsUnconfirmed
        | AddressOrigin::OsManuallyEdited
        | AddressOrigin::ManuallyEntered => RoutingMethod::Screened,
    }
}

impl EmergencySnapshot {
    /// Resolve the location an emergency call from `ctx` carries.
    pub fn resolve(&self, ctx: &NetworkContext) -> Result<Resolution, InputError> {
        let mut f = Findings::default();
        let mut trace = Vec::new();
        let client = ctx.client_type;
        let web = client == Some(ClientType::Web);
        if web {
            f.raise(
                &c::EMG_WEB_CLIENT,
                "context.client_type",
                "the web client does not support dynamic emergency calling; its calls carry no dynamic location",
            );
        }
        let lldp_capable = !matches!(
            client,
            Some(ClientType::Web | ClientType::Ios | ClientType::Android)
        );
        let wifi_capable = !matches!(client, Some(ClientType::Web | ClientType::TeamsPhone));

        // ---- the four LIS steps, in the documented order (EMG-MATCH-ORDER)
        let mut hits: Vec<StepResult> = Vec::new();
        hits.push(self.wap_step(ctx, wifi_capable, web)?);
        let (port, switch) = self.lldp_steps(ctx, lldp_capable, web);
        hits.push(port);
        hits.push(switch);
        let mut gate = Vec::new();
        hits.push(self.subnet_step(ctx, web, &mut f, &mut gate)?);

        let mut winner: Option<(ResolutionStep, Hit)> = None;
        for (kind, hit, key, reason) in hits {
            if kind == ResolutionStep::Subnet {
                trace.append(&mut gate);
            }
            match hit {
                Some(h) if winner.is_none() => {
                    trace.push(step(
                        kind,
                        key,
                        StepOutcome::Matched,
                        Some(&h),
                        format!("{reason} (EMG-MATCH-ORDER: the first match wins)"),
                    ));
                    winner = Some((kind, h));
                }
                Some(h) => {
                    let first = winner.as_ref().map(|(k, _)| *k);
                    trace.push(step(
                        kind,
                        key,
                        StepOutcome::Shadowed,
                        Some(&h),
                        format!(
                            "{reason}, but {} matched first (EMG-MATCH-ORDER)",
                            step_name(first)
                        ),
                    ));
                }
                None => {
                    let outcome = if reason.starts_with("skipped") {
                        StepOutcome::Skipped
                    } else if reason.starts_with("not provided") {
                        StepOutcome::NotProvided
                    } else {
                        StepOutcome::NoMatch
                    };
                    trace.push(step(kind, key, outcome, None, reason));
                }
            }
        }

        // ---- the number behind the call, for the static address and the connectivity
        let number = match (&ctx.telephone_number, &ctx.user) {
            (Some(n), _) => self.tenant.find_number(n),
            (None, Some(u)) => self.tenant.numbers_of(u).next().map(|(_, n)| n),
            (None, None) => None,
        };
        let connectivity = ctx.connectivity.or(number.map(|n| n.number_type));

        // ---- precedence (EMG-PRECEDENCE)
        let mut out = Resolution {
            source: LocationSource::NoLocation,
            matched_element: None,
            location_id: None,
            location: None,
            address: None,
            routing: RoutingMethod::Screened,
            trace: Vec::new(),
            violations: Vec::new(),
        };
        let user_addresses = ctx.user_addresses.as_deref().unwrap_or_default();
        let best_user = user_addresses
            .iter()
            .enumerate()
            .min_by_key(|(i, u)| (level(u.origin).0, *i));
        if let Some((kind, hit)) = winner {
            let (loc, addr) = self.place(&hit.location_id);
            out.source = LocationSource::Dynamic;
            out.matched_element = Some(kind);
            out.location_id = Some(hit.location_id.clone());
            out.location = loc.cloned();
            out.address = addr.cloned();
            let cc = addr.map(super::address::country).unwrap_or_default();
            out.routing = self.dynamic_routing(&cc, connectivity, &mut f);
            for (i, _) in user_addresses.iter().enumerate() {
                trace.push(step(
                    ResolutionStep::UserAddress,
                    None,
                    StepOutcome::Shadowed,
                    None,
                    format!("context.user_addresses[{i}] ranks below the dynamic LIS location (EMG-PRECEDENCE)"),
                ));
            }
        } else if let Some((i, ua)) = best_user {
            let (_, source) = level(ua.origin);
            out.source = source;
            out.address = Some(ua.address.clone());
            let cc = super::address::country(&ua.address);
            out.routing = if cc == "US" {
                user_address_routing(ua.origin)
            } else {
                RoutingMethod::Screened
            };
            trace.push(step(
                ResolutionStep::UserAddress,
                None,
                StepOutcome::Matched,
                None,
                format!("no dynamic location; context.user_addresses[{i}] ({:?}) has the highest precedence (EMG-PRECEDENCE)", ua.origin),
            ));
        }
        // The static address: used when nothing above won, traced either way.
        let static_loc = number.and_then(|n| n.location_id.clone());
        match (&static_loc, out.source) {
            (Some(l), LocationSource::NoLocation) => {
                let (loc, addr) = self.place(l);
                out.source = LocationSource::StaticAddress;
                out.location_id = Some(l.clone());
                out.location = loc.cloned();
                out.address = addr.cloned();
                let cc = addr.map(super::address::country).unwrap_or_default();
                let fixed_device = matches!(client, Some(ClientType::TeamsRoom | ClientType::CommonAreaPhone));
                out.routing = if cc == "US" && fixed_device {
                    RoutingMethod::DirectToPsap
                } else {
                    RoutingMethod::Screened
                };
                trace.push(step(
                    ResolutionStep::StaticLocation,
                    Some(l.clone()),
                    StepOutcome::Matched,
                    None,
                    "no dynamic or user-supplied location: the admin's static address on the number is used (EMG-PRECEDENCE)",
                ));
            }
            (Some(l), _) => trace.push(step(
                ResolutionStep::StaticLocation,
                Some(l.clone()),
                StepOutcome::Shadowed,
                None,
                "the static address on the number ranks last (EMG-PRECEDENCE)",
            )),
            (None, LocationSource::NoLocation) => trace.push(step(
                ResolutionStep::StaticLocation,
                None,
                StepOutcome::NotProvided,
                None,
                "the number has no static emergency location: the call carries no location and is screened",
            )),
            (None, _) => {}
        }
        out.trace = trace;
        out.violations = f.finish().violations;
        Ok(out)
    }

    fn wap_step(
        &self,
        ctx: &NetworkContext,
        capable: bool,
        web: bool,
    ) -> Result<StepResult, InputError> {
        let kind = ResolutionStep::Wap;
        let Some(raw) = &ctx.bssid else {
            return Ok((
                kind,
                None,
                None,
                "not provided: the client reported no BSSID".into(),
            ));
        };
        let Some(mac) = lis_format::client_bssid(raw) else {
            return Err(input(
                "bssid",
                format!("`{raw}` is not a BSSID; write six hex octets, e.g. F0-6E-0B-C2-04-1A"),
            ));
        };
        let key = Some(lis_format::mac_text(&mac));
        if web || !capable {
            return Ok((kind, None, key, skip_reason(web, "Wi-Fi")));
        }
        let [a, b, c, d, e, last] = mac;
        let head = [a, b, c, d, e];
        let found = [
            self.wap_exact.get(&mac).map(|i| (*i, "exact BSSID")),
            self.wap_nibble
                .get(&(head, last >> 4))
                .map(|i| (*i, "BSSID wildcard over the last character")),
            self.wap_octet
                .get(&head)
                .map(|i| (*i, "BSSID wildcard over the last octet")),
        ]
        .into_iter()
        .flatten()
        .next();
        Ok(
            match found.and_then(|(i, how)| Some((i, how, self.waps.get(i)?))) {
                Some((i, how, w)) => (
                    kind,
                    Some(Hit {
                        location_id: w.location_id.clone(),
                        entry: format!("lis.waps[{i}]"),
                        key: w.bssid.clone(),
                    }),
                    key,
                    format!("{how} `{}` is at location `{}`", w.bssid, w.location_id),
                ),
                None => (
                    kind,
                    None,
                    key,
                    "no access point in the LIS has this BSSID, exactly or by wildcard".into(),
                ),
            },
        )
    }

    fn lldp_steps(
        &self,
        ctx: &NetworkContext,
        capable: bool,
        web: bool,
    ) -> (StepResult, StepResult) {
        let Some(chassis) = &ctx.chassis_id else {
            let none = "not provided: the client reported no LLDP chassis ID".to_string();
            return (
                (ResolutionStep::SwitchPort, None, None, none.clone()),
                (ResolutionStep::Switch, None, None, none),
            );
        };
        let ck = lis_format::lldp_key(chassis);
        let port_key = ctx.port_id.as_deref().map(lis_format::lldp_key);
        if web || !capable {
            let why = skip_reason(web, "LLDP");
            return (
                (
                    ResolutionStep::SwitchPort,
                    None,
                    port_key.map(|p| format!("{ck} / {p}")),
                    why.clone(),
                ),
                (ResolutionStep::Switch, None, Some(ck), why),
            );
        }
        let port = match &port_key {
            None => (
                ResolutionStep::SwitchPort,
                None,
                None,
                "not provided: the client reported no LLDP port ID".to_string(),
            ),
            Some(p) => {
                let key = Some(format!("{ck} / {p}"));
                match self
                    .port_index
                    .get(&(ck.clone(), p.clone()))
                    .and_then(|i| Some((*i, self.ports.get(*i)?)))
                {
                    Some((i, e)) => (
                        ResolutionStep::SwitchPort,
                        Some(Hit {
                            location_id: e.location_id.clone(),
                            entry: format!("lis.ports[{i}]"),
                            key: format!("{} / {}", e.chassis_id, e.port_id),
                        }),
                        key,
                        format!(
                            "port `{}` of switch `{}` is at location `{}`",
                            e.port_id, e.chassis_id, e.location_id
                        ),
                    ),
                    None => (
                        ResolutionStep::SwitchPort,
                        None,
                        key,
                        "no port in the LIS has this chassis and port ID".to_string(),
                    ),
                }
            }
        };
        let switch = match self
            .switch_index
            .get(&ck)
            .and_then(|i| Some((*i, self.switches.get(*i)?)))
        {
            Some((i, e)) => (
                ResolutionStep::Switch,
                Some(Hit {
                    location_id: e.location_id.clone(),
                    entry: format!("lis.switches[{i}]"),
                    key: e.chassis_id.clone(),
                }),
                Some(ck),
                format!(
                    "switch `{}` is at location `{}`",
                    e.chassis_id, e.location_id
                ),
            ),
            None => (
                ResolutionStep::Switch,
                None,
                Some(ck),
                "no switch in the LIS has this chassis ID".to_string(),
            ),
        };
        (port, switch)
    }

    fn subnet_step(
        &self,
        ctx: &NetworkContext,
        web: bool,
        f: &mut Findings,
        trace: &mut Vec<TraceStep>,
    ) -> Result<StepResult, InputError> {
        let kind = ResolutionStep::Subnet;
        let Some(raw) = &ctx.internal_ip else {
            return Ok((
                kind,
                None,
                None,
                "not provided: the client reported no internal IP".into(),
            ));
        };
        let Some((ip, len)) = lis_format::ip_with_len(raw) else {
            return Err(input(
                "internal_ip",
                format!("`{raw}` is not an IPv4 or IPv6 address"),
            ));
        };
        let default_len = if ip.is_ipv4() { 24 } else { 64 };
        let len = len.or(ctx.prefix_length).unwrap_or(default_len);
        let Some(net) = lis_format::network(ip, len) else {
            return Err(input(
                "prefix_length",
                format!(
                    "prefix length {len} is longer than {} bits",
                    lis_format::max_len(ip)
                ),
            ));
        };
        let netid = net.network();
        let key = Some(format!("{netid} (client {ip}/{len})"));

        // A LIS subnet written as a host address of the client's range (M3).
        if netid != ip
            && let Some(i) = self.subnet_exact.get(&ip)
        {
            f.raise(
                &c::EMG_SUBNET_NETID,
                format!("lis.subnets[{i}].subnet"),
                format!("LIS subnet must be the network ID (expected {netid}): `{ip}` is a host address of the client range {ip}/{len}"),
            );
        }
        let hit = self.subnet_lookup(ip, netid);

        // Trusted-IP gate (EMG-NO-TRUSTED-IP): subnet lookups only for trusted external IPs.
        let trusted = match &ctx.external_ip {
            None => None,
            Some(e) => {
                let Some((ext, _)) = lis_format::ip_with_len(e) else {
                    return Err(input(
                        "external_ip",
                        format!("`{e}` is not an IPv4 or IPv6 address"),
                    ));
                };
                Some((ext, self.trusted.lookup(ext)))
            }
        };
        let (ok, why) = match trusted {
            None => (false, "the client reported no external IP".to_string()),
            Some((ext, None)) => (false, format!("external IP {ext} is not a trusted IP")),
            Some((ext, Some((range, i)))) => {
                trace.push(step(
                    ResolutionStep::TrustedIp,
                    Some(ext.to_string()),
                    StepOutcome::Matched,
                    None,
                    format!("external IP {ext} is inside trusted IP {range} (trusted_ips[{i}])"),
                ));
                (true, String::new())
            }
        };
        if !ok {
            trace.push(step(
                ResolutionStep::TrustedIp,
                trusted.map(|(e, _)| e.to_string()),
                StepOutcome::NoMatch,
                None,
                format!("{why}: subnet lookups are skipped; BSSID and LLDP lookups still happen"),
            ));
            let expected = hit.is_some() || self.site_subnets.lookup(ip).is_some();
            if expected && !web {
                f.raise(
                    &c::EMG_NO_TRUSTED_IP,
                    "context.external_ip",
                    format!("Subnet lookup skipped: {why}, so the subnet {netid}/{len} gives no dynamic location (BSSID/LLDP still evaluated)"),
                );
            }
            return Ok((kind, None, key, format!("skipped: {why}")));
        }
        if web {
            return Ok((kind, None, key, skip_reason(web, "subnet")));
        }
        Ok(match hit {
            Some(h) => {
                let reason = format!("subnet `{}` is at location `{}`", h.key, h.location_id);
                (kind, Some(h), key, reason)
            }
            None => (
                kind,
                None,
                key,
                format!("no LIS subnet is the network ID {netid} or contains {ip}"),
            ),
        })
    }

    /// The LIS subnet for a client: its network ID exactly, else the most
    /// specific range (entries with a prefix length) that holds its address.
    fn subnet_lookup(&self, ip: IpAddr, netid: IpAddr) -> Option<Hit> {
        let by_id = self
            .subnet_exact
            .get(&netid)
            .and_then(|i| Some((*i, self.subnets.get(*i)?)));
        let by_range = self
            .subnet_ranges
            .lookup(ip)
            .and_then(|(_, i)| Some((i, self.subnets.get(i)?)));
        by_id.or(by_range).map(|(i, s)| Hit {
            location_id: s.location_id.clone(),
            entry: format!("lis.subnets[{i}]"),
            key: s.subnet.clone(),
        })
    }

    /// Routing of a dynamic location by country and connectivity ([DISP], [DYN]).
    fn dynamic_routing(
        &self,
        cc: &str,
        connectivity: Option<NumberType>,
        f: &mut Findings,
    ) -> RoutingMethod {
        let dr = connectivity == Some(NumberType::DirectRouting);
        let supported = if dr {
            cc == "US"
        } else {
            cc == "US" || cc == "CA"
        };
        if !supported {
            f.raise(
                &c::EMG_DYNAMIC_COUNTRY,
                "context",
                format!(
                    "Dynamic routing not supported in {}{}; registered address / carrier screening applies",
                    if cc.is_empty() { "this location's country" } else { cc },
                    if dr { " for Direct Routing (US only, through an ERSP)" } else { "" }
                ),
            );
            return RoutingMethod::Screened;
        }
        if cc == "CA" {
            // Canada: every call is screened nationally first.
            RoutingMethod::Screened
        } else {
            RoutingMethod::DirectToPsap
        }
    }
}

fn skip_reason(web: bool, what: &str) -> String {
    if web {
        "skipped: the web client does not support dynamic emergency calling".into()
    } else {
        format!("skipped: this client type does not report {what} locations")
    }
}

fn step_name(s: Option<ResolutionStep>) -> &'static str {
    match s {
        Some(ResolutionStep::Wap) => "the access point",
        Some(ResolutionStep::SwitchPort) => "the switch port",
        Some(ResolutionStep::Switch) => "the switch",
        Some(ResolutionStep::Subnet) => "the subnet",
        _ => "an earlier step",
    }
}
