//! Analysis of a whole configuration: what no admin tool shows. Usages
//! shadowed by an earlier catch-all, routes that can only ever be a backup,
//! BridgeSourcePhoneNumber misuse, usages that do not exist, invalid
//! patterns, dial-plan limits, dial-out policy grants, on-network
//! conferencing, and the bridge rules. Each finding names the objects
//! involved (in its path and message) and how to fix them.

use std::collections::HashSet;
use std::sync::OnceLock;

use super::bridge::{self, BridgeView};
use super::key;
use super::snapshot::{ConferencingSnapshot, DEFAULT_PATTERN};
use crate::catalogue as c;
use crate::types::{AccountKind, BridgeNumberSource, Decision};
use crate::{Findings, licences};

/// Numbers a catch-all pattern must match: every country code's range of
/// lengths, NANP area codes of several countries, with '+'.
fn probes() -> &'static [String] {
    static PROBES: OnceLock<Vec<String>> = OnceLock::new();
    PROBES.get_or_init(|| {
        const CODES: &[&str] = &[
            "1", "7", "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44",
            "45", "46", "47", "48", "49", "52", "55", "61", "64", "65", "81", "82", "86", "90",
            "91", "212", "351", "353", "358", "852", "880", "966", "971", "972", "998",
        ];
        const FILL: &str = "2345678901234567";
        let mut out = Vec::new();
        for cc in CODES {
            for len in 8..=15usize {
                if let Some(rest) = FILL.get(..len.saturating_sub(cc.len())) {
                    out.push(format!("+{cc}{rest}"));
                }
            }
        }
        for area in [
            "201", "206", "212", "324", "416", "425", "514", "604", "787", "800", "900",
        ] {
            out.push(format!("+1{area}5550100"));
        }
        out
    })
}

/// Does the pattern (compiled) match every probe?
fn catch_all(re: &crate::netregex::Regex) -> bool {
    probes().iter().all(|p| re.is_match(p))
}

impl ConferencingSnapshot {
    /// Analyse the configuration.
    pub fn lint(&self) -> Decision {
        let mut f = Findings::default();
        let cfg = &self.cfg;
        bridge::check(
            &mut f,
            &BridgeView {
                bridge: &cfg.bridge,
                org_country: &cfg.org_country,
                credits: cfg.communications_credits,
                operators: cfg.operators.as_deref(),
                organizers: &cfg.organizers,
            },
            "bridge",
            "organizers",
        );
        self.lint_routes(&mut f);
        self.lint_policies(&mut f);
        self.lint_dial_plans(&mut f);
        self.lint_organizers(&mut f);
        f.finish()
    }

    fn lint_routes(&self, f: &mut Findings) {
        let cfg = &self.cfg;
        // Usages used by BridgeSourcePhoneNumber routes, and by others.
        let mut bspn_usages: Vec<(String, String, usize)> = Vec::new();
        let mut other_usages: HashSet<String> = HashSet::new();
        for (i, r) in cfg.voice_routes.iter().enumerate() {
            let path = format!("voice_routes[{i}]");
            let has_gw = r
                .online_pstn_gateways
                .as_ref()
                .is_some_and(|g| !g.is_empty());
            if let Err(why) = self.patterns.get(i).unwrap_or(&Err(String::new())) {
                f.raise_fix(
                    &c::CONF_REGEX_INVALID,
                    format!("{path}.number_pattern"),
                    format!(
                        "Invalid NumberPattern regex in route {}: `{}` {why}",
                        r.identity,
                        r.number_pattern.as_deref().unwrap_or(DEFAULT_PATTERN)
                    ),
                    format!("rewrite route {}'s NumberPattern without that construct (Set-CsOnlineVoiceRoute -Identity \"{}\" -NumberPattern ...)", r.identity, r.identity),
                );
            }
            for (u, usage) in r.online_pstn_usages.iter().enumerate() {
                if !self.usages.contains_key(&key(usage)) {
                    f.raise_fix(
                        &c::CONF_USAGE_EXISTS,
                        format!("{path}.online_pstn_usages[{u}]"),
                        format!("PSTN usage must exist: route {} names usage `{usage}`, which is not a global PSTN usage", r.identity),
                        format!("Set-CsOnlinePstnUsage -Identity Global -Usage @{{Add=\"{usage}\"}}, or fix the name in route {}", r.identity),
                    );
                }
            }
            if r.online_pstn_usages.is_empty()
                || (!has_gw && r.bridge_source_phone_number.is_none())
            {
                let what = if r.online_pstn_usages.is_empty() {
                    "no PSTN usages, so no policy reaches it"
                } else {
                    "neither gateways nor a BridgeSourcePhoneNumber, so it has nowhere to send a call"
                };
                f.raise(
                    &c::CONF_ROUTE_EMPTY,
                    path.clone(),
                    format!("Route {} will never be used: it has {what}", r.identity),
                );
            }
            match &r.bridge_source_phone_number {
                Some(bspn) => {
                    if has_gw {
                        f.raise_fix(
                            &c::CONF_BSPN_EXCLUSIVE,
                            format!("{path}.online_pstn_gateways"),
                            format!("BridgeSourcePhoneNumber is mutually exclusive with OnlinePstnGatewayList: route {} has {bspn} and gateways {}", r.identity, r.online_pstn_gateways.as_deref().unwrap_or_default().join(", ")),
                            format!("remove the gateways from route {} (its operator routes the call), or move them to a route of their own", r.identity),
                        );
                    }
                    let e164 = bspn.trim().starts_with('+')
                        && crate::phone::shape(bspn.trim()).is_ok_and(|s| s.ext.is_none());
                    match self.bridge_number(bspn) {
                        _ if !e164 => f.raise(&c::CONF_BSPN_NOT_OCC, format!("{path}.bridge_source_phone_number"), format!("BridgeSourcePhoneNumber must be an E.164 OCC number on the bridge: `{bspn}` of route {} is not E.164", r.identity)),
                        None => f.raise(&c::CONF_BSPN_NOT_OCC, format!("{path}.bridge_source_phone_number"), format!("BridgeSourcePhoneNumber must be an E.164 OCC number on the bridge: {bspn} of route {} is not on the bridge", r.identity)),
                        Some((_, n)) if n.source != BridgeNumberSource::OperatorConnect => f.raise(&c::CONF_BSPN_NOT_OCC, format!("{path}.bridge_source_phone_number"), format!("BridgeSourcePhoneNumber must be an E.164 OCC number on the bridge: {bspn} of route {} is a Microsoft number", r.identity)),
                        Some((_, n)) => {
                            if let Some(op) = &n.operator_id {
                                self.operator_product(op, &format!("{path}.bridge_source_phone_number"), f);
                            }
                        }
                    }
                    for usage in &r.online_pstn_usages {
                        bspn_usages.push((key(usage), usage.clone(), i));
                    }
                }
                None => {
                    for usage in &r.online_pstn_usages {
                        other_usages.insert(key(usage));
                    }
                }
            }
        }
        // CONF-USAGE-SHARED: once per (usage, BSPN route).
        let ovrp_usages: Vec<(usize, &str, String)> = cfg
            .voice_routing_policies
            .iter()
            .flatten()
            .enumerate()
            .flat_map(|(p, pol)| {
                pol.online_pstn_usages
                    .iter()
                    .map(move |u| (p, pol.identity.as_str(), key(u)))
            })
            .collect();
        for (k, usage, ri) in bspn_usages {
            let Some(r) = cfg.voice_routes.get(ri) else {
                continue;
            };
            let mut others = Vec::new();
            if other_usages.contains(&k) {
                let names: Vec<&str> = cfg
                    .voice_routes
                    .iter()
                    .filter(|x| {
                        x.bridge_source_phone_number.is_none()
                            && x.online_pstn_usages.iter().any(|u| key(u) == k)
                    })
                    .map(|x| x.identity.as_str())
                    .collect();
                others.push(format!(
                    "route(s) without BridgeSourcePhoneNumber: {}",
                    names.join(", ")
                ));
            }
            let pols: Vec<&str> = ovrp_usages
                .iter()
                .filter(|(_, _, u)| *u == k)
                .map(|(_, n, _)| *n)
                .collect();
            if !pols.is_empty() {
                others.push(format!(
                    "online voice routing policy(ies): {}",
                    pols.join(", ")
                ));
            }
            if !others.is_empty() {
                f.raise_fix(
                    &c::CONF_USAGE_SHARED,
                    format!("voice_routes[{ri}].online_pstn_usages"),
                    format!("Usages of BridgeSourcePhoneNumber routes must be used only in audio-conferencing routing policies: usage {usage} of route {} is also used by {}", r.identity, others.join("; ")),
                    format!("create a usage only for route {} (and its audio-conferencing routing policy), and keep {usage} for the others", r.identity),
                );
            }
        }
        // CONF-ROUTE-BACKUP-ONLY: within a usage, a later route whose every
        // matching probe an earlier route also matches.
        let mut seen = HashSet::new();
        // In a fixed order (usage names), so findings never depend on hashing.
        let mut usages: Vec<(&String, &Vec<usize>)> = self.by_usage.iter().collect();
        usages.sort();
        for (usage, list) in usages {
            for (pos, &ri) in list.iter().enumerate() {
                let Some(Ok(re)) = self.patterns.get(ri) else {
                    continue;
                };
                let own = crate::netregex::samples(re);
                let hits: Vec<&String> = probes()
                    .iter()
                    .filter(|p| re.is_match(p))
                    .chain(own.iter())
                    .collect();
                if hits.is_empty() {
                    continue;
                }
                let earlier = list.iter().take(pos).find(|&&e| {
                    matches!(self.patterns.get(e), Some(Ok(er)) if hits.iter().all(|p| er.is_match(p)))
                });
                if let (Some(&e), Some(r)) = (earlier, cfg.voice_routes.get(ri))
                    && let Some(er) = cfg.voice_routes.get(e)
                    && seen.insert((ri, e))
                {
                    let uname = r
                        .online_pstn_usages
                        .iter()
                        .find(|u| key(u) == *usage)
                        .cloned()
                        .unwrap_or_else(|| usage.clone());
                    f.raise(
                        &c::CONF_ROUTE_BACKUP_ONLY,
                        format!("voice_routes[{ri}].priority"),
                        format!(
                            "Route {} (priority {}) is never the first choice in usage {uname}: route {} (priority {}) matches every number it matches; it carries calls only when {}'s SBCs all fail",
                            r.identity, r.priority, er.identity, er.priority, er.identity
                        ),
                    );
                }
            }
        }
    }

    fn lint_policies(&self, f: &mut Findings) {
        let cfg = &self.cfg;
        for (p, pol) in cfg.audio_conferencing_routing_policies.iter().enumerate() {
            let mut catch: Option<(String, String)> = None;
            for (u, usage) in pol.online_pstn_usages.iter().enumerate() {
                let path =
                    format!("audio_conferencing_routing_policies[{p}].online_pstn_usages[{u}]");
                if !self.usages.contains_key(&key(usage)) {
                    f.raise_fix(
                        &c::CONF_USAGE_EXISTS,
                        path.clone(),
                        format!("PSTN usage must exist: audio-conferencing routing policy {} names `{usage}`, which is not a global PSTN usage", pol.identity),
                        format!("add the usage globally or remove it from policy {}", pol.identity),
                    );
                }
                if let Some((cu, cr)) = &catch {
                    f.raise_fix(
                        &c::CONF_SHADOWED_ROUTE,
                        path,
                        format!("Later usages never evaluated: in policy {}, usage {usage} comes after usage {cu}, whose route {cr} matches every number", pol.identity),
                        format!("move usage {cu} to the end of policy {}'s usages, or narrow route {cr}'s pattern", pol.identity),
                    );
                    continue;
                }
                let routes = self
                    .by_usage
                    .get(&key(usage))
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                for &ri in routes {
                    let Some(r) = cfg.voice_routes.get(ri) else {
                        continue;
                    };
                    let usable = r.bridge_source_phone_number.is_some()
                        || r.online_pstn_gateways
                            .as_ref()
                            .is_some_and(|g| !g.is_empty());
                    if usable && matches!(self.patterns.get(ri), Some(Ok(re)) if catch_all(re)) {
                        catch = Some((usage.clone(), r.identity.clone()));
                        break;
                    }
                }
            }
        }
        for (e, ecrp) in cfg
            .emergency_call_routing_policies
            .iter()
            .flatten()
            .enumerate()
        {
            for (n, num) in ecrp.emergency_numbers.iter().enumerate() {
                if let Some(usage) = &num.online_pstn_usage
                    && !usage.trim().is_empty()
                    && !self.usages.contains_key(&key(usage))
                {
                    f.raise(
                        &c::CONF_USAGE_EXISTS,
                        format!("emergency_call_routing_policies[{e}].emergency_numbers[{n}].online_pstn_usage"),
                        format!("PSTN usage must exist: emergency call routing policy {} names `{usage}`", ecrp.identity),
                    );
                }
            }
        }
    }

    fn lint_dial_plans(&self, f: &mut Findings) {
        let plans = self.cfg.dial_plans.as_deref().unwrap_or_default();
        if plans.len() > 1_000 {
            f.raise(
                &c::CONF_DIALPLAN_LIMITS,
                "dial_plans",
                format!(
                    "Dial plan limit exceeded: {} tenant dial plans (at most 1,000)",
                    plans.len()
                ),
            );
        }
        for (p, plan) in plans.iter().enumerate() {
            let path = format!("dial_plans[{p}]");
            let id = plan.identity.as_str();
            let bad_char = id
                .chars()
                .find(|c| !(c.is_ascii_alphanumeric() || *c == '-' || *c == '.'));
            if id.chars().count() > 49 || id.starts_with('.') || id.is_empty() || bad_char.is_some()
            {
                let why = if id.is_empty() {
                    "it is empty".to_string()
                } else if id.chars().count() > 49 {
                    format!("it is {} characters long (at most 49)", id.chars().count())
                } else if id.starts_with('.') {
                    "it starts with '.'".to_string()
                } else {
                    format!(
                        "it contains `{}` (letters, digits, '-' and '.' only)",
                        bad_char.map(String::from).unwrap_or_default()
                    )
                };
                f.raise(
                    &c::CONF_DIALPLAN_LIMITS,
                    format!("{path}.identity"),
                    format!("Invalid dial plan identity `{id}`: {why}"),
                );
            }
            if let Some(sn) = &plan.simple_name
                && (sn.chars().count() > 49
                    || sn
                        .chars()
                        .any(|c| !(c.is_ascii_alphanumeric() || "-.()".contains(c))))
            {
                f.raise(&c::CONF_DIALPLAN_LIMITS, format!("{path}.simple_name"), format!("Invalid SimpleName `{sn}`: at most 49 letters, digits, '-', '.', '(' and ')'"));
            }
            if let Some(d) = &plan.description
                && d.chars().count() > 1_040
            {
                f.raise(
                    &c::CONF_DIALPLAN_LIMITS,
                    format!("{path}.description"),
                    format!(
                        "Dial plan description is {} characters (at most 1,040)",
                        d.chars().count()
                    ),
                );
            }
            if plan.normalization_rules.len() > 50 {
                f.raise(
                    &c::CONF_DIALPLAN_LIMITS,
                    format!("{path}.normalization_rules"),
                    format!(
                        "Dial plan limit exceeded: {} has {} normalization rules (at most 50)",
                        id,
                        plan.normalization_rules.len()
                    ),
                );
            }
            for (r, rule) in plan.normalization_rules.iter().enumerate() {
                if let Some(d) = &rule.description
                    && d.chars().count() > 512
                {
                    f.raise(
                        &c::CONF_DIALPLAN_LIMITS,
                        format!("{path}.normalization_rules[{r}].description"),
                        format!(
                            "Rule description is {} characters (at most 512)",
                            d.chars().count()
                        ),
                    );
                }
                if let Some(Some(Err(why))) = self.plan_rules.get(p).map(|rules| rules.get(r)) {
                    f.raise_fix(
                        &c::CONF_REGEX_INVALID,
                        format!("{path}.normalization_rules[{r}].pattern"),
                        format!(
                            "Invalid Pattern regex in rule {} of dial plan {id}: `{}` {why}",
                            rule.name, rule.pattern
                        ),
                        format!(
                            "rewrite rule {}'s Pattern without that construct",
                            rule.name
                        ),
                    );
                }
            }
        }
    }

    fn lint_organizers(&self, f: &mut Findings) {
        for (i, o) in self.cfg.organizers.iter().enumerate() {
            let path = format!("organizers[{i}]");
            if o.kind == Some(AccountKind::ResourceAccount) && o.dial_out_policy.is_some() {
                f.raise(
                    &c::CONF_DIALOUT_RA,
                    format!("{path}.dial_out_policy"),
                    format!(
                        "Dialout policy can't be assigned to resource accounts: {} is one",
                        o.identity
                    ),
                );
            }
            let standard = licences::has_audio_conferencing(&o.licenses);
            let ppm = licences::has_pay_per_minute(&o.licenses);
            let Some((pi, _)) = self.policy_of(o) else {
                if o.occ_license == Some(true) && !standard && !ppm {
                    f.raise(&c::CONF_OCC_NO_ROUTE, format!("{path}.audio_conferencing_routing_policy"), format!("Dial-out not routable: {} has an OCC licence only and no audio-conferencing routing policy, so no dial-out can be routed", o.identity));
                }
                continue;
            };
            let Some(pol) = self.cfg.audio_conferencing_routing_policies.get(pi) else {
                continue;
            };
            let routes: Vec<usize> = pol
                .online_pstn_usages
                .iter()
                .flat_map(|u| self.by_usage.get(&key(u)).cloned().unwrap_or_default())
                .collect();
            let on_net: Vec<&str> = routes
                .iter()
                .filter_map(|&ri| self.cfg.voice_routes.get(ri))
                .filter(|r| {
                    r.bridge_source_phone_number.is_none()
                        && r.online_pstn_gateways
                            .as_ref()
                            .is_some_and(|g| !g.is_empty())
                })
                .map(|r| r.identity.as_str())
                .collect();
            if ppm && !standard && !on_net.is_empty() {
                f.raise(&c::CONF_ONNET_PPM, format!("{path}.licenses"), format!("On-network conferencing is not available with pay-per-minute Audio Conferencing: {} has policy {} with SBC route(s) {}", o.identity, pol.identity, on_net.join(", ")));
            }
            let has_bspn = routes
                .iter()
                .filter_map(|&ri| self.cfg.voice_routes.get(ri))
                .any(|r| r.bridge_source_phone_number.is_some());
            if o.occ_license == Some(true) && !standard && !ppm && !has_bspn {
                f.raise(&c::CONF_OCC_NO_ROUTE, format!("{path}.audio_conferencing_routing_policy"), format!("Dial-out not routable: {} has an OCC licence only, and policy {} has no BridgeSourcePhoneNumber route, so no dial-out can go through an operator", o.identity, pol.identity));
            }
        }
        // On-network conferencing with Indian SBCs, once per route.
        let mut flagged = HashSet::new();
        for pol in &self.cfg.audio_conferencing_routing_policies {
            for usage in &pol.online_pstn_usages {
                for &ri in self
                    .by_usage
                    .get(&key(usage))
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    let Some(r) = self.cfg.voice_routes.get(ri) else {
                        continue;
                    };
                    for (gi, g) in r.online_pstn_gateways.iter().flatten().enumerate() {
                        let india = self
                            .gateways
                            .get(&g.trim().to_lowercase())
                            .and_then(|&i| self.cfg.gateways.as_ref()?.get(i))
                            .and_then(|g| g.country.as_deref())
                            .is_some_and(|c| c.trim().eq_ignore_ascii_case("IN"));
                        if india && flagged.insert((ri, gi)) {
                            f.raise(&c::CONF_ONNET_INDIA, format!("voice_routes[{ri}].online_pstn_gateways[{gi}]"), format!("On-network Conferencing must NOT be deployed with telephony equipment in India: SBC {g} of route {} serves policy {}", r.identity, pol.identity));
                        }
                    }
                }
            }
        }
    }
}
