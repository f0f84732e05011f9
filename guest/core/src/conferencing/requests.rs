//! Changes to the conferencing set-up: a new default number, removing an
//! operator, granting a dial-out policy.

use super::bridge::{self, BridgeView};
use super::snapshot::ConferencingSnapshot;
use super::{dialout, key, number_key};
use crate::Findings;
use crate::catalogue as c;
use crate::types::{AccountKind, ConferencingRequest, Decision, InputError};

impl ConferencingSnapshot {
    /// Decide one change.
    pub fn check(&self, request: &ConferencingRequest) -> Result<Decision, InputError> {
        let mut f = Findings::default();
        let cfg = &self.cfg;
        match request {
            ConferencingRequest::SetDefaultServiceNumber(n) => {
                let view = BridgeView {
                    bridge: &cfg.bridge,
                    org_country: &cfg.org_country,
                    credits: cfg.communications_credits,
                    operators: cfg.operators.as_deref(),
                    organizers: &cfg.organizers,
                };
                bridge::check_default(&mut f, &view, n, "SetDefaultServiceNumber");
            }
            ConferencingRequest::RemoveOperator(op) => {
                let k = key(op);
                let numbers: Vec<(usize, &str)> = cfg
                    .bridge
                    .numbers
                    .iter()
                    .enumerate()
                    .filter(|(_, n)| n.operator_id.as_deref().is_some_and(|o| key(o) == k))
                    .map(|(i, n)| (i, n.number.as_str()))
                    .collect();
                if !numbers.is_empty() {
                    let keys: Vec<String> = numbers.iter().map(|(_, n)| number_key(n)).collect();
                    let users: Vec<&str> = cfg
                        .organizers
                        .iter()
                        .filter(|o| {
                            [&o.service_number, &o.toll_free_service_number]
                                .into_iter()
                                .flatten()
                                .any(|n| keys.contains(&number_key(n)))
                        })
                        .map(|o| o.identity.as_str())
                        .collect();
                    let list: Vec<&str> = numbers.iter().map(|(_, n)| *n).collect();
                    let users_note = if users.is_empty() {
                        String::new()
                    } else {
                        format!(", and assigned to {}", users.join(", "))
                    };
                    f.raise(
                        &c::CONF_REMOVE_OPERATOR,
                        "RemoveOperator",
                        format!(
                            "Remove numbers from users and bridge first: operator {op}'s numbers {} are on the bridge{users_note}",
                            list.join(", ")
                        ),
                    );
                }
            }
            ConferencingRequest::GrantDialOutPolicy(g) => {
                if dialout::parse(&g.policy).is_none() {
                    return Err(InputError {
                        path: "GrantDialOutPolicy.policy".into(),
                        message: format!(
                            "`{}` is not an OnlineDialOutPolicy; use one of tag:{}",
                            g.policy,
                            dialout::DIAL_OUT_POLICIES.join(", tag:")
                        ),
                    });
                }
                if let Some(group) = &g.group {
                    f.raise(
                        &c::CONF_DIALOUT_RA,
                        "GrantDialOutPolicy.group",
                        format!("Dialout policy can't be assigned to groups: {group}"),
                    );
                }
                if let Some(id) = &g.identity
                    && let Some((_, o)) = self.organizer(id)
                    && o.kind == Some(AccountKind::ResourceAccount)
                {
                    f.raise(
                        &c::CONF_DIALOUT_RA,
                        "GrantDialOutPolicy.identity",
                        format!(
                            "Dialout policy can't be assigned to resource accounts: {id} is one"
                        ),
                    );
                }
                if g.identity.is_none() && g.group.is_none() {
                    return Err(InputError {
                        path: "GrantDialOutPolicy".into(),
                        message: "say whom the policy is granted to: `identity` (a user)".into(),
                    });
                }
            }
        }
        Ok(f.finish())
    }
}
