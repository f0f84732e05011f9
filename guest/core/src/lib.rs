//! The Operator Connect policy rules, written once in plain Rust.
//!
//! This crate decides whether a Teams telephony action is allowed: assigning a
//! number to a user, resource account or conferencing bridge, an operator's
//! number upload, removing an operator or one of its countries, releasing a
//! number, moving a Direct Routing number to Operator Connect. Every answer is a
//! [`Decision`] made of [`Violation`]s, each with a stable rule code from the
//! domain reference (`ELIG-USAGE-LOCATION`, ...), a severity, the path of the
//! offending input field, a message, a citation and a fix.
//!
//! The data model is generated from the WIT contract in `wit/` (the single
//! source of truth), so the native build, the WebAssembly component and the
//! browser build all speak the same types and the same JSON.
//!
//! ```
//! use ocpolicy_rules::{json, eligibility};
//! use ocpolicy_rules::types::EligibilityCheck;
//!
//! let doc = r#"{
//!   "tenant": {"tenant_id": "t1", "accounts": [], "numbers": [], "operators": [],
//!              "civic_addresses": [], "locations": [], "voice_routes": [],
//!              "voice_routing_policies": []},
//!   "request": {"ReleaseNumber": {"telephone_number": "tel:+14255550101"}}
//! }"#;
//! let check: EligibilityCheck = json::from_slice(doc.as_bytes()).unwrap();
//! let decision = eligibility::evaluate(check).unwrap();
//! assert!(!decision.allowed);
//! assert_eq!(decision.violations[0].code, "ELIG-NUM-FORMAT");
//! ```
#![deny(missing_docs)]

mod generated {
    #![allow(missing_docs, clippy::all)]
    wit_bindgen::generate!({
        inline: "package ocpolicy:model; world model { import ocpolicy:rules/types@0.1.0; }",
        path: "../../wit",
        additional_derives: [serde::Serialize, serde::Deserialize, schemars::JsonSchema, PartialEq],
        generate_all,
    });
}

/// The data model, generated from `wit/types.wit`.
pub mod types {
    pub use crate::generated::ocpolicy::rules::types::*;
}

pub mod catalogue;
mod decision;
pub mod eligibility;
pub mod json;
mod licences;
mod phone;
pub mod schema;
mod snapshot;
mod timestamp;

pub use decision::Findings;
pub use snapshot::TenantSnapshot;
pub use types::{Decision, InputError, Severity, Violation};

/// The WIT package this crate implements.
pub const WIT_PACKAGE: &str = "ocpolicy:rules@0.1.0";
