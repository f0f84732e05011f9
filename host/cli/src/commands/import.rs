//! `ocpolicy import teams DIR -o tenant.json`: a tenant document from a
//! folder of Teams PowerShell and Graph exports (`scripts/export-teams-tenant.ps1`
//! writes one), with a report of everything that could not be mapped.

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use ocpolicy_import::{Error, Import, Options, Report};
use std::io::IsTerminal;
use std::path::PathBuf;

use super::Outcome;

/// `ocpolicy import`.
#[derive(Subcommand)]
pub enum ImportCommand {
    /// Build a tenant document from Teams PowerShell exports (ConvertTo-Json
    /// -Depth 10, one file per cmdlet), the Export-CsAcquiredPhoneNumber CSV,
    /// or Graph telephone number management JSON.
    #[command(after_help = "Files are recognised by the cmdlet that wrote them:
  Get-CsPhoneNumberAssignment.json (pages: Get-CsPhoneNumberAssignment.2.json ...),
  Get-CsOnlineUser.json, Get-CsOnlineLisCivicAddress.json, Get-CsOnlineLisLocation.json,
  Get-CsOnlineLisWirelessAccessPoint.json, Get-CsOnlineLisSwitch.json,
  Get-CsOnlineLisPort.json, Get-CsOnlineLisSubnet.json, Get-CsTenantTrustedIPAddress.json,
  Get-CsTenantNetworkSite.json, Get-CsTenantNetworkSubnet.json,
  Get-CsTeamsEmergencyCallingPolicy.json, Get-CsTeamsEmergencyCallRoutingPolicy.json,
  Get-CsOnlinePstnUsages.json, Get-CsOnlineVoiceRoute.json, Get-CsOnlineVoiceRoutingPolicy.json,
  Get-CsOnlineAudioConferencingRoutingPolicy.json, Get-CsTenantDialPlan.json,
  Get-CsOnlineDialOutPolicy.json, Get-CsOnlineDialInConferencingBridge.json,
  Export-CsAcquiredPhoneNumber.csv, graph-numberAssignments.json, graph-userConfigurations.json.
scripts/export-teams-tenant.ps1 writes such a folder.

Exit codes: 0 every record mapped, 2 some records or files could not be mapped
(the document is still written, and the report lists each), or the exports
cannot make a tenant (nothing is written), 3 internal error.

Example:
  ocpolicy import teams ./contoso-export -o tenant.json
  ocpolicy audit tenant.json")]
    Teams(TeamsImport),
}

impl ImportCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        match self {
            ImportCommand::Teams(c) => c.execute(),
        }
    }
}

/// `ocpolicy import teams`.
#[derive(Args)]
pub struct TeamsImport {
    /// The folder of exports.
    pub dir: PathBuf,
    /// Where to write the tenant document (`-` for standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
    /// The tenant id (default: the TenantId the exports carry).
    #[arg(long)]
    pub tenant_id: Option<String>,
    /// The organization's country for conferencing (ISO 3166-1 alpha-2;
    /// default: the most common usage location).
    #[arg(long)]
    pub org_country: Option<String>,
    /// Operators as the Teams admin center's Operators page holds them, which
    /// no cmdlet exports: a JSON list of tenant operators ({operator_id,
    /// name, products, enabled_countries, status, contact, data_transfer_notice_accepted}).
    #[arg(long, value_name = "FILE")]
    pub operators: Option<PathBuf>,
    /// Print the report as JSON on standard output (the document goes to -o).
    #[arg(long)]
    pub json: bool,
    /// Do not show progress.
    #[arg(long, short)]
    pub quiet: bool,
}

impl TeamsImport {
    fn execute(self) -> Result<Outcome> {
        let operators = match &self.operators {
            None => Vec::new(),
            Some(p) => {
                let bytes = match std::fs::read(p) {
                    Ok(b) => b,
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", p.display());
                        return Ok(Outcome::BadInput);
                    }
                };
                match ocpolicy_rules::json::from_slice(&bytes) {
                    Ok(o) => o,
                    Err(e) => {
                        eprintln!(
                            "{}",
                            super::render::failure(
                                &format!("{}:{}", p.display(), e.path),
                                &e.message
                            )
                        );
                        return Ok(Outcome::BadInput);
                    }
                }
            }
        };
        let options = Options {
            tenant_id: self.tenant_id.clone(),
            org_country: self.org_country.clone().map(|c| c.to_ascii_uppercase()),
            operators,
        };
        let bar = ProgressBar::with_draw_target(
            Some(0),
            if self.quiet || !std::io::stderr().is_terminal() {
                ProgressDrawTarget::hidden()
            } else {
                ProgressDrawTarget::stderr()
            },
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{spinner} importing [{bar:30}] {bytes}/{total_bytes} {msg}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        let result = ocpolicy_import::import_dir(&self.dir, &options, &mut |p| {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
            bar.set_message(format!("{} ({} records)", p.file, p.records));
        });
        bar.finish_and_clear();
        match result {
            Err(Error::Io(path, e)) => {
                eprintln!("error: cannot read {}: {e}", path.display());
                Ok(Outcome::BadInput)
            }
            Err(e @ Error::Undecidable { .. }) => {
                let Error::Undecidable { report, .. } = &e else {
                    return Ok(Outcome::Internal);
                };
                if self.json {
                    outln!(
                        "{}",
                        serde_json::to_string_pretty(&serde_json::json!({
                            "written": false,
                            "error": e.to_string(),
                            "report": report,
                        }))?
                    );
                } else {
                    eprint!("{}", text(report));
                }
                eprintln!("error: {e}; nothing was written");
                Ok(Outcome::BadInput)
            }
            Ok(Import { document, report }) => {
                let json = serde_json::to_string_pretty(&document)?;
                if self.output.as_os_str() == "-" {
                    outln!("{json}");
                } else {
                    std::fs::write(&self.output, format!("{json}\n"))
                        .with_context(|| format!("writing {}", self.output.display()))?;
                }
                if self.json {
                    let body = serde_json::json!({
                        "written": self.output.display().to_string(),
                        "complete": report.complete(),
                        "report": report,
                    });
                    if self.output.as_os_str() == "-" {
                        eprintln!("{}", serde_json::to_string_pretty(&body)?);
                    } else {
                        outln!("{}", serde_json::to_string_pretty(&body)?);
                    }
                } else {
                    eprint!("{}", text(&report));
                    eprintln!("wrote {}", self.output.display());
                }
                Ok(if report.complete() {
                    Outcome::Allowed
                } else {
                    Outcome::BadInput
                })
            }
        }
    }
}

/// The report for people.
pub fn text(r: &Report) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let _ = writeln!(s, "imported {}:", r.dir);
    for f in &r.files {
        let _ = writeln!(
            s,
            "  {:<48} {:>7} record(s), {:>7} mapped  ({})",
            f.file, f.records, f.mapped, f.cmdlet
        );
    }
    let counts: Vec<String> = r
        .counts
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, n)| format!("{n} {k}"))
        .collect();
    if !counts.is_empty() {
        let _ = writeln!(s, "the document holds: {}", counts.join(", "));
    }
    if !r.skipped.is_empty() {
        let _ = writeln!(s, "\nnot imported ({}):", r.skipped.len());
        for k in &r.skipped {
            match k.index {
                Some(i) => {
                    let _ = writeln!(s, "  {} record {i}: {}", k.file, k.why);
                }
                None => {
                    let _ = writeln!(s, "  {}: {}", k.file, k.why);
                }
            }
        }
    }
    if !r.filtered.is_empty() {
        let _ = writeln!(s, "\nleft out by design ({}):", r.filtered.len());
        for k in &r.filtered {
            let _ = writeln!(s, "  {} record {}: {}", k.file, k.index.unwrap_or(0), k.why);
        }
    }
    if !r.merged.is_empty() {
        let _ = writeln!(
            s,
            "\nalso in another export ({}, one record kept):",
            r.merged.len()
        );
        for k in &r.merged {
            let _ = writeln!(s, "  {} record {}: {}", k.file, k.index.unwrap_or(0), k.why);
        }
    }
    if !r.issues.is_empty() {
        let _ = writeln!(s, "\nfield notes ({}):", r.issues.len());
        for i in &r.issues {
            let _ = writeln!(
                s,
                "  {} record {} `{}`: {}",
                i.file, i.index, i.field, i.why
            );
        }
    }
    if !r.unknown_fields.is_empty() {
        let _ = writeln!(s, "\nunknown fields (not read):");
        for u in &r.unknown_fields {
            let _ = writeln!(s, "  {} `{}` in {} record(s)", u.file, u.field, u.records);
        }
    }
    if !r.not_read.is_empty() {
        let _ = writeln!(
            s,
            "\nfiles that are no export ocpolicy reads: {}",
            r.not_read.join(", ")
        );
    }
    if !r.inferred.is_empty() {
        let _ = writeln!(s, "\ninferred:");
        for i in &r.inferred {
            let _ = writeln!(s, "  - {i}");
        }
    }
    if !r.lacks.is_empty() {
        let _ = writeln!(s, "\nthe document lacks:");
        for l in &r.lacks {
            let _ = writeln!(s, "  - {l}");
        }
    }
    s
}
