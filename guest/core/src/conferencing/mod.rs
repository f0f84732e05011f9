//! The conferencing-routing family (§3 of the domain reference): which way a
//! meeting dial-out goes and why, whether the bridge is set up validly, and
//! what is wrong with the routing tables. Rule codes are `CONF-*`.
//!
//! ```
//! use ocpolicy_rules::{conferencing, json};
//! use ocpolicy_rules::types::NormalizeCheck;
//!
//! let check: NormalizeCheck = json::from_slice(br#"{"dial_plans": [{"identity": "Global",
//!     "normalization_rules": [{"name": "4digitExtension", "pattern": "^(\\d{4})$",
//!     "translation": "+1425555$1"}]}], "usage_location": "US", "dialed": "0100"}"#).unwrap();
//! let n = conferencing::normalize(&check).unwrap();
//! assert_eq!(n.normalized, "+14255550100");
//! assert_eq!(n.rule.as_deref(), Some("4digitExtension"));
//! ```

mod bridge;
mod dialout;
mod lint;
mod normalize;
mod requests;
mod route;
mod snapshot;

pub use dialout::{DIAL_OUT_POLICIES, zone_a};
pub use snapshot::ConferencingSnapshot;

use crate::Findings;
use crate::emergency::under;
use crate::types::{
    BridgeCheck, ConferencingCheck, ConferencingConfig, Decision, InputError, Normalization,
    NormalizeCheck, RouteCheck, RouteDecision,
};

/// Validate a bridge on its own (what the bridge form has).
pub fn check_bridge(check: &BridgeCheck) -> Decision {
    let mut f = Findings::default();
    bridge::check(
        &mut f,
        &bridge::BridgeView {
            bridge: &check.bridge,
            org_country: &check.org_country,
            credits: check.communications_credits,
            operators: check.operators.as_deref(),
            organizers: check.organizers.as_deref().unwrap_or_default(),
        },
        "bridge",
        "organizers",
    );
    f.finish()
}

/// Normalize one dialed string with a dial plan.
pub fn normalize(check: &NormalizeCheck) -> Result<Normalization, InputError> {
    normalize::normalize_check(check)
}

/// Route one self-contained dial-out.
pub fn route(check: RouteCheck) -> Result<RouteDecision, InputError> {
    let s = ConferencingSnapshot::new(check.config).map_err(|e| under("config", e))?;
    s.route(&check.dial_out).map_err(|e| under("dial_out", e))
}

/// Analyse a whole configuration.
pub fn lint(config: ConferencingConfig) -> Result<Decision, InputError> {
    Ok(ConferencingSnapshot::new(config)?.lint())
}

/// Decide one self-contained change.
pub fn evaluate(check: ConferencingCheck) -> Result<Decision, InputError> {
    let s = ConferencingSnapshot::new(check.config).map_err(|e| under("config", e))?;
    s.check(&check.request).map_err(|e| under("request", e))
}

/// Case-insensitive key for identities, usages and policy names; a `tag:`
/// prefix is dropped (`Tag:International` and `International` are one policy).
pub(crate) fn key(s: &str) -> String {
    let t = s.trim();
    let t = match t.get(..4) {
        Some(p) if p.eq_ignore_ascii_case("tag:") => t.get(4..).unwrap_or(""),
        _ => t,
    };
    t.to_lowercase()
}

/// A number's index key: its digits (a '+' and a `tel:` prefix dropped).
pub(crate) fn number_key(s: &str) -> String {
    crate::phone::key_of(s).unwrap_or_else(|| s.trim().to_string())
}
