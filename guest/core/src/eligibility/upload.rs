//! An operator uploading numbers to a tenant ([ACG-NMP], [AC-UPLOAD]).

use std::collections::{HashMap, HashSet};

use super::{country_enabled, location_prereq, operator_checks};
use crate::Findings;
use crate::catalogue as rule;
use crate::phone::{self, Plan};
use crate::snapshot::{TenantSnapshot, fold};
use crate::types::{
    Capability, NumberType, NumberUsage, PhoneNumber, UploadNumbers, UploadedNumber,
};

/// The longest number the upload API takes.
const MAX_UPLOAD_LEN: usize = 19;

/// Evaluate an upload: the operator's set-up once, then every number.
pub(super) fn check(s: &TenantSnapshot, r: &UploadNumbers, f: &mut Findings) {
    // Operator checks that do not depend on the number (country is per number, below).
    let op = operator_checks(s, f, Some(&r.operator_id), "request.operator_id", None);
    let mut no_address_reported = HashSet::new();
    // The numbers listed so far, by key: a number listed twice is stored once.
    let mut listed: HashMap<String, (usize, Option<String>)> = HashMap::new();

    for (i, u) in r.numbers.iter().enumerate() {
        let at = |field: &str| format!("request.numbers[{i}].{field}");
        let raw = u.telephone_number.trim();
        let digits = raw.strip_prefix('+').unwrap_or(raw);
        if digits.is_empty()
            || !digits.bytes().all(|b| b.is_ascii_digit())
            || raw.len() > MAX_UPLOAD_LEN
        {
            f.raise(
                &rule::OPERATOR_UPLOAD_FORMAT,
                at("telephone_number"),
                format!(
                    "Operator-uploaded numbers must be E.164 digits, ≤19 chars: `{raw}` {}",
                    if raw.len() > MAX_UPLOAD_LEN {
                        format!("has {} characters", raw.len())
                    } else {
                        "is not digits with an optional leading '+'".to_string()
                    }
                ),
            );
            continue;
        }
        // The numbering plan answers "has it a country code?" and gives the country
        // when the operator did not state one.
        let country = match (phone::plan(digits), &u.iso_country_code) {
            (
                Plan::Invalid {
                    country_code_ok: false,
                    reason,
                },
                _,
            ) => {
                f.raise(
                    &rule::OPERATOR_UPLOAD_FORMAT,
                    at("telephone_number"),
                    format!("Operator-uploaded numbers must include the country code: `{raw}` has none ({reason})"),
                );
                continue;
            }
            (
                Plan::Valid {
                    toll_free: true, ..
                },
                None,
            ) if digits.starts_with('1') => {
                f.raise(
                    &rule::OPERATOR_UPLOAD_FORMAT,
                    at("iso_country_code"),
                    format!("`{raw}` is a North American toll-free number: the upload must state its country"),
                );
                continue;
            }
            (Plan::Pending, stated) => {
                f.raise(
                    &rule::PLAN_PENDING,
                    at("telephone_number"),
                    phone::pending_message(raw, "the country code check"),
                );
                stated.as_ref().map(|cc| cc.trim().to_ascii_uppercase())
            }
            (_, Some(cc)) => Some(cc.trim().to_ascii_uppercase()),
            (Plan::Valid { region, .. }, None) => Some(region),
            (Plan::Invalid { reason, .. }, None) => {
                f.raise(
                    &rule::NUM_PLAN,
                    at("telephone_number"),
                    format!("`{raw}` is not a valid number in its country's numbering plan ({reason}); state iso_country_code to upload it anyway"),
                );
                None
            }
        };
        if let Some(key) = phone::key_of(raw)
            && held_already(s, f, r, i, u, &key, country.as_deref(), &mut listed)
        {
            continue;
        }
        if let (Some(op), Some(cc)) = (op, &country) {
            country_enabled(
                f,
                op,
                cc,
                &at("telephone_number"),
                &format!(" (number `{raw}`)"),
            );
        }
        if u.usage == NumberUsage::CallingUserAssignment && !u.location_update_supported {
            location_prereq(
                s,
                f,
                u.location_id.as_deref(),
                &at("location_id"),
                &format!("`{raw}`"),
            );
            if let Some(cc) = &country
                && !s.has_validated_address_in(cc)
                && no_address_reported.insert(cc.clone())
            {
                f.raise(
                    &rule::OC_NO_ADDRESS_IN_COUNTRY,
                    at("telephone_number"),
                    format!(
                        "No emergency address exists in {cc}; operator cannot attach a location"
                    ),
                );
            }
        }
    }
}

/// The capability a number uploaded for `usage` is held with.
fn capability(usage: NumberUsage) -> Capability {
    match usage {
        NumberUsage::CallingUserAssignment => Capability::UserAssignment,
        NumberUsage::FirstPartyAppAssignment => Capability::VoiceApplicationAssignment,
        NumberUsage::ConferenceAssignment => Capability::ConferenceAssignment,
    }
}

/// Whether two optional ids are the same, as Teams compares them.
fn same_id(a: Option<&str>, b: Option<&str>) -> bool {
    a.map(fold) == b.map(fold)
}

/// What differs between a held record and an upload of it, if anything.
fn difference(
    held: &PhoneNumber,
    operator: &str,
    u: &UploadedNumber,
    country: Option<&str>,
) -> Option<String> {
    if held.number_type != NumberType::OperatorConnect {
        return Some(format!("it is held as a {:?} number", held.number_type));
    }
    if !same_id(held.operator_id.as_deref(), Some(operator)) {
        return Some(format!(
            "it is held from operator `{}`",
            held.operator_id.as_deref().unwrap_or("(none)")
        ));
    }
    if held.capabilities != [capability(u.usage)] {
        return Some(format!(
            "it is held with capabilities {:?}, the upload asks for {:?}",
            held.capabilities, u.usage
        ));
    }
    if let Some(cc) = country
        && !held.iso_country_code.trim().eq_ignore_ascii_case(cc)
    {
        return Some(format!(
            "it is held in country `{}`, the upload says `{cc}`",
            held.iso_country_code
        ));
    }
    if !same_id(held.location_id.as_deref(), u.location_id.as_deref()) {
        return Some(format!(
            "it is held at location `{}`, the upload says `{}`",
            held.location_id.as_deref().unwrap_or("(none)"),
            u.location_id.as_deref().unwrap_or("(none)")
        ));
    }
    if held.location_update_supported != u.location_update_supported {
        return Some(format!(
            "it is held with location_update_supported {}, the upload says {}",
            held.location_update_supported, u.location_update_supported
        ));
    }
    None
}

/// ELIG-UPLOAD-HELD and ELIG-UPLOAD-UNCHANGED for the `i`th uploaded number
/// (key `key`): true when the number is already held or already listed, so
/// the rest of its checks do not apply (it is either left as it is, or refused).
#[allow(clippy::too_many_arguments)]
fn held_already(
    s: &TenantSnapshot,
    f: &mut Findings,
    r: &UploadNumbers,
    i: usize,
    u: &UploadedNumber,
    key: &str,
    country: Option<&str>,
    listed: &mut HashMap<String, (usize, Option<String>)>,
) -> bool {
    let at = format!("request.numbers[{i}].telephone_number");
    let raw = u.telephone_number.trim();
    if let Some((_, held)) = s.number(key) {
        match difference(held, &r.operator_id, u, country) {
            None => f.raise(
                &rule::UPLOAD_UNCHANGED,
                at,
                format!("`{raw}` is already held as uploaded; nothing changes"),
            ),
            Some(why) => f.raise(
                &rule::UPLOAD_HELD,
                at,
                format!("`{raw}` is already in the tenant's inventory and an upload does not change it: {why}"),
            ),
        }
        return true;
    }
    let this = (capability(u.usage), country.map(str::to_string));
    if let Some((first, first_country)) = listed.get(key) {
        let earlier = r.numbers.get(*first);
        let alike = earlier.is_some_and(|e| {
            capability(e.usage) == this.0
                && first_country == &this.1
                && same_id(e.location_id.as_deref(), u.location_id.as_deref())
                && e.location_update_supported == u.location_update_supported
        });
        if alike {
            f.raise(
                &rule::UPLOAD_UNCHANGED,
                at,
                format!("`{raw}` is listed twice alike (first at request.numbers[{first}]); it is stored once"),
            );
        } else {
            f.raise(
                &rule::UPLOAD_HELD,
                at,
                format!("`{raw}` is also at request.numbers[{first}], differently; list each number once"),
            );
        }
        return true;
    }
    listed.insert(key.to_string(), (i, this.1));
    false
}
