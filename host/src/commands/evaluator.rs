//! One evaluator over both engines: the rules component in wasmtime (the
//! default, what the server runs) and the native core (for comparison).

use anyhow::Result;
use clap::ValueEnum;
use ocpolicy_host::{Rules, RulesInstance, Snapshot, types as wt};
use ocpolicy_rules::{TenantSnapshot, json, types as core};

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
