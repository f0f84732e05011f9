//! Scaling with the tenant: 1,000, 10,000 and 100,000 numbers (and as many
//! users), natively and in the component, side by side in one run:
//!
//! - `build/N`: indexing the tenant (a snapshot), which a server does once per
//!   stored version and the CLI once per `--tenant`;
//! - `decide/N`: one assignment decided against the snapshot (the last number
//!   to the last user, so that nothing is found early by luck).
//!
//!     cargo bench -p ocpolicy-benches --bench scale
//!
//! Prints the curves at the end: each size against 1,000.

// A benchmark binary: failing loudly on a broken set-up is the right thing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use ocpolicy_benches::mean_ns;
use ocpolicy_rules::{TenantSnapshot, json as strict, types as core};
use ocpolicy_runtime::Rules;
use ocpolicy_runtime::types as wt;
use serde_json::{Value, json};

const SIZES: [usize; 3] = [1_000, 10_000, 100_000];

/// A tenant of `n` numbers and `n` licensed users, one operator.
fn tenant(n: usize) -> Value {
    let numbers: Vec<Value> = (0..n)
        .map(|i| json!({"telephone_number": format!("+1425{i:07}"), "number_type": "OperatorConnect",
            "activation_state": "Activated", "capabilities": ["UserAssignment"], "assignment_status": "Unassigned",
            "iso_country_code": "US", "location_update_supported": true, "number_source": "Online",
            "block": "NotBlocked", "operator_id": "OP1"}))
        .collect();
    let accounts: Vec<Value> = (0..n)
        .map(|i| json!({"identity": format!("user{i}@contoso.com"), "kind": "User", "usage_location": "US",
            "licenses": ["MCOEV"], "teams_mode": "TeamsOnly", "enterprise_voice_enabled": true}))
        .collect();
    json!({"tenant_id": "t", "accounts": accounts, "numbers": numbers,
        "operators": [{"operator_id": "OP1", "name": "Contoso Telecom", "products": ["Calling"], "enabled_countries": ["US"],
            "status": "Active", "contact": {"full_name": "Dana Admin", "email": "dana@contoso.com", "company_size": "1000-4999"},
            "data_transfer_notice_accepted": true}],
        "civic_addresses": [], "locations": [], "voice_routes": [], "voice_routing_policies": []})
}

fn benches(c: &mut Criterion) {
    let rules = Rules::new().expect("compiling the rules component");
    let mut inst = rules.instance().unwrap();
    for n in SIZES {
        let doc = serde_json::to_vec(&tenant(n)).unwrap();
        let native: core::Tenant = strict::from_slice_any_size(&doc).unwrap();
        let component: wt::Tenant = strict::from_slice_any_size(&doc).unwrap();
        let ask = json!({"AssignNumber": {"target": format!("user{}@contoso.com", n - 1), "target_kind": "User",
            "telephone_number": format!("+1425{:07}", n - 1), "number_type": "OperatorConnect"}});
        let ask_n: core::EligibilityRequest = serde_json::from_value(ask.clone()).unwrap();
        let ask_c: wt::EligibilityRequest = serde_json::from_value(ask).unwrap();

        let mut g = c.benchmark_group(format!("build/{n}"));
        g.sample_size(10)
            .warm_up_time(Duration::from_secs(1))
            .measurement_time(Duration::from_secs(if n >= 100_000 { 20 } else { 5 }));
        g.bench_function("native", |b| {
            b.iter(|| black_box(TenantSnapshot::new(black_box(native.clone())).unwrap()))
        });
        g.bench_function("component", |b| {
            b.iter(|| {
                let s = inst.snapshot(black_box(&component)).unwrap().unwrap();
                inst.drop_snapshot(s).unwrap();
            })
        });
        g.finish();

        let snap_n = TenantSnapshot::new(native.clone()).unwrap();
        let snap_c = inst.snapshot(&component).unwrap().unwrap();
        let d_n = snap_n.check(&ask_n).unwrap();
        let d_c = inst.check(&snap_c, &ask_c).unwrap().unwrap();
        assert!(d_n.allowed, "{d_n:?}");
        assert_eq!(d_c.allowed, d_n.allowed);
        let mut g = c.benchmark_group(format!("decide/{n}"));
        g.bench_function("native", |b| {
            b.iter(|| black_box(snap_n.check(black_box(&ask_n)).unwrap()))
        });
        g.bench_function("component", |b| {
            b.iter(|| black_box(inst.check(&snap_c, black_box(&ask_c)).unwrap().unwrap()))
        });
        g.finish();
        inst.drop_snapshot(snap_c).unwrap();
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    println!("\nscaling (means of this run; each size against 1,000):");
    println!("| what | engine | 1k | 10k | 100k | 100k / 1k |");
    println!("|---|---|---|---|---|---|");
    for what in ["build", "decide"] {
        for engine in ["native", "component"] {
            let m: Vec<Option<f64>> = SIZES
                .iter()
                .map(|n| {
                    mean_ns(&format!("{what}_{n}"), engine)
                        .or_else(|| mean_ns(&format!("{what}/{n}"), engine))
                })
                .collect();
            let fmt = |ns: Option<f64>| match ns {
                Some(ns) if ns >= 1e6 => format!("{:.1} ms", ns / 1e6),
                Some(ns) => format!("{:.2} µs", ns / 1e3),
                None => "?".into(),
            };
            let ratio = match (m[0], m[2]) {
                (Some(a), Some(b)) => format!("{:.2}×", b / a),
                _ => "?".into(),
            };
            println!(
                "| {what} | {engine} | {} | {} | {} | {ratio} |",
                fmt(m[0]),
                fmt(m[1]),
                fmt(m[2])
            );
        }
    }
}
