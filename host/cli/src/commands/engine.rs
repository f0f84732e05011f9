//! The one engine wrapper of the CLI: the rules component in wasmtime (the
//! default, what the server runs) or the native core (for comparison), for
//! single documents ([`Engine`], [`decide`]) and for eligibility against one
//! tenant indexed once ([`Evaluator`]), with the input-error helpers every
//! command shares.

use anyhow::Result;
use clap::{Args, ValueEnum};
use ocpolicy_rules::{TenantSnapshot, json, types as core};
use ocpolicy_runtime::{Rules, RulesInstance, Snapshot, types as wt};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Which engine decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Default)]
pub enum EngineKind {
    /// The rules WebAssembly component, in wasmtime (what the server enforces).
    #[default]
    Component,
    /// The same rules compiled natively into this binary.
    Native,
}

/// Why a document got no decision.
pub enum Failure {
    /// The input is at fault: a field path and what to fix.
    Input { path: String, message: String },
    /// The engine is at fault.
    Internal(anyhow::Error),
}

impl From<json::DecodeError> for Failure {
    fn from(e: json::DecodeError) -> Self {
        Failure::Input {
            path: e.path,
            message: e.message,
        }
    }
}

impl From<ocpolicy_runtime::Error> for Failure {
    fn from(e: ocpolicy_runtime::Error) -> Self {
        Failure::Internal(e.into())
    }
}

impl From<anyhow::Error> for Failure {
    fn from(e: anyhow::Error) -> Self {
        Failure::Internal(e)
    }
}

fn input(path: String, message: String, prefix: &str) -> Failure {
    let path = if path.is_empty() || prefix.is_empty() {
        path
    } else {
        format!("{prefix}{path}")
    };
    Failure::Input { path, message }
}

/// A decision, as JSON, and whether it allows.
pub struct Verdict {
    pub allowed: bool,
    pub json: String,
}

enum Inner {
    Native {
        snapshot: Option<Box<TenantSnapshot>>,
    },
    Component {
        instance: Box<RulesInstance>,
        snapshot: Option<Snapshot>,
    },
}

impl Verdict {
    /// A decision of either engine (their types share one JSON form).
    fn of<D: serde::Serialize>(allowed: bool, decision: &D) -> Self {
        Verdict {
            allowed,
            json: json::to_string(decision),
        }
    }
}

/// Decides eligibility documents with one engine, optionally against one
/// tenant indexed once.
pub struct Evaluator {
    inner: Inner,
}

impl Evaluator {
    /// An evaluator; with `tenant`, documents are requests against it.
    pub fn new(
        engine: EngineKind,
        rules: Option<&Rules>,
        tenant: Option<&[u8]>,
    ) -> Result<Self, Failure> {
        let inner = match engine {
            EngineKind::Native => {
                let snapshot = match tenant {
                    Some(bytes) => Some(Box::new(
                        TenantSnapshot::new(json::from_slice::<core::Tenant>(bytes)?)
                            .map_err(|e| input(e.path, e.message, ""))?,
                    )),
                    None => None,
                };
                Inner::Native { snapshot }
            }
            EngineKind::Component => {
                let rules = match rules {
                    Some(r) => r.clone(),
                    None => Rules::new()?,
                };
                let mut instance = Box::new(rules.instance()?);
                let snapshot = match tenant {
                    Some(bytes) => Some(
                        instance
                            .snapshot(&json::from_slice::<wt::Tenant>(bytes)?)?
                            .map_err(|e| input(e.path, e.message, ""))?,
                    ),
                    None => None,
                };
                Inner::Component { instance, snapshot }
            }
        };
        Ok(Evaluator { inner })
    }

    /// Decide one eligibility document: a full check, or a request when the
    /// evaluator holds a tenant.
    pub fn eligibility(&mut self, doc: &[u8]) -> Result<Verdict, Failure> {
        match &mut self.inner {
            Inner::Native { snapshot: Some(s) } => {
                let request: core::EligibilityRequest = json::from_slice(doc)?;
                let d = s
                    .check(&request)
                    .map_err(|e| input(e.path, e.message, ""))?;
                Ok(Verdict::of(d.allowed, &d))
            }
            Inner::Native { snapshot: None } => {
                let check: core::EligibilityCheck = json::from_slice(doc)?;
                let d = ocpolicy_rules::eligibility::evaluate(check)
                    .map_err(|e| input(e.path, e.message, ""))?;
                Ok(Verdict::of(d.allowed, &d))
            }
            Inner::Component {
                instance,
                snapshot: Some(s),
            } => {
                let request: wt::EligibilityRequest = json::from_slice(doc)?;
                let d = instance
                    .check(s, &request)?
                    .map_err(|e| input(e.path, e.message, ""))?;
                Ok(Verdict::of(d.allowed, &d))
            }
            Inner::Component {
                instance,
                snapshot: None,
            } => {
                let check: wt::EligibilityCheck = json::from_slice(doc)?;
                let d = instance
                    .evaluate(&check)?
                    .map_err(|e| input(e.path, e.message, ""))?;
                Ok(Verdict::of(d.allowed, &d))
            }
        }
    }

    /// Decide many eligibility documents. Against a component snapshot they go
    /// across the boundary in one `check-all` call; otherwise one by one. An
    /// `Err` means the engine failed; per-document input errors are in the list.
    pub fn eligibility_many(&mut self, docs: &[&[u8]]) -> Result<Vec<Result<Verdict, Failure>>> {
        let Inner::Component {
            instance,
            snapshot: Some(s),
        } = &mut self.inner
        else {
            return Ok(docs.iter().map(|d| self.eligibility(d)).collect());
        };
        let mut out: Vec<Option<Result<Verdict, Failure>>> = Vec::with_capacity(docs.len());
        let (mut requests, mut slots) = (
            Vec::with_capacity(docs.len()),
            Vec::with_capacity(docs.len()),
        );
        for (i, doc) in docs.iter().enumerate() {
            match json::from_slice::<wt::EligibilityRequest>(doc) {
                Ok(r) => {
                    requests.push(r);
                    slots.push(i);
                    out.push(None);
                }
                Err(e) => out.push(Some(Err(e.into()))),
            }
        }
        let answers = instance.check_all(s, &requests)?;
        anyhow::ensure!(
            answers.len() == slots.len(),
            "check-all answered {} of {} requests",
            answers.len(),
            slots.len()
        );
        for (slot, answer) in slots.into_iter().zip(answers) {
            let verdict = answer
                .map(|d| Verdict {
                    allowed: d.allowed,
                    json: json::to_string(&d),
                })
                .map_err(|e| input(e.path, e.message, ""));
            if let Some(cell) = out.get_mut(slot) {
                *cell = Some(verdict);
            }
        }
        Ok(out
            .into_iter()
            .map(|o| {
                o.unwrap_or_else(|| {
                    Err(Failure::Internal(anyhow::anyhow!(
                        "a request got no answer"
                    )))
                })
            })
            .collect())
    }

    /// Decide an operator-programme document.
    pub fn operator_programme(&mut self, doc: &[u8]) -> Result<Verdict, Failure> {
        match &mut self.inner {
            Inner::Native { .. } => {
                let p: core::OperatorProgramme = json::from_slice(doc)?;
                let d = ocpolicy_rules::eligibility::check_operator_programme(&p);
                Ok(Verdict::of(d.allowed, &d))
            }
            Inner::Component { instance, .. } => {
                let p: wt::OperatorProgramme = json::from_slice(doc)?;
                let d = instance.check_operator_programme(&p)?;
                Ok(Verdict::of(d.allowed, &d))
            }
        }
    }
}

/// Options every check shares.
#[derive(Args)]
pub struct CommonArgs {
    /// Print JSON (one decision per line in batch mode) instead of a report.
    #[arg(long)]
    pub json: bool,
    /// Which engine decides.
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineKind,
}

/// One engine for one command: the component (default) or the native core.
pub(super) enum Engine {
    Native,
    Component(Box<RulesInstance>),
}

impl Engine {
    pub(super) fn new(kind: EngineKind) -> Result<Self, Failure> {
        Ok(match kind {
            EngineKind::Native => Engine::Native,
            EngineKind::Component => Engine::Component(Box::new(Rules::new()?.instance()?)),
        })
    }
}

/// Decide one document with the chosen engine: `native` on the core, or
/// `component` on a fresh rules instance. Every single-document command that
/// prints a decision goes through here.
pub(super) fn decide(
    doc: &[u8],
    engine: EngineKind,
    native: impl FnOnce(&[u8]) -> Result<core::Decision, Failure>,
    component: impl FnOnce(&mut RulesInstance, &[u8]) -> Result<wt::Decision, Failure>,
) -> Result<Verdict, Failure> {
    Ok(match Engine::new(engine)? {
        Engine::Native => {
            let d = native(doc)?;
            verdict(d.allowed, &d)
        }
        Engine::Component(mut i) => {
            let d = component(&mut i, doc)?;
            verdict(d.allowed, &d)
        }
    })
}

pub(super) fn verdict<D: Serialize>(allowed: bool, d: &D) -> Verdict {
    Verdict {
        allowed,
        json: json::to_string(d),
    }
}

pub(super) fn input_err(e: core::InputError) -> Failure {
    Failure::Input {
        path: e.path,
        message: e.message,
    }
}

pub(super) fn input_err_w(e: wt::InputError) -> Failure {
    Failure::Input {
        path: e.path,
        message: e.message,
    }
}

pub(super) fn prefixed(doc: &str, e: core::InputError) -> Failure {
    Failure::Input {
        path: format!("{doc}:{}", e.path),
        message: e.message,
    }
}

pub(super) fn prefixed_w(doc: &str, e: wt::InputError) -> Failure {
    Failure::Input {
        path: format!("{doc}:{}", e.path),
        message: e.message,
    }
}

pub(super) fn decode<T: DeserializeOwned + serde::Serialize>(
    doc: &[u8],
    prefix: &str,
) -> Result<T, Failure> {
    json::from_slice(doc).map_err(|e| Failure::Input {
        path: if prefix.is_empty() || e.path.is_empty() {
            format!("{prefix}{}", e.path)
        } else {
            format!("{prefix}:{}", e.path)
        },
        message: e.message,
    })
}
