//! A conferencing configuration indexed once: organizers, policies and plans
//! by identity, routes grouped by usage and sorted by priority, every pattern
//! compiled once.

use std::collections::HashMap;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};

use regex::bytes::RegexSet;

use super::{dialout, key, number_key};
use crate::netregex;
use crate::types::{BridgeNumber, ConferencingConfig, InputError, Organizer};

/// The default NumberPattern of `New-CsOnlineVoiceRoute` ([OVR]).
pub(crate) const DEFAULT_PATTERN: &str = "[0-9]{10}";

/// The most routes, policies, organizers, plans or rules per plan a
/// configuration may hold (far above Teams' own limits; bounds the work).
const MAX_ITEMS: usize = 100_000;

/// A usage's route patterns in one set, and each set entry's position in the
/// usage's route list.
pub(crate) type UsageSet = (RegexSet, Vec<usize>);

/// A route's compiled pattern, or why it is refused.
pub(crate) type Compiled = Result<netregex::Regex, netregex::Refusal>;

/// A configuration, indexed.
pub struct ConferencingSnapshot {
    pub(crate) cfg: ConferencingConfig,
    pub(crate) organizers: HashMap<String, usize>,
    pub(crate) policies: HashMap<String, usize>,
    pub(crate) plans: HashMap<String, usize>,
    /// Per plan, per rule: the compiled pattern.
    pub(crate) plan_rules: Vec<Vec<Compiled>>,
    /// Per route: the compiled pattern.
    pub(crate) patterns: Vec<Compiled>,
    /// Per usage key: route indexes by ascending priority (then identity).
    pub(crate) by_usage: HashMap<String, Vec<usize>>,
    /// Per usage key: its routes' valid patterns in one set, so a dial-out is
    /// matched against a usage's routes in one pass (`set index → position
    /// in by_usage`). A dial-out pays for the usages it walks, not for every
    /// route the tenant has. Each set is compiled the first time its usage is
    /// walked, so a snapshot (and every write that checks one) pays nothing
    /// for them; `None` when the set would be too big to compile or the
    /// budget is spent, and that usage is then tested route by route.
    pub(crate) usage_sets: HashMap<String, OnceLock<Option<UsageSet>>>,
    /// Patterns that usage sets may still hold, all sets together: a route
    /// listed in many usages is compiled into each, so without a bound a
    /// small configuration could compile into a great many sets.
    set_budget: AtomicUsize,
    /// The global PSTN usages, by key.
    pub(crate) usages: HashMap<String, usize>,
    /// Bridge numbers by digits.
    pub(crate) bridge_numbers: HashMap<String, usize>,
    /// Gateways by lower-case FQDN.
    pub(crate) gateways: HashMap<String, usize>,
    /// Operators by key.
    pub(crate) operators: HashMap<String, usize>,
}

fn dup(path: String, what: &str, first: String) -> InputError {
    InputError {
        path,
        message: format!(
            "{what} is also `{first}`; identities are unique (Teams compares them without regard to case)"
        ),
    }
}

fn index<T>(
    items: &[T],
    id: impl Fn(&T) -> &str,
    path: impl Fn(usize) -> String,
    what: &str,
) -> Result<HashMap<String, usize>, InputError> {
    if items.len() > MAX_ITEMS {
        return Err(InputError {
            path: path(MAX_ITEMS),
            message: format!("more than {MAX_ITEMS} entries"),
        });
    }
    let mut map = HashMap::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        if let Some(first) = map.insert(key(id(item)), i) {
            return Err(dup(path(i), what, path(first)));
        }
    }
    Ok(map)
}

impl ConferencingSnapshot {
    /// Index a configuration. Refuses duplicate identities and references to
    /// policies, plans or dial-out policies that do not exist, naming the
    /// field. Invalid patterns are kept (lint reports them; routing skips them).
    pub fn new(cfg: ConferencingConfig) -> Result<Self, InputError> {
        let organizers = index(
            &cfg.organizers,
            |o| o.identity.as_str(),
            |i| format!("organizers[{i}].identity"),
            "this organizer",
        )?;
        let policies = index(
            &cfg.audio_conferencing_routing_policies,
            |p| p.identity.as_str(),
            |i| format!("audio_conferencing_routing_policies[{i}].identity"),
            "this audio-conferencing routing policy",
        )?;
        let no_plans = Vec::new();
        let plan_list = cfg.dial_plans.as_ref().unwrap_or(&no_plans);
        let plans = index(
            plan_list,
            |p| p.identity.as_str(),
            |i| format!("dial_plans[{i}].identity"),
            "this dial plan",
        )?;
        index(
            &cfg.voice_routes,
            |r| r.identity.as_str(),
            |i| format!("voice_routes[{i}].identity"),
            "this voice route",
        )?;
        let mut usages = HashMap::new();
        for (i, u) in cfg.pstn_usages.iter().enumerate() {
            usages.entry(key(u)).or_insert(i);
        }
        let mut bridge_numbers = HashMap::new();
        for (i, n) in cfg.bridge.numbers.iter().enumerate() {
            let k = number_key(&n.number);
            if let Some(first) = bridge_numbers.insert(k, i) {
                return Err(dup(
                    format!("bridge.numbers[{i}].number"),
                    "this bridge number",
                    format!("bridge.numbers[{first}].number"),
                ));
            }
        }
        let gateways = cfg
            .gateways
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, g)| (g.fqdn.trim().to_lowercase(), i))
            .collect();
        let operators = cfg
            .operators
            .iter()
            .flatten()
            .enumerate()
            .map(|(i, o)| (key(&o.operator_id), i))
            .collect();

        // References an organizer makes must resolve: routing would otherwise
        // guess. Dial-out policies must be one of the twelve.
        for (i, o) in cfg.organizers.iter().enumerate() {
            check_refs(i, o, &policies, &plans)?;
        }

        let plan_rules = plan_list
            .iter()
            .enumerate()
            .map(|(p, plan)| {
                if plan.normalization_rules.len() > MAX_ITEMS {
                    return Err(InputError {
                        path: format!("dial_plans[{p}].normalization_rules"),
                        message: format!("more than {MAX_ITEMS} rules"),
                    });
                }
                Ok(plan
                    .normalization_rules
                    .iter()
                    .map(|r| netregex::compile(&r.pattern))
                    .collect())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let patterns: Vec<Compiled> = cfg
            .voice_routes
            .iter()
            .map(|r| netregex::compile(r.number_pattern.as_deref().unwrap_or(DEFAULT_PATTERN)))
            .collect();
        let mut by_usage: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, r) in cfg.voice_routes.iter().enumerate() {
            let mut seen = Vec::new();
            for u in &r.online_pstn_usages {
                let k = key(u);
                if !seen.contains(&k) {
                    by_usage.entry(k.clone()).or_default().push(i);
                    seen.push(k);
                }
            }
        }
        for list in by_usage.values_mut() {
            list.sort_by(|&a, &b| {
                let (ra, rb) = (cfg.voice_routes.get(a), cfg.voice_routes.get(b));
                let ka = ra.map(|r| (r.priority, key(&r.identity)));
                let kb = rb.map(|r| (r.priority, key(&r.identity)));
                ka.cmp(&kb)
            });
        }
        // Only global PSTN usages are walked (a route's other usages are
        // skipped with CONF-USAGE-EXISTS), so only they get a set.
        let usage_sets = by_usage
            .keys()
            .filter(|k| usages.contains_key(*k))
            .map(|k| (k.clone(), OnceLock::new()))
            .collect();
        let set_budget = AtomicUsize::new(2 * cfg.voice_routes.len() + 1_000);
        Ok(ConferencingSnapshot {
            cfg,
            organizers,
            policies,
            plans,
            plan_rules,
            patterns,
            by_usage,
            usage_sets,
            set_budget,
            usages,
            bridge_numbers,
            gateways,
            operators,
        })
    }

    /// Which of a usage's routes (by position in `by_usage[usage]`) match
    /// `number`: one pass over the usage's pattern set (compiled on first
    /// use), or, without one, each valid pattern in turn.
    pub(crate) fn usage_hits(&self, usage: &str, number: &str) -> Vec<bool> {
        let routes = self
            .by_usage
            .get(usage)
            .map(Vec::as_slice)
            .unwrap_or_default();
        let mut hit = vec![false; routes.len()];
        let set = self
            .usage_sets
            .get(usage)
            .and_then(|cell| cell.get_or_init(|| self.usage_set(routes)).as_ref());
        match set {
            Some((set, positions)) => {
                for i in netregex::set_matches(set, number) {
                    if let Some(&pos) = positions.get(i)
                        && let Some(h) = hit.get_mut(pos)
                    {
                        *h = true;
                    }
                }
            }
            None => {
                for (h, &ri) in hit.iter_mut().zip(routes) {
                    *h = matches!(self.patterns.get(ri), Some(Ok(re)) if re.is_match(number));
                }
            }
        }
        hit
    }

    /// Compile one usage's set from its routes' valid patterns, if the
    /// budget still holds them.
    fn usage_set(&self, routes: &[usize]) -> Option<UsageSet> {
        let (valid, positions): (Vec<&netregex::Regex>, Vec<usize>) = routes
            .iter()
            .enumerate()
            .filter_map(|(pos, &ri)| self.patterns.get(ri)?.as_ref().ok().map(|re| (re, pos)))
            .unzip();
        let n = valid.len();
        self.set_budget
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |left| {
                left.checked_sub(n)
            })
            .ok()?;
        netregex::set(valid).map(|set| (set, positions))
    }

    /// The organizer with this identity.
    pub(crate) fn organizer(&self, identity: &str) -> Option<(usize, &Organizer)> {
        let i = *self.organizers.get(&key(identity))?;
        self.cfg.organizers.get(i).map(|o| (i, o))
    }

    /// The bridge number with these digits.
    pub(crate) fn bridge_number(&self, number: &str) -> Option<(usize, &BridgeNumber)> {
        let i = *self.bridge_numbers.get(&number_key(number))?;
        self.cfg.bridge.numbers.get(i).map(|n| (i, n))
    }

    /// The audio-conferencing routing policy that applies to an organizer:
    /// the user's grant, else the lowest-ranked group grant, else `Global`.
    /// Returns the policy index and how it was reached.
    pub(crate) fn policy_of(&self, o: &Organizer) -> Option<(usize, String)> {
        if let Some(p) = &o.audio_conferencing_routing_policy {
            return self
                .policies
                .get(&key(p))
                .map(|&i| (i, format!("granted to {}", o.identity)));
        }
        if let Some(g) = o
            .group_policies
            .iter()
            .flatten()
            .min_by_key(|g| (g.rank, key(&g.policy)))
        {
            return self
                .policies
                .get(&key(&g.policy))
                .map(|&i| (i, format!("granted to group {} (rank {})", g.group, g.rank)));
        }
        self.policies
            .get("global")
            .map(|&i| (i, "the Global policy (no user or group grant)".to_string()))
    }
}

fn check_refs(
    i: usize,
    o: &Organizer,
    policies: &HashMap<String, usize>,
    plans: &HashMap<String, usize>,
) -> Result<(), InputError> {
    let missing = |field: &str, what: &str, name: &str| InputError {
        path: format!("organizers[{i}].{field}"),
        message: format!("no {what} `{name}` in the configuration; add it or fix the name"),
    };
    if let Some(p) = &o.audio_conferencing_routing_policy
        && !policies.contains_key(&key(p))
    {
        return Err(missing(
            "audio_conferencing_routing_policy",
            "audio-conferencing routing policy",
            p,
        ));
    }
    for (g, grant) in o.group_policies.iter().flatten().enumerate() {
        if !policies.contains_key(&key(&grant.policy)) {
            return Err(missing(
                &format!("group_policies[{g}].policy"),
                "audio-conferencing routing policy",
                &grant.policy,
            ));
        }
    }
    if let Some(p) = &o.dial_plan
        && !plans.contains_key(&key(p))
    {
        return Err(missing("dial_plan", "dial plan", p));
    }
    if let Some(p) = &o.dial_out_policy
        && dialout::parse(p).is_none()
    {
        return Err(InputError {
            path: format!("organizers[{i}].dial_out_policy"),
            message: format!(
                "`{p}` is not an OnlineDialOutPolicy; use one of tag:{}",
                dialout::DIAL_OUT_POLICIES.join(", tag:")
            ),
        });
    }
    if crate::phone::calling_code(&o.usage_location).is_none() {
        return Err(InputError {
            path: format!("organizers[{i}].usage_location"),
            message: format!(
                "`{}` is not an ISO 3166-1 alpha-2 country with a calling code, e.g. US",
                o.usage_location
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::ConferencingSnapshot;
    use crate::types::{ConferencingConfig, DialOut, RouteOutcome};

    /// One route listed in 3,000 usages is compiled into at most the budget's
    /// worth of sets (2 per route and 1,000 more); past it, usages are tested
    /// route by route, with the same answer.
    #[test]
    fn usage_sets_are_bounded_and_the_rest_route_the_same() {
        let usages: Vec<String> = (0..3000).map(|u| format!("U{u}")).collect();
        let cfg: ConferencingConfig = serde_json::from_value(serde_json::json!({
            "tenant_id": "t", "org_country": "US", "communications_credits": true,
            "bridge": {"numbers": [{"number": "+14255550000", "toll_type": "Toll", "source": "Microsoft"}],
                       "default_service_number": "+14255550000"},
            "organizers": [{"identity": "alice@contoso.com", "licenses": ["MCOMEETADV"], "usage_location": "US"}],
            "pstn_usages": usages,
            "voice_routes": [
                {"identity": "Everywhere", "number_pattern": r"^\+44(\d{10})$", "priority": 1,
                 "online_pstn_usages": usages, "online_pstn_gateways": ["sbc1"]},
                {"identity": "Last", "number_pattern": r"^\+33(\d{9})$", "priority": 2,
                 "online_pstn_usages": ["U2999"], "online_pstn_gateways": ["sbc2"]}],
            "audio_conferencing_routing_policies": [{"identity": "Global", "online_pstn_usages": usages}],
        }))
        .unwrap();
        let snap = ConferencingSnapshot::new(cfg).unwrap();
        let route = |dialed: &str| {
            let d: DialOut = serde_json::from_value(
                serde_json::json!({"organizer": "alice@contoso.com", "dialed": dialed}),
            )
            .unwrap();
            match snap.route(&d).unwrap().outcome {
                RouteOutcome::Gateways(g) => Some(g.route),
                _ => None,
            }
        };
        // Found in the first usage; then in the last, after 2,999 usages
        // walked, most of them past the budget.
        assert_eq!(route("+442071234567").as_deref(), Some("Everywhere"));
        assert_eq!(route("+33123456789").as_deref(), Some("Last"));
        // U0 for the first; then U1 to U1003, one pattern each, until the
        // 1,004 patterns are spent; U1004 on, and U2999's two, fall back.
        let built = snap
            .usage_sets
            .values()
            .filter(|c| c.get().is_some_and(Option::is_some))
            .count();
        assert_eq!(built, 1_004);
        assert_eq!(
            snap.set_budget.load(std::sync::atomic::Ordering::Relaxed),
            0
        );
    }
}
