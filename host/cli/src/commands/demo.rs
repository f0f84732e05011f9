//! `ocpolicy demo`: the bundled examples, decided by the rules component.

use anyhow::Result;
use clap::Args;

use super::Outcome;
use super::engine::{EngineKind, Evaluator, Failure};
use super::render;

/// The demo tenant (Contoso) every example request runs against.
const TENANT: &str = include_str!("../../../../tests/examples/tenant.json");

/// The example requests, in the order a new admin meets them.
const REQUESTS: &[(&str, &str)] = &[
    (
        "assign-number",
        include_str!("../../../../tests/examples/requests/assign-number.json"),
    ),
    (
        "assign-number-denied",
        include_str!("../../../../tests/examples/requests/assign-number-denied.json"),
    ),
    (
        "upload-numbers",
        include_str!("../../../../tests/examples/requests/upload-numbers.json"),
    ),
    (
        "remove-operator",
        include_str!("../../../../tests/examples/requests/remove-operator.json"),
    ),
    (
        "release-number",
        include_str!("../../../../tests/examples/requests/release-number.json"),
    ),
    (
        "migrate-to-operator-connect",
        include_str!("../../../../tests/examples/requests/migrate-to-operator-connect.json"),
    ),
    (
        "set-assignment-block",
        include_str!("../../../../tests/examples/requests/set-assignment-block.json"),
    ),
    (
        "update-number-location",
        include_str!("../../../../tests/examples/requests/update-number-location.json"),
    ),
    (
        "write-civic-address",
        include_str!("../../../../tests/examples/requests/write-civic-address.json"),
    ),
    (
        "review-account",
        include_str!("../../../../tests/examples/requests/review-account.json"),
    ),
];

const PROGRAMME: &str = include_str!("../../../../tests/examples/operator-programme.json");

/// `ocpolicy demo`.
#[derive(Args)]
#[command(
    after_help = "The examples live in tests/examples/; `ocpolicy check eligibility --tenant tests/examples/tenant.json tests/examples/requests/<name>.json` runs one."
)]
pub struct DemoCommand {
    /// Which engine decides.
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineKind,
}

impl DemoCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let mut evaluator = match Evaluator::new(self.engine, None, Some(TENANT.as_bytes())) {
            Ok(e) => e,
            Err(Failure::Input { path, message }) => {
                anyhow::bail!("the demo tenant is bad at {path}: {message}")
            }
            Err(Failure::Internal(e)) => return Err(e),
        };
        outln!(
            "ocpolicy demo: tenant Contoso (tests/examples/tenant.json), engine {:?}\n",
            self.engine
        );
        let mut docs: Vec<(&str, &str, bool)> =
            REQUESTS.iter().map(|(n, d)| (*n, *d, false)).collect();
        docs.push(("operator-programme", PROGRAMME, true));
        for (name, doc, programme) in docs {
            let result = if programme {
                evaluator.operator_programme(doc.as_bytes())
            } else {
                evaluator.eligibility(doc.as_bytes())
            };
            outln!("── {name} ──");
            match result {
                Ok(v) => {
                    let d: ocpolicy_rules::types::Decision = serde_json::from_str(&v.json)?;
                    outln!("{}", render::decision(&d));
                }
                Err(Failure::Input { path, message }) => {
                    outln!("{}\n", render::failure(&path, &message))
                }
                Err(Failure::Internal(e)) => return Err(e),
            }
        }
        match super::emergency::demo(self.engine) {
            Ok(text) => outln!("{text}"),
            Err(Failure::Input { path, message }) => {
                anyhow::bail!("the emergency demo example is bad at {path}: {message}")
            }
            Err(Failure::Internal(e)) => return Err(e),
        }
        match super::conferencing::demo(self.engine) {
            Ok(text) => outln!("{text}"),
            Err(Failure::Input { path, message }) => {
                anyhow::bail!("the conferencing demo example is bad at {path}: {message}")
            }
            Err(Failure::Internal(e)) => return Err(e),
        }
        Ok(Outcome::Allowed)
    }
}
