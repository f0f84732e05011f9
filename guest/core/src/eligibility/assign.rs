//! Assigning a number to a user, a resource account or the conferencing bridge
//! (`Set-CsPhoneNumberAssignment`).

use super::{inventory, location_prereq, operator_checks, same_country, shaped, type_name};
use crate::Findings;
use crate::catalogue as rule;
use crate::json::name;
use crate::licences;
use crate::phone::{self, Plan};
use crate::snapshot::{TenantSnapshot, fold};
use crate::timestamp;
use crate::types::{
    Account, AccountKind, ActivationState, AssignNumber, AssignmentBlock, AssignmentCategory,
    AssignmentStatus, Capability, InputError, NumberType, PhoneNumber, TargetKind, TeamsMode,
};

/// Evaluate an assignment.
pub(super) fn check(
    s: &TenantSnapshot,
    r: &AssignNumber,
    f: &mut Findings,
) -> Result<(), InputError> {
    let mut number = shaped(f, &r.telephone_number, "request.telephone_number");
    if let Some(n) = &number
        && n.ext.is_some()
        && r.number_type != NumberType::DirectRouting
    {
        // An extension number can never be a Calling Plan or Operator Connect
        // number, so the inventory checks would only repeat the point.
        let n = n.clone();
        number = None;
        f.raise(
            &rule::EXT_DR_ONLY,
            "request.telephone_number",
            format!(
                "Extensions are only supported for Direct Routing numbers: `{n}` is requested as {}",
                type_name(r.number_type)
            ),
        );
    }

    // The number's country: the inventory's IsoCountryCode, or, for a number the
    // inventory does not hold (Direct Routing), the numbering plan.
    let mut country: Option<String> = None;
    if let Some(n) = &number {
        let in_inventory = s.number(&n.key());
        match in_inventory {
            Some((i, inv)) => {
                country = Some(inv.iso_country_code.trim().to_ascii_uppercase());
                inventory_checks(s, r, f, i, inv)?;
            }
            None if r.number_type != NumberType::DirectRouting => {
                // Calling Plan and Operator Connect numbers must be in the inventory.
                inventory(s, f, n, "request.telephone_number");
            }
            None => match phone::plan(&n.digits) {
                Plan::Valid { region, .. } => country = Some(region),
                Plan::Invalid { reason, .. } => f.raise(
                    &rule::NUM_PLAN,
                    "request.telephone_number",
                    format!(
                        "`{n}` has the right shape but is not a valid number in its country's numbering plan: {reason}"
                    ),
                ),
                Plan::Pending => f.raise(
                    &rule::PLAN_PENDING,
                    "request.telephone_number",
                    phone::pending_message(&n.to_string(), "the number's validity and country"),
                ),
            },
        }
    }

    match r.target_kind {
        TargetKind::ConferenceBridge => {}
        TargetKind::User | TargetKind::ResourceAccount => {
            let (ai, account) = target_account(s, r)?;
            account_checks(s, r, f, ai, account, country.as_deref());
        }
    }
    Ok(())
}

/// The checks that need the inventory record at `tenant.numbers[i]`.
fn inventory_checks(
    s: &TenantSnapshot,
    r: &AssignNumber,
    f: &mut Findings,
    i: usize,
    inv: &PhoneNumber,
) -> Result<(), InputError> {
    let at = |field: &str| format!("tenant.numbers[{i}].{field}");
    if inv.number_type != r.number_type {
        f.raise(
            &rule::TYPE_MISMATCH,
            "request.number_type",
            format!(
                "Number type {} does not match acquired type {}",
                type_name(r.number_type),
                type_name(inv.number_type)
            ),
        );
    }
    if inv.assignment_status != AssignmentStatus::Unassigned
        && inv
            .assigned_target
            .as_deref()
            .is_none_or(|t| fold(t) != fold(&r.target))
    {
        f.raise(
            &rule::ALREADY_ASSIGNED,
            at("assigned_target"),
            format!(
                "Telephone Number '{}' has already been assigned to another user",
                display(&inv.telephone_number)
            ),
        );
    }
    match &inv.block {
        None | Some(AssignmentBlock::NotBlocked) => {}
        Some(AssignmentBlock::BlockedForever) => f.raise(
            &rule::ASSIGNMENT_BLOCKED,
            at("block"),
            "Number is blocked for assignment (forever)",
        ),
        Some(AssignmentBlock::BlockedUntil(until)) => {
            let until_t = timestamp::parse(until, &at("block"))?;
            let Some(now) = &r.now else {
                return Err(InputError {
                    path: "request.now".into(),
                    message: format!(
                        "the number is blocked until {until}; give `now` (RFC 3339, e.g. `2025-10-01T00:00:00Z`) so the block can be checked"
                    ),
                });
            };
            if timestamp::parse(now, "request.now")? < until_t {
                f.raise(
                    &rule::ASSIGNMENT_BLOCKED,
                    at("block"),
                    format!("Number is blocked for assignment (until {until})"),
                );
            }
        }
    }
    if inv.activation_state != ActivationState::Activated {
        f.raise(
            &rule::NOT_ACTIVATED,
            at("activation_state"),
            format!(
                "Number not in Activated state (it is {})",
                name(&inv.activation_state)
            ),
        );
    }
    let (needed, target_name) = match r.target_kind {
        TargetKind::User => (Capability::UserAssignment, "a user"),
        TargetKind::ResourceAccount => {
            (Capability::VoiceApplicationAssignment, "a resource account")
        }
        TargetKind::ConferenceBridge => {
            (Capability::ConferenceAssignment, "the conferencing bridge")
        }
    };
    if !inv.capabilities.contains(&needed) {
        f.raise(
            &rule::CAPABILITY,
            at("capabilities"),
            format!(
                "Number capability does not allow assignment to {target_name}: it needs {}, the number has {}",
                name(&needed),
                if inv.capabilities.is_empty() {
                    "none".to_string()
                } else {
                    inv.capabilities.iter().map(name).collect::<Vec<_>>().join(", ")
                }
            ),
        );
    }
    if inv.number_type == NumberType::OperatorConnect
        && inv.capabilities.contains(&Capability::UserAssignment)
        && !inv.location_update_supported
    {
        location_prereq(
            s,
            f,
            inv.location_id.as_deref(),
            &at("location_id"),
            "the number",
        );
    }
    // `-LocationId null` removes the location; any other value sets it.
    if let Some(loc) = &r.location_id {
        let clears = loc.trim().eq_ignore_ascii_case("null");
        let changes = if clears {
            inv.location_id.is_some()
        } else {
            inv.location_id
                .as_deref()
                .is_none_or(|cur| fold(cur) != fold(loc))
        };
        if changes && !inv.location_update_supported {
            f.raise(
                &rule::LOCATION_UPDATE_LOCKED,
                "request.location_id",
                format!(
                    "Location on this number is managed by the operator (LocationUpdateSupported is False); it cannot be {}",
                    if clears { "removed".to_string() } else { format!("set to `{loc}`") }
                ),
            );
        }
        if clears && inv.number_type == NumberType::CallingPlan {
            f.raise(
                &rule::LOCATION_NULL,
                "request.location_id",
                "Location removal supported only for DR and non-Service-Desk OC numbers: this is a CallingPlan number",
            );
        }
    }
    if inv.number_type == NumberType::OperatorConnect {
        operator_checks(
            s,
            f,
            inv.operator_id.as_deref(),
            &at("operator_id"),
            Some((&inv.iso_country_code, &at("iso_country_code"))),
        );
    }
    Ok(())
}

/// The account the request targets; a missing account or a kind that does not
/// match `target_kind` makes the request unanswerable.
fn target_account<'s>(
    s: &'s TenantSnapshot,
    r: &AssignNumber,
) -> Result<(usize, &'s Account), InputError> {
    let Some((ai, account)) = s.account(&r.target) else {
        return Err(InputError {
            path: "request.target".into(),
            message: format!(
                "no account `{}` in tenant.accounts; add it there or fix the identity",
                r.target
            ),
        });
    };
    let expected = match r.target_kind {
        TargetKind::ResourceAccount => AccountKind::ResourceAccount,
        _ => AccountKind::User,
    };
    if account.kind != expected {
        return Err(InputError {
            path: "request.target_kind".into(),
            message: format!(
                "`{}` is a {} at tenant.accounts[{ai}], but target_kind is {}; make them agree",
                r.target,
                name(&account.kind),
                name(&r.target_kind)
            ),
        });
    }
    Ok((ai, account))
}

/// The checks on the receiving account at `tenant.accounts[ai]`.
fn account_checks(
    s: &TenantSnapshot,
    r: &AssignNumber,
    f: &mut Findings,
    ai: usize,
    account: &Account,
    country: Option<&str>,
) {
    let at = |field: &str| format!("tenant.accounts[{ai}].{field}");
    if let Some(line) = account
        .on_prem_line_uri
        .as_deref()
        .filter(|l| !l.trim().is_empty())
    {
        f.raise(
            &rule::ONPREM_NUMBER,
            at("on_prem_line_uri"),
            format!(
                "The user already has a telephone number set in the on-premises Active Directory ({line}) and synchronized to the cloud. To manage this user's telephone number in the cloud, first clear the phone number in the on-premises directory and synchronize to Active Directory."
            ),
        );
    }
    let usage = account
        .usage_location
        .as_deref()
        .map(|u| u.trim().to_ascii_uppercase());
    match account.kind {
        AccountKind::ResourceAccount => {
            if !licences::has_resource_account(&account.licenses) {
                f.raise(
                    &rule::LIC_RESOURCE,
                    at("licenses"),
                    "Resource account requires a Microsoft Teams Phone Resource Account license",
                );
            }
            if let Some(cc) = country
                && usage.as_deref().is_none_or(|u| !same_country(u, cc))
            {
                f.raise(
                    &rule::RA_LOCATION,
                    at("usage_location"),
                    format!(
                        "Resource account license location must match number country: license location {}, number country {cc}",
                        usage.as_deref().unwrap_or("not set")
                    ),
                );
            }
        }
        AccountKind::User => {
            user_licence_checks(f, r.number_type, account, ai);
            if account.enterprise_voice_enabled == Some(false) {
                f.raise(
                    &rule::EV,
                    at("enterprise_voice_enabled"),
                    "EnterpriseVoiceEnabled should be True (auto-set on assignment)",
                );
            }
            let category = r.assignment_category;
            if matches!(
                category,
                None | Some(AssignmentCategory::Primary | AssignmentCategory::Private)
            ) && let Some(cc) = country
                && usage.as_deref().is_none_or(|u| !same_country(u, cc))
            {
                f.raise(
                    &rule::USAGE_LOCATION,
                    at("usage_location"),
                    format!(
                        "Phone number country {cc} must match user usage location {}",
                        usage.as_deref().unwrap_or("(not set)")
                    ),
                );
            }
            if category == Some(AssignmentCategory::Alternate)
                && r.number_type != NumberType::CallingPlan
            {
                f.raise(
                    &rule::ALT_CP_ONLY,
                    "request.assignment_category",
                    format!(
                        "Alternate numbers documented only for Calling Plan; this is a {} number",
                        type_name(r.number_type)
                    ),
                );
            }
            if matches!(
                r.number_type,
                NumberType::OperatorConnect | NumberType::CallingPlan
            ) {
                dr_policy_leak(s, f, account, ai, r.number_type);
            }
        }
    }
}

/// Licence and mode checks for a user about to use `number_type`:
/// `ELIG-LIC-PHONE`, `ELIG-LIC-CALLINGPLAN`, `ELIG-TEAMSONLY`.
pub(super) fn user_licence_checks(
    f: &mut Findings,
    number_type: NumberType,
    account: &Account,
    ai: usize,
) {
    let at = |field: &str| format!("tenant.accounts[{ai}].{field}");
    if !licences::has_teams_phone(&account.licenses) {
        f.raise(
            &rule::LIC_PHONE,
            at("licenses"),
            "User must have a Teams Phone license",
        );
    }
    if number_type == NumberType::CallingPlan && !licences::has_calling_plan(&account.licenses) {
        f.raise(
            &rule::LIC_CALLINGPLAN,
            at("licenses"),
            format!(
                "User '{}' lacks appropriate licenses to assign a 'CallingPlan' number",
                account.identity
            ),
        );
    }
    if matches!(
        number_type,
        NumberType::OperatorConnect | NumberType::DirectRouting
    ) && account.teams_mode != TeamsMode::TeamsOnly
    {
        f.raise(
            &rule::TEAMSONLY,
            at("teams_mode"),
            format!(
                "User must be in TeamsOnly mode (it is {})",
                name(&account.teams_mode)
            ),
        );
    }
}

/// `ELIG-DR-POLICY-LEAK`: does the user's effective voice routing policy (its own,
/// or the Global one) reach a Direct Routing route?
pub(super) fn dr_policy_leak(
    s: &TenantSnapshot,
    f: &mut Findings,
    account: &Account,
    ai: usize,
    number_type: NumberType,
) {
    let name = account
        .online_voice_routing_policy
        .as_deref()
        .unwrap_or("Global");
    let Some(policy) = s.policy(name) else { return };
    let mut reached = Vec::new();
    for usage in &policy.online_pstn_usages {
        for route in s.routes_for_usage(usage) {
            if !route.online_pstn_gateways.is_empty() && !reached.contains(&route.identity) {
                reached.push(route.identity.clone());
            }
        }
    }
    if !reached.is_empty() {
        f.raise(
            &rule::DR_POLICY_LEAK,
            format!("tenant.accounts[{ai}].online_voice_routing_policy"),
            format!(
                "{} calls may be routed to a Direct Routing trunk: effective policy `{}` reaches route(s) {}",
                type_name(number_type),
                policy.identity,
                reached.iter().map(|r| format!("`{r}`")).collect::<Vec<_>>().join(", ")
            ),
        );
    }
}

/// A number from data, shown as E.164 with '+'.
fn display(n: &str) -> String {
    match phone::shape(n) {
        Ok(s) => s.to_string(),
        Err(_) => n.to_string(),
    }
}
