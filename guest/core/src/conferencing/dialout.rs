//! OnlineDialOutPolicy (`tag:Dialout…`): the conferencing half of each of the
//! twelve policies ([DIALOUT][DOP]) and the Zone A list ([ZONEA], kept as data).

/// What a policy allows for meeting dial-out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Conferencing {
    /// Any destination.
    Any,
    /// The organizer's own country only.
    Domestic,
    /// Zone A countries only.
    ZoneA,
    /// No dial-out.
    Disabled,
}

/// The twelve policy identities and their conferencing component.
pub const DIAL_OUT_POLICIES: &[&str] = &[
    "DialoutCPCandPSTNInternational",
    "DialoutCPCDomesticPSTNInternational",
    "DialoutCPCDisabledPSTNInternational",
    "DialoutCPCInternationalPSTNDomestic",
    "DialoutCPCInternationalPSTNDisabled",
    "DialoutCPCandPSTNDomestic",
    "DialoutCPCDomesticPSTNDisabled",
    "DialoutCPCDisabledPSTNDomestic",
    "DialoutCPCandPSTNDisabled",
    "DialoutCPCZoneAPSTNInternational",
    "DialoutCPCZoneAPSTNDomestic",
    "DialoutCPCZoneAPSTNDisabled",
];

fn component(name: &str) -> Conferencing {
    // "CPCand…" shares the PSTN half; otherwise the word after "CPC" says it.
    let rest = name.strip_prefix("DialoutCPC").unwrap_or(name);
    if let Some(both) = rest.strip_prefix("andPSTN") {
        return match both {
            "International" => Conferencing::Any,
            "Domestic" => Conferencing::Domestic,
            _ => Conferencing::Disabled,
        };
    }
    if rest.starts_with("International") {
        Conferencing::Any
    } else if rest.starts_with("Domestic") {
        Conferencing::Domestic
    } else if rest.starts_with("ZoneA") {
        Conferencing::ZoneA
    } else {
        Conferencing::Disabled
    }
}

/// Parse a policy identity (`tag:` optional, any case) into its canonical
/// name and conferencing component.
pub(crate) fn parse(policy: &str) -> Option<(&'static str, Conferencing)> {
    let k = super::key(policy);
    DIAL_OUT_POLICIES
        .iter()
        .find(|p| p.to_lowercase() == k)
        .map(|p| (*p, component(p)))
}

const ZONE_A_DATA: &str = include_str!("../../data/zone-a.txt");

/// The Zone A countries and regions ([ZONEA]).
pub fn zone_a() -> impl Iterator<Item = &'static str> {
    ZONE_A_DATA
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Is the country in Zone A?
pub(crate) fn in_zone_a(country: &str) -> bool {
    zone_a().any(|c| c.eq_ignore_ascii_case(country))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_policy_has_the_documented_conferencing_component() {
        use Conferencing::*;
        let expected = [
            Any, Domestic, Disabled, Any, Any, Domestic, Domestic, Disabled, Disabled, ZoneA,
            ZoneA, ZoneA,
        ];
        for (p, e) in DIAL_OUT_POLICIES.iter().zip(expected) {
            assert_eq!(component(p), e, "{p}");
        }
        assert_eq!(
            parse("tag:dialoutcpczoneapstndomestic").map(|p| p.1),
            Some(ZoneA)
        );
        assert_eq!(parse("DialOutPSTNDisabled"), None);
    }

    #[test]
    fn zone_a_has_the_44_listed_countries() {
        assert_eq!(zone_a().count(), 44);
        assert!(in_zone_a("GB") && in_zone_a("pr") && !in_zone_a("EG"));
    }
}
