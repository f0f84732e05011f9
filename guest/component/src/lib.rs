//! The rules core exported as the `rules` world of `ocpolicy:rules`.
//!
//! Glue only: the bindings and types are the core's own (its `component`
//! feature), every function forwards to [`ocpolicy_rules`]. Built for `wasm32-unknown-unknown`
//! and componentized, it imports nothing.

// The canonical-ABI exports wit-bindgen generates are `unsafe extern` functions;
// no hand-written unsafe code lives here.
#![allow(unsafe_code)]

use ocpolicy_rules::bindings::exports::ocpolicy::rules::eligibility::{
    Guest, GuestTenantSnapshot, TenantSnapshot,
};
use ocpolicy_rules::types::{
    Decision, EligibilityCheck, EligibilityRequest, InputError, OperatorProgramme, Tenant,
};

struct Component;

impl Guest for Component {
    type TenantSnapshot = Snapshot;

    fn evaluate(check: EligibilityCheck) -> Result<Decision, InputError> {
        ocpolicy_rules::eligibility::evaluate(check)
    }

    fn check_operator_programme(programme: OperatorProgramme) -> Decision {
        ocpolicy_rules::eligibility::check_operator_programme(&programme)
    }
}

/// A tenant indexed inside the component, owned by a host resource handle.
struct Snapshot(ocpolicy_rules::TenantSnapshot);

impl GuestTenantSnapshot for Snapshot {
    fn create(tenant: Tenant) -> Result<TenantSnapshot, InputError> {
        ocpolicy_rules::TenantSnapshot::new(tenant).map(|s| TenantSnapshot::new(Snapshot(s)))
    }

    fn check(&self, request: EligibilityRequest) -> Result<Decision, InputError> {
        self.0.check(&request)
    }

    fn check_all(&self, requests: Vec<EligibilityRequest>) -> Vec<Result<Decision, InputError>> {
        self.0.check_all(&requests)
    }
}

ocpolicy_rules::bindings::export!(Component with_types_in ocpolicy_rules::bindings);
