//! One number identity: for every spelling the core accepts for an inventory
//! number (a `+` or not, a `tel:` prefix in any case, surrounding
//! whitespace), the core's tenant index, the plugin host's scoping and the
//! server's lookups all name the same number (`ocpolicy_rules::number_key`).
//! Before they shared it, the plugin host and the server compared
//! `trim().trim_start_matches('+')`: a `tel:` spelling left the operator's
//! plugin uncalled and the server answering 404 for a number it holds.

use std::sync::Arc;

use axum::http::StatusCode;
use ocpolicy_plugins::{PluginHost, Trust};
use ocpolicy_rules::TenantSnapshot;
use ocpolicy_rules::types as core;
use ocpolicy_runtime::CacheMode;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use serde_json::{Value, json};

/// The demo tenant's number that bob holds, from operator OP1.
const HELD: &str = "+14255550102";

fn spelling() -> impl Strategy<Value = String> {
    (
        prop::sample::select(vec!["", " ", "\t", "  "]),
        prop::sample::select(vec!["", "tel:", "TEL:", "Tel:"]),
        prop::bool::ANY,
        prop::sample::select(vec!["", " ", "\n"]),
    )
        .prop_map(|(lead, tel, plus, trail)| {
            let digits = HELD.trim_start_matches('+');
            format!("{lead}{tel}{}{digits}{trail}", if plus { "+" } else { "" })
        })
}

/// Percent-encode everything but letters and digits, for a path segment.
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn assign(n: &str) -> core::EligibilityRequest {
    serde_json::from_value(json!({"AssignNumber": {"target": "alice@contoso.com",
        "target_kind": "User", "telephone_number": n, "number_type": "OperatorConnect"}}))
    .unwrap()
}

#[test]
fn every_accepted_spelling_names_the_same_number_in_the_core_the_plugin_host_and_the_server() {
    let doc = crate::server::demo_doc();
    let tenant: core::Tenant = serde_json::from_value(doc["tenant"].clone()).unwrap();
    let snapshot = TenantSnapshot::new(tenant.clone()).unwrap();
    let tenant = Arc::new(tenant);

    // The example plugin, scoped to OP1 (the held number's operator).
    let dir = tempfile::tempdir().unwrap();
    crate::plugins::write_plugin(
        &dir.path().join("p"),
        "op1-ranges",
        "OP1",
        &["check-eligibility"],
        ocpolicy_runtime::artifacts::EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let host = PluginHost::new(Trust::default(), true, CacheMode::Disabled).unwrap();
    assert!(host.load_dir(dir.path()).errors.is_empty());
    // Out of scope stays out of scope: another operator's number calls nothing.
    assert!(
        host.eligibility(&tenant, &assign("+442071234500"))
            .runs
            .is_empty()
    );

    let rt = crate::server::rt();
    let mut runner = TestRunner::new(Config {
        cases: 48,
        failure_persistence: None,
        ..Config::default()
    });
    runner
        .run(&spelling(), |s| {
            // The core's index.
            let found = snapshot.find_number(&s).map(|n| n.telephone_number.clone());
            prop_assert_eq!(found.as_deref(), Some(HELD), "core, spelling {:?}", s);
            // The plugin host's scoping: OP1's plugin is called for OP1's number.
            let report = host.eligibility(&tenant, &assign(&s));
            prop_assert_eq!(report.runs.len(), 1, "plugin scoping, spelling {:?}", s);
            // The server's lookups: unassigning by this spelling finds the number.
            let (status, stored) = rt.block_on(async {
                let server = crate::server::Server::new();
                let admin = server.token("admin", Some(crate::server::TENANT), None);
                let uri = format!(
                    "/v1/tenants/{}/assignments/{}",
                    crate::server::TENANT,
                    encode(&s)
                );
                let (status, _) = server.call("DELETE", &uri, Some(&admin), "").await;
                let stored = server
                    .state
                    .store()
                    .tenant(crate::server::TENANT)
                    .unwrap()
                    .unwrap();
                (status, stored)
            });
            prop_assert_eq!(status, StatusCode::OK, "server, spelling {:?}", s);
            let held: Vec<&Value> = stored["tenant"]["numbers"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|n| n["telephone_number"] == HELD)
                .collect();
            prop_assert_eq!(held.len(), 1);
            prop_assert_eq!(&held[0]["assignment_status"], "Unassigned");
            Ok(())
        })
        .unwrap();
}
