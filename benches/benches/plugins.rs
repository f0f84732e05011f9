//! The cost of one operator-plugin call: a fresh store and instance per call
//! (no state carries over), fuel and memory limits on, for the small Rust
//! example plugin. The tuned pooling allocator (the default) against the
//! pooling allocator with wasmtime's defaults and per-instance memory mapping,
//! side by side. And the scoping cost when no plugin is in scope, against
//! tenants of 1,000 and 100,000 numbers, for a tenant as given (looked up by
//! scanning) and an indexed one (looked up by key).
//!
//!     cargo bench -p ocpolicy-benches --bench plugins

// A benchmark binary: failing loudly on a broken set-up is the right thing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use criterion::Criterion;
use ocpolicy_benches::mean_ns;
use ocpolicy_plugins::{Allocator, PluginHost, RunOutcome, Trust};
use ocpolicy_rules::types as core;
use ocpolicy_runtime::CacheMode;
use ocpolicy_runtime::artifacts::EXAMPLE_PLUGIN_OWN_RANGES;
use serde_json::json;
use sha2::{Digest, Sha256};

/// Tenant sizes for the scoping cost.
const SCOPE_SIZES: [usize; 2] = [1_000, 100_000];

fn setup(allocator: Allocator, dir: &std::path::Path) -> PluginHost {
    std::fs::write(dir.join("plugin.wasm"), EXAMPLE_PLUGIN_OWN_RANGES).unwrap();
    std::fs::write(
        dir.join("plugin.toml"),
        format!(
            "id = \"northwind-ranges\"\nversion = \"1.0.0\"\noperator = \"OPX\"\nsha256 = \"{}\"\nhooks = [\"check-eligibility\"]\n",
            hex::encode(Sha256::digest(EXAMPLE_PLUGIN_OWN_RANGES))
        ),
    )
    .unwrap();
    let host =
        PluginHost::with_allocator(Trust::default(), true, CacheMode::Disabled, allocator).unwrap();
    assert!(host.load_dir(dir).errors.is_empty());
    host
}

fn benches(c: &mut Criterion) {
    let tenant: core::Tenant = serde_json::from_value(json!({"tenant_id": "t", "accounts": [],
        "numbers": [{"telephone_number": "+14255550100", "number_type": "OperatorConnect", "activation_state": "Activated",
            "capabilities": ["UserAssignment"], "assignment_status": "Unassigned", "iso_country_code": "US",
            "location_update_supported": true, "operator_id": "OPX"}],
        "operators": [], "civic_addresses": [], "locations": [], "voice_routes": [], "voice_routing_policies": []}))
    .unwrap();
    let tenant = std::sync::Arc::new(tenant);
    let request: core::EligibilityRequest = serde_json::from_value(json!({"AssignNumber": {"target": "alice@contoso.com",
        "target_kind": "User", "telephone_number": "+14255550100", "number_type": "OperatorConnect"}}))
    .unwrap();
    // Where the time goes: the request's conversion into the plugin's types,
    // and a request no plugin is in scope for (no instance at all).
    let mut parts = c.benchmark_group("plugin-parts");
    parts.bench_function("convert-request", |b| {
        b.iter(|| {
            let v = serde_json::to_value(black_box(&request)).unwrap();
            black_box(
                serde_json::from_value::<ocpolicy_plugins::ptypes::EligibilityRequest>(v).unwrap(),
            )
        })
    });
    {
        let dir = tempfile::tempdir().unwrap();
        let host = setup(Allocator::Pooling, dir.path());
        let other: core::EligibilityRequest =
            serde_json::from_value(json!({"ReviewAccount": {"identity": "alice@contoso.com"}}))
                .unwrap();
        assert!(host.eligibility(&tenant, &other).runs.is_empty());
        parts.bench_function("out-of-scope", |b| {
            b.iter(|| black_box(host.eligibility(black_box(&tenant), black_box(&other))))
        });
        assert!(host.instantiate_first());
        parts.bench_function("store-and-instance", |b| {
            b.iter(|| black_box(host.instantiate_first()))
        });
    }
    parts.finish();
    // Scoping a request to its number's operator, no plugin in scope: the
    // number is the tenant's last, and another operator's.
    let mut scope = c.benchmark_group("plugin-scope");
    let dir = tempfile::tempdir().unwrap();
    let host = setup(Allocator::Pooling, dir.path());
    for n in SCOPE_SIZES {
        let numbers: Vec<serde_json::Value> = (0..n)
            .map(|i| json!({"telephone_number": format!("+1425{i:07}"), "number_type": "OperatorConnect",
                "activation_state": "Activated", "capabilities": ["UserAssignment"], "assignment_status": "Unassigned",
                "iso_country_code": "US", "location_update_supported": true, "operator_id": "OPY"}))
            .collect();
        let big: core::Tenant = serde_json::from_value(json!({"tenant_id": "t", "accounts": [], "numbers": numbers,
            "operators": [], "civic_addresses": [], "locations": [], "voice_routes": [], "voice_routing_policies": []}))
        .unwrap();
        let last: core::EligibilityRequest = serde_json::from_value(json!({"AssignNumber": {"target": "alice@contoso.com",
            "target_kind": "User", "telephone_number": format!("+1425{:07}", n - 1), "number_type": "OperatorConnect"}}))
        .unwrap();
        let plain: ocpolicy_plugins::TenantView = std::sync::Arc::new(big.clone()).into();
        let indexed: ocpolicy_plugins::TenantView =
            std::sync::Arc::new(ocpolicy_rules::TenantSnapshot::new(big).unwrap()).into();
        for (name, view) in [("plain", &plain), ("indexed", &indexed)] {
            let r = host.eligibility(view.clone(), &last);
            assert!(
                r.runs.is_empty() && r.violations.is_empty(),
                "{name}: in scope"
            );
            scope.bench_function(format!("{name}/{n}"), |b| {
                b.iter(|| black_box(host.eligibility(black_box(view.clone()), black_box(&last))))
            });
        }
    }
    scope.finish();
    let mut g = c.benchmark_group("plugin-call");
    for (name, allocator) in [
        ("pooling", Allocator::Pooling),
        ("pooling-defaults", Allocator::PoolingDefaults),
        ("on-demand", Allocator::OnDemand),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let host = setup(allocator, dir.path());
        let r = host.eligibility(&tenant, &request);
        assert_eq!(r.runs.len(), 1);
        assert_eq!(r.runs[0].outcome, RunOutcome::Ok);
        g.bench_function(name, |b| {
            b.iter(|| black_box(host.eligibility(black_box(&tenant), black_box(&request))))
        });
    }
    g.finish();
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
    if let (Some(p), Some(d), Some(o)) = (
        mean_ns("plugin-call", "pooling"),
        mean_ns("plugin-call", "pooling-defaults"),
        mean_ns("plugin-call", "on-demand"),
    ) {
        println!(
            "\nsummary: one plugin call with a fresh instance: pooling (tuned) {:.1} µs, pooling with wasmtime's defaults {:.1} µs ({:.2}x), on-demand {:.1} µs ({:.2}x)",
            p / 1000.0,
            d / 1000.0,
            d / p,
            o / 1000.0,
            o / p
        );
    }
    println!("summary: scoping with no plugin in scope, µs per request:");
    for name in ["plain", "indexed"] {
        let at = |n: usize| mean_ns("plugin-scope", &format!("{name}_{n}"));
        if let (Some(a), Some(b)) = (at(SCOPE_SIZES[0]), at(SCOPE_SIZES[1])) {
            println!(
                "  {name:<8} 1k numbers {:>9.3}  100k numbers {:>9.3}  100k/1k = {:.2}x",
                a / 1000.0,
                b / 1000.0,
                b / a
            );
        }
    }
}
