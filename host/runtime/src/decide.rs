//! JSON in, JSON out through the rules component: the twin of
//! [`ocpolicy_rules::ffi::decide`] (the native and browser entry point), for
//! the server's decision API. The conformance test holds the two to the same
//! answer on every corpus case.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::types::{self as wt, InputError};
use crate::{Result, RulesInstance};
use ocpolicy_rules::kinds::{KindId, PidfLoDocument};

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
pub type Answer = Result<Result<Value, InputError>>;

fn lift<T: Serialize>(r: Result<Result<T, InputError>>) -> Answer {
    Ok(r?.and_then(out))
}

impl RulesInstance {
    /// Decide one document of `kind` (a name of [`ocpolicy_rules::ffi::KINDS`]).
    pub fn decide_json(&mut self, kind: &str, input: &[u8]) -> Answer {
        match KindId::from_name(kind) {
            Some(id) => self.decide_kind(id, input),
            None => {
                let e = KindId::unknown(kind);
                Ok(Err(InputError {
                    path: e.path,
                    message: e.message,
                }))
            }
        }
    }

    /// Decide one document of the kind `id`. The `match` is exhaustive, with
    /// no default arm: a kind added to the table does not compile until its
    /// component call is written here.
    pub fn decide_kind(&mut self, id: KindId, input: &[u8]) -> Answer {
        macro_rules! parse {
            ($t:ty) => {
                match doc::<$t>(input) {
                    Ok(v) => v,
                    Err(e) => return Ok(Err(e)),
                }
            };
        }
        match id {
            KindId::Eligibility => lift(self.evaluate(&parse!(wt::EligibilityCheck))),
            KindId::OperatorProgramme => Ok(out(
                self.check_operator_programme(&parse!(wt::OperatorProgramme))?
            )),
            KindId::Address => Ok(out(self.check_address(&parse!(wt::AddressCheck))?)),
            KindId::Emergency => lift(self.emergency_evaluate(&parse!(wt::EmergencyCheck))),
            KindId::EmergencyAudit => {
                let config = parse!(wt::EmergencyConfig);
                let s = match self.emergency_snapshot(&config)? {
                    Ok(s) => s,
                    Err(e) => return Ok(Err(e)),
                };
                let d = self.emergency_audit(&s);
                self.drop_emergency_snapshot(s)?;
                Ok(out(d?))
            }
            KindId::EmergencyResolve => lift(self.emergency_resolve(&parse!(wt::ResolveCheck))),
            KindId::RenderPidfLo => lift(self.render_pidf_lo(&parse!(wt::PidfLoInput))),
            KindId::PidfLo => Ok(out(self.validate_pidf_lo(&parse!(PidfLoDocument).xml)?)),
            KindId::Bridge => Ok(out(self.check_bridge(&parse!(wt::BridgeCheck))?)),
            KindId::Conferencing => {
                lift(self.conferencing_evaluate(&parse!(wt::ConferencingCheck)))
            }
            KindId::ConferencingLint => {
                lift(self.conferencing_lint(&parse!(wt::ConferencingConfig)))
            }
            KindId::ConferencingRoute => lift(self.conferencing_route(&parse!(wt::RouteCheck))),
            KindId::Normalize => lift(self.normalize(&parse!(wt::NormalizeCheck))),
        }
    }
}
