//! The ocpolicy rules in the browser: a thin wasm-bindgen adapter over
//! [`ocpolicy_rules::ffi`], in the style of cedar-wasm. Every function takes a
//! JSON document and returns the envelope `{"ok": ...}` or
//! `{"error": {"path", "message"}}` as a string, exactly what the CLI and the
//! server answer for the same document. The npm package `@ocpolicy/rules`
//! (`web/package/`) parses it.
//!
//! Several modules come from this crate (`web/build.sh`), chosen by features:
//! one per family (`eligibility`, `emergency`, `conferencing`: only that
//! family's kinds and snapshot, so only its rules are linked), one with every
//! family, all without libphonenumber's data: they answer every keystroke at
//! once and mark checks that need the plan with `PLAN-PENDING`. The full
//! module (every family and feature `numbering-plan`) loads later, where the
//! caller chooses, and gives the server's verdict everywhere.

// `#[wasm_bindgen]` expands to `unsafe extern` glue; no hand-written unsafe code lives here.
#![allow(unsafe_code)]

use ocpolicy_rules::ffi;
use ocpolicy_rules::{Family, InputError, KindId};
use wasm_bindgen::prelude::*;

/// Whether this module carries `family`'s rules (its cargo feature).
const fn has(family: Family) -> bool {
    match family {
        Family::Eligibility => cfg!(feature = "eligibility"),
        Family::Emergency => cfg!(feature = "emergency"),
        Family::Conferencing => cfg!(feature = "conferencing"),
    }
}

/// The answer for a kind whose family this module leaves out.
fn elsewhere(id: KindId) -> String {
    let family = id.family();
    ffi::error_envelope(InputError {
        path: String::new(),
        message: format!(
            "kind `{}` belongs to the {family} family, which this module does not carry: \
             import `@ocpolicy/rules/{family}` or `@ocpolicy/rules`",
            id.name()
        ),
    })
}

/// Decide one document of the kind `id`, if this module carries its family.
/// `id` is a constant at every call but `run`'s, so each `check*` function
/// links its own kind's rules only.
#[inline(always)]
fn run_here(id: KindId, input: &str) -> String {
    if has(id.family()) {
        ffi::run_id(id, input.as_bytes())
    } else {
        elsewhere(id)
    }
}

/// The families this module carries, comma-separated (`eligibility` or
/// `eligibility,emergency,conferencing`).
#[wasm_bindgen]
pub fn families() -> String {
    let names: Vec<&str> = Family::ALL
        .iter()
        .filter(|f| has(**f))
        .map(|f| f.name())
        .collect();
    names.join(",")
}

/// Decide one document of `kind` (see `kinds()`).
#[wasm_bindgen]
pub fn run(kind: &str, input: &str) -> String {
    match kind.parse::<KindId>() {
        Ok(id) => dispatch(id, input),
        Err(e) => ffi::error_envelope(e),
    }
}

/// The kinds `run` accepts (this module's families), as JSON.
#[wasm_bindgen]
pub fn kinds() -> String {
    ffi::kinds_json_of(has)
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
                run_here(KindId::$id, input)
            }
        )*

        /// `run`'s dispatch: one arm per kind, each with its kind constant.
        fn dispatch(id: KindId, input: &str) -> String {
            match id {
                $(KindId::$id => $js(input),)*
            }
        }
    };
}

ocpolicy_rules::for_each_kind!(checks);

/// A tenant indexed once, for a form that checks on every keystroke.
#[cfg(feature = "eligibility")]
#[wasm_bindgen]
pub struct Tenant(ffi::TenantJson);

#[cfg(feature = "eligibility")]
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
#[cfg(feature = "emergency")]
#[wasm_bindgen]
pub struct Emergency(ffi::EmergencyJson);

#[cfg(feature = "emergency")]
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
#[cfg(feature = "conferencing")]
#[wasm_bindgen]
pub struct Conferencing(ffi::ConferencingJson);

#[cfg(feature = "conferencing")]
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
