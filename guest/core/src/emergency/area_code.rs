//! EMG-AREA-CODE: in BE, FR, DE, IE, NL and ES a Calling Plan number's
//! emergency address must be in the area its area code serves [EMLOC].
//! Microsoft publishes no area-code data; `data/area-codes.tsv` is a small,
//! hand-kept table of the largest areas, and unlisted area codes are not checked.

const TABLE: &str = include_str!("../../data/area-codes.tsv");

/// Countries the rule applies to.
pub(crate) const COUNTRIES: &[&str] = &["BE", "FR", "DE", "IE", "NL", "ES"];

/// The area a number is in, when the table knows it: (area name, postal prefixes).
pub(crate) fn area_of(
    country: &str,
    telephone_number: &str,
) -> Option<(&'static str, Vec<&'static str>)> {
    let digits: String = telephone_number
        .split(';')
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_digit)
        .collect();
    let mut best: Option<(usize, &'static str, Vec<&'static str>)> = None;
    for line in TABLE.lines().filter(|l| !l.starts_with('#')) {
        let cols: Vec<&'static str> = line.split('\t').collect();
        let [cc, calling, area, postal, name] = cols.as_slice() else {
            continue;
        };
        if !cc.eq_ignore_ascii_case(country) {
            continue;
        }
        let Some(national) = digits.strip_prefix(calling) else {
            continue;
        };
        // National significant numbers drop the trunk 0; tolerate it.
        let national = national.strip_prefix('0').unwrap_or(national);
        if national.starts_with(area) && best.as_ref().is_none_or(|(len, ..)| area.len() > *len) {
            best = Some((area.len(), name, postal.split(',').collect()));
        }
    }
    best.map(|(_, name, postal)| (name, postal))
}

/// Whether `postal_code` is in the area (`None` when the area is unknown).
pub(crate) fn matches(prefixes: &[&str], postal_code: &str) -> bool {
    let pc = postal_code.trim().to_ascii_uppercase();
    prefixes.iter().any(|p| pc.starts_with(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn berlin_numbers_are_in_berlin() {
        let (name, prefixes) = area_of("DE", "+493012345678").unwrap_or_else(|| unreachable!());
        assert_eq!(name, "Berlin");
        assert!(matches(&prefixes, "10115"));
        assert!(!matches(&prefixes, "80331"));
        assert!(area_of("DE", "+4935112345").is_none());
        assert!(area_of("US", "+14255550101").is_none());
    }
}
