//! The plugin kit through the `ocpolicy` binary: `plugin new` makes a working
//! template, `build` compiles it, `test` reports fuel and memory, `keygen`,
//! `sign` and `verify` with a trust file, and `check eligibility --plugins`
//! adds the plugin's violations to a decision.

use std::process::Output;

use crate::ocpolicy_in as run;

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `ocpolicy plugin keygen --out <key>` in `d`: the public key it printed.
pub(crate) fn keygen(d: &std::path::Path, key: &str) -> String {
    let keygen = run(d, &["plugin", "keygen", "--out", key]);
    assert_eq!(keygen.status.code(), Some(0), "{}", text(&keygen));
    String::from_utf8_lossy(&keygen.stdout)
        .lines()
        .find_map(|l| l.strip_prefix("public key: ").map(str::to_string))
        .unwrap_or_else(|| panic!("no public key in {}", text(&keygen)))
}

#[test]
fn from_zero_to_a_signed_tested_plugin() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let new = run(d, &["plugin", "new", "acme-ranges", "--operator", "OPA"]);
    assert_eq!(new.status.code(), Some(0), "{}", text(&new));
    let build = run(d, &["plugin", "build", "acme-ranges"]);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));

    // The template's own cases pass, with fuel and memory reported.
    let test = run(d, &["plugin", "test", "acme-ranges", "--json"]);
    assert_eq!(test.status.code(), Some(0), "{}", text(&test));
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&test.stdout)
        .lines()
        .filter(|l| l.starts_with('{'))
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    for l in &lines {
        assert_eq!(l["pass"], true, "{l}");
        assert!(
            l["fuel"].as_u64().unwrap() > 0 && l["peak_memory"].as_u64().unwrap() > 0,
            "{l}"
        );
    }

    // Unsigned: refused outside development mode.
    let verify = run(d, &["plugin", "verify", "acme-ranges"]);
    assert_eq!(verify.status.code(), Some(1));
    assert!(text(&verify).contains("unsigned"), "{}", text(&verify));
    // Signed with a key the trust file lists for OPA: accepted.
    let public = keygen(d, "acme.key");
    std::fs::write(
        d.join("trust.toml"),
        format!("[operators]\nOPA = [\"{public}\"]\n"),
    )
    .unwrap();
    assert_eq!(
        run(d, &["plugin", "sign", "acme-ranges", "--key", "acme.key"])
            .status
            .code(),
        Some(0)
    );
    let verify = run(
        d,
        &["plugin", "verify", "acme-ranges", "--trust", "trust.toml"],
    );
    assert_eq!(verify.status.code(), Some(0), "{}", text(&verify));
    assert!(text(&verify).contains("signed by a trusted key"));
    // Tampering after signing is caught.
    let wasm = d.join("acme-ranges/plugin.wasm");
    let mut bytes = std::fs::read(&wasm).unwrap();
    bytes.push(0);
    std::fs::write(&wasm, &bytes).unwrap();
    let verify = run(
        d,
        &["plugin", "verify", "acme-ranges", "--trust", "trust.toml"],
    );
    assert_eq!(verify.status.code(), Some(1));
    assert!(text(&verify).contains("hash mismatch"), "{}", text(&verify));
    bytes.pop();
    std::fs::write(&wasm, &bytes).unwrap();

    // The inspect view names the world, the imports and the hooks.
    let inspect = run(d, &["plugin", "inspect", "acme-ranges", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&inspect.stdout).unwrap();
    assert_eq!(
        v["imports"],
        serde_json::json!(["ocpolicy:rules/types@0.3.1"])
    );
    assert_eq!(v["hooks"], serde_json::json!(["check-eligibility"]));

    // A decision with the plugin: the built-in rules allow the assignment, the
    // plugin (OPA's number, outside its range) denies it, labelled.
    let cases: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("acme-ranges/cases.json")).unwrap()).unwrap();
    let mut tenant = cases[1]["tenant"].clone();
    tenant["accounts"] = serde_json::json!([{"identity": "alice@contoso.com", "kind": "User", "usage_location": "US",
        "licenses": ["MCOEV"], "teams_mode": "TeamsOnly", "enterprise_voice_enabled": true}]);
    tenant["operators"] = serde_json::json!([{"operator_id": "OPA", "name": "Acme", "products": ["Calling"],
        "enabled_countries": ["US"], "status": "Active", "contact": {"full_name": "A", "email": "a@acme.com"},
        "data_transfer_notice_accepted": true}]);
    let check = serde_json::json!({"tenant": tenant, "request": cases[1]["request"]});
    std::fs::write(d.join("check.json"), check.to_string()).unwrap();
    let plain = run(d, &["check", "eligibility", "--json", "check.json"]);
    let with = run(
        d,
        &[
            "check",
            "eligibility",
            "--json",
            "check.json",
            "--plugins",
            "acme-ranges",
            "--trust",
            "trust.toml",
        ],
    );
    let plain: serde_json::Value = serde_json::from_slice(&plain.stdout).unwrap();
    let with_v: serde_json::Value =
        serde_json::from_slice(&with.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&with)));
    assert!(
        !plain["violations"].to_string().contains("acme-ranges/"),
        "{plain}"
    );
    assert!(
        with_v["violations"]
            .to_string()
            .contains("acme-ranges/RANGE"),
        "{with_v}"
    );
    assert_eq!(with_v["allowed"], false);
    assert_eq!(with.status.code(), Some(1));
    assert_eq!(with_v["plugins"][0]["plugin"], "acme-ranges@0.1.0");

    // The same through --batch, with a shared --tenant and with a whole check
    // per line: every line gets the plugin's part, as the single document did.
    std::fs::write(d.join("tenant.json"), tenant.to_string()).unwrap();
    let request = cases[1]["request"].to_string();
    std::fs::write(d.join("requests.ndjson"), format!("{request}\n{request}\n")).unwrap();
    std::fs::write(d.join("checks.ndjson"), format!("{check}\n")).unwrap();
    for (args, lines) in [
        (
            &["--tenant", "tenant.json", "--batch", "requests.ndjson"][..],
            2,
        ),
        (&["--batch", "checks.ndjson"][..], 1),
    ] {
        let mut argv = vec!["check", "eligibility", "--json"];
        argv.extend_from_slice(args);
        argv.extend_from_slice(&["--plugins", "acme-ranges", "--trust", "trust.toml"]);
        let out = run(d, &argv);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", text(&out));
        let got: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(got.len(), lines, "{args:?}");
        for v in got {
            assert_eq!(v["allowed"], false, "{v}");
            assert_eq!(
                v["decision"]["violations"], with_v["violations"],
                "{args:?}"
            );
            assert_eq!(v["decision"]["plugins"][0]["plugin"], "acme-ranges@0.1.0");
        }
    }
}

/// `plugin new --lang js`: the JavaScript template builds with componentize-js
/// (the repository's pinned copy, installed by the test command's `npm install`)
/// and passes its own cases.
#[test]
fn a_javascript_template_builds_and_passes_its_cases() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let new = run(
        d,
        &[
            "plugin",
            "new",
            "cafe-js",
            "--lang",
            "js",
            "--operator",
            "OPJ",
        ],
    );
    assert_eq!(new.status.code(), Some(0), "{}", text(&new));
    let modules = crate::root().join("guest/plugins/fourth-coffee-js/node_modules");
    assert!(
        modules.is_dir(),
        "run `npm install --prefix guest/plugins/fourth-coffee-js` (the README's test command does)"
    );
    #[cfg(unix)]
    std::os::unix::fs::symlink(&modules, d.join("cafe-js/node_modules")).unwrap();
    let build = run(d, &["plugin", "build", "cafe-js"]);
    assert_eq!(build.status.code(), Some(0), "{}", text(&build));
    let test = run(d, &["plugin", "test", "cafe-js"]);
    assert_eq!(test.status.code(), Some(0), "{}", text(&test));
    assert!(
        text(&test).contains("2 of 2 cases passed"),
        "{}",
        text(&test)
    );
}

/// A missing or malformed file named on the command line is bad input: exit
/// 2 with the file named, never exit 3 or a panic.
#[test]
fn bad_plugin_inputs_exit_2_and_name_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(
        d.join("bad-trust.toml"),
        "[operators]\nOPA = [\"not hex\"]\n",
    )
    .unwrap();
    std::fs::create_dir(d.join("p")).unwrap();
    std::fs::write(d.join("p/plugin.toml"), "id = \"p\"\n").unwrap();
    std::fs::write(d.join("short.key"), "abcd\n").unwrap();
    let cases: &[(&[&str], &str)] = &[
        (
            &["plugin", "verify", "p", "--trust", "missing.toml"],
            "cannot read missing.toml",
        ),
        (
            &["plugin", "verify", "p", "--trust", "bad-trust.toml"],
            "bad-trust.toml",
        ),
        (
            &["plugin", "sign", "p", "--key", "missing.key"],
            "cannot read",
        ),
        (
            &["plugin", "sign", "nowhere", "--key", "short.key"],
            "nowhere/plugin.toml",
        ),
        (
            &["plugin", "test", "p", "--cases", "missing.json"],
            "plugin.toml",
        ),
        (
            &[
                "check",
                "eligibility",
                "x.json",
                "--plugins",
                "p",
                "--trust",
                "missing.toml",
            ],
            "cannot read missing.toml",
        ),
    ];
    for (args, expected) in cases {
        let out = run(d, args);
        let err = text(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains(expected),
            "{args:?}: expected `{expected}` in {err}"
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}
