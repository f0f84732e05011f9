//! A second, separate set of emergency cases, run through the `ocpolicy`
//! binary. They are written from the behaviour the domain reference documents
//! (§2.1–§2.8), on a tenant of their own (Fabrikam in Chicago and Toronto), not
//! generated with the conformance corpus, so that the CLI and the corpus check
//! the rules independently. Each case names the reference text it follows.

use std::path::Path;

use serde_json::{Value, json};

use crate::{codes_of as codes, ocpolicy_in as run};

fn put(dir: &Path, name: &str, v: &Value) -> String {
    std::fs::write(dir.join(name), serde_json::to_vec_pretty(v).unwrap()).unwrap();
    name.to_string()
}

/// Run `args` (with `--json`), expect `exit`, return the parsed output.
fn json_out(dir: &Path, args: &[&str], exit: i32, case: &str) -> Value {
    let out = run(dir, args);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(
        out.status.code(),
        Some(exit),
        "{case}: exit code\nstdout: {stdout}\nstderr: {stderr}"
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{case}: {e}: {stdout}"))
}

fn address(id: &str, country: &str) -> Value {
    json!({
        "id": id, "company_name": "Fabrikam", "country_or_region": country,
        "state_or_province": "IL", "city": "Chicago", "postal_code": "60601",
        "house_number": "200", "street_name": "Randolph", "street_suffix": "Street",
        "pre_directional": "E", "latitude": 41.8853, "longitude": -87.6216,
        "validation_status": "Validated"
    })
}

/// Fabrikam: bob (Operator Connect, Chicago), a common-area phone, a Toronto
/// office, and a LIS with one entry of each kind on distinct floors.
fn config() -> Value {
    let mut toronto = address("T1", "CA");
    for (k, v) in [
        ("state_or_province", json!("ON")),
        ("city", json!("Toronto")),
        ("postal_code", json!("M5J 2N8")),
        ("street_name", json!("Bay")),
        ("pre_directional", Value::Null),
        ("latitude", json!(43.6453)),
        ("longitude", json!(-79.3806)),
    ] {
        toronto[k] = v;
    }
    let number = |n: &str, who: &str, loc: &str| {
        json!({"telephone_number": n, "number_type": "OperatorConnect", "activation_state": "Activated",
            "capabilities": ["UserAssignment"], "assignment_status": "UserAssigned", "assigned_target": who,
            "iso_country_code": "US", "location_update_supported": true, "operator_id": "OPX", "location_id": loc})
    };
    let user = |id: &str| {
        json!({"identity": id, "kind": "User", "usage_location": "US", "licenses": ["MCOEV"],
            "teams_mode": "TeamsOnly", "enterprise_voice_enabled": true})
    };
    json!({
        "tenant": {
            "tenant_id": "fabrikam",
            "accounts": [user("bob@fabrikam.com"), user("lobby@fabrikam.com")],
            "numbers": [number("+13125550140", "bob@fabrikam.com", "Reception"),
                        number("+13125550141", "lobby@fabrikam.com", "Reception")],
            "operators": [], "voice_routes": [], "voice_routing_policies": [],
            "civic_addresses": [address("C1", "US"), toronto],
            "locations": [
                {"location_id": "Reception", "civic_address_id": "C1", "place": "Floor 1 reception"},
                {"location_id": "F7", "civic_address_id": "C1", "place": "Floor 7"},
                {"location_id": "F8", "civic_address_id": "C1", "place": "Floor 8"},
                {"location_id": "F9", "civic_address_id": "C1", "place": "Floor 9"},
                {"location_id": "F10", "civic_address_id": "C1", "place": "Floor 10"},
                {"location_id": "V6", "civic_address_id": "C1", "place": "IPv6 lab"},
                {"location_id": "TOR", "civic_address_id": "T1", "place": "Floor 20"}
            ]
        },
        "lis": {
            "waps": [{"bssid": "3C-28-6D-11-22-3*", "location_id": "F7"},
                     {"bssid": "3C-28-6D-99-00-*", "location_id": "F7"},
                     {"bssid": "70-B3-17-00-00-*", "location_id": "TOR"}],
            "ports": [{"chassis_id": "00-1B-54-AA-BB-CC", "port_id": "Gi1/0/7", "location_id": "F8"}],
            "switches": [{"chassis_id": "00-1B-54-AA-BB-CC", "location_id": "F9"}],
            "subnets": [{"subnet": "172.20.64.0", "prefix_length": 22, "location_id": "F10"},
                        {"subnet": "2001:db8:42::", "prefix_length": 48, "location_id": "V6"}]
        },
        "trusted_ips": [{"ip_address": "192.0.2.0", "mask_bits": 28}],
        "emergency_calling_policies": [{"identity": "Global", "notification_mode": "ConferenceMuted",
            "notification_group": "desk@fabrikam.com"}]
    })
}

struct Resolve {
    case: &'static str,
    context: Value,
    source: &'static str,
    location: Option<&'static str>,
    element: Option<&'static str>,
    routing: &'static str,
    codes: &'static [&'static str],
    /// 0: a location and nothing wrong; 1: an error-severity finding.
    exit: i32,
}

#[test]
fn resolution_through_the_cli_follows_the_documented_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let lis = put(d, "lis.json", &config());
    let bob = |extra: Value| {
        let mut v = json!({"user": "bob@fabrikam.com", "client_type": "Windows"});
        for (k, x) in extra.as_object().unwrap() {
            v[k] = x.clone();
        }
        v
    };
    let cases = [
        Resolve {
            case: "§2.2 match order: WAP, port and subnet all match, the WAP wins",
            context: bob(
                json!({"bssid": "3C-28-6D-11-22-3F", "chassis_id": "00-1B-54-AA-BB-CC",
                "port_id": "Gi1/0/7", "external_ip": "192.0.2.5", "internal_ip": "172.20.65.9", "prefix_length": 22}),
            ),
            source: "Dynamic",
            location: Some("F7"),
            element: Some("Wap"),
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 match order: switch+port before switch",
            context: bob(json!({"chassis_id": "00-1B-54-AA-BB-CC", "port_id": "Gi1/0/7"})),
            source: "Dynamic",
            location: Some("F8"),
            element: Some("SwitchPort"),
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 match order: an unlisted port falls back to its switch",
            context: bob(json!({"chassis_id": "00-1B-54-AA-BB-CC", "port_id": "Gi1/0/48"})),
            source: "Dynamic",
            location: Some("F9"),
            element: Some("Switch"),
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 WAP: a wildcard `*` in place of the last two characters covers the whole octet",
            context: bob(json!({"bssid": "3c-28-6d-99-00-a7"})),
            source: "Dynamic",
            location: Some("F7"),
            element: Some("Wap"),
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 WAP: a one-character wildcard covers only its last nibble",
            context: bob(json!({"bssid": "3C-28-6D-11-22-4F"})),
            source: "StaticAddress",
            location: Some("Reception"),
            element: None,
            routing: "Screened",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 subnet: a trusted external IP enables the subnet lookup (client in a /22)",
            context: bob(
                json!({"external_ip": "192.0.2.14", "internal_ip": "172.20.67.200", "prefix_length": 22}),
            ),
            source: "Dynamic",
            location: Some("F10"),
            element: Some("Subnet"),
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 subnet: IPv6 network IDs match too",
            context: bob(
                json!({"external_ip": "192.0.2.14", "internal_ip": "2001:db8:42:7::1", "prefix_length": 64}),
            ),
            source: "Dynamic",
            location: Some("V6"),
            element: Some("Subnet"),
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "M6: untrusted external IP, subnet skipped, static on the number, screened",
            context: bob(
                json!({"external_ip": "192.0.2.16", "internal_ip": "172.20.65.9", "prefix_length": 22}),
            ),
            source: "StaticAddress",
            location: Some("Reception"),
            element: None,
            routing: "Screened",
            codes: &["EMG-NO-TRUSTED-IP"],
            exit: 1,
        },
        Resolve {
            case: "§2.2 trusted IPs gate only the subnet: BSSID lookups happen regardless",
            context: bob(json!({"external_ip": "198.51.100.1", "bssid": "3C-28-6D-11-22-30"})),
            source: "Dynamic",
            location: Some("F7"),
            element: Some("Wap"),
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "M11b: a dynamic Canadian address is screened",
            context: bob(json!({"bssid": "70-B3-17-00-00-05"})),
            source: "Dynamic",
            location: Some("TOR"),
            element: Some("Wap"),
            routing: "Screened",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 routing table: static address on a common-area phone goes direct",
            context: json!({"user": "lobby@fabrikam.com", "client_type": "CommonAreaPhone"}),
            source: "StaticAddress",
            location: Some("Reception"),
            element: None,
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 precedence: a dynamic match beats a user-confirmed address",
            context: bob(json!({"bssid": "3C-28-6D-11-22-31",
                "user_addresses": [{"origin": "OsConfirmed", "address": address("U1", "US")}]})),
            source: "Dynamic",
            location: Some("F7"),
            element: Some("Wap"),
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 precedence and routing: an OS address without confirmation is used, screened",
            context: bob(
                json!({"user_addresses": [{"origin": "OsUnconfirmed", "address": address("U1", "US")}]}),
            ),
            source: "OsSuggested",
            location: None,
            element: None,
            routing: "Screened",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 routing table: an OS address edited through autosuggest goes direct",
            context: bob(
                json!({"user_addresses": [{"origin": "OsEditedAutosuggest", "address": address("U1", "US")}]}),
            ),
            source: "UserConfirmed",
            location: None,
            element: None,
            routing: "DirectToPsap",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "§2.2 routing table: a manually entered and confirmed address is screened",
            context: bob(
                json!({"user_addresses": [{"origin": "ManuallyEntered", "address": address("U1", "US")}]}),
            ),
            source: "UserEntered",
            location: None,
            element: None,
            routing: "Screened",
            codes: &[],
            exit: 0,
        },
        Resolve {
            case: "EMG-WEB-CLIENT: the web client gets no dynamic location",
            context: json!({"user": "bob@fabrikam.com", "client_type": "Web", "bssid": "3C-28-6D-11-22-3F"}),
            source: "StaticAddress",
            location: Some("Reception"),
            element: None,
            routing: "Screened",
            codes: &["EMG-WEB-CLIENT"],
            exit: 0,
        },
    ];
    for (i, c) in cases.iter().enumerate() {
        let ctx = put(d, &format!("ctx{i}.json"), &c.context);
        let r = json_out(
            d,
            &[
                "emergency",
                "resolve",
                "--json",
                "--lis",
                &lis,
                "--context",
                &ctx,
            ],
            c.exit,
            c.case,
        );
        assert_eq!(r["source"], c.source, "{}: {r}", c.case);
        assert_eq!(r["routing"], c.routing, "{}: {r}", c.case);
        assert_eq!(r["location_id"].as_str(), c.location, "{}: {r}", c.case);
        assert_eq!(r["matched_element"].as_str(), c.element, "{}: {r}", c.case);
        assert_eq!(codes(&r), c.codes, "{}: {r}", c.case);
        // The human report names the outcome too.
        let text = run(
            d,
            &["emergency", "resolve", "--lis", &lis, "--context", &ctx],
        );
        let text = String::from_utf8_lossy(&text.stdout);
        if let Some(l) = c.location {
            assert!(text.contains(&format!("`{l}`")), "{}: {text}", c.case);
        }
        assert!(
            text.contains(c.routing) && text.contains("trace:"),
            "{}: {text}",
            c.case
        );
    }
}

#[test]
fn address_checks_through_the_cli_follow_the_documented_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let with = |edits: Value, connectivity: Option<&str>| {
        let mut a = address("X", "US");
        for (k, v) in edits.as_object().unwrap() {
            a[k] = v.clone();
        }
        let mut check = json!({"address": a});
        if let Some(c) = connectivity {
            check["connectivity"] = json!(c);
        }
        check
    };
    let no_geo = json!({"latitude": null, "longitude": null});
    let cases: Vec<(&str, Value, i32, &[&str])> = vec![
        (
            "the Chicago address is complete",
            with(json!({}), Some("CallingPlan")),
            0,
            &[],
        ),
        (
            "§2.7 lat/long required in FR",
            with(
                json!({"country_or_region": "FR", "latitude": null, "longitude": null, "state_or_province": null}),
                None,
            ),
            1,
            &["EMG-LATLONG-REQUIRED"],
        ),
        (
            "§2.7 lat/long optional in AU",
            with(
                json!({"country_or_region": "AU", "latitude": null, "longitude": null, "state_or_province": "VIC"}),
                None,
            ),
            0,
            &[],
        ),
        (
            "§2.7 US without lat/long",
            with(no_geo, None),
            1,
            &["EMG-LATLONG-REQUIRED"],
        ),
        (
            "§2.7 latitude out of range",
            with(json!({"latitude": 95.0}), None),
            1,
            &["EMG-LATLONG-RANGE"],
        ),
        (
            "§2.7 country must be alpha-2",
            with(json!({"country_or_region": "GBR"}), None),
            1,
            &["EMG-CA-COUNTRY-ISO"],
        ),
        (
            "§2.7 company name required",
            with(json!({"company_name": ""}), None),
            1,
            &["EMG-CA-MANDATORY"],
        ),
        (
            "§2.7 Calling Plan: state required in the US",
            with(json!({"state_or_province": null}), Some("CallingPlan")),
            1,
            &["EMG-CP-STATE"],
        ),
        (
            "§2.7 Calling Plan: state not required in GB",
            with(
                json!({"country_or_region": "GB", "state_or_province": null, "city": "London", "postal_code": "EC1A 1BB", "latitude": 51.52, "longitude": -0.1}),
                Some("CallingPlan"),
            ),
            0,
            &[],
        ),
        (
            "§2.7 Calling Plan: tax id required in ES",
            with(
                json!({"country_or_region": "ES", "state_or_province": "Madrid", "city": "Madrid", "postal_code": "28013", "latitude": 40.42, "longitude": -3.70}),
                Some("CallingPlan"),
            ),
            1,
            &["EMG-CP-TAXID"],
        ),
        (
            "§2.7 Calling Plan: house number required",
            with(json!({"house_number": null}), Some("CallingPlan")),
            1,
            &["EMG-CP-FIELDS"],
        ),
        (
            "§2.7 Operator Connect: no Calling Plan field list",
            with(json!({"house_number": null}), Some("OperatorConnect")),
            0,
            &[],
        ),
        (
            "§2.7 Calling Plan in JP is not supported",
            with(
                json!({"country_or_region": "JP", "state_or_province": null, "city": "Tokyo", "postal_code": "100-0005", "latitude": 35.68, "longitude": 139.76}),
                Some("CallingPlan"),
            ),
            1,
            &["EMG-CP-JP"],
        ),
    ];
    for (i, (case, check, exit, want)) in cases.into_iter().enumerate() {
        let f = put(d, &format!("a{i}.json"), &check);
        let v = json_out(d, &["check", "address", "--json", &f], exit, case);
        assert_eq!(codes(&v), want.to_vec(), "{case}: {v}");
        assert_eq!(v["allowed"], json!(exit == 0), "{case}: {v}");
    }
}

#[test]
fn audits_numbers_and_pidf_lo_through_the_cli_follow_the_documented_behaviour() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // Audit: the Fabrikam configuration is clean; each edit breaks one rule.
    type Edit = fn(&mut Value);
    let cases: Vec<(&str, Edit, i32, &[&str])> = vec![
        ("the Fabrikam configuration", |_| {}, 0, &[]),
        (
            "M3: a LIS subnet with host bits",
            |c| c["lis"]["subnets"][0]["subnet"] = json!("172.20.65.0"),
            1,
            &["EMG-SUBNET-NETID"],
        ),
        (
            "§2.7 trusted IPv4 mask above 32",
            |c| c["trusted_ips"][0]["mask_bits"] = json!(33),
            1,
            &["EMG-TRUSTIP-MASK"],
        ),
        (
            "§2.7 BSSID with colons",
            |c| c["lis"]["waps"][0]["bssid"] = json!("3C:28:6D:11:22:33"),
            1,
            &["EMG-BSSID-FORMAT"],
        ),
        (
            "§2.7 chassis MAC with dots",
            |c| c["lis"]["switches"][0]["chassis_id"] = json!("00.1B.54.AA.BB.CD"),
            1,
            &["EMG-CHASSIS-FORMAT"],
        ),
        (
            "§2.4 Kari's Law: no notification group",
            |c| c["emergency_calling_policies"][0]["notification_group"] = Value::Null,
            1,
            &["EMG-KARI-NOTIFY"],
        ),
        (
            "§2.7 notification mode must be known",
            |c| c["emergency_calling_policies"][0]["notification_mode"] = json!("Shout"),
            1,
            &["EMG-ECP-MODE"],
        ),
    ];
    for (i, (case, edit, exit, want)) in cases.into_iter().enumerate() {
        let mut c = config();
        edit(&mut c);
        let f = put(d, &format!("cfg{i}.json"), &c);
        let v = json_out(d, &["emergency", "audit", "--json", &f], exit, case);
        let got = codes(&v);
        for w in want {
            assert!(
                got.contains(&w.to_string()),
                "{case}: wanted {w} in {got:?}"
            );
        }
        if want.is_empty() {
            assert!(got.is_empty(), "{case}: {got:?}");
        }
    }

    // §2.8 data: the emergency numbers, from Teams' table.
    let us = json_out(
        d,
        &["emergency", "numbers", "US", "--json"],
        0,
        "numbers US",
    );
    assert_eq!(us["numbers"], json!(["911"]));
    assert_eq!(us["test_numbers"], json!(["933"]));
    let gb = json_out(
        d,
        &["emergency", "numbers", "gb", "--json"],
        0,
        "numbers gb",
    );
    for n in ["999", "112"] {
        assert!(
            gb["numbers"].as_array().unwrap().contains(&json!(n)),
            "{gb}"
        );
    }
    let bad = run(d, &["emergency", "numbers", "ZZ"]);
    assert_eq!(bad.status.code(), Some(2), "unknown country exits 2");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("ZZ"));

    // §2.5: the rendered PIDF-LO carries the civic address in RFC 5139 order
    // and the point as "lat lon"; the validator accepts it.
    let input = json!({"entity": "pres:bob@fabrikam.com", "address": address("C1", "US"),
        "location": {"location_id": "F7", "civic_address_id": "C1", "place": "Floor 7"}, "floor": "7"});
    let f = put(d, "pidf-in.json", &input);
    let out = run(d, &["emergency", "pidf-lo", &f]);
    assert_eq!(out.status.code(), Some(0));
    let xml = String::from_utf8_lossy(&out.stdout).into_owned();
    let order = [
        "<ca:country>US<",
        "<ca:A1>IL<",
        "<ca:A3>Chicago<",
        "<ca:PRD>E<",
        "<ca:RD>Randolph<",
        "<ca:STS>Street<",
        "<ca:HNO>200<",
        "<ca:LOC>Floor 7<",
        "<ca:FLR>7<",
        "<ca:NAM>Fabrikam<",
        "<ca:PC>60601<",
    ];
    let pos: Vec<usize> = order
        .iter()
        .map(|e| {
            xml.find(e)
                .unwrap_or_else(|| panic!("{e} missing from {xml}"))
        })
        .collect();
    assert!(pos.windows(2).all(|w| w[0] < w[1]), "RFC 5139 order: {xml}");
    assert!(xml.contains("<gml:pos>41.8853 -87.6216</gml:pos>"), "{xml}");
    std::fs::write(d.join("doc.xml"), &xml).unwrap();
    let v = json_out(
        d,
        &["emergency", "validate-pidf-lo", "--json", "doc.xml"],
        0,
        "validate rendered",
    );
    assert_eq!(codes(&v), Vec::<String>::new());
    std::fs::write(d.join("bad.xml"), xml.replace(">US<", ">usa<")).unwrap();
    let v = json_out(
        d,
        &["emergency", "validate-pidf-lo", "--json", "bad.xml"],
        1,
        "M10b",
    );
    assert_eq!(codes(&v), vec!["EMG-PIDF-COUNTRY".to_string()]);
}
