//! Operator plugins: loading (hash, signature, trust, imports), scoping,
//! labelling, failure modes, hot reload, and the hostile-plugin corpus. Every
//! hostile case runs while another thread keeps deciding ordinary requests,
//! which must all come back correct.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use ocpolicy_plugins::{Manifest, PluginHost, RunOutcome, Trust, manifest, sign};
use ocpolicy_rules::types as core;
use ocpolicy_runtime::CacheMode;
use ocpolicy_runtime::artifacts::{EXAMPLE_PLUGIN_OWN_RANGES, TEST_PLUGIN_HOSTILE};
use serde_json::json;
use sha2::{Digest, Sha256};

/// Write a plugin directory: the component, and a manifest (signed with
/// `secret` when given). `extra` is appended to the manifest.
pub(crate) fn write_plugin(
    dir: &Path,
    id: &str,
    operator: &str,
    hooks: &[&str],
    bytes: &[u8],
    secret: Option<&str>,
    extra: &str,
) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("plugin.wasm"), bytes).unwrap();
    let sha = hex::encode(Sha256::digest(bytes));
    let hooks = hooks
        .iter()
        .map(|h| format!("\"{h}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let mut m = format!(
        "id = \"{id}\"\nversion = \"1.0.0\"\noperator = \"{operator}\"\nsha256 = \"{sha}\"\nhooks = [{hooks}]\n{extra}\n"
    );
    if let Some(secret) = secret {
        // A manifest the host refuses as invalid gets a signature of nothing:
        // it is refused before its signature is read.
        let signature = match Manifest::parse(&m) {
            Ok(parsed) => sign::sign_manifest(secret, &parsed).unwrap(),
            Err(_) => {
                let (key, value) = sign::sign(secret, b"").unwrap();
                manifest::Signature {
                    key,
                    value,
                    covers: String::new(),
                }
            }
        };
        m = manifest::with_signature(&m, Some(&signature));
    }
    std::fs::write(dir.join("plugin.toml"), m).unwrap();
}

pub(crate) fn keys() -> (String, String) {
    sign::keygen().unwrap()
}

fn trust(operator: &str, public: &str) -> Trust {
    Trust::parse(&format!("[operators]\n{operator} = [\"{public}\"]\n")).unwrap()
}

fn host(trust: Trust, dev: bool) -> PluginHost {
    PluginHost::new(trust, dev, CacheMode::Disabled).unwrap()
}

/// A tenant with numbers of two operators: OPX (Northwind, the plugins') and OP1.
pub(crate) fn tenant() -> core::Tenant {
    let n = |num: &str, op: &str| {
        json!({"telephone_number": num, "number_type": "OperatorConnect", "activation_state": "Activated",
               "capabilities": ["UserAssignment"], "assignment_status": "Unassigned", "iso_country_code": "US",
               "location_update_supported": true, "operator_id": op})
    };
    let mut numbers = vec![
        n("+14255550100", "OPX"),
        n("+13125550100", "OPX"),
        n("+14255550101", "OP1"),
    ];
    for d in 0..=9 {
        numbers.push(n(&format!("+1202555000{d}"), "OPH"));
    }
    serde_json::from_value(json!({
        "tenant_id": "t1",
        "accounts": [{"identity": "alice@contoso.com", "kind": "User", "usage_location": "US", "licenses": ["MCOEV"],
                      "teams_mode": "TeamsOnly", "enterprise_voice_enabled": true}],
        "numbers": numbers, "operators": [], "civic_addresses": [], "locations": [],
        "voice_routes": [], "voice_routing_policies": []
    }))
    .unwrap()
}

pub(crate) fn assign(n: &str) -> core::EligibilityRequest {
    serde_json::from_value(
        json!({"AssignNumber": {"target": "alice@contoso.com", "target_kind": "User",
        "telephone_number": n, "number_type": "OperatorConnect"}}),
    )
    .unwrap()
}

fn codes(r: &ocpolicy_plugins::PluginReport) -> Vec<String> {
    r.violations.iter().map(|v| v.code.clone()).collect()
}

/// `bytes` as built against package version `to` instead of `from`: every
/// interface name the component imports and exports (and its embedded WIT)
/// renamed. The versions have the same length, so the binary stays valid, and
/// the plugin interfaces of 0.3.0 and 0.3.1 are the same, so this is exactly a
/// plugin an operator built against the previous release.
fn at_version(bytes: &[u8], from: &str, to: &str) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let (from, to) = (format!("@{from}"), format!("@{to}"));
    let mut out = bytes.to_vec();
    let mut renamed = 0;
    let mut i = 0;
    while i + from.len() <= out.len() {
        if &out[i..i + from.len()] == from.as_bytes() {
            out[i..i + from.len()].copy_from_slice(to.as_bytes());
            renamed += 1;
            i += from.len();
        } else {
            i += 1;
        }
    }
    assert!(renamed > 0, "no `{from}` in the component");
    out
}

#[test]
fn a_plugin_built_against_the_previous_patch_release_still_loads_and_runs() {
    let old = at_version(EXAMPLE_PLUGIN_OWN_RANGES, "0.3.1", "0.3.0");
    let dir = tempfile::tempdir().unwrap();
    write_plugin(
        &dir.path().join("nw"),
        "northwind-ranges",
        "OPX",
        &["check-eligibility"],
        &old,
        None,
        "",
    );
    let h = host(Trust::parse("").unwrap(), true);
    let report = h.load_dir(dir.path());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let r = h.eligibility(Arc::new(tenant()), &assign("+13125550100"));
    assert_eq!(codes(&r), vec!["northwind-ranges/OPX-RANGE"]);
    assert_eq!(r.runs[0].outcome, RunOutcome::Ok);
    // A plugin of another minor release is refused, naming the versions.
    let next = at_version(EXAMPLE_PLUGIN_OWN_RANGES, "0.3.1", "0.4.1");
    write_plugin(
        &dir.path().join("nw"),
        "northwind-ranges",
        "OPX",
        &["check-eligibility"],
        &next,
        None,
        "",
    );
    let h = host(Trust::parse("").unwrap(), true);
    let report = h.load_dir(dir.path());
    let errors = format!("{:?}", report.errors);
    assert!(
        report.loaded.is_empty() && errors.contains("0.3.x"),
        "{errors}"
    );
}

#[test]
fn the_rust_example_plugin_loads_signed_is_scoped_and_labelled() {
    let dir = tempfile::tempdir().unwrap();
    let (secret, public) = keys();
    write_plugin(
        &dir.path().join("nw"),
        "northwind-ranges",
        "OPX",
        &[
            "check-eligibility",
            "check-upload",
            "check-address",
            "check-route",
        ],
        EXAMPLE_PLUGIN_OWN_RANGES,
        Some(&secret),
        "countries = [\"US\", \"CA\"]",
    );
    let h = host(trust("OPX", &public), false);
    let report = h.load_dir(dir.path());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.loaded, vec!["northwind-ranges@1.0.0"]);
    let t = Arc::new(tenant());

    // Its own number, outside its ranges: flagged, labelled with the plugin's id.
    let r = h.eligibility(&t, &assign("+13125550100"));
    assert_eq!(codes(&r), vec!["northwind-ranges/OPX-RANGE"]);
    assert!(
        r.violations[0]
            .citation
            .starts_with("plugin northwind-ranges@1.0.0"),
        "{:?}",
        r.violations
    );
    assert_eq!(r.runs.len(), 1);
    assert_eq!(r.runs[0].outcome, RunOutcome::Ok);
    assert!(
        r.runs[0].fuel > 0 && r.runs[0].peak_memory > 0,
        "{:?}",
        r.runs[0]
    );
    assert_eq!(
        r.runs[0].logs,
        vec!["info: refusing +13125550100: outside our ranges"],
        "the plugin's log line is kept, with its level as the WIT names it"
    );
    // In range: called, nothing to add.
    let r = h.eligibility(&t, &assign("+14255550100"));
    assert!(r.violations.is_empty() && r.runs.len() == 1);
    // Another operator's number: never called.
    let r = h.eligibility(&t, &assign("+14255550101"));
    assert!(r.runs.is_empty(), "called for OP1's number: {:?}", r.runs);
    // The same call twice uses the same fuel: the budget is deterministic.
    let a = h.eligibility(&t, &assign("+13125550100")).runs[0].fuel;
    let b = h.eligibility(&t, &assign("+13125550100")).runs[0].fuel;
    assert_eq!(a, b);
    // Indexed (looked up by key) or as given (scanned): the same scope and
    // the same answers, for every spelling of a number.
    let indexed: ocpolicy_plugins::TenantView =
        Arc::new(ocpolicy_rules::TenantSnapshot::new(tenant()).unwrap()).into();
    for n in [
        "+13125550100",
        "tel:+13125550100",
        "13125550100",
        "+14255550100",
        "+14255550101",
        "+19995550100",
    ] {
        let (a, b) = (
            h.eligibility(&t, &assign(n)),
            h.eligibility(indexed.clone(), &assign(n)),
        );
        assert_eq!(codes(&a), codes(&b), "{n}");
        assert_eq!(a.runs.len(), b.runs.len(), "{n}");
    }

    // Uploads: only OPX's.
    let upload = |op: &str| -> core::EligibilityRequest {
        serde_json::from_value(json!({"UploadNumbers": {"operator_id": op, "numbers": [
            {"telephone_number": "+14255550199", "usage": "CallingUserAssignment", "iso_country_code": "US", "location_update_supported": true},
            {"telephone_number": "+16175550100", "usage": "CallingUserAssignment", "iso_country_code": "US", "location_update_supported": true}]}}))
        .unwrap()
    };
    let r = h.eligibility(&t, &upload("OPX"));
    assert_eq!(codes(&r), vec!["northwind-ranges/OPX-RANGE"]);
    assert_eq!(r.violations[0].path, "request.numbers[1].telephone_number");
    assert!(h.eligibility(&t, &upload("OP1")).runs.is_empty());

    // Addresses in its countries: a Canadian address needs a suite.
    let address = |cc: &str| -> core::AddressCheck {
        serde_json::from_value(
            json!({"address": {"id": "A1", "company_name": "C", "country_or_region": cc,
            "validation_status": "Validated"}}),
        )
        .unwrap()
    };
    assert_eq!(
        codes(&h.address(&address("CA"))),
        vec!["northwind-ranges/OPX-CA-SUITE"]
    );
    assert!(h.address(&address("US")).violations.is_empty());
    assert!(
        h.address(&address("GB")).runs.is_empty(),
        "GB is not in its countries"
    );

    // A built-in decision gains the plugin's error and is denied.
    let mut d = core::Decision {
        allowed: true,
        violations: vec![],
    };
    h.eligibility(&t, &assign("+13125550100")).apply(&mut d);
    assert!(!d.allowed);
}

#[test]
fn the_example_plugin_vetoes_premium_dial_out_through_its_operator_only() {
    let dir = tempfile::tempdir().unwrap();
    write_plugin(
        dir.path(),
        "northwind-ranges",
        "OPX",
        &["check-route"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let h = host(Trust::parse("").unwrap(), true);
    assert!(h.load_dir(dir.path()).errors.is_empty());
    let cfg = json!({
        "tenant_id": "t", "org_country": "US",
        "bridge": {"numbers": [{"number": "+14255550000", "toll_type": "Toll", "source": "Microsoft"},
                               {"number": "+14255550190", "toll_type": "Toll", "source": "OperatorConnect", "operator_id": "OPX"}],
                   "default_service_number": "+14255550000"},
        "organizers": [{"identity": "alice@contoso.com", "licenses": ["MCOMEETADV"], "usage_location": "US"}],
        "pstn_usages": ["Premium", "Other"],
        "voice_routes": [
            {"identity": "Premium via Northwind", "number_pattern": r"^\+1900\d{7}$", "priority": 1, "online_pstn_usages": ["Premium"], "bridge_source_phone_number": "+14255550190"},
            {"identity": "Rest via SBC", "number_pattern": r"^\+1\d{10}$", "priority": 2, "online_pstn_usages": ["Other"], "online_pstn_gateways": ["sbc1"]}],
        "audio_conferencing_routing_policies": [{"identity": "Global", "online_pstn_usages": ["Premium", "Other"]}]
    });
    let s = ocpolicy_rules::conferencing::ConferencingSnapshot::new(
        serde_json::from_value(cfg).unwrap(),
    )
    .unwrap();
    for (dial, vetoed, called) in [("+19005550100", true, true), ("+14255550100", false, false)] {
        let dial: core::DialOut =
            serde_json::from_value(json!({"organizer": "alice@contoso.com", "dialed": dial}))
                .unwrap();
        let decision = s.route(&dial).unwrap();
        let r = h.route(&dial, &decision);
        assert_eq!(!r.runs.is_empty(), called, "{:?}", r.runs);
        assert_eq!(
            codes(&r) == vec!["northwind-ranges/OPX-PREMIUM"],
            vetoed,
            "{:?}",
            r.violations
        );
    }
}

/// The refusals: each with a reason that says what is wrong.
#[test]
fn plugins_that_fail_their_checks_are_refused_with_the_reason() {
    let (secret, public) = keys();
    let (other_secret, _) = keys();
    let root = tempfile::tempdir().unwrap();
    type Make<'a> = Box<dyn Fn(&Path) + 'a>;
    let cases: Vec<(&str, Make, &str)> = vec![
        (
            "tampered",
            Box::new(|d: &Path| {
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    EXAMPLE_PLUGIN_OWN_RANGES,
                    Some(&secret),
                    "",
                );
                let mut bytes = EXAMPLE_PLUGIN_OWN_RANGES.to_vec();
                let last = bytes.len() - 1;
                bytes[last] ^= 0x55;
                std::fs::write(d.join("plugin.wasm"), bytes).unwrap();
            }),
            "hash mismatch",
        ),
        (
            "bad signature",
            Box::new(|d: &Path| {
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    EXAMPLE_PLUGIN_OWN_RANGES,
                    Some(&secret),
                    "",
                );
                let m = std::fs::read_to_string(d.join("plugin.toml")).unwrap();
                let (_, sig) = sign::sign(&other_secret, EXAMPLE_PLUGIN_OWN_RANGES).unwrap();
                let start = m.find("value = \"").unwrap() + 9;
                let end = start + m[start..].find('"').unwrap();
                let m = format!("{}{}{}", &m[..start], sig, &m[end..]);
                std::fs::write(d.join("plugin.toml"), m).unwrap();
            }),
            "bad signature",
        ),
        (
            "untrusted key",
            Box::new(|d: &Path| {
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    EXAMPLE_PLUGIN_OWN_RANGES,
                    Some(&other_secret),
                    "",
                );
            }),
            "not trusted for operator OPX",
        ),
        (
            "trusted for another operator",
            Box::new(|d: &Path| {
                write_plugin(
                    d,
                    "p",
                    "OP9",
                    &["check-eligibility"],
                    EXAMPLE_PLUGIN_OWN_RANGES,
                    Some(&secret),
                    "",
                );
            }),
            "not trusted for operator OP9",
        ),
        (
            "unsigned",
            Box::new(|d: &Path| {
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    EXAMPLE_PLUGIN_OWN_RANGES,
                    None,
                    "",
                );
            }),
            "unsigned",
        ),
        (
            "imports wasi:filesystem",
            Box::new(|d: &Path| {
                let bytes = wat::parse_str(
                    r#"(component (import "wasi:filesystem/preopens@0.2.0" (instance)))"#,
                )
                .unwrap();
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    &bytes,
                    Some(&secret),
                    "",
                );
            }),
            "imports outside the plugin world: wasi:filesystem/preopens@0.2.0",
        ),
        (
            "imports sockets and the environment without asking for WASI",
            Box::new(|d: &Path| {
                let bytes = wat::parse_str(r#"(component (import "wasi:sockets/tcp@0.2.0" (instance)) (import "wasi:cli/environment@0.2.0" (instance)))"#).unwrap();
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    &bytes,
                    Some(&secret),
                    "",
                );
            }),
            "only when plugin.toml says `wasi = true`",
        ),
        (
            "imports neither the plugin world nor WASI, asking for WASI",
            Box::new(|d: &Path| {
                let bytes = wat::parse_str(
                    r#"(component (import "acme:backdoor/shell@1.0.0" (instance)))"#,
                )
                .unwrap();
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    &bytes,
                    Some(&secret),
                    "wasi = true",
                );
            }),
            "imports outside the plugin world: acme:backdoor/shell@1.0.0",
        ),
        (
            "not a component",
            Box::new(|d: &Path| {
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    b"\0asm garbage",
                    Some(&secret),
                    "",
                );
            }),
            "is not a valid component",
        ),
        (
            "declares a hook it lacks",
            Box::new(|d: &Path| {
                let bytes = wat::parse_str("(component)").unwrap();
                write_plugin(d, "p", "OPX", &["check-route"], &bytes, Some(&secret), "");
            }),
            "does not export its interface",
        ),
        (
            "asks for too much fuel",
            Box::new(|d: &Path| {
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    EXAMPLE_PLUGIN_OWN_RANGES,
                    Some(&secret),
                    "[limits]\nfuel = 99999999999",
                );
            }),
            "limits.fuel",
        ),
        (
            "makes routing fail closed",
            Box::new(|d: &Path| {
                write_plugin(
                    d,
                    "p",
                    "OPX",
                    &["check-eligibility"],
                    EXAMPLE_PLUGIN_OWN_RANGES,
                    Some(&secret),
                    "[failure]\nrouting = \"deny\"",
                );
            }),
            "never block",
        ),
    ];
    for (i, (what, make, expected)) in cases.iter().enumerate() {
        let d = root.path().join(format!("case{i}"));
        make(&d);
        let h = host(trust("OPX", &public), false);
        let report = h.load_dir(&d);
        assert!(report.loaded.is_empty(), "{what}: loaded");
        let reason = &report
            .errors
            .first()
            .unwrap_or_else(|| panic!("{what}: no error"))
            .reason;
        assert!(
            reason.contains(expected),
            "{what}: `{reason}` lacks `{expected}`"
        );
    }
    // Development mode accepts an unsigned plugin, marked untrusted.
    let d = root.path().join("dev");
    write_plugin(
        &d,
        "p",
        "OPX",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let h = host(Trust::parse("").unwrap(), true);
    assert!(h.load_dir(&d).errors.is_empty());
    assert!(!h.current().plugins()[0].trusted);
}

/// The signature covers the manifest as well as the component: each edit
/// that changes behaviour, made after signing, is refused naming the field.
#[test]
fn every_manifest_edit_after_signing_is_refused_naming_the_field() {
    let (secret, public) = keys();
    let h = host(trust("OPX", &public), false);
    let root = tempfile::tempdir().unwrap();
    let signed = |name: &str| {
        let d = root.path().join(name);
        write_plugin(
            &d,
            "northwind-ranges",
            "OPX",
            &["check-eligibility"],
            EXAMPLE_PLUGIN_OWN_RANGES,
            Some(&secret),
            "countries = [\"US\"]",
        );
        d
    };
    let d = signed("untouched");
    assert!(h.load_one(&d).unwrap().trusted, "the signed plugin loads");
    type Edit = fn(String) -> String;
    let edits: Vec<(&str, Edit, &str)> = vec![
        (
            "version",
            |m| m.replace("version = \"1.0.0\"", "version = \"9.9.9\""),
            "version (signed \"1.0.0\", now \"9.9.9\")",
        ),
        (
            "id",
            |m| m.replace("id = \"northwind-ranges\"", "id = \"northwind-ranges2\""),
            "id (signed",
        ),
        (
            "operator",
            |m| m.replace("operator = \"OPX\"", "operator = \"OP1\""),
            "operator (signed \"OPX\", now \"OP1\")",
        ),
        (
            "hooks",
            |m| {
                m.replace(
                    "hooks = [\"check-eligibility\"]",
                    "hooks = [\"check-eligibility\", \"check-upload\"]",
                )
            },
            "hooks (signed",
        ),
        (
            "countries",
            |m| m.replace("countries = [\"US\"]", "countries = [\"US\", \"CA\"]"),
            "countries (signed",
        ),
        (
            "wasi",
            |m| format!("wasi = true\n{m}"),
            "wasi (signed false, now true)",
        ),
        (
            "fail open",
            |m| {
                m.replace(
                    "\n[signature]",
                    "\n[failure]\neligibility = \"warn\"\n\n[signature]",
                )
            },
            "failure.eligibility (signed \"deny\", now \"warn\")",
        ),
        (
            "fuel",
            |m| {
                m.replace(
                    "\n[signature]",
                    "\n[limits]\nfuel = 1000000000\n\n[signature]",
                )
            },
            "limits.fuel (signed 11000000, now 1000000000)",
        ),
        (
            "memory",
            |m| {
                m.replace(
                    "\n[signature]",
                    "\n[limits]\nmemory-mib = 256\n\n[signature]",
                )
            },
            "limits.memory-mib (signed 16, now 256)",
        ),
    ];
    for (name, edit, named) in edits {
        let d = signed(name);
        let m = std::fs::read_to_string(d.join("plugin.toml")).unwrap();
        let edited = edit(m.clone());
        assert_ne!(m, edited, "{name}: the edit applies");
        std::fs::write(d.join("plugin.toml"), edited).unwrap();
        let Err((_, reason)) = h.load_one(&d) else {
            panic!("{name}: an edited manifest loaded");
        };
        assert!(reason.contains("changed after signing"), "{name}: {reason}");
        assert!(reason.contains(named), "{name}: {reason}");
        // Development mode takes unsigned plugins, not tampered ones.
        assert!(
            host(Trust::default(), true).load_one(&d).is_err(),
            "{name} in dev mode"
        );
    }
    // The statement itself edited to match: the signature no longer verifies.
    let d = signed("statement");
    let m = std::fs::read_to_string(d.join("plugin.toml"))
        .unwrap()
        .replace("1.0.0", "9.9.9");
    std::fs::write(d.join("plugin.toml"), m).unwrap();
    let reason = h.load_one(&d).err().unwrap().1;
    assert!(reason.starts_with("bad signature"), "{reason}");
    // A signature of the old form (over the component's bytes only) is refused with the fix.
    let d = signed("old-form");
    let m = std::fs::read_to_string(d.join("plugin.toml")).unwrap();
    let m = m[..m.find("covers =").unwrap()].to_string();
    std::fs::write(d.join("plugin.toml"), m).unwrap();
    let reason = h.load_one(&d).err().unwrap().1;
    assert!(reason.contains("missing field `covers`"), "{reason}");
    assert!(
        reason.contains("sign again with `ocpolicy plugin sign"),
        "{reason}"
    );
}

/// A plugin is known by (operator, id): operator B's plugin with operator A's
/// id, in a folder that sorts first, loads beside A's and displaces nothing;
/// two plugins of one operator with one id are both refused, naming both.
#[test]
fn one_operators_plugin_never_displaces_anothers() {
    let (a_secret, a_public) = keys();
    let (b_secret, b_public) = keys();
    let trust = Trust::parse(&format!(
        "[operators]\nOPX = [\"{a_public}\"]\nOP1 = [\"{b_public}\"]\n"
    ))
    .unwrap();
    let root = tempfile::tempdir().unwrap();
    // A's rule: only +1 425 555 numbers of OPX. B's: the same component, id and version.
    write_plugin(
        &root.path().join("b-first"),
        "northwind-ranges",
        "OP1",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        Some(&b_secret),
        "",
    );
    write_plugin(
        &root.path().join("z-operator-a"),
        "northwind-ranges",
        "OPX",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        Some(&a_secret),
        "",
    );
    let h = host(trust, false);
    let report = h.load_dir(root.path());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let owners: Vec<String> = h
        .current()
        .plugins()
        .iter()
        .map(|p| p.manifest.operator.clone())
        .collect();
    assert_eq!(owners.len(), 2, "both load: {owners:?}");
    // A's rule still refuses A's number out of its range.
    let r = h.eligibility(Arc::new(tenant()), &assign("+13125550100"));
    assert!(
        codes(&r).iter().any(|c| c.starts_with("northwind-ranges/")),
        "{:?}",
        codes(&r)
    );
    // A hot reload keeps both.
    assert_eq!(h.reload(root.path()).loaded.len(), 2);
    // Two of A's with one id (the id's case aside): both refused, each naming the other.
    write_plugin(
        &root.path().join("a-copy"),
        "Northwind-Ranges",
        "opx",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        Some(&a_secret),
        "",
    );
    let fresh = host(
        Trust::parse(&format!(
            "[operators]\nOPX = [\"{a_public}\"]\nOP1 = [\"{b_public}\"]\n"
        ))
        .unwrap(),
        false,
    );
    let report = fresh.load_dir(root.path());
    assert_eq!(report.errors.len(), 2, "{:?}", report.errors);
    for e in &report.errors {
        assert!(
            e.reason.contains("a plugin is known by (operator, id)"),
            "{}",
            e.reason
        );
    }
    assert!(
        report.errors[0].reason.contains("z-operator-a"),
        "{}",
        report.errors[0].reason
    );
    assert!(
        report.errors[1].reason.contains("a-copy"),
        "{}",
        report.errors[1].reason
    );
    assert_eq!(report.loaded, vec!["northwind-ranges@1.0.0"], "B's alone");
    // On reload, A's previous version stays in force while the twins are refused.
    let report = h.reload(root.path());
    assert_eq!(report.errors.len(), 2);
    let r = h.eligibility(Arc::new(tenant()), &assign("+13125550100"));
    assert!(
        codes(&r).iter().any(|c| c.starts_with("northwind-ranges/")),
        "{:?}",
        codes(&r)
    );
}

/// A configured plugin that does not load, with no previous version in
/// force, fails its operator's decisions as its own failure modes say:
/// eligibility and uploads denied, routing warned; other operators' decisions
/// untouched; development mode warns instead, and says so.
#[test]
fn configured_plugins_that_do_not_load_fail_closed_by_their_failure_modes() {
    let (secret, public) = keys();
    let root = tempfile::tempdir().unwrap();
    let d = root.path().join("nw");
    write_plugin(
        &d,
        "northwind-ranges",
        "OPX",
        &["check-eligibility", "check-upload", "check-bridge"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        Some(&secret),
        "",
    );
    // The component replaced after signing: refused (hash mismatch).
    std::fs::write(d.join("plugin.wasm"), b"\0asm not it").unwrap();
    let t = Arc::new(tenant());
    let upload: core::EligibilityRequest = serde_json::from_value(json!({"UploadNumbers": {"operator_id": "OPX",
        "numbers": [{"telephone_number": "+14255550199", "usage": "CallingUserAssignment", "iso_country_code": "US",
            "location_update_supported": true}]}}))
    .unwrap();
    let bridge: core::BridgeCheck = serde_json::from_value(json!({"bridge": {"numbers": [
        {"number": "+14255550190", "toll_type": "Toll", "source": "OperatorConnect", "operator_id": "OPX"}]},
        "org_country": "US"}))
    .unwrap();
    let unavailable = |r: &ocpolicy_plugins::PluginReport| -> Vec<core::Severity> {
        r.violations
            .iter()
            .filter(|v| v.code == "PLUGIN-UNAVAILABLE")
            .map(|v| v.severity)
            .collect()
    };
    for dev in [false, true] {
        let h = host(trust("OPX", &public), dev);
        let report = h.load_dir(root.path());
        assert_eq!(
            report.unavailable,
            vec!["OPX/northwind-ranges@1.0.0"],
            "{report:?}"
        );
        assert!(report.loaded.is_empty());
        let deny = if dev {
            core::Severity::Warning
        } else {
            core::Severity::Error
        };
        let r = h.eligibility(&t, &assign("+13125550100"));
        assert_eq!(unavailable(&r), vec![deny], "dev {dev}: {:?}", r.violations);
        let v = &r.violations[0];
        assert!(
            v.message.contains("hash mismatch") && v.message.contains("configured but not loaded"),
            "{}",
            v.message
        );
        assert_eq!(v.message.contains("development mode"), dev, "{}", v.message);
        let mut d = core::Decision {
            allowed: true,
            violations: Vec::new(),
        };
        r.apply(&mut d);
        assert_eq!(d.allowed, dev, "denied outside development mode");
        assert_eq!(unavailable(&h.eligibility(&t, &upload)), vec![deny]);
        assert_eq!(
            unavailable(&h.bridge(&bridge)),
            vec![core::Severity::Warning]
        );
        // Another operator's number: not this plugin's business.
        assert!(unavailable(&h.eligibility(&t, &assign("+14255550101"))).is_empty());
    }
    // Fixed and reloaded: in force, and nothing is unavailable.
    let h = host(trust("OPX", &public), false);
    h.load_dir(root.path());
    std::fs::write(d.join("plugin.wasm"), EXAMPLE_PLUGIN_OWN_RANGES).unwrap();
    let report = h.reload(root.path());
    assert!(
        report.unavailable.is_empty() && report.errors.is_empty(),
        "{report:?}"
    );
    assert!(unavailable(&h.eligibility(&t, &assign("+13125550100"))).is_empty());
    // An unreadable manifest names no operator: every operator's eligibility is denied.
    std::fs::write(d.join("plugin.toml"), "id = ").unwrap();
    let fresh = host(trust("OPX", &public), false);
    let report = fresh.load_dir(root.path());
    assert_eq!(report.unavailable.len(), 1);
    assert_eq!(
        unavailable(&fresh.eligibility(&t, &assign("+14255550101"))),
        vec![core::Severity::Error]
    );
    // ...but on a reload, the version in force from that directory stays.
    let report = h.reload(root.path());
    assert!(report.unavailable.is_empty(), "{report:?}");
    assert_eq!(report.loaded, vec!["northwind-ranges@1.0.0"]);
}

#[test]
fn reload_swaps_atomically_and_a_broken_update_keeps_the_previous_version() {
    let root = tempfile::tempdir().unwrap();
    let d = root.path().join("nw");
    write_plugin(
        &d,
        "northwind-ranges",
        "OPX",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let h = host(Trust::parse("").unwrap(), true);
    assert_eq!(
        h.load_dir(root.path()).loaded,
        vec!["northwind-ranges@1.0.0"]
    );
    let in_flight = h.current();
    // Version 2.
    let m = std::fs::read_to_string(d.join("plugin.toml"))
        .unwrap()
        .replace("1.0.0", "2.0.0");
    std::fs::write(d.join("plugin.toml"), m).unwrap();
    assert_eq!(h.reload(root.path()).loaded, vec!["northwind-ranges@2.0.0"]);
    assert_eq!(
        in_flight.plugins()[0].label(),
        "northwind-ranges@1.0.0",
        "a call in flight keeps its set"
    );
    // A broken version 3 (its component changed, its hash not): 2 stays in force.
    std::fs::write(
        d.join("plugin.toml"),
        std::fs::read_to_string(d.join("plugin.toml"))
            .unwrap()
            .replace("2.0.0", "3.0.0"),
    )
    .unwrap();
    std::fs::write(d.join("plugin.wasm"), b"not the component").unwrap();
    let report = h.reload(root.path());
    assert_eq!(report.loaded, vec!["northwind-ranges@2.0.0"]);
    assert!(
        report.errors[0].reason.contains("hash mismatch"),
        "{:?}",
        report.errors
    );
    let r = h.eligibility(Arc::new(tenant()), &assign("+13125550100"));
    assert_eq!(r.runs[0].plugin, "northwind-ranges@2.0.0");
}

/// The hostile corpus. Each case: the number that triggers the behaviour, the
/// outcome the host must report, and whether the eligibility decision is
/// denied (eligibility fails closed).
#[test]
fn hostile_plugins_are_contained_while_other_requests_are_served() {
    let root = tempfile::tempdir().unwrap();
    write_plugin(
        &root.path().join("hostile"),
        "hostile",
        "OPH",
        &["check-eligibility", "check-upload", "check-address"],
        TEST_PLUGIN_HOSTILE,
        None,
        "countries = [\"US\"]\n[limits]\nfuel = 500000000\nmemory-mib = 64\nmax-violations = 1000\nmax-message-len = 4096",
    );
    write_plugin(
        &root.path().join("nw"),
        "northwind-ranges",
        "OPX",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let h = Arc::new(host(Trust::default(), true));
    let report = h.load_dir(root.path());
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let t = Arc::new(tenant());

    // Meanwhile: ordinary requests, through the built-in rules and the example plugin.
    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let background = {
        let (h, t, stop, served) = (h.clone(), t.clone(), stop.clone(), served.clone());
        std::thread::spawn(move || {
            let rules = crate::rules();
            let mut inst = rules.instance().unwrap();
            let check: ocpolicy_runtime::types::EligibilityCheck =
                serde_json::from_value(json!({"tenant": &*t, "request": assign("+13125550100")}))
                    .unwrap();
            while !stop.load(Ordering::Relaxed) {
                let r = h.eligibility(&t, &assign("+13125550100"));
                assert_eq!(
                    codes(&r),
                    vec!["northwind-ranges/OPX-RANGE"],
                    "a served request went wrong"
                );
                let d = inst.evaluate(&check).unwrap().unwrap();
                assert!(d.violations.iter().all(|v| !v.code.starts_with("hostile")));
                served.fetch_add(1, Ordering::Relaxed);
            }
        })
    };

    // Let the background thread get going (it compiles the rules component
    // on a cold cache) before the hostile cases start.
    let waited = std::time::Instant::now();
    while served.load(Ordering::Relaxed) == 0 {
        assert!(
            waited.elapsed() < std::time::Duration::from_secs(300),
            "the background requests never started"
        );
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    let served_before = served.load(Ordering::Relaxed);
    type Expect = fn(&RunOutcome) -> bool;
    let cases: &[(&str, &str, Expect)] = &[
        ("infinite loop", "+12025550001", |o| {
            *o == RunOutcome::BudgetExceeded
        }),
        ("memory bomb", "+12025550002", |o| {
            *o == RunOutcome::MemoryExceeded
        }),
        (
            "deep recursion",
            "+12025550003",
            |o| matches!(o, RunOutcome::Trap(t) if t.contains("stack")),
        ),
        (
            "100k violations",
            "+12025550004",
            |o| matches!(o, RunOutcome::OutputTooLarge(w) if w.contains("100000 violations")),
        ),
        (
            "a 10 MB message",
            "+12025550005",
            |o| matches!(o, RunOutcome::OutputTooLarge(w) if w.contains("message")),
        ),
        ("a panic", "+12025550006", |o| {
            matches!(o, RunOutcome::Trap(_))
        }),
        ("a flood of log lines", "+12025550008", |o| {
            *o == RunOutcome::Ok
        }),
    ];
    for (what, number, expected) in cases {
        let r = h.eligibility(&t, &assign(number));
        assert_eq!(r.runs.len(), 1, "{what}: {:?}", r.runs);
        let run = &r.runs[0];
        assert!(expected(&run.outcome), "{what}: {:?}", run.outcome);
        // Every outcome is a name in JSON; a trap's reason is the run's detail.
        let as_json = serde_json::to_value(run).unwrap();
        assert_eq!(as_json["outcome"], run.outcome.name(), "{what}: {as_json}");
        assert_eq!(
            as_json["detail"].as_str(),
            run.outcome.detail(),
            "{what}: {as_json}"
        );
        if run.outcome != RunOutcome::Ok {
            // Eligibility fails closed, labelled, with the reason.
            let f = r
                .violations
                .iter()
                .find(|v| v.code == "PLUGIN-FAILED")
                .unwrap_or_else(|| panic!("{what}: no PLUGIN-FAILED"));
            assert_eq!(f.severity, core::Severity::Error, "{what}");
            assert!(f.message.contains("hostile@1.0.0"), "{what}: {}", f.message);
        }
        if *what == "a flood of log lines" {
            assert!(
                run.logs.len() <= 32 && run.logs.iter().all(|l| l.len() < 600),
                "{what}: logs are capped"
            );
        }
    }

    // No state carries from one call to the next: every call is the first
    // its instance has seen, and finds none of the memory the last one dirtied
    // (pooled memories are reset, the first pages by memset, the rest by madvise).
    for _ in 0..5 {
        let r = h.eligibility(&t, &assign("+12025550009"));
        assert_eq!(codes(&r), vec!["hostile/HOSTILE-STATE"], "{:?}", r.runs);
        assert_eq!(r.violations[0].message, "call 1, 0 bytes left over");
    }

    // A code that mimics a built-in one stays labelled as the plugin's.
    let r = h.eligibility(&t, &assign("+12025550007"));
    assert_eq!(codes(&r), vec!["hostile/ELIG-USAGE-LOCATION"]);
    assert!(r.violations[0].citation.contains("plugin hostile@1.0.0"));

    // It flags everything it sees, but is never called for another operator's numbers.
    for n in ["+14255550100", "+13125550100", "+14255550101"] {
        let r = h.eligibility(&t, &assign(n));
        assert!(
            r.runs.iter().all(|run| !run.plugin.starts_with("hostile")),
            "hostile called for {n}"
        );
        assert!(
            r.violations.iter().all(|v| !v.code.starts_with("hostile")),
            "{n}"
        );
    }

    // Emergency hooks fail open: the hostile address hook loops, the answer is a warning.
    let address: core::AddressCheck =
        serde_json::from_value(json!({"address": {"id": "A1", "company_name": "C",
        "country_or_region": "US", "validation_status": "Validated"}}))
        .unwrap();
    let r = h.address(&address);
    assert_eq!(r.runs[0].outcome, RunOutcome::BudgetExceeded);
    let f = r
        .violations
        .iter()
        .find(|v| v.code == "PLUGIN-FAILED")
        .unwrap();
    assert_eq!(f.severity, core::Severity::Warning);

    stop.store(true, Ordering::Relaxed);
    background
        .join()
        .expect("the background requests never went wrong");
    assert!(
        served.load(Ordering::Relaxed) > served_before,
        "no request was served while the hostile cases ran"
    );
}

/// Emergency hooks never block: a plugin that traps in `check-resolution`
/// becomes a warning and the resolution stands. `check-bridge` runs only for
/// bridges that carry the plugin's operator's numbers.
#[test]
fn resolution_and_bridge_hooks_are_scoped_and_fail_open() {
    let root = tempfile::tempdir().unwrap();
    write_plugin(
        &root.path().join("hostile"),
        "hostile",
        "OPX",
        &["check-resolution", "check-bridge"],
        TEST_PLUGIN_HOSTILE,
        None,
        "countries = [\"US\"]",
    );
    let h = host(Trust::parse("").unwrap(), true);
    assert!(h.load_dir(root.path()).errors.is_empty());

    let cfg: serde_json::Value = serde_json::from_slice(
        &std::fs::read(crate::root().join("tests/examples/emergency-config.json")).unwrap(),
    )
    .unwrap();
    let mut cfg_x = cfg.clone();
    cfg_x["tenant"]["numbers"][0]["operator_id"] = json!("OPX");
    let ctx: core::NetworkContext = serde_json::from_slice(
        &std::fs::read(crate::root().join("tests/examples/network-context.json")).unwrap(),
    )
    .unwrap();
    for (cfg, called) in [(cfg_x, true), (cfg, false)] {
        let cfg: core::EmergencyConfig = serde_json::from_value(cfg).unwrap();
        let s = ocpolicy_rules::emergency::EmergencySnapshot::new(cfg.clone()).unwrap();
        let res = s.resolve(&ctx).unwrap();
        let r = h.resolution(Arc::new(cfg.tenant.clone()), &ctx, &res);
        assert_eq!(
            !r.runs.is_empty(),
            called,
            "alice's number's operator decides: {:?}",
            r.runs
        );
        if called {
            assert!(
                matches!(r.runs[0].outcome, RunOutcome::Trap(_)),
                "{:?}",
                r.runs[0].outcome
            );
            assert_eq!(r.violations.len(), 1);
            assert_eq!(r.violations[0].code, "PLUGIN-FAILED");
            assert_eq!(r.violations[0].severity, core::Severity::Warning);
        }
    }

    let bridge = |op: &str| -> core::BridgeCheck {
        serde_json::from_value(json!({"bridge": {"numbers": [
            {"number": "+14255550190", "toll_type": "Toll", "source": "OperatorConnect", "operator_id": op}]},
            "org_country": "US"})).unwrap()
    };
    assert_eq!(h.bridge(&bridge("OPX")).runs.len(), 1);
    assert!(h.bridge(&bridge("OP1")).runs.is_empty());
}

/// A watched directory: a new version on disk is picked up without a restart.
#[test]
fn a_watched_directory_reloads_on_change() {
    let root = tempfile::tempdir().unwrap();
    let d = root.path().join("nw");
    write_plugin(
        &d,
        "northwind-ranges",
        "OPX",
        &["check-eligibility"],
        EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let h = Arc::new(host(Trust::default(), true));
    h.load_dir(root.path());
    let (tx, rx) = std::sync::mpsc::channel();
    let _watcher = h
        .watch(
            root.path().to_path_buf(),
            std::time::Duration::from_millis(50),
            move |r| {
                let _ = tx.send(r);
            },
        )
        .unwrap();
    let m = std::fs::read_to_string(d.join("plugin.toml"))
        .unwrap()
        .replace("1.0.0", "1.1.0");
    std::fs::write(d.join("plugin.toml"), m).unwrap();
    let report = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("the watcher reloads");
    assert_eq!(report.loaded, vec!["northwind-ranges@1.1.0"]);
    assert_eq!(h.current().plugins()[0].label(), "northwind-ranges@1.1.0");
}
