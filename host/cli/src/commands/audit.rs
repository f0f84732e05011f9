//! `ocpolicy audit TENANT`: every rule family over a whole tenant document
//! (the `ocpolicy-audit` crate), as text, JSON or an HTML report.
//!
//! Exit codes as for the checks: 0 nothing of severity error, 1 errors found,
//! 2 the document cannot be read or decided, 3 the engine failed.

use anyhow::{Context, Result};
use clap::Args;
use ocpolicy_audit::{Stop, audit, html, text};
use ocpolicy_rules::types::{Severity, TenantDocument};
use std::path::PathBuf;

use super::Outcome;
use super::engine::EngineKind;

/// Largest tenant document `audit` reads (a local file, so larger than the
/// server's request limit).
const MAX_TENANT_BYTES: u64 = 1 << 30;

/// `ocpolicy audit`.
#[derive(Args)]
#[command(after_help = "Examples:
  ocpolicy audit tenant.json
  ocpolicy audit tenant.json --json > findings.json
  ocpolicy audit tenant.json --html report.html

Exit codes: 0 no errors (warnings and info may be listed), 1 errors found,
2 the document cannot be read or decided, 3 the engine failed.")]
pub struct AuditCommand {
    /// A tenant document (`ocpolicy import teams` writes one; `-` for standard input).
    pub tenant: PathBuf,
    /// Print the findings as JSON.
    #[arg(long)]
    pub json: bool,
    /// Also write a self-contained HTML report (charts and a findings table).
    #[arg(long, value_name = "FILE")]
    pub html: Option<PathBuf>,
    /// The time the assignments are decided at (RFC 3339; default: now).
    #[arg(long, value_name = "RFC3339")]
    pub now: Option<String>,
    /// Findings listed per code in the text report (the rest are counted).
    #[arg(long, default_value_t = 5)]
    pub show: usize,
    /// Which engine decides.
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineKind,
}

impl AuditCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let bytes = match read(&self.tenant) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("error: {e:#}");
                return Ok(Outcome::BadInput);
            }
        };
        let decoded = ocpolicy_rules::json::from_slice_any_size(&bytes);
        drop(bytes);
        let doc: TenantDocument = match decoded {
            Ok(d) => d,
            Err(e) => {
                eprintln!(
                    "{}",
                    super::render::failure(
                        &format!("{}:{}", self.tenant.display(), e.path),
                        &e.message
                    )
                );
                return Ok(Outcome::BadInput);
            }
        };
        if let Err(e) = ocpolicy_rules::document::check(&doc) {
            eprintln!(
                "{}",
                super::render::failure(
                    &format!("{}:{}", self.tenant.display(), e.path),
                    &format!("TENANT-UNDECIDABLE: {}", e.message)
                )
            );
            return Ok(Outcome::BadInput);
        }
        let now = match &self.now {
            Some(n) => n.clone(),
            None => time::OffsetDateTime::now_utc()
                .replace_nanosecond(0)
                .ok()
                .and_then(|t| {
                    t.format(&time::format_description::well_known::Rfc3339)
                        .ok()
                })
                .context("formatting the time")?,
        };
        let kind = match self.engine {
            EngineKind::Component => ocpolicy_audit::EngineKind::Component,
            EngineKind::Native => ocpolicy_audit::EngineKind::Native,
        };
        let audit = match audit(&doc, &now, kind) {
            Ok(a) => a,
            Err(Stop::Input(path, message)) => {
                eprintln!("{}", super::render::failure(&path, &message));
                return Ok(Outcome::BadInput);
            }
            Err(Stop::Engine(e)) => {
                eprintln!("error: {e:#}");
                return Ok(Outcome::Internal);
            }
        };
        if let Some(path) = &self.html {
            std::fs::write(path, html(&audit))
                .with_context(|| format!("writing {}", path.display()))?;
            eprintln!("wrote {}", path.display());
        }
        if self.json {
            outln!("{}", serde_json::to_string_pretty(&audit)?);
        } else {
            out!("{}", text(&audit, self.show));
        }
        let errors = audit.findings.iter().any(|f| f.severity == Severity::Error);
        Ok(if errors {
            Outcome::Denied
        } else {
            Outcome::Allowed
        })
    }
}

fn read(path: &std::path::Path) -> Result<Vec<u8>> {
    use std::io::Read;
    let name = path.display().to_string();
    let reader: Box<dyn Read> = if name == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::fs::File::open(path).with_context(|| format!("cannot open `{name}`"))?)
    };
    let mut buf = Vec::new();
    reader
        .take(MAX_TENANT_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("cannot read `{name}`"))?;
    anyhow::ensure!(
        buf.len() as u64 <= MAX_TENANT_BYTES,
        "`{name}` is larger than {MAX_TENANT_BYTES} bytes"
    );
    Ok(buf)
}
