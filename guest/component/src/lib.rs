//! The rules core exported as the `rules` world of `ocpolicy:rules`.
//!
//! Glue only: the bindings and types are the core's own (its `component`
//! feature), every function forwards to [`ocpolicy_rules`]. Built for `wasm32-unknown-unknown`
//! and componentized, it imports nothing.

// The canonical-ABI exports wit-bindgen generates are `unsafe extern` functions;
// no hand-written unsafe code lives here.
#![allow(unsafe_code)]

use ocpolicy_rules::bindings::exports::ocpolicy::rules::conferencing::{
    ConferencingSnapshot, Guest as ConferencingGuest, GuestConferencingSnapshot,
};
use ocpolicy_rules::bindings::exports::ocpolicy::rules::eligibility::{
    Guest, GuestTenantSnapshot, TenantSnapshot,
};
use ocpolicy_rules::bindings::exports::ocpolicy::rules::emergency::{
    EmergencySnapshot, Guest as EmergencyGuest, GuestEmergencySnapshot,
};
use ocpolicy_rules::types::{
    AddressCheck, CompactDecision, CountryEmergencyNumbers, Decision, EligibilityCheck,
    EligibilityRequest, EmergencyCheck, EmergencyConfig, EmergencyRequest, InputError,
    NetworkContext, OperatorProgramme, PidfLoInput, Resolution, ResolveCheck, Tenant,
    TenantDocument,
};
use ocpolicy_rules::types::{
    BridgeCheck, ConferencingCheck, ConferencingConfig, ConferencingRequest, DialOut,
    Normalization, NormalizeCheck, RouteCheck, RouteDecision,
};

/// The component's allocator (see Cargo.toml): single-threaded, growing the
/// linear memory as needed, within the host's memory limit.
#[cfg(all(not(target_feature = "atomics"), target_family = "wasm"))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

struct Component;

impl Guest for Component {
    type TenantSnapshot = Snapshot;

    fn evaluate(check: EligibilityCheck) -> Result<Decision, InputError> {
        ocpolicy_rules::eligibility::evaluate(check)
    }

    fn check_operator_programme(programme: OperatorProgramme) -> Decision {
        ocpolicy_rules::eligibility::check_operator_programme(&programme)
    }

    fn check_document(document: TenantDocument) -> Result<(), InputError> {
        ocpolicy_rules::document::check(&document)
    }

    fn rule_codes() -> Vec<String> {
        ocpolicy_rules::catalogue::ALL
            .iter()
            .map(|r| r.code.to_string())
            .collect()
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

    fn decide(&self, request: EligibilityRequest) -> Result<CompactDecision, InputError> {
        self.0.decide(&request)
    }

    fn decide_all(
        &self,
        requests: Vec<EligibilityRequest>,
    ) -> Vec<Result<CompactDecision, InputError>> {
        self.0.decide_all(&requests)
    }
}

impl EmergencyGuest for Component {
    type EmergencySnapshot = Emergency;

    fn check_address(check: AddressCheck) -> Decision {
        ocpolicy_rules::emergency::check_address(&check)
    }

    fn evaluate(check: EmergencyCheck) -> Result<Decision, InputError> {
        ocpolicy_rules::emergency::evaluate(check)
    }

    fn resolve(check: ResolveCheck) -> Result<Resolution, InputError> {
        ocpolicy_rules::emergency::resolve(check)
    }

    fn emergency_numbers(country: String) -> Option<CountryEmergencyNumbers> {
        ocpolicy_rules::emergency::emergency_numbers(&country)
    }

    fn render_pidf_lo(input: PidfLoInput) -> Result<String, InputError> {
        ocpolicy_rules::emergency::render_pidf_lo(&input)
    }

    fn validate_pidf_lo(xml: String) -> Decision {
        ocpolicy_rules::emergency::validate_pidf_lo(&xml)
    }
}

/// An emergency configuration indexed inside the component.
struct Emergency(ocpolicy_rules::emergency::EmergencySnapshot);

impl GuestEmergencySnapshot for Emergency {
    fn create(config: EmergencyConfig) -> Result<EmergencySnapshot, InputError> {
        ocpolicy_rules::emergency::EmergencySnapshot::new(config)
            .map(|s| EmergencySnapshot::new(Emergency(s)))
    }

    fn check(&self, request: EmergencyRequest) -> Result<Decision, InputError> {
        self.0.check(&request)
    }

    fn audit(&self) -> Decision {
        self.0.audit()
    }

    fn resolve(&self, context: NetworkContext) -> Result<Resolution, InputError> {
        self.0.resolve(&context)
    }
}

impl ConferencingGuest for Component {
    type ConferencingSnapshot = Conferencing;

    fn check_bridge(check: BridgeCheck) -> Decision {
        ocpolicy_rules::conferencing::check_bridge(&check)
    }

    fn normalize(check: NormalizeCheck) -> Result<Normalization, InputError> {
        ocpolicy_rules::conferencing::normalize(&check)
    }

    fn route(check: RouteCheck) -> Result<RouteDecision, InputError> {
        ocpolicy_rules::conferencing::route(check)
    }

    fn lint(config: ConferencingConfig) -> Result<Decision, InputError> {
        ocpolicy_rules::conferencing::lint(config)
    }

    fn evaluate(check: ConferencingCheck) -> Result<Decision, InputError> {
        ocpolicy_rules::conferencing::evaluate(check)
    }
}

/// A conferencing configuration indexed inside the component (patterns compiled once).
struct Conferencing(ocpolicy_rules::conferencing::ConferencingSnapshot);

impl GuestConferencingSnapshot for Conferencing {
    fn create(config: ConferencingConfig) -> Result<ConferencingSnapshot, InputError> {
        ocpolicy_rules::conferencing::ConferencingSnapshot::new(config)
            .map(|s| ConferencingSnapshot::new(Conferencing(s)))
    }

    fn route(&self, dial_out: DialOut) -> Result<RouteDecision, InputError> {
        self.0.route(&dial_out)
    }

    fn lint(&self) -> Decision {
        self.0.lint()
    }

    fn check(&self, request: ConferencingRequest) -> Result<Decision, InputError> {
        self.0.check(&request)
    }
}

ocpolicy_rules::bindings::export!(Component with_types_in ocpolicy_rules::bindings);
