//! Emergency calling policies, emergency call routing policies, the gateways
//! and sites they use, and US law (Kari's Law) ([ECP], [ECRP], [EN],
//! [ECRP-DOC], [DREMERG], [FCC-MLTS], [EMNUM]).

use std::collections::{BTreeMap, HashMap, HashSet};

use super::EmergencySnapshot;
use super::index::policy_key;
use super::numbers;
use crate::Findings;
use crate::catalogue as c;
use crate::snapshot::fold;
use crate::types::{Account, AccountKind, EmergencyCallingPolicy, NumberType, Severity};

const MODES: &[&str] = &["NotificationOnly", "ConferenceMuted", "ConferenceUnMuted"];
const MAX_GROUP_ENTRIES: usize = 10;
const MAX_GROUP_USERS: u32 = 50;
const MAX_DESCRIPTION: usize = 512;
const MAX_DISCLAIMER_CMDLET: usize = 350;
const MAX_DISCLAIMER_ADMIN_DOC: usize = 250;

fn group_entries(g: &str) -> usize {
    g.split(';').filter(|e| !e.trim().is_empty()).count()
}

/// The structural rules of one emergency calling policy.
pub(crate) fn calling_policy(f: &mut Findings, p: &EmergencyCallingPolicy, at: &str) {
    let mode_of =
        |m: &Option<String>| -> Option<String> { m.as_ref().map(|m| m.trim().to_string()) };
    let check_mode = |f: &mut Findings, m: &Option<String>, path: String| {
        if let Some(m) = mode_of(m)
            && !MODES.iter().any(|ok| ok.eq_ignore_ascii_case(&m))
        {
            f.raise(
                &c::EMG_ECP_MODE,
                path,
                format!("Invalid NotificationMode `{m}`: use NotificationOnly, ConferenceMuted or ConferenceUnMuted"),
            );
        }
    };
    check_mode(f, &p.notification_mode, format!("{at}.notification_mode"));
    group(
        f,
        p.notification_group.as_deref(),
        p.notification_group_users,
        &format!("{at}.notification_group"),
    );
    let notification_only =
        mode_of(&p.notification_mode).is_none_or(|m| m.eq_ignore_ascii_case("NotificationOnly"));
    if p.notification_dial_out_number
        .as_deref()
        .is_some_and(|n| !n.trim().is_empty())
        && notification_only
    {
        f.raise(
            &c::EMG_ECP_DIALOUT_MODE,
            format!("{at}.notification_dial_out_number"),
            "Dial-out number only used with conference modes: NotificationMode is NotificationOnly",
        );
    }
    if let Some(d) = &p.description
        && d.chars().count() > MAX_DESCRIPTION
    {
        f.raise(
            &c::EMG_ECP_DESC_LEN,
            format!("{at}.description"),
            format!(
                "Description max 512 characters; this one has {}",
                d.chars().count()
            ),
        );
    }
    if let Some(d) = &p.enhanced_emergency_service_disclaimer {
        let n = d.chars().count();
        if n > MAX_DISCLAIMER_CMDLET {
            f.raise(
                &c::EMG_ECP_DISCLAIMER_LEN,
                format!("{at}.enhanced_emergency_service_disclaimer"),
                format!("Disclaimer too long: {n} characters; the cmdlet accepts at most 350"),
            );
        } else if n > MAX_DISCLAIMER_ADMIN_DOC {
            f.raise_as(
                &c::EMG_ECP_DISCLAIMER_LEN,
                Severity::Warning,
                format!("{at}.enhanced_emergency_service_disclaimer"),
                format!("Disclaimer has {n} characters: the cmdlet accepts 350, but the admin guide limits it to 250"),
            );
        }
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (j, ext) in p
        .extended_notifications
        .as_deref()
        .unwrap_or_default()
        .iter()
        .enumerate()
    {
        let path = format!("{at}.extended_notifications[{j}]");
        check_mode(
            f,
            &ext.notification_mode,
            format!("{path}.notification_mode"),
        );
        group(
            f,
            ext.notification_group.as_deref(),
            None,
            &format!("{path}.notification_group"),
        );
        let key = ext.emergency_dial_string.trim().to_string();
        if let Some(first) = seen.insert(key.clone(), j) {
            f.raise(
                &c::EMG_ECP_EXT_UNIQUE,
                format!("{path}.emergency_dial_string"),
                format!("Extended notifications must have unique dial strings: `{key}` is also extended_notifications[{first}]"),
            );
        }
    }
}

fn group(f: &mut Findings, g: Option<&str>, users: Option<u32>, path: &str) {
    let entries = g.map(group_entries).unwrap_or(0);
    if entries > MAX_GROUP_ENTRIES {
        f.raise(
            &c::EMG_ECP_NOTIF_GROUP,
            path,
            format!("Max 10 entries / 50 users: the notification group has {entries} entries"),
        );
    }
    if let Some(u) = users
        && u > MAX_GROUP_USERS
    {
        f.raise(
            &c::EMG_ECP_NOTIF_GROUP,
            path,
            format!("Max 10 entries / 50 users: the notification group resolves to {u} users"),
        );
    }
}

fn mask_entry_ok(e: &str) -> bool {
    (1..=10).contains(&e.len()) && e.bytes().all(|b| b.is_ascii_digit())
}

impl EmergencySnapshot {
    /// How an account reaches the PSTN: from the numbers assigned to it.
    pub(crate) fn connectivity_of(&self, a: &Account) -> Option<NumberType> {
        self.tenant
            .numbers_of(&a.identity)
            .next()
            .map(|(_, n)| n.number_type)
    }

    /// The structural rules of one emergency call routing policy, with the
    /// usages, routes and gateways it relies on.
    pub(crate) fn routing_policy(&self, f: &mut Findings, i: usize) {
        let Some(p) = self.ecrps.get(i) else { return };
        let at = format!("emergency_call_routing_policies[{i}]");
        let mut seen: HashMap<String, String> = HashMap::new();
        let mut flagged: HashSet<String> = HashSet::new();
        let usages: HashSet<String> = self.pstn_usages.iter().map(|u| fold(u)).collect();
        for (j, n) in p.emergency_numbers.iter().enumerate() {
            let np = format!("{at}.emergency_numbers[{j}]");
            let mut values = vec![(
                n.dial_string.trim().to_string(),
                format!("{np}.dial_string"),
            )];
            if let Some(mask) = &n.dial_mask
                && !mask.trim().is_empty()
            {
                for e in mask.split(';') {
                    let e = e.trim();
                    if !mask_entry_ok(e) {
                        f.raise(
                            &c::EMG_ECRP_MASK_FORMAT,
                            format!("{np}.dial_mask"),
                            format!("Dial mask must be 1–10 digits, ';'-separated: `{e}` in `{mask}` is not"),
                        );
                    }
                    values.push((e.to_string(), format!("{np}.dial_mask")));
                }
            }
            for (v, path) in values {
                if v.is_empty() {
                    continue;
                }
                match seen.get(&v) {
                    Some(first) if flagged.insert(v.clone()) => f.raise(
                        &c::EMG_ECRP_UNIQUE,
                        path,
                        format!("Dial strings and masks must be unique within a policy: `{v}` is also at {first}"),
                    ),
                    Some(_) => {}
                    None => {
                        seen.insert(v, path);
                    }
                }
            }
            let Some(usage) = n
                .online_pstn_usage
                .as_deref()
                .filter(|u| !u.trim().is_empty())
            else {
                continue;
            };
            if !usages.contains(&fold(usage)) {
                f.raise(
                    &c::EMG_ECRP_USAGE,
                    format!("{np}.online_pstn_usage"),
                    format!("PSTN usage `{usage}` must exist (it is not in pstn_usages)"),
                );
                continue;
            }
            self.emergency_routes(f, &np, n.dial_string.trim(), usage);
        }
    }

    /// EMG-ECRP-ROUTE, EMG-ECRP-PLUS and EMG-DR-PIDFLO for one emergency number.
    fn emergency_routes(&self, f: &mut Findings, np: &str, dial: &str, usage: &str) {
        let dial = dial.trim_start_matches('+');
        let plus = format!("+{dial}");
        let routes = &self.tenant.tenant().voice_routes;
        let mut matched = false;
        for (r, route) in routes.iter().enumerate() {
            if !route
                .online_pstn_usages
                .iter()
                .any(|u| fold(u) == fold(usage))
            {
                continue;
            }
            if self.route_matches(r, dial) {
                matched = true;
                for gw in &route.online_pstn_gateways {
                    let ok = self
                        .gateway_index
                        .get(&fold(gw))
                        .and_then(|g| self.gateways.get(*g))
                        .is_some_and(|g| g.pidflo_supported);
                    if !ok {
                        f.raise(
                            &c::EMG_DR_PIDFLO,
                            format!("tenant.voice_routes[{r}].online_pstn_gateways"),
                            format!("Enable PidfloSupported on SBC `{gw}` for emergency calls: voice route `{}` carries {dial}", route.identity),
                        );
                    }
                }
            } else if self.route_matches(r, &plus) {
                f.raise(
                    &c::EMG_ECRP_PLUS,
                    format!("tenant.voice_routes[{r}].number_pattern"),
                    format!("Teams sends emergency numbers without '+': pattern `{}` matches {plus} but not {dial}", route.number_pattern),
                );
            }
        }
        if !matched {
            f.raise(
                &c::EMG_ECRP_ROUTE,
                format!("{np}.dial_string"),
                format!("No voice route for emergency dial string {dial} in usage `{usage}`"),
            );
        }
    }

    /// Rules about one account's emergency set-up: ECRP for non-DR users,
    /// Shared Calling usages, Kari's Law (prefix), emergency numbers.
    /// Kari's notification rule is per policy (see `kari_notify`).
    pub(crate) fn account_rules(
        &self,
        f: &mut Findings,
        i: usize,
        a: &Account,
        seen: &mut HashSet<String>,
    ) {
        let at = format!("tenant.accounts[{i}]");
        let conn = self.connectivity_of(a);
        let shared = a.shared_calling == Some(true);
        let cc = a
            .usage_location
            .as_deref()
            .unwrap_or("")
            .trim()
            .to_ascii_uppercase();
        if a.emergency_call_routing_policy.is_some()
            && !shared
            && matches!(
                conn,
                Some(NumberType::CallingPlan | NumberType::OperatorConnect)
            )
        {
            f.raise(
                &c::EMG_ECRP_NON_DR,
                format!("{at}.emergency_call_routing_policy"),
                format!(
                    "ECRP has no effect for CP/OC/TPM: `{}` is not a Direct Routing user",
                    a.identity
                ),
            );
        }
        let ecrp = self.ecrp(a.emergency_call_routing_policy.as_deref());
        if shared && let Some((pi, p)) = ecrp {
            for (j, n) in p.emergency_numbers.iter().enumerate() {
                if n.online_pstn_usage
                    .as_deref()
                    .is_some_and(|u| !u.trim().is_empty())
                    && seen.insert(format!("shared:{pi}:{j}"))
                {
                    f.raise(
                        &c::EMG_ECRP_SHARED_USAGE,
                        format!("emergency_call_routing_policies[{pi}].emergency_numbers[{j}].online_pstn_usage"),
                        format!("Do not add PSTN usages for Shared Calling CP/OC: `{}` uses policy `{}`", a.identity, p.identity),
                    );
                }
            }
        }
        let dr = conn == Some(NumberType::DirectRouting);
        if dr && cc == "US" && a.kind == AccountKind::User {
            match ecrp {
                Some((pi, p)) => {
                    let reachable = p.emergency_numbers.iter().any(|n| {
                        n.dial_string.trim() == "911"
                            || n.dial_mask.as_deref().unwrap_or("").split(';').any(|m| m.trim() == "911")
                    });
                    if !reachable && seen.insert(format!("kari-prefix:{pi}")) {
                        f.raise(
                            &c::EMG_KARI_PREFIX,
                            format!("emergency_call_routing_policies[{pi}].emergency_numbers"),
                            format!("Kari's Law: 911 must be dialable without prefix; policy `{}` routes only {}", p.identity,
                                p.emergency_numbers.iter().map(|n| n.dial_string.trim()).collect::<Vec<_>>().join(", ")),
                        );
                    }
                }
                None => f.raise(
                    &c::EMG_KARI_PREFIX,
                    format!("{at}.emergency_call_routing_policy"),
                    format!("Kari's Law: 911 must be dialable without prefix; Direct Routing user `{}` has no emergency call routing policy, so no emergency number is routed", a.identity),
                ),
            }
        }
        // EMG-NUMBERS: dial strings the user's policies configure.
        if cc.is_empty() {
            return;
        }
        if dr && let Some((pi, p)) = ecrp {
            for (j, n) in p.emergency_numbers.iter().enumerate() {
                let d = n.dial_string.trim();
                if numbers::recognises(&cc, d) == Some(false)
                    && seen.insert(format!("num:{pi}:{j}:{cc}"))
                {
                    f.raise(
                        &c::EMG_NUMBERS,
                        format!("emergency_call_routing_policies[{pi}].emergency_numbers[{j}].dial_string"),
                        format!("Not a recognized emergency number for {cc}: `{d}` (policy `{}`, user `{}`)", p.identity, a.identity),
                    );
                }
            }
        }
        if let Some((pi, p)) = self.ecp(a.emergency_calling_policy.as_deref()) {
            for (j, n) in p
                .extended_notifications
                .as_deref()
                .unwrap_or_default()
                .iter()
                .enumerate()
            {
                let d = n.emergency_dial_string.trim();
                if numbers::recognises(&cc, d) == Some(false)
                    && seen.insert(format!("ext:{pi}:{j}:{cc}"))
                {
                    f.raise(
                        &c::EMG_NUMBERS,
                        format!("emergency_calling_policies[{pi}].extended_notifications[{j}].emergency_dial_string"),
                        format!("Not a recognized emergency number for {cc}: `{d}` (policy `{}`, user `{}`)", p.identity, a.identity),
                    );
                }
            }
        }
    }

    /// EMG-KARI-NOTIFY for a set of accounts: every emergency calling policy in
    /// effect for US users notifies someone.
    pub(crate) fn kari_notify<'a>(
        &self,
        f: &mut Findings,
        accounts: impl Iterator<Item = (usize, &'a Account)>,
    ) {
        // policy key -> (first account index, users)
        let mut by_policy: BTreeMap<String, (usize, &'a Account, usize)> = BTreeMap::new();
        for (i, a) in accounts {
            let us = a
                .usage_location
                .as_deref()
                .is_some_and(|u| u.trim().eq_ignore_ascii_case("US"));
            if !us || a.kind != AccountKind::User {
                continue;
            }
            let key = policy_key(a.emergency_calling_policy.as_deref().unwrap_or("Global"));
            by_policy
                .entry(key)
                .and_modify(|e| e.2 += 1)
                .or_insert((i, a, 1));
        }
        for (key, (i, a, users)) in by_policy {
            let policy = self.ecp(a.emergency_calling_policy.as_deref());
            let grouped = policy
                .and_then(|(_, p)| p.notification_group.as_deref())
                .is_some_and(|g| group_entries(g) > 0);
            if grouped {
                continue;
            }
            let (path, what) = match policy {
                Some((pi, p)) => (
                    format!("emergency_calling_policies[{pi}].notification_group"),
                    format!("policy `{}` has no notification group", p.identity),
                ),
                None => (
                    format!("tenant.accounts[{i}].emergency_calling_policy"),
                    format!("no emergency calling policy `{key}` exists, so nobody is notified"),
                ),
            };
            f.raise(
                &c::EMG_KARI_NOTIFY,
                path,
                format!("Kari's Law: configure central notification (security desk): {what}, and it applies to {users} US user(s), e.g. `{}`", a.identity),
            );
        }
    }

    /// EMG-ECRP-SITE-SHARED: site ECRPs with Shared Calling and Direct Routing together.
    pub(crate) fn site_shared(&self, f: &mut Findings) {
        let accounts = &self.tenant.tenant().accounts;
        let shared = accounts.iter().any(|a| a.shared_calling == Some(true));
        let dr = accounts
            .iter()
            .any(|a| self.connectivity_of(a) == Some(NumberType::DirectRouting));
        if !(shared && dr) {
            return;
        }
        for (k, s) in self.sites.iter().enumerate() {
            if s.emergency_call_routing_policy
                .as_deref()
                .is_some_and(|p| !p.trim().is_empty())
            {
                f.raise(
                    &c::EMG_ECRP_SITE_SHARED,
                    format!("network_sites[{k}].emergency_call_routing_policy"),
                    format!(
                        "Site ECRPs unsupported with Shared Calling + DR: site `{}` has one",
                        s.identity
                    ),
                );
            }
        }
    }
}
