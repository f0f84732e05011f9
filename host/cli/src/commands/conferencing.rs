//! `ocpolicy conferencing` and `ocpolicy check bridge`: the conferencing-routing
//! family (CONF-* rules, meeting dial-out routing with its trace, lint).

use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, Subcommand};

use super::Outcome;
use super::document::read_document;
use super::engine::{
    CommonArgs, Engine, Failure, decide, decode, input_err, input_err_w, prefixed, prefixed_w,
};
use super::render::name;
use super::report::{report_failure, report_single};
use ocpolicy_rules::{conferencing, json, types as core};

const ROUTE_HELP: &str = "\
Examples:
  # Where does a dial-out from alice's meeting to +44 20 7123 4567 go, and why?
  ocpolicy conferencing route --config tests/examples/conferencing-config.json --organizer alice@contoso.com --dial +442071234567

  # A short extension, normalized with alice's dial plan first:
  ocpolicy conferencing route --config tests/examples/conferencing-config.json --organizer alice@contoso.com --dial 0100

  # The decision as JSON (outcome, normalized number, trace, violations):
  ocpolicy conferencing route --json --config cfg.json --organizer alice@contoso.com --dial +14255550100

Exit code: 0 routed (operator, SBCs or Microsoft) with no error, 1 blocked,
not routable, or an error-severity problem, 2 bad input.";

/// Conferencing: route a meeting dial-out, lint a configuration, decide changes.
#[derive(Subcommand)]
pub enum ConferencingCommand {
    /// Which way a meeting dial-out goes (operator, SBCs, Microsoft, not routable, blocked), with the trace.
    #[command(after_help = ROUTE_HELP)]
    Route(RouteCommand),
    /// Analyse a whole configuration: shadowed usages, backup-only routes,
    /// BridgeSourcePhoneNumber misuse, missing usages, invalid patterns, dial plans, the bridge.
    #[command(
        after_help = "Example:\n  ocpolicy conferencing lint tests/examples/conferencing-config.json\n\nExit code: 0 no error (warnings allowed), 1 errors, 2 bad input."
    )]
    Lint(LintCommand),
    /// Normalize a dialed string with an organizer's dial plan.
    #[command(
        after_help = "Example:\n  ocpolicy conferencing normalize --config tests/examples/conferencing-config.json --organizer alice@contoso.com --dial 5550100"
    )]
    Normalize(NormalizeCommand),
    /// Decide one change against a configuration (a document {config, request}).
    #[command(
        after_help = "Example:\n  ocpolicy conferencing check tests/examples/conferencing-check.json\n\nSchemas: ocpolicy schema conferencing-check"
    )]
    Check(ChangeCommand),
}

impl ConferencingCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        match self {
            ConferencingCommand::Route(c) => c.execute(),
            ConferencingCommand::Lint(c) => c.execute(),
            ConferencingCommand::Normalize(c) => c.execute(),
            ConferencingCommand::Check(c) => c.execute(),
        }
    }
}

/// `ocpolicy conferencing route`.
#[derive(Args)]
pub struct RouteCommand {
    /// The conferencing configuration (`-` for standard input).
    #[arg(long)]
    pub config: PathBuf,
    /// The meeting organizer (the routing policy is theirs, whoever dials).
    #[arg(long)]
    pub organizer: String,
    /// What was dialed, as typed.
    #[arg(long, allow_hyphen_values = true)]
    pub dial: String,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub plugin: super::plugin::PluginArgs,
}

impl RouteCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let config = match read_document(&self.config) {
            Ok(c) => c,
            Err(f) => return report_failure(&f, self.common.json, Some("config")),
        };
        let dial = core::DialOut {
            organizer: self.organizer.clone(),
            dialed: self.dial.clone(),
        };
        let result: Result<core::RouteDecision, Failure> = (|| {
            Ok(match Engine::new(self.common.engine)? {
                Engine::Native => {
                    let s = conferencing::ConferencingSnapshot::new(decode(&config, "config")?)
                        .map_err(|e| prefixed("config", e))?;
                    s.route(&dial).map_err(input_err)?
                }
                Engine::Component(mut i) => {
                    let s = i
                        .conferencing_snapshot(&decode(&config, "config")?)?
                        .map_err(|e| prefixed_w("config", e))?;
                    let dial: ocpolicy_runtime::types::DialOut = ocpolicy_runtime::convert(&dial)?;
                    let r = i
                        .conferencing_snapshot_route(&s, &dial)?
                        .map_err(input_err_w)?;
                    ocpolicy_runtime::convert(&r)?
                }
            })
        })();
        let mut r = match result {
            Ok(r) => r,
            Err(f) => return report_failure(&f, self.common.json, None),
        };
        // The carrying operator's plugin may add violations or veto (an error).
        let runs = match self.plugin.host()? {
            Some(host) => {
                let report = host.route(&dial, &r);
                r.violations.extend(report.violations);
                report.runs
            }
            None => Vec::new(),
        };
        let failed = matches!(
            r.outcome,
            core::RouteOutcome::NotRoutable | core::RouteOutcome::Blocked(_)
        ) || r
            .violations
            .iter()
            .any(|v| v.severity == core::Severity::Error);
        if self.common.json {
            if self.plugin.plugins.is_some() {
                let mut v = serde_json::to_value(&r)?;
                v["plugins"] = serde_json::to_value(&runs)?;
                outln!("{v}");
            } else {
                outln!("{}", json::to_string(&r));
            }
        } else {
            out!("{}", render_route(&r));
            for run in &runs {
                outln!(
                    "plugin {} `{}`: {:?}, fuel {}",
                    run.plugin,
                    run.hook,
                    run.outcome,
                    run.fuel
                );
            }
        }
        Ok(if failed {
            Outcome::Denied
        } else {
            Outcome::Allowed
        })
    }
}

/// The decision for people: the outcome line, the numbers, the trace.
fn render_route(r: &core::RouteDecision) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    let head = match &r.outcome {
        core::RouteOutcome::Operator(o) => format!(
            "OPERATOR {} (caller ID {}) via route {} in usage {}",
            o.operator_id.as_deref().unwrap_or("(unknown)"),
            o.caller_id,
            o.route,
            o.usage
        ),
        core::RouteOutcome::Gateways(g) => format!(
            "SBCS {} via route {} in usage {}{}",
            g.gateways.join(", "),
            g.route,
            g.usage,
            if g.backups.is_empty() {
                String::new()
            } else {
                format!(" (backups: {})", g.backups.join(", "))
            }
        ),
        core::RouteOutcome::Microsoft(m) => format!(
            "MICROSOFT (caller ID {})",
            m.caller_id
                .as_deref()
                .unwrap_or("none: the bridge has no default number")
        ),
        core::RouteOutcome::NotRoutable => "NOT ROUTABLE".to_string(),
        core::RouteOutcome::Blocked(b) => format!(
            "BLOCKED by {} ({})",
            b.policy,
            b.country.as_deref().unwrap_or("unknown country")
        ),
    };
    let _ = writeln!(out, "{head}");
    let _ = writeln!(
        out,
        "  dialed {} → {}{}",
        r.dialed,
        r.normalized,
        r.destination_country
            .as_deref()
            .map(|c| format!(" ({c})"))
            .unwrap_or_default()
    );
    if let Some(p) = &r.routing_policy {
        let _ = writeln!(out, "  policy: {p}");
    }
    let _ = writeln!(out, "\ntrace:");
    for s in &r.trace {
        let _ = writeln!(
            out,
            "  {:<15} {:<13} {}{}",
            name(&s.step),
            name(&s.outcome),
            s.subject
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

/// `ocpolicy conferencing lint`.
#[derive(Args)]
pub struct LintCommand {
    /// The conferencing configuration (`-` for standard input).
    pub config: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl LintCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let result = read_document(&self.config).and_then(|doc| {
            decide(
                &doc,
                self.common.engine,
                |doc| {
                    let s = conferencing::ConferencingSnapshot::new(decode(doc, "")?)
                        .map_err(input_err)?;
                    Ok(s.lint())
                },
                |i, doc| {
                    let s = i
                        .conferencing_snapshot(&decode(doc, "")?)?
                        .map_err(input_err_w)?;
                    Ok(i.conferencing_snapshot_lint(&s)?)
                },
            )
        });
        report_single(result, self.common.json)
    }
}

/// `ocpolicy conferencing normalize`.
#[derive(Args)]
pub struct NormalizeCommand {
    /// The conferencing configuration (its dial plans).
    #[arg(long)]
    pub config: PathBuf,
    /// The organizer whose dial plan and usage location apply.
    #[arg(long)]
    pub organizer: String,
    /// What was dialed.
    #[arg(long, allow_hyphen_values = true)]
    pub dial: String,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl NormalizeCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let config = match read_document(&self.config) {
            Ok(c) => c,
            Err(f) => return report_failure(&f, self.common.json, Some("config")),
        };
        let result: Result<core::Normalization, Failure> = (|| {
            let cfg: core::ConferencingConfig = decode(&config, "config")?;
            let o = cfg
                .organizers
                .iter()
                .find(|o| o.identity.eq_ignore_ascii_case(&self.organizer))
                .ok_or_else(|| Failure::Input {
                    path: "organizer".into(),
                    message: format!("no organizer `{}` in the configuration", self.organizer),
                })?;
            let check = core::NormalizeCheck {
                dial_plans: cfg.dial_plans.clone().unwrap_or_default(),
                dial_plan: o.dial_plan.clone(),
                usage_location: o.usage_location.clone(),
                dialed: self.dial.clone(),
            };
            Ok(match Engine::new(self.common.engine)? {
                Engine::Native => conferencing::normalize(&check).map_err(input_err)?,
                Engine::Component(mut i) => {
                    let c: ocpolicy_runtime::types::NormalizeCheck =
                        ocpolicy_runtime::convert(&check)?;
                    ocpolicy_runtime::convert(&i.normalize(&c)?.map_err(input_err_w)?)?
                }
            })
        })();
        let n = match result {
            Ok(n) => n,
            Err(f) => return report_failure(&f, self.common.json, None),
        };
        if self.common.json {
            outln!("{}", json::to_string(&n));
        } else {
            outln!(
                "{} → {}   ({})",
                n.dialed,
                n.normalized,
                match (&n.rule, &n.dial_plan) {
                    (Some(r), Some(p)) => format!("rule {r} of dial plan {p}"),
                    _ => "no rule matched: +CC of the usage location, unless it already had '+'"
                        .to_string(),
                }
            );
            for v in &n.violations {
                outln!(
                    "  {}[{}] at {}: {}",
                    name(&v.severity).to_lowercase(),
                    v.code,
                    v.path,
                    v.message
                );
            }
        }
        Ok(
            if n.violations
                .iter()
                .any(|v| v.severity == core::Severity::Error)
            {
                Outcome::Denied
            } else {
                Outcome::Allowed
            },
        )
    }
}

/// `ocpolicy conferencing check`.
#[derive(Args)]
pub struct ChangeCommand {
    /// A document {"config": {...}, "request": {...}} (`-` for standard input).
    pub input: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl ChangeCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let result = read_document(&self.input).and_then(|doc| {
            decide(
                &doc,
                self.common.engine,
                |doc| conferencing::evaluate(decode(doc, "")?).map_err(input_err),
                |i, doc| {
                    i.conferencing_evaluate(&decode(doc, "")?)?
                        .map_err(input_err_w)
                },
            )
        });
        report_single(result, self.common.json)
    }
}

/// `ocpolicy check bridge`.
#[derive(Args)]
pub struct BridgeCommand {
    /// A bridge check document (`-` for standard input): {"bridge": {...},
    /// "org_country": "US", "communications_credits": true, "operators": [...], "organizers": [...]}.
    pub input: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub plugin: super::plugin::PluginArgs,
}

impl BridgeCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let plugins = self.plugin.host()?;
        let result = read_document(&self.input).and_then(|doc| {
            let v = decide(
                &doc,
                self.common.engine,
                |doc| Ok(conferencing::check_bridge(&decode(doc, "")?)),
                |i, doc| Ok(i.check_bridge(&decode(doc, "")?)?),
            )?;
            let Some(host) = &plugins else { return Ok(v) };
            let report = host.bridge(&decode(&doc, "")?);
            let (allowed, json) = super::plugin::with_report(&v.json, &report)?;
            Ok(super::engine::Verdict { allowed, json })
        });
        report_single(result, self.common.json)
    }
}

/// The conferencing part of `ocpolicy demo`: alice dials an extension (the
/// dial plan, the routing policy, the route), and the example configuration
/// is linted, both by the chosen engine.
pub(super) fn demo(kind: super::engine::EngineKind) -> Result<String, Failure> {
    const CONFIG: &str = include_str!("../../../../tests/examples/conferencing-config.json");
    let dial = core::DialOut {
        organizer: "alice@contoso.com".into(),
        dialed: "0100".into(),
    };
    let (route, lint): (core::RouteDecision, core::Decision) = match Engine::new(kind)? {
        Engine::Native => {
            let s = conferencing::ConferencingSnapshot::new(decode(CONFIG.as_bytes(), "config")?)
                .map_err(|e| prefixed("config", e))?;
            (s.route(&dial).map_err(input_err)?, s.lint())
        }
        Engine::Component(mut i) => {
            let s = i
                .conferencing_snapshot(&decode(CONFIG.as_bytes(), "config")?)?
                .map_err(|e| prefixed_w("config", e))?;
            let w: ocpolicy_runtime::types::DialOut = ocpolicy_runtime::convert(&dial)?;
            let r = i
                .conferencing_snapshot_route(&s, &w)?
                .map_err(input_err_w)?;
            let l = i.conferencing_snapshot_lint(&s)?;
            i.drop_conferencing_snapshot(s)?;
            (
                ocpolicy_runtime::convert(&r)?,
                ocpolicy_runtime::convert(&l)?,
            )
        }
    };
    Ok(format!(
        "── conferencing: alice@contoso.com's meeting dials 0100 (tests/examples/conferencing-config.json) ──\n{}\n── conferencing: lint of the same configuration ──\n{}",
        render_route(&route),
        super::render::decision(&lint)
    ))
}
