//! Changes and reviews against an emergency snapshot, and the whole-
//! configuration audit.

use std::collections::HashSet;

use time::{Duration, OffsetDateTime};

use super::EmergencySnapshot;
use super::lis_format::{self, Bssid};
use super::{address, area_code, policies};
use crate::Findings;
use crate::catalogue as c;
use crate::snapshot::fold;
use crate::timestamp;
use crate::types::{
    CivicAddress, Decision, EmergencyRequest, InputError, LisEntry, Location, LocationTarget,
    NumberEvent, NumberType, TrustedIp, ValidationStatus,
};

/// EMG-NETID-STALE: "more than a couple of years old" [DYN]; the threshold is ours.
const STALE_AFTER_DAYS: i64 = 730;

fn missing(path: &str, what: &str, id: &str) -> InputError {
    InputError {
        path: path.to_string(),
        message: format!("no {what} `{id}` in the configuration; check the id"),
    }
}

impl EmergencySnapshot {
    /// Decide one change or review.
    pub fn check(&self, request: &EmergencyRequest) -> Result<Decision, InputError> {
        let mut f = Findings::default();
        match request {
            EmergencyRequest::WriteCivicAddress(w) => {
                let previous = self.tenant.find_civic_address(&w.address.id);
                let conn = w
                    .connectivity
                    .or_else(|| self.address_connectivity(&w.address.id));
                address::check(&mut f, &w.address, "request.address", conn, None, previous);
            }
            EmergencyRequest::RemoveCivicAddress(id) => {
                if self.tenant.find_civic_address(id).is_none() {
                    return Err(missing("request", "civic address", id));
                }
                let locs = self.locations_of_address(id);
                for l in locs {
                    self.in_use(&mut f, &l, &format!("civic address `{id}`"));
                }
            }
            EmergencyRequest::WriteLocation(loc) => self.write_location(&mut f, loc)?,
            EmergencyRequest::RemoveLocation(id) => {
                if self.tenant.find_location(id).is_none() {
                    return Err(missing("request", "location", id));
                }
                self.in_use(&mut f, id, &format!("location `{id}`"));
            }
            EmergencyRequest::AssignLocation(a) => {
                let (loc, addr) = self.place(&a.location_id);
                let Some(addr) = addr else {
                    return Err(missing("request.location_id", "location", &a.location_id));
                };
                let lcc = address::country(addr);
                if addr.validation_status != ValidationStatus::Validated {
                    f.raise(
                        &c::EMG_ASSIGN_UNVALIDATED,
                        "request.location_id",
                        format!("Address must be validated before assignment: address `{}` of location `{}` is not validated", addr.id, a.location_id),
                    );
                }
                self.raybaum(&mut f, addr, loc, "request.location_id");
                match &a.target {
                    LocationTarget::User(u) => {
                        let Some(acct) = self.tenant.find_account(u) else {
                            return Err(missing("request.target.User", "account", u));
                        };
                        let ucc = acct
                            .usage_location
                            .as_deref()
                            .unwrap_or("")
                            .trim()
                            .to_ascii_uppercase();
                        if !ucc.is_empty() && ucc != lcc {
                            f.raise(&c::EMG_SAME_COUNTRY, "request.target.User", format!("Location, user and number must be in the same country: location {lcc}, user `{u}` {ucc}"));
                        }
                        for (_, n) in self.tenant.numbers_of(u) {
                            let ncc = n.iso_country_code.trim().to_ascii_uppercase();
                            if ncc != lcc {
                                f.raise(&c::EMG_SAME_COUNTRY, "request.target.User", format!("Location, user and number must be in the same country: location {lcc}, number {} {ncc}", n.telephone_number));
                            }
                        }
                    }
                    LocationTarget::PhoneNumber(tn) => {
                        let Some(n) = self.tenant.find_number(tn) else {
                            return Err(missing(
                                "request.target.PhoneNumber",
                                "inventory number",
                                tn,
                            ));
                        };
                        let ncc = n.iso_country_code.trim().to_ascii_uppercase();
                        if ncc != lcc {
                            f.raise(&c::EMG_SAME_COUNTRY, "request.target.PhoneNumber", format!("Location, user and number must be in the same country: location {lcc}, number {tn} {ncc}"));
                        }
                        if let Some(holder) = n
                            .assigned_target
                            .as_deref()
                            .and_then(|t| self.tenant.find_account(t))
                        {
                            let ucc = holder
                                .usage_location
                                .as_deref()
                                .unwrap_or("")
                                .trim()
                                .to_ascii_uppercase();
                            if !ucc.is_empty() && ucc != lcc {
                                f.raise(&c::EMG_SAME_COUNTRY, "request.target.PhoneNumber", format!("Location, user and number must be in the same country: location {lcc}, holder `{}` {ucc}", holder.identity));
                            }
                        }
                        if n.number_type == NumberType::CallingPlan {
                            area(&mut f, &ncc, tn, addr, "request.location_id");
                        }
                    }
                }
            }
            EmergencyRequest::SetLisEntry(s) => {
                let now = match &s.now {
                    Some(t) => Some(timestamp::parse(t, "request.now")?),
                    None => None,
                };
                self.lis_entry(&mut f, &s.entry, "request.entry", now, true)?;
            }
            EmergencyRequest::SetTrustedIp(t) => {
                self.trusted_ip(&mut f, t, "request", None);
            }
            EmergencyRequest::NumberLifecycle(l) => {
                let Some(n) = self.tenant.find_number(&l.telephone_number) else {
                    return Err(missing(
                        "request.telephone_number",
                        "inventory number",
                        &l.telephone_number,
                    ));
                };
                let ncc = n.iso_country_code.trim().to_ascii_uppercase();
                let location = l.location_id.as_ref().or(n.location_id.as_ref());
                if n.number_type == NumberType::CallingPlan && location.is_none() {
                    let us_ca = ncc == "US" || ncc == "CA";
                    let late = match l.event {
                        NumberEvent::Assigned => us_ca,
                        NumberEvent::Acquired | NumberEvent::Ported => !us_ca,
                    };
                    if late {
                        f.raise(
                            &c::EMG_CP_LOCATION_TIMING,
                            "request.location_id",
                            if us_ca {
                                format!("Emergency location required at assignment (US/CA): {} is a {ncc} Calling Plan number", l.telephone_number)
                            } else {
                                format!("Emergency location required at acquisition (other): {} is a {ncc} Calling Plan number", l.telephone_number)
                            },
                        );
                    }
                }
                if let Some(lid) = &l.location_id {
                    let (_, addr) = self.place(lid);
                    let Some(addr) = addr else {
                        return Err(missing("request.location_id", "location", lid));
                    };
                    let lcc = address::country(addr);
                    if lcc != ncc {
                        f.raise(&c::EMG_SAME_COUNTRY, "request.location_id", format!("Location, user and number must be in the same country: location {lcc}, number {ncc}"));
                    }
                    if n.number_type == NumberType::CallingPlan {
                        area(
                            &mut f,
                            &ncc,
                            &l.telephone_number,
                            addr,
                            "request.location_id",
                        );
                    }
                }
            }
            EmergencyRequest::ReviewUser(identity) => {
                let Some((i, a)) = self.tenant.account(identity) else {
                    return Err(missing("request", "account", identity));
                };
                let mut seen = HashSet::new();
                self.account_rules(&mut f, i, a, &mut seen);
                self.kari_notify(&mut f, std::iter::once((i, a)));
                if let Some((_, p)) = self.ecp(a.emergency_calling_policy.as_deref())
                    && let Some((pi, _)) = self.ecp(Some(&p.identity))
                {
                    policies::calling_policy(
                        &mut f,
                        p,
                        &format!("emergency_calling_policies[{pi}]"),
                    );
                }
                if let Some((pi, _)) = self.ecrp(a.emergency_call_routing_policy.as_deref()) {
                    self.routing_policy(&mut f, pi);
                }
            }
        }
        Ok(f.finish())
    }

    /// Lint the whole configuration.
    pub fn audit(&self) -> Decision {
        let mut f = Findings::default();
        let t = self.tenant.tenant();
        for (i, a) in t.civic_addresses.iter().enumerate() {
            let at = format!("tenant.civic_addresses[{i}]");
            address::check(&mut f, a, &at, self.address_connectivity(&a.id), None, None);
        }
        for (i, l) in t.locations.iter().enumerate() {
            if let Some(addr) = self.tenant.find_civic_address(&l.civic_address_id) {
                self.raybaum(&mut f, addr, Some(l), &format!("tenant.locations[{i}]"));
            }
        }
        let entries = self
            .subnets
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (
                    crate::types::LisEntry::Subnet(e.clone()),
                    format!("lis.subnets[{i}]"),
                )
            })
            .chain(
                self.waps
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (LisEntry::Wap(e.clone()), format!("lis.waps[{i}]"))),
            )
            .chain(
                self.switches
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (LisEntry::Switch(e.clone()), format!("lis.switches[{i}]"))),
            )
            .chain(
                self.ports
                    .iter()
                    .enumerate()
                    .map(|(i, e)| (LisEntry::Port(e.clone()), format!("lis.ports[{i}]"))),
            );
        for (entry, at) in entries {
            // The entries are already in the snapshot: no wildcard self-match.
            let _ = self.lis_entry(&mut f, &entry, &at, None, false);
        }
        for (i, t) in self.trusted_ips.iter().enumerate() {
            self.trusted_ip(&mut f, t, &format!("trusted_ips[{i}]"), Some(i));
        }
        self.sites_and_subnets(&mut f);
        for (i, p) in self.ecps.iter().enumerate() {
            policies::calling_policy(&mut f, p, &format!("emergency_calling_policies[{i}]"));
        }
        for i in 0..self.ecrps.len() {
            self.routing_policy(&mut f, i);
        }
        let mut seen = HashSet::new();
        for (i, a) in t.accounts.iter().enumerate() {
            self.account_rules(&mut f, i, a, &mut seen);
        }
        self.kari_notify(&mut f, t.accounts.iter().enumerate());
        self.site_shared(&mut f);
        f.finish()
    }

    /// The location ids of an address: its default location (the address id)
    /// and every place under it.
    fn locations_of_address(&self, address_id: &str) -> Vec<String> {
        let places = self.locations_by_address.get(&fold(address_id));
        std::iter::once(address_id.to_string())
            .chain(
                places
                    .into_iter()
                    .flatten()
                    .filter_map(|li| self.tenant.tenant().locations.get(*li))
                    .map(|l| l.location_id.clone()),
            )
            .collect()
    }

    /// Calling Plan if any number at one of the address's locations is.
    fn address_connectivity(&self, address_id: &str) -> Option<NumberType> {
        let locs: Vec<String> = self
            .locations_of_address(address_id)
            .iter()
            .map(|l| fold(l))
            .collect();
        let numbers = &self.tenant.tenant().numbers;
        locs.iter()
            .flat_map(|l| self.numbers_by_location.get(l).into_iter().flatten())
            .filter_map(|n| numbers.get(*n))
            .any(|n| n.number_type == NumberType::CallingPlan)
            .then_some(NumberType::CallingPlan)
    }

    fn in_use(&self, f: &mut Findings, location_id: &str, what: &str) {
        let numbers = &self.tenant.tenant().numbers;
        for n in self
            .numbers_by_location
            .get(&fold(location_id))
            .into_iter()
            .flatten()
        {
            let Some(num) = numbers.get(*n) else { continue };
            let holder = num
                .assigned_target
                .as_deref()
                .map(|t| format!(", assigned to `{t}`"))
                .unwrap_or_default();
            f.raise(
                &c::EMG_DELETE_IN_USE,
                format!("tenant.numbers[{n}].location_id"),
                format!(
                    "Cannot remove {what}: number {} uses location `{location_id}`{holder}",
                    num.telephone_number
                ),
            );
        }
    }

    fn write_location(&self, f: &mut Findings, loc: &Location) -> Result<(), InputError> {
        let Some(addr) = self.tenant.find_civic_address(&loc.civic_address_id) else {
            return Err(missing(
                "request.civic_address_id",
                "civic address",
                &loc.civic_address_id,
            ));
        };
        if let Some(old) = self.tenant.find_location(&loc.location_id)
            && old.elin.as_deref().is_some_and(|e| !e.trim().is_empty())
            && loc.elin.as_deref().is_none_or(|e| e.trim().is_empty())
        {
            f.raise(
                &c::EMG_ELIN_CLEAR,
                "request.elin",
                format!(
                    "ELIN can be changed but not cleared; recreate location `{}` without it",
                    loc.location_id
                ),
            );
        }
        self.raybaum(f, addr, Some(loc), "request");
        Ok(())
    }

    fn raybaum(&self, f: &mut Findings, addr: &CivicAddress, loc: Option<&Location>, at: &str) {
        if address::country(addr) != "US" || addr.multi_floor != Some(true) {
            return;
        }
        if loc
            .and_then(|l| l.place.as_deref())
            .is_none_or(|p| p.trim().is_empty())
        {
            f.raise(
                &c::EMG_RAYBAUM_DISPATCHABLE,
                format!("{at}.place"),
                format!("Dispatchable location should include suite/floor/room: address `{}` is a multi-floor building and this location names no place", addr.id),
            );
        }
    }

    /// Format and location rules of one LIS entry. `fresh` is true for a new
    /// entry (checked against the existing wildcards), false in the audit.
    fn lis_entry(
        &self,
        f: &mut Findings,
        entry: &LisEntry,
        at: &str,
        now: Option<OffsetDateTime>,
        fresh: bool,
    ) -> Result<(), InputError> {
        let location_id = match entry {
            LisEntry::Subnet(s) => {
                let Some((ip, len)) = lis_format::ip_with_len(&s.subnet) else {
                    return Err(InputError {
                        path: format!("{at}.subnet"),
                        message: format!("`{}` is not an IPv4 or IPv6 address", s.subnet),
                    });
                };
                if let Some(len) = len.or(s.prefix_length)
                    && let Some(net) = lis_format::network(ip, len)
                    && net.network() != ip
                {
                    f.raise(
                        &c::EMG_SUBNET_NETID,
                        format!("{at}.subnet"),
                        format!("LIS subnet must be the network ID (expected {}): `{ip}` has host bits set for /{len}", net.network()),
                    );
                }
                &s.location_id
            }
            LisEntry::Wap(w) => {
                match lis_format::lis_bssid(&w.bssid) {
                    None => f.raise(
                        &c::EMG_BSSID_FORMAT,
                        format!("{at}.bssid"),
                        format!(
                            "BSSID must be nn-nn-nn-nn-nn-nn; '*' only in last 1–2 chars: `{}`",
                            w.bssid
                        ),
                    ),
                    Some(b) => {
                        self.wildcard_dup(f, b, &w.location_id, &format!("{at}.bssid"), fresh)
                    }
                }
                &w.location_id
            }
            LisEntry::Switch(s) => {
                chassis(f, &s.chassis_id, &format!("{at}.chassis_id"));
                &s.location_id
            }
            LisEntry::Port(p) => {
                chassis(f, &p.chassis_id, &format!("{at}.chassis_id"));
                chassis(f, &p.port_id, &format!("{at}.port_id"));
                &p.location_id
            }
        };
        // The LocationId need not exist [SUBNET]; when it does, its address must be usable.
        let (_, addr) = self.place(location_id);
        if let Some(addr) = addr {
            let lp = format!("{at}.location_id");
            if addr.validation_status != ValidationStatus::Validated {
                f.raise(&c::EMG_ASSIGN_UNVALIDATED, lp.clone(), format!("Address must be validated before assignment: address `{}` of location `{location_id}` is not validated", addr.id));
            }
            if addr.latitude.is_none() || addr.longitude.is_none() {
                f.raise(&c::EMG_NETID_NO_GEOCODE, lp.clone(), format!("Network identifiers require a geocoded address: address `{}` has no latitude/longitude", addr.id));
            }
            if let (Some(now), Some(created)) = (now, addr.created_at.as_deref())
                && let Ok(created) = timestamp::parse(created, "created_at")
                && now - created > Duration::days(STALE_AFTER_DAYS)
            {
                f.raise(&c::EMG_NETID_STALE, lp, format!("Address older than a couple of years must be recreated: address `{}` was created {}", addr.id, created.date()));
            }
        }
        Ok(())
    }

    fn wildcard_dup(&self, f: &mut Findings, b: Bssid, location_id: &str, at: &str, fresh: bool) {
        let covering: Vec<usize> = match b {
            Bssid::Exact([a, b2, c2, d, e, last]) => {
                let head = [a, b2, c2, d, e];
                [
                    self.wap_nibble.get(&(head, last >> 4)),
                    self.wap_octet.get(&head),
                ]
                .into_iter()
                .flatten()
                .copied()
                .collect()
            }
            Bssid::Nibble(head, _) => self.wap_octet.get(&head).copied().into_iter().collect(),
            Bssid::Octet(_) => Vec::new(),
        };
        let _ = fresh;
        for i in covering {
            let Some(w) = self.waps.get(i) else { continue };
            if fold(&w.location_id) == fold(location_id) {
                f.raise(
                    &c::EMG_BSSID_WILDCARD_DUP,
                    at,
                    format!("BSSID already covered by wildcard entry with same location: `{}` (lis.waps[{i}]) is at `{location_id}` too", w.bssid),
                );
            }
        }
    }

    fn trusted_ip(&self, f: &mut Findings, t: &TrustedIp, at: &str, own: Option<usize>) {
        let Some((ip, len)) = lis_format::ip_with_len(&t.ip_address) else {
            f.raise(
                &c::EMG_TRUSTIP_MASK,
                format!("{at}.ip_address"),
                format!(
                    "Invalid trusted IP: `{}` is not an IPv4 or IPv6 address",
                    t.ip_address
                ),
            );
            return;
        };
        let max = lis_format::max_len(ip);
        let bits = len.or(t.mask_bits).unwrap_or(max);
        if bits > max {
            f.raise(
                &c::EMG_TRUSTIP_MASK,
                format!("{at}.mask_bits"),
                format!("Invalid trusted IP: MaskBits {bits} is outside 0..{max} for {ip}"),
            );
            return;
        }
        let Some(net) = lis_format::network(ip, bits) else {
            return;
        };
        if let Some(other) = self.trusted.exact(net)
            && Some(other) != own
            && self.same_trusted(other, ip, bits)
        {
            f.raise(
                &c::EMG_TRUSTIP_MASK,
                format!("{at}.ip_address"),
                format!("Invalid trusted IP: {ip}/{bits} duplicates trusted_ips[{other}]"),
            );
        }
    }

    /// Whether trusted IP `i` is exactly `ip/bits` (the same address, not just the same range).
    fn same_trusted(&self, i: usize, ip: std::net::IpAddr, bits: u8) -> bool {
        self.trusted_ips.get(i).and_then(|t| {
            let (oip, olen) = lis_format::ip_with_len(&t.ip_address)?;
            Some(oip == ip && olen.or(t.mask_bits).unwrap_or(lis_format::max_len(oip)) == bits)
        }) == Some(true)
    }

    fn sites_and_subnets(&self, f: &mut Findings) {
        let mut site_of: std::collections::HashMap<ipnet::IpNet, (usize, String)> =
            std::collections::HashMap::new();
        for (i, n) in self.network_subnets.iter().enumerate() {
            let Some((ip, _)) = lis_format::ip_with_len(&n.subnet) else {
                continue;
            };
            let Some(net) = lis_format::network(ip, n.mask_bits) else {
                continue;
            };
            match site_of.get(&net) {
                Some((first, site)) if fold(site) != fold(&n.network_site_id) => f.raise(
                    &c::EMG_SUBNET_ONE_SITE,
                    format!("network_subnets[{i}].network_site_id"),
                    format!("Subnet may belong to only one network site: {net} is in site `{site}` (network_subnets[{first}]) and `{}`", n.network_site_id),
                ),
                Some(_) => {}
                None => {
                    site_of.insert(net, (i, n.network_site_id.clone()));
                }
            }
            let in_lis = self.subnet_exact.contains_key(&net.network())
                || self.subnet_ranges.lookup(net.network()).is_some();
            if !in_lis {
                f.raise(
                    &c::EMG_SITE_SUBNET_NOT_IN_LIS,
                    format!("network_subnets[{i}].subnet"),
                    format!("Site subnets must be redefined in LIS: {net} of site `{}` has no LIS subnet", n.network_site_id),
                );
            }
        }
    }
}

fn chassis(f: &mut Findings, id: &str, at: &str) {
    if lis_format::mac_like(id).is_some() && !lis_format::is_hyphen_mac(id) {
        f.raise(
            &c::EMG_CHASSIS_FORMAT,
            at,
            format!("MAC-subtype IDs must be hyphen-separated: `{id}`"),
        );
    }
}

fn area(f: &mut Findings, ncc: &str, tn: &str, addr: &CivicAddress, at: &str) {
    if !area_code::COUNTRIES.contains(&ncc) {
        return;
    }
    let Some((name, prefixes)) = area_code::area_of(ncc, tn) else {
        return;
    };
    let Some(pc) = addr.postal_code.as_deref().filter(|p| !p.trim().is_empty()) else {
        return;
    };
    if !area_code::matches(&prefixes, pc) {
        f.raise(
            &c::EMG_AREA_CODE,
            at,
            format!("Emergency address must match the number's area code: {tn} is a {name} number, but address `{}` has postal code {pc}", addr.id),
        );
    }
}
