//! Meeting dial-out routing (§3.3's algorithm): normalize, apply the dial-out
//! policy, take the organizer's audio-conferencing routing policy, search its
//! usages in order and each usage's routes by ascending priority, and route
//! through the first match: an operator (BridgeSourcePhoneNumber), SBCs, or,
//! with no match, Microsoft or nobody. Every step is traced; the trace ends in
//! exactly one outcome step.

use super::dialout::{self, Conferencing};
use super::normalize;
use super::snapshot::ConferencingSnapshot;
use super::{key, number_key};
use crate::catalogue as c;
use crate::licences;
use crate::types::{
    BlockedRoute, BridgeNumberSource, DialOut, GatewayRoute, InputError, MicrosoftRoute,
    OperatorProduct, OperatorRoute, RouteDecision, RouteOutcome, RouteStep, RouteStepResult,
    RouteTraceStep,
};
use crate::{Findings, phone};

/// A route step of the usage being searched, formatted once the usage's
/// outcome is known.
enum Pending {
    Step(RouteTraceStep),
    NoMatch(usize),
}

fn step(
    step: RouteStep,
    result: RouteStepResult,
    subject: Option<&str>,
    reason: impl Into<String>,
) -> RouteTraceStep {
    RouteTraceStep {
        step,
        outcome: result,
        subject: subject.map(str::to_string),
        reason: reason.into(),
    }
}

impl ConferencingSnapshot {
    /// Route one meeting dial-out.
    pub fn route(&self, d: &DialOut) -> Result<RouteDecision, InputError> {
        let (oi, o) = self.organizer(&d.organizer).ok_or_else(|| InputError {
            path: "organizer".into(),
            message: format!(
                "no organizer `{}` in the configuration; the routing policy is the organizer's, so add them to `organizers`",
                d.organizer
            ),
        })?;
        let opath = format!("organizers[{oi}]");
        let mut f = Findings::default();
        let mut trace = Vec::new();

        // 1. Normalize with the organizer's dial plan (else the tenant Global plan).
        let plan = o
            .dial_plan
            .as_deref()
            .map(key)
            .or_else(|| Some("global".to_string()))
            .and_then(|k| self.plans.get(&k).copied())
            .and_then(|i| {
                let p = self.cfg.dial_plans.as_ref()?.get(i)?;
                let rules = self.plan_rules.get(i)?;
                Some((p, rules.as_slice(), format!("dial_plans[{i}]")))
            });
        let n = normalize::run(plan, &o.usage_location, &d.dialed)?;
        for v in n.normalization.violations {
            f.push(v);
        }
        let normalized = n.normalization.normalized;
        let mut reason = n.reason;
        if !normalize::is_e164(&normalized) {
            reason.push_str("; the result is not E.164, so routes that expect '+' will not match (Teams may normalize it again with its service-country rules)");
        }
        trace.push(step(
            RouteStep::Normalize,
            if n.normalization.rule.is_some() {
                RouteStepResult::Matched
            } else {
                RouteStepResult::NoMatch
            },
            n.normalization.rule.as_deref(),
            reason,
        ));

        // 2. The destination's country, from the numbering plan.
        let region = if normalize::is_e164(&normalized) {
            phone::region_of(&normalized)
        } else {
            phone::Region::Unknown
        };
        if region == phone::Region::Pending {
            f.raise(
                &c::PLAN_PENDING,
                "dialed",
                phone::pending_message(&normalized, "the destination's country"),
            );
        }
        let pending = region == phone::Region::Pending;
        let country = region.known();
        trace.push(match &country {
            None if pending => step(
                RouteStep::Destination,
                RouteStepResult::NoMatch,
                None,
                format!("{normalized}: the numbering plan has not loaded in this build, so its country is not known yet"),
            ),
            Some(cc) => step(
                RouteStep::Destination,
                RouteStepResult::Matched,
                Some(cc),
                format!("{normalized} is a valid number in {cc}'s numbering plan"),
            ),
            None => step(
                RouteStep::Destination,
                RouteStepResult::NoMatch,
                None,
                format!("{normalized} is not a valid number in any numbering plan, so its country is unknown"),
            ),
        });
        let home = o.usage_location.trim().to_ascii_uppercase();

        let mut decision = RouteDecision {
            outcome: RouteOutcome::NotRoutable,
            dialed: n.normalization.dialed,
            normalized: normalized.clone(),
            destination_country: country.clone(),
            routing_policy: None,
            trace: Vec::new(),
            violations: Vec::new(),
        };

        // 3. The dial-out policy (conferencing component).
        let (policy_name, component) = o
            .dial_out_policy
            .as_deref()
            .and_then(dialout::parse)
            .unwrap_or(("DialoutCPCandPSTNInternational", Conferencing::Any));
        let granted = if o.dial_out_policy.is_some() {
            "granted"
        } else {
            "the global default"
        };
        let blocked = match component {
            Conferencing::Any => None,
            Conferencing::Disabled => Some("meeting dial-out is disabled".to_string()),
            Conferencing::Domestic => match &country {
                Some(cc) if *cc == home => None,
                Some(cc) => Some(format!(
                    "only {home} (the organizer's usage location) is allowed, and {cc} is not"
                )),
                None => Some(format!(
                    "only {home} is allowed, and the destination's country is unknown"
                )),
            },
            Conferencing::ZoneA => match &country {
                Some(cc) if dialout::in_zone_a(cc) => None,
                Some(cc) => Some(format!("only Zone A is allowed, and {cc} is not in Zone A")),
                None => Some(
                    "only Zone A is allowed, and the destination's country is unknown".to_string(),
                ),
            },
        };
        let tag = format!("tag:{policy_name}");
        match blocked {
            Some(why) => {
                trace.push(step(
                    RouteStep::DialOutPolicy,
                    RouteStepResult::Blocked,
                    Some(&tag),
                    format!("{tag} ({granted}): {why}"),
                ));
                f.raise(
                    &c::CONF_DIALOUT_RESTRICTED,
                    format!("{opath}.dial_out_policy"),
                    format!(
                        "Meeting dial-out to {} blocked by {tag}: {why}",
                        country.as_deref().unwrap_or("an unknown country")
                    ),
                );
                return Ok(self.finish(
                    decision,
                    RouteOutcome::Blocked(BlockedRoute {
                        policy: tag.clone(),
                        country,
                    }),
                    trace,
                    f,
                    format!("blocked by {tag}"),
                ));
            }
            None => trace.push(step(
                RouteStep::DialOutPolicy,
                RouteStepResult::Allowed,
                Some(&tag),
                format!(
                    "{tag} ({granted}) allows meeting dial-out to {}",
                    country.as_deref().unwrap_or("this destination")
                ),
            )),
        }

        // Licences decide what happens without a route.
        let standard = licences::has_audio_conferencing(&o.licenses);
        let ppm = licences::has_pay_per_minute(&o.licenses);
        let occ = o.occ_license == Some(true);
        if !standard && !ppm && !occ {
            f.raise(
                &c::CONF_LICENSE,
                format!("{opath}.licenses"),
                format!(
                    "Organizer {} needs Audio Conferencing Standard or an Operator Connect Conferencing licence to dial out from meetings",
                    o.identity
                ),
            );
            return Ok(self.finish(
                decision,
                RouteOutcome::NotRoutable,
                trace,
                f,
                "not routable: the organizer has no audio-conferencing licence".into(),
            ));
        }

        // 4. The organizer's audio-conferencing routing policy; its usages in
        //    order, each usage's patterns tested in one pass.
        let policy = self.policy_of(o);
        let mut chosen: Option<(usize, String)> = None;
        let mut backups = Vec::new();
        match &policy {
            None => trace.push(step(
                RouteStep::RoutingPolicy,
                RouteStepResult::NoMatch,
                None,
                "no audio-conferencing routing policy applies (no user or group grant, no Global policy): no route can match",
            )),
            Some((pi, how)) => {
                let p = self.cfg.audio_conferencing_routing_policies.get(*pi);
                let name = p.map(|p| p.identity.as_str()).unwrap_or("");
                decision.routing_policy = Some(name.to_string());
                trace.push(step(
                    RouteStep::RoutingPolicy,
                    RouteStepResult::Matched,
                    Some(name),
                    format!(
                        "{name} applies: {how}; its usages are searched in order [{}]",
                        p.map(|p| p.online_pstn_usages.join(", ")).unwrap_or_default()
                    ),
                ));
                for usage in p.map(|p| p.online_pstn_usages.as_slice()).unwrap_or_default() {
                    if let Some((_, first)) = &chosen {
                        trace.push(step(
                            RouteStep::Usage,
                            RouteStepResult::NotEvaluated,
                            Some(usage),
                            format!("not evaluated: usage {first} matched first (a match in one usage stops the search)"),
                        ));
                        continue;
                    }
                    self.search_usage(usage, &normalized, &mut trace, &mut f, &mut chosen, &mut backups);
                }
            }
        }

        // 5. Route through the winner, or fall back.
        let (outcome, summary) = match chosen {
            Some((ri, usage)) => self.through(ri, usage, backups, o, &opath, &mut f),
            None if standard || ppm => {
                let caller = self.cfg.bridge.default_service_number.clone();
                let international = country.as_ref().is_some_and(|cc| *cc != home);
                if international && self.cfg.communications_credits != Some(true) {
                    f.raise(
                        &c::CONF_COMMS_CREDITS,
                        "communications_credits",
                        format!(
                            "Communications Credits required: Microsoft routes this international dial-out ({home} → {})",
                            country.as_deref().unwrap_or("?")
                        ),
                    );
                }
                (
                    RouteOutcome::Microsoft(MicrosoftRoute {
                        caller_id: caller.clone(),
                    }),
                    format!(
                        "Microsoft routes it (no route matched; the organizer has Audio Conferencing), caller ID {}",
                        caller.as_deref().unwrap_or("(no bridge default)")
                    ),
                )
            }
            None => {
                f.raise(
                    &c::CONF_OCC_NO_ROUTE,
                    format!("{opath}.audio_conferencing_routing_policy"),
                    format!(
                        "Dial-out not routable: {} has an Operator Connect Conferencing licence only, which requires operator routing, and no route of {} matches {normalized}",
                        o.identity,
                        decision.routing_policy.as_deref().unwrap_or("any policy")
                    ),
                );
                (
                    RouteOutcome::NotRoutable,
                    "not routable: no route matched and an OCC licence alone does not let Microsoft route it".into(),
                )
            }
        };
        Ok(self.finish(decision, outcome, trace, f, summary))
    }

    /// Search one usage: its routes by ascending priority; the first that
    /// matches is chosen, later matches are backups.
    fn search_usage(
        &self,
        usage: &str,
        number: &str,
        trace: &mut Vec<RouteTraceStep>,
        f: &mut Findings,
        chosen: &mut Option<(usize, String)>,
        backups: &mut Vec<String>,
    ) {
        let k = key(usage);
        if !self.usages.contains_key(&k) {
            trace.push(step(
                RouteStep::Usage,
                RouteStepResult::Skipped,
                Some(usage),
                format!("usage {usage} is not a global PSTN usage (CONF-USAGE-EXISTS): skipped"),
            ));
            return;
        }
        let routes = self.by_usage.get(&k).map(Vec::as_slice).unwrap_or_default();
        let hits = self.usage_hits(&k, number);
        let mut steps = Vec::new();
        for (pos, &ri) in routes.iter().enumerate() {
            let Some(r) = self.cfg.voice_routes.get(ri) else {
                continue;
            };
            let pattern = r
                .number_pattern
                .as_deref()
                .unwrap_or(super::snapshot::DEFAULT_PATTERN);
            let has_gw = r
                .online_pstn_gateways
                .as_ref()
                .is_some_and(|g| !g.is_empty());
            let has_bspn = r.bridge_source_phone_number.is_some();
            let skip = match self.patterns.get(ri) {
                Some(Err(why)) => {
                    f.raise(
                        &c::CONF_REGEX_INVALID,
                        format!("voice_routes[{ri}].number_pattern"),
                        format!("Invalid NumberPattern regex in route {}: {why}", r.identity),
                    );
                    Some(format!("skipped: its pattern `{pattern}` is refused (CONF-REGEX-INVALID)"))
                }
                _ if has_gw && has_bspn => Some("skipped: it has both BridgeSourcePhoneNumber and gateways, which Teams refuses (CONF-BSPN-EXCLUSIVE)".into()),
                _ if !has_gw && !has_bspn => Some("skipped: it has neither gateways nor a BridgeSourcePhoneNumber (CONF-ROUTE-EMPTY)".into()),
                _ => None,
            };
            if let Some(why) = skip {
                steps.push(Pending::Step(step(
                    RouteStep::Route,
                    RouteStepResult::Skipped,
                    Some(&r.identity),
                    format!("priority {}: {why}", r.priority),
                )));
                continue;
            }
            let matched = hits.get(pos).copied().unwrap_or(false);
            if !matched {
                // Formatted only if this usage wins (a large usage that does
                // not match is summed up in one step).
                steps.push(Pending::NoMatch(ri));
            } else if chosen.is_none() {
                *chosen = Some((ri, usage.to_string()));
                steps.push(Pending::Step(step(RouteStep::Route, RouteStepResult::Chosen, Some(&r.identity), format!("priority {}: `{pattern}` matches {number}; the lowest priority that matches is tried first", r.priority))));
            } else {
                backups.push(r.identity.clone());
                steps.push(Pending::Step(step(RouteStep::Route, RouteStepResult::Backup, Some(&r.identity), format!("priority {}: `{pattern}` matches too; tried only if the routes before it fail", r.priority))));
            }
        }
        // Searched only while nothing matched, so a choice now is this usage's.
        let won = chosen.is_some();
        let steps: Vec<RouteTraceStep> = steps
            .into_iter()
            .filter_map(|p| match p {
                Pending::Step(s) => Some(s),
                Pending::NoMatch(ri) if won => self.cfg.voice_routes.get(ri).map(|r| {
                    let pattern = r
                        .number_pattern
                        .as_deref()
                        .unwrap_or(super::snapshot::DEFAULT_PATTERN);
                    step(
                        RouteStep::Route,
                        RouteStepResult::NoMatch,
                        Some(&r.identity),
                        format!(
                            "priority {}: `{pattern}` does not match {number}",
                            r.priority
                        ),
                    )
                }),
                Pending::NoMatch(_) => None,
            })
            .collect();
        let usage_step = match chosen {
            Some(_) => step(
                RouteStep::Usage,
                RouteStepResult::Matched,
                Some(usage),
                format!("usage {usage}: {} route(s), a match found", routes.len()),
            ),
            None if routes.is_empty() => step(
                RouteStep::Usage,
                RouteStepResult::NoMatch,
                Some(usage),
                format!("usage {usage}: no voice route serves it"),
            ),
            None => step(
                RouteStep::Usage,
                RouteStepResult::NoMatch,
                Some(usage),
                format!(
                    "usage {usage}: none of its {} route(s) matches {number}",
                    routes.len()
                ),
            ),
        };
        trace.push(usage_step);
        trace.extend(steps);
    }

    /// The outcome of the chosen route.
    fn through(
        &self,
        ri: usize,
        usage: String,
        backups: Vec<String>,
        o: &crate::types::Organizer,
        opath: &str,
        f: &mut Findings,
    ) -> (RouteOutcome, String) {
        let Some(r) = self.cfg.voice_routes.get(ri) else {
            return (
                RouteOutcome::NotRoutable,
                "internal: route index out of range".into(),
            );
        };
        let rpath = format!("voice_routes[{ri}]");
        if let Some(bspn) = &r.bridge_source_phone_number {
            let on_bridge = self.bridge_number(bspn);
            let operator_id = match on_bridge {
                Some((_, n))
                    if n.source == BridgeNumberSource::OperatorConnect
                        && bspn.trim().starts_with('+') =>
                {
                    n.operator_id.clone()
                }
                Some((_, n)) if n.source != BridgeNumberSource::OperatorConnect => {
                    f.raise(&c::CONF_BSPN_NOT_OCC, format!("{rpath}.bridge_source_phone_number"), format!("BridgeSourcePhoneNumber {bspn} of route {} is a Microsoft number, not an OC Conferencing number", r.identity));
                    None
                }
                Some((_, n)) => {
                    f.raise(
                        &c::CONF_BSPN_NOT_OCC,
                        format!("{rpath}.bridge_source_phone_number"),
                        format!(
                            "BridgeSourcePhoneNumber `{bspn}` of route {} is not E.164 (write +{})",
                            r.identity,
                            number_key(bspn)
                        ),
                    );
                    n.operator_id.clone()
                }
                None => {
                    f.raise(
                        &c::CONF_BSPN_NOT_OCC,
                        format!("{rpath}.bridge_source_phone_number"),
                        format!(
                            "BridgeSourcePhoneNumber {bspn} of route {} is not on the bridge",
                            r.identity
                        ),
                    );
                    None
                }
            };
            if let Some(op) = &operator_id {
                self.operator_product(op, &format!("{rpath}.bridge_source_phone_number"), f);
            }
            let caller = format!("+{}", number_key(bspn));
            let summary = format!(
                "through operator {} (route {}, usage {usage}), caller ID {caller}",
                operator_id
                    .as_deref()
                    .unwrap_or("(unknown: the number is not an OC number on the bridge)"),
                r.identity
            );
            return (
                RouteOutcome::Operator(OperatorRoute {
                    operator_id,
                    caller_id: caller,
                    route: r.identity.clone(),
                    usage,
                }),
                summary,
            );
        }
        // On-network conferencing: Direct Routing SBCs.
        let gateways = r.online_pstn_gateways.clone().unwrap_or_default();
        if licences::has_pay_per_minute(&o.licenses)
            && !licences::has_audio_conferencing(&o.licenses)
        {
            f.raise(&c::CONF_ONNET_PPM, format!("{opath}.licenses"), format!("On-network conferencing (route {} through SBCs) is not available with pay-per-minute Audio Conferencing ({})", r.identity, o.identity));
        }
        for (gi, g) in gateways.iter().enumerate() {
            let country = self
                .gateways
                .get(&g.trim().to_lowercase())
                .and_then(|&i| self.cfg.gateways.as_ref()?.get(i))
                .and_then(|g| g.country.clone());
            if country
                .as_deref()
                .is_some_and(|c| c.trim().eq_ignore_ascii_case("IN"))
            {
                f.raise(&c::CONF_ONNET_INDIA, format!("{rpath}.online_pstn_gateways[{gi}]"), format!("On-network Conferencing must not be deployed with telephony equipment in India: SBC {g} of route {}", r.identity));
            }
        }
        let summary = format!(
            "through SBCs {} in random order (route {}, usage {usage}){}",
            gateways.join(", "),
            r.identity,
            if backups.is_empty() {
                String::new()
            } else {
                format!("; backups: {}", backups.join(", "))
            }
        );
        (
            RouteOutcome::Gateways(GatewayRoute {
                route: r.identity.clone(),
                usage,
                gateways,
                backups,
            }),
            summary,
        )
    }

    /// CONF-OPERATOR-PRODUCT for one operator, when the tenant's operators are known.
    pub(crate) fn operator_product(&self, op: &str, path: &str, f: &mut Findings) {
        let Some(list) = &self.cfg.operators else {
            return;
        };
        let found = self.operators.get(&key(op)).and_then(|&i| list.get(i));
        match found {
            Some(o) if o.products.contains(&OperatorProduct::Conferencing) => {}
            Some(o) => f.raise(&c::CONF_OPERATOR_PRODUCT, path, format!("Operator {} ({}) is not enabled for Conferencing", o.operator_id, o.name)),
            None => f.raise(&c::CONF_OPERATOR_PRODUCT, path, format!("Operator {op} is not among the tenant's operators, so it is not enabled for Conferencing")),
        }
    }

    fn finish(
        &self,
        mut d: RouteDecision,
        outcome: RouteOutcome,
        mut trace: Vec<RouteTraceStep>,
        f: Findings,
        summary: String,
    ) -> RouteDecision {
        trace.push(step(
            RouteStep::Outcome,
            RouteStepResult::Chosen,
            None,
            summary,
        ));
        d.outcome = outcome;
        d.trace = trace;
        d.violations = f.finish().violations;
        d
    }
}
