//! Network identifiers as the LIS cmdlets take them: BSSIDs with wildcards,
//! LLDP chassis and port IDs, IP subnets ([WAP], [SWITCH], [PORT], [SUBNET],
//! [TRUSTIP]).

use std::net::IpAddr;

use ipnet::IpNet;

/// A BSSID of a LIS entry: exact, or a wildcard over its last one or two hex
/// characters (`F0-6E-0B-C2-04-1*`, `F0-6E-0B-C2-04-*`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Bssid {
    /// All six octets.
    Exact([u8; 6]),
    /// Five octets and the high nibble of the sixth (`…-1*`).
    Nibble([u8; 5], u8),
    /// Five octets (`…-*`).
    Octet([u8; 5]),
}

fn hex(c: u8) -> Option<u8> {
    (c as char).to_digit(16).and_then(|d| u8::try_from(d).ok())
}

fn octet(s: &str) -> Option<u8> {
    match s.as_bytes() {
        [a, b] => Some((hex(*a)? << 4) | hex(*b)?),
        _ => None,
    }
}

/// Parse a LIS BSSID in the documented form `nn-nn-nn-nn-nn-nn`, `*` allowed
/// only as the last one or two characters. `None` when it breaks the form.
pub(crate) fn lis_bssid(s: &str) -> Option<Bssid> {
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [a, b, c, d, e, last] = parts.as_slice() else {
        return None;
    };
    let head = [octet(a)?, octet(b)?, octet(c)?, octet(d)?, octet(e)?];
    match last.as_bytes() {
        [b'*'] => Some(Bssid::Octet(head)),
        [n, b'*'] => Some(Bssid::Nibble(head, hex(*n)?)),
        _ => {
            let [h0, h1, h2, h3, h4] = head;
            Some(Bssid::Exact([h0, h1, h2, h3, h4, octet(last)?]))
        }
    }
}

/// Parse the BSSID a client reports: six hex octets separated by '-' or ':'
/// (clients differ), never a wildcard.
pub(crate) fn client_bssid(s: &str) -> Option<[u8; 6]> {
    let parts: Vec<&str> = s.trim().split(['-', ':']).collect();
    let [a, b, c, d, e, f] = parts.as_slice() else {
        return None;
    };
    Some([
        octet(a)?,
        octet(b)?,
        octet(c)?,
        octet(d)?,
        octet(e)?,
        octet(f)?,
    ])
}

/// `AA-BB-CC-DD-EE-FF`.
pub(crate) fn mac_text(m: &[u8]) -> String {
    m.iter()
        .map(|b| format!("{b:02X}"))
        .collect::<Vec<_>>()
        .join("-")
}

/// Does `s` look like a MAC address in some notation (`b8:be:bf:4a:a3:00`,
/// `b8be.bf4a.a300`, `B8BEBF4AA300`, `b8-be-bf-4a-a3-00`)? Returns the six
/// octets when it does.
pub(crate) fn mac_like(s: &str) -> Option<[u8; 6]> {
    let s = s.trim();
    if !s
        .chars()
        .all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '-' | '.'))
    {
        return None;
    }
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    if digits.len() != 12 {
        return None;
    }
    let mut out = [0u8; 6];
    for (slot, pair) in out.iter_mut().zip(digits.chunks(2)) {
        let [a, b] = pair else { return None };
        *slot = (hex(*a)? << 4) | hex(*b)?;
    }
    // Separators, when present, must split it into even groups.
    let groups: Vec<&str> = s.split([':', '-', '.']).collect();
    let even = groups.iter().all(|g| !g.is_empty() && g.len() % 2 == 0);
    even.then_some(out)
}

/// Whether a MAC-like id is in the documented `nn-nn-nn-nn-nn-nn` form.
pub(crate) fn is_hyphen_mac(s: &str) -> bool {
    let parts: Vec<&str> = s.trim().split('-').collect();
    parts.len() == 6 && parts.iter().all(|p| octet(p).is_some())
}

/// The lookup key of a chassis or port ID: MACs in any notation fold to
/// `AA-BB-CC-DD-EE-FF`; other IDs are compared as set on the switch.
pub(crate) fn lldp_key(s: &str) -> String {
    match mac_like(s) {
        Some(m) => mac_text(&m),
        None => s.trim().to_string(),
    }
}

/// An IP address, optionally written `addr/len`.
pub(crate) fn ip_with_len(s: &str) -> Option<(IpAddr, Option<u8>)> {
    let s = s.trim();
    match s.split_once('/') {
        Some((a, l)) => Some((a.parse().ok()?, Some(l.parse().ok()?))),
        None => Some((s.parse().ok()?, None)),
    }
}

/// The widest prefix of an address family.
pub(crate) fn max_len(ip: IpAddr) -> u8 {
    match ip {
        IpAddr::V4(_) => 32,
        IpAddr::V6(_) => 128,
    }
}

/// `ip/len` with the host bits cleared; `None` if `len` is too long.
pub(crate) fn network(ip: IpAddr, len: u8) -> Option<IpNet> {
    IpNet::new(ip, len).ok().map(|n| n.trunc())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bssids_follow_the_documented_form() {
        assert!(matches!(
            lis_bssid("F0-6E-0B-C2-04-*"),
            Some(Bssid::Octet(_))
        ));
        assert!(matches!(
            lis_bssid("f0-6e-0b-c2-04-1*"),
            Some(Bssid::Nibble(_, 1))
        ));
        assert!(matches!(
            lis_bssid("F0-6E-0B-C2-04-1A"),
            Some(Bssid::Exact(_))
        ));
        assert_eq!(lis_bssid("F0-6E-0B-*-04-11"), None);
        assert_eq!(lis_bssid("F0:6E:0B:C2:03:23"), None);
        assert_eq!(lis_bssid("F0-6E-0B-C2-04"), None);
        assert_eq!(lis_bssid("F0-6E-0B-C2-04-**"), None);
        assert_eq!(
            client_bssid("f0:6e:0b:c2:04:1a"),
            client_bssid("F0-6E-0B-C2-04-1A")
        );
    }

    #[test]
    fn macs_are_recognised_in_any_notation() {
        assert!(mac_like("b8:be:bf:4a:a3:00").is_some());
        assert!(mac_like("b8be.bf4a.a300").is_some());
        assert!(mac_like("B8BEBF4AA300").is_some());
        assert!(mac_like("Gi1/0/24").is_none());
        assert!(mac_like("switch-01").is_none());
        assert!(is_hyphen_mac("B8-BE-BF-4A-A3-00"));
        assert!(!is_hyphen_mac("B8:BE:BF:4A:A3:00"));
        assert_eq!(lldp_key("b8:be:bf:4a:a3:00"), "B8-BE-BF-4A-A3-00");
    }
}
