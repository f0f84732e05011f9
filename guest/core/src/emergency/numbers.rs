//! The emergency-number table: per country, the numbers Teams treats as
//! emergency numbers and their dial-mask variants ([EMNUM]), kept as data in
//! `guest/core/data/emergency-numbers.tsv` with its source in the header.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::types::CountryEmergencyNumbers;

const TABLE: &str = include_str!("../../data/emergency-numbers.tsv");

/// 933 is the emergency-calling test number in the US and Canada [DYN]; the
/// 2024 edition of [EMNUM] listed it for the US, CA and PR.
const TEST_NUMBER_COUNTRIES: &[&str] = &["US", "CA", "PR"];

fn table() -> &'static HashMap<&'static str, CountryEmergencyNumbers> {
    static PARSED: OnceLock<HashMap<&'static str, CountryEmergencyNumbers>> = OnceLock::new();
    PARSED.get_or_init(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|line| {
                let mut cols = line.split('\t');
                let country = cols.next()?;
                let prefix = cols.next()?;
                let words = |s: Option<&str>| -> Vec<String> {
                    s.unwrap_or("")
                        .split_whitespace()
                        .map(str::to_string)
                        .collect()
                };
                let numbers = words(cols.next());
                let dial_masks = words(cols.next());
                let test_numbers = if TEST_NUMBER_COUNTRIES.contains(&country) {
                    vec!["933".to_string()]
                } else {
                    Vec::new()
                };
                Some((
                    country,
                    CountryEmergencyNumbers {
                        country: country.to_string(),
                        prefix: prefix.to_string(),
                        numbers,
                        dial_masks,
                        test_numbers,
                    },
                ))
            })
            .collect()
    })
}

/// The emergency numbers of a country (ISO 3166-1 alpha-2, any case).
pub fn for_country(country: &str) -> Option<CountryEmergencyNumbers> {
    table()
        .get(country.trim().to_ascii_uppercase().as_str())
        .cloned()
}

/// Every country in the table, sorted.
pub fn countries() -> Vec<&'static str> {
    let mut all: Vec<&str> = table().keys().copied().collect();
    all.sort_unstable();
    all
}

/// Whether `dial` is an emergency number, dial-mask variant or test number of
/// `country`. `None` when the table does not know the country.
pub(crate) fn recognises(country: &str, dial: &str) -> Option<bool> {
    let entry = table().get(country.trim().to_ascii_uppercase().as_str())?;
    let dial = dial.trim();
    Some(
        entry
            .numbers
            .iter()
            .chain(&entry.dial_masks)
            .chain(&entry.test_numbers)
            .any(|n| n == dial),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_matches_the_reference_rows() {
        let us = for_country("us").unwrap_or_else(|| unreachable!());
        assert_eq!(us.numbers, ["911"]);
        assert_eq!(us.dial_masks, ["1911", "19911", "11911", "9911"]);
        let gb = for_country("GB").unwrap_or_else(|| unreachable!());
        assert_eq!(gb.numbers, ["999", "112", "18000"]);
        assert_eq!(gb.dial_masks, ["44999", "44112", "4418000"]);
        let au = for_country("AU").unwrap_or_else(|| unreachable!());
        assert!(au.dial_masks.contains(&"112".to_string()));
        let zw = for_country("ZW").unwrap_or_else(|| unreachable!());
        assert!(zw.numbers.is_empty());
        assert!(countries().len() > 200);
        assert_eq!(recognises("DE", "112"), Some(true));
        assert_eq!(recognises("DE", "911"), Some(false));
        assert_eq!(recognises("US", "933"), Some(true));
        assert_eq!(recognises("XX", "112"), None);
    }
}
