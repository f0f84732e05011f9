//! Python as a first-class plugin language: the Tailspin example
//! (`guest/plugins/tailspin-py`) and the `plugin new --lang python` template
//! build with componentize-py (pinned, installed from PyPI by the test
//! command), pass their cases under wasmtime with headroom in their limits,
//! and are signed, verified, loaded and scoped like any plugin.

use std::path::Path;
use std::process::Output;

use ocpolicy_plugins::{PluginHost, Trust};
use ocpolicy_runtime::CacheMode;
use serde_json::Value;

use crate::ocpolicy_in as run;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `plugin test DIR --json`: every case passes; the lines.
fn passing_cases(d: &Path, dir: &str, expected: usize) -> Vec<Value> {
    let test = run(d, &["plugin", "test", dir, "--dev", "--json"]);
    assert_eq!(test.status.code(), Some(0), "{}", text(&test));
    let lines: Vec<Value> = String::from_utf8_lossy(&test.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), expected, "{}", text(&test));
    for l in &lines {
        assert_eq!(l["pass"], true, "{l}");
    }
    lines
}

fn manifest_limits(dir: &Path) -> (u64, u64) {
    let m = ocpolicy_plugins::Manifest::parse(
        &std::fs::read_to_string(dir.join("plugin.toml")).unwrap(),
    )
    .unwrap();
    (m.limits.fuel, u64::from(m.limits.memory_mib) << 20)
}

#[test]
fn the_python_example_builds_passes_its_cases_with_headroom_and_loads_signed() {
    let src = crate::root().join("guest/plugins/tailspin-py");
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let p = d.join("tailspin-py");
    std::fs::create_dir_all(&p).unwrap();
    for f in ["app.py", "plugin.toml", "cases.json"] {
        std::fs::copy(src.join(f), p.join(f)).unwrap();
    }
    // The repository's WIT, where `plugin build` finds it (here or above).
    std::fs::create_dir_all(d.join("wit")).unwrap();
    for e in std::fs::read_dir(crate::root().join("wit")).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), d.join("wit").join(e.file_name())).unwrap();
    }
    let build = run(d, &["plugin", "build", "tailspin-py"]);
    assert_eq!(
        build.status.code(),
        Some(0),
        "componentize-py 0.25.1 is installed by the README's test command: {}",
        text(&build)
    );
    let lines = passing_cases(d, "tailspin-py", 6);
    // The limits leave headroom: at most half the memory, a tenth of the fuel.
    let (fuel, memory) = manifest_limits(&p);
    for l in lines.iter().filter(|l| l["outcome"] == "Ok") {
        let (used, peak) = (
            l["fuel"].as_u64().unwrap(),
            l["peak_memory"].as_u64().unwrap(),
        );
        assert!(used > 0 && used * 10 <= fuel, "fuel {used} of {fuel}: {l}");
        assert!(
            peak > 0 && peak * 2 <= memory,
            "memory {peak} of {memory}: {l}"
        );
    }

    // Signed with a key trusted for OPT: loads outside development mode, on
    // the locked-down WASI it asked for, scoped to OPT.
    let public = crate::cli_plugins::keygen(d, "t.key");
    let trust = format!("[operators]\nOPT = [\"{public}\"]\n");
    std::fs::write(d.join("trust.toml"), &trust).unwrap();
    let sign = run(d, &["plugin", "sign", "tailspin-py", "--key", "t.key"]);
    assert_eq!(sign.status.code(), Some(0), "{}", text(&sign));
    let verify = run(
        d,
        &["plugin", "verify", "tailspin-py", "--trust", "trust.toml"],
    );
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));
    let host =
        PluginHost::new(Trust::parse(&trust).unwrap(), false, CacheMode::from_env()).unwrap();
    let report = host.load_dir(&p);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let set = host.current();
    let plugin = &set.plugins()[0];
    assert!(plugin.trusted && plugin.manifest.wasi);
    // `inspect` lists the world's exports; componentize-py's own `exports` apart.
    assert_eq!(plugin.exports.len(), 3, "{:?}", plugin.exports);
    assert!(
        plugin.exports.iter().all(|e| e.contains("-hooks@")),
        "{:?}",
        plugin.exports
    );
    assert!(
        plugin.other_exports.iter().all(|e| !e.contains("-hooks@")),
        "{:?}",
        plugin.other_exports
    );
    let t = std::sync::Arc::new(crate::plugins::tenant());
    // +13125550100 is OPX's in that tenant: never called.
    assert!(
        host.eligibility(&t, &crate::plugins::assign("+13125550100"))
            .runs
            .is_empty()
    );
}

#[test]
fn a_python_template_builds_and_passes_its_cases() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let new = run(
        d,
        &[
            "plugin",
            "new",
            "wren-ranges",
            "--lang",
            "python",
            "--operator",
            "OPW",
        ],
    );
    assert_eq!(new.status.code(), Some(0), "{}", text(&new));
    assert!(
        d.join("wren-ranges/app.py").is_file() && d.join("wren-ranges/wit/worlds.wit").is_file()
    );
    let build = run(d, &["plugin", "build", "wren-ranges"]);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    let lines = passing_cases(d, "wren-ranges", 6);
    assert!(
        lines
            .iter()
            .any(|l| l["codes"].to_string().contains("wren-ranges/OPT-NO-BRIDGE")),
        "the expected codes carry the plugin's label: {lines:?}"
    );
}
