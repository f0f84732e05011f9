//! `ocpolicy emergency` and `ocpolicy check address`: the emergency-location
//! family (EMG-* rules, resolution, PIDF-LO, emergency numbers).

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use super::Outcome;
use super::document::read_document;
use super::engine::{
    CommonArgs, Engine, EngineKind, Failure, Verdict, decide, decode, input_err, input_err_w,
    prefixed, prefixed_w,
};
use super::render::name;
use super::report::{report_failure, report_single};
use ocpolicy_rules::{emergency, json, types as core};
use ocpolicy_runtime::types as wt;

const RESOLVE_HELP: &str = "\
Examples:
  # Which location does a call from this Wi-Fi access point carry, and why?
  ocpolicy emergency resolve --lis tests/examples/emergency-config.json --context tests/examples/network-context.json

  # The same as JSON (the resolution record: source, location, routing, trace, violations):
  ocpolicy emergency resolve --json --lis config.json --context -

Exit code: 0 a location was found and nothing is wrong, 1 no location or an
error-severity problem (e.g. EMG-NO-TRUSTED-IP), 2 bad input.";

/// Emergency location: resolve, PIDF-LO, emergency numbers, audit, changes.
#[derive(Subcommand)]
pub enum EmergencyCommand {
    /// Which location an emergency call from a network context carries, with the trace.
    #[command(after_help = RESOLVE_HELP)]
    Resolve(ResolveCommand),
    /// Render a location as PIDF-LO (RFC 4119 / 5139 / 5491).
    #[command(
        after_help = "Example:\n  ocpolicy emergency pidf-lo tests/examples/pidf-lo-input.json > location.xml"
    )]
    PidfLo(PidfLoCommand),
    /// Validate a PIDF-LO document (EMG-PIDF-*).
    #[command(after_help = "Example:\n  ocpolicy emergency validate-pidf-lo location.xml")]
    ValidatePidfLo(ValidateCommand),
    /// The emergency numbers of a country, with dial-mask variants ([EMNUM]).
    #[command(
        after_help = "Examples:\n  ocpolicy emergency numbers US\n  ocpolicy emergency numbers --json GB"
    )]
    Numbers(NumbersCommand),
    /// Lint a whole emergency configuration (LIS, trusted IPs, sites, policies, Kari's Law).
    #[command(
        after_help = "Example:\n  ocpolicy emergency audit tests/examples/emergency-config.json"
    )]
    Audit(AuditCommand),
    /// Decide one change against a configuration (a document {config, request}).
    #[command(
        after_help = "Example:\n  ocpolicy emergency check tests/examples/emergency-check.json\n\nSchemas: ocpolicy schema emergency-check"
    )]
    Check(EmergencyCheckCommand),
}

impl EmergencyCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        match self {
            EmergencyCommand::Resolve(c) => c.execute(),
            EmergencyCommand::PidfLo(c) => c.execute(),
            EmergencyCommand::ValidatePidfLo(c) => c.execute(),
            EmergencyCommand::Numbers(c) => c.execute(),
            EmergencyCommand::Audit(c) => c.execute(),
            EmergencyCommand::Check(c) => c.execute(),
        }
    }
}

/// `ocpolicy check address`.
#[derive(Args)]
pub struct AddressCommand {
    /// An address check document (`-` for standard input): {"address": {...},
    /// "connectivity": "CallingPlan", "location": {...}, "previous": {...}}.
    pub input: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub plugin: super::plugin::PluginArgs,
}

impl AddressCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let plugins = self.plugin.host()?;
        let result = read_document(&self.input).and_then(|doc| {
            let v = decide(
                &doc,
                self.common.engine,
                |doc| {
                    Ok(emergency::check_address(&decode::<core::AddressCheck>(
                        doc, "",
                    )?))
                },
                |i, doc| Ok(i.check_address(&decode::<wt::AddressCheck>(doc, "")?)?),
            )?;
            let Some(host) = &plugins else { return Ok(v) };
            let report = host.address(&decode(&doc, "")?);
            let (allowed, json) = super::plugin::with_report(&v.json, &report)?;
            Ok(Verdict { allowed, json })
        });
        report_single(result, self.common.json)
    }
}

/// `ocpolicy emergency check`.
#[derive(Args)]
pub struct EmergencyCheckCommand {
    /// A document {"config": {...}, "request": {...}} (`-` for standard input).
    pub input: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl EmergencyCheckCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let result = read_document(&self.input).and_then(|doc| {
            decide(
                &doc,
                self.common.engine,
                |doc| emergency::evaluate(decode(doc, "")?).map_err(input_err),
                |i, doc| {
                    i.emergency_evaluate(&decode(doc, "")?)?
                        .map_err(input_err_w)
                },
            )
        });
        report_single(result, self.common.json)
    }
}

/// `ocpolicy emergency audit`.
#[derive(Args)]
pub struct AuditCommand {
    /// An emergency configuration (`-` for standard input).
    pub config: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl AuditCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let result = read_document(&self.config).and_then(|doc| {
            decide(
                &doc,
                self.common.engine,
                |doc| {
                    let s =
                        emergency::EmergencySnapshot::new(decode(doc, "")?).map_err(input_err)?;
                    Ok(s.audit())
                },
                |i, doc| {
                    let s = i
                        .emergency_snapshot(&decode(doc, "")?)?
                        .map_err(input_err_w)?;
                    Ok(i.emergency_audit(&s)?)
                },
            )
        });
        report_single(result, self.common.json)
    }
}

/// `ocpolicy emergency resolve`.
#[derive(Args)]
pub struct ResolveCommand {
    /// The emergency configuration: LIS, trusted IPs, tenant (addresses, locations, numbers).
    #[arg(long)]
    pub lis: PathBuf,
    /// The client's network context (`-` for standard input).
    #[arg(long)]
    pub context: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub plugin: super::plugin::PluginArgs,
}

impl ResolveCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let config = match read_document(&self.lis) {
            Ok(c) => c,
            Err(f) => return report_failure(&f, self.common.json, Some("lis")),
        };
        let context = match read_document(&self.context) {
            Ok(c) => c,
            Err(f) => return report_failure(&f, self.common.json, Some("context")),
        };
        let result: Result<core::Resolution, Failure> = (|| {
            Ok(match Engine::new(self.common.engine)? {
                Engine::Native => {
                    let s = emergency::EmergencySnapshot::new(decode(&config, "lis")?)
                        .map_err(|e| prefixed("lis", e))?;
                    s.resolve(&decode(&context, "context")?)
                        .map_err(input_err)?
                }
                Engine::Component(mut i) => {
                    let s = i
                        .emergency_snapshot(&decode(&config, "lis")?)?
                        .map_err(|e| prefixed_w("lis", e))?;
                    let r = i
                        .emergency_snapshot_resolve(&s, &decode(&context, "context")?)?
                        .map_err(input_err_w)?;
                    ocpolicy_runtime::convert(&r)?
                }
            })
        })();
        let mut r = match result {
            Ok(r) => r,
            Err(f) => return report_failure(&f, self.common.json, None),
        };
        if let Some(host) = self.plugin.host()? {
            let cfg: Result<core::EmergencyConfig, Failure> = decode(&config, "lis");
            let ctx: Result<core::NetworkContext, Failure> = decode(&context, "context");
            if let (Ok(cfg), Ok(ctx)) = (cfg, ctx) {
                let report = host.resolution(std::sync::Arc::new(cfg.tenant), &ctx, &r);
                r.violations.extend(report.violations);
                for run in &report.runs {
                    eprintln!(
                        "plugin {} `{}`: {:?}, fuel {}",
                        run.plugin, run.hook, run.outcome, run.fuel
                    );
                }
            }
        }
        let failed = r.source == core::LocationSource::NoLocation
            || r.violations
                .iter()
                .any(|v| v.severity == core::Severity::Error);
        if self.common.json {
            outln!("{}", json::to_string(&r));
        } else {
            out!("{}", render_resolution(&r));
        }
        Ok(if failed {
            Outcome::Denied
        } else {
            Outcome::Allowed
        })
    }
}

fn render_resolution(r: &core::Resolution) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let place = r
        .location
        .as_ref()
        .and_then(|l| l.place.clone())
        .unwrap_or_default();
    let addr = r.address.as_ref().map(|a| {
        [
            a.house_number.as_deref(),
            a.street_name.as_deref(),
            a.street_suffix.as_deref(),
            a.city.as_deref(),
            a.state_or_province.as_deref(),
            a.postal_code.as_deref(),
            Some(a.country_or_region.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" ")
    });
    let _ = writeln!(
        out,
        "LOCATION: {}{}",
        name(&r.source),
        r.location_id
            .as_ref()
            .map(|l| format!(" `{l}`"))
            .unwrap_or_default()
    );
    if let Some(a) = addr {
        let _ = writeln!(
            out,
            "  address: {a}{}",
            if place.is_empty() {
                String::new()
            } else {
                format!(" ({place})")
            }
        );
    }
    let _ = writeln!(out, "  routing: {}", name(&r.routing));
    let _ = writeln!(out, "\ntrace:");
    for s in &r.trace {
        let _ = writeln!(
            out,
            "  {:<15} {:<10} {}{}",
            name(&s.step),
            name(&s.outcome),
            s.key
                .as_ref()
                .map(|k| format!("[{k}] "))
                .unwrap_or_default(),
            s.reason
        );
    }
    if !r.violations.is_empty() {
        let d = core::Decision {
            allowed: true,
            violations: r.violations.clone(),
        };
        let text = super::render::decision(&d);
        let _ = write!(
            out,
            "\n{}",
            text.split_once('\n').map(|(_, rest)| rest).unwrap_or("")
        );
    }
    out
}

/// `ocpolicy emergency pidf-lo`.
#[derive(Args)]
pub struct PidfLoCommand {
    /// What to render (`-` for standard input): {"entity": "pres:alice@contoso.com", "address": {...}, ...}.
    pub input: PathBuf,
    /// Print {"xml": "..."} instead of the document.
    #[arg(long)]
    pub json: bool,
    /// Which engine renders.
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineKind,
}

impl PidfLoCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let result: Result<String, Failure> = read_document(&self.input).and_then(|doc| {
            Ok(match Engine::new(self.engine)? {
                Engine::Native => {
                    emergency::render_pidf_lo(&decode(&doc, "")?).map_err(input_err)?
                }
                Engine::Component(mut i) => {
                    i.render_pidf_lo(&decode(&doc, "")?)?.map_err(input_err_w)?
                }
            })
        });
        match result {
            Ok(xml) if self.json => outln!("{}", serde_json::json!({ "xml": xml })),
            Ok(xml) => outln!("{xml}"),
            Err(f) => return report_failure(&f, self.json, None),
        }
        Ok(Outcome::Allowed)
    }
}

/// `ocpolicy emergency validate-pidf-lo`.
#[derive(Args)]
pub struct ValidateCommand {
    /// A PIDF-LO XML document (`-` for standard input).
    pub input: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl ValidateCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let result = read_document(&self.input).and_then(|doc| {
            let xml = String::from_utf8(doc).map_err(|e| Failure::Input {
                path: String::new(),
                message: format!(
                    "the document is not UTF-8 (byte {}); PIDF-LO is UTF-8 XML",
                    e.utf8_error().valid_up_to()
                ),
            })?;
            decide(
                xml.as_bytes(),
                self.common.engine,
                |_| Ok(emergency::validate_pidf_lo(&xml)),
                |i, _| Ok(i.validate_pidf_lo(&xml)?),
            )
        });
        report_single(result, self.common.json)
    }
}

/// `ocpolicy emergency numbers`.
#[derive(Args)]
pub struct NumbersCommand {
    /// ISO 3166-1 alpha-2 country code, e.g. US; `all` lists every country.
    pub country: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl NumbersCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let countries: Vec<String> = if self.country.eq_ignore_ascii_case("all") {
            emergency::emergency_number_countries()
                .into_iter()
                .map(str::to_string)
                .collect()
        } else {
            vec![self.country.clone()]
        };
        let mut found = Vec::new();
        for cc in &countries {
            match emergency::emergency_numbers(cc) {
                Some(n) => found.push(n),
                None => {
                    let message = format!(
                        "no emergency numbers known for `{cc}`; give an ISO 3166-1 alpha-2 code such as US, GB or DE (`ocpolicy emergency numbers all` lists them)"
                    );
                    return report_failure(
                        &Failure::Input {
                            path: "country".into(),
                            message,
                        },
                        self.json,
                        None,
                    );
                }
            }
        }
        if self.json {
            if let [one] = found.as_slice() {
                outln!("{}", json::to_string(one));
            } else {
                outln!("{}", json::to_string(&found));
            }
        } else {
            for n in &found {
                let list = |v: &[String]| {
                    if v.is_empty() {
                        "none".to_string()
                    } else {
                        v.join(", ")
                    }
                };
                outln!(
                    "{} ({}): emergency numbers {}; with dial mask {}{}",
                    n.country,
                    n.prefix,
                    list(&n.numbers),
                    list(&n.dial_masks),
                    if n.test_numbers.is_empty() {
                        String::new()
                    } else {
                        format!("; test {}", list(&n.test_numbers))
                    }
                );
            }
            outln!("source: [EMNUM] Teams emergency numbers reference (ms.date 04/28/2025)");
        }
        Ok(Outcome::Allowed)
    }
}

/// The emergency part of `ocpolicy demo`: the example address check, the
/// example network context resolved against the example LIS (both by the
/// chosen engine), and the PIDF-LO the call would carry.
pub(super) fn demo(kind: EngineKind) -> Result<String, Failure> {
    const ADDRESS: &str = include_str!("../../../../tests/examples/address.json");
    const CONFIG: &str = include_str!("../../../../tests/examples/emergency-config.json");
    const CONTEXT: &str = include_str!("../../../../tests/examples/network-context.json");
    let (address, resolution): (core::Decision, core::Resolution) = match Engine::new(kind)? {
        Engine::Native => {
            let d = emergency::check_address(&decode(ADDRESS.as_bytes(), "address")?);
            let s = emergency::EmergencySnapshot::new(decode(CONFIG.as_bytes(), "lis")?)
                .map_err(|e| prefixed("lis", e))?;
            let r = s
                .resolve(&decode(CONTEXT.as_bytes(), "context")?)
                .map_err(input_err)?;
            (d, r)
        }
        Engine::Component(mut i) => {
            let d = i.check_address(&decode(ADDRESS.as_bytes(), "address")?)?;
            let s = i
                .emergency_snapshot(&decode(CONFIG.as_bytes(), "lis")?)?
                .map_err(|e| prefixed_w("lis", e))?;
            let r = i
                .emergency_snapshot_resolve(&s, &decode(CONTEXT.as_bytes(), "context")?)?
                .map_err(input_err_w)?;
            i.drop_emergency_snapshot(s)?;
            (
                ocpolicy_runtime::convert(&d)?,
                ocpolicy_runtime::convert(&r)?,
            )
        }
    };
    let mut out = format!(
        "── emergency: check address (tests/examples/address.json) ──\n{}\n",
        super::render::decision(&address)
    );
    out.push_str(
        "── emergency: resolve (tests/examples/network-context.json against emergency-config.json) ──\n",
    );
    out.push_str(&render_resolution(&resolution));
    if let Some(address) = resolution.address.clone() {
        let input = core::PidfLoInput {
            entity: "pres:alice@contoso.com".into(),
            address,
            location: resolution.location.clone(),
            floor: None,
            room: None,
            method: Some("LIS".into()),
            timestamp: None,
            retransmission_allowed: None,
            retention_expiry: None,
        };
        let xml = emergency::render_pidf_lo(&input).map_err(input_err)?;
        out.push_str("\n── emergency: the PIDF-LO this call carries ──\n");
        out.push_str(&xml);
        out.push('\n');
    }
    Ok(out)
}
