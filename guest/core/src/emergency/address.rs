//! Civic-address rules: what an emergency address must hold for its country
//! and connectivity ([NEWCA], [EMLOC], [SETCA], [CPEMERG]).

use crate::Findings;
use crate::catalogue as c;
use crate::types::{CivicAddress, Location, NumberType, ValidationStatus};

/// Countries where latitude and longitude are optional [NEWCA].
const LATLONG_OPTIONAL: &[&str] = &["AU", "JP"];
/// Calling Plan: state or province required [EMLOC].
const STATE_REQUIRED: &[&str] = &["CA", "IL", "IT", "US"];
/// Calling Plan: company tax id required [EMLOC].
const TAXID_REQUIRED: &[&str] = &[
    "BE", "CZ", "IT", "NL", "NO", "PL", "PT", "RO", "SG", "SK", "ES", "SE",
];
/// Calling Plan: street type required [EMLOC].
const STREETTYPE_REQUIRED: &[&str] = &["IT"];
/// Where validated addresses may be edited at all [SETCA].
const EDITABLE_COUNTRIES: &[&str] = &[
    "AU", "BR", "CA", "HR", "CZ", "EE", "HK", "HU", "IL", "JP", "LV", "LT", "MX", "NZ", "PL", "PR",
    "RO", "SG", "KR", "SI", "ZA", "US",
];

fn blank(s: &Option<String>) -> bool {
    s.as_deref().is_none_or(|v| v.trim().is_empty())
}

/// The address's country in capitals, trimmed.
pub(crate) fn country(a: &CivicAddress) -> String {
    a.country_or_region.trim().to_ascii_uppercase()
}

/// Whether `code` is an ISO 3166-1 alpha-2 code (any case).
pub(crate) fn is_iso_country(code: &str) -> bool {
    code.len() == 2 && isocountry::CountryCode::for_alpha2_caseless(code).is_ok()
}

/// Every rule about one address. `at` is the path of the address in the input
/// (`address`, `request.address`); `location` and `location_at` are the place
/// under it, when known; `previous` is the stored version an edit replaces.
pub(crate) fn check(
    f: &mut Findings,
    a: &CivicAddress,
    at: &str,
    connectivity: Option<NumberType>,
    location: Option<(&Location, &str)>,
    previous: Option<&CivicAddress>,
) {
    let cc = country(a);
    if a.company_name.trim().is_empty() {
        f.raise(
            &c::EMG_CA_MANDATORY,
            format!("{at}.company_name"),
            "CompanyName is required",
        );
    }
    if cc.is_empty() {
        f.raise(
            &c::EMG_CA_MANDATORY,
            format!("{at}.country_or_region"),
            "CountryOrRegion is required",
        );
    } else if !is_iso_country(&cc) {
        f.raise(
            &c::EMG_CA_COUNTRY_ISO,
            format!("{at}.country_or_region"),
            format!(
                "CountryOrRegion `{}` is not an ISO 3166-1 alpha-2 code",
                a.country_or_region
            ),
        );
    }
    coordinates(f, a, at, &cc);
    if connectivity == Some(NumberType::CallingPlan) {
        calling_plan(f, a, at, &cc);
    }
    if cc == "US" && a.multi_floor == Some(true) {
        let place = location.and_then(|(l, _)| l.place.as_deref());
        if place.is_none_or(|p| p.trim().is_empty()) {
            let path = match location {
                Some((_, lat)) => format!("{lat}.place"),
                None => format!("{at}.multi_floor"),
            };
            f.raise(
                &c::EMG_RAYBAUM_DISPATCHABLE,
                path,
                "the building has several floors or suites, but the location names no floor, suite or room: a street address alone is not a dispatchable location",
            );
        }
    }
    if let Some(old) = previous {
        edit(f, old, a, at);
    }
}

fn coordinates(f: &mut Findings, a: &CivicAddress, at: &str, cc: &str) {
    let missing: Vec<&str> = [("latitude", a.latitude), ("longitude", a.longitude)]
        .iter()
        .filter(|(_, v)| v.is_none())
        .map(|(n, _)| *n)
        .collect();
    if let Some(first) = missing.first()
        && !LATLONG_OPTIONAL.contains(&cc)
    {
        f.raise(
            &c::EMG_LATLONG_REQUIRED,
            format!("{at}.{first}"),
            format!(
                "{} required for {} (optional only in AU and JP)",
                missing.join(" and "),
                if cc.is_empty() { "this address" } else { cc }
            ),
        );
    }
    if let Some(lat) = a.latitude
        && !(lat.is_finite() && (-90.0..=90.0).contains(&lat))
    {
        f.raise(
            &c::EMG_LATLONG_RANGE,
            format!("{at}.latitude"),
            format!("latitude {lat} is not within -90..90 decimal degrees"),
        );
    }
    if let Some(lon) = a.longitude
        && !(lon.is_finite() && (-180.0..=180.0).contains(&lon))
    {
        f.raise(
            &c::EMG_LATLONG_RANGE,
            format!("{at}.longitude"),
            format!("longitude {lon} is not within -180..180 decimal degrees"),
        );
    }
}

fn calling_plan(f: &mut Findings, a: &CivicAddress, at: &str, cc: &str) {
    let fields: [(&str, bool); 7] = [
        ("house_number", blank(&a.house_number)),
        ("street_name", blank(&a.street_name)),
        ("city", blank(&a.city)),
        ("postal_code", blank(&a.postal_code)),
        ("latitude", a.latitude.is_none()),
        ("longitude", a.longitude.is_none()),
        ("company_name", a.company_name.trim().is_empty()),
    ];
    for (field, missing) in fields {
        if missing {
            f.raise(
                &c::EMG_CP_FIELDS,
                format!("{at}.{field}"),
                format!("Calling Plan address missing {field}"),
            );
        }
    }
    if STATE_REQUIRED.contains(&cc) && blank(&a.state_or_province) {
        f.raise(
            &c::EMG_CP_STATE,
            format!("{at}.state_or_province"),
            format!("State/Province required for {cc}"),
        );
    }
    if TAXID_REQUIRED.contains(&cc) && blank(&a.company_tax_id) {
        f.raise(
            &c::EMG_CP_TAXID,
            format!("{at}.company_tax_id"),
            format!("Company tax ID required for {cc}"),
        );
    }
    if STREETTYPE_REQUIRED.contains(&cc) && blank(&a.street_suffix) {
        f.raise(
            &c::EMG_CP_STREETTYPE,
            format!("{at}.street_suffix"),
            format!("Street type required for {cc}"),
        );
    }
    if cc == "JP" {
        f.raise(
            &c::EMG_CP_JP,
            format!("{at}.country_or_region"),
            "Emergency calling is not supported for Japan Calling Plan",
        );
    }
}

/// EMG-EDIT-VALIDATED: what of a validated address may change.
fn edit(f: &mut Findings, old: &CivicAddress, new: &CivicAddress, at: &str) {
    if old.validation_status != ValidationStatus::Validated {
        return;
    }
    let opt = |a: &Option<String>, b: &Option<String>| {
        a.as_deref().map(str::trim).unwrap_or("") != b.as_deref().map(str::trim).unwrap_or("")
    };
    // (field, changed, publicly editable)
    let fields: [(&str, bool, bool); 17] = [
        (
            "company_name",
            old.company_name.trim() != new.company_name.trim(),
            true,
        ),
        ("country_or_region", country(old) != country(new), true),
        ("city", opt(&old.city, &new.city), true),
        ("description", opt(&old.description, &new.description), true),
        (
            "house_number",
            opt(&old.house_number, &new.house_number),
            true,
        ),
        ("latitude", old.latitude != new.latitude, true),
        ("longitude", old.longitude != new.longitude, true),
        ("postal_code", opt(&old.postal_code, &new.postal_code), true),
        (
            "state_or_province",
            opt(&old.state_or_province, &new.state_or_province),
            true,
        ),
        ("street_name", opt(&old.street_name, &new.street_name), true),
        ("elin", opt(&old.elin, &new.elin), true),
        ("city_alias", opt(&old.city_alias, &new.city_alias), false),
        (
            "company_tax_id",
            opt(&old.company_tax_id, &new.company_tax_id),
            false,
        ),
        (
            "house_number_suffix",
            opt(&old.house_number_suffix, &new.house_number_suffix),
            false,
        ),
        (
            "pre_directional",
            opt(&old.pre_directional, &new.pre_directional),
            false,
        ),
        (
            "post_directional",
            opt(&old.post_directional, &new.post_directional),
            false,
        ),
        (
            "street_suffix",
            opt(&old.street_suffix, &new.street_suffix),
            false,
        ),
    ];
    let changed: Vec<(&str, bool)> = fields
        .iter()
        .filter(|(_, ch, _)| *ch)
        .map(|(n, _, e)| (*n, *e))
        .collect();
    let Some((first, _)) = changed.first() else {
        return;
    };
    let old_cc = country(old);
    if !EDITABLE_COUNTRIES.contains(&old_cc.as_str()) {
        f.raise(
            &c::EMG_EDIT_VALIDATED,
            format!("{at}.{first}"),
            format!(
                "address `{}` is validated and in {old_cc}, where validated addresses cannot be edited; delete and recreate it",
                new.id
            ),
        );
        return;
    }
    let new_cc = country(new);
    if new_cc != old_cc && !EDITABLE_COUNTRIES.contains(&new_cc.as_str()) {
        f.raise(
            &c::EMG_EDIT_VALIDATED,
            format!("{at}.country_or_region"),
            format!(
                "a validated address can move only between editable countries, not to {new_cc}"
            ),
        );
    }
    for (field, editable) in changed {
        if !editable {
            f.raise(
                &c::EMG_EDIT_VALIDATED,
                format!("{at}.{field}"),
                format!(
                    "{field} of validated address `{}` is not publicly editable; delete and recreate the address",
                    new.id
                ),
            );
        }
    }
}
