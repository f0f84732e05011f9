//! `ocpolicy import teams` and `ocpolicy audit` through the binary: the
//! fixtures written from Microsoft's documented examples
//! (`tests/import/teams-docs`, cited in its SOURCES.md), PowerShell's quirks,
//! a generated large export, the field reference, and the audit's outputs.

use serde_json::{Value, json};
use std::path::Path;

use crate::{ocpolicy_in, root};

fn docs() -> std::path::PathBuf {
    root().join("tests/import/teams-docs")
}

/// Import `dir` to `out` with `--json`: the exit code and the report.
fn import(dir: &Path, out: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec![
        "import",
        "teams",
        dir.to_str().unwrap(),
        "-o",
        out.to_str().unwrap(),
        "--json",
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let o = ocpolicy_in(&root(), &args);
    let code = o.status.code().unwrap();
    let report: Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "import --json printed no JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    });
    (code, report)
}

fn read(p: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(p).unwrap()).unwrap()
}

#[test]
fn the_documented_examples_import_into_one_joined_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.json");
    let (code, r) = import(&docs(), &out, &[]);
    assert_eq!(code, 0, "every documented record maps: {r:#}");
    let report = &r["report"];
    assert_eq!(report["skipped"], json!([]), "{report:#}");
    assert_eq!(
        report["unknown_fields"],
        json!([]),
        "every documented field is known: {report:#}"
    );
    let doc = read(&out);
    let t = &doc["tenant"];
    assert_eq!(t["tenant_id"], "bf19b7db-6960-41e5-a139-2aa373474354");
    // AssignedPstnTargetId is an ObjectId: joined to the UPN through Identity.
    let numbers = t["numbers"].as_array().unwrap();
    let by = |n: &str| {
        numbers
            .iter()
            .find(|x| x["telephone_number"] == n)
            .unwrap_or_else(|| panic!("{n} is not in {numbers:#?}"))
    };
    assert_eq!(
        by("+14025551234")["assigned_target"],
        "ken.myer@contoso.com"
    );
    assert_eq!(by("+14025551234")["number_type"], "CallingPlan");
    // Capability is a list; the Direct Routing example has an extension.
    assert_eq!(
        by("+12065551000;ext=524")["capabilities"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    // Microsoft's `+112345` has no IsoCountryCode: the calling code's country, said so.
    assert_eq!(by("+112345")["iso_country_code"], "US");
    assert!(
        report["issues"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["field"] == "IsoCountryCode" && i["index"] == 0),
        "{report:#}"
    );
    // The same numbers in the CSV and Graph are one number each, said so.
    assert_eq!(numbers.len(), 10);
    assert!(!report["merged"].as_array().unwrap().is_empty());
    // Every export read; the status file and the notes are named, not read.
    assert_eq!(
        report["not_read"],
        json!(["Get-CsExportAcquiredPhoneNumberStatus.json", "SOURCES.md"])
    );
    // The operator comes from the numbers; what no cmdlet exports is a lack.
    let ops = t["operators"].as_array().unwrap();
    assert_eq!(ops.len(), 1);
    assert_eq!(ops[0]["data_transfer_notice_accepted"], false);
    let lacks = report["lacks"].to_string();
    assert!(lacks.contains("data transfer notice"), "{lacks}");
    // The default location of an address is a location of the document.
    let locations = t["locations"].as_array().unwrap();
    for n in numbers {
        if let Some(l) = n["location_id"].as_str() {
            assert!(
                locations.iter().any(|x| x["location_id"] == l),
                "{} refers to {l}, which is no location",
                n["telephone_number"]
            );
        }
    }
    // The bridge, its default number with its `+`, and organizers.
    let conf = &doc["conferencing"];
    assert_eq!(conf["org_country"], "US");
    assert!(
        conf["bridge"]["default_service_number"]
            .as_str()
            .unwrap()
            .starts_with('+')
    );
    assert!(!conf["organizers"].as_array().unwrap().is_empty());
    // LIS, sites, policies.
    let e = &doc["emergency"];
    assert_eq!(e["lis"]["waps"].as_array().unwrap().len(), 3);
    assert_eq!(e["trusted_ips"].as_array().unwrap().len(), 3);
    assert_eq!(e["emergency_calling_policies"].as_array().unwrap().len(), 3);
}

/// Every field ocpolicy reads from a cmdlet is a documented field of it:
/// `tests/import/FIELDS.md` lists each cmdlet's documented output properties
/// with the reference page, and every name read must be in its section.
#[test]
fn every_field_ocpolicy_reads_is_documented_for_its_cmdlet() {
    let fields = std::fs::read_to_string(root().join("tests/import/FIELDS.md")).unwrap();
    let mut missing = Vec::new();
    let lower = fields.to_ascii_lowercase();
    // The sections, from one `## ` heading to the next.
    let starts: Vec<usize> = lower.match_indices("\n## ").map(|(i, _)| i).collect();
    let sections: Vec<&str> = starts
        .iter()
        .enumerate()
        .map(|(n, &i)| &lower[i..starts.get(n + 1).copied().unwrap_or(lower.len())])
        .collect();
    let word = |hay: &str, w: &str| {
        hay.match_indices(w).any(|(i, _)| {
            let before = hay[..i].chars().next_back();
            let after = hay[i + w.len()..].chars().next();
            let edge = |c: Option<char>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
            edge(before) && edge(after)
        })
    };
    for source in ocpolicy_import::SOURCES {
        let cmdlet = source.cmdlet();
        // Graph calls are named by their last segment in the reference.
        let key = cmdlet
            .rsplit('/')
            .next()
            .unwrap_or(cmdlet)
            .to_ascii_lowercase();
        let heading = |s: &&&str| s.lines().nth(1).is_some_and(|h| h.contains(&key));
        let Some(section) = sections
            .iter()
            .find(heading)
            .or_else(|| sections.iter().skip(1).find(|s| s.contains(&key)))
        else {
            missing.push(format!("no section of FIELDS.md names {cmdlet}"));
            continue;
        };
        for f in source.reads() {
            if !word(section, &f.to_ascii_lowercase()) {
                missing.push(format!("{cmdlet}: {f}"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "read but not documented in FIELDS.md:\n{}",
        missing.join("\n")
    );
}

/// A UTF-16LE file with a BOM (Windows PowerShell 5.1's `Out-File`).
fn utf16(text: &str) -> Vec<u8> {
    let mut b = vec![0xFF, 0xFE];
    b.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    b
}

#[test]
fn powershell_quirks_are_read_and_what_cannot_be_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    // A single object where a list is expected, in UTF-16LE with a BOM,
    // `/Date(…)/`, the policy as an object, and a field nobody documents.
    let user = json!({
        "Identity": "11111111-2222-3333-4444-555555555555",
        "UserPrincipalName": "ann@fabrikam.com",
        "AccountType": "User",
        "UsageLocation": "US",
        "TenantId": "fab-tenant",
        "TeamsUpgradeEffectiveMode": "TeamsOnly",
        "EnterpriseVoiceEnabled": true,
        "WhenCreated": "/Date(1700000000000)/",
        "AssignedPlan": [{"Capability": "MCOEV", "CapabilityStatus": "Enabled"}],
        "OnlineVoiceRoutingPolicy": {"Authority": "Tenant", "Name": "Tag:US"},
        "BrandNewField": 1,
    });
    std::fs::write(d.join("Get-CsOnlineUser.json"), utf16(&user.to_string())).unwrap();
    // Graph's users: a guest and a deleted account are left out by design (not
    // failures); a policy granted through a group is the account's policy.
    std::fs::write(
        d.join("graph-userConfigurations.json"),
        json!({"value": [
            {"id": "22222222-0000-0000-0000-000000000000", "userPrincipalName": "bob@fabrikam.com",
             "accountType": "user", "isEnterpriseVoiceEnabled": true, "featureTypes": ["PhoneSystem"],
             "effectivePolicyAssignments": [{"policyType": "TeamsEmergencyCallingPolicy",
                 "policyAssignment": {"displayName": "Tag:HQ", "assignmentType": "group"}}]},
            {"id": "33333333-0000-0000-0000-000000000000", "userPrincipalName": "guest@other.com",
             "accountType": "guest"}
        ]})
        .to_string(),
    )
    .unwrap();
    // UTF-8 with a BOM; enums as numbers; a block with a /Date(…)/ end; a
    // number whose Capability was cut at too small a -Depth; a record that is
    // not an object.
    let numbers = json!([
        {"TelephoneNumber": "+14255550101", "NumberType": 3, "ActivationState": 0,
         "Capability": ["UserAssignment"], "PstnAssignmentStatus": 1,
         "AssignedPstnTargetId": "11111111-2222-3333-4444-555555555555",
         "IsoCountryCode": "US", "LocationUpdateSupported": true,
         "OperatorId": "op-1", "BrandNewField": 2,
         "AssignmentBlockedState": "NotBlocked"},
        {"TelephoneNumber": "+14255550102", "NumberType": "DirectRouting", "ActivationState": "Activated",
         "Capability": "System.Object[]", "PstnAssignmentStatus": "Unassigned",
         "IsoCountryCode": "US", "LocationUpdateSupported": "True",
         "AssignmentBlockedState": "BlockedUntil", "AssignmentBlockedUntil": "/Date(1900000000000)/"},
        "@{TelephoneNumber=+14255550103; NumberType=CallingPlan}",
        {"TelephoneNumber": "+14255550104", "NumberType": "InternalCalling", "IsoCountryCode": "US"},
        // Windows PowerShell 5.1's {"value": [...], "Count": n} inside a record,
        // and a number held by a shared-calling policy (its target is no account).
        {"TelephoneNumber": "+14255550105", "NumberType": "CallingPlan", "ActivationState": "Activated",
         "Capability": {"value": ["UserAssignment", "SharedCalling"], "Count": 2},
         "PstnAssignmentStatus": "PolicyAssigned", "AssignedPstnTargetId": "99999999-0000-0000-0000-000000000000",
         "IsoCountryCode": "US", "LocationUpdateSupported": true}
    ]);
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend(numbers.to_string().as_bytes());
    std::fs::write(d.join("Get-CsPhoneNumberAssignment.json"), bytes).unwrap();
    // A dial plan whose rules were cut to their ToString().
    std::fs::write(
        d.join("Get-CsTenantDialPlan.json"),
        json!([{"Identity": "Tag:US", "NormalizationRules": ["Description=;Pattern=^(\\d{4})$;Translation=+1425555$1;Name=Ext"]}]).to_string(),
    )
    .unwrap();
    std::fs::write(d.join("Get-CsOnlineLisSubnet.json"), "[{\"Subnet\": ").unwrap();
    let out = d.join("tenant.json");
    let (code, r) = import(d, &out, &[]);
    assert_eq!(code, 2, "records were left out: {r:#}");
    let report = &r["report"];
    let skipped = report["skipped"].as_array().unwrap();
    let why = |file: &str, index: Option<u64>| {
        skipped
            .iter()
            .find(|s| s["file"] == file && s["index"].as_u64() == index)
            .map(|s| s["why"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("{file} {index:?} is not skipped: {skipped:#?}"))
    };
    assert!(why("Get-CsPhoneNumberAssignment.json", Some(2)).contains("-Depth 10"));
    assert!(why("Get-CsPhoneNumberAssignment.json", Some(3)).contains("InternalCalling"));
    assert!(why("Get-CsOnlineLisSubnet.json", None).contains("not valid JSON"));
    let issues = report["issues"].to_string();
    assert!(
        issues.contains("Capability") && issues.contains("-Depth 10"),
        "{issues}"
    );
    assert!(issues.contains("NormalizationRules"), "{issues}");
    // Unknown fields: each listed once per file, with its count.
    let unknown = report["unknown_fields"].as_array().unwrap();
    assert_eq!(
        unknown
            .iter()
            .filter(|u| u["field"] == "BrandNewField")
            .count(),
        2
    );
    // Numeric enums are read, and the report says how.
    assert!(
        report["inferred"]
            .to_string()
            .contains("NumberType, PstnAssignmentStatus, ActivationState")
            || report["inferred"].to_string().contains("given as numbers"),
        "{report:#}"
    );
    let doc = read(&out);
    let n = &doc["tenant"]["numbers"];
    assert_eq!(n[0]["number_type"], "OperatorConnect");
    assert_eq!(n[0]["assigned_target"], "ann@fabrikam.com");
    assert_eq!(
        n[1]["block"],
        json!({"BlockedUntil": "2030-03-17T17:46:40Z"})
    );
    assert_eq!(
        doc["tenant"]["accounts"][0]["online_voice_routing_policy"],
        "Tag:US"
    );
    // Records 2 and 3 were left out, so the wrapped one is the third.
    assert_eq!(n[2]["telephone_number"], "+14255550105");
    assert_eq!(
        n[2]["capabilities"],
        json!(["UserAssignment", "SharedCalling"])
    );
    assert!(
        !issues.contains("99999999"),
        "a policy's id is not an account: {issues}"
    );
    // Graph's account, with its group-granted policy; the guest is filtered.
    let accounts = doc["tenant"]["accounts"].as_array().unwrap();
    let bob = accounts
        .iter()
        .find(|a| a["identity"] == "bob@fabrikam.com")
        .unwrap();
    assert_eq!(bob["emergency_calling_policy"], "Tag:HQ");
    assert!(!accounts.iter().any(|a| a["identity"] == "guest@other.com"));
    let filtered = report["filtered"].to_string();
    assert!(filtered.contains("guest"), "{filtered}");
    assert!(!report["skipped"].to_string().contains("guest"));
}

#[test]
fn a_record_that_would_make_the_tenant_undecidable_is_left_out_and_named() {
    let dir = tempfile::tempdir().unwrap();
    let address = |city: &str| {
        json!({"CivicAddressId": "a1", "CompanyName": "Contoso", "CountryOrRegion": "US",
               "StateOrProvince": "WA", "City": city, "PostalCode": "98052", "HouseNumber": "1",
               "StreetName": "Microsoft", "StreetSuffix": "Way", "Latitude": "47.6",
               "Longitude": "-122.1", "ValidationStatus": "Validated"})
    };
    std::fs::write(
        dir.path().join("Get-CsOnlineLisCivicAddress.json"),
        json!([address("Redmond"), address("Bellevue")]).to_string(),
    )
    .unwrap();
    let out = dir.path().join("tenant.json");
    let (code, r) = import(dir.path(), &out, &["--tenant-id", "t1"]);
    assert_eq!(code, 2, "a record was left out: {r:#}");
    let skipped = r["report"]["skipped"].to_string();
    assert!(skipped.contains("civic_addresses[1]"), "{skipped}");
    let doc = read(&out);
    assert_eq!(
        doc["tenant"]["civic_addresses"].as_array().unwrap().len(),
        1
    );
    assert_eq!(doc["tenant"]["civic_addresses"][0]["city"], "Redmond");
}

#[test]
fn a_bridge_exported_with_its_documented_fields_only_gets_its_numbers_from_the_inventory() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let bridge = "207a6836-d031-4764-a9d8-c1193f455f21";
    std::fs::write(
        d.join("Get-CsOnlineDialInConferencingBridge.json"),
        json!({"Identity": bridge, "Name": "Conference Bridge", "DefaultServiceNumber": "14255551234"})
            .to_string(),
    )
    .unwrap();
    std::fs::write(
        d.join("Get-CsPhoneNumberAssignment.json"),
        json!([{"TelephoneNumber": "+14255551234", "NumberType": "CallingPlan", "ActivationState": "Activated",
                "Capability": ["ConferenceAssignment"], "PstnAssignmentStatus": "ConferenceAssigned",
                "AssignedPstnTargetId": bridge, "IsoCountryCode": "US", "LocationUpdateSupported": true}])
        .to_string(),
    )
    .unwrap();
    let out = d.join("tenant.json");
    let (code, r) = import(d, &out, &["--tenant-id", "t1"]);
    assert_eq!(code, 0, "{r:#}");
    let doc = read(&out);
    let b = &doc["conferencing"]["bridge"];
    assert_eq!(b["default_service_number"], "+14255551234");
    assert_eq!(b["numbers"].as_array().unwrap().len(), 1, "{b}");
    assert_eq!(b["numbers"][0]["number"], "+14255551234");
    assert_eq!(doc["tenant"]["numbers"][0]["assigned_target"], bridge);
    // No account has a usage location: the bridge's number gives the country.
    assert_eq!(doc["conferencing"]["org_country"], "US");
    assert!(
        r["report"]["inferred"]
            .to_string()
            .contains("ConferenceAssigned")
    );
}

#[test]
fn exports_that_cannot_make_a_tenant_write_nothing_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    // No TenantId anywhere, and no --tenant-id.
    std::fs::write(
        dir.path().join("Get-CsPhoneNumberAssignment.json"),
        json!([{"TelephoneNumber": "+14255550101", "NumberType": "DirectRouting", "IsoCountryCode": "US"}]).to_string(),
    )
    .unwrap();
    let out = dir.path().join("tenant.json");
    let (code, r) = import(dir.path(), &out, &[]);
    assert_eq!(code, 2);
    assert_eq!(r["written"], false);
    assert!(r["error"].as_str().unwrap().contains("--tenant-id"), "{r}");
    assert!(!out.exists());
    let (code, _) = import(dir.path(), &out, &["--tenant-id", "t1"]);
    assert_eq!(code, 0);
    assert_eq!(read(&out)["tenant"]["tenant_id"], "t1");
}

/// A generated export of `numbers` numbers and `users` users, in pages of
/// 1,000 as `scripts/export-teams-tenant.ps1` writes them.
pub(crate) fn generated(dir: &Path, numbers: usize, users: usize) {
    let upn = |i: usize| format!("user{i}@contoso.com");
    let oid = |i: usize| format!("00000000-0000-4000-8000-{i:012}");
    let us: Vec<Value> = (0..users)
        .map(|i| {
            json!({"Identity": oid(i), "UserPrincipalName": upn(i), "AccountType": "User",
                   "UsageLocation": "US", "TenantId": "big-tenant", "TeamsUpgradeEffectiveMode": "TeamsOnly",
                   "EnterpriseVoiceEnabled": true,
                   "AssignedPlan": [{"Capability": "MCOEV", "CapabilityStatus": "Enabled"},
                                    {"Capability": if i % 10 == 0 { "MCOPSTN1" } else { "TEAMS1" }, "CapabilityStatus": "Enabled"}]})
        })
        .collect();
    std::fs::write(
        dir.join("Get-CsOnlineUser.json"),
        serde_json::to_vec(&us).unwrap(),
    )
    .unwrap();
    std::fs::write(
        dir.join("Get-CsOnlineLisCivicAddress.json"),
        json!([{"CivicAddressId": "a1", "CompanyName": "Contoso", "CountryOrRegion": "US",
                "StateOrProvince": "WA", "City": "Redmond", "PostalCode": "98052", "HouseNumber": "1",
                "StreetName": "Microsoft", "StreetSuffix": "Way", "Latitude": "47.63952",
                "Longitude": "-122.13086", "ValidationStatus": "Validated", "DefaultLocationId": "l1"}])
        .to_string(),
    )
    .unwrap();
    for (page, start) in (0..numbers).step_by(1000).enumerate() {
        let list: Vec<Value> = (start..numbers.min(start + 1000))
            .map(|i| {
                let assigned = i < users;
                json!({"TelephoneNumber": format!("+1425{:07}", 1_000_000 + i), "NumberType": "DirectRouting",
                       "ActivationState": "Activated", "Capability": ["UserAssignment"],
                       "PstnAssignmentStatus": if assigned { "UserAssigned" } else { "Unassigned" },
                       "AssignedPstnTargetId": if assigned { Value::String(oid(i)) } else { Value::Null },
                       "AssignmentCategory": if assigned { "Primary" } else { "" },
                       "IsoCountryCode": "US", "LocationId": "l1", "LocationUpdateSupported": true,
                       "NumberSource": "Online"})
            })
            .collect();
        std::fs::write(
            dir.join(format!("Get-CsPhoneNumberAssignment.{}.json", page + 1)),
            serde_json::to_vec(&list).unwrap(),
        )
        .unwrap();
    }
}

#[test]
fn a_generated_large_export_imports_and_audits_whole() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("exports");
    std::fs::create_dir(&exports).unwrap();
    generated(&exports, 3_000, 1_500);
    let out = dir.path().join("tenant.json");
    let (code, r) = import(&exports, &out, &[]);
    assert_eq!(code, 0, "{r:#}");
    assert_eq!(r["report"]["counts"]["numbers"], 3000);
    assert_eq!(r["report"]["counts"]["assigned numbers"], 1500);
    assert_eq!(r["report"]["files"].as_array().unwrap().len(), 5);
    // The audit re-decides every assignment, on both engines alike.
    let mut answers = Vec::new();
    for engine in ["component", "native"] {
        let o = ocpolicy_in(
            &root(),
            &[
                "audit",
                out.to_str().unwrap(),
                "--json",
                "--now",
                "2026-01-01T00:00:00Z",
                "--engine",
                engine,
            ],
        );
        let a: Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(a["examined"]["assignments"], 1500, "{engine}");
        answers.push((o.status.code(), a["findings"].clone()));
    }
    assert_eq!(answers[0], answers[1], "the engines disagree");
}

#[test]
fn the_audit_finds_what_is_wrong_with_a_whole_tenant() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("tenant.json");
    assert_eq!(import(&docs(), &out, &[]).0, 0);
    let html = dir.path().join("report.html");
    let o = ocpolicy_in(
        &root(),
        &[
            "audit",
            out.to_str().unwrap(),
            "--json",
            "--html",
            html.to_str().unwrap(),
            "--now",
            "2026-12-01T00:00:00Z",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "errors found: exit 1");
    let a: Value = serde_json::from_slice(&o.stdout).unwrap();
    let codes: Vec<&str> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["code"].as_str().unwrap())
        .collect();
    // The operator's missing consent, on the assignment of its number.
    assert!(codes.contains(&"ELIG-OPERATOR-CONSENT"), "{codes:?}");
    // Every family is examined.
    for k in ["assignments", "civic addresses", "organizers' dial-outs"] {
        assert!(a["examined"][k].as_u64().unwrap() > 0, "{k}: {a:#}");
    }
    // Paths are from the document's root.
    for f in a["findings"].as_array().unwrap() {
        let p = f["path"].as_str().unwrap();
        assert!(
            ["tenant", "emergency", "conferencing"]
                .iter()
                .any(|r| p.starts_with(r)),
            "{p}"
        );
    }
    // The page has one row per finding, the charts, and no script.
    let page = std::fs::read_to_string(&html).unwrap();
    assert_eq!(
        page.matches("<tr class=").count(),
        a["findings"].as_array().unwrap().len()
    );
    assert!(page.contains("Findings per code") && page.contains("<svg"));
    assert!(!page.contains("<script"));
    // The operator's details given at import clear its consent finding.
    let ops = dir.path().join("operators.json");
    let id = read(&out)["tenant"]["operators"][0]["operator_id"].clone();
    std::fs::write(
        &ops,
        json!([{"operator_id": id, "name": "Contoso Telecom", "products": ["Calling"],
                "enabled_countries": ["US"], "status": "Active",
                "contact": {"full_name": "Ann Admin", "email": "ann@contoso.com", "company_size": "1000+", "phone": null},
                "data_transfer_notice_accepted": true}])
        .to_string(),
    )
    .unwrap();
    assert_eq!(
        import(&docs(), &out, &["--operators", ops.to_str().unwrap()]).0,
        0
    );
    let o = ocpolicy_in(&root(), &["audit", out.to_str().unwrap(), "--json"]);
    let a: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        !a["findings"].to_string().contains("ELIG-OPERATOR-CONSENT"),
        "{a:#}"
    );
    // The text report groups by severity and code with counts.
    let o = ocpolicy_in(&root(), &["audit", out.to_str().unwrap()]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert!(text.contains("ERROR:") && text.contains(" × "), "{text}");
    // A document that is not a tenant is bad input.
    std::fs::write(&out, "{\"tenant\": 1}").unwrap();
    let o = ocpolicy_in(&root(), &["audit", out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("tenant"));
}

/// A LIS entry whose LocationId is in no export is kept, and named: an
/// emergency call it matches would carry no location.
#[test]
fn a_lis_entry_with_an_unknown_location_is_kept_and_named() {
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(docs()).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), dir.path().join(e.file_name())).unwrap();
    }
    let port = dir.path().join("Get-CsOnlineLisPort.json");
    let text = std::fs::read_to_string(&port).unwrap();
    let text = text.replacen(
        "9905bca0-6fb0-11ec-84a4-25019013784a",
        "00000000-0000-0000-0000-00000000dead",
        1,
    );
    std::fs::write(&port, text).unwrap();
    let out = tempfile::tempdir().unwrap();
    let out = out.path().join("tenant.json");
    let (code, r) = import(dir.path(), &out, &[]);
    assert_eq!(code, 0, "the entry stays in the document: {r:#}");
    let issues: Vec<&Value> = r["report"]["issues"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["field"] == "LocationId")
        .collect();
    assert_eq!(issues.len(), 1, "{issues:#?}");
    assert_eq!(issues[0]["file"], "Get-CsOnlineLisPort.json");
    assert_eq!(issues[0]["index"], 0);
    let why = issues[0]["why"].as_str().unwrap();
    assert!(
        why.contains("00000000-0000-0000-0000-00000000dead")
            && why.contains("Get-CsOnlineLisLocation"),
        "{why}"
    );
    let ports = &read(&out)["emergency"]["lis"]["ports"];
    assert_eq!(ports.as_array().unwrap().len(), 2);
    // The documented examples name only locations they export.
    let clean = tempfile::tempdir().unwrap();
    let (_, r) = import(&docs(), &clean.path().join("t.json"), &[]);
    let issues = r["report"]["issues"].to_string();
    assert!(!issues.contains("\"LocationId\""), "{issues}");
}
