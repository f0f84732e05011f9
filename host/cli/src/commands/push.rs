//! `ocpolicy push`: send a tenant to a running `ocpolicy serve`: a tenant
//! document, or a folder of Teams exports imported here first, as
//! `PUT /v1/tenants/{t}` with the platform token.

use anyhow::{Context, Result};
use clap::Args;
use std::path::PathBuf;

use super::Outcome;

/// `ocpolicy push`.
#[derive(Args)]
#[command(after_help = "Examples:
  ocpolicy push tenant.json --server http://127.0.0.1:8080 --token $PLATFORM_TOKEN
  ocpolicy push ./contoso-export --server https://ocpolicy.example --token $PLATFORM_TOKEN

Then create the tenant admin's token:
  curl -X POST -H \"Authorization: Bearer $PLATFORM_TOKEN\" -d '{\"role\":\"admin\"}' \\
       https://ocpolicy.example/v1/tenants/<tenant>/tokens

Exit codes: 0 stored, 1 refused by the rules (TENANT-UNDECIDABLE), 2 bad input
or refused as malformed, 3 the server could not be reached or failed.")]
pub struct PushCommand {
    /// A tenant document, or a folder of Teams exports (`ocpolicy import teams` reads it).
    pub source: PathBuf,
    /// The server's base URL.
    #[arg(long, env = "OCPOLICY_SERVER", default_value = "http://127.0.0.1:8080")]
    pub server: String,
    /// A platform token (`ocpolicy token create --role platform`).
    #[arg(long, env = "OCPOLICY_TOKEN", hide_env_values = true)]
    pub token: String,
    /// The tenant id (default: the document's).
    #[arg(long)]
    pub tenant: Option<String>,
    /// For a folder: the organization's country for conferencing.
    #[arg(long)]
    pub org_country: Option<String>,
    /// Print the server's answer as JSON.
    #[arg(long)]
    pub json: bool,
}

impl PushCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let body = if self.source.is_dir() {
            let options = ocpolicy_import::Options {
                tenant_id: self.tenant.clone(),
                org_country: self.org_country.clone(),
                operators: Vec::new(),
            };
            match ocpolicy_import::import_dir(&self.source, &options, &mut |_| {}) {
                Ok(i) => {
                    if !i.report.complete() {
                        eprintln!(
                            "warning: {} record(s) of {} could not be imported; `ocpolicy import teams {}` lists them",
                            i.report.skipped.len(),
                            self.source.display(),
                            self.source.display()
                        );
                    }
                    serde_json::to_vec(&i.document)?
                }
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(Outcome::BadInput);
                }
            }
        } else {
            match std::fs::read(&self.source) {
                Ok(b) => b,
                Err(e) => {
                    eprintln!("error: cannot read {}: {e}", self.source.display());
                    return Ok(Outcome::BadInput);
                }
            }
        };
        let tenant = match &self.tenant {
            Some(t) => t.clone(),
            None => match serde_json::from_slice::<serde_json::Value>(&body)
                .ok()
                .and_then(|v| v["tenant"]["tenant_id"].as_str().map(String::from))
            {
                Some(t) => t,
                None => {
                    eprintln!(
                        "error: {}: no tenant.tenant_id in the document; give --tenant",
                        self.source.display()
                    );
                    return Ok(Outcome::BadInput);
                }
            },
        };
        let url = format!(
            "{}/v1/tenants/{}",
            self.server.trim_end_matches('/'),
            encode(&tenant)
        );
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let sent = agent
            .put(&url)
            .header("authorization", &format!("Bearer {}", self.token))
            .content_type("application/json")
            .send(&body[..]);
        let mut response = match sent {
            Ok(r) => r,
            Err(e) => {
                eprintln!("error: cannot reach {url}: {e}");
                return Ok(Outcome::Internal);
            }
        };
        let status = response.status().as_u16();
        let text = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_string()
            .context("reading the server's answer")?;
        let answer: serde_json::Value =
            serde_json::from_str(&text).unwrap_or(serde_json::Value::String(text));
        if self.json {
            outln!(
                "{}",
                serde_json::to_string_pretty(
                    &serde_json::json!({"status": status, "answer": answer})
                )?
            );
        }
        match status {
            200 | 201 => {
                if !self.json {
                    outln!(
                        "{} tenant `{tenant}` on {}: {}",
                        if status == 201 { "created" } else { "replaced" },
                        self.server,
                        answer["holds"]
                    );
                }
                Ok(Outcome::Allowed)
            }
            422 => {
                if !self.json {
                    for v in answer["violations"].as_array().into_iter().flatten() {
                        eprintln!(
                            "refused: {} at {}: {}",
                            v["code"].as_str().unwrap_or(""),
                            v["path"].as_str().unwrap_or(""),
                            v["message"].as_str().unwrap_or("")
                        );
                    }
                }
                Ok(Outcome::Denied)
            }
            400 | 401 | 403 | 404 | 413 => {
                if !self.json {
                    eprintln!(
                        "error: {status}: {} {}",
                        answer["error"]["path"].as_str().unwrap_or(""),
                        answer["error"]["message"]
                            .as_str()
                            .unwrap_or(&answer.to_string())
                    );
                }
                Ok(Outcome::BadInput)
            }
            _ => {
                if !self.json {
                    eprintln!("error: the server answered {status}: {answer}");
                }
                Ok(Outcome::Internal)
            }
        }
    }
}

/// A path segment, percent-encoded.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
