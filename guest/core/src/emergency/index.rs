//! An emergency configuration indexed once: every lookup the rules and the
//! resolver make is a hash probe or a prefix-trie walk, whatever the size of
//! the LIS.

use std::collections::HashMap;
use std::net::IpAddr;

use crate::netregex::Regex;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use prefix_trie::PrefixMap;

use super::lis_format::{self, Bssid};
use crate::TenantSnapshot;
use crate::snapshot::fold;
use crate::types::{
    CivicAddress, EmergencyCallRoutingPolicy, EmergencyCallingPolicy, EmergencyConfig, InputError,
    LisPort, LisSubnet, LisSwitch, LisWap, Location, NetworkSite, NetworkSubnet, PstnGateway,
    TrustedIp,
};

/// Longest-prefix lookups over IPv4 and IPv6 ranges.
#[derive(Debug, Clone, Default)]
pub(crate) struct IpTable {
    v4: PrefixMap<Ipv4Net, usize>,
    v6: PrefixMap<Ipv6Net, usize>,
}

impl IpTable {
    /// Insert a range; returns the index it replaced, if any.
    pub(crate) fn insert(&mut self, net: IpNet, value: usize) -> Option<usize> {
        match net {
            IpNet::V4(n) => self.v4.insert(n, value),
            IpNet::V6(n) => self.v6.insert(n, value),
        }
    }

    /// The most specific range holding `ip`: (range, value).
    pub(crate) fn lookup(&self, ip: IpAddr) -> Option<(IpNet, usize)> {
        match ip {
            IpAddr::V4(a) => self
                .v4
                .get_lpm(&Ipv4Net::from(a))
                .map(|(n, v)| (IpNet::V4(n), *v)),
            IpAddr::V6(a) => self
                .v6
                .get_lpm(&Ipv6Net::from(a))
                .map(|(n, v)| (IpNet::V6(n), *v)),
        }
    }

    /// The value stored for exactly this range.
    pub(crate) fn exact(&self, net: IpNet) -> Option<usize> {
        match net {
            IpNet::V4(n) => self.v4.get(&n).copied(),
            IpNet::V6(n) => self.v6.get(&n).copied(),
        }
    }
}

/// An emergency configuration with its indexes. Build it once per
/// configuration version; resolution and checks are then independent of the
/// order the configuration was given in.
#[derive(Debug, Clone)]
pub struct EmergencySnapshot {
    pub(crate) tenant: TenantSnapshot,
    pub(crate) subnets: Vec<LisSubnet>,
    pub(crate) waps: Vec<LisWap>,
    pub(crate) switches: Vec<LisSwitch>,
    pub(crate) ports: Vec<LisPort>,
    pub(crate) trusted_ips: Vec<TrustedIp>,
    pub(crate) sites: Vec<NetworkSite>,
    pub(crate) network_subnets: Vec<NetworkSubnet>,
    pub(crate) ecps: Vec<EmergencyCallingPolicy>,
    pub(crate) ecrps: Vec<EmergencyCallRoutingPolicy>,
    pub(crate) pstn_usages: Vec<String>,
    pub(crate) gateways: Vec<PstnGateway>,

    pub(crate) wap_exact: HashMap<[u8; 6], usize>,
    pub(crate) wap_nibble: HashMap<([u8; 5], u8), usize>,
    pub(crate) wap_octet: HashMap<[u8; 5], usize>,
    pub(crate) port_index: HashMap<(String, String), usize>,
    pub(crate) switch_index: HashMap<String, usize>,
    /// LIS subnets given without a prefix length, by network ID.
    pub(crate) subnet_exact: HashMap<IpAddr, usize>,
    /// LIS subnets given with a prefix length.
    pub(crate) subnet_ranges: IpTable,
    pub(crate) trusted: IpTable,
    pub(crate) site_subnets: IpTable,
    pub(crate) ecp_index: HashMap<String, usize>,
    pub(crate) ecrp_index: HashMap<String, usize>,
    pub(crate) gateway_index: HashMap<String, usize>,
    pub(crate) numbers_by_location: HashMap<String, Vec<usize>>,
    pub(crate) locations_by_address: HashMap<String, Vec<usize>>,
    /// Voice-route patterns compiled once (None: not a pattern Rust's regex reads).
    pub(crate) route_patterns: Vec<Option<Regex>>,
}

fn bad(path: String, message: String) -> InputError {
    InputError { path, message }
}

/// Policy identities: `Tag:HQ` and `HQ` name the same policy.
pub(crate) fn policy_key(s: &str) -> String {
    let f = fold(s);
    f.strip_prefix("tag:").map(str::to_string).unwrap_or(f)
}

/// Insert `key → i`; a key already mapped to an entry with another location
/// makes answers depend on the order of the configuration, so it is refused.
/// Of two entries with the same key and location (spelt differently, e.g.
/// `b8-be-…` and `B8-BE-…`), the one whose spelling sorts first is kept, so
/// that traces do not depend on the order either. `entry_of(i)` is the entry's
/// (location, spelling).
fn insert_unique<K: std::hash::Hash + Eq>(
    map: &mut HashMap<K, usize>,
    key: K,
    i: usize,
    entry_of: impl Fn(usize) -> (String, String),
    path: impl Fn(usize) -> String,
    what: &str,
) -> Result<(), InputError> {
    if let Some(&first) = map.get(&key) {
        let (first_loc, first_text) = entry_of(first);
        let (loc, text) = entry_of(i);
        if fold(&first_loc) == fold(&loc) {
            if (&text, &loc) < (&first_text, &first_loc) {
                map.insert(key, i);
            }
            return Ok(());
        }
        {
            return Err(bad(
                path(i),
                format!(
                    "{what} is also `{}` with another location; one identifier maps to one location (setting it again replaces it)",
                    path(first)
                ),
            ));
        }
    }
    map.insert(key, i);
    Ok(())
}

impl EmergencySnapshot {
    /// Index a configuration. Refuses identifiers mapped to two locations,
    /// unparseable subnets and trusted IPs written as something else than an
    /// address, with the path of the entry at fault (relative to the configuration).
    pub fn new(config: EmergencyConfig) -> Result<Self, InputError> {
        let tenant = TenantSnapshot::new(config.tenant)?;
        let lis = config.lis.unwrap_or(crate::types::Lis {
            subnets: None,
            waps: None,
            switches: None,
            ports: None,
        });
        let mut s = EmergencySnapshot {
            tenant,
            subnets: lis.subnets.unwrap_or_default(),
            waps: lis.waps.unwrap_or_default(),
            switches: lis.switches.unwrap_or_default(),
            ports: lis.ports.unwrap_or_default(),
            trusted_ips: config.trusted_ips.unwrap_or_default(),
            sites: config.network_sites.unwrap_or_default(),
            network_subnets: config.network_subnets.unwrap_or_default(),
            ecps: config.emergency_calling_policies.unwrap_or_default(),
            ecrps: config.emergency_call_routing_policies.unwrap_or_default(),
            pstn_usages: config.pstn_usages.unwrap_or_default(),
            gateways: config.gateways.unwrap_or_default(),
            wap_exact: HashMap::new(),
            wap_nibble: HashMap::new(),
            wap_octet: HashMap::new(),
            port_index: HashMap::new(),
            switch_index: HashMap::new(),
            subnet_exact: HashMap::new(),
            subnet_ranges: IpTable::default(),
            trusted: IpTable::default(),
            site_subnets: IpTable::default(),
            ecp_index: HashMap::new(),
            ecrp_index: HashMap::new(),
            gateway_index: HashMap::new(),
            numbers_by_location: HashMap::new(),
            locations_by_address: HashMap::new(),
            route_patterns: Vec::new(),
        };
        s.index_lis()?;
        s.index_rest()?;
        Ok(s)
    }

    fn index_lis(&mut self) -> Result<(), InputError> {
        let waps = &self.waps;
        for (i, w) in waps.iter().enumerate() {
            let loc = |j: usize| {
                waps.get(j)
                    .map(|w| (w.location_id.clone(), w.bssid.clone()))
                    .unwrap_or_default()
            };
            let path = |j: usize| format!("lis.waps[{j}].bssid");
            // Malformed BSSIDs are left out of the index; EMG-BSSID-FORMAT reports them.
            match lis_format::lis_bssid(&w.bssid) {
                Some(Bssid::Exact(m)) => {
                    insert_unique(&mut self.wap_exact, m, i, loc, path, "this BSSID")?
                }
                Some(Bssid::Nibble(h, n)) => insert_unique(
                    &mut self.wap_nibble,
                    (h, n),
                    i,
                    loc,
                    path,
                    "this BSSID range",
                )?,
                Some(Bssid::Octet(h)) => {
                    insert_unique(&mut self.wap_octet, h, i, loc, path, "this BSSID range")?
                }
                None => {}
            }
        }
        let ports = &self.ports;
        for (i, p) in ports.iter().enumerate() {
            let key = (
                lis_format::lldp_key(&p.chassis_id),
                lis_format::lldp_key(&p.port_id),
            );
            insert_unique(
                &mut self.port_index,
                key,
                i,
                |j| {
                    ports
                        .get(j)
                        .map(|p| {
                            (
                                p.location_id.clone(),
                                format!("{}\u{0}{}", p.chassis_id, p.port_id),
                            )
                        })
                        .unwrap_or_default()
                },
                |j| format!("lis.ports[{j}]"),
                "this chassis and port",
            )?;
        }
        let switches = &self.switches;
        for (i, sw) in switches.iter().enumerate() {
            insert_unique(
                &mut self.switch_index,
                lis_format::lldp_key(&sw.chassis_id),
                i,
                |j| {
                    switches
                        .get(j)
                        .map(|s| (s.location_id.clone(), s.chassis_id.clone()))
                        .unwrap_or_default()
                },
                |j| format!("lis.switches[{j}].chassis_id"),
                "this chassis",
            )?;
        }
        let subnets = &self.subnets;
        for (i, sn) in subnets.iter().enumerate() {
            let path = |j: usize| format!("lis.subnets[{j}].subnet");
            let Some((ip, len)) = lis_format::ip_with_len(&sn.subnet) else {
                return Err(bad(
                    path(i),
                    format!(
                        "`{}` is not an IPv4 or IPv6 address; give the subnet's network ID, e.g. 10.10.10.128",
                        sn.subnet
                    ),
                ));
            };
            let loc = |j: usize| {
                subnets
                    .get(j)
                    .map(|s| (s.location_id.clone(), s.subnet.clone()))
                    .unwrap_or_default()
            };
            match len.or(sn.prefix_length) {
                None => insert_unique(&mut self.subnet_exact, ip, i, loc, path, "this subnet")?,
                Some(len) => {
                    let Some(net) = lis_format::network(ip, len) else {
                        return Err(bad(
                            format!("lis.subnets[{i}].prefix_length"),
                            format!(
                                "prefix length {len} is longer than {} bits",
                                lis_format::max_len(ip)
                            ),
                        ));
                    };
                    if let Some(first) = self.subnet_ranges.exact(net) {
                        let (first_loc, first_text) = loc(first);
                        if fold(&first_loc) != fold(&sn.location_id) {
                            return Err(bad(
                                path(i),
                                format!(
                                    "subnet {net} is also `{}` with another location",
                                    path(first)
                                ),
                            ));
                        }
                        // The same range and location twice: keep the
                        // spelling that sorts first, whatever the order.
                        if (&sn.subnet, &sn.location_id) >= (&first_text, &first_loc) {
                            continue;
                        }
                    }
                    self.subnet_ranges.insert(net, i);
                }
            }
        }
        Ok(())
    }

    fn index_rest(&mut self) -> Result<(), InputError> {
        for (i, t) in self.trusted_ips.iter().enumerate() {
            // Invalid addresses and masks are EMG-TRUSTIP-MASK violations, not input errors.
            if let Some((ip, len)) = lis_format::ip_with_len(&t.ip_address)
                && let Some(net) =
                    lis_format::network(ip, len.or(t.mask_bits).unwrap_or(lis_format::max_len(ip)))
            {
                self.trusted.insert(net, i);
            }
        }
        for (i, n) in self.network_subnets.iter().enumerate() {
            if let Some((ip, _)) = lis_format::ip_with_len(&n.subnet)
                && let Some(net) = lis_format::network(ip, n.mask_bits)
                && self.site_subnets.exact(net).is_none()
            {
                self.site_subnets.insert(net, i);
            }
        }
        for (i, p) in self.ecps.iter().enumerate() {
            self.ecp_index.entry(policy_key(&p.identity)).or_insert(i);
        }
        for (i, p) in self.ecrps.iter().enumerate() {
            self.ecrp_index.entry(policy_key(&p.identity)).or_insert(i);
        }
        for (i, g) in self.gateways.iter().enumerate() {
            self.gateway_index.entry(fold(&g.fqdn)).or_insert(i);
        }
        let tenant = self.tenant.tenant();
        for (i, n) in tenant.numbers.iter().enumerate() {
            if let Some(l) = &n.location_id {
                self.numbers_by_location.entry(fold(l)).or_default().push(i);
            }
        }
        for (i, l) in tenant.locations.iter().enumerate() {
            self.locations_by_address
                .entry(fold(&l.civic_address_id))
                .or_default()
                .push(i);
        }
        self.route_patterns = tenant
            .voice_routes
            .iter()
            .map(|r| crate::netregex::compile(&r.number_pattern).ok())
            .collect();
        Ok(())
    }

    /// A location and its address (either may be missing from the tenant).
    pub(crate) fn place(&self, location_id: &str) -> (Option<&Location>, Option<&CivicAddress>) {
        let loc = self.tenant.find_location(location_id);
        let addr = loc
            .and_then(|l| self.tenant.find_civic_address(&l.civic_address_id))
            // A civic address's id is also its default location's id.
            .or_else(|| self.tenant.find_civic_address(location_id));
        (loc, addr)
    }

    /// The emergency calling policy in effect for a policy name (absent: `Global`).
    pub(crate) fn ecp(&self, name: Option<&str>) -> Option<(usize, &EmergencyCallingPolicy)> {
        let i = *self.ecp_index.get(&policy_key(name.unwrap_or("Global")))?;
        Some((i, self.ecps.get(i)?))
    }

    /// The emergency call routing policy in effect for a policy name (absent: `Global`).
    pub(crate) fn ecrp(&self, name: Option<&str>) -> Option<(usize, &EmergencyCallRoutingPolicy)> {
        let i = *self.ecrp_index.get(&policy_key(name.unwrap_or("Global")))?;
        Some((i, self.ecrps.get(i)?))
    }

    /// Whether a voice route's pattern matches `dialed`.
    pub(crate) fn route_matches(&self, route: usize, dialed: &str) -> bool {
        self.route_patterns
            .get(route)
            .and_then(Option::as_ref)
            .is_some_and(|re| re.is_match(dialed))
    }
}
