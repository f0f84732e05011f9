//! An operator uploading numbers to a tenant ([ACG-NMP], [AC-UPLOAD]).

use std::collections::HashSet;

use super::{country_enabled, location_prereq, operator_checks};
use crate::Findings;
use crate::catalogue as rule;
use crate::phone::{self, Plan};
use crate::snapshot::TenantSnapshot;
use crate::types::{NumberUsage, UploadNumbers};

/// The longest number the upload API takes.
const MAX_UPLOAD_LEN: usize = 19;

/// Evaluate an upload: the operator's set-up once, then every number.
pub(super) fn check(s: &TenantSnapshot, r: &UploadNumbers, f: &mut Findings) {
    // Operator checks that do not depend on the number (country is per number, below).
    let op = operator_checks(s, f, Some(&r.operator_id), "request.operator_id", None);
    let mut no_address_reported = HashSet::new();

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
