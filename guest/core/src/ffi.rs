//! JSON in, JSON out: one entry point per kind of check, shared by every front
//! end that speaks JSON (the browser build, the CLI's `corpus` command, the
//! server's decision API), so that they cannot drift apart. The model is
//! cedar's `ffi` module: the wasm-bindgen crate only re-exports these.
//!
//! Every answer is an envelope, `{"ok": <output>}` or
//! `{"error": {"path": "...", "message": "..."}}`, where the output is the
//! check's own JSON form (a decision, a resolution, a route decision...).
//!
//! ```
//! use ocpolicy_rules::ffi;
//! let out = ffi::run("address", br#"{"address": {"id": "A1", "company_name": "Contoso",
//!     "country_or_region": "GB", "city": "London", "postal_code": "SW1A 1AA",
//!     "house_number": "1", "street_name": "Whitehall", "latitude": 51.5,
//!     "longitude": -0.12, "validation_status": "Validated"}}"#);
//! assert!(out.starts_with(r#"{"ok":{"allowed":"#), "{out}");
//! let bad = ffi::run("address", br#"{"address": {"id": 7}}"#);
//! assert!(bad.contains(r#""path":"address.id""#), "{bad}");
//! ```

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::types::{
    AddressCheck, BridgeCheck, ConferencingCheck, ConferencingConfig, ConferencingRequest, DialOut,
    EligibilityCheck, EligibilityRequest, EmergencyCheck, EmergencyConfig, EmergencyRequest,
    InputError, NetworkContext, NormalizeCheck, OperatorProgramme, PidfLoInput, ResolveCheck,
    RouteCheck, Tenant,
};
use crate::{conferencing, eligibility, emergency, json};

/// One kind of check: its name and what it takes.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Kind {
    /// The name [`run`] takes (`eligibility`, `emergency-resolve`...).
    pub name: &'static str,
    /// The input document's type, as `ocpolicy schema` names it.
    pub input: &'static str,
    /// The output's type.
    pub output: &'static str,
    /// What it decides.
    pub summary: &'static str,
}

/// Every kind [`run`] accepts.
pub const KINDS: &[Kind] = &[
    Kind {
        name: "eligibility",
        input: "EligibilityCheck",
        output: "Decision",
        summary: "may this number be assigned, uploaded, released, or this operator or country removed",
    },
    Kind {
        name: "operator-programme",
        input: "OperatorProgramme",
        output: "Decision",
        summary: "does an operator's offer meet the Operator Connect programme",
    },
    Kind {
        name: "address",
        input: "AddressCheck",
        output: "Decision",
        summary: "is this civic address valid for its country and connectivity",
    },
    Kind {
        name: "emergency",
        input: "EmergencyCheck",
        output: "Decision",
        summary: "an emergency change (address, location, LIS entry, policy) against the configuration",
    },
    Kind {
        name: "emergency-audit",
        input: "EmergencyConfig",
        output: "Decision",
        summary: "do the emergency configuration and policies meet the law",
    },
    Kind {
        name: "emergency-resolve",
        input: "ResolveCheck",
        output: "Resolution",
        summary: "which location an emergency call from this network context carries, and why",
    },
    Kind {
        name: "render-pidf-lo",
        input: "PidfLoInput",
        output: "string",
        summary: "the PIDF-LO document an emergency call carries",
    },
    Kind {
        name: "pidf-lo",
        input: "PidfLoDocument",
        output: "Decision",
        summary: "is this PIDF-LO document what Teams would send",
    },
    Kind {
        name: "bridge",
        input: "BridgeCheck",
        output: "Decision",
        summary: "is the conferencing bridge set up validly",
    },
    Kind {
        name: "conferencing",
        input: "ConferencingCheck",
        output: "Decision",
        summary: "a conferencing change (bridge number, default, policy grant) against the configuration",
    },
    Kind {
        name: "conferencing-lint",
        input: "ConferencingConfig",
        output: "Decision",
        summary: "routes, usages and dial plans that can never work as meant",
    },
    Kind {
        name: "conferencing-route",
        input: "RouteCheck",
        output: "RouteDecision",
        summary: "which way a meeting dial-out goes, and why",
    },
    Kind {
        name: "normalize",
        input: "NormalizeCheck",
        output: "Normalization",
        summary: "what a dial string becomes under the organizer's dial plan",
    },
];

/// The input of the `pidf-lo` kind.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct PidfLoDocument {
    xml: String,
}

/// Decide one document of `kind`; the envelope as JSON.
pub fn run(kind: &str, input: &[u8]) -> String {
    envelope(decide(kind, input))
}

/// Decide one document of `kind`: the output's JSON form, or what is wrong
/// with the input.
pub fn decide(kind: &str, input: &[u8]) -> Result<Value, InputError> {
    match kind {
        "eligibility" => out(eligibility::evaluate(doc::<EligibilityCheck>(input)?)?),
        "operator-programme" => out(eligibility::check_operator_programme(&doc::<
            OperatorProgramme,
        >(input)?)),
        "address" => out(emergency::check_address(&doc::<AddressCheck>(input)?)),
        "emergency" => out(emergency::evaluate(doc::<EmergencyCheck>(input)?)?),
        "emergency-audit" => {
            out(emergency::EmergencySnapshot::new(doc::<EmergencyConfig>(input)?)?.audit())
        }
        "emergency-resolve" => out(emergency::resolve(doc::<ResolveCheck>(input)?)?),
        "render-pidf-lo" => out(emergency::render_pidf_lo(&doc::<PidfLoInput>(input)?)?),
        "pidf-lo" => out(emergency::validate_pidf_lo(
            &doc::<PidfLoDocument>(input)?.xml,
        )),
        "bridge" => out(conferencing::check_bridge(&doc::<BridgeCheck>(input)?)),
        "conferencing" => out(conferencing::evaluate(doc::<ConferencingCheck>(input)?)?),
        "conferencing-lint" => out(conferencing::lint(doc::<ConferencingConfig>(input)?)?),
        "conferencing-route" => out(conferencing::route(doc::<RouteCheck>(input)?)?),
        "normalize" => out(conferencing::normalize(&doc::<NormalizeCheck>(input)?)?),
        other => Err(InputError {
            path: String::new(),
            message: format!(
                "unknown kind `{other}`; use one of {}",
                KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
            ),
        }),
    }
}

/// A tenant indexed once, for many eligibility requests (a form that checks
/// on every keystroke).
pub struct TenantJson(crate::TenantSnapshot);

impl TenantJson {
    /// Index a tenant (a `Tenant` document).
    pub fn new(tenant: &[u8]) -> Result<Self, InputError> {
        Ok(TenantJson(crate::TenantSnapshot::new(doc::<Tenant>(
            tenant,
        )?)?))
    }

    /// Decide an `EligibilityRequest`; the envelope as JSON.
    pub fn check(&self, request: &[u8]) -> String {
        envelope(doc::<EligibilityRequest>(request).and_then(|r| out(self.0.check(&r)?)))
    }
}

/// An emergency configuration indexed once, taking and giving JSON.
pub struct EmergencyJson(emergency::EmergencySnapshot);

impl EmergencyJson {
    /// Index an `EmergencyConfig` document.
    pub fn new(config: &[u8]) -> Result<Self, InputError> {
        Ok(EmergencyJson(emergency::EmergencySnapshot::new(doc::<
            EmergencyConfig,
        >(
            config
        )?)?))
    }

    /// Resolve a `NetworkContext`; the envelope as JSON.
    pub fn resolve(&self, context: &[u8]) -> String {
        envelope(doc::<NetworkContext>(context).and_then(|c| out(self.0.resolve(&c)?)))
    }

    /// Decide an `EmergencyRequest`; the envelope as JSON.
    pub fn check(&self, request: &[u8]) -> String {
        envelope(doc::<EmergencyRequest>(request).and_then(|r| out(self.0.check(&r)?)))
    }

    /// Audit the configuration; the envelope as JSON.
    pub fn audit(&self) -> String {
        envelope(out(self.0.audit()))
    }
}

/// A conferencing configuration indexed once, taking and giving JSON.
pub struct ConferencingJson(conferencing::ConferencingSnapshot);

impl ConferencingJson {
    /// Index a `ConferencingConfig` document.
    pub fn new(config: &[u8]) -> Result<Self, InputError> {
        Ok(ConferencingJson(conferencing::ConferencingSnapshot::new(
            doc::<ConferencingConfig>(config)?,
        )?))
    }

    /// Route a `DialOut`; the envelope as JSON.
    pub fn route(&self, dial_out: &[u8]) -> String {
        envelope(doc::<DialOut>(dial_out).and_then(|d| out(self.0.route(&d)?)))
    }

    /// Decide a `ConferencingRequest`; the envelope as JSON.
    pub fn check(&self, request: &[u8]) -> String {
        envelope(doc::<ConferencingRequest>(request).and_then(|r| out(self.0.check(&r)?)))
    }

    /// Lint the configuration; the envelope as JSON.
    pub fn lint(&self) -> String {
        envelope(out(self.0.lint()))
    }
}

/// [`KINDS`] as JSON.
pub fn kinds_json() -> String {
    json::to_string(&KINDS)
}

/// The rule catalogue as JSON: code, severity, status, citation, summary, fix.
pub fn catalogue_json() -> String {
    json::to_string(&crate::catalogue::ALL)
}

/// `{"ok": value}` or `{"error": {"path", "message"}}`.
pub fn envelope(r: Result<Value, InputError>) -> String {
    let v = match r {
        Ok(v) => serde_json::json!({ "ok": v }),
        Err(e) => serde_json::json!({ "error": { "path": e.path, "message": e.message } }),
    };
    v.to_string()
}

/// The error envelope for an input that could not be taken at all.
pub fn error_envelope(e: InputError) -> String {
    envelope(Err(e))
}

fn doc<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<T, InputError> {
    json::from_slice(bytes).map_err(InputError::from)
}

fn out<T: Serialize>(value: T) -> Result<Value, InputError> {
    serde_json::to_value(value).map_err(|e| InputError {
        path: String::new(),
        message: format!("the answer could not be written as JSON: {e}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_kinds_and_bad_documents_are_errors_naming_the_fix() {
        let e = decide("nope", b"{}")
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(
            e.contains("unknown kind `nope`") && e.contains("emergency-resolve"),
            "{e}"
        );
        let e = decide("address", b"{\"address\": 3}").err().map(|e| e.path);
        assert_eq!(e.as_deref(), Some("address"));
        let out = run("pidf-lo", b"{\"xml\": \"<x/>\", \"extra\": 1}");
        assert!(out.contains("\"error\"") && out.contains("extra"), "{out}");
    }

    #[test]
    fn every_kind_is_dispatched() {
        for k in KINDS {
            let e = decide(k.name, b"[]")
                .err()
                .map(|e| e.message)
                .unwrap_or_default();
            assert!(
                !e.contains("unknown kind"),
                "{} is listed but not dispatched",
                k.name
            );
        }
    }
}
