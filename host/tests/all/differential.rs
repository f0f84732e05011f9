//! Differential testing, in the manner of Cedar's: random well-formed requests
//! against random tenants, decided by the native core and by the component.
//! Every decision (or input error) must be identical, field for field.

use ocpolicy_host::types as wt;
use ocpolicy_rules::{json, types as core};
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
    static INSTANCE: std::cell::RefCell<Option<ocpolicy_host::RulesInstance>> = const { std::cell::RefCell::new(None) };
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
