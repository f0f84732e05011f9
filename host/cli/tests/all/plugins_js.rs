//! The JavaScript example plugin (`guest/plugins/fourth-coffee-js`), built with
//! componentize-js from npm against this repository's WIT: another language
//! and toolchain than the Rust plugins. It must load (importing only the
//! plugin world's interfaces), be scoped to its operator, and add its
//! violation. The load and call costs are printed (`--nocapture`).
//! The README's test command runs `npm install` for it.

use std::process::Command;
use std::time::Instant;

use ocpolicy_plugins::{PluginHost, RunOutcome, Trust};
use ocpolicy_rules::types as core;
use ocpolicy_runtime::CacheMode;
use serde_json::json;
use sha2::{Digest, Sha256};

#[test]
fn the_javascript_plugin_loads_is_scoped_and_adds_its_violation() {
    let src = crate::root().join("guest/plugins/fourth-coffee-js");
    let out = tempfile::tempdir().unwrap();
    let wasm = out.path().join("plugin.wasm");
    let started = Instant::now();
    let build = Command::new("node")
        .arg(src.join("build.mjs"))
        .arg(crate::root().join("wit"))
        .arg(&wasm)
        .output()
        .unwrap_or_else(|e| panic!("running node: {e}; Node.js is needed (the README's test command runs `npm install` for it)"));
    assert!(
        build.status.success(),
        "componentize-js failed (run `npm install --prefix guest/plugins/fourth-coffee-js`): {}",
        String::from_utf8_lossy(&build.stderr)
    );
    let built = started.elapsed();
    let bytes = std::fs::read(&wasm).unwrap();
    std::fs::write(
        out.path().join("plugin.toml"),
        format!(
            "id = \"fourth-coffee\"\nversion = \"1.0.0\"\noperator = \"OPJ\"\nsha256 = \"{}\"\nhooks = [\"check-eligibility\"]\n\n[limits]\nfuel = 200000000\nmemory-mib = 64\n",
            hex::encode(Sha256::digest(&bytes))
        ),
    )
    .unwrap();

    let host = PluginHost::new(Trust::default(), true, CacheMode::Disabled).unwrap();
    let started = Instant::now();
    let report = host.load_dir(out.path());
    let loaded = started.elapsed();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let set = host.current();
    let p = &set.plugins()[0];
    assert!(
        p.imports.iter().all(|i| i.starts_with("ocpolicy:rules/")),
        "the JS plugin imports {:?}",
        p.imports
    );
    assert!(
        p.exports
            .iter()
            .all(|e| e.starts_with("ocpolicy:rules/") && e.contains("-hooks@")),
        "the world's exports only: {:?} (others: {:?})",
        p.exports,
        p.other_exports
    );

    let number = |n: &str, op: &str| {
        json!({"telephone_number": n, "number_type": "OperatorConnect", "activation_state": "Activated",
               "capabilities": ["UserAssignment"], "assignment_status": "Unassigned", "iso_country_code": "US",
               "location_update_supported": true, "operator_id": op})
    };
    let tenant: core::Tenant = serde_json::from_value(json!({"tenant_id": "t", "accounts": [],
        "numbers": [number("+18005550100", "OPJ"), number("+14255550100", "OPJ"), number("+18885550100", "OP1")],
        "operators": [], "civic_addresses": [], "locations": [], "voice_routes": [], "voice_routing_policies": []}))
    .unwrap();
    let tenant = std::sync::Arc::new(tenant);
    let assign = |n: &str| -> core::EligibilityRequest {
        serde_json::from_value(
            json!({"AssignNumber": {"target": "alice@contoso.com", "target_kind": "User",
            "telephone_number": n, "number_type": "OperatorConnect"}}),
        )
        .unwrap()
    };
    let r = host.eligibility(&tenant, &assign("+18005550100"));
    assert_eq!(r.runs[0].outcome, RunOutcome::Ok, "{:?}", r.runs);
    let codes: Vec<&str> = r.violations.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(codes, vec!["fourth-coffee/OPJ-TOLLFREE"]);
    assert_eq!(
        r.runs[0].logs.len(),
        1,
        "its log line: {:?}",
        r.runs[0].logs
    );
    assert!(
        host.eligibility(&tenant, &assign("+14255550100"))
            .violations
            .is_empty()
    );
    assert!(
        host.eligibility(&tenant, &assign("+18885550100"))
            .runs
            .is_empty(),
        "OP1's number"
    );

    let calls = 5;
    let started = Instant::now();
    for _ in 0..calls {
        host.eligibility(&tenant, &assign("+18005550100"));
    }
    let per_call = started.elapsed() / calls;
    println!(
        "JS plugin: {} bytes; componentize {built:?}; load (compile, no cache) {loaded:?}; per call (fresh instance) {per_call:?}, fuel {}, peak memory {} KiB",
        p.size,
        r.runs[0].fuel,
        r.runs[0].peak_memory / 1024
    );
}

/// A JavaScript plugin with componentize-js's default features imports WASI:
/// refused unless its manifest asks for WASI; with `wasi = true` it runs on
/// the locked-down WASI (no files, environment or network; a stopped clock;
/// seeded random), and its provenance says so.
#[test]
fn a_plugin_that_imports_wasi_runs_only_on_the_locked_down_wasi_it_asked_for() {
    let src = crate::root().join("guest/plugins/fourth-coffee-js");
    let out = tempfile::tempdir().unwrap();
    let wasm = out.path().join("plugin.wasm");
    let build = Command::new("node")
        .arg(src.join("build.mjs"))
        .arg(crate::root().join("wit"))
        .arg(&wasm)
        .env("OCPOLICY_JS_WASI", "1")
        .output()
        .unwrap_or_else(|e| panic!("running node: {e}"));
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    let bytes = std::fs::read(&wasm).unwrap();
    let manifest = |wasi: bool| {
        format!(
            "id = \"fourth-coffee\"\nversion = \"1.0.0\"\noperator = \"OPJ\"\nsha256 = \"{}\"\nhooks = [\"check-eligibility\"]\nwasi = {wasi}\n\n[limits]\nfuel = 200000000\nmemory-mib = 64\n",
            hex::encode(Sha256::digest(&bytes))
        )
    };
    std::fs::write(out.path().join("plugin.toml"), manifest(false)).unwrap();
    let host = PluginHost::new(Trust::default(), true, CacheMode::Disabled).unwrap();
    let refused = host.load_dir(out.path());
    let reason = &refused
        .errors
        .first()
        .expect("refused without wasi = true")
        .reason;
    assert!(
        reason.contains("wasi:") && reason.contains("wasi = true"),
        "{reason}"
    );

    std::fs::write(out.path().join("plugin.toml"), manifest(true)).unwrap();
    let report = host.load_dir(out.path());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let tenant: core::Tenant = serde_json::from_value(json!({"tenant_id": "t", "accounts": [],
        "numbers": [{"telephone_number": "+18005550100", "number_type": "OperatorConnect", "activation_state": "Activated",
            "capabilities": ["UserAssignment"], "assignment_status": "Unassigned", "iso_country_code": "US",
            "location_update_supported": true, "operator_id": "OPJ"}],
        "operators": [], "civic_addresses": [], "locations": [], "voice_routes": [], "voice_routing_policies": []}))
    .unwrap();
    let request: core::EligibilityRequest = serde_json::from_value(json!({"AssignNumber": {"target": "alice@contoso.com",
        "target_kind": "User", "telephone_number": "+18005550100", "number_type": "OperatorConnect"}}))
    .unwrap();
    let r = host.eligibility(std::sync::Arc::new(tenant), &request);
    assert_eq!(r.runs[0].outcome, RunOutcome::Ok, "{:?}", r.runs);
    assert!(r.runs[0].wasi, "the provenance says it ran with WASI");
    let codes: Vec<&str> = r.violations.iter().map(|v| v.code.as_str()).collect();
    assert_eq!(codes, vec!["fourth-coffee/OPJ-TOLLFREE"]);
}
