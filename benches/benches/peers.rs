//! ocpolicy against the engines a user would pick instead, on the same facts:
//! the nine assign-number cases of `benches/peers/cases.json` against the
//! tenant of `benches/peers/tenant.json`, decided by
//!
//! - ocpolicy natively and in the component (a warm snapshot, one call per
//!   request),
//! - regorus (Rego, `benches/peers/assign.rego`), in its RVM and in its
//!   interpreter,
//! - cedar-policy (Cedar, `benches/peers/assign.cedar`).
//!
//! Before anything is timed, every engine's verdict on every case is checked
//! to be the same: allowed or not, and the error codes (and, where the engine
//! has warnings, the warning codes). A difference stops the bench.
//!
//!     cargo bench -p ocpolicy-benches --features peers --bench peers
//!
//! Every engine gets its inputs decoded and indexed in advance (ocpolicy's
//! snapshot, regorus's data keyed by number and identity, Cedar's entities
//! and requests), so the figures are decisions only. ocpolicy evaluates every
//! assign rule it has (operator set-up, locations, routing policy and more);
//! the Rego and Cedar policies hold only the rules these cases exercise.

// A benchmark binary: failing loudly on a broken set-up is the right thing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::collections::BTreeSet;
use std::hint::black_box;
use std::str::FromStr;

use anyhow::{Context as _, Result, bail};
use cedar_policy::{Authorizer, Context, Entities, EntityUid, PolicySet, Request};
use criterion::{Criterion, Throughput};
use ocpolicy_benches::{mean_ns, root};
use ocpolicy_rules::{TenantSnapshot, json, types as core};
use ocpolicy_runtime::{Rules, types as wt};
use serde_json::{Value as Json, json};

const ENTRY: &str = "data.ocpolicy.assign.verdict";

/// One engine's verdict on one case.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Verdict {
    allowed: bool,
    errors: BTreeSet<String>,
    /// `None` for an engine without warnings (Cedar).
    warnings: Option<BTreeSet<String>>,
}

impl Verdict {
    fn without_warnings(&self) -> Verdict {
        Verdict {
            warnings: None,
            ..self.clone()
        }
    }
}

struct Case {
    name: String,
    native: core::EligibilityRequest,
    component: wt::EligibilityRequest,
    rego_input: regorus::Value,
    cedar: Request,
}

fn read(path: &str) -> Result<Json> {
    let p = root().join(path);
    serde_json::from_slice(&std::fs::read(&p).with_context(|| p.display().to_string())?)
        .with_context(|| p.display().to_string())
}

fn text(v: &Json, field: &str) -> String {
    v[field].as_str().unwrap_or_default().to_string()
}

/// The Rego data: the inventory keyed by number, the accounts by lower-cased identity.
fn rego_data(tenant: &Json) -> Json {
    let mut numbers = serde_json::Map::new();
    for n in tenant["numbers"].as_array().into_iter().flatten() {
        numbers.insert(text(n, "telephone_number"), n.clone());
    }
    let mut accounts = serde_json::Map::new();
    for a in tenant["accounts"].as_array().into_iter().flatten() {
        accounts.insert(text(a, "identity").to_lowercase(), a.clone());
    }
    json!({ "numbers": numbers, "accounts": accounts })
}

/// The Cedar entities: a User per account and a Number per inventory record.
fn cedar_entities(tenant: &Json) -> Result<Entities> {
    let mut entities = Vec::new();
    for a in tenant["accounts"].as_array().into_iter().flatten() {
        let mut attrs = json!({
            "licenses": a["licenses"],
            "teams_mode": a["teams_mode"],
        });
        if let Some(u) = a["usage_location"].as_str() {
            attrs["usage_location"] = json!(u);
        }
        entities.push(json!({
            "uid": { "type": "User", "id": text(a, "identity").to_lowercase() },
            "attrs": attrs,
            "parents": [],
        }));
    }
    for n in tenant["numbers"].as_array().into_iter().flatten() {
        let mut attrs = json!({
            "number_type": n["number_type"],
            "assignment_status": n["assignment_status"],
            "block": n["block"].as_str().unwrap_or("NotBlocked"),
            "capabilities": n["capabilities"],
            "country": n["iso_country_code"],
        });
        if let Some(t) = n["assigned_target"].as_str() {
            attrs["assigned_to"] =
                json!({ "__entity": { "type": "User", "id": t.to_lowercase() } });
        }
        entities.push(json!({
            "uid": { "type": "Number", "id": text(n, "telephone_number") },
            "attrs": attrs,
            "parents": [],
        }));
    }
    Ok(Entities::from_json_value(Json::Array(entities), None)?)
}

fn uid(kind: &str, id: &str) -> Result<EntityUid> {
    Ok(EntityUid::from_str(&format!("{kind}::{}", Json::from(id)))?)
}

fn cedar_request(request: &Json) -> Result<Request> {
    let r = &request["AssignNumber"];
    let context = Context::from_json_value(
        json!({
            "number_type": r["number_type"],
            "category": r["assignment_category"].as_str().unwrap_or("Primary"),
        }),
        None,
    )?;
    Ok(Request::new(
        uid("User", &text(r, "target").trim().to_lowercase())?,
        uid("Action", "AssignNumber")?,
        uid("Number", &text(r, "telephone_number"))?,
        context,
        None,
    )?)
}

fn ocpolicy_verdict(d: &core::Decision) -> Verdict {
    let codes = |s: core::Severity| {
        d.violations
            .iter()
            .filter(|v| v.severity == s)
            .map(|v| v.code.clone())
            .collect()
    };
    Verdict {
        allowed: d.allowed,
        errors: codes(core::Severity::Error),
        warnings: Some(codes(core::Severity::Warning)),
    }
}

fn component_verdict(d: &wt::Decision) -> Result<Verdict> {
    // The component's decision in the core's type (one WIT, one JSON form).
    let d: core::Decision = serde_json::from_value(serde_json::to_value(d)?)?;
    Ok(ocpolicy_verdict(&d))
}

fn rego_verdict(v: &regorus::Value) -> Result<Verdict> {
    let v: Json = serde_json::from_str(&v.to_json_str()?)?;
    let set = |field: &str| -> BTreeSet<String> {
        v[field]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|c| c.as_str().map(String::from))
            .collect()
    };
    Ok(Verdict {
        allowed: v["allowed"]
            .as_bool()
            .context("the Rego verdict has no `allowed`")?,
        errors: set("errors"),
        warnings: Some(set("warnings")),
    })
}

fn cedar_verdict(response: &cedar_policy::Response, policies: &PolicySet) -> Result<Verdict> {
    let allowed = response.decision() == cedar_policy::Decision::Allow;
    let mut errors = BTreeSet::new();
    if !allowed {
        for id in response.diagnostics().reason() {
            let code = policies
                .annotation(id, "id")
                .with_context(|| format!("Cedar policy {id} has no @id"))?;
            errors.insert(code.to_string());
        }
    }
    if let Some(e) = response.diagnostics().errors().next() {
        bail!("Cedar evaluation error: {e}");
    }
    Ok(Verdict {
        allowed,
        errors,
        warnings: None,
    })
}

/// Check the verdicts, then time the engines; the cases and how many were denied.
fn benches(c: &mut Criterion) -> (usize, usize) {
    let tenant = read("benches/peers/tenant.json").unwrap();
    let cases_json = read("benches/peers/cases.json").unwrap();
    let tenant_bytes = serde_json::to_vec(&tenant).unwrap();

    // ocpolicy, natively and in the component.
    let snap_n = TenantSnapshot::new(json::from_slice(&tenant_bytes).unwrap()).unwrap();
    let rules = Rules::new().unwrap();
    let mut inst = rules.instance().unwrap();
    let tenant_c: wt::Tenant = json::from_slice(&tenant_bytes).unwrap();
    let snap_c = inst.snapshot(&tenant_c).unwrap().unwrap();

    // regorus: the interpreter, and the RVM program compiled from the same policy.
    let rego = std::fs::read_to_string(root().join("benches/peers/assign.rego")).unwrap();
    let data = regorus::Value::from(rego_data(&tenant));
    let mut interp = regorus::Engine::new();
    interp
        .add_policy("assign.rego".into(), rego.clone())
        .unwrap();
    interp.add_data(data.clone()).unwrap();
    let compiled = interp
        .compile_with_entrypoint(&ENTRY.into())
        .expect("compiling the Rego policy");
    let program =
        regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &[ENTRY])
            .expect("compiling the Rego policy for the RVM");
    let mut vm = regorus::rvm::RegoVM::new_with_policy(compiled);
    vm.load_program(program);
    vm.set_data(data).unwrap();

    // Cedar.
    let cedar_src = std::fs::read_to_string(root().join("benches/peers/assign.cedar")).unwrap();
    let policies = PolicySet::from_str(&cedar_src).expect("parsing the Cedar policies");
    let entities = cedar_entities(&tenant).unwrap();
    let authorizer = Authorizer::new();

    let cases: Vec<Case> = cases_json
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let request = serde_json::to_vec(&c["request"]).unwrap();
            Case {
                name: text(c, "name"),
                native: json::from_slice(&request).unwrap(),
                component: json::from_slice(&request).unwrap(),
                rego_input: regorus::Value::from(c["request"]["AssignNumber"].clone()),
                cedar: cedar_request(&c["request"]).unwrap(),
            }
        })
        .collect();
    assert_eq!(cases.len(), 9, "benches/peers/cases.json holds nine cases");

    // 1. The same verdicts from every engine, before anything is timed.
    for case in &cases {
        let native = ocpolicy_verdict(&snap_n.check(&case.native).unwrap());
        let component =
            component_verdict(&inst.check(&snap_c, &case.component).unwrap().unwrap()).unwrap();
        interp.set_input(case.rego_input.clone());
        let interpreted = rego_verdict(&interp.eval_rule(ENTRY.into()).unwrap()).unwrap();
        vm.set_input(case.rego_input.clone());
        let rvm = rego_verdict(&vm.execute_entry_point_by_name(ENTRY).unwrap()).unwrap();
        let cedar = cedar_verdict(
            &authorizer.is_authorized(&case.cedar, &policies, &entities),
            &policies,
        )
        .unwrap();
        let name = &case.name;
        assert_eq!(component, native, "{name}: the component against native");
        assert_eq!(
            interpreted, native,
            "{name}: the regorus interpreter against ocpolicy"
        );
        assert_eq!(rvm, native, "{name}: the regorus RVM against ocpolicy");
        assert_eq!(
            cedar,
            native.without_warnings(),
            "{name}: Cedar against ocpolicy"
        );
    }
    let denied = cases
        .iter()
        .filter(|c| !snap_n.check(&c.native).unwrap().allowed)
        .count();

    // 2. Time them, nine cases per iteration.
    let mut g = c.benchmark_group("peers");
    g.throughput(Throughput::Elements(cases.len() as u64));
    g.bench_function("ocpolicy-native", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(snap_n.check(black_box(&case.native)).unwrap());
            }
        })
    });
    g.bench_function("ocpolicy-component", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(
                    inst.check(&snap_c, black_box(&case.component))
                        .unwrap()
                        .unwrap(),
                );
            }
        })
    });
    g.bench_function("regorus-rvm", |b| {
        b.iter(|| {
            for case in &cases {
                vm.set_input(case.rego_input.clone());
                black_box(vm.execute_entry_point_by_name(ENTRY).unwrap());
            }
        })
    });
    g.bench_function("cedar", |b| {
        b.iter(|| {
            for case in &cases {
                black_box(authorizer.is_authorized(black_box(&case.cedar), &policies, &entities));
            }
        })
    });
    g.bench_function("regorus-interpreter", |b| {
        b.iter(|| {
            for case in &cases {
                interp.set_input(case.rego_input.clone());
                black_box(interp.eval_rule(ENTRY.into()).unwrap());
            }
        })
    });
    g.finish();
    (cases.len(), denied)
}

fn summary(cases: usize, denied: usize) {
    let per = |id: &str| mean_ns("peers", id).map(|ns| ns / 9.0);
    let Some(native) = per("ocpolicy-native") else {
        return;
    };
    println!("\nsummary (means of this run; µs per decision, nine assign-number cases):");
    println!(
        "Verdicts checked first: all five engines agree on all {cases} cases ({denied} denied)."
    );
    println!("| engine | µs per decision | against ocpolicy native |");
    println!("|---|---|---|");
    for (id, label) in [
        ("ocpolicy-native", "ocpolicy native"),
        (
            "ocpolicy-component",
            "ocpolicy component, one call per request",
        ),
        ("regorus-rvm", "regorus 0.14 RVM"),
        ("cedar", "cedar-policy 4.14"),
        ("regorus-interpreter", "regorus 0.14 interpreter"),
    ] {
        if let Some(ns) = per(id) {
            println!("| {label} | {:.2} | {:.1}x |", ns / 1000.0, ns / native);
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let (cases, denied) = benches(&mut c);
    c.final_summary();
    summary(cases, denied);
}
