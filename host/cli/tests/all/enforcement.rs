//! The enforcement point's regression tests (issue 15): each finding of the
//! attack on `ocpolicy serve` that the router can show without a socket.

use axum::body::Body;
use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::server::{Server, TENANT, rt};

fn codes(d: &Value) -> Vec<String> {
    d["violations"]
        .as_array()
        .map(|vs| {
            vs.iter()
                .filter_map(|v| v["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn held(snapshot: &Value, number: &str) -> Vec<Value> {
    snapshot["tenant"]["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["telephone_number"] == number)
        .cloned()
        .collect()
}

fn upload(number: &str, location_update_supported: bool) -> Vec<u8> {
    serde_json::to_vec(&json!({"UploadNumbers": {"operator_id": "OP1", "numbers": [
        {"telephone_number": number, "usage": "CallingUserAssignment", "iso_country_code": "US",
         "location_update_supported": location_update_supported}]}}))
    .unwrap()
}

/// Finding 2: a provisioning system retries an upload after a timeout. The
/// retry is answered 200, says it changed nothing, and stores nothing twice,
/// so every later write to the tenant is still decided.
#[test]
fn a_retried_upload_changes_nothing_and_the_tenant_stays_writable() {
    rt().block_on(async {
        let s = Server::new();
        let op1 = s.token("operator", None, Some("OP1"));
        let admin = s.token("admin", Some(TENANT), None);
        let numbers = format!("/v1/tenants/{TENANT}/numbers");
        let snapshot = format!("/v1/tenants/{TENANT}/snapshot");
        let (st, d) = s
            .json("POST", &numbers, Some(&op1), upload("+14255550199", true))
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        assert!(codes(&d).is_empty(), "{d}");
        for _ in 0..2 {
            let (st, d) = s
                .json("POST", &numbers, Some(&op1), upload("+14255550199", true))
                .await;
            assert_eq!(st, StatusCode::OK, "{d}");
            assert_eq!(codes(&d), vec!["ELIG-UPLOAD-UNCHANGED"], "{d}");
        }
        let (_, snap) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        assert_eq!(held(&snap, "+14255550199").len(), 1, "stored once");
        // The same number sent differently is refused with its own code, and
        // nothing is stored.
        let (st, d) = s
            .json("POST", &numbers, Some(&op1), upload("+14255550199", false))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert!(codes(&d).contains(&"ELIG-UPLOAD-HELD".to_string()), "{d}");
        // Every rule-checked write still works: assign, release, upload.
        let assign = serde_json::to_vec(&json!({"AssignNumber": {"target": "alice@contoso.com",
            "target_kind": "User", "telephone_number": "+14255550199", "number_type": "OperatorConnect"}}))
        .unwrap();
        let (st, d) = s
            .json(
                "POST",
                &format!("/v1/tenants/{TENANT}/assignments"),
                Some(&admin),
                assign,
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let (st, d) = s
            .json(
                "DELETE",
                &format!("{numbers}/+14255550101"),
                Some(&op1),
                Body::empty(),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        // A retry of a number assigned meanwhile leaves the assignment as it is.
        let (st, d) = s
            .json("POST", &numbers, Some(&op1), upload("+14255550199", true))
            .await;
        assert_eq!((st, codes(&d)), (StatusCode::OK, vec!["ELIG-UPLOAD-UNCHANGED".to_string()]), "{d}");
        let (_, snap) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        let n = held(&snap, "+14255550199");
        assert_eq!((n.len(), &n[0]["assigned_target"]), (1, &json!("alice@contoso.com")));
    });
}

/// Finding 2, the rest: a tenant stored broken before this check (two
/// records for one number) is reported as what it is, 409 with the field,
/// not as a bad request; no write can make one.
#[test]
fn a_stored_tenant_that_cannot_be_decided_is_409_naming_the_field() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        let mut doc = crate::server::demo_doc();
        let twin = doc["tenant"]["numbers"][0].clone();
        doc["tenant"]["numbers"].as_array_mut().unwrap().push(twin);
        s.state.store().reset(TENANT, &doc).unwrap();
        let assign = serde_json::to_vec(&json!({"AssignNumber": {"target": "alice@contoso.com",
            "target_kind": "User", "telephone_number": "+14255550101", "number_type": "OperatorConnect"}}))
        .unwrap();
        let (st, e) = s
            .json(
                "POST",
                &format!("/v1/tenants/{TENANT}/assignments"),
                Some(&admin),
                assign,
            )
            .await;
        assert_eq!(st, StatusCode::CONFLICT, "{e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains("TENANT-UNDECIDABLE"), "{e}");
        assert!(e["error"]["path"].as_str().unwrap().starts_with("tenant.numbers["), "{e}");
    });
}

/// Finding 3: the client does not pick the clock of an enforced write.
#[test]
fn the_server_clock_decides_an_assignment() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        let uri = format!("/v1/tenants/{TENANT}/assignments");
        // +14255550160 is blocked until 2030.
        let mut request = json!({"AssignNumber": {"target": "alice@contoso.com", "target_kind": "User",
            "telephone_number": "+14255550160", "number_type": "CallingPlan"}});
        request["AssignNumber"]["now"] = json!("2031-01-01T00:00:00Z");
        let (st, e) = s
            .json("POST", &uri, Some(&admin), serde_json::to_vec(&request).unwrap())
            .await;
        assert_eq!((st, e["error"]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("AssignNumber.now")), "{e}");
        // Without it, the server's clock says the block holds.
        request["AssignNumber"].as_object_mut().unwrap().remove("now");
        let (st, d) = s
            .json("POST", &uri, Some(&admin), serde_json::to_vec(&request).unwrap())
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert!(codes(&d).contains(&"ELIG-ASSIGNMENT-BLOCKED".to_string()), "{d}");
        // The stateless decision API keeps `now` as a what-if input.
        let (_, snap) = s
            .json("GET", &format!("/v1/tenants/{TENANT}/snapshot"), Some(&admin), Body::empty())
            .await;
        request["AssignNumber"]["now"] = json!("2031-01-01T00:00:00Z");
        let check = json!({"tenant": snap["tenant"], "request": request});
        let (st, v) = s
            .json("POST", "/v1/decide/eligibility", None, serde_json::to_vec(&check).unwrap())
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert!(!codes(&v["ok"]).contains(&"ELIG-ASSIGNMENT-BLOCKED".to_string()), "{v}");
    });
}

/// Finding 4: unassign goes through the rules. The bridge's default number
/// cannot leave the bridge; another bridge number can, and leaves it.
#[test]
fn unassign_goes_through_the_rules() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        let snapshot = format!("/v1/tenants/{TENANT}/snapshot");
        let unassign = |n: &str| format!("/v1/tenants/{TENANT}/assignments/{n}");
        let (st, d) = s
            .json(
                "DELETE",
                &unassign("+14255550000"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert!(
            codes(&d).contains(&"CONF-DEFAULT-NOT-ON-BRIDGE".to_string()),
            "{d}"
        );
        let (_, snap) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        assert_eq!(
            held(&snap, "+14255550000")[0]["assignment_status"],
            "ConferenceAssigned"
        );
        assert_eq!(
            snap["conferencing"]["bridge"]["default_service_number"],
            "+14255550000"
        );
        // A user's number: unassigned, the holder cleared.
        let (st, d) = s
            .json(
                "DELETE",
                &unassign("+14255550102"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let (_, snap) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        let n = &held(&snap, "+14255550102")[0];
        assert_eq!(
            (&n["assignment_status"], &n["assigned_target"]),
            (&json!("Unassigned"), &Value::Null)
        );
        // Not assigned: 404, naming the number.
        let (st, e) = s
            .json(
                "DELETE",
                &unassign("+14255550102"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        assert_eq!(
            (st, e["error"]["path"].as_str()),
            (StatusCode::NOT_FOUND, Some("number")),
            "{e}"
        );
    });
}

/// A number's emergency location (`Set-CsPhoneNumberAssignment -PhoneNumber
/// -LocationId`): the tenant's admin changes it through the rules; a location
/// the operator manages is refused with the rule's code and left as it was;
/// an unknown location is bad input naming the field; nobody else may ask.
#[test]
fn a_numbers_location_is_changed_by_the_admin_through_the_rules() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        let other = s.token("admin", Some("fabrikam"), None);
        let op1 = s.token("operator", None, Some("OP1"));
        let auditor = s.token("auditor", Some(TENANT), None);
        let snapshot = format!("/v1/tenants/{TENANT}/snapshot");
        let at = |n: &str| format!("/v1/tenants/{TENANT}/numbers/{n}/location");
        let body = |l: Value| serde_json::to_vec(&json!({ "location_id": l })).unwrap();
        let (st, d) = s
            .json(
                "PUT",
                &at("+14255550150"),
                Some(&admin),
                body(json!("LocA")),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let (_, snap) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        assert_eq!(held(&snap, "+14255550150")[0]["location_id"], "LocA");
        // Cleared: a Direct Routing or Operator Connect number may have none.
        let (st, d) = s
            .json("PUT", &at("+14255550150"), Some(&admin), body(Value::Null))
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let (_, snap) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        assert_eq!(held(&snap, "+14255550150")[0]["location_id"], Value::Null);
        // A Calling Plan number's location cannot be removed.
        let (st, d) = s
            .json("PUT", &at("+14255550160"), Some(&admin), body(Value::Null))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert_eq!(codes(&d), vec!["ELIG-LOCATION-NULL"], "{d}");
        // LocationUpdateSupported = False: the operator manages it.
        let (st, d) = s
            .json("PUT", &at("+442071234500"), Some(&admin), body(json!("L1")))
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert_eq!(codes(&d), vec!["ELIG-LOCATION-UPDATE-LOCKED"], "{d}");
        let (_, snap) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        assert_eq!(held(&snap, "+442071234500")[0]["location_id"], "L2");
        // A location the tenant does not have, and a field it does not know.
        let (st, e) = s
            .json(
                "PUT",
                &at("+14255550150"),
                Some(&admin),
                body(json!("Nowhere")),
            )
            .await;
        assert_eq!(
            (st, e["error"]["path"].as_str()),
            (StatusCode::BAD_REQUEST, Some("request.location_id")),
            "{e}"
        );
        let (st, e) = s
            .json(
                "PUT",
                &at("+14255550150"),
                Some(&admin),
                br#"{"location":"L1"}"#.to_vec(),
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{e}");
        // Only the tenant's admin asks.
        for token in [&other, &op1, &auditor] {
            let (st, e) = s
                .json("PUT", &at("+14255550150"), Some(token), body(json!("L1")))
                .await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
        }
    });
}

/// The whole-tenant review is the CLI's audit of the stored tenant, at the
/// server's clock, for those who read the tenant whole.
#[test]
fn the_tenant_review_is_the_audit_of_the_stored_tenant() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        let auditor = s.token("auditor", Some(TENANT), None);
        let other = s.token("admin", Some("fabrikam"), None);
        let op1 = s.token("operator", None, Some("OP1"));
        let review = format!("/v1/tenants/{TENANT}/review");
        let (st, a) = s.json("GET", &review, Some(&admin), Body::empty()).await;
        assert_eq!(st, StatusCode::OK, "{a}");
        assert_eq!(a["tenant_id"], TENANT);
        assert_eq!(a["examined"]["assignments"], 5, "{a}");
        // The same findings as `ocpolicy audit` on the same document and clock.
        let (_, snap) = s
            .json(
                "GET",
                &format!("/v1/tenants/{TENANT}/snapshot"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        let doc: ocpolicy_rules::types::TenantDocument = serde_json::from_value(snap).unwrap();
        let now = a["decided_at"].as_str().unwrap();
        let cli = ocpolicy_audit::audit(&doc, now, ocpolicy_audit::EngineKind::Native).unwrap();
        assert_eq!(a, serde_json::to_value(&cli).unwrap());
        let (st, _) = s.json("GET", &review, Some(&auditor), Body::empty()).await;
        assert_eq!(st, StatusCode::OK);
        for token in [&other, &op1] {
            let (st, e) = s.json("GET", &review, Some(token), Body::empty()).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
        }
        let (st, _) = s.json("GET", &review, None, Body::empty()).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
    });
}

/// Finding 10: the auth scheme is case-insensitive.
#[test]
fn bearer_is_matched_in_any_case() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        for scheme in ["Bearer", "bearer", "BEARER"] {
            let (st, _) = s
                .raw(
                    "GET",
                    &format!("/v1/tenants/{TENANT}/snapshot"),
                    &[("authorization", &format!("{scheme} {admin}"))],
                    Body::empty(),
                )
                .await;
            assert_eq!(st, StatusCode::OK, "{scheme}");
        }
    });
}

/// Finding 11: audit pseudonyms tell users and numbers apart, name one the
/// same whatever its spelling, and never show the value.
#[test]
fn audit_pseudonyms_tell_users_apart() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        let uri = format!("/v1/tenants/{TENANT}/assignments");
        for (who, number) in [
            ("alice@contoso.com", "+14255550101"),
            ("chloe@contoso.com", "tel:+14255550101"),
            ("dave@contoso.com", "+14255550170"),
        ] {
            let body = serde_json::to_vec(
                &json!({"AssignNumber": {"target": who, "target_kind": "User",
                "telephone_number": number, "number_type": "OperatorConnect"}}),
            )
            .unwrap();
            s.json("POST", &uri, Some(&admin), body).await;
        }
        let (st, log) = s
            .json(
                "GET",
                &format!("/v1/tenants/{TENANT}/audit"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{log}");
        let text = log.to_string();
        for secret in ["alice", "chloe", "dave", "4255550101", "4255550170"] {
            assert!(
                !text.contains(secret),
                "`{secret}` in the audit log: {text}"
            );
        }
        let field = |r: &Value, f: &str| {
            r["request"]["AssignNumber"][f]
                .as_str()
                .unwrap()
                .to_string()
        };
        let records: Vec<&Value> = log
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["action"] == "assign")
            .collect();
        assert_eq!(records.len(), 3);
        let targets: std::collections::BTreeSet<String> =
            records.iter().map(|r| field(r, "target")).collect();
        assert_eq!(
            targets.len(),
            3,
            "three users, three pseudonyms: {targets:?}"
        );
        // Newest first: dave, chloe, alice. Both spellings of one number have one pseudonym.
        assert_eq!(
            field(records[1], "telephone_number"),
            field(records[2], "telephone_number")
        );
        assert_ne!(
            field(records[0], "telephone_number"),
            field(records[1], "telephone_number")
        );
        assert!(
            targets.iter().all(|t| t.starts_with('~') && t.len() == 17),
            "{targets:?}"
        );
    });
}

/// Finding 6: a store file deleted while the server runs
/// makes it not ready, and a write is 503 naming the store, never an
/// acknowledged write that is then lost.
#[test]
fn a_store_file_deleted_while_running_is_503_naming_the_store() {
    rt().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let s = Server::at(&path.display().to_string());
        let admin = s.token("admin", Some(TENANT), None);
        let (st, _) = s.call("GET", "/readyz", None, Body::empty()).await;
        assert_eq!(st, StatusCode::OK);
        let address = serde_json::to_vec(&json!({"id": "A9", "company_name": "Contoso", "country_or_region": "US",
            "state_or_province": "WA", "city": "Redmond", "postal_code": "98052", "house_number": "15",
            "street_name": "Microsoft Way", "validation_status": "Validated"}))
        .unwrap();
        let put = format!("/v1/tenants/{TENANT}/addresses");
        // Deleted while running: not ready, and the write is refused.
        for f in ["t.db", "t.db-wal", "t.db-shm"] {
            let _ = std::fs::remove_file(dir.path().join(f));
        }
        let (st, body) = s.call("GET", "/readyz", None, Body::empty()).await;
        assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{}", String::from_utf8_lossy(&body));
        let (st, e) = s.json("PUT", &put, Some(&admin), address.clone()).await;
        assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(&path.display().to_string()) && message.contains("deleted"), "{e}");
    });
}

/// What `ocpolicy serve --db db` prints before it listens (or before it
/// exits, if it does not); the server is then stopped.
fn serve_start_log(db: &std::path::Path) -> String {
    use std::io::BufRead;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ocpolicy"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = std::io::BufReader::new(child.stderr.take().unwrap());
    let (mut log, mut line) = (String::new(), String::new());
    while err.read_line(&mut line).unwrap() > 0 {
        log.push_str(&line);
        if line.contains("serving on http://") {
            break;
        }
        line.clear();
    }
    let _ = child.kill();
    let _ = child.wait();
    log
}

/// A file that this process cannot write, even as root: mode 0444, and where
/// that is not enough (root ignores modes) the immutable attribute, as a
/// read-only disk or a mistaken `chattr` leaves it. Undone on drop.
struct ReadOnlyFile(std::path::PathBuf);

impl ReadOnlyFile {
    fn make(path: &std::path::Path) -> Self {
        use std::os::unix::fs::PermissionsExt;
        // The guard first, so a failure below still undoes what was done.
        let guard = ReadOnlyFile(path.to_path_buf());
        let writable = || std::fs::OpenOptions::new().write(true).open(path).is_ok();
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o444)).unwrap();
        if writable() {
            let out = std::process::Command::new("chattr")
                .arg("+i")
                .arg(path)
                .output()
                .expect("chattr (e2fsprogs) makes a file read-only for root");
            assert!(
                out.status.success(),
                "chattr +i: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        assert!(!writable(), "{} is still writable", path.display());
        guard
    }
}

impl Drop for ReadOnlyFile {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::process::Command::new("chattr")
            .arg("-i")
            .arg(&self.0)
            .output();
        let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o644));
    }
}

/// Finding 6: a server started on a read-only store file is not ready, and a
/// write is 503 naming the file and why (it was "ready", and every write 500).
/// Reads are still served, and the refused write is not kept.
#[test]
fn a_read_only_store_file_is_not_ready_and_a_write_is_503_naming_it() {
    rt().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let location = path.display().to_string();
        let snapshot = format!("/v1/tenants/{TENANT}/snapshot");
        let (admin, before) = {
            let s = Server::at(&location);
            let admin = s.token("admin", Some(TENANT), None);
            let (st, before) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
            assert_eq!(st, StatusCode::OK, "{before}");
            (admin, before)
        };
        let read_only = ReadOnlyFile::make(&path);
        // `serve` says so at start, before any write is refused.
        let log = serve_start_log(std::path::Path::new(&location));
        assert!(
            log.contains("warning: the store cannot take writes") && log.contains("read-only"),
            "{log}"
        );
        let s = Server::existing(&location);
        let (st, body) = s.call("GET", "/readyz", None, Body::empty()).await;
        let body = String::from_utf8_lossy(&body).to_string();
        assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{body}");
        assert!(body.contains(&location) && body.contains("read-only"), "{body}");
        let (st, now) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        assert_eq!((st, &now), (StatusCode::OK, &before), "reads are served");
        let address = serde_json::to_vec(&json!({"id": "A9", "company_name": "Contoso", "country_or_region": "US",
            "state_or_province": "WA", "city": "Redmond", "postal_code": "98052", "house_number": "15",
            "street_name": "Microsoft Way", "validation_status": "Validated"}))
        .unwrap();
        let put = format!("/v1/tenants/{TENANT}/addresses");
        let (st, e) = s.json("PUT", &put, Some(&admin), address).await;
        assert_eq!(st, StatusCode::SERVICE_UNAVAILABLE, "{e}");
        let message = e["error"]["message"].as_str().unwrap();
        assert!(message.contains(&location) && message.contains("read-only"), "{e}");
        drop(s);
        drop(read_only);
        let s = Server::existing(&location);
        let (_, after) = s.json("GET", &snapshot, Some(&admin), Body::empty()).await;
        assert_eq!(after, before, "the refused write was not kept");
    });
}

/// Finding 6: `--db ""` is bad input (exit 2), not a throwaway database;
/// `serve` without `--demo` seeds nothing.
#[test]
fn an_empty_store_location_is_bad_input() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocpolicy"))
        .args(["serve", "--db", "", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("store location is empty"));
}

/// Finding 2: a tenant stored broken has a way back. The platform sees what
/// is wrong and what a repair would do, makes it, and the tenant takes
/// rule-checked writes again; nobody else may.
#[test]
fn the_platform_repairs_a_broken_tenant() {
    rt().block_on(async {
        let s = Server::new();
        let platform = s.token("platform", None, None);
        let admin = s.token("admin", Some(TENANT), None);
        let mut doc = crate::server::demo_doc();
        // The same number twice, the second spelled with `tel:` and assigned.
        let mut twin = doc["tenant"]["numbers"][0].clone();
        twin["telephone_number"] = json!("tel:+14255550101");
        twin["assignment_status"] = json!("UserAssigned");
        twin["assigned_target"] = json!("chloe@contoso.com");
        doc["tenant"]["numbers"].as_array_mut().unwrap().push(twin);
        s.state.store().reset(TENANT, &doc).unwrap();
        let uri = format!("/v1/tenants/{TENANT}/repair");
        assert_eq!(
            s.call("GET", &uri, Some(&admin), Body::empty()).await.0,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            s.call("POST", &uri, Some(&admin), Body::empty()).await.0,
            StatusCode::FORBIDDEN
        );
        let (st, plan) = s.json("GET", &uri, Some(&platform), Body::empty()).await;
        assert_eq!(st, StatusCode::OK, "{plan}");
        assert_eq!(plan["decidable"], false, "{plan}");
        assert!(
            plan["problem"]["path"]
                .as_str()
                .unwrap()
                .starts_with("tenant.numbers["),
            "{plan}"
        );
        assert_eq!(plan["repairs"].as_array().unwrap().len(), 1, "{plan}");
        assert_eq!(
            plan["repairs"][0]["removed"], "tenant.numbers[0]",
            "the unassigned copy goes: {plan}"
        );
        assert!(plan["after"].is_null(), "{plan}");
        // Looking changed nothing; repairing does, once.
        let (st, _) = s.json("POST", &uri, Some(&platform), Body::empty()).await;
        assert_eq!(st, StatusCode::OK);
        let (st, plan) = s.json("GET", &uri, Some(&platform), Body::empty()).await;
        assert_eq!(
            (st, &plan["decidable"]),
            (StatusCode::OK, &json!(true)),
            "{plan}"
        );
        let (_, snap) = s
            .json(
                "GET",
                &format!("/v1/tenants/{TENANT}/snapshot"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        let copies: Vec<&Value> = snap["tenant"]["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| {
                n["telephone_number"]
                    .as_str()
                    .unwrap()
                    .ends_with("14255550101")
            })
            .collect();
        assert_eq!(
            (copies.len(), &copies[0]["assigned_target"]),
            (1, &json!("chloe@contoso.com"))
        );
        let (st, d) = s
            .json(
                "DELETE",
                &format!("/v1/tenants/{TENANT}/assignments/+14255550101"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        // The repair is audited.
        let (_, log) = s
            .json(
                "GET",
                &format!("/v1/tenants/{TENANT}/audit"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        assert!(
            log.as_array()
                .unwrap()
                .iter()
                .any(|r| r["action"] == "repair" && r["principal"] == "platform"),
            "{log}"
        );
    });
}

/// Finding 1: every principal against every read endpoint and every class of
/// field. An operator reads its own numbers (without who holds them), the
/// tenant's consent to it, and the addresses in its countries; nothing else.
#[test]
fn each_principal_reads_only_what_the_teams_model_gives_it() {
    rt().block_on(async {
        let s = Server::new();
        let tokens: Vec<(&str, Option<String>)> = vec![
            ("admin", Some(s.token("admin", Some(TENANT), None))),
            (
                "other admin",
                Some(s.token("admin", Some("fabrikam"), None)),
            ),
            ("OP1", Some(s.token("operator", None, Some("OP1")))),
            ("OP2", Some(s.token("operator", None, Some("OP2")))),
            (
                "stranger operator",
                Some(s.token("operator", None, Some("OPZ"))),
            ),
            ("auditor", Some(s.token("auditor", Some(TENANT), None))),
            ("auditor of all", Some(s.token("auditor", None, None))),
            ("platform", Some(s.token("platform", None, None))),
            ("no token", None),
        ];
        // A class of field, and a string only that class carries in the demo.
        let classes: &[(&str, &str)] = &[
            ("users", "\"chloe@contoso.com\""),
            ("who holds a number", "\"bob@contoso.com\""),
            ("OP1's numbers", "\"+14255550150\""),
            ("OP2's numbers", "\"+442071234500\""),
            ("Direct Routing numbers", "\"+14255551225\""),
            ("Calling Plan numbers", "\"+14255550160\""),
            ("the LIS", "B8-BE-BF-4A-A3-00"),
            ("trusted IPs", "203.0.113.0"),
            ("voice routing", "\"Redmond 1\""),
            ("conferencing routing", "\"International\""),
            ("US addresses", "\"Microsoft Way\""),
            ("GB addresses", "\"Whitehall\""),
            ("consent to OP1", "\"Contoso Telecom\""),
            ("consent to OP2", "\"Fabrikam Voice\""),
        ];
        let all: Vec<&str> = classes.iter().map(|(c, _)| *c).collect();
        let op1 = ["OP1's numbers", "US addresses", "consent to OP1"];
        let op2 = ["OP2's numbers", "GB addresses", "consent to OP2"];
        // (endpoint, principal) -> the classes it reads; absent: refused.
        let reads = |endpoint: &str, who: &str| -> Option<Vec<&str>> {
            match (endpoint, who) {
                ("/snapshot", "admin" | "auditor" | "auditor of all") => Some(all.clone()),
                ("/snapshot", "OP1") => Some(op1.to_vec()),
                ("/snapshot", "OP2") => Some(op2.to_vec()),
                ("/audit", "admin" | "auditor" | "auditor of all") => Some(Vec::new()),
                // The platform sees whether a tenant can be decided, not its data.
                ("/repair", "platform") => Some(Vec::new()),
                _ => None,
            }
        };
        let mut checked = 0;
        for endpoint in ["/snapshot", "/audit", "/repair"] {
            for (who, token) in &tokens {
                let uri = format!("/v1/tenants/{TENANT}{endpoint}");
                let (st, body) = s.call("GET", &uri, token.as_deref(), Body::empty()).await;
                let text = String::from_utf8_lossy(&body);
                match reads(endpoint, who) {
                    None => {
                        let want = if token.is_none() {
                            StatusCode::UNAUTHORIZED
                        } else {
                            StatusCode::FORBIDDEN
                        };
                        assert_eq!(st, want, "{who} on {endpoint}: {text}");
                        for (class, marker) in classes {
                            assert!(
                                !text.contains(marker),
                                "{who} on {endpoint} (refused) reads {class}"
                            );
                        }
                    }
                    Some(visible) => {
                        assert_eq!(st, StatusCode::OK, "{who} on {endpoint}: {text}");
                        for (class, marker) in classes {
                            assert_eq!(
                                text.contains(marker),
                                visible.contains(class),
                                "{who} on {endpoint}: {class} visible = {}",
                                text.contains(marker)
                            );
                        }
                    }
                }
                checked += 1;
            }
        }
        assert_eq!(checked, 27);
    });
}

/// Finding 9: every 4xx and 5xx is the one JSON envelope, the framework's
/// own answers (unknown route, wrong method, body over the limit) included.
#[test]
fn every_error_is_the_one_json_envelope() {
    rt().block_on(async {
        let s = Server::new();
        let big = vec![b' '; ocpolicy_server::MAX_BODY + 1];
        let snapshot = format!("/v1/tenants/{TENANT}/snapshot");
        let cases: Vec<(&str, &str, Vec<u8>, StatusCode)> = vec![
            (
                "GET",
                "/no/such/endpoint",
                Vec::new(),
                StatusCode::NOT_FOUND,
            ),
            (
                "DELETE",
                "/v1/decide/eligibility",
                Vec::new(),
                StatusCode::METHOD_NOT_ALLOWED,
            ),
            (
                "POST",
                "/v1/decide/eligibility",
                big,
                StatusCode::PAYLOAD_TOO_LARGE,
            ),
            (
                "POST",
                "/v1/decide/eligibility",
                b"{".to_vec(),
                StatusCode::BAD_REQUEST,
            ),
            ("GET", &snapshot, Vec::new(), StatusCode::UNAUTHORIZED),
        ];
        for (method, uri, body, want) in cases {
            let (st, bytes) = s
                .raw(method, uri, &[("content-type", "application/json")], body)
                .await;
            assert_eq!(st, want, "{method} {uri}");
            let v: Value = serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                panic!(
                    "{method} {uri}: not JSON ({e}): {}",
                    String::from_utf8_lossy(&bytes)
                )
            });
            assert!(v["error"]["path"].is_string(), "{method} {uri}: {v}");
            assert!(
                !v["error"]["message"].as_str().unwrap().is_empty(),
                "{method} {uri}: {v}"
            );
        }
    });
}

/// Finding 5: 200 connections that never finish their headers, under a
/// 128-descriptor limit, do not keep a normal client out: each is closed
/// after the header timeout, and the connection cap leaves descriptors free.
#[test]
fn half_open_connections_cannot_lock_out_a_normal_client() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let script = format!(
        "ulimit -n 128 && exec {} serve --listen 127.0.0.1:0 --header-timeout 2 --db {}",
        env!("CARGO_BIN_EXE_ocpolicy"),
        db.display()
    );
    let mut child = std::process::Command::new("sh")
        .args(["-c", &script])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let (mut addr, mut line) = (String::new(), String::new());
    while err.read_line(&mut line).unwrap() > 0 {
        if let Some(rest) = line.split("serving on http://").nth(1) {
            addr = rest.trim().trim_end_matches('/').to_string();
            break;
        }
        line.clear();
    }
    assert!(!addr.is_empty(), "the server never said where it listens");
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    // 200 clients that start a request and never finish its headers.
    let mut idle = Vec::new();
    for _ in 0..200 {
        if let Ok(mut c) = std::net::TcpStream::connect(&addr) {
            let _ = c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n");
            idle.push(c);
        }
    }
    // A normal client gets its answer, within the header timeout and a margin.
    let started = std::time::Instant::now();
    let mut c = std::net::TcpStream::connect(&addr).unwrap();
    c.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .unwrap();
    c.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    let _ = c.read_to_string(&mut answer);
    let waited = started.elapsed();
    let _ = child.kill();
    let _ = child.wait();
    assert!(
        answer.starts_with("HTTP/1.1 200"),
        "after {waited:?}: {answer:?}"
    );
    assert!(
        waited < std::time::Duration::from_secs(20),
        "waited {waited:?}"
    );
}

/// Finding 8: the server sends exactly the console's files, compressed, with
/// a Content-Security-Policy, no framing and no sniffing; never the crate's
/// sources, tests, build script or node_modules.
#[test]
fn only_the_consoles_files_are_served_compressed_and_locked_down() {
    rt().block_on(async {
        let s = Server::with_web(&crate::root().join("web"));
        for path in [
            "/Cargo.toml",
            "/build.sh",
            "/src/lib.rs",
            "/tests/e2e.test.mjs",
            "/node_modules/.package-lock.json",
            "/package.json",
            "/pkg/../Cargo.toml",
        ] {
            let (st, _) = s.raw("GET", path, &[], Body::empty()).await;
            assert!(
                st == StatusCode::NOT_FOUND || st == StatusCode::BAD_REQUEST,
                "{path}: {st}"
            );
        }
        let (st, headers, _) = s
            .full("GET", "/app.js", &[("accept-encoding", "gzip")])
            .await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(
            headers.get("content-encoding").map(|v| v.to_str().unwrap()),
            Some("gzip")
        );
        for (name, want) in [
            ("x-content-type-options", "nosniff"),
            ("x-frame-options", "DENY"),
        ] {
            assert_eq!(
                headers.get(name).map(|v| v.to_str().unwrap()),
                Some(want),
                "{name}"
            );
        }
        let csp = headers
            .get("content-security-policy")
            .unwrap()
            .to_str()
            .unwrap();
        assert!(
            csp.contains("frame-ancestors 'none'") && csp.contains("default-src 'self'"),
            "{csp}"
        );
        // A built module goes out as the precompressed copy web/build.sh
        // writes beside it (a console folder made here, so this does not
        // depend on the build having run).
        let web = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(web.path().join("pkg/rules/wasm/all")).unwrap();
        std::fs::write(web.path().join("index.html"), "<html><head></head></html>").unwrap();
        std::fs::write(
            web.path().join("pkg/rules/wasm/all/ocpolicy_bg.wasm"),
            vec![0u8; 4096],
        )
        .unwrap();
        std::fs::write(
            web.path().join("pkg/rules/wasm/all/ocpolicy_bg.wasm.br"),
            b"brotli bytes",
        )
        .unwrap();
        std::fs::write(
            web.path().join("pkg/rules/wasm/all/ocpolicy_bg.wasm.gz"),
            b"gzip bytes",
        )
        .unwrap();
        let s = Server::with_web(web.path());
        for (accept, encoding, body) in [
            ("br, gzip", "br", &b"brotli bytes"[..]),
            ("gzip", "gzip", &b"gzip bytes"[..]),
        ] {
            let (st, headers, got) = s
                .full(
                    "GET",
                    "/pkg/rules/wasm/all/ocpolicy_bg.wasm",
                    &[("accept-encoding", accept)],
                )
                .await;
            assert_eq!(st, StatusCode::OK);
            assert_eq!(
                headers.get("content-encoding").map(|v| v.to_str().unwrap()),
                Some(encoding),
                "{accept}"
            );
            assert_eq!(got, body, "{accept}");
            assert_eq!(
                headers.get("content-type").map(|v| v.to_str().unwrap()),
                Some("application/wasm")
            );
        }
        let (st, _, got) = s
            .full("GET", "/pkg/rules/wasm/all/ocpolicy_bg.wasm", &[])
            .await;
        assert_eq!(
            (st, got.len()),
            (StatusCode::OK, 4096),
            "uncompressed for a client that asks for nothing"
        );
    });
}

/// Finding 8: `--demo` puts its admin token into the page only when the
/// server listens on loopback; beyond it, only when asked by the flag named
/// for the risk.
#[test]
fn the_demo_token_stays_off_pages_served_beyond_loopback() {
    use std::io::{BufRead, BufReader, Read, Write};
    for (extra, token_in_page) in [(None, false), (Some("--demo-token-beyond-loopback"), true)] {
        let dir = tempfile::tempdir().unwrap();
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ocpolicy"));
        cmd.args(["serve", "--demo", "--listen", "0.0.0.0:0", "--db"])
            .arg(dir.path().join("s.db"))
            .arg("--web-dir")
            .arg(crate::root().join("web"));
        if let Some(flag) = extra {
            cmd.arg(flag);
        }
        let mut child = cmd
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let _reap = crate::Reap(child.id());
        let mut err = BufReader::new(child.stderr.take().unwrap());
        let (mut port, mut log, mut line) = (String::new(), String::new(), String::new());
        while err.read_line(&mut line).unwrap() > 0 {
            log.push_str(&line);
            if let Some(rest) = line.split("serving on http://0.0.0.0:").nth(1) {
                port = rest.trim().trim_end_matches('/').to_string();
                break;
            }
            line.clear();
        }
        assert!(!port.is_empty(), "{log}");
        std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
        let mut c = std::net::TcpStream::connect(format!("127.0.0.1:{port}")).unwrap();
        c.write_all(b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .unwrap();
        let mut page = String::new();
        c.read_to_string(&mut page).unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert!(page.starts_with("HTTP/1.1 200"), "{page}");
        assert_eq!(
            page.contains("ocpolicy-token"),
            token_in_page,
            "{extra:?}: {page}"
        );
        if !token_in_page {
            assert!(log.contains("not a loopback address"), "{log}");
        }
    }
}

/// Finding 6: `serve` without `--demo` seeds nothing, and a store place that
/// cannot be made is bad input (exit 2), not an internal error.
#[test]
fn serve_seeds_nothing_without_demo_and_a_wrong_store_place_is_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("s.db");
    let log = serve_start_log(&db);
    assert!(log.contains("serving on"), "{log}");
    assert!(!log.contains("seeded"), "{log}");
    let store = ocpolicy_server::Store::connect(&db.display().to_string()).unwrap();
    assert!(
        store.tenant(TENANT).unwrap().is_none(),
        "a plain serve seeded the demo"
    );
    // A folder that cannot be made (a file is in the way).
    let blocker = dir.path().join("file");
    std::fs::write(&blocker, "").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_ocpolicy"))
        .args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(blocker.join("sub/s.db"))
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
