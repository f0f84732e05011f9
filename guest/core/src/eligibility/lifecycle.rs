//! Releasing, blocking, re-locating and migrating numbers, and removing operators.

use super::{country_enabled, inventory, operator_checks, same_country, shaped, type_name};
use crate::Findings;
use crate::catalogue as rule;
use crate::json::name;
use crate::phone::{self, Plan};
use crate::snapshot::{TenantSnapshot, fold};
use crate::timestamp;
use crate::types::{
    AssignmentBlock, AssignmentStatus, InputError, MigrateToOperatorConnect, NumberType,
    ReleaseNumber, RemoveOperator, SetAssignmentBlock, UpdateNumberLocation,
};

/// How many numbers a message lists before it says "and N more".
const LIST_AT_MOST: usize = 5;

/// Removing an operator, or one of its countries ([OCCONF], [OCCCONF]).
pub(super) fn remove_operator(s: &TenantSnapshot, r: &RemoveOperator, f: &mut Findings) {
    let country = r.country.as_deref().map(|c| (c, "request.country"));
    if operator_checks_for_removal(s, f, r, country).is_none() {
        return;
    }
    let mut held = Vec::new();
    let mut first = None;
    for (i, n) in s.tenant().numbers.iter().enumerate() {
        let ours = n
            .operator_id
            .as_deref()
            .is_some_and(|o| fold(o) == fold(&r.operator_id));
        let in_scope = r
            .country
            .as_deref()
            .is_none_or(|c| same_country(c, &n.iso_country_code));
        if ours && in_scope && n.assignment_status != AssignmentStatus::Unassigned {
            first.get_or_insert(i);
            held.push(n.telephone_number.as_str());
        }
    }
    if let Some(i) = first {
        let scope = match &r.country {
            Some(c) => format!(
                "operator {} in {}",
                r.operator_id,
                c.trim().to_ascii_uppercase()
            ),
            None => format!("operator {}", r.operator_id),
        };
        f.raise(
            &rule::REMOVE_OPERATOR,
            format!("tenant.numbers[{i}].assignment_status"),
            format!(
                "Unassign and release numbers before removing operator/country: {} number(s) of {scope} are still assigned: {}",
                held.len(),
                listed(&held)
            ),
        );
    }
}

/// Removal only needs the operator to be added and the country enabled; its
/// set-up completeness is irrelevant to removing it.
fn operator_checks_for_removal<'s>(
    s: &'s TenantSnapshot,
    f: &mut Findings,
    r: &RemoveOperator,
    country: Option<(&str, &str)>,
) -> Option<&'s crate::types::TenantOperator> {
    let Some((_, op)) = s.operator(&r.operator_id) else {
        f.raise(
            &rule::OPERATOR_NOT_ADDED,
            "request.operator_id",
            format!(
                "operator `{}` has not been added to tenant `{}`",
                r.operator_id,
                s.tenant().tenant_id
            ),
        );
        return None;
    };
    if let Some((cc, path)) = country {
        country_enabled(f, op, cc, path, ", so it cannot be removed");
    }
    Some(op)
}

/// Releasing a number ([OCCONF]).
pub(super) fn release(s: &TenantSnapshot, r: &ReleaseNumber, f: &mut Findings) {
    let Some(n) = shaped(f, &r.telephone_number, "request.telephone_number") else {
        return;
    };
    let Some((i, inv)) = inventory(s, f, &n, "request.telephone_number") else {
        return;
    };
    if inv.assignment_status != AssignmentStatus::Unassigned {
        f.raise(
            &rule::RELEASE_ASSIGNED,
            format!("tenant.numbers[{i}].assignment_status"),
            format!("Unassign number before release: `{n}` is {}", held_by(inv)),
        );
    }
}

/// Moving a Direct Routing number to Operator Connect ([OCCONF]).
pub(super) fn migrate(s: &TenantSnapshot, r: &MigrateToOperatorConnect, f: &mut Findings) {
    let Some(n) = shaped(f, &r.telephone_number, "request.telephone_number") else {
        return;
    };
    let key = n.key();
    let mut country = None;
    if let Some((i, inv)) = s.number(&key) {
        country = Some(inv.iso_country_code.trim().to_ascii_uppercase());
        if inv.number_type != NumberType::DirectRouting {
            f.raise(
                &rule::TYPE_MISMATCH,
                format!("tenant.numbers[{i}].number_type"),
                format!(
                    "Number type DirectRouting does not match acquired type {}: only Direct Routing numbers migrate to Operator Connect",
                    type_name(inv.number_type)
                ),
            );
        } else if inv.assignment_status != AssignmentStatus::Unassigned {
            f.raise(
                &rule::DR_MIGRATION,
                format!("tenant.numbers[{i}].assignment_status"),
                format!(
                    "Remove DR assignment/on-prem LineURI before OC migration: `{n}` is still {}",
                    held_by(inv)
                ),
            );
        }
    }
    for (ai, a) in s.tenant().accounts.iter().enumerate() {
        if a.on_prem_line_uri
            .as_deref()
            .and_then(phone::key_of)
            .is_some_and(|k| k == key)
        {
            f.raise(
                &rule::DR_MIGRATION,
                format!("tenant.accounts[{ai}].on_prem_line_uri"),
                format!(
                    "Remove DR assignment/on-prem LineURI before OC migration: `{}` still has LineURI {n} from on-premises AD",
                    a.identity
                ),
            );
        }
    }
    if country.is_none() {
        match phone::plan(&n.digits) {
            Plan::Valid { region, .. } => country = Some(region),
            Plan::Pending => f.raise(
                &rule::PLAN_PENDING,
                "request.telephone_number",
                phone::pending_message(&n.to_string(), "the number's country"),
            ),
            Plan::Invalid { .. } => {}
        }
    }
    operator_checks(
        s,
        f,
        Some(&r.operator_id),
        "request.operator_id",
        country.as_deref().map(|c| (c, "request.telephone_number")),
    );
}

/// Blocking a number from assignment ([BLOCK], [REMPNA]).
pub(super) fn block(
    s: &TenantSnapshot,
    r: &SetAssignmentBlock,
    f: &mut Findings,
) -> Result<(), InputError> {
    if r.blocked_forever && r.blocked_days.is_some() {
        f.raise(
            &rule::BLOCK_PARAMS,
            "request.blocked_days",
            "Invalid assignment block: AssignmentBlockedForever and AssignmentBlockedDays cannot both be set",
        );
    } else if !r.blocked_forever && r.blocked_days.is_none() {
        f.raise(
            &rule::BLOCK_PARAMS,
            "request.blocked_days",
            "Invalid assignment block: set AssignmentBlockedForever or AssignmentBlockedDays",
        );
    }
    if let Some(days) = r.blocked_days
        && !(1..=365).contains(&days)
    {
        f.raise(
            &rule::BLOCK_PARAMS,
            "request.blocked_days",
            format!("Invalid assignment block: AssignmentBlockedDays must be 1 to 365, not {days}"),
        );
    }
    let Some(n) = shaped(f, &r.telephone_number, "request.telephone_number") else {
        return Ok(());
    };
    let Some((i, inv)) = inventory(s, f, &n, "request.telephone_number") else {
        return Ok(());
    };
    let existing = match &inv.block {
        None | Some(AssignmentBlock::NotBlocked) => None,
        Some(AssignmentBlock::BlockedForever) => Some("forever".to_string()),
        Some(AssignmentBlock::BlockedUntil(until)) => {
            let until_t = timestamp::parse(until, &format!("tenant.numbers[{i}].block"))?;
            let expired = match &r.now {
                Some(now) => timestamp::parse(now, "request.now")? >= until_t,
                None => false,
            };
            (!expired).then(|| format!("until {until}"))
        }
    };
    if let Some(when) = existing {
        f.raise(
            &rule::BLOCK_PARAMS,
            format!("tenant.numbers[{i}].block"),
            format!("Invalid assignment block: `{n}` is already blocked ({when}); remove that block first"),
        );
    }
    Ok(())
}

/// Changing or clearing a number's emergency location ([SETPNA], [GETPNA]).
pub(super) fn update_location(
    s: &TenantSnapshot,
    r: &UpdateNumberLocation,
    f: &mut Findings,
) -> Result<(), InputError> {
    let Some(n) = shaped(f, &r.telephone_number, "request.telephone_number") else {
        return Ok(());
    };
    let Some((i, inv)) = inventory(s, f, &n, "request.telephone_number") else {
        return Ok(());
    };
    let target = r
        .location_id
        .as_deref()
        .filter(|l| !l.trim().eq_ignore_ascii_case("null"));
    if let Some(l) = target
        && s.find_location(l).is_none()
    {
        return Err(InputError {
            path: "request.location_id".into(),
            message: format!(
                "no location `{l}` in tenant.locations; create it first or fix the id"
            ),
        });
    }
    let unchanged = match (target, inv.location_id.as_deref()) {
        (Some(new), Some(cur)) => fold(new) == fold(cur),
        (None, None) => true,
        _ => false,
    };
    if unchanged {
        return Ok(());
    }
    if !inv.location_update_supported {
        f.raise(
            &rule::LOCATION_UPDATE_LOCKED,
            format!("tenant.numbers[{i}].location_update_supported"),
            format!("Location on this number is managed by the operator: `{n}` has LocationUpdateSupported = False"),
        );
    }
    if target.is_none() && inv.number_type == NumberType::CallingPlan {
        f.raise(
            &rule::LOCATION_NULL,
            "request.location_id",
            "Location removal supported only for DR and non-Service-Desk OC numbers: this is a CallingPlan number",
        );
    }
    Ok(())
}

/// How a number is held, for messages: `UserAssigned to bob@contoso.com`.
fn held_by(inv: &crate::types::PhoneNumber) -> String {
    match &inv.assigned_target {
        Some(t) => format!("{} to {t}", name(&inv.assignment_status)),
        None => name(&inv.assignment_status),
    }
}

fn listed(items: &[&str]) -> String {
    let shown: Vec<&str> = items.iter().take(LIST_AT_MOST).copied().collect();
    let more = items.len().saturating_sub(LIST_AT_MOST);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
