//! Meeting dial-out routing against configurations of 1,000 routes in 50
//! usages and 10,000 routes in 500 usages (20 routes each), native and
//! through the component (snapshot resource built once, every usage's
//! patterns compiled once into one set, routed per call). Prints µs per
//! decision, the component/native ratio, and the 10k/1k ratio.
//!
//!     cargo bench -p ocpolicy-benches --bench conferencing
//!
//! The organizer's policy holds 50 usages at both sizes (the 10k tenant has
//! ten such policies). Four dial-outs: a match in the policy's first usage,
//! one in its 25th, one in its last (so its other 49 usages are searched
//! first), and one that no route matches (all 50 searched, then Microsoft).
//! Each walks the same usages at both sizes, so it must cost the same: a
//! dial-out pays for the usages it walks, not for the routes the tenant has.

// A benchmark binary: failing loudly on a broken set-up is the right thing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput};
use ocpolicy_benches::mean_ns;
use ocpolicy_rules::{conferencing::ConferencingSnapshot, json, types as core};
use ocpolicy_runtime::{Rules, types as wt};
use serde_json::{Value, json};

const PER_USAGE: usize = 20;
/// Usages per audio-conferencing routing policy.
const POLICY_USAGES: usize = 50;
/// The configurations: (name, usages).
const SIZES: [(&str, usize); 2] = [("1k", 50), ("10k", 500)];

/// Usage `u` serves the country code `+(u+200)…` area by area: route `r` of
/// usage `u` matches `+{200+u}{10+r}` followed by 7 digits.
fn config(usages: usize) -> Value {
    let mut routes = Vec::new();
    for u in 0..usages {
        for r in 0..PER_USAGE {
            routes.push(json!({
                "identity": format!("U{u}-R{r}"),
                "number_pattern": format!(r"^\+{}{}(\d{{7}})$", 200 + u, 10 + r),
                "priority": u * PER_USAGE + r,
                "online_pstn_usages": [format!("U{u}")],
                "online_pstn_gateways": [format!("sbc{}", r % 4)],
            }));
        }
    }
    let usages: Vec<String> = (0..usages).map(|u| format!("U{u}")).collect();
    // One policy per 50 usages; the organizer's (Global) holds the first 50,
    // so the same dial-outs walk the same usages at every size.
    let policies: Vec<Value> = usages
        .chunks(POLICY_USAGES)
        .enumerate()
        .map(|(i, u)| {
            let identity = if i == 0 {
                "Global".to_string()
            } else {
                format!("P{i}")
            };
            json!({"identity": identity, "online_pstn_usages": u})
        })
        .collect();
    let rules: Vec<Value> = (0..10)
        .map(|i| json!({"name": format!("ext{i}"), "pattern": format!(r"^{i}(\d{{3}})$"), "translation": format!("+1425555{i}$1")}))
        .collect();
    json!({
        "tenant_id": "bench", "org_country": "US", "communications_credits": true,
        "bridge": {"numbers": [{"number": "+14255550000", "toll_type": "Toll", "source": "Microsoft"}],
                   "default_service_number": "+14255550000"},
        "organizers": [{"identity": "alice@contoso.com", "licenses": ["MCOMEETADV"], "usage_location": "US", "dial_plan": "Plan"}],
        "pstn_usages": usages,
        "voice_routes": routes,
        "audio_conferencing_routing_policies": policies,
        "dial_plans": [{"identity": "Plan", "normalization_rules": rules}],
    })
}

/// (what, dialed, expected route or None for Microsoft)
fn dials() -> Vec<(&'static str, String, Option<String>)> {
    let hit = |u: usize, r: usize| {
        (
            format!("+{}{}5550100", 200 + u, 10 + r),
            Some(format!("U{u}-R{r}")),
        )
    };
    let (first, r0) = hit(0, 5);
    let (mid, r1) = hit(25, 10);
    let (last, r2) = hit(POLICY_USAGES - 1, PER_USAGE - 1);
    vec![
        ("first usage", first, r0),
        ("25th usage", mid, r1),
        ("last usage", last, r2),
        ("no route", "+14255550100".to_string(), None),
    ]
}

fn benches(c: &mut Criterion) {
    let rules = Rules::new().expect("compiling the rules component");
    let mut inst = rules.instance().unwrap();
    for (size, usages) in SIZES {
        let cfg = serde_json::to_vec(&config(usages)).unwrap();
        let native = ConferencingSnapshot::new(json::from_slice(&cfg).unwrap()).unwrap();
        let comp_cfg: wt::ConferencingConfig = json::from_slice(&cfg).unwrap();
        let snap = inst.conferencing_snapshot(&comp_cfg).unwrap().unwrap();
        let mut inputs = Vec::new();
        for (what, dialed, want) in dials() {
            let d = json!({"organizer": "alice@contoso.com", "dialed": dialed});
            let b = serde_json::to_vec(&d).unwrap();
            let (n, w): (core::DialOut, wt::DialOut) =
                (json::from_slice(&b).unwrap(), json::from_slice(&b).unwrap());
            // Honest only if each dial-out goes where intended, the same in both engines.
            let r = native.route(&n).unwrap();
            let got = match &r.outcome {
                core::RouteOutcome::Gateways(g) => Some(g.route.clone()),
                core::RouteOutcome::Microsoft(_) => None,
                other => panic!("{what}: {other:?}"),
            };
            assert_eq!(got, want, "{size} {what}");
            let rc = inst
                .conferencing_snapshot_route(&snap, &w)
                .unwrap()
                .unwrap();
            assert_eq!(
                serde_json::to_value(&r).unwrap(),
                serde_json::to_value(&rc).unwrap(),
                "{size} {what}"
            );
            inputs.push((what, n, w));
        }
        let mut g = c.benchmark_group(format!("route-{size}"));
        g.throughput(Throughput::Elements(1));
        for (what, n, w) in &inputs {
            let id = what.replace(' ', "-");
            g.bench_function(format!("native/{id}"), |b| {
                b.iter(|| black_box(native.route(black_box(n)).unwrap()))
            });
            g.bench_function(format!("component/{id}"), |b| {
                b.iter(|| {
                    black_box(
                        inst.conferencing_snapshot_route(&snap, black_box(w))
                            .unwrap()
                            .unwrap(),
                    )
                })
            });
        }
        g.finish();
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    for (size, usages) in SIZES {
        println!(
            "\nsummary ({size} routes in {usages} usages, means of this run, µs per dial-out):"
        );
        for (what, _, _) in dials() {
            let id = what.replace(' ', "-");
            let group = format!("route-{size}");
            if let (Some(n), Some(c)) = (
                mean_ns(&group, &format!("native_{id}")),
                mean_ns(&group, &format!("component_{id}")),
            ) {
                let base = |engine: &str| mean_ns("route-1k", &format!("{engine}_{id}"));
                let scale = match (base("native"), base("component")) {
                    (Some(bn), Some(bc)) if size != "1k" => {
                        format!(
                            "  against 1k: native {:.2}x, component {:.2}x",
                            n / bn,
                            c / bc
                        )
                    }
                    _ => String::new(),
                };
                println!(
                    "  {what:<12} native {:>7.2}  component {:>7.2}  component/native = {:.2}x{scale}",
                    n / 1000.0,
                    c / 1000.0,
                    c / n
                );
            }
        }
    }
}
