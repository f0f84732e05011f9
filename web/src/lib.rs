//! The ocpolicy rules in the browser: a thin wasm-bindgen adapter over
//! [`ocpolicy_rules::ffi`], in the style of cedar-wasm. Every function takes a
//! JSON document and returns the envelope `{"ok": ...}` or
//! `{"error": {"path", "message"}}` as a string, exactly what the CLI and the
//! server answer for the same document. `web/ocpolicy.js` parses it.
//!
//! Two builds come from this crate (`web/build.sh`): the first module, without
//! libphonenumber's data, answers every keystroke at once and marks checks
//! that need the plan with `PLAN-PENDING`; the full module (feature
//! `numbering-plan`) loads after first paint in a Web Worker and gives the
//! server's verdict everywhere.

// `#[wasm_bindgen]` expands to `unsafe extern` glue; no hand-written unsafe code lives here.
#![allow(unsafe_code)]

use ocpolicy_rules::KindId;
use ocpolicy_rules::ffi;
use wasm_bindgen::prelude::*;

/// Decide one document of `kind` (see `kinds()`).
#[wasm_bindgen]
pub fn run(kind: &str, input: &str) -> String {
    ffi::run(kind, input.as_bytes())
}

/// The kinds `run` accepts, as JSON.
#[wasm_bindgen]
pub fn kinds() -> String {
    ffi::kinds_json()
}

/// The rule catalogue (code, severity, citation, summary, fix), as JSON.
#[wasm_bindgen]
pub fn catalogue() -> String {
    ffi::catalogue_json()
}

/// Whether this build carries libphonenumber's plan (the full module).
#[wasm_bindgen(js_name = hasNumberingPlan)]
pub fn has_numbering_plan() -> bool {
    cfg!(feature = "numbering-plan")
}

/// The WIT package these rules implement.
#[wasm_bindgen(js_name = witPackage)]
pub fn wit_package() -> String {
    ocpolicy_rules::WIT_PACKAGE.to_string()
}

/// One `#[wasm_bindgen]` function per kind of check, named by the table's
/// `js` field (`checkEligibility`, `resolveEmergency`...): the table in
/// `ocpolicy_rules::kinds` is the only list of kinds, so a new kind gets its
/// browser function here without an edit.
macro_rules! checks {
    ($(
        $name:literal => $id:ident {
            family: $family:ident,
            input: $input:ident,
            output: $output:ident,
            js: $js:ident,
            summary: $summary:literal,
            schema_aliases: [$($alias:literal),* $(,)?] $(,)?
        }
    ),* $(,)?) => {
        $(
            #[doc = concat!("`", stringify!($input), "` → `", stringify!($output), "`: ", $summary, " (kind `", $name, "`).")]
            #[wasm_bindgen(js_name = $js)]
            #[allow(non_snake_case)]
            pub fn $js(input: &str) -> String {
                ffi::run_id(KindId::$id, input.as_bytes())
            }
        )*
    };
}

ocpolicy_rules::for_each_kind!(checks);

/// A tenant indexed once, for a form that checks on every keystroke.
#[wasm_bindgen]
pub struct Tenant(ffi::TenantJson);

#[wasm_bindgen]
impl Tenant {
    /// Index a `Tenant` document; throws the error envelope as a string.
    #[wasm_bindgen(constructor)]
    pub fn new(tenant: &str) -> Result<Tenant, JsValue> {
        ffi::TenantJson::new(tenant.as_bytes())
            .map(Tenant)
            .map_err(|e| JsValue::from_str(&ffi::error_envelope(e)))
    }

    /// Decide an `EligibilityRequest`.
    pub fn check(&self, request: &str) -> String {
        self.0.check(request.as_bytes())
    }
}

/// An emergency configuration (addresses, locations, LIS, policies) indexed once.
#[wasm_bindgen]
pub struct Emergency(ffi::EmergencyJson);

#[wasm_bindgen]
impl Emergency {
    /// Index an `EmergencyConfig` document; throws the error envelope as a string.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> Result<Emergency, JsValue> {
        ffi::EmergencyJson::new(config.as_bytes())
            .map(Emergency)
            .map_err(|e| JsValue::from_str(&ffi::error_envelope(e)))
    }

    /// Resolve a `NetworkContext` → `Resolution`.
    pub fn resolve(&self, context: &str) -> String {
        self.0.resolve(context.as_bytes())
    }

    /// Decide an `EmergencyRequest` → `Decision`.
    pub fn check(&self, request: &str) -> String {
        self.0.check(request.as_bytes())
    }

    /// Audit the configuration → `Decision`.
    pub fn audit(&self) -> String {
        self.0.audit()
    }
}

/// A conferencing configuration (bridge, organizers, routing) indexed once.
#[wasm_bindgen]
pub struct Conferencing(ffi::ConferencingJson);

#[wasm_bindgen]
impl Conferencing {
    /// Index a `ConferencingConfig` document; throws the error envelope as a string.
    #[wasm_bindgen(constructor)]
    pub fn new(config: &str) -> Result<Conferencing, JsValue> {
        ffi::ConferencingJson::new(config.as_bytes())
            .map(Conferencing)
            .map_err(|e| JsValue::from_str(&ffi::error_envelope(e)))
    }

    /// Route a `DialOut` → `RouteDecision`.
    pub fn route(&self, dial_out: &str) -> String {
        self.0.route(dial_out.as_bytes())
    }

    /// Decide a `ConferencingRequest` → `Decision`.
    pub fn check(&self, request: &str) -> String {
        self.0.check(request.as_bytes())
    }

    /// Lint the configuration → `Decision`.
    pub fn lint(&self) -> String {
        self.0.lint()
    }
}
