//! Differential testing, in the manner of Cedar's: random well-formed requests
//! against random tenants, decided by the native core and by the component.
//! Every decision (or input error) must be identical, field for field.

use ocpolicy_rules::{json, types as core};
use ocpolicy_runtime::types as wt;
use proptest::prelude::*;
use serde_json::{Value, json};

fn pick<T: Clone + std::fmt::Debug + 'static>(items: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(items)
}

const COUNTRIES: &[&str] = &["US", "GB", "DE", "CA", "us"];
const NUMBERS: &[&str] = &[
    "+14255550101",
    "+14255550102",
    "14255550103",
    "+14165550199",
    "+442071234567",
    "+4930123456",
    "+1555555555",
    "+9991234567",
    "tel:+14255550101",
    "+1 425",
    "+14255551000;ext=12",
    "+18005550100",
];
const IDENTITIES: &[&str] = &[
    "alice@contoso.com",
    "bob@contoso.com",
    "cq1@contoso.com",
    "ALICE@contoso.com",
    "nobody@contoso.com",
];
const NUMBER_TYPES: &[&str] = &["DirectRouting", "CallingPlan", "OperatorConnect"];
const CAPS: &[&str] = &[
    "UserAssignment",
    "VoiceApplicationAssignment",
    "ConferenceAssignment",
    "TeamsPhoneMobile",
];
const STATUS: &[&str] = &[
    "Unassigned",
    "UserAssigned",
    "ConferenceAssigned",
    "VoiceApplicationAssigned",
];
const STATES: &[&str] = &["Activated", "AssignmentPending", "UpdateFailed"];
const LICENCES: &[&str] = &[
    "MCOEV",
    "MCOPSTN1",
    "PHONESYSTEM_VIRTUALUSER",
    "ENTERPRISEPREMIUM",
    "MCOMEETADV",
];
const MODES: &[&str] = &["TeamsOnly", "Islands", "SfbOnly"];
const OPERATORS: &[&str] = &["OP1", "OP2", "op1"];
const LOCATIONS: &[&str] = &["L1", "L2", "L9"];
const TIMES: &[&str] = &[
    "2025-10-01T00:00:00Z",
    "2025-10-12T00:00:00Z",
    "2026-01-01T12:00:00+02:00",
];

fn account() -> impl Strategy<Value = Value> {
    (pick(IDENTITIES), any::<bool>(), proptest::option::of(pick(COUNTRIES)), proptest::collection::vec(pick(LICENCES), 0..3), pick(MODES), proptest::option::of(any::<bool>()), any::<bool>())
        .prop_map(|(id, ra, usage, lic, mode, ev, onprem)| {
            json!({"identity": id, "kind": if ra {"ResourceAccount"} else {"User"}, "usage_location": usage,
                   "licenses": lic, "teams_mode": mode, "enterprise_voice_enabled": ev,
                   "on_prem_line_uri": if onprem {Some("tel:+14255550101")} else {None}})
        })
}

fn number() -> impl Strategy<Value = Value> {
    (pick(NUMBERS), pick(NUMBER_TYPES), pick(STATES), proptest::collection::vec(pick(CAPS), 0..3), pick(STATUS),
     proptest::option::of(pick(IDENTITIES)), pick(COUNTRIES), proptest::option::of(pick(LOCATIONS)), any::<bool>(),
     proptest::option::of(pick(OPERATORS)), 0..3u8)
        .prop_map(|(n, t, st, caps, status, target, cc, loc, lus, op, block)| {
            let block = match block { 0 => json!("NotBlocked"), 1 => json!("BlockedForever"), _ => json!({"BlockedUntil": "2025-10-11T21:30:00Z"}) };
            json!({"telephone_number": n, "number_type": t, "activation_state": st, "capabilities": caps,
                   "assignment_status": status, "assigned_target": target, "iso_country_code": cc, "location_id": loc,
                   "location_update_supported": lus, "operator_id": op, "number_source": "Online", "block": block})
        })
}

fn operator() -> impl Strategy<Value = Value> {
    (pick(&["OP1", "OP2"]), proptest::collection::vec(pick(COUNTRIES), 0..3), any::<bool>(), any::<bool>(), any::<bool>())
        .prop_map(|(id, countries, suspended, size, notice)| {
            json!({"operator_id": id, "name": id, "products": ["Calling"], "enabled_countries": countries,
                   "status": if suspended {"Suspended"} else {"Active"},
                   "contact": {"full_name": "Dana", "email": "d@contoso.com", "company_size": if size {Some("100")} else {None}},
                   "data_transfer_notice_accepted": notice})
        })
}

/// A tenant; keys are made unique so the tenant is well-formed.
fn tenant() -> impl Strategy<Value = Value> {
    (proptest::collection::vec(account(), 0..4), proptest::collection::vec(number(), 0..6), proptest::collection::vec(operator(), 0..3), any::<bool>())
        .prop_map(|(accounts, numbers, operators, leak)| {
            let uniq = |items: Vec<Value>, key: &str, fold: fn(&str) -> String| {
                let mut seen = std::collections::HashSet::new();
                items.into_iter().filter(|v| seen.insert(fold(v[key].as_str().unwrap_or("")))).collect::<Vec<_>>()
            };
            let digits = |s: &str| s.trim_start_matches("tel:").trim_start_matches('+').to_string();
            let numbers: Vec<Value> = uniq(numbers, "telephone_number", digits)
                .into_iter()
                .filter(|n| { let s = n["telephone_number"].as_str().unwrap_or(""); !s.contains(' ') && !s.starts_with("tel:") })
                .collect();
            json!({"tenant_id": "t", "accounts": uniq(accounts, "identity", |s| s.to_lowercase()), "numbers": numbers,
                   "operators": uniq(operators, "operator_id", |s| s.to_lowercase()),
                   "civic_addresses": [{"id": "A1", "company_name": "Contoso", "country_or_region": "US", "validation_status": "Validated"}],
                   "locations": [{"location_id": "L1", "civic_address_id": "A1"}, {"location_id": "L2", "civic_address_id": "A1"}],
                   "voice_routes": [{"identity": "r1", "number_pattern": ".*", "online_pstn_usages": ["u1"], "online_pstn_gateways": ["sbc1"]}],
                   "voice_routing_policies": [{"identity": "Global", "online_pstn_usages": if leak {vec!["u1"]} else {vec![]}}]})
        })
}

fn request() -> impl Strategy<Value = Value> {
    prop_oneof![
        (pick(IDENTITIES), pick(&["User", "ResourceAccount", "ConferenceBridge"]), pick(NUMBERS), pick(NUMBER_TYPES),
         proptest::option::of(pick(LOCATIONS)), proptest::option::of(pick(&["Primary", "Alternate", "Private"])), proptest::option::of(pick(TIMES)))
            .prop_map(|(t, k, n, ty, loc, cat, now)| json!({"AssignNumber": {"target": t, "target_kind": k, "telephone_number": n,
                "number_type": ty, "location_id": loc, "assignment_category": cat, "now": now}})),
        (pick(OPERATORS), proptest::collection::vec((pick(NUMBERS), pick(&["CallingUserAssignment", "FirstPartyAppAssignment", "ConferenceAssignment"]),
            proptest::option::of(pick(COUNTRIES)), proptest::option::of(pick(LOCATIONS)), any::<bool>()), 0..4))
            .prop_map(|(op, nums)| json!({"UploadNumbers": {"operator_id": op, "numbers": nums.into_iter().map(|(n, u, c, l, lus)|
                json!({"telephone_number": n, "usage": u, "iso_country_code": c, "location_id": l, "location_update_supported": lus})).collect::<Vec<_>>()}})),
        (pick(OPERATORS), proptest::option::of(pick(COUNTRIES))).prop_map(|(op, c)| json!({"RemoveOperator": {"operator_id": op, "country": c}})),
        pick(NUMBERS).prop_map(|n| json!({"ReleaseNumber": {"telephone_number": n}})),
        (pick(NUMBERS), pick(OPERATORS)).prop_map(|(n, op)| json!({"MigrateToOperatorConnect": {"telephone_number": n, "operator_id": op}})),
        (pick(NUMBERS), any::<bool>(), proptest::option::of(-5..400i32), proptest::option::of(pick(TIMES)))
            .prop_map(|(n, f, d, now)| json!({"SetAssignmentBlock": {"telephone_number": n, "blocked_forever": f, "blocked_days": d, "now": now}})),
        (pick(NUMBERS), proptest::option::of(pick(&["L1", "L2", "null"]))).prop_map(|(n, l)| json!({"UpdateNumberLocation": {"telephone_number": n, "location_id": l}})),
        (pick(IDENTITIES), proptest::option::of(pick(NUMBER_TYPES))).prop_map(|(id, t)| json!({"ReviewAccount": {"identity": id, "intended_number_type": t}})),
    ]
}

thread_local! {
    static INSTANCE: std::cell::RefCell<Option<ocpolicy_runtime::RulesInstance>> = const { std::cell::RefCell::new(None) };
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn native_and_component_decide_identically(tenant in tenant(), request in request()) {
        let doc = serde_json::to_vec(&json!({"tenant": tenant, "request": request})).unwrap_or_default();
        let native = json::from_slice::<core::EligibilityCheck>(&doc);
        let component = json::from_slice::<wt::EligibilityCheck>(&doc);
        // Both decoders are the same code over twin types: they accept and refuse alike.
        prop_assert_eq!(native.as_ref().err(), component.as_ref().err());
        let (Ok(native), Ok(component)) = (native, component) else { return Ok(()) };
        let native = ocpolicy_rules::eligibility::evaluate(native);
        // One warm instance for every case, as a server worker keeps one.
        let component = INSTANCE.with(|cell| {
            let mut slot = cell.borrow_mut();
            if slot.is_none() {
                *slot = Some(crate::rules().instance().map_err(|e| TestCaseError::fail(format!("{e:#}")))?);
            }
            match slot.as_mut() {
                Some(instance) => instance.evaluate(&component).map_err(|e| TestCaseError::fail(format!("{e:#}"))),
                None => Err(TestCaseError::fail("no instance")),
            }
        })?;
        let native = serde_json::to_value(native.map_err(|e| (e.path, e.message))).unwrap_or_default();
        let component = serde_json::to_value(component.map_err(|e| (e.path, e.message))).unwrap_or_default();
        prop_assert_eq!(native, component);
    }
}

// ------------------------------------------------------------------ emergency

const CC: &[&str] = &["US", "CA", "GB", "IT", "JP", "AU", "DE", "USA", "us", ""];
const BSSIDS: &[&str] = &[
    "F0-6E-0B-C2-04-1A",
    "F0-6E-0B-C2-04-1*",
    "F0-6E-0B-C2-04-*",
    "f0-6e-0b-c2-04-1b",
    "F0:6E:0B:C2:04:1A",
    "F0-6E-0B-*-04-11",
    "0A-0B-0C-0D-0E-01",
    "zz",
];
const CHASSIS: &[&str] = &[
    "B8-BE-BF-4A-A3-00",
    "b8-be-bf-4a-a3-00",
    "B8:BE:BF:4A:A3:00",
    "core-sw-1",
];
const PORTS: &[&str] = &["12", "Gi1/0/7", "00-11-22-33-44-55"];
const SUBNETS: &[&str] = &[
    "10.10.10.128",
    "10.10.10.150",
    "10.10.0.0",
    "2001:db8::",
    "10.10.10.300",
    "fe80::1",
];
const IPS: &[&str] = &[
    "203.0.113.9",
    "198.51.100.7",
    "10.10.10.150",
    "2001:db8::5",
    "not-an-ip",
    "10.10.3.4",
];
const LOCS: &[&str] = &["L1", "LocA", "LocB", "Ghost"];
const ORIGINS: &[&str] = &[
    "OsUnconfirmed",
    "OsConfirmed",
    "OsEditedAutosuggest",
    "OsManuallyEdited",
    "AutosuggestConfirmed",
    "ManuallyEntered",
];
const CLIENTS: &[&str] = &[
    "Windows",
    "Mac",
    "Web",
    "TeamsPhone",
    "TeamsRoom",
    "CommonAreaPhone",
    "Android",
];

fn civic() -> impl Strategy<Value = Value> {
    (pick(CC), proptest::option::of(-100.0..100.0f64), proptest::option::of(-200.0..200.0f64), any::<[bool; 6]>(),
     pick(&["Validated", "NotValidated"]), proptest::option::of(pick(&["2020-01-01T00:00:00Z", "2026-06-01T00:00:00Z", "yesterday"])))
        .prop_map(|(cc, lat, lon, has, status, created)| {
            let opt = |b: bool, v: &str| if b { Some(v.to_string()) } else { None };
            json!({"id": "A1", "company_name": if has[0] {"Contoso"} else {""}, "country_or_region": cc,
                   "state_or_province": opt(has[1], "WA"), "city": opt(has[2], "Redmond"), "postal_code": opt(has[3], "98052"),
                   "house_number": opt(has[4], "1"), "street_name": "Microsoft Way", "street_suffix": opt(has[5], "Way"),
                   "latitude": lat, "longitude": lon, "validation_status": status, "created_at": created, "multi_floor": has[2]})
        })
}

/// A configuration with random LIS entries, trusted IPs and one ECP.
fn emergency_config() -> impl Strategy<Value = Value> {
    (civic(), proptest::collection::vec((pick(BSSIDS), pick(LOCS)), 0..4), proptest::collection::vec((pick(CHASSIS), pick(PORTS), pick(LOCS)), 0..3),
     proptest::collection::vec((pick(CHASSIS), pick(LOCS)), 0..3), proptest::collection::vec((pick(SUBNETS), proptest::option::of(0..130u8), pick(LOCS)), 0..3),
     proptest::collection::vec((pick(IPS), proptest::option::of(0..140u8)), 0..3), proptest::option::of(0..12usize), pick(NUMBER_TYPES))
        .prop_map(|(addr, waps, ports, switches, subnets, trusted, group, ty)| {
            json!({
                "tenant": {"tenant_id": "t",
                    "accounts": [{"identity": "alice@contoso.com", "kind": "User", "usage_location": "US", "licenses": ["MCOEV"],
                                  "teams_mode": "TeamsOnly", "enterprise_voice_enabled": true}],
                    "numbers": [{"telephone_number": "+14255550101", "number_type": ty, "activation_state": "Activated",
                                 "capabilities": ["UserAssignment"], "assignment_status": "UserAssigned", "assigned_target": "alice@contoso.com",
                                 "iso_country_code": "US", "location_update_supported": true, "location_id": "L1"}],
                    "operators": [], "voice_routes": [], "voice_routing_policies": [],
                    "civic_addresses": [addr],
                    "locations": [{"location_id": "L1", "civic_address_id": "A1"}, {"location_id": "LocA", "civic_address_id": "A1", "place": "Floor 3"},
                                  {"location_id": "LocB", "civic_address_id": "A1"}]},
                "lis": {"waps": waps.into_iter().map(|(b, l)| json!({"bssid": b, "location_id": l})).collect::<Vec<_>>(),
                        "ports": ports.into_iter().map(|(c, p, l)| json!({"chassis_id": c, "port_id": p, "location_id": l})).collect::<Vec<_>>(),
                        "switches": switches.into_iter().map(|(c, l)| json!({"chassis_id": c, "location_id": l})).collect::<Vec<_>>(),
                        "subnets": subnets.into_iter().map(|(s, p, l)| json!({"subnet": s, "prefix_length": p, "location_id": l})).collect::<Vec<_>>()},
                "trusted_ips": trusted.into_iter().map(|(ip, m)| json!({"ip_address": ip, "mask_bits": m})).collect::<Vec<_>>(),
                "emergency_calling_policies": [{"identity": "Global", "notification_mode": "NotificationOnly",
                    "notification_group": group.map(|n| (0..n).map(|i| format!("s{i}@contoso.com")).collect::<Vec<_>>().join(";"))}],
            })
        })
}

fn context() -> impl Strategy<Value = Value> {
    (proptest::option::of(pick(IPS)), proptest::option::of(pick(IPS)), proptest::option::of(0..140u8), proptest::option::of(pick(BSSIDS)),
     proptest::option::of(pick(CHASSIS)), proptest::option::of(pick(PORTS)), proptest::option::of(pick(CLIENTS)),
     proptest::option::of((pick(ORIGINS), civic())), proptest::option::of(pick(NUMBER_TYPES)))
        .prop_map(|(ext, int, prefix, bssid, chassis, port, client, ua, conn)| {
            json!({"user": "alice@contoso.com", "external_ip": ext, "internal_ip": int, "prefix_length": prefix, "bssid": bssid,
                   "chassis_id": chassis, "port_id": port, "client_type": client, "connectivity": conn,
                   "user_addresses": ua.map(|(o, a)| vec![json!({"origin": o, "address": a})])})
        })
}

fn emergency_request() -> impl Strategy<Value = Value> {
    prop_oneof![
        (civic(), proptest::option::of(pick(NUMBER_TYPES))).prop_map(|(a, c)| json!({"WriteCivicAddress": {"address": a, "connectivity": c}})),
        pick(&["A1", "A9"]).prop_map(|a| json!({"RemoveCivicAddress": a})),
        pick(LOCS).prop_map(|l| json!({"RemoveLocation": l})),
        (pick(LOCS), any::<bool>()).prop_map(|(l, user)| json!({"AssignLocation": {"location_id": l,
            "target": if user {json!({"User": "alice@contoso.com"})} else {json!({"PhoneNumber": "+14255550101"})}}})),
        (pick(BSSIDS), pick(LOCS)).prop_map(|(b, l)| json!({"SetLisEntry": {"entry": {"Wap": {"bssid": b, "location_id": l}}, "now": "2026-11-22T00:00:00Z"}})),
        (pick(SUBNETS), pick(LOCS)).prop_map(|(s, l)| json!({"SetLisEntry": {"entry": {"Subnet": {"subnet": s, "location_id": l}}, "now": "2026-11-22T00:00:00Z"}})),
        (pick(CHASSIS), pick(PORTS), pick(LOCS)).prop_map(|(c, p, l)| json!({"SetLisEntry": {"entry": {"Port": {"chassis_id": c, "port_id": p, "location_id": l}}}})),
        (pick(IPS), proptest::option::of(0..140u8)).prop_map(|(ip, m)| json!({"SetTrustedIp": {"ip_address": ip, "mask_bits": m}})),
        Just(json!({"ReviewUser": "alice@contoso.com"})),
    ]
}

/// Run one call on the shared warm instance.
fn with_instance<T>(
    f: impl FnOnce(&mut ocpolicy_runtime::RulesInstance) -> ocpolicy_runtime::Result<T>,
) -> Result<T, TestCaseError> {
    INSTANCE.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(
                crate::rules()
                    .instance()
                    .map_err(|e| TestCaseError::fail(format!("{e:#}")))?,
            );
        }
        match slot.as_mut() {
            Some(instance) => f(instance).map_err(|e| TestCaseError::fail(format!("{e:#}"))),
            None => Err(TestCaseError::fail("no instance")),
        }
    })
}

fn reversed(mut cfg: Value) -> Value {
    for list in ["waps", "ports", "switches", "subnets"] {
        if let Some(a) = cfg["lis"][list].as_array_mut() {
            a.reverse();
        }
    }
    if let Some(a) = cfg["trusted_ips"].as_array_mut() {
        a.reverse();
    }
    cfg
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn native_and_component_check_addresses_identically(address in civic(), conn in proptest::option::of(pick(NUMBER_TYPES))) {
        let doc = serde_json::to_vec(&json!({"address": address, "connectivity": conn})).unwrap_or_default();
        let (Ok(n), Ok(c)) = (json::from_slice::<core::AddressCheck>(&doc), json::from_slice::<wt::AddressCheck>(&doc)) else {
            return Err(TestCaseError::fail("the generator made an undecodable address"));
        };
        let native = serde_json::to_value(ocpolicy_rules::emergency::check_address(&n)).unwrap_or_default();
        let component = serde_json::to_value(with_instance(|i| i.check_address(&c))?).unwrap_or_default();
        prop_assert_eq!(native, component);
    }

    /// Resolution: native and component agree, and the answer does not depend
    /// on the order the configuration lists its entries in (an identifier
    /// mapped twice is refused, in either order).
    #[test]
    fn native_and_component_resolve_identically_in_any_order(config in emergency_config(), context in context()) {
        let doc = serde_json::to_vec(&json!({"config": config, "context": context})).unwrap_or_default();
        let rev = serde_json::to_vec(&json!({"config": reversed(config), "context": context})).unwrap_or_default();
        let native = |d: &[u8]| -> Result<Value, TestCaseError> {
            let n = json::from_slice::<core::ResolveCheck>(d).map_err(|e| TestCaseError::fail(e.to_string()))?;
            Ok(serde_json::to_value(ocpolicy_rules::emergency::resolve(n).map_err(|e| e.message)).unwrap_or_default())
        };
        let c = json::from_slice::<wt::ResolveCheck>(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let component = with_instance(|i| i.emergency_resolve(&c))?;
        let component = serde_json::to_value(component.map_err(|e| e.message)).unwrap_or_default();
        let forward = native(&doc)?;
        prop_assert_eq!(&forward, &component);
        let backward = native(&rev)?;
        // A refusal names the entry at fault, whose index moves with the order;
        // the outcome (refused or the same resolution) must not.
        if forward.get("Ok").is_some() || backward.get("Ok").is_some() {
            prop_assert_eq!(strip_entries(forward), strip_entries(backward));
        }
    }

    #[test]
    fn native_and_component_decide_emergency_changes_identically(config in emergency_config(), request in emergency_request()) {
        let doc = serde_json::to_vec(&json!({"config": config, "request": request})).unwrap_or_default();
        let (Ok(n), Ok(c)) = (json::from_slice::<core::EmergencyCheck>(&doc), json::from_slice::<wt::EmergencyCheck>(&doc)) else {
            return Err(TestCaseError::fail("the generator made an undecodable request"));
        };
        let native = serde_json::to_value(ocpolicy_rules::emergency::evaluate(n).map_err(|e| (e.path, e.message))).unwrap_or_default();
        let component = with_instance(|i| i.emergency_evaluate(&c))?;
        let component = serde_json::to_value(component.map_err(|e| (e.path, e.message))).unwrap_or_default();
        prop_assert_eq!(native, component);
    }
}

/// The trace's `entry` paths, violation paths and messages carry list indexes
/// (`trusted_ips[0]`), which change when the lists are reversed; everything
/// else must not.
fn strip_entries(mut v: Value) -> Value {
    fn unindex(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        let mut rest = s;
        while let Some(open) = rest.find('[') {
            out.push_str(&rest[..=open]);
            rest = &rest[open + 1..];
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            if digits > 0 && rest[digits..].starts_with(']') {
                rest = &rest[digits..];
            }
        }
        out.push_str(rest);
        out
    }
    fn walk(v: &mut Value) {
        match v {
            Value::String(s) => *s = unindex(s),
            Value::Object(m) => {
                for key in ["entry", "path"] {
                    if let Some(x) = m.get_mut(key) {
                        *x = Value::Null;
                    }
                }
                m.values_mut().for_each(walk);
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    walk(&mut v);
    v
}

// ------------------------------------------------------------------ conferencing

const PATTERNS: &[&str] = &[
    r"^\+1(425|206)(\d{7})$",
    r"^\+1(\d{10})$",
    r"\d+",
    r"^\+44\d+$",
    r"^\+49\d+$",
    r"[0-9]{10}",
    r".*",
    r"^\+1(?!900)\d{10}$",
    r"^(\d)\1$",
    r"(",
];
const USAGES: &[&str] = &["US and Canada", "International", "OCC", "Missing"];
const DIALED: &[&str] = &[
    "+14255550100",
    "+12065550100",
    "+13245678989",
    "+14165550199",
    "+442071234567",
    "+4930123456",
    "+20223456789",
    "0100",
    "50100",
    "5550100",
    "4255550100",
    "0",
    "911",
    "+1 425 555 0100",
    "abc",
];
const RULE_PATTERNS: &[&str] = &[
    r"^(\d{4})$",
    r"^5(\d{4})$",
    r"^(\d{7})$",
    r"^0$",
    r"^([2-9]\d\d[2-9]\d{6})$",
    r"(?<=1)\d",
    r"^(\d{5})$",
];
const TRANSLATIONS: &[&str] = &[
    "+1425555$1",
    "+1425$1",
    "+14255550100",
    "1$1",
    "$1",
    "$2x",
    "$$",
];
const DIAL_OUT: &[&str] = &[
    "tag:DialoutCPCandPSTNInternational",
    "tag:DialoutCPCDomesticPSTNInternational",
    "tag:DialoutCPCDisabledPSTNInternational",
    "tag:DialoutCPCZoneAPSTNDomestic",
    "DialoutCPCandPSTNDomestic",
];
const LICENCE_SETS: &[&[&str]] = &[
    &["MCOMEETADV"],
    &["MCOMEETACPEA"],
    &[],
    &["SPE_E5"],
    &["ENTERPRISEPREMIUM_NOPSTNCONF"],
];

fn conf_route() -> impl Strategy<Value = Value> {
    (pick(PATTERNS), 0..6u32, proptest::collection::vec(pick(USAGES), 0..3), any::<bool>(), any::<bool>(),
     proptest::option::of(pick(&["+4930123456", "+14255550000", "+4930999999"])))
        .prop_map(|(p, prio, usages, gw, default_pattern, bspn)| {
            json!({"number_pattern": if default_pattern {None} else {Some(p)}, "priority": prio, "online_pstn_usages": usages,
                   "online_pstn_gateways": if gw {vec!["sbc1", "sbc2"]} else {vec![]}, "bridge_source_phone_number": bspn})
        })
}

fn conf_config() -> impl Strategy<Value = Value> {
    (proptest::collection::vec(conf_route(), 0..6), proptest::collection::vec(pick(USAGES), 0..4),
     proptest::collection::vec((pick(RULE_PATTERNS), pick(TRANSLATIONS)), 0..4), pick(LICENCE_SETS), any::<bool>(),
     proptest::option::of(pick(DIAL_OUT)), any::<bool>(), pick(&["US", "GB", "DE", "CA"]), any::<bool>())
        .prop_map(|(routes, policy_usages, rules, lic, occ, dial_out, credits, usage_location, with_plan)| {
            let routes: Vec<Value> = routes.into_iter().enumerate().map(|(i, mut r)| { r["identity"] = json!(format!("R{i}")); r }).collect();
            json!({
                "tenant_id": "t", "org_country": "US", "communications_credits": credits,
                "operators": [{"operator_id": "OPDE", "name": "F", "products": ["Conferencing"], "enabled_countries": ["DE"],
                               "status": "Active", "contact": {"full_name": "D", "email": "d@c.com"}, "data_transfer_notice_accepted": true}],
                "bridge": {"numbers": [
                    {"number": "+14255550000", "toll_type": "Toll", "source": "Microsoft"},
                    {"number": "+18005551234", "toll_type": "TollFree", "source": "Microsoft"},
                    {"number": "+4930123456", "toll_type": "Toll", "source": "OperatorConnect", "operator_id": "OPDE"}],
                    "default_service_number": "+14255550000"},
                "organizers": [{"identity": "alice@contoso.com", "licenses": lic, "occ_license": occ, "usage_location": usage_location,
                                "dial_out_policy": dial_out, "dial_plan": if with_plan {Some("Plan")} else {None}}],
                "pstn_usages": ["US and Canada", "International", "OCC"],
                "voice_routes": routes,
                "audio_conferencing_routing_policies": [{"identity": "Global", "online_pstn_usages": policy_usages}],
                "dial_plans": [{"identity": "Plan", "normalization_rules": rules.into_iter().enumerate()
                    .map(|(i, (p, t))| json!({"name": format!("n{i}"), "pattern": p, "translation": t})).collect::<Vec<_>>()}],
            })
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// Native and component route identically; routing is deterministic (a
    /// second call and a fresh snapshot give the same decision); the trace
    /// always ends in exactly one outcome step.
    #[test]
    fn native_and_component_route_identically(config in conf_config(), dialed in pick(DIALED)) {
        let doc = serde_json::to_vec(&json!({"config": config, "dial_out": {"organizer": "alice@contoso.com", "dialed": dialed}})).unwrap_or_default();
        let n = json::from_slice::<core::RouteCheck>(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let c = json::from_slice::<wt::RouteCheck>(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let snapshot = ocpolicy_rules::conferencing::ConferencingSnapshot::new(n.config.clone());
        let native = snapshot.as_ref().map_err(Clone::clone).and_then(|s| s.route(&n.dial_out));
        let again = snapshot.as_ref().map_err(Clone::clone).and_then(|s| s.route(&n.dial_out));
        let fresh = ocpolicy_rules::conferencing::route(n);
        let as_json = |r: &Result<core::RouteDecision, core::InputError>| serde_json::to_value(r.as_ref().map_err(|e| e.message.clone())).unwrap_or_default();
        prop_assert_eq!(as_json(&native), as_json(&again));
        prop_assert_eq!(
            as_json(&native).get("Ok").cloned(),
            as_json(&fresh).get("Ok").cloned()
        );
        if let Ok(d) = &native {
            let outcomes = d.trace.iter().filter(|s| s.step == core::RouteStep::Outcome).count();
            prop_assert_eq!(outcomes, 1);
            prop_assert_eq!(d.trace.last().map(|s| s.step), Some(core::RouteStep::Outcome));
        }
        let component = with_instance(|i| i.conferencing_route(&c))?;
        let component = serde_json::to_value(component.map_err(|e| e.message)).unwrap_or_default();
        prop_assert_eq!(as_json(&fresh), component);
    }

    /// Normalization is deterministic and the same natively and in the component.
    #[test]
    fn normalization_is_deterministic(rules in proptest::collection::vec((pick(RULE_PATTERNS), pick(TRANSLATIONS)), 0..5),
                                      dialed in pick(DIALED), usage in pick(&["US", "GB", "DE", "XX"])) {
        let plans = json!([{"identity": "Global", "normalization_rules": rules.into_iter().enumerate()
            .map(|(i, (p, t))| json!({"name": format!("n{i}"), "pattern": p, "translation": t})).collect::<Vec<_>>()}]);
        let doc = serde_json::to_vec(&json!({"dial_plans": plans, "usage_location": usage, "dialed": dialed})).unwrap_or_default();
        let n = json::from_slice::<core::NormalizeCheck>(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let c = json::from_slice::<wt::NormalizeCheck>(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let first = serde_json::to_value(ocpolicy_rules::conferencing::normalize(&n).map_err(|e| e.message)).unwrap_or_default();
        let second = serde_json::to_value(ocpolicy_rules::conferencing::normalize(&n).map_err(|e| e.message)).unwrap_or_default();
        prop_assert_eq!(&first, &second);
        let component = with_instance(|i| i.normalize(&c))?;
        prop_assert_eq!(first, serde_json::to_value(component.map_err(|e| e.message)).unwrap_or_default());
    }

    #[test]
    fn native_and_component_lint_identically(config in conf_config()) {
        let doc = serde_json::to_vec(&config).unwrap_or_default();
        let n = json::from_slice::<core::ConferencingConfig>(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let c = json::from_slice::<wt::ConferencingConfig>(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        let native = serde_json::to_value(ocpolicy_rules::conferencing::lint(n).map_err(|e| (e.path, e.message))).unwrap_or_default();
        let component = with_instance(|i| i.conferencing_lint(&c))?;
        prop_assert_eq!(native, serde_json::to_value(component.map_err(|e| (e.path, e.message))).unwrap_or_default());
    }
}
