//! Tenants on the server (issue 17): the tenants a token may see, a tenant
//! created or replaced by the platform from a document or an import folder,
//! an operator added by the tenant's admin, and tokens for a new tenant.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::server::{Server, TENANT, rt};

/// The documented-example exports imported to a document, with `id` as its tenant.
fn imported(id: &str) -> Value {
    let options = ocpolicy_import::Options {
        tenant_id: Some(id.into()),
        ..Default::default()
    };
    let i = ocpolicy_import::import_dir(
        &crate::root().join("tests/import/teams-docs"),
        &options,
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("{e}"));
    serde_json::to_value(&i.document).unwrap()
}

fn operator_form(complete: bool) -> Value {
    json!({
        "name": "Contoso Telecom",
        "products": ["Calling"],
        "enabled_countries": ["US"],
        "contact": {"full_name": if complete { Value::from("Ann Admin") } else { Value::Null },
                    "email": "ann@fabrikam.com", "company_size": "1000+", "phone": null},
        "data_transfer_notice_accepted": complete,
    })
}

#[test]
fn the_platform_onboards_a_tenant_and_its_admin_takes_over() {
    rt().block_on(async {
        let s = Server::new();
        let platform = s.token("platform", None, None);
        let other_admin = s.token("admin", Some(TENANT), None);
        let doc = imported("fabrikam");
        let body = serde_json::to_vec(&doc).unwrap();
        // Only the platform creates tenants.
        let (st, _) = s
            .json(
                "PUT",
                "/v1/tenants/fabrikam",
                Some(&other_admin),
                body.clone(),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, r) = s
            .json("PUT", "/v1/tenants/fabrikam", Some(&platform), body.clone())
            .await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
        assert_eq!(r["holds"]["numbers"], 10);
        let (st, r) = s
            .json("PUT", "/v1/tenants/fabrikam", Some(&platform), body.clone())
            .await;
        assert_eq!((st, r["created"].clone()), (StatusCode::OK, json!(false)));
        // The path and the document name one tenant.
        let (st, r) = s
            .json(
                "PUT",
                "/v1/tenants/northwind",
                Some(&platform),
                body.clone(),
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST);
        assert_eq!(r["error"]["path"], "tenant.tenant_id");
        // A document that does not decode names the field; one that does
        // not index is TENANT-UNDECIDABLE; neither is stored.
        let mut bad = doc.clone();
        bad["tenant"]["numbers"][0]["number_type"] = json!("Carrier");
        let (st, r) = s
            .json(
                "PUT",
                "/v1/tenants/fabrikam",
                Some(&platform),
                serde_json::to_vec(&bad).unwrap(),
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST);
        assert!(
            r["error"]["path"]
                .as_str()
                .unwrap()
                .starts_with("tenant.numbers[0]"),
            "{r}"
        );
        let mut twin = doc.clone();
        let first = twin["tenant"]["numbers"][0].clone();
        twin["tenant"]["numbers"]
            .as_array_mut()
            .unwrap()
            .push(first);
        let (st, r) = s
            .json(
                "PUT",
                "/v1/tenants/fabrikam",
                Some(&platform),
                serde_json::to_vec(&twin).unwrap(),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(r["violations"][0]["code"], "TENANT-UNDECIDABLE");
        // Tokens for the new tenant: the platform makes them; nobody else.
        let (st, _) = s
            .json(
                "POST",
                "/v1/tenants/fabrikam/tokens",
                Some(&other_admin),
                r#"{"role":"admin"}"#,
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        let (st, r) = s
            .json(
                "POST",
                "/v1/tenants/fabrikam/tokens",
                Some(&platform),
                r#"{"role":"operator"}"#,
            )
            .await;
        assert_eq!(
            (st, r["error"]["path"].clone()),
            (StatusCode::BAD_REQUEST, json!("role"))
        );
        let (st, r) = s
            .json(
                "POST",
                "/v1/tenants/nobody/tokens",
                Some(&platform),
                r#"{"role":"admin"}"#,
            )
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{r}");
        let (st, r) = s
            .json(
                "POST",
                "/v1/tenants/fabrikam/tokens",
                Some(&platform),
                r#"{"role":"admin"}"#,
            )
            .await;
        assert_eq!(st, StatusCode::CREATED);
        let admin = r["token"].as_str().unwrap().to_string();
        // The new admin sees its tenant, and only it.
        let (st, r) = s.json("GET", "/v1/tenants", Some(&admin), "").await;
        assert_eq!(
            (st, r["tenants"].clone()),
            (StatusCode::OK, json!(["fabrikam"]))
        );
        let (_, r) = s.json("GET", "/v1/tenants", Some(&platform), "").await;
        assert_eq!(r["tenants"], json!([TENANT, "fabrikam"]));
        assert_eq!(r["role"], "platform");
        let (st, snap) = s
            .json("GET", "/v1/tenants/fabrikam/snapshot", Some(&admin), "")
            .await;
        assert_eq!(st, StatusCode::OK);
        assert_eq!(snap["tenant"]["tenant_id"], "fabrikam");
        let (st, _) = s
            .json("GET", "/v1/tenants/fabrikam/snapshot", Some(&platform), "")
            .await;
        assert_eq!(
            st,
            StatusCode::FORBIDDEN,
            "the platform sees no tenant's data"
        );
        // The operator of the imported numbers has no consent yet: adding it
        // with an incomplete form is refused, a complete one is committed.
        let op = doc["tenant"]["operators"][0]["operator_id"]
            .as_str()
            .unwrap()
            .to_string();
        let uri = format!("/v1/tenants/fabrikam/operators/{op}");
        let (st, r) = s
            .json("PUT", &uri, Some(&admin), operator_form(false).to_string())
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{r}");
        assert_eq!(r["violations"][0]["code"], "ELIG-OPERATOR-CONSENT");
        assert!(
            r["violations"][0]["message"]
                .as_str()
                .unwrap()
                .contains("contact full name")
        );
        let (st, _) = s
            .json(
                "PUT",
                &uri,
                Some(&other_admin),
                operator_form(true).to_string(),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN, "another tenant's admin");
        let (st, r) = s
            .json("PUT", &uri, Some(&admin), operator_form(true).to_string())
            .await;
        assert_eq!(st, StatusCode::OK, "{r}");
        let (_, snap) = s
            .json("GET", "/v1/tenants/fabrikam/snapshot", Some(&admin), "")
            .await;
        let ops = snap["tenant"]["operators"].as_array().unwrap();
        assert_eq!(ops.len(), 1);
        assert_eq!(ops[0]["data_transfer_notice_accepted"], true);
        assert_eq!(ops[0]["contact"]["full_name"], "Ann Admin");
        // The operator now sees the tenant that added it.
        let operator = s.token("operator", None, Some(&op));
        let (_, r) = s.json("GET", "/v1/tenants", Some(&operator), "").await;
        assert_eq!(r["tenants"], json!(["fabrikam"]));
        // Every step is in the tenant's audit log.
        let (_, log) = s
            .json("GET", "/v1/tenants/fabrikam/audit", Some(&admin), "")
            .await;
        let actions: Vec<&str> = log
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["action"].as_str().unwrap())
            .collect();
        assert_eq!(
            actions,
            ["operator.add", "operator.add", "tenant.put", "tenant.put"],
            "{log:#}"
        );
    });
}

#[test]
fn the_platform_imports_a_folder_of_exports_on_the_server() {
    rt().block_on(async {
        let s = Server::new();
        let platform = s.token("platform", None, None);
        let dir = crate::root().join("tests/import/teams-docs");
        let mut files = serde_json::Map::new();
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(e.path()).unwrap();
            let value = if name.ends_with(".json") {
                serde_json::from_str(&text).unwrap()
            } else {
                Value::String(text)
            };
            files.insert(name, value);
        }
        let body = json!({"files": files, "org_country": "US"}).to_string();
        let (st, r) = s
            .json(
                "PUT",
                "/v1/tenants/contoso-import/import",
                Some(&platform),
                body,
            )
            .await;
        assert_eq!(st, StatusCode::CREATED, "{r}");
        assert_eq!(r["complete"], true);
        assert!(
            r["report"]["lacks"]
                .to_string()
                .contains("data transfer notice")
        );
        assert_eq!(r["holds"]["accounts"], 6);
        // A name that leaves the folder is refused before anything is written.
        let (st, r) = s
            .json(
                "PUT",
                "/v1/tenants/contoso-import/import",
                Some(&platform),
                json!({"files": {"../Get-CsOnlineUser.json": []}}).to_string(),
            )
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{r}");
        let admin = s.token("admin", Some("contoso-import"), None);
        let (st, _) = s
            .json(
                "PUT",
                "/v1/tenants/contoso-import/import",
                Some(&admin),
                json!({"files": {}}).to_string(),
            )
            .await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    });
}
