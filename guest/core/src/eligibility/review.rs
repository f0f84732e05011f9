//! Reviewing an account's voice set-up, and civic-address writes.

use super::assign::{dr_policy_leak, user_licence_checks};
use crate::Findings;
use crate::catalogue as rule;
use crate::snapshot::TenantSnapshot;
use crate::types::{AccountKind, Actor, InputError, NumberType, ReviewAccount, WriteCivicAddress};

/// `ELIG-OPERATOR-WRITES-ADDRESS`: operators may read, never write, civic addresses.
pub(super) fn write_address(r: &WriteCivicAddress, f: &mut Findings) {
    if let Actor::Operator(op) = &r.actor {
        f.raise(
            &rule::OPERATOR_WRITES_ADDRESS,
            "request.actor",
            format!(
                "Operators can view but not configure enterprise civic addresses: operator `{op}` tried to write address `{}`",
                r.address.id
            ),
        );
    }
}

/// An account's set-up as it stands: licences and mode for its intended
/// connectivity, EnterpriseVoiceEnabled, an OC user without an OC number, and the
/// Direct Routing policy leak.
pub(super) fn account(
    s: &TenantSnapshot,
    r: &ReviewAccount,
    f: &mut Findings,
) -> Result<(), InputError> {
    let Some((ai, account)) = s.account(&r.identity) else {
        return Err(InputError {
            path: "request.identity".into(),
            message: format!(
                "no account `{}` in tenant.accounts; add it there or fix the identity",
                r.identity
            ),
        });
    };
    let numbers: Vec<_> = s.numbers_of(&account.identity).collect();
    if account.kind == AccountKind::User {
        if let Some(t) = r.intended_number_type {
            user_licence_checks(f, t, account, ai);
        }
        if !numbers.is_empty() && account.enterprise_voice_enabled == Some(false) {
            f.raise(
                &rule::EV,
                format!("tenant.accounts[{ai}].enterprise_voice_enabled"),
                format!(
                    "EnterpriseVoiceEnabled should be True (auto-set on assignment): `{}` has {} number(s) but it is False",
                    account.identity,
                    numbers.len()
                ),
            );
        }
        let has = |t: NumberType| numbers.iter().any(|(_, n)| n.number_type == t);
        if r.intended_number_type == Some(NumberType::OperatorConnect)
            && !has(NumberType::OperatorConnect)
        {
            f.raise(
                &rule::OC_NO_NUMBER,
                format!("tenant.accounts[{ai}]"),
                format!(
                    "OC users need an assigned number to place outbound calls: `{}` has no Operator Connect number",
                    account.identity
                ),
            );
        }
        for t in [NumberType::OperatorConnect, NumberType::CallingPlan] {
            if has(t) {
                dr_policy_leak(s, f, account, ai, t);
                break;
            }
        }
    }
    Ok(())
}
