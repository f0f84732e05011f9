//! The whole-tenant audit: every rule family over a whole tenant document,
//! as `ocpolicy audit` prints it and `GET /v1/tenants/{tenant}/review` serves it.
//!
//! - Eligibility: every current assignment is decided again as the
//!   assignment it is (a user who lost a licence, or whose usage location no
//!   longer matches the number's country, is a finding), and every account
//!   holding numbers is reviewed.
//! - Emergency: the configuration audit (addresses against their country's
//!   rules, places, LIS entries, trusted IPs, policies), and every assigned
//!   Calling Plan number's location (EMG-CP-LOCATION-TIMING).
//! - Conferencing: the lint, the bridge, and every organizer's dial-out to a
//!   number of their own country (blocked or not routable is a finding).

use ocpolicy_rules::types::{
    self as core, AccountKind, AssignmentStatus, Decision, EligibilityRequest, NumberType,
    Severity, TenantDocument,
};
use ocpolicy_runtime::{Rules, RulesInstance, types as wt};
use serde::Serialize;
use std::collections::BTreeMap;

/// Which engine decides: the rules component in wasmtime, or the same rules
/// compiled natively (the conformance corpus holds the two to one answer).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EngineKind {
    /// The rules WebAssembly component.
    Component,
    /// The rules compiled natively.
    Native,
}

/// The same value as the other engine's type: the two share one JSON form.
/// Through bytes rather than a `serde_json::Value`, which for a tenant of
/// 100,000 numbers would hold several times the document in memory.
fn convert<A: Serialize, B: serde::de::DeserializeOwned>(a: &A) -> anyhow::Result<B> {
    let bytes = serde_json::to_vec(a)?;
    Ok(serde_json::from_slice(&bytes)?)
}

/// Requests per call across the component boundary.
const CHUNK: usize = 256;

/// One finding: a violation, where it was found, and what it is about.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// `eligibility`, `emergency` or `conferencing`.
    pub family: &'static str,
    /// What it is about: a number and its holder, an organizer, the tenant.
    pub subject: String,
    /// The rule code.
    pub code: String,
    /// `error`, `warning` or `info`.
    pub severity: Severity,
    /// The field at fault, from the document's root.
    pub path: String,
    /// What is wrong.
    pub message: String,
    /// How to fix it.
    pub fix: String,
    /// The rule's source.
    pub citation: String,
}

/// The audit of one tenant.
#[derive(Debug, Serialize)]
pub struct Audit {
    /// The tenant.
    pub tenant_id: String,
    /// When the assignments were decided.
    pub decided_at: String,
    /// What was examined.
    pub examined: BTreeMap<&'static str, usize>,
    /// Findings per severity.
    pub by_severity: BTreeMap<String, usize>,
    /// Findings per family.
    pub by_family: BTreeMap<&'static str, usize>,
    /// Findings per code, with their severity.
    pub by_code: Vec<CodeCount>,
    /// Every finding, errors first.
    pub findings: Vec<Finding>,
}

/// How often a code was found.
#[derive(Debug, Serialize)]
pub struct CodeCount {
    /// The code.
    pub code: String,
    /// Its severity.
    pub severity: Severity,
    /// Its family.
    pub family: &'static str,
    /// How many findings.
    pub count: usize,
}

/// Why an audit stopped.
#[derive(Debug)]
pub enum Stop {
    /// The document cannot be decided: a path and why.
    Input(String, String),
    /// The engine failed.
    Engine(anyhow::Error),
}

impl From<anyhow::Error> for Stop {
    fn from(e: anyhow::Error) -> Self {
        Stop::Engine(e)
    }
}

impl From<ocpolicy_runtime::Error> for Stop {
    fn from(e: ocpolicy_runtime::Error) -> Self {
        Stop::Engine(e.into())
    }
}

fn input(e: core::InputError) -> Stop {
    Stop::Input(e.path, e.message)
}

/// The rules, one engine or the other, with the document's snapshots built
/// once.
enum Engine {
    Native {
        tenant: Box<ocpolicy_rules::TenantSnapshot>,
        emergency: Box<ocpolicy_rules::emergency::EmergencySnapshot>,
        conferencing: Option<Box<ocpolicy_rules::conferencing::ConferencingSnapshot>>,
    },
    Component {
        instance: Box<RulesInstance>,
        tenant: ocpolicy_runtime::Snapshot,
        emergency: ocpolicy_runtime::EmergencySnapshot,
        conferencing: Option<ocpolicy_runtime::ConferencingSnapshot>,
    },
}

fn wt_err(e: wt::InputError) -> Stop {
    Stop::Input(e.path, e.message)
}

impl Engine {
    fn new(doc: &TenantDocument, kind: EngineKind) -> Result<Self, Stop> {
        let e = ocpolicy_rules::document::emergency_config(doc);
        let c = ocpolicy_rules::document::conferencing_config(doc);
        Ok(match kind {
            EngineKind::Native => Engine::Native {
                tenant: Box::new(
                    ocpolicy_rules::TenantSnapshot::new(doc.tenant.clone()).map_err(input)?,
                ),
                emergency: Box::new(
                    ocpolicy_rules::emergency::EmergencySnapshot::new(e).map_err(input)?,
                ),
                conferencing: match c {
                    Some(c) => Some(Box::new(
                        ocpolicy_rules::conferencing::ConferencingSnapshot::new(c)
                            .map_err(input)?,
                    )),
                    None => None,
                },
            },
            EngineKind::Component => {
                let mut instance = Box::new(Rules::new()?.instance()?);
                let t: wt::Tenant = convert(&doc.tenant)?;
                let tenant = instance.snapshot(&t)?.map_err(wt_err)?;
                let e: wt::EmergencyConfig = convert(&e)?;
                let emergency = instance.emergency_snapshot(&e)?.map_err(wt_err)?;
                let conferencing = match c {
                    Some(c) => {
                        let c: wt::ConferencingConfig = convert(&c)?;
                        Some(instance.conferencing_snapshot(&c)?.map_err(wt_err)?)
                    }
                    None => None,
                };
                Engine::Component {
                    instance,
                    tenant,
                    emergency,
                    conferencing,
                }
            }
        })
    }

    fn eligibility(
        &mut self,
        requests: &[EligibilityRequest],
    ) -> Result<Vec<Result<Decision, core::InputError>>, Stop> {
        match self {
            Engine::Native { tenant, .. } => Ok(requests.iter().map(|r| tenant.check(r)).collect()),
            Engine::Component {
                instance, tenant, ..
            } => {
                let mut out = Vec::with_capacity(requests.len());
                for chunk in requests.chunks(CHUNK) {
                    let w: Vec<wt::EligibilityRequest> = convert(&chunk)?;
                    let answers = instance.check_all(tenant, &w)?;
                    out.extend(convert::<_, Vec<Result<Decision, core::InputError>>>(
                        &answers,
                    )?);
                }
                Ok(out)
            }
        }
    }

    fn emergency(
        &mut self,
        request: &core::EmergencyRequest,
    ) -> Result<Result<Decision, core::InputError>, Stop> {
        match self {
            Engine::Native { emergency, .. } => Ok(emergency.check(request)),
            Engine::Component {
                instance,
                emergency,
                ..
            } => {
                let w: wt::EmergencyRequest = convert(request)?;
                Ok(convert(&instance.emergency_check(emergency, &w)?)?)
            }
        }
    }

    fn emergency_audit(&mut self) -> Result<Decision, Stop> {
        match self {
            Engine::Native { emergency, .. } => Ok(emergency.audit()),
            Engine::Component {
                instance,
                emergency,
                ..
            } => Ok(convert(&instance.emergency_audit(emergency)?)?),
        }
    }

    fn lint(&mut self) -> Result<Option<Decision>, Stop> {
        match self {
            Engine::Native { conferencing, .. } => Ok(conferencing.as_ref().map(|c| c.lint())),
            Engine::Component {
                instance,
                conferencing: Some(c),
                ..
            } => Ok(Some(convert(&instance.conferencing_snapshot_lint(c)?)?)),
            Engine::Component { .. } => Ok(None),
        }
    }

    fn bridge(&mut self, check: &core::BridgeCheck) -> Result<Decision, Stop> {
        match self {
            Engine::Native { .. } => Ok(ocpolicy_rules::conferencing::check_bridge(check)),
            Engine::Component { instance, .. } => {
                let w: wt::BridgeCheck = convert(check)?;
                Ok(convert(&instance.check_bridge(&w)?)?)
            }
        }
    }

    fn route(
        &mut self,
        d: &core::DialOut,
    ) -> Result<Option<Result<core::RouteDecision, core::InputError>>, Stop> {
        match self {
            Engine::Native { conferencing, .. } => Ok(conferencing.as_ref().map(|c| c.route(d))),
            Engine::Component {
                instance,
                conferencing: Some(c),
                ..
            } => {
                let w: wt::DialOut = convert(d)?;
                Ok(Some(convert(
                    &instance.conferencing_snapshot_route(c, &w)?,
                )?))
            }
            Engine::Component { .. } => Ok(None),
        }
    }
}

struct Collect {
    findings: Vec<Finding>,
}

impl Collect {
    fn rule(
        &mut self,
        family: &'static str,
        subject: String,
        rule: &ocpolicy_rules::catalogue::Rule,
        path: String,
        message: String,
    ) {
        self.findings.push(Finding {
            family,
            subject,
            code: rule.code.into(),
            severity: rule.severity,
            path,
            message,
            fix: rule.remediation.into(),
            citation: rule.citation.into(),
        });
    }

    fn decision(&mut self, family: &'static str, subject: &str, d: &Decision) {
        for v in &d.violations {
            self.findings.push(Finding {
                family,
                subject: subject.to_string(),
                code: v.code.clone(),
                severity: v.severity,
                path: rooted(family, &v.path),
                message: v.message.clone(),
                fix: v.remediation.clone(),
                citation: v.citation.clone(),
            });
        }
    }
}

/// A violation's path from the document's root: the configurations the
/// emergency and conferencing rules take are built around the document's
/// `tenant`, and the rest of each is under `emergency` or `conferencing`.
fn rooted(family: &str, path: &str) -> String {
    let part = match family {
        "emergency" => "emergency",
        "conferencing" => "conferencing",
        _ => return path.to_string(),
    };
    let own = ["tenant", "request"].iter().any(|r| {
        path == *r || path.starts_with(&format!("{r}.")) || path.starts_with(&format!("{r}["))
    });
    if own || path.is_empty() {
        path.to_string()
    } else if let Some(rest) = path.strip_prefix("config.") {
        format!("{part}.{rest}")
    } else {
        format!("{part}.{path}")
    }
}

/// A number of `region`'s own plan to dial out to: its example fixed-line
/// number from libphonenumber's metadata.
fn domestic_probe(region: &str) -> Option<String> {
    let m = phonenumber::metadata::DATABASE.by_id(&region.to_ascii_uppercase())?;
    let example = m.descriptors().fixed_line()?.example()?;
    Some(format!("+{}{example}", m.country_code()))
}

/// Audit `doc` at `now`.
pub fn audit(doc: &TenantDocument, now: &str, kind: EngineKind) -> Result<Audit, Stop> {
    let mut engine = Engine::new(doc, kind)?;
    let t = &doc.tenant;
    let mut c = Collect {
        findings: Vec::new(),
    };
    let mut examined: BTreeMap<&'static str, usize> = BTreeMap::new();

    // Eligibility: every current assignment, decided again.
    let accounts: std::collections::HashMap<String, &core::Account> = t
        .accounts
        .iter()
        .map(|a| (a.identity.to_ascii_lowercase(), a))
        .collect();
    let mut requests = Vec::new();
    let mut subjects = Vec::new();
    for n in &t.numbers {
        let Some(target) = &n.assigned_target else {
            continue;
        };
        let target_kind = match n.assignment_status {
            AssignmentStatus::UserAssigned | AssignmentStatus::VoiceApplicationAssigned => {
                match accounts.get(&target.to_ascii_lowercase()) {
                    Some(a) if a.kind == AccountKind::ResourceAccount => {
                        core::TargetKind::ResourceAccount
                    }
                    // A holder the tenant does not have: the rules say so.
                    _ => core::TargetKind::User,
                }
            }
            AssignmentStatus::ConferenceAssigned => core::TargetKind::ConferenceBridge,
            _ => continue,
        };
        requests.push(EligibilityRequest::AssignNumber(core::AssignNumber {
            target: target.clone(),
            target_kind,
            telephone_number: n.telephone_number.clone(),
            number_type: n.number_type,
            location_id: None,
            assignment_category: n.assignment_category,
            now: Some(now.to_string()),
        }));
        subjects.push(format!("{} → {target}", n.telephone_number));
    }
    examined.insert("assignments", requests.len());
    // Every account holding numbers, reviewed (EnterpriseVoiceEnabled, the
    // Direct Routing policy leak).
    let mut holders: Vec<&str> = t
        .numbers
        .iter()
        .filter(|n| {
            matches!(
                n.assignment_status,
                AssignmentStatus::UserAssigned | AssignmentStatus::VoiceApplicationAssigned
            )
        })
        .filter_map(|n| n.assigned_target.as_deref())
        .filter(|id| accounts.contains_key(&id.to_ascii_lowercase()))
        .collect();
    holders.sort_unstable_by_key(|h| h.to_ascii_lowercase());
    holders.dedup_by_key(|h| h.to_ascii_lowercase());
    examined.insert("accounts reviewed", holders.len());
    for h in &holders {
        requests.push(EligibilityRequest::ReviewAccount(core::ReviewAccount {
            identity: (*h).to_string(),
            intended_number_type: None,
        }));
        subjects.push((*h).to_string());
    }
    let answers = engine.eligibility(&requests)?;
    for (subject, answer) in subjects.iter().zip(answers) {
        match answer {
            Ok(d) => c.decision("eligibility", subject, &d),
            Err(e) => c.findings.push(Finding {
                family: "eligibility",
                subject: subject.clone(),
                code: ocpolicy_rules::catalogue::TENANT_UNDECIDABLE.code.into(),
                severity: Severity::Error,
                path: e.path,
                message: e.message,
                fix: ocpolicy_rules::catalogue::TENANT_UNDECIDABLE
                    .remediation
                    .into(),
                citation: ocpolicy_rules::catalogue::TENANT_UNDECIDABLE
                    .citation
                    .into(),
            }),
        }
    }

    // Emergency: the configuration, and assigned Calling Plan numbers' locations.
    c.decision(
        "emergency",
        "emergency configuration",
        &engine.emergency_audit()?,
    );
    let mut cp = 0;
    for n in &t.numbers {
        if n.number_type != NumberType::CallingPlan
            || n.assignment_status != AssignmentStatus::UserAssigned
        {
            continue;
        }
        cp += 1;
        let r = core::EmergencyRequest::NumberLifecycle(core::NumberLifecycle {
            telephone_number: n.telephone_number.clone(),
            event: core::NumberEvent::Assigned,
            location_id: n.location_id.clone(),
        });
        match engine.emergency(&r)? {
            Ok(d) => c.decision("emergency", &n.telephone_number, &d),
            Err(e) => return Err(input(e)),
        }
    }
    examined.insert("civic addresses", t.civic_addresses.len());
    examined.insert("Calling Plan numbers' locations", cp);

    // Conferencing: the lint, the bridge, every organizer's domestic dial-out.
    if let Some(conf) = &doc.conferencing {
        if let Some(d) = engine.lint()? {
            c.decision("conferencing", "conferencing configuration", &d);
        }
        let bridge = core::BridgeCheck {
            bridge: conf.bridge.clone(),
            org_country: conf.org_country.clone(),
            communications_credits: conf.communications_credits,
            operators: Some(t.operators.clone()),
            organizers: Some(conf.organizers.clone()),
        };
        c.decision("conferencing", "bridge", &engine.bridge(&bridge)?);
        let mut routed = 0;
        for o in &conf.organizers {
            let Some(probe) = domestic_probe(&o.usage_location) else {
                continue;
            };
            routed += 1;
            let d = core::DialOut {
                organizer: o.identity.clone(),
                dialed: probe.clone(),
            };
            let Some(answer) = engine.route(&d)? else {
                break;
            };
            let subject = format!("{} dialing {probe}", o.identity);
            match answer {
                Ok(r) => {
                    let before = c.findings.len();
                    c.decision(
                        "conferencing",
                        &subject,
                        &Decision {
                            allowed: true,
                            violations: r.violations.clone(),
                        },
                    );
                    let reported = c.findings.len() > before;
                    match &r.outcome {
                        core::RouteOutcome::Blocked(b) if !reported => c.rule(
                            "conferencing",
                            subject,
                            &ocpolicy_rules::catalogue::CONF_DIALOUT_RESTRICTED,
                            format!("conferencing.organizers[{}]", o.identity),
                            format!(
                                "a domestic dial-out ({probe}) from {}'s meetings is blocked by {}",
                                o.identity, b.policy
                            ),
                        ),
                        core::RouteOutcome::NotRoutable if !reported => c.rule(
                            "conferencing",
                            subject,
                            &ocpolicy_rules::catalogue::CONF_OCC_NO_ROUTE,
                            format!("conferencing.organizers[{}]", o.identity),
                            format!(
                                "nothing routes a domestic dial-out ({probe}) from {}'s meetings",
                                o.identity
                            ),
                        ),
                        _ => {}
                    }
                }
                Err(e) => return Err(input(e)),
            }
        }
        examined.insert("organizers' dial-outs", routed);
    }

    // Errors first, then by family and code.
    let rank = |s: Severity| match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    };
    c.findings
        .sort_by(|a, b| (rank(a.severity), &a.code).cmp(&(rank(b.severity), &b.code)));
    let mut by_severity: BTreeMap<String, usize> = BTreeMap::new();
    let mut by_family: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut codes: BTreeMap<(u8, String), (Severity, &'static str, usize)> = BTreeMap::new();
    for f in &c.findings {
        *by_severity
            .entry(severity_name(f.severity).into())
            .or_default() += 1;
        *by_family.entry(f.family).or_default() += 1;
        codes
            .entry((rank(f.severity), f.code.clone()))
            .or_insert((f.severity, f.family, 0))
            .2 += 1;
    }
    let mut by_code: Vec<CodeCount> = codes
        .into_iter()
        .map(|((_, code), (severity, family, count))| CodeCount {
            code,
            severity,
            family,
            count,
        })
        .collect();
    by_code.sort_by(|a, b| {
        (rank(a.severity), std::cmp::Reverse(a.count))
            .cmp(&(rank(b.severity), std::cmp::Reverse(b.count)))
    });
    Ok(Audit {
        tenant_id: t.tenant_id.clone(),
        decided_at: now.to_string(),
        examined,
        by_severity,
        by_family,
        by_code,
        findings: c.findings,
    })
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// The report for people: counts, then findings grouped by severity and code.
pub fn text(a: &Audit, show: usize) -> String {
    use std::fmt::Write as _;
    let mut s = String::new();
    let n = |k: &str| a.by_severity.get(k).copied().unwrap_or(0);
    let _ = writeln!(
        s,
        "tenant {} audited at {}: {} error(s), {} warning(s), {} info",
        a.tenant_id,
        a.decided_at,
        n("error"),
        n("warning"),
        n("info")
    );
    let examined: Vec<String> = a.examined.iter().map(|(k, v)| format!("{v} {k}")).collect();
    let _ = writeln!(s, "examined: {}", examined.join(", "));
    for sev in [Severity::Error, Severity::Warning, Severity::Info] {
        let codes: Vec<&CodeCount> = a.by_code.iter().filter(|c| c.severity == sev).collect();
        if codes.is_empty() {
            continue;
        }
        let _ = writeln!(s, "\n{}:", severity_name(sev).to_uppercase());
        for cc in codes {
            let _ = writeln!(s, "  {} ({}) × {}", cc.code, cc.family, cc.count);
            let list: Vec<&Finding> = a
                .findings
                .iter()
                .filter(|f| f.code == cc.code && f.severity == sev)
                .collect();
            for f in list.iter().take(show) {
                let _ = writeln!(s, "    {}: {}", f.subject, f.message);
                let _ = writeln!(s, "      at {}", f.path);
                if !f.fix.is_empty() {
                    let _ = writeln!(s, "      fix: {}", f.fix);
                }
            }
            if list.len() > show {
                let _ = writeln!(
                    s,
                    "    … and {} more (--json or --html lists every one)",
                    list.len() - show
                );
            }
        }
    }
    if a.findings.is_empty() {
        let _ = writeln!(s, "\nno findings");
    }
    s
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Horizontal bars as inline SVG: one per `(label, count, class)`.
fn bars(title: &str, rows: &[(String, usize, &str)]) -> String {
    use std::fmt::Write as _;
    let max = rows.iter().map(|r| r.1).max().unwrap_or(1).max(1);
    let h = 26 * rows.len().max(1) + 10;
    let mut s = format!(
        "<figure><figcaption>{}</figcaption><svg role=\"img\" aria-label=\"{}\" viewBox=\"0 0 640 {h}\" width=\"100%\">",
        esc(title),
        esc(title)
    );
    for (i, (label, count, class)) in rows.iter().enumerate() {
        let y = 8 + i * 26;
        let w = 360 * count / max;
        let _ = write!(
            s,
            "<text x=\"0\" y=\"{}\" class=\"label\">{}</text><rect x=\"230\" y=\"{y}\" width=\"{}\" height=\"18\" rx=\"3\" class=\"{class}\"/><text x=\"{}\" y=\"{}\" class=\"count\">{count}</text>",
            y + 14,
            esc(label),
            w.max(2),
            236 + w.max(2),
            y + 14
        );
    }
    if rows.is_empty() {
        s.push_str("<text x=\"0\" y=\"22\" class=\"label\">no findings</text>");
    }
    s.push_str("</svg></figure>");
    s
}

/// A self-contained page: counts per family and per code as charts, and the
/// findings table with the field, message and fix.
pub fn html(a: &Audit) -> String {
    use std::fmt::Write as _;
    let n = |k: &str| a.by_severity.get(k).copied().unwrap_or(0);
    let families: Vec<(String, usize, &str)> = ["eligibility", "emergency", "conferencing"]
        .iter()
        .map(|f| {
            (
                (*f).to_string(),
                a.by_family.get(f).copied().unwrap_or(0),
                "family",
            )
        })
        .collect();
    let codes: Vec<(String, usize, &str)> = a
        .by_code
        .iter()
        .take(20)
        .map(|c| (c.code.clone(), c.count, severity_name(c.severity)))
        .collect();
    let mut rows = String::new();
    for f in &a.findings {
        let _ = write!(
            rows,
            "<tr class=\"{sev}\"><td><span class=\"badge {sev}\">{sev}</span></td><td class=\"code\"><code>{}</code></td><td>{}</td><td>{}</td><td class=\"path\"><code>{}</code></td><td>{}</td><td>{}</td></tr>",
            esc(&f.code),
            esc(f.family),
            esc(&f.subject),
            esc(&f.path),
            esc(&f.message),
            esc(&f.fix),
            sev = severity_name(f.severity),
        );
    }
    let examined: Vec<String> = a
        .examined
        .iter()
        .map(|(k, v)| format!("{v} {}", esc(k)))
        .collect();
    format!(
        r#"<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>ocpolicy audit: {tenant}</title>
<style>
:root {{ --err:#c62828; --warn:#b26a00; --info:#1565c0; --fam:#455a64; font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color:#1c1c1c; }}
body {{ margin:0; background:#f5f6f8; }}
header {{ background:#243a5e; color:#fff; padding:20px 28px; }}
header h1 {{ margin:0 0 4px; font-size:22px; }} header p {{ margin:0; opacity:.85; }}
main {{ padding:20px 28px; max-width:1200px; }}
.cards {{ display:flex; gap:14px; flex-wrap:wrap; margin-bottom:18px; }}
.card {{ background:#fff; border-radius:8px; padding:14px 18px; min-width:140px; box-shadow:0 1px 3px rgba(0,0,0,.12); }}
.card b {{ display:block; font-size:30px; }} .card.error b {{ color:var(--err); }} .card.warning b {{ color:var(--warn); }} .card.info b {{ color:var(--info); }}
.charts {{ display:grid; grid-template-columns:repeat(auto-fit,minmax(420px,1fr)); gap:14px; }}
figure {{ background:#fff; margin:0; padding:14px; border-radius:8px; box-shadow:0 1px 3px rgba(0,0,0,.12); }}
figcaption {{ font-weight:600; margin-bottom:6px; }}
svg .label {{ font-size:13px; fill:#333; }} svg .count {{ font-size:13px; fill:#333; }}
rect.error {{ fill:var(--err); }} rect.warning {{ fill:var(--warn); }} rect.info {{ fill:var(--info); }} rect.family {{ fill:var(--fam); }}
table {{ width:100%; border-collapse:collapse; background:#fff; margin-top:18px; border-radius:8px; overflow:hidden; box-shadow:0 1px 3px rgba(0,0,0,.12); font-size:13px; }}
th, td {{ text-align:left; padding:7px 9px; border-bottom:1px solid #e4e6ea; vertical-align:top; }}
th {{ background:#eef1f5; }}
.badge {{ border-radius:10px; padding:1px 8px; color:#fff; font-size:12px; }} .badge.error {{ background:var(--err); }} .badge.warning {{ background:var(--warn); }} .badge.info {{ background:var(--info); }}
code {{ font-size:12px; }} td.code code {{ white-space:nowrap; }} td.path code {{ overflow-wrap:anywhere; }}
figure {{ align-self:start; }}
</style></head>
<body><header><h1>Tenant audit: {tenant}</h1><p>Decided at {at} · examined {examined}</p></header>
<main>
<section class="cards" aria-label="Findings by severity">
<div class="card error"><b>{errors}</b>errors</div><div class="card warning"><b>{warnings}</b>warnings</div><div class="card info"><b>{infos}</b>info</div><div class="card"><b>{total}</b>findings</div>
</section>
<section class="charts">{fam}{code}</section>
<table><caption style="text-align:left;padding:8px;font-weight:600">Findings ({total})</caption>
<thead><tr><th>Severity</th><th>Code</th><th>Family</th><th>Subject</th><th>Field</th><th>Message</th><th>Fix</th></tr></thead>
<tbody>{rows}</tbody></table>
</main></body></html>
"#,
        tenant = esc(&a.tenant_id),
        at = esc(&a.decided_at),
        examined = examined.join(", "),
        errors = n("error"),
        warnings = n("warning"),
        infos = n("info"),
        total = a.findings.len(),
        fam = bars("Findings per family", &families),
        code = bars("Findings per code", &codes),
    )
}
