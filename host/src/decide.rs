//! JSON in, JSON out through the rules component: the twin of
//! [`ocpolicy_rules::ffi::decide`] (the native and browser entry point), for
//! the server's decision API. The conformance test holds the two to the same
//! answer on every corpus case.

use anyhow::Result;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::RulesInstance;
use crate::types::{self as wt, InputError};

/// The input of the `pidf-lo` kind.
#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct PidfLoDocument {
    xml: String,
}

fn doc<T: DeserializeOwned + Serialize>(bytes: &[u8]) -> Result<T, InputError> {
    ocpolicy_rules::json::from_slice(bytes).map_err(|e| InputError {
        path: e.path,
        message: e.message,
    })
}

fn out<T: Serialize>(v: T) -> Result<Value, InputError> {
    serde_json::to_value(v).map_err(|e| InputError {
        path: String::new(),
        message: format!("the answer could not be written as JSON: {e}"),
    })
}

/// `Ok(Ok(output))`, `Ok(Err(bad input))`, or `Err` when the component trapped.
type Answer = Result<Result<Value, InputError>>;

fn lift<T: Serialize>(r: Result<Result<T, InputError>>) -> Answer {
    Ok(r?.and_then(out))
}

impl RulesInstance {
    /// Decide one document of `kind` (one of [`ocpolicy_rules::ffi::KINDS`]).
    pub fn decide_json(&mut self, kind: &str, input: &[u8]) -> Answer {
        macro_rules! parse {
            ($t:ty) => {
                match doc::<$t>(input) {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                }
            };
        }
        match kind {
            "eligibility" => lift(self.evaluate(&parse!(wt::EligibilityCheck))),
            "operator-programme" => Ok(out(
                self.check_operator_programme(&parse!(wt::OperatorProgramme))?
            )),
            "address" => Ok(out(self.check_address(&parse!(wt::AddressCheck))?)),
            "emergency" => lift(self.emergency_evaluate(&parse!(wt::EmergencyCheck))),
            "emergency-audit" => {
                let config = parse!(wt::EmergencyConfig);
                let s = match self.emergency_snapshot(&config)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let d = self.emergency_audit(&s);
                self.drop_emergency_snapshot(s)?;
                Ok(out(d?))
            }
            "emergency-resolve" => lift(self.emergency_resolve(&parse!(wt::ResolveCheck))),
            "render-pidf-lo" => lift(self.render_pidf_lo(&parse!(wt::PidfLoInput))),
            "pidf-lo" => Ok(out(self.validate_pidf_lo(&parse!(PidfLoDocument).xml)?)),
            "bridge" => Ok(out(self.check_bridge(&parse!(wt::BridgeCheck))?)),
            "conferencing" => lift(self.conferencing_evaluate(&parse!(wt::ConferencingCheck))),
            "conferencing-lint" => lift(self.conferencing_lint(&parse!(wt::ConferencingConfig))),
            "conferencing-route" => lift(self.conferencing_route(&parse!(wt::RouteCheck))),
            "normalize" => lift(self.normalize(&parse!(wt::NormalizeCheck))),
            other => Ok(Err(InputError {
                path: String::new(),
                message: format!(
                    "unknown kind `{other}`; use one of {}",
                    ocpolicy_rules::ffi::KINDS
                        .iter()
                        .map(|k| k.name)
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            })),
        }
    }
}
