//! `ocpolicy rules`: the rule catalogue.

use anyhow::Result;
use clap::Args;

use super::Outcome;
use ocpolicy_rules::catalogue::{self, Status};
use ocpolicy_rules::types::Severity;

/// `ocpolicy rules [CODE]`.
#[derive(Args)]
#[command(
    after_help = "Examples:\n  ocpolicy rules\n  ocpolicy rules ELIG-USAGE-LOCATION\n  ocpolicy rules --json | jq '.[] | select(.status != \"Sourced\")'"
)]
pub struct RulesCommand {
    /// Show one rule in full.
    pub code: Option<String>,
    /// Print the catalogue as JSON.
    #[arg(long)]
    pub json: bool,
}

impl RulesCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let rules: Vec<_> = match &self.code {
            Some(code) => match catalogue::find(&code.to_ascii_uppercase()) {
                Some(r) => vec![*r],
                None => {
                    eprintln!("bad input: no rule `{code}`; `ocpolicy rules` lists them all");
                    return Ok(Outcome::BadInput);
                }
            },
            None => catalogue::ALL.to_vec(),
        };
        if self.json {
            outln!("{}", serde_json::to_string_pretty(&rules)?);
            return Ok(Outcome::Allowed);
        }
        for r in &rules {
            let sev = match r.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "info",
            };
            let status = match r.status {
                Status::Sourced => "sourced",
                Status::Derived => "DERIVED",
                Status::Unsourced => "UNSOURCED",
            };
            if self.code.is_some() {
                outln!("{}  ({sev}, {status}) {}", r.code, r.citation);
                outln!("  checks: {}", r.summary);
                outln!("  fix:    {}", r.remediation);
                if !r.design_note.is_empty() {
                    outln!("  design: {}", r.design_note);
                }
            } else {
                outln!("{:<30} {sev:<8} {status:<10} {}", r.code, r.summary);
            }
        }
        Ok(Outcome::Allowed)
    }
}
