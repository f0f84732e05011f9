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
// Rules code is panic-free: no indexing that can go out of bounds (see also
// the workspace lints against unwrap, expect and panic).
#![deny(clippy::indexing_slicing)]

mod generated {
    #![allow(missing_docs, clippy::all)]
    // The plain build generates the data model alone.
    #[cfg(not(feature = "component"))]
    wit_bindgen::generate!({
        inline: "package ocpolicy:model; world model { import ocpolicy:rules/types@0.3.1; }",
        path: "../../wit",
        additional_derives: [serde::Serialize, serde::Deserialize, schemars::JsonSchema, PartialEq],
        generate_all,
    });
    // The component build generates the whole `rules` world here, so that the
    // exported `types` interface *is* this crate's data model (wit-bindgen can
    // only remap imports, and a policy component must import nothing). The
    // export glue is emitted only where `ocpolicy_rules::export!` is invoked.
    #[cfg(feature = "component")]
    wit_bindgen::generate!({
        world: "ocpolicy:rules/rules",
        path: "../../wit",
        additional_derives: [serde::Serialize, serde::Deserialize, schemars::JsonSchema, PartialEq],
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "ocpolicy_rules::bindings",
    });
}

/// The data model, generated from `wit/types.wit`.
pub mod types {
    #[cfg(feature = "component")]
    pub use crate::generated::exports::ocpolicy::rules::types::*;
    #[cfg(not(feature = "component"))]
    pub use crate::generated::ocpolicy::rules::types::*;
}

/// The `rules` world's bindings, for the component crate (feature `component`).
#[cfg(feature = "component")]
pub mod bindings {
    pub use crate::generated::*;
}

pub mod catalogue;
pub mod conferencing;
mod decision;
pub mod document;
pub mod eligibility;
pub mod emergency;
mod error_path;
pub mod ffi;
pub mod json;
pub mod kinds;
mod licences;
mod netregex;
mod phone;
pub mod schema;
mod snapshot;
mod timestamp;

pub use decision::Findings;
pub use kinds::{Family, KindId};
pub use phone::{NumberKey, number_country, number_key};
pub use snapshot::TenantSnapshot;
pub use types::{Decision, InputError, Severity, Violation};

/// The WIT package this crate implements.
pub const WIT_PACKAGE: &str = "ocpolicy:rules@0.3.1";
