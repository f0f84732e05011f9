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

use crate::kinds::{KindId, input as i, output as o};
use crate::types::{
    ConferencingConfig, ConferencingRequest, DialOut, EligibilityRequest, EmergencyConfig,
    EmergencyRequest, InputError, NetworkContext, Tenant,
};
use crate::{conferencing, eligibility, emergency, json};

/// One kind of check: its name and what it takes (a row of
/// [`for_each_kind!`](crate::for_each_kind), as data).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Kind {
    /// Which kind (not serialised: `name` says it).
    #[serde(skip)]
    pub id: KindId,
    /// The name [`run`] takes (`eligibility`, `emergency-resolve`...).
    pub name: &'static str,
    /// Its family (`eligibility`, `emergency`, `conferencing`).
    pub family: &'static str,
    /// The input document's type (`ResolveCheck`); `ocpolicy schema <name>`
    /// prints its schema.
    pub input: &'static str,
    /// The output's type (`Decision`...; `string` for `render-pidf-lo`).
    pub output: &'static str,
    /// What it decides.
    pub summary: &'static str,
}

impl Kind {
    /// The descriptor of `id`.
    pub const fn of(id: KindId) -> Kind {
        Kind {
            id,
            name: id.name(),
            family: id.family().name(),
            input: id.input_type(),
            output: id.output_type(),
            summary: id.summary(),
        }
    }
}

macro_rules! kinds {
    ($($name:literal => $id:ident { $($field:tt)* }),* $(,)?) => {
        /// Every kind [`run`] accepts, in table order.
        pub const KINDS: &[Kind] = &[$(Kind::of(KindId::$id)),*];
    };
}

crate::for_each_kind!(kinds);

/// Decide one document of `kind`; the envelope as JSON.
pub fn run(kind: &str, input: &[u8]) -> String {
    envelope(decide(kind, input))
}

/// Decide one document of the kind `id`; the envelope as JSON.
///
/// Inlined, as is [`decide_id`], so that a caller naming one kind (the
/// browser's per-family modules) links that kind's rules only.
#[inline(always)]
pub fn run_id(id: KindId, input: &[u8]) -> String {
    envelope(decide_id(id, input))
}

/// Decide one document of `kind`: the output's JSON form, or what is wrong
/// with the input (an unknown `kind` included).
pub fn decide(kind: &str, input: &[u8]) -> Result<Value, InputError> {
    decide_id(kind.parse()?, input)
}

/// Decide one document of the kind `id`: the output's JSON form, or what is
/// wrong with the input.
#[inline(always)]
pub fn decide_id(id: KindId, input: &[u8]) -> Result<Value, InputError> {
    // Decode the kind's input type and encode its output type, as the table
    // declares them, around its rule: an arm that disagrees with the table
    // does not compile, and neither does a row without an arm.
    macro_rules! rule {
        ($id:ident, $rule:expr) => {
            rule::<i::$id, o::$id>(input, $rule)
        };
    }
    match id {
        KindId::Eligibility => rule!(Eligibility, eligibility::evaluate),
        KindId::OperatorProgramme => rule!(OperatorProgramme, |p| Ok(
            eligibility::check_operator_programme(&p)
        )),
        KindId::Address => rule!(Address, |c| Ok(emergency::check_address(&c))),
        KindId::Emergency => rule!(Emergency, emergency::evaluate),
        KindId::EmergencyAudit => rule!(EmergencyAudit, |c| Ok(emergency::EmergencySnapshot::new(
            c
        )?
        .audit())),
        KindId::EmergencyResolve => rule!(EmergencyResolve, emergency::resolve),
        KindId::RenderPidfLo => rule!(RenderPidfLo, |p| emergency::render_pidf_lo(&p)),
        KindId::PidfLo => rule!(PidfLo, |d| Ok(emergency::validate_pidf_lo(&d.xml))),
        KindId::Bridge => rule!(Bridge, |c| Ok(conferencing::check_bridge(&c))),
        KindId::Conferencing => rule!(Conferencing, conferencing::evaluate),
        KindId::ConferencingLint => rule!(ConferencingLint, conferencing::lint),
        KindId::ConferencingRoute => rule!(ConferencingRoute, conferencing::route),
        KindId::Normalize => rule!(Normalize, |c| conferencing::normalize(&c)),
    }
}

/// Decode an `I`, apply `f`, encode its `O`.
fn rule<I, O>(input: &[u8], f: impl FnOnce(I) -> Result<O, InputError>) -> Result<Value, InputError>
where
    I: DeserializeOwned + Serialize,
    O: Serialize,
{
    out(f(doc::<I>(input)?)?)
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

/// The kinds of the families `keep` holds, as JSON (a per-family module's
/// `kinds()`).
pub fn kinds_json_of(keep: impl Fn(crate::kinds::Family) -> bool) -> String {
    let kinds: Vec<&Kind> = KINDS.iter().filter(|k| keep(k.id.family())).collect();
    json::to_string(&kinds)
}

/// The rule catalogue as JSON: code, severity, status, citation, summary, fix.
/// A build without some families' texts (see [`crate::catalogue::carried`])
/// lists only the rules it carries.
pub fn catalogue_json() -> String {
    let rules: Vec<&crate::catalogue::Rule> = crate::catalogue::ALL
        .iter()
        .filter(|r| crate::catalogue::carried(r.code))
        .collect();
    json::to_string(&rules)
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
    fn kinds_follow_the_table() {
        assert_eq!(KINDS.len(), KindId::ALL.len());
        for (k, &id) in KINDS.iter().zip(KindId::ALL) {
            assert_eq!(k.id, id);
            assert_eq!(k.name, id.name());
            assert_eq!(k.family, id.family().name());
            assert_eq!(k.input, id.input_type());
            assert_eq!(k.output, id.output_type());
        }
        let v: Value = serde_json::from_str(&kinds_json()).unwrap_or_default();
        assert_eq!(
            v.get(5),
            Some(&serde_json::json!({
                "name": "emergency-resolve",
                "family": "emergency",
                "input": "ResolveCheck",
                "output": "Resolution",
                "summary": "which location an emergency call from this network context carries, and why",
            }))
        );
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
