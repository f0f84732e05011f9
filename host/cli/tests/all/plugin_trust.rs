//! The plugin trust model end to end, on the server and through the binary:
//! a plugin is known by (operator, id), so another operator's plugin never
//! switches yours off; a configured plugin that does not load fails closed
//! (and `/readyz` says degraded); the decision API applies the same plugins
//! as the tenant writes; `plugin sign` records a missing `sha256`.

use std::path::Path;

use axum::body::Body;
use axum::http::StatusCode;
use ocpolicy_plugins::{PluginHost, Trust};
use ocpolicy_runtime::CacheMode;
use ocpolicy_runtime::artifacts::EXAMPLE_PLUGIN_OWN_RANGES;
use serde_json::{Value, json};

use crate::plugins::{keys, write_plugin};
use crate::server::{Server, TENANT, demo_doc, rt};

fn codes(v: &Value) -> Vec<String> {
    v["violations"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|x| x["code"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn assign(number: &str) -> Value {
    json!({"AssignNumber": {"target": "alice@contoso.com", "target_kind": "User",
        "telephone_number": number, "number_type": "OperatorConnect"}})
}

fn trust_for(pairs: &[(&str, &str)]) -> Trust {
    let mut t = String::from("[operators]\n");
    for (op, key) in pairs {
        t.push_str(&format!("{op} = [\"{key}\"]\n"));
    }
    Trust::parse(&t).unwrap()
}

/// Operator B (OP1, a key trusted only for OP1) ships a plugin with operator
/// A's (OP2's) id and version, in a folder that sorts first. A's plugin stays
/// in force: the reload lists both, and a number A's rule refuses is refused.
#[test]
fn another_operators_plugin_with_your_id_never_switches_yours_off_on_the_server() {
    let (a_secret, a_public) = keys();
    let (b_secret, b_public) = keys();
    let dir = tempfile::tempdir().unwrap();
    for (folder, op, secret) in [
        ("a-operator-b", "OP1", &b_secret),
        ("z-operator-a", "OP2", &a_secret),
    ] {
        write_plugin(
            &dir.path().join(folder),
            "northwind-ranges",
            op,
            &["check-eligibility"],
            EXAMPLE_PLUGIN_OWN_RANGES,
            Some(secret),
            "",
        );
    }
    let host = PluginHost::new(
        trust_for(&[("OP2", &a_public), ("OP1", &b_public)]),
        false,
        CacheMode::Disabled,
    )
    .unwrap();
    assert!(host.load_dir(dir.path()).errors.is_empty());
    rt().block_on(async {
        let s = Server::with_plugins(Some(host), Some(dir.path()));
        let platform = s.token("platform", None, None);
        let (st, r) = s
            .json(
                "POST",
                "/v1/admin/plugins/reload",
                Some(&platform),
                Body::empty(),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let mut owners: Vec<&str> = r["plugins"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|p| p["operator"].as_str())
            .collect();
        owners.sort();
        assert_eq!(owners, vec!["OP1", "OP2"], "{r}");
        let admin = s.token("admin", Some(TENANT), None);
        let body = serde_json::to_vec(&assign("+442071234500")).unwrap();
        let (st, d) = s
            .json(
                "POST",
                &format!("/v1/tenants/{TENANT}/assignments"),
                Some(&admin),
                body,
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert!(
            codes(&d).contains(&"northwind-ranges/OPX-RANGE".to_string()),
            "{d}"
        );
    });
}

/// A configured plugin that does not load (its component replaced after
/// signing) fails closed on the server: its operator's assignments are
/// refused with PLUGIN-UNAVAILABLE, by the tenant API and the decision API
/// alike; another operator's are not; `/readyz` says degraded and why until
/// a reload brings it in.
#[test]
fn a_configured_plugin_that_does_not_load_fails_closed_on_the_server() {
    let (secret, public) = keys();
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("nw");
    write_plugin(
        &p,
        "northwind-ranges",
        "OP2",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        Some(&secret),
        "",
    );
    std::fs::write(p.join("plugin.wasm"), b"\0asm replaced").unwrap();
    let host = PluginHost::new(trust_for(&[("OP2", &public)]), false, CacheMode::Disabled).unwrap();
    assert_eq!(host.load_dir(dir.path()).unavailable.len(), 1);
    rt().block_on(async {
        let s = Server::with_plugins(Some(host), Some(dir.path()));
        let (st, body) = s.json("GET", "/readyz", None, Body::empty()).await;
        assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        let body = body["error"]["message"].as_str().unwrap_or_default();
        assert!(
            body.starts_with(
                "degraded: plugin OP2/northwind-ranges@1.0.0 is configured but not loaded"
            ) && body.contains("hash mismatch"),
            "{body}"
        );
        let admin = s.token("admin", Some(TENANT), None);
        let uri = format!("/v1/tenants/{TENANT}/assignments");
        let body = serde_json::to_vec(&assign("+442071234500")).unwrap();
        let (st, d) = s.json("POST", &uri, Some(&admin), body).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert!(codes(&d).contains(&"PLUGIN-UNAVAILABLE".to_string()), "{d}");
        let check = json!({"tenant": demo_doc()["tenant"], "request": assign("+442071234500")});
        let (st, d) = s
            .json(
                "POST",
                "/v1/decide/eligibility",
                None,
                serde_json::to_vec(&check).unwrap(),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        assert_eq!(d["ok"]["allowed"], false, "{d}");
        assert!(
            codes(&d["ok"]).contains(&"PLUGIN-UNAVAILABLE".to_string()),
            "{d}"
        );
        // OP1's number: not the unavailable plugin's operator.
        let body = serde_json::to_vec(&assign("+14255550101")).unwrap();
        let (st, d) = s.json("POST", &uri, Some(&admin), body).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        // Fixed and reloaded: ready again.
        std::fs::write(p.join("plugin.wasm"), EXAMPLE_PLUGIN_OWN_RANGES).unwrap();
        let platform = s.token("platform", None, None);
        let (st, r) = s
            .json(
                "POST",
                "/v1/admin/plugins/reload",
                Some(&platform),
                Body::empty(),
            )
            .await;
        assert_eq!((st, &r["unavailable"]), (StatusCode::OK, &json!([])), "{r}");
        let (st, _) = s.call("GET", "/readyz", None, Body::empty()).await;
        assert_eq!(st, StatusCode::OK);
    });
}

/// One verdict inside one server: for every eligibility case of the example
/// plugin's corpus, the decision API's answer on the stored tenant and the
/// tenant write of the same request agree (allowed, and the same codes).
#[test]
fn the_decision_api_and_the_tenant_writes_give_one_verdict_with_plugins() {
    let dir = tempfile::tempdir().unwrap();
    write_plugin(
        &dir.path().join("nw"),
        "northwind-ranges",
        "OPX",
        &["check-eligibility", "check-upload"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let host = PluginHost::new(Trust::default(), true, CacheMode::Disabled).unwrap();
    assert!(host.load_dir(dir.path()).errors.is_empty());
    let cases: Vec<Value> = serde_json::from_slice(
        &std::fs::read(crate::root().join("guest/plugins/own-ranges/cases.json")).unwrap(),
    )
    .unwrap();
    let operator = |id: &str| {
        json!({"operator_id": id, "name": id, "products": ["Calling"], "enabled_countries": ["US"],
            "status": "Active", "contact": {"full_name": "N", "email": "n@example.com", "company_size": "1-99"},
            "data_transfer_notice_accepted": true})
    };
    rt().block_on(async {
        let s = Server::with_plugins(Some(host), Some(dir.path()));
        let admin = s.token("admin", Some(TENANT), None);
        let (mut compared, mut by_plugin, mut allowed) = (0, 0, 0);
        for case in cases.iter().filter(|c| c["request"].is_object()) {
            let name = case["name"].as_str().unwrap();
            let mut tenant = case["tenant"].clone();
            tenant["tenant_id"] = json!(TENANT);
            tenant["operators"] = json!([operator("OPX"), operator("OP1")]);
            let mut doc = demo_doc();
            doc["tenant"] = tenant.clone();
            s.state.store().reset(TENANT, &doc).unwrap();
            let request = &case["request"];
            let check = json!({"tenant": tenant, "request": request});
            let (st, decided) = s
                .json(
                    "POST",
                    "/v1/decide/eligibility",
                    None,
                    serde_json::to_vec(&check).unwrap(),
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{name}: {decided}");
            let runs = decided["plugins"].as_array().map(Vec::len).unwrap_or(0);
            let decided = &decided["ok"];
            let (uri, token) = if let Some(op) = request["UploadNumbers"]["operator_id"].as_str() {
                (
                    format!("/v1/tenants/{TENANT}/numbers"),
                    s.token("operator", None, Some(op)),
                )
            } else {
                (format!("/v1/tenants/{TENANT}/assignments"), admin.clone())
            };
            let (st, written) = s
                .json(
                    "POST",
                    &uri,
                    Some(&token),
                    serde_json::to_vec(request).unwrap(),
                )
                .await;
            assert!(
                st == StatusCode::OK || st == StatusCode::UNPROCESSABLE_ENTITY,
                "{name}: {st} {written}"
            );
            assert_eq!(
                decided["allowed"], written["allowed"],
                "{name}: {decided} vs {written}"
            );
            assert_eq!(st == StatusCode::OK, decided["allowed"] == true, "{name}");
            let (mut a, mut b) = (codes(decided), codes(&written));
            a.sort();
            b.sort();
            assert_eq!(a, b, "{name}");
            for want in case["expect"]["codes"].as_array().unwrap() {
                assert!(
                    a.contains(&want.as_str().unwrap().to_string()),
                    "{name}: {a:?}"
                );
            }
            // The decision API reports the runs; the plugin was called
            // exactly where the corpus says it is in scope.
            assert_eq!(
                runs > 0,
                case["expect"]["outcome"] != "NotCalled",
                "{name}: {decided}"
            );
            compared += 1;
            by_plugin += usize::from(a.iter().any(|c| c.starts_with("northwind-ranges/")));
            allowed += usize::from(decided["allowed"] == true);
        }
        assert_eq!(compared, 8, "every eligibility case of the corpus");
        assert!(
            by_plugin >= 3 && allowed >= 1,
            "{by_plugin} refused by the plugin, {allowed} allowed"
        );
    });
}

fn text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// `check.json` for the plugin tests' tenant and `request`.
fn write_check(d: &Path, number: &str) {
    let check =
        json!({"tenant": crate::plugins::tenant(), "request": crate::plugins::assign(number)});
    std::fs::write(d.join("check.json"), check.to_string()).unwrap();
}

/// The same two scenarios through the binary: another operator's plugin with
/// your id sorts first and yours still decides; a configured plugin that does
/// not load denies (exit 2), and `--dev` warns instead, saying so.
#[test]
fn the_cli_keeps_each_operators_plugin_and_fails_closed_on_one_that_does_not_load() {
    let (a_secret, a_public) = keys();
    let (b_secret, b_public) = keys();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    for (folder, op, secret) in [
        ("plugins/a-operator-b", "OP1", &b_secret),
        ("plugins/z-operator-a", "OPX", &a_secret),
    ] {
        write_plugin(
            &d.join(folder),
            "northwind-ranges",
            op,
            &["check-eligibility"],
            EXAMPLE_PLUGIN_OWN_RANGES,
            Some(secret),
            "",
        );
    }
    std::fs::write(
        d.join("trust.toml"),
        format!("[operators]\nOPX = [\"{a_public}\"]\nOP1 = [\"{b_public}\"]\n"),
    )
    .unwrap();
    write_check(d, "+13125550100");
    let args = [
        "check",
        "eligibility",
        "--json",
        "check.json",
        "--plugins",
        "plugins",
        "--trust",
        "trust.toml",
    ];
    let out = crate::ocpolicy_in(d, &args);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        codes(&v).contains(&"northwind-ranges/OPX-RANGE".to_string()),
        "{v}"
    );

    // A's component replaced after signing: A's decisions are denied, exit 2.
    std::fs::write(
        d.join("plugins/z-operator-a/plugin.wasm"),
        b"\0asm replaced",
    )
    .unwrap();
    let out = crate::ocpolicy_in(d, &args);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["allowed"], false, "{v}");
    let unavailable = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "PLUGIN-UNAVAILABLE")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(unavailable["severity"], "Error");
    assert!(
        text(&out).contains("plugin OPX/northwind-ranges"),
        "{}",
        text(&out)
    );
    // Development mode: a warning, said so, and the decision's own exit code.
    let mut dev = args.to_vec();
    dev.push("--dev");
    let out = crate::ocpolicy_in(d, &dev);
    assert_ne!(out.status.code(), Some(2), "{}", text(&out));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let unavailable = v["violations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["code"] == "PLUGIN-UNAVAILABLE")
        .unwrap_or_else(|| panic!("{v}"));
    assert_eq!(unavailable["severity"], "Warning");
    assert!(text(&out).contains("development mode"), "{}", text(&out));
    // Another operator's number is not A's plugin's business: no denial for it.
    write_check(d, "+14255550101");
    let out = crate::ocpolicy_in(d, &args);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !codes(&v).contains(&"PLUGIN-UNAVAILABLE".to_string()),
        "{v}"
    );
}

/// `plugin sign` on a manifest without a `sha256` line records it, and the
/// error before that names the field and the fix.
#[test]
fn plugin_sign_records_a_missing_sha256_and_the_error_names_the_fix() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write_plugin(
        &d.join("p"),
        "acme",
        "OPA",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let m = std::fs::read_to_string(d.join("p/plugin.toml")).unwrap();
    let without: String = m
        .lines()
        .filter(|l| !l.starts_with("sha256"))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_ne!(m, without);
    std::fs::write(d.join("p/plugin.toml"), &without).unwrap();
    let out = crate::ocpolicy_in(d, &["plugin", "verify", "p", "--dev"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("missing field `sha256`") && text(&out).contains("fix: sha256 = "),
        "{}",
        text(&out)
    );
    let public = crate::cli_plugins::keygen(d, "a.key");
    std::fs::write(
        d.join("trust.toml"),
        format!("[operators]\nOPA = [\"{public}\"]\n"),
    )
    .unwrap();
    let out = crate::ocpolicy_in(d, &["plugin", "sign", "p", "--key", "a.key"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let signed = std::fs::read_to_string(d.join("p/plugin.toml")).unwrap();
    assert!(signed.contains("sha256 = \""), "{signed}");
    let out = crate::ocpolicy_in(d, &["plugin", "verify", "p", "--trust", "trust.toml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("signed by a trusted key"),
        "{}",
        text(&out)
    );
    // inspect tells the truth about what the signature covers.
    let out = crate::ocpolicy_in(d, &["plugin", "inspect", "p", "--json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["signature"]["key"], public.as_str(), "{v}");
    assert_eq!(v["signature"]["covers"]["version"], "1.0.0", "{v}");
    assert_eq!(
        v["exports"],
        json!([
            "ocpolicy:rules/eligibility-hooks@0.3.1",
            "ocpolicy:rules/emergency-hooks@0.3.1",
            "ocpolicy:rules/conferencing-hooks@0.3.1"
        ]),
        "{v}"
    );
}
