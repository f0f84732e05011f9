//! Loading the benchmark inputs: the conformance corpus and the demo tenant,
//! decoded once for both engines so that benchmarks time decisions, not JSON.

use std::path::PathBuf;

use anyhow::{Context, Result};
use ocpolicy_rules::{json, types as core};
use ocpolicy_runtime::types as wt;

/// The repository root.
pub fn root() -> PathBuf {
    // OCPOLICY_BENCH_ROOT: another checkout's corpus and examples, so that two
    // builds compared side by side decide the very same inputs.
    std::env::var_os("OCPOLICY_BENCH_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
}

/// Every eligibility case of the corpus, as (native, component) inputs.
pub fn corpus() -> Result<Vec<(core::EligibilityCheck, wt::EligibilityCheck)>> {
    let dir = root().join("tests/corpus/eligibility");
    let mut paths: Vec<_> = std::fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .collect();
    paths.sort();
    let mut out = Vec::new();
    for p in paths {
        let case: serde_json::Value = serde_json::from_slice(&std::fs::read(&p)?)?;
        let input = serde_json::to_vec(&case["input"])?;
        let native = json::from_slice(&input).with_context(|| p.display().to_string())?;
        let component = json::from_slice(&input).with_context(|| p.display().to_string())?;
        out.push((native, component));
    }
    Ok(out)
}

/// The demo tenant and its example requests, as (native, component) inputs.
#[allow(clippy::type_complexity)]
pub fn demo() -> Result<(
    (core::Tenant, wt::Tenant),
    Vec<(core::EligibilityRequest, wt::EligibilityRequest)>,
)> {
    let tenant = std::fs::read(root().join("tests/examples/tenant.json"))?;
    let tenant = (json::from_slice(&tenant)?, json::from_slice(&tenant)?);
    let mut requests = Vec::new();
    for line in std::fs::read_to_string(root().join("tests/examples/requests.ndjson"))?.lines() {
        requests.push((
            json::from_slice(line.as_bytes())?,
            json::from_slice(line.as_bytes())?,
        ));
    }
    Ok((tenant, requests))
}

/// Where criterion writes its estimates: `$CRITERION_HOME`, else
/// `$CARGO_TARGET_DIR/criterion`, else `target/criterion` (criterion's order).
pub fn criterion_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(home);
    }
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root().join("target"))
        .join("criterion")
}

/// Criterion's mean estimate (ns) for `group/id`, from the last run.
pub fn mean_ns(group: &str, id: &str) -> Option<f64> {
    let path = criterion_dir()
        .join(group)
        .join(id)
        .join("new/estimates.json");
    let v: serde_json::Value = serde_json::from_slice(&std::fs::read(path).ok()?).ok()?;
    v["mean"]["point_estimate"].as_f64()
}
