//! `ocpolicy serve`: router tests without a socket (tower's `oneshot`), and a
//! real-socket test of the binary (listen, console, SIGTERM drains and exits).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use ocpolicy_server::{AppState, Config, Store, app, auth};
use serde_json::{Value, json};
use tower::ServiceExt;

pub(crate) const TENANT: &str = "contoso-demo";

/// The demo tenant as the store keeps it (what `ocpolicy serve --demo` seeds).
pub(crate) fn demo_doc() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(crate::root().join("tests/examples/demo-tenant.json")).unwrap(),
    )
    .unwrap()
}

/// The store backends that every enforcement guarantee is tested on.
#[derive(Clone, Copy, Debug)]
enum Db {
    Sqlite,
    Postgres,
}

impl Db {
    /// A new, empty store of this kind: a file in `dir`, or a database on the
    /// test PostgreSQL server.
    fn location(self, dir: &std::path::Path) -> String {
        match self {
            Db::Sqlite => dir.join("t.db").display().to_string(),
            Db::Postgres => crate::pg::database(),
        }
    }
}

/// One test per store backend, each running `$body(db)`.
macro_rules! on_both_backends {
    ($sqlite:ident, $postgres:ident, $body:ident) => {
        #[test]
        fn $sqlite() {
            $body(Db::Sqlite);
        }

        #[test]
        fn $postgres() {
            $body(Db::Postgres);
        }
    };
}

pub(crate) struct Server {
    pub(crate) state: AppState,
    location: String,
    _dir: std::sync::Arc<tempfile::TempDir>,
}

impl Server {
    pub(crate) fn new() -> Self {
        Server::on(Db::Sqlite)
    }

    fn on(db: Db) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let location = db.location(dir.path());
        let s = Server::open(location, dir.into(), None, None);
        s.state.store().reset(TENANT, &demo_doc()).unwrap();
        s
    }

    pub(crate) fn with_plugins(
        plugins: Option<ocpolicy_plugins::PluginHost>,
        plugin_dir: Option<&std::path::Path>,
    ) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let location = Db::Sqlite.location(dir.path());
        let s = Server::open(location, dir.into(), plugins, plugin_dir);
        s.state.store().reset(TENANT, &demo_doc()).unwrap();
        s
    }

    /// A server on the SQLite file or PostgreSQL URL `location`, with the demo.
    pub(crate) fn at(location: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let s = Server::open(location.to_string(), dir.into(), None, None);
        s.state.store().reset(TENANT, &demo_doc()).unwrap();
        s
    }

    /// A server on the store at `location` as it is: nothing is written to
    /// it first (a restart on a store that may not take writes).
    pub(crate) fn existing(location: &str) -> Self {
        let dir = tempfile::tempdir().unwrap();
        Server::open(location.to_string(), dir.into(), None, None)
    }

    /// A server on a fresh SQLite store that serves the console from `web`.
    pub(crate) fn with_web(web: &std::path::Path) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let location = Db::Sqlite.location(dir.path());
        let store = Store::connect(&location).unwrap();
        let config = Config {
            concurrency: 2,
            web_dir: Some(web.to_path_buf()),
            console_tenant: Some(TENANT.into()),
            console_token: None,
            audit_unredacted: false,
            plugin_dir: None,
        };
        let s = Server {
            state: AppState::new(crate::rules().clone(), store, config, None),
            location,
            _dir: dir.into(),
        };
        s.state.store().reset(TENANT, &demo_doc()).unwrap();
        s
    }

    /// A GET with these headers: the status, the headers and the body.
    pub(crate) async fn full(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = app(self.state.clone())
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let (status, headers) = (res.status(), res.headers().clone());
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, headers, bytes)
    }

    /// A request with these headers as they are (no token added).
    pub(crate) async fn raw(
        &self,
        method: &str,
        uri: &str,
        headers: &[(&str, &str)],
        body: impl Into<Body>,
    ) -> (StatusCode, Vec<u8>) {
        let mut req = Request::builder().method(method).uri(uri);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = app(self.state.clone())
            .oneshot(req.body(body.into()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, bytes)
    }

    /// A second server on the same store: another replica behind the load
    /// balancer.
    fn replica(&self) -> Self {
        Server::open(self.location.clone(), self._dir.clone(), None, None)
    }

    fn open(
        location: String,
        dir: std::sync::Arc<tempfile::TempDir>,
        plugins: Option<ocpolicy_plugins::PluginHost>,
        plugin_dir: Option<&std::path::Path>,
    ) -> Self {
        let store = Store::connect(&location).unwrap();
        let config = Config {
            concurrency: 2,
            web_dir: None,
            console_tenant: Some(TENANT.into()),
            console_token: None,
            audit_unredacted: false,
            plugin_dir: plugin_dir.map(Into::into),
        };
        Server {
            state: AppState::new(crate::rules().clone(), store, config, plugins),
            location,
            _dir: dir,
        }
    }

    pub(crate) fn token(&self, role: &str, tenant: Option<&str>, operator: Option<&str>) -> String {
        let (token, hash) = auth::new_token().unwrap();
        self.state
            .store()
            .add_token(&hash, role, tenant, operator)
            .unwrap();
        token
    }

    pub(crate) async fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: impl Into<Body>,
    ) -> (StatusCode, Vec<u8>) {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let res = app(self.state.clone())
            .oneshot(req.body(body.into()).unwrap())
            .await
            .unwrap();
        let status = res.status();
        let bytes = res.into_body().collect().await.unwrap().to_bytes().to_vec();
        (status, bytes)
    }

    pub(crate) async fn json(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: impl Into<Body>,
    ) -> (StatusCode, Value) {
        let (s, b) = self.call(method, uri, token, body).await;
        (
            s,
            serde_json::from_slice(&b).unwrap_or_else(|e| {
                panic!("{uri}: not JSON ({e}): {}", String::from_utf8_lossy(&b))
            }),
        )
    }
}

pub(crate) fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn the_decision_api_answers_every_corpus_case_as_the_core_does() {
    rt().block_on(async {
        let s = Server::new();
        let mut n = 0;
        for family in [
            "eligibility",
            "operator-programme",
            "emergency",
            "conferencing",
        ] {
            for entry in std::fs::read_dir(crate::root().join("tests/corpus").join(family))
                .unwrap()
                .flatten()
            {
                let case: Value =
                    serde_json::from_slice(&std::fs::read(entry.path()).unwrap()).unwrap();
                let kind = case["kind"].as_str().unwrap().to_string();
                let input = serde_json::to_vec(&case["input"]).unwrap();
                let (status, got) = s
                    .json("POST", &format!("/v1/decide/{kind}"), None, input.clone())
                    .await;
                let want = ocpolicy_rules::ffi::decide(&kind, &input).unwrap();
                assert_eq!(status, StatusCode::OK, "{}", entry.path().display());
                assert_eq!(got["ok"], want, "{}", entry.path().display());
                n += 1;
            }
        }
        assert!(n > 300, "{n} cases");
    });
}

#[test]
fn bad_input_of_every_kind_is_a_4xx_naming_the_field_never_a_5xx() {
    rt().block_on(async {
        let s = Server::new();
        let address = std::fs::read(crate::root().join("tests/examples/address.json")).unwrap();
        let deep = "[".repeat(100_000);
        let cases: Vec<(&str, Vec<u8>, StatusCode, &str)> = vec![
            (
                "/v1/decide/address",
                b"{".to_vec(),
                StatusCode::BAD_REQUEST,
                "",
            ),
            (
                "/v1/decide/address",
                b"{\"address\": 1}".to_vec(),
                StatusCode::BAD_REQUEST,
                "address",
            ),
            (
                "/v1/decide/address",
                b"{\"address\": {\"id\": 7}}".to_vec(),
                StatusCode::BAD_REQUEST,
                "address.id",
            ),
            (
                "/v1/decide/address",
                b"\xff\xfe".to_vec(),
                StatusCode::BAD_REQUEST,
                "",
            ),
            // A list where an object belongs: serde reads a struct from a list, so the
            // first element is at fault.
            (
                "/v1/decide/address",
                deep.clone().into_bytes(),
                StatusCode::BAD_REQUEST,
                "[0]",
            ),
            (
                "/v1/decide/nope",
                address.clone(),
                StatusCode::NOT_FOUND,
                "",
            ),
            (
                "/v1/decide/address/batch",
                b"\xff".to_vec(),
                StatusCode::BAD_REQUEST,
                "",
            ),
        ];
        for (uri, body, want, path) in cases {
            let (status, v) = s.json("POST", uri, None, body).await;
            assert_eq!(status, want, "{uri}: {v}");
            assert!(
                v["error"]["message"]
                    .as_str()
                    .is_some_and(|m| !m.is_empty()),
                "{v}"
            );
            assert_eq!(v["error"]["path"], path, "{uri}: {v}");
        }
        let mut unknown: Value = serde_json::from_slice(&address).unwrap();
        unknown["address"]["colour"] = json!("red");
        let (status, v) = s
            .json(
                "POST",
                "/v1/decide/address",
                None,
                serde_json::to_vec(&unknown).unwrap(),
            )
            .await;
        assert_eq!(
            (status, v["error"]["path"].as_str()),
            (StatusCode::BAD_REQUEST, Some("address.colour"))
        );
        // Over the body limit: refused before it is read whole.
        let (status, _) = s
            .call(
                "POST",
                "/v1/decide/address",
                None,
                vec![b' '; (16 << 20) + 1],
            )
            .await;
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
        // A batch answers every line, good and bad, in order.
        let line = String::from_utf8(address.clone())
            .unwrap()
            .replace('\n', "");
        let (status, body) = s
            .call(
                "POST",
                "/v1/decide/address/batch",
                None,
                format!("{line}\nnot json\n{line}\n"),
            )
            .await;
        assert_eq!(status, StatusCode::OK);
        let lines: Vec<Value> = String::from_utf8(body)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert!(
            lines[0]["ok"].is_object()
                && lines[1]["error"].is_object()
                && lines[2]["ok"].is_object(),
            "{lines:?}"
        );
    });
}

#[test]
fn openapi_health_readiness_and_metrics() {
    rt().block_on(async {
        let s = Server::new();
        let (status, doc) = s.json("GET", "/openapi.json", None, Body::empty()).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(doc["openapi"], "3.1.0");
        for k in ocpolicy_rules::ffi::KINDS {
            assert!(doc["paths"][format!("/v1/decide/{}", k.name)]["post"].is_object(), "{}", k.name);
        }
        // Every $ref resolves.
        let text = doc.to_string();
        let schemas = doc["components"]["schemas"].as_object().unwrap();
        for r in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
            let name = r.split('"').next().unwrap();
            assert!(schemas.contains_key(name), "dangling $ref {name}");
        }
        assert_eq!(s.call("GET", "/healthz", None, Body::empty()).await.0, StatusCode::OK);
        assert_eq!(s.call("GET", "/readyz", None, Body::empty()).await.0, StatusCode::OK);
        let address = std::fs::read(crate::root().join("tests/examples/address.json")).unwrap();
        s.call("POST", "/v1/decide/address", None, address).await;
        let (status, m) = s.call("GET", "/metrics", None, Body::empty()).await;
        let m = String::from_utf8(m).unwrap();
        assert_eq!(status, StatusCode::OK);
        assert!(m.contains("ocpolicy_decisions_total{family=\"emergency\",kind=\"address\",outcome=\"denied\"} 1"), "{m}");
        assert!(m.contains("ocpolicy_violations_total{family=\"emergency\",code=\"EMG-CP-STATE\"} 1"), "{m}");
        assert!(m.contains("ocpolicy_decision_seconds_count{kind=\"address\"} 1"), "{m}");
    });
}

fn assign(target: &str, number: &str) -> Vec<u8> {
    serde_json::to_vec(&json!({"AssignNumber": {"target": target, "target_kind": "User", "telephone_number": number, "number_type": "OperatorConnect"}})).unwrap()
}

on_both_backends!(
    each_principal_against_each_tenant_endpoint_on_sqlite,
    each_principal_against_each_tenant_endpoint_on_postgres,
    each_principal_against_each_tenant_endpoint
);

fn each_principal_against_each_tenant_endpoint(db: Db) {
    rt().block_on(async {
        let s = Server::on(db);
        let admin = s.token("admin", Some(TENANT), None);
        let other_admin = s.token("admin", Some("fabrikam"), None);
        let auditor = s.token("auditor", Some(TENANT), None);
        let operator = s.token("operator", None, Some("OP1"));
        let stranger_op = s.token("operator", None, Some("OPZ"));
        let snap = format!("/v1/tenants/{TENANT}/snapshot");
        let assignments = format!("/v1/tenants/{TENANT}/assignments");
        let audit = format!("/v1/tenants/{TENANT}/audit");
        let free = "+14255550101";

        // No token, a bad token.
        assert_eq!(s.call("GET", &snap, None, Body::empty()).await.0, StatusCode::UNAUTHORIZED);
        assert_eq!(s.call("GET", &snap, Some("ocp_nope"), Body::empty()).await.0, StatusCode::UNAUTHORIZED);
        // Reads.
        assert_eq!(s.call("GET", &snap, Some(&admin), Body::empty()).await.0, StatusCode::OK);
        assert_eq!(s.call("GET", &snap, Some(&auditor), Body::empty()).await.0, StatusCode::OK);
        assert_eq!(s.call("GET", &snap, Some(&operator), Body::empty()).await.0, StatusCode::OK, "OP1 has the tenant's consent");
        // Denials say why and leak nothing: the same answer for a tenant that exists and one that does not.
        let (st, a) = s.json("GET", &snap, Some(&other_admin), Body::empty()).await;
        let (st2, b) = s.json("GET", "/v1/tenants/no-such/snapshot", Some(&other_admin), Body::empty()).await;
        assert_eq!((st, st2), (StatusCode::FORBIDDEN, StatusCode::FORBIDDEN));
        assert_eq!(a["error"]["message"].as_str().map(|m| m.replace(TENANT, "X")), b["error"]["message"].as_str().map(|m| m.replace("no-such", "X")));
        assert_eq!(s.call("GET", &snap, Some(&stranger_op), Body::empty()).await.0, StatusCode::FORBIDDEN);
        // A tenant id no store can hold (a NUL) names no tenant: 404, not a store error.
        let everyone = s.token("auditor", None, None);
        for path in ["/v1/tenants/a%00b/snapshot", "/v1/tenants/%00/audit"] {
            assert_eq!(s.call("GET", path, Some(&everyone), Body::empty()).await.0, StatusCode::NOT_FOUND, "{db:?} {path}");
        }
        // Writes: only the tenant's admin.
        for t in [&auditor, &operator, &other_admin] {
            let (st, v) = s.json("POST", &assignments, Some(t), assign("alice@contoso.com", free)).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{v}");
        }
        let (st, v) = s.json("POST", &assignments, Some(&admin), assign("alice@contoso.com", free)).await;
        assert_eq!(st, StatusCode::OK, "{v}");
        assert_eq!(v["allowed"], true);
        // The stored tenant now holds it: a second admin write for bob is refused with the rule's code.
        let (st, v) = s.json("POST", &assignments, Some(&admin), assign("bob@contoso.com", free)).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{v}");
        assert!(v["violations"].as_array().unwrap().iter().any(|x| x["code"] == "ELIG-ALREADY-ASSIGNED"), "{v}");
        // The same request through the stateless API against the stored state says the same.
        let (_, stored) = s.json("GET", &snap, Some(&admin), Body::empty()).await;
        let check = json!({"tenant": stored["tenant"], "request": serde_json::from_slice::<Value>(&assign("bob@contoso.com", free)).unwrap()});
        let (_, d) = s.json("POST", "/v1/decide/eligibility", None, serde_json::to_vec(&check).unwrap()).await;
        assert_eq!(d["ok"], v);
        // Bad input to a write: 400 with the field.
        let (st, v) = s.json("POST", &assignments, Some(&admin), b"{\"AssignNumber\": {\"target\": 1}}".to_vec()).await;
        assert_eq!((st, v["error"]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("AssignNumber.target")));
        // Audit: the admin and the auditor read it, redacted by default; operators do not.
        let (st, log) = s.json("GET", &audit, Some(&auditor), Body::empty()).await;
        assert_eq!(st, StatusCode::OK);
        let log = log.as_array().unwrap();
        assert_eq!(log.len(), 2, "{log:?}");
        assert_eq!((log[0]["allowed"].as_bool(), log[1]["allowed"].as_bool()), (Some(false), Some(true)));
        assert_eq!(log[0]["codes"], json!(["ELIG-ALREADY-ASSIGNED"]));
        assert!(!log[0].to_string().contains("bob@contoso.com") && !log[0].to_string().contains(free), "{}", log[0]);
        assert_eq!(s.call("GET", &audit, Some(&operator), Body::empty()).await.0, StatusCode::FORBIDDEN);
    });
}

// On PostgreSQL the two admins reach two replicas that share the database.
on_both_backends!(
    two_admins_assigning_one_number_at_once_exactly_one_succeeds_on_sqlite,
    two_admins_assigning_one_number_at_once_exactly_one_succeeds_on_postgres,
    two_admins_assigning_one_number_at_once_exactly_one_succeeds
);

fn two_admins_assigning_one_number_at_once_exactly_one_succeeds(db: Db) {
    rt().block_on(async {
        let s = Server::on(db);
        let other = match db {
            Db::Sqlite => None,
            Db::Postgres => Some(s.replica()),
        };
        let s2 = other.as_ref().unwrap_or(&s);
        let admin = s.token("admin", Some(TENANT), None);
        let uri = format!("/v1/tenants/{TENANT}/assignments");
        for round in 0..5 {
            // A fresh number each round: the demo tenant has one free OC number, so reset it.
            s.state.store().reset(TENANT, &demo_doc()).unwrap();
            let a = s.call(
                "POST",
                &uri,
                Some(&admin),
                assign("alice@contoso.com", "+14255550101"),
            );
            let b = s2.call(
                "POST",
                &uri,
                Some(&admin),
                assign("bob@contoso.com", "+14255550101"),
            );
            let ((sa, _), (sb, _)) = tokio::join!(a, b);
            let ok = [sa, sb].iter().filter(|s| **s == StatusCode::OK).count();
            let refused = [sa, sb]
                .iter()
                .filter(|s| **s == StatusCode::UNPROCESSABLE_ENTITY)
                .count();
            assert_eq!((ok, refused), (1, 1), "{db:?} round {round}: {sa} {sb}");
        }
        // Both decisions are audited, and the stored tenant holds one of them.
        let (_, log) = s2
            .json(
                "GET",
                &format!("/v1/tenants/{TENANT}/audit"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        assert_eq!(log.as_array().map(Vec::len), Some(10), "{db:?}: {log}");
        let (_, snap) = s
            .json(
                "GET",
                &format!("/v1/tenants/{TENANT}/snapshot"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        let owners: Vec<&Value> = snap["tenant"]["numbers"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["telephone_number"] == "+14255550101")
            .collect();
        assert_eq!(owners.len(), 1);
        assert_eq!(owners[0]["assignment_status"], "UserAssigned", "{db:?}");
    });
}

#[test]
fn both_backends_keep_documents_exactly_and_their_audit_logs_are_append_only() {
    use ocpolicy_server::store::{Outcome, Verdict};
    let dir = tempfile::tempdir().unwrap();
    let file = Db::Sqlite.location(dir.path());
    let url = Db::Postgres.location(dir.path());
    // Any JSON a client sends comes back as it was, NUL escapes and all
    // (PostgreSQL's jsonb would refuse `\u0000`; the store uses json).
    let mut doc = demo_doc();
    doc["tenant"]["display_name"] = json!("Contoso \u{0} \u{1F4DE} \"quoted\"");
    let request = json!({"note": "a\u{0}b", "n": 1.5e300, "deep": [[[{"k": null}]]]});
    for location in [&file, &url] {
        let store = Store::connect(location).unwrap();
        store.reset(TENANT, &demo_doc()).unwrap();
        let verdict = Verdict {
            allowed: true,
            codes: vec!["X-1".into()],
            plugins: json!([{"plugin": "p@1"}]),
        };
        let wrote = store
            .write(TENANT, "admin:x", "test", &request, |_| {
                Ok((Outcome::Commit(doc.clone(), ()), verdict))
            })
            .unwrap();
        assert_eq!(wrote, Some(()));
        assert_eq!(
            store.tenant(TENANT).unwrap(),
            Some(doc.clone()),
            "{}",
            store.place()
        );
        let log = store.audit(TENANT, 10).unwrap();
        assert_eq!(log.len(), 1, "{}", store.place());
        assert_eq!(
            (&log[0].request, &log[0].codes, &log[0].plugins),
            (
                &request,
                &vec!["X-1".to_string()],
                &json!([{"plugin": "p@1"}])
            )
        );
        assert!(
            store
                .write::<()>("no-such", "admin:x", "test", &json!({}), |_| unreachable!())
                .unwrap()
                .is_none()
        );
    }
    let sqlite = rusqlite::Connection::open(&file).unwrap();
    for sql in ["UPDATE audit SET allowed = 0", "DELETE FROM audit"] {
        let e = sqlite.execute(sql, []).unwrap_err().to_string();
        assert!(e.contains("append-only"), "{sql}: {e}");
        let e = crate::pg::exec(&url, sql.replace('0', "false").as_str()).unwrap_err();
        assert!(e.contains("append-only"), "{sql}: {e}");
    }
}

#[test]
fn the_binary_serves_on_a_socket_and_drains_on_sigterm() {
    use std::io::{BufRead, BufReader, Read, Write};
    let dir = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_ocpolicy"))
        .args(["serve", "--demo", "--listen", "127.0.0.1:0", "--db"])
        .arg(dir.path().join("s.db"))
        .arg("--web-dir")
        .arg(crate::root().join("web"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let _reap = crate::Reap(child.id());
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let mut addr = String::new();
    let mut line = String::new();
    while err.read_line(&mut line).unwrap() > 0 {
        if let Some(rest) = line.split("serving on http://").nth(1) {
            addr = rest.trim().trim_end_matches('/').to_string();
            break;
        }
        line.clear();
    }
    assert!(!addr.is_empty(), "the server never said where it listens");
    let get = |path: &str| -> String {
        let mut c = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            c,
            "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut out = String::new();
        c.read_to_string(&mut out).unwrap();
        out
    };
    assert!(get("/healthz").starts_with("HTTP/1.1 200"));
    let page = get("/");
    assert!(page.starts_with("HTTP/1.1 200"), "{page}");
    assert!(
        page.contains(
            "<meta name=\"ocpolicy-snapshot\" content=\"/v1/tenants/contoso-demo/snapshot\">"
        ),
        "{page}"
    );
    assert!(
        page.contains("name=\"ocpolicy-token\""),
        "the demo console gets a token"
    );
    assert!(
        !page.contains("demo-snapshot.json"),
        "a served page does not preload the bundled demo tenant"
    );
    // The console's module is served, on the package's public entry points:
    // the eligibility family's first, every family's after the first check
    // (the package itself is built after these tests:
    // web/tests/onboard.test.mjs runs the console, package and all, from
    // `ocpolicy serve`).
    let app = get("/app.js");
    assert!(app.contains("from './pkg/rules/eligibility.js'"));
    assert!(app.contains("import('./pkg/rules/index.js')"));
    // SIGTERM: it drains and exits cleanly.
    let pid = child.id().to_string();
    assert!(
        std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .unwrap()
            .success()
    );
    let status = child.wait().unwrap();
    assert!(status.success(), "{status}");
}

/// Start `ocpolicy serve` on a free port; its address and the demo token.
fn start(db: &str, demo: bool) -> (std::process::Child, String, Option<String>) {
    use std::io::{BufRead, BufReader};
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_ocpolicy"));
    cmd.args(["serve", "--listen", "127.0.0.1:0", "--db"])
        .arg(db);
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut err = BufReader::new(child.stderr.take().unwrap());
    let (mut addr, mut token, mut line) = (String::new(), None, String::new());
    while err.read_line(&mut line).unwrap() > 0 {
        if let Some(t) = line.split("(also given to the console): ").nth(1) {
            token = Some(t.trim().to_string());
        }
        if let Some(rest) = line.split("serving on http://").nth(1) {
            addr = rest.trim().trim_end_matches('/').to_string();
            break;
        }
        line.clear();
    }
    assert!(!addr.is_empty(), "the server never said where it listens");
    // Keep draining its log so it never blocks on a full pipe.
    std::thread::spawn(move || std::io::copy(&mut err, &mut std::io::sink()));
    (child, addr, token)
}

/// One HTTP/1.1 request; the status, or `None` if no answer came back.
fn http(addr: &str, method: &str, path: &str, token: &str, body: &[u8]) -> Option<(u16, String)> {
    use std::io::{Read, Write};
    let mut c = std::net::TcpStream::connect(addr).ok()?;
    c.set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .ok()?;
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nAuthorization: Bearer {token}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    c.write_all(head.as_bytes()).ok()?;
    c.write_all(body).ok()?;
    let mut out = String::new();
    c.read_to_string(&mut out).ok()?;
    let status = out.split(' ').nth(1)?.parse().ok()?;
    Some((
        status,
        out.split("\r\n\r\n").nth(1).unwrap_or_default().to_string(),
    ))
}

on_both_backends!(
    kill_9_in_a_stream_of_writes_loses_no_acknowledged_write_and_invents_none_on_sqlite,
    kill_9_in_a_stream_of_writes_loses_no_acknowledged_write_and_invents_none_on_postgres,
    kill_9_in_a_stream_of_writes_loses_no_acknowledged_write_and_invents_none
);

fn kill_9_in_a_stream_of_writes_loses_no_acknowledged_write_and_invents_none(db: Db) {
    use std::sync::{Arc, Mutex};
    let dir = tempfile::tempdir().unwrap();
    let db = db.location(dir.path());
    let (mut child, addr, token) = start(&db, true);
    let token = token.unwrap();
    let acked: Arc<Mutex<Vec<&'static str>>> = Arc::default();
    let writer = {
        let (acked, addr, token) = (acked.clone(), addr.clone(), token.clone());
        std::thread::spawn(move || {
            let assign = assign("alice@contoso.com", "+14255550101");
            for i in 0.. {
                let (action, answer) = if i % 2 == 0 {
                    (
                        "assign",
                        http(
                            &addr,
                            "POST",
                            "/v1/tenants/contoso-demo/assignments",
                            &token,
                            &assign,
                        ),
                    )
                } else {
                    (
                        "unassign",
                        http(
                            &addr,
                            "DELETE",
                            "/v1/tenants/contoso-demo/assignments/+14255550101",
                            &token,
                            b"",
                        ),
                    )
                };
                match answer {
                    Some((200, _)) => acked.lock().unwrap().push(action),
                    Some((status, body)) => {
                        panic!("write {i} ({action}) answered {status}: {body}")
                    }
                    None => return, // the server is gone
                }
            }
        })
    };
    while acked.lock().unwrap().len() < 30 {
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    child.kill().unwrap(); // SIGKILL, mid-stream
    child.wait().unwrap();
    writer.join().unwrap();
    let acked = acked.lock().unwrap().clone();

    let (mut child, addr, _) = start(&db, false);
    let (status, body) = http(&addr, "GET", "/v1/tenants/contoso-demo/audit", &token, b"").unwrap();
    assert_eq!(status, 200, "{body}");
    let log: Vec<Value> = serde_json::from_str(&body).unwrap();
    let committed: Vec<String> = log
        .iter()
        .rev()
        .filter(|r| r["allowed"] == true)
        .map(|r| r["action"].as_str().unwrap().to_string())
        .collect();
    // Every acknowledged write is there, in order; at most the one in flight
    // when the server died was committed without being acknowledged.
    assert!(
        committed.len() == acked.len() || committed.len() == acked.len() + 1,
        "acked {} committed {}",
        acked.len(),
        committed.len()
    );
    assert_eq!(&committed[..acked.len()], &acked[..]);
    // The stored tenant is the state of the last committed write.
    let (_, snap) = http(
        &addr,
        "GET",
        "/v1/tenants/contoso-demo/snapshot",
        &token,
        b"",
    )
    .unwrap();
    let snap: Value = serde_json::from_str(&snap).unwrap();
    let n = snap["tenant"]["numbers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["telephone_number"] == "+14255550101")
        .unwrap()
        .clone();
    let assigned = n["assignment_status"] == "UserAssigned";
    assert_eq!(
        assigned,
        committed.last().map(String::as_str) == Some("assign"),
        "{n}"
    );
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn operator_plugins_take_part_in_tenant_writes_and_are_audited() {
    use ocpolicy_plugins::{PluginHost, Trust};
    use ocpolicy_runtime::CacheMode;
    let dir = tempfile::tempdir().unwrap();
    // The example plugin, scoped to OP2 here (the demo tenant's GB numbers).
    crate::plugins::write_plugin(
        &dir.path().join("p"),
        "northwind-ranges",
        "OP2",
        &["check-eligibility"],
        ocpolicy_runtime::artifacts::EXAMPLE_PLUGIN_OWN_RANGES,
        None,
        "",
    );
    let host = PluginHost::new(Trust::default(), true, CacheMode::Disabled).unwrap();
    assert!(host.load_dir(dir.path()).errors.is_empty());
    rt().block_on(async {
        let s = Server::with_plugins(Some(host), Some(dir.path()));
        let admin = s.token("admin", Some(TENANT), None);
        let uri = format!("/v1/tenants/{TENANT}/assignments");
        let (st, d) = s
            .json(
                "POST",
                &uri,
                Some(&admin),
                assign("alice@contoso.com", "+442071234500"),
            )
            .await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY);
        let codes: Vec<&str> = d["violations"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|v| v["code"].as_str())
            .collect();
        assert!(
            codes.contains(&"ELIG-USAGE-LOCATION") && codes.contains(&"northwind-ranges/OPX-RANGE"),
            "{codes:?}"
        );
        // OP1's number: the plugin is not in scope, the built-in rules allow it.
        let (st, _) = s
            .json(
                "POST",
                &uri,
                Some(&admin),
                assign("alice@contoso.com", "+14255550101"),
            )
            .await;
        assert_eq!(st, StatusCode::OK);
        let (_, log) = s
            .json(
                "GET",
                &format!("/v1/tenants/{TENANT}/audit"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        let refused = &log.as_array().unwrap()[1];
        assert_eq!(
            refused["plugins"][0]["plugin"], "northwind-ranges@1.0.0",
            "{refused}"
        );
        assert!(
            refused["plugins"][0]["fuel"].as_u64().unwrap() > 0,
            "{refused}"
        );
        assert_eq!(log[0]["plugins"], json!([]));
        let (_, m) = s.call("GET", "/metrics", None, Body::empty()).await;
        let m = String::from_utf8(m).unwrap();
        assert!(
            m.contains(
                "ocpolicy_plugin_runs_total{plugin=\"northwind-ranges@1.0.0\",outcome=\"Ok\"} 1"
            ),
            "{m}"
        );
        assert!(
            m.contains(
                "ocpolicy_plugin_fuel_total{plugin=\"northwind-ranges@1.0.0\",outcome=\"Ok\"}"
            ),
            "{m}"
        );

        // Reload over the admin call: a platform token only; a broken update
        // keeps the previous version in force and says why.
        let reload = "/v1/admin/plugins/reload";
        assert_eq!(
            s.call("POST", reload, Some(&admin), Body::empty()).await.0,
            StatusCode::FORBIDDEN
        );
        let platform = s.token("platform", None, None);
        let (st, r) = s.json("POST", reload, Some(&platform), Body::empty()).await;
        assert_eq!(st, StatusCode::OK, "{r}");
        assert_eq!(r["loaded"], json!(["northwind-ranges@1.0.0"]));
        std::fs::write(dir.path().join("p/plugin.wasm"), b"\0asm broken").unwrap();
        let (st, r) = s.json("POST", reload, Some(&platform), Body::empty()).await;
        assert_eq!(st, StatusCode::OK, "{r}");
        assert_eq!(
            r["loaded"],
            json!(["northwind-ranges@1.0.0"]),
            "the previous version stays: {r}"
        );
        assert!(
            r["errors"][0]["reason"]
                .as_str()
                .is_some_and(|x| !x.is_empty()),
            "{r}"
        );
        let (_, d) = s
            .json(
                "POST",
                &uri,
                Some(&admin),
                assign("bob@contoso.com", "+442071234500"),
            )
            .await;
        assert!(
            d["violations"]
                .as_array()
                .unwrap()
                .iter()
                .any(|v| v["code"] == "northwind-ranges/OPX-RANGE"),
            "the previous plugin still decides: {d}"
        );
        // The platform token sees no tenant's data.
        assert_eq!(
            s.call(
                "GET",
                &format!("/v1/tenants/{TENANT}/snapshot"),
                Some(&platform),
                Body::empty()
            )
            .await
            .0,
            StatusCode::FORBIDDEN
        );
    });
}

#[test]
fn operators_upload_only_their_own_numbers_to_consenting_tenants_in_their_countries() {
    rt().block_on(async {
        let s = Server::new();
        let op1 = s.token("operator", None, Some("OP1"));
        let op2 = s.token("operator", None, Some("OP2"));
        let stranger = s.token("operator", None, Some("OPZ"));
        let admin = s.token("admin", Some(TENANT), None);
        let uri = format!("/v1/tenants/{TENANT}/numbers");
        let upload = |op: &str, number: &str| {
            serde_json::to_vec(&json!({"UploadNumbers": {"operator_id": op, "numbers": [
                {"telephone_number": number, "usage": "CallingUserAssignment", "location_id": "L2", "location_update_supported": false}]}}))
            .unwrap()
        };
        // Its own number, in a country it enabled, to a tenant that consented: committed.
        let (st, d) = s.json("POST", &uri, Some(&op2), upload("OP2", "+442071234567")).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let (_, snap) = s.json("GET", &format!("/v1/tenants/{TENANT}/snapshot"), Some(&admin), Body::empty()).await;
        let stored = snap["tenant"]["numbers"].as_array().unwrap().iter().find(|n| n["telephone_number"] == "+442071234567").cloned();
        assert_eq!(stored.as_ref().map(|n| (n["operator_id"].clone(), n["assignment_status"].clone())), Some((json!("OP2"), json!("Unassigned"))));
        // A country it did not enable: the rules refuse it (422, the rule's code).
        let (st, d) = s.json("POST", &uri, Some(&op1), upload("OP1", "+442071234568")).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert!(d["violations"].as_array().unwrap().iter().any(|v| v["code"] == "ELIG-OPERATOR-COUNTRY"), "{d}");
        // Another operator's numbers, an operator without consent, a tenant admin: access control.
        let (st, d) = s.json("POST", &uri, Some(&op1), upload("OP2", "+442071234569")).await;
        assert_eq!((st, d["error"]["path"].as_str()), (StatusCode::FORBIDDEN, Some("UploadNumbers.operator_id")), "{d}");
        assert_eq!(s.call("POST", &uri, Some(&stranger), upload("OPZ", "+442071234570")).await.0, StatusCode::FORBIDDEN);
        assert_eq!(s.call("POST", &uri, Some(&admin), upload("OP2", "+442071234571")).await.0, StatusCode::FORBIDDEN);
        assert_eq!(s.call("POST", &uri, None, upload("OP2", "+442071234572")).await.0, StatusCode::UNAUTHORIZED);
        // Operators never write a tenant's assignments.
        let (st, _) = s.json("POST", &format!("/v1/tenants/{TENANT}/assignments"), Some(&op2), assign("alice@contoso.com", "+442071234567")).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
    });
}

#[test]
fn operators_release_their_own_numbers_and_never_write_addresses() {
    rt().block_on(async {
        let s = Server::new();
        let op1 = s.token("operator", None, Some("OP1"));
        let op2 = s.token("operator", None, Some("OP2"));
        let admin = s.token("admin", Some(TENANT), None);
        let auditor = s.token("auditor", Some(TENANT), None);
        let numbers = |n: &str| format!("/v1/tenants/{TENANT}/numbers/{n}");
        // An assigned number is not released: the rule says why.
        let (st, d) = s.json("DELETE", &numbers("+14255550102"), Some(&op1), Body::empty()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert!(d["violations"].as_array().unwrap().iter().any(|v| v["code"] == "ELIG-RELEASE-ASSIGNED"), "{d}");
        // Another operator's number, or a tenant admin: access control.
        assert_eq!(s.call("DELETE", &numbers("+14255550101"), Some(&op2), Body::empty()).await.0, StatusCode::FORBIDDEN);
        assert_eq!(s.call("DELETE", &numbers("+14255550101"), Some(&admin), Body::empty()).await.0, StatusCode::FORBIDDEN);
        // Its own unassigned number: released, gone from the tenant.
        let (st, d) = s.json("DELETE", &numbers("+14255550101"), Some(&op1), Body::empty()).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let (_, snap) = s.json("GET", &format!("/v1/tenants/{TENANT}/snapshot"), Some(&admin), Body::empty()).await;
        assert!(!snap["tenant"]["numbers"].as_array().unwrap().iter().any(|n| n["telephone_number"] == "+14255550101"));

        let addresses = format!("/v1/tenants/{TENANT}/addresses");
        let address = json!({"id": "A9", "company_name": "Contoso", "country_or_region": "US", "state_or_province": "WA",
            "city": "Redmond", "postal_code": "98052", "house_number": "15", "street_name": "Microsoft Way",
            "latitude": 47.64, "longitude": -122.13, "validation_status": "Validated"});
        // Operators read addresses but never write them: a rule, and access control.
        let (st, e) = s.json("PUT", &addresses, Some(&op1), serde_json::to_vec(&address).unwrap()).await;
        assert_eq!(st, StatusCode::FORBIDDEN);
        assert!(e["error"]["message"].as_str().unwrap().contains("ELIG-OPERATOR-WRITES-ADDRESS"), "{e}");
        assert_eq!(s.call("PUT", &addresses, Some(&auditor), serde_json::to_vec(&address).unwrap()).await.0, StatusCode::FORBIDDEN);
        // The admin writes it; the tenant's one list of addresses holds it,
        // and the emergency configuration built from the document sees it.
        let (st, d) = s.json("PUT", &addresses, Some(&admin), serde_json::to_vec(&address).unwrap()).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let (_, snap) = s.json("GET", &format!("/v1/tenants/{TENANT}/snapshot"), Some(&admin), Body::empty()).await;
        let held = |a: &Value| a["id"] == "A9";
        assert_eq!(snap["tenant"]["civic_addresses"].as_array().unwrap().iter().filter(|a| held(a)).count(), 1, "{snap}");
        assert!(snap["emergency"].get("tenant").is_none(), "one copy of each place: {snap}");
        assert!(emergency_of(&snap)["tenant"]["civic_addresses"].as_array().unwrap().iter().any(held));
        // Bad input names the field.
        let (st, e) = s.json("PUT", &addresses, Some(&admin), b"{\"id\": 1}".to_vec()).await;
        assert_eq!((st, e["error"]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("id")), "{e}");
    });
}

// The configuration writes: each is decided as the decision API decides the
// same question against the stored tenant (same codes), committed (both
// copies of a location, the LIS, the bridge, the routing) or refused, and only
// the tenant's admin makes them. Run on both backends.
on_both_backends!(
    configuration_writes_are_decided_as_the_decision_api_decides_them_on_sqlite,
    configuration_writes_are_decided_as_the_decision_api_decides_them_on_postgres,
    configuration_writes
);

fn configuration_writes(db: Db) {
    rt().block_on(async {
        let s = Server::on(db);
        let admin = s.token("admin", Some(TENANT), None);
        let operator = s.token("operator", None, Some("OP1"));
        let auditor = s.token("auditor", Some(TENANT), None);
        let t = |p: &str| format!("/v1/tenants/{TENANT}{p}");
        let body = |v: Value| serde_json::to_vec(&v).unwrap();
        let snapshot = || async { s.json("GET", &t("/snapshot"), Some(&admin), Body::empty()).await.1 };
        // What the decision API says about `check` (a `kind` document).
        let decide = |kind: &'static str, check: Value| {
            let s = &s;
            async move {
                let (st, v) = s.json("POST", &format!("/v1/decide/{kind}"), None, serde_json::to_vec(&check).unwrap()).await;
                assert_eq!(st, StatusCode::OK, "{v}");
                v["ok"].clone()
            }
        };
        let codes = |d: &Value| {
            let mut c: Vec<String> = d["violations"].as_array().unwrap().iter().filter(|v| v["severity"] == "Error").map(|v| v["code"].as_str().unwrap().to_string()).collect();
            c.sort();
            c
        };

        // Only the tenant's admin configures.
        let loc = json!({"location_id": "L9", "civic_address_id": "A1", "place": "Floor 9", "elin": "ELIN9"});
        for (tok, why) in [(&operator, "operators read"), (&auditor, "auditors read")] {
            let (st, e) = s.json("PUT", &t("/locations"), Some(tok), body(loc.clone())).await;
            assert_eq!(st, StatusCode::FORBIDDEN, "{e}");
            assert!(e["error"]["message"].as_str().unwrap().contains(why), "{e}");
        }
        // Locations: written once, to the tenant; an ELIN is never cleared.
        let (st, d) = s.json("PUT", &t("/locations"), Some(&admin), body(loc.clone())).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let snap = snapshot().await;
        let list = &snap["tenant"]["locations"];
        assert_eq!(list.as_array().unwrap().iter().filter(|l| l["location_id"] == "L9" && l["elin"] == "ELIN9").count(), 1, "{db:?}: {list}");
        let cleared = json!({"location_id": "L9", "civic_address_id": "A1", "place": "Floor 9"});
        let (st, d) = s.json("PUT", &t("/locations"), Some(&admin), body(cleared.clone())).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        let api = decide("emergency", json!({"config": emergency_of(&snap), "request": {"WriteLocation": cleared}})).await;
        assert_eq!((codes(&d), d.clone()), (vec!["EMG-ELIN-CLEAR".to_string()], api));
        let (st, e) = s.json("PUT", &t("/locations"), Some(&admin), body(json!({"location_id": "L8", "civic_address_id": "NOPE"}))).await;
        assert_eq!((st, e["error"]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("request.civic_address_id")), "{e}");
        let (st, e) = s.json("PUT", &t("/locations"), Some(&admin), body(json!({"location_id": 8}))).await;
        assert_eq!((st, e["error"]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("location_id")), "{e}");
        // A civic address passes the emergency address rules too (what the
        // console's address panel shows), not only the eligibility ones.
        let bad = json!({"id": "A7", "company_name": "Contoso", "country_or_region": "US", "city": "Redmond", "validation_status": "NotValidated"});
        let (st, d) = s.json("PUT", &t("/addresses"), Some(&admin), body(bad.clone())).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        let api = decide("emergency", json!({"config": emergency_of(&snapshot().await), "request": {"WriteCivicAddress": {"address": bad, "connectivity": null}}})).await;
        assert!(!codes(&api).is_empty(), "{api}");
        assert_eq!(codes(&d), codes(&api), "{d}");
        assert!(codes(&d).iter().all(|c| c.starts_with("EMG-")), "{d}");
        // Removing: refused while in use, with the decision API's answer.
        let (st, d) = s.json("DELETE", &t("/addresses/A1"), Some(&admin), Body::empty()).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        assert_eq!(d, decide("emergency", json!({"config": emergency_of(&snapshot().await), "request": {"RemoveCivicAddress": "A1"}})).await);
        assert_eq!(codes(&d)[0], "EMG-DELETE-IN-USE");
        let (st, d) = s.json("DELETE", &t("/locations/L9"), Some(&admin), Body::empty()).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        assert!(!snapshot().await["tenant"]["locations"].to_string().contains("L9"));

        // LIS: a bad BSSID and a subnet with host bits are refused with the rules' codes;
        // a good entry is stored, and setting it again replaces it.
        let (st, d) = s.json("PUT", &t("/lis"), Some(&admin), body(json!({"Wap": {"bssid": "zz", "location_id": "L1"}}))).await;
        assert_eq!((st, codes(&d)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["EMG-BSSID-FORMAT".to_string()]), "{d}");
        let (st, d) = s.json("PUT", &t("/lis"), Some(&admin), body(json!({"Subnet": {"subnet": "10.1.2.5", "prefix_length": 24, "location_id": "L1"}}))).await;
        assert_eq!((st, codes(&d)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["EMG-SUBNET-NETID".to_string()]), "{d}");
        for location in ["L1", "LocA"] {
            let (st, d) = s.json("PUT", &t("/lis"), Some(&admin), body(json!({"Subnet": {"subnet": "10.1.2.0", "prefix_length": 24, "location_id": location}}))).await;
            assert_eq!(st, StatusCode::OK, "{d}");
        }
        let subnets = snapshot().await["emergency"]["lis"]["subnets"].clone();
        let ours: Vec<&Value> = subnets.as_array().unwrap().iter().filter(|x| x["subnet"] == "10.1.2.0").collect();
        assert_eq!((ours.len(), &ours[0]["location_id"]), (1, &json!("LocA")), "{subnets}");
        // Trusted IPs.
        let (st, d) = s.json("PUT", &t("/trusted-ips"), Some(&admin), body(json!({"ip_address": "10.0.0.1", "mask_bits": 99}))).await;
        assert_eq!((st, codes(&d)), (StatusCode::UNPROCESSABLE_ENTITY, vec!["EMG-TRUSTIP-MASK".to_string()]), "{d}");
        let (st, d) = s.json("PUT", &t("/trusted-ips"), Some(&admin), body(json!({"ip_address": "198.51.100.0", "mask_bits": 24}))).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        assert!(snapshot().await["emergency"]["trusted_ips"].to_string().contains("198.51.100.0"));

        // The whole bridge: the `bridge` kind on the new bridge, with the stored context.
        let conf = conferencing_of(&snapshot().await);
        let mut bridge = conf["bridge"].clone();
        bridge["numbers"].as_array_mut().unwrap().push(json!({"number": "+14255550001", "toll_type": "Toll", "source": "Microsoft", "sharing": "Dedicated", "capabilities": ["ConferenceAssignment"]}));
        bridge["default_service_number"] = json!("+19999999999");
        let (st, d) = s.json("PUT", &t("/bridge"), Some(&admin), body(bridge.clone())).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        let check = json!({"bridge": bridge, "org_country": conf["org_country"], "communications_credits": conf["communications_credits"], "operators": conf["operators"], "organizers": conf["organizers"]});
        assert_eq!(d, decide("bridge", check).await);
        bridge["default_service_number"] = json!("+14255550000");
        let (st, d) = s.json("PUT", &t("/bridge"), Some(&admin), body(bridge.clone())).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        assert_eq!(no_nulls(&snapshot().await["conferencing"]["bridge"]), no_nulls(&bridge), "stored as sent, but for the absent options");
        // Its default number: the `conferencing` kind's answer.
        let conf = conferencing_of(&snapshot().await);
        for (number, code) in [("+18005551234", "CONF-DEFAULT-TOLLFREE"), ("+4930123456", "CONF-DEFAULT-OCC")] {
            let (st, d) = s.json("PUT", &t("/bridge/default"), Some(&admin), body(json!({"default_service_number": number}))).await;
            assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
            assert_eq!(d, decide("conferencing", json!({"config": conf, "request": {"SetDefaultServiceNumber": number}})).await);
            assert_eq!(codes(&d), vec![code.to_string()]);
        }
        let (st, d) = s.json("PUT", &t("/bridge/default"), Some(&admin), body(json!({"default_service_number": "+14255550001"}))).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        assert_eq!(snapshot().await["conferencing"]["bridge"]["default_service_number"], "+14255550001");

        // Routing: the lint of the whole new configuration decides.
        let (st, d) = s.json("PUT", &t("/routing"), Some(&admin), body(json!({"pstn_usages": ["US and Canada", "International"]}))).await;
        assert_eq!(st, StatusCode::UNPROCESSABLE_ENTITY, "{d}");
        let mut lint = conferencing_of(&snapshot().await);
        lint["pstn_usages"] = json!(["US and Canada", "International"]);
        assert_eq!(d, decide("conferencing-lint", lint).await);
        assert!(codes(&d).contains(&"CONF-USAGE-EXISTS".to_string()), "{d}");
        let usages = json!(["US and Canada", "International", "OCC", "Spare"]);
        let (st, d) = s.json("PUT", &t("/routing"), Some(&admin), body(json!({"pstn_usages": usages}))).await;
        assert_eq!(st, StatusCode::OK, "{d}");
        assert_eq!(snapshot().await["conferencing"]["pstn_usages"], usages);
        let (st, e) = s.json("PUT", &t("/routing"), Some(&admin), body(json!({"bogus": 1}))).await;
        assert_eq!((st, e["error"]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("bogus")), "{e}");
        let (st, e) = s.json("PUT", &t("/routing"), Some(&admin), body(json!({"voice_routes": [{"identity": "R"}]}))).await;
        assert_eq!((st, e["error"]["path"].as_str()), (StatusCode::BAD_REQUEST, Some("voice_routes[0]")), "{e}");
        for nothing in [json!({}), json!({"pstn_usages": null})] {
            let (st, e) = s.json("PUT", &t("/routing"), Some(&admin), body(nothing)).await;
            assert_eq!(st, StatusCode::BAD_REQUEST);
            assert!(e["error"]["message"].as_str().unwrap().starts_with("give at least one of"), "{e}");
        }

        // Every decided write is audited, refused ones too; where anyone is
        // (addresses, places) is redacted by default.
        let (_, log) = s.json("GET", &t("/audit"), Some(&auditor), Body::empty()).await;
        for secret in ["Redmond", "Floor 9", "ELIN9", "Contoso\""] {
            assert!(!log.to_string().contains(secret), "{db:?}: `{secret}` in the audit log: {log}");
        }
        let actions: Vec<&str> = log.as_array().unwrap().iter().map(|r| r["action"].as_str().unwrap()).collect();
        for a in ["location", "remove-location", "remove-address", "lis", "trusted-ip", "bridge-default", "bridge", "routing"] {
            assert!(actions.contains(&a), "{db:?}: no `{a}` in {actions:?}");
        }
    });
}

/// The emergency configuration the decision API takes, from a snapshot (the
/// stored document): its settings around its tenant.
pub(crate) fn emergency_of(snapshot: &Value) -> Value {
    let mut e = snapshot["emergency"].clone();
    e["tenant"] = snapshot["tenant"].clone();
    e
}

/// The conferencing configuration the decision API takes, from a snapshot:
/// its settings with the tenant's id and operators.
pub(crate) fn conferencing_of(snapshot: &Value) -> Value {
    let mut c = snapshot["conferencing"].clone();
    c["tenant_id"] = snapshot["tenant"]["tenant_id"].clone();
    c["operators"] = snapshot["tenant"]["operators"].clone();
    c
}

/// `v` without its null members (the store keeps absent options as null).
fn no_nulls(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(_, x)| !x.is_null())
                .map(|(k, x)| (k.clone(), no_nulls(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(no_nulls).collect()),
        x => x.clone(),
    }
}

/// Every principal against every tenant endpoint: who is let in (the rules
/// then decide: 2xx, 400, 404 or 422) and who gets 401 or 403, which says why
/// without naming anything of another tenant.
#[test]
fn every_principal_against_every_tenant_endpoint() {
    rt().block_on(async {
        let s = Server::new();
        let tokens = [
            ("admin", Some(s.token("admin", Some(TENANT), None))),
            ("other-admin", Some(s.token("admin", Some("fabrikam"), None))),
            ("operator", Some(s.token("operator", None, Some("OP1")))),
            ("stranger-operator", Some(s.token("operator", None, Some("OPZ")))),
            ("auditor", Some(s.token("auditor", Some(TENANT), None))),
            ("platform", Some(s.token("platform", None, None))),
            ("no token", None),
            ("unknown token", Some("ocp_0000".to_string())),
        ];
        let upload = json!({"UploadNumbers": {"operator_id": "OP1", "numbers": [{"telephone_number": "+14255550199", "usage": "CallingUserAssignment", "iso_country_code": "US", "location_update_supported": true}]}});
        // (method, path, body, the principals let in)
        let endpoints: Vec<(&str, &str, Value, &[&str])> = vec![
            ("GET", "/snapshot", Value::Null, &["admin", "operator", "auditor"]),
            ("GET", "/audit", Value::Null, &["admin", "auditor"]),
            ("POST", "/assignments", serde_json::from_slice(&assign("alice@contoso.com", "+14255550101")).unwrap(), &["admin"]),
            ("DELETE", "/assignments/+14255550102", Value::Null, &["admin"]),
            ("POST", "/numbers", upload.clone(), &["operator"]),
            ("DELETE", "/numbers/+14255550150", Value::Null, &["operator"]),
            ("PUT", "/addresses", json!({"id": "A9", "company_name": "Contoso", "country_or_region": "US"}), &["admin"]),
            ("DELETE", "/addresses/A1", Value::Null, &["admin"]),
            ("PUT", "/locations", json!({"location_id": "L7", "civic_address_id": "A1"}), &["admin"]),
            ("DELETE", "/locations/L7", Value::Null, &["admin"]),
            ("PUT", "/lis", json!({"Switch": {"chassis_id": "B8-BE-BF-4A-A3-01", "location_id": "L1"}}), &["admin"]),
            ("PUT", "/trusted-ips", json!({"ip_address": "192.0.2.0", "mask_bits": 24}), &["admin"]),
            ("PUT", "/bridge/default", json!({"default_service_number": "+14255550000"}), &["admin"]),
            ("PUT", "/routing", json!({"pstn_usages": ["US and Canada", "International", "OCC"]}), &["admin"]),
            // Decisions against the stored tenant: whoever reads it, and an
            // operator only about its own uploads and releases.
            ("POST", "/decide/eligibility", serde_json::from_slice(&assign("alice@contoso.com", "+14255550101")).unwrap(), &["admin", "auditor"]),
            ("POST", "/decide/eligibility", upload.clone(), &["admin", "operator", "auditor"]),
            ("POST", "/decide/eligibility", json!({"ReleaseNumber": {"telephone_number": "+14255550170"}}), &["admin", "operator", "auditor"]),
            ("POST", "/decide/eligibility", json!({"ReleaseNumber": {"telephone_number": "+442071234500"}}), &["admin", "auditor"]),
            ("POST", "/decide/emergency", json!({"RemoveLocation": "L7"}), &["admin", "auditor"]),
            ("POST", "/decide/emergency-resolve", json!({"user": "alice@contoso.com"}), &["admin", "auditor"]),
            ("POST", "/decide/conferencing", json!({"SetDefaultServiceNumber": "+18005551234"}), &["admin", "auditor"]),
            ("POST", "/decide/conferencing-route", json!({"organizer": "alice@contoso.com", "dialed": "+442071234567"}), &["admin", "auditor"]),
            ("POST", "/decide/eligibility/batch", upload.clone(), &["admin", "operator", "auditor"]),
        ];
        let mut checked = 0;
        for (method, path, body, allowed) in &endpoints {
            for (who, token) in &tokens {
                let body = if body.is_null() { Body::empty() } else { Body::from(serde_json::to_vec(body).unwrap()) };
                let uri = format!("/v1/tenants/{TENANT}{path}");
                let (st, v) = s.json(method, &uri, token.as_deref(), body).await;
                let expect = match (*who, allowed.contains(who)) {
                    ("no token" | "unknown token", _) => Some(StatusCode::UNAUTHORIZED),
                    (_, false) => Some(StatusCode::FORBIDDEN),
                    (_, true) => None,
                };
                match expect {
                    Some(want) => {
                        assert_eq!(st, want, "{who} {method} {path}: {v}");
                        let why = v["error"]["message"].as_str().unwrap_or_default();
                        assert!(!why.is_empty(), "{who} {method} {path}: no reason given");
                        assert!(!why.contains("fabrikam") || *who == "other-admin", "{who}: {why}");
                    }
                    None => assert!(
                        st != StatusCode::UNAUTHORIZED && st != StatusCode::FORBIDDEN && !st.is_server_error(),
                        "{who} {method} {path} was not let in: {st} {v}"
                    ),
                }
                checked += 1;
            }
        }
        assert_eq!(checked, endpoints.len() * tokens.len());
    });
}

/// A PostgreSQL restart: while the database is down, tenant requests get 503
/// with `Retry-After` and change nothing (the stateless decision API goes on);
/// once it is back, every connection reconnects and requests are served.
#[test]
fn a_database_restart_is_a_503_and_then_served_again() {
    let cluster = crate::pg::Cluster::start();
    let url = crate::pg::database_on(&cluster);
    rt().block_on(async {
        let dir = tempfile::tempdir().unwrap();
        let s = Server::open(url, dir.into(), None, None);
        s.state.store().reset(TENANT, &demo_doc()).unwrap();
        let admin = s.token("admin", Some(TENANT), None);
        let snap = format!("/v1/tenants/{TENANT}/snapshot");
        let write = format!("/v1/tenants/{TENANT}/assignments");
        assert_eq!(
            s.call("GET", &snap, Some(&admin), Body::empty()).await.0,
            StatusCode::OK
        );

        cluster.stop();
        for (method, path, body) in [
            ("GET", snap.as_str(), Body::empty()),
            (
                "POST",
                write.as_str(),
                Body::from(assign("alice@contoso.com", "+14255550101")),
            ),
            ("GET", "/readyz", Body::empty()),
        ] {
            let mut req = Request::builder()
                .method(method)
                .uri(path)
                .header("authorization", format!("Bearer {admin}"));
            req = req.header("content-type", "application/json");
            let res = app(s.state.clone())
                .oneshot(req.body(body).unwrap())
                .await
                .unwrap();
            assert_eq!(
                res.status(),
                StatusCode::SERVICE_UNAVAILABLE,
                "{method} {path} with the database down"
            );
            assert_eq!(
                res.headers()
                    .get("retry-after")
                    .map(|v| v.to_str().unwrap().to_string()),
                Some("1".into())
            );
        }
        let check = std::fs::read(crate::root().join("tests/examples/address.json")).unwrap();
        assert_eq!(
            s.call("POST", "/v1/decide/address", None, check).await.0,
            StatusCode::OK,
            "stateless decisions go on"
        );

        cluster.restart();
        // Idle connections are checked before use, so once they have been
        // idle a moment every request is served.
        tokio::time::sleep(std::time::Duration::from_millis(2500)).await;
        for _ in 0..12 {
            assert_eq!(
                s.call("GET", &snap, Some(&admin), Body::empty()).await.0,
                StatusCode::OK
            );
        }
        let (st, d) = s
            .json(
                "POST",
                &write,
                Some(&admin),
                assign("alice@contoso.com", "+14255550101"),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{d}");
        let (_, log) = s
            .json(
                "GET",
                &format!("/v1/tenants/{TENANT}/audit"),
                Some(&admin),
                Body::empty(),
            )
            .await;
        assert_eq!(
            log.as_array().map(Vec::len),
            Some(1),
            "the write during the outage left nothing: {log}"
        );
    });
}

/// The stored tenant as an admin reads it.
async fn stored(s: &Server, admin: &str) -> Value {
    let (st, v) = s
        .json(
            "GET",
            &format!("/v1/tenants/{TENANT}/snapshot"),
            Some(admin),
            Body::empty(),
        )
        .await;
    assert_eq!(st, StatusCode::OK, "{v}");
    v
}

/// `POST /v1/tenants/{t}/decide/{kind}` with only the request answers what
/// the stateless API answers for the same request on the stored tenant, in
/// every family, and says which version it decided against.
#[test]
fn tenant_scoped_decisions_answer_as_the_stateless_api_on_the_stored_tenant() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        let snap = stored(&s, &admin).await;
        let now = "2026-06-01T00:00:00Z";
        let eligibility = [
            json!({"AssignNumber": {"target": "alice@contoso.com", "target_kind": "User", "telephone_number": "+14255550101", "number_type": "OperatorConnect", "now": now}}),
            json!({"AssignNumber": {"target": "chloe@contoso.com", "target_kind": "User", "telephone_number": "+14255550102", "number_type": "OperatorConnect", "now": now}}),
            json!({"ReleaseNumber": {"telephone_number": "+14255550102"}}),
            json!({"ReleaseNumber": {"telephone_number": "+14255550170"}}),
            json!({"UploadNumbers": {"operator_id": "OP2", "numbers": [{"telephone_number": "+14255550199", "usage": "CallingUserAssignment", "iso_country_code": "US", "location_update_supported": true}]}}),
        ];
        let emergency_requests = [
            json!({"AssignLocation": {"location_id": "L2", "target": {"PhoneNumber": "+14255550101"}}}),
            json!({"AssignLocation": {"location_id": "L5", "target": {"PhoneNumber": "+14255550101"}}}),
            json!({"RemoveLocation": "LocA"}),
        ];
        let context: Value = serde_json::from_str(
            &std::fs::read_to_string(crate::root().join("tests/examples/network-context.json")).unwrap(),
        )
        .unwrap();
        let dials = [
            json!({"organizer": "alice@contoso.com", "dialed": "+442071234567"}),
            json!({"organizer": "alice@contoso.com", "dialed": "0100"}),
            json!({"organizer": "nobody@contoso.com", "dialed": "+14255550100"}),
        ];
        let conferencing_requests = [
            json!({"SetDefaultServiceNumber": "+18005551234"}),
            json!({"SetDefaultServiceNumber": "+19995550000"}),
        ];
        let mut cases: Vec<(&str, Value, &str, Value)> = Vec::new();
        for r in &eligibility {
            cases.push(("eligibility", r.clone(), "eligibility", json!({"tenant": snap["tenant"], "request": r})));
        }
        for r in &emergency_requests {
            cases.push(("emergency", r.clone(), "emergency", json!({"config": emergency_of(&snap), "request": r})));
        }
        cases.push(("emergency-resolve", context.clone(), "emergency-resolve", json!({"config": emergency_of(&snap), "context": context})));
        for d in &dials {
            cases.push(("conferencing-route", d.clone(), "conferencing-route", json!({"config": conferencing_of(&snap), "dial_out": d})));
        }
        for r in &conferencing_requests {
            cases.push(("conferencing", r.clone(), "conferencing", json!({"config": conferencing_of(&snap), "request": r})));
        }
        let (mut denied, mut bad) = (0, 0);
        for (kind, request, stateless_kind, whole) in cases {
            let (st, scoped) = s
                .json("POST", &format!("/v1/tenants/{TENANT}/decide/{kind}"), Some(&admin), serde_json::to_vec(&request).unwrap())
                .await;
            let (st_alone, alone) = s
                .json("POST", &format!("/v1/decide/{stateless_kind}"), None, serde_json::to_vec(&whole).unwrap())
                .await;
            assert_eq!(st, st_alone, "{kind} {request}: {scoped} / {alone}");
            if st == StatusCode::BAD_REQUEST {
                // The same fault, its path from the body sent (the request).
                let path = scoped["error"]["path"].as_str().unwrap();
                assert!(alone["error"]["path"].as_str().unwrap().ends_with(&format!(".{path}")), "{scoped} / {alone}");
                assert_eq!(scoped["error"]["message"], alone["error"]["message"]);
                bad += 1;
                continue;
            }
            assert_eq!(st, StatusCode::OK, "{kind} {request}: {scoped}");
            assert_eq!(scoped["ok"], alone["ok"], "{kind} {request}");
            assert_eq!(scoped["tenant_version"], json!(1), "{scoped}");
            if scoped["ok"]["allowed"] == json!(false) || scoped["ok"]["violations"].as_array().is_some_and(|v| !v.is_empty()) {
                denied += 1;
            }
        }
        // The cases are not all the same answer.
        assert!(denied > 0 && denied < 14, "{denied} of the cases had violations");
        assert_eq!(bad, 2, "the location and the organizer that are not there");
        // Bad input names the field; an unknown kind names the kinds.
        let (st, v) = s
            .json("POST", &format!("/v1/tenants/{TENANT}/decide/eligibility"), Some(&admin), &br#"{"AssignNumber": {"target": 7}}"#[..])
            .await;
        assert_eq!(st, StatusCode::BAD_REQUEST, "{v}");
        assert!(v["error"]["path"].as_str().unwrap().starts_with("AssignNumber"), "{v}");
        let (st, v) = s
            .json("POST", &format!("/v1/tenants/{TENANT}/decide/address"), Some(&admin), &b"{}"[..])
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND, "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("conferencing-route"), "{v}");
        // A tenant that does not exist: 404 for a principal that could read it.
        let (st, _) = s
            .json("POST", "/v1/tenants/nope/decide/eligibility", Some(&s.token("admin", Some("nope"), None)), &b"{}"[..])
            .await;
        assert_eq!(st, StatusCode::NOT_FOUND);
        // A time the request leaves out is the server's clock, as on a write.
        let blocked = json!({"SetAssignmentBlock": {"telephone_number": "+14255550170", "block": "Blocked"}});
        let (st, v) = s
            .json("POST", &format!("/v1/tenants/{TENANT}/decide/eligibility"), Some(&admin), serde_json::to_vec(&blocked).unwrap())
            .await;
        assert!(st == StatusCode::OK || st == StatusCode::BAD_REQUEST, "{v}");
        assert!(!v.to_string().contains("give `now`"), "{v}");
    });
}

on_both_backends!(
    a_commit_on_any_replica_is_seen_by_the_next_tenant_decision_on_sqlite,
    a_commit_on_any_replica_is_seen_by_the_next_tenant_decision_on_postgres,
    a_commit_on_any_replica_is_seen_by_the_next_tenant_decision
);

/// The snapshots a server keeps per tenant version are never used once the
/// stored tenant has moved on: a write committed through another replica is
/// in the very next decision, in every family, on both backends.
fn a_commit_on_any_replica_is_seen_by_the_next_tenant_decision(db: Db) {
    rt().block_on(async {
        let a = Server::on(db);
        let b = a.replica();
        let admin = a.token("admin", Some(TENANT), None);
        let release = json!({"ReleaseNumber": {"telephone_number": "+14255550101"}});
        let resolve = json!({"user": "alice@contoso.com", "telephone_number": "+14255550101"});
        let decide = |kind: &'static str, body: Value| {
            let (a, admin) = (&a, admin.clone());
            async move {
                let (st, v) = a
                    .json(
                        "POST",
                        &format!("/v1/tenants/{TENANT}/decide/{kind}"),
                        Some(&admin),
                        serde_json::to_vec(&body).unwrap(),
                    )
                    .await;
                assert_eq!(st, StatusCode::OK, "{v}");
                v
            }
        };
        // Warm every family's snapshot on replica a, twice (the second from
        // its cache).
        for _ in 0..2 {
            let v = decide("eligibility", release.clone()).await;
            assert_eq!(
                (v["ok"]["allowed"].clone(), v["tenant_version"].clone()),
                (json!(true), json!(1)),
                "{v}"
            );
            decide("emergency-resolve", resolve.clone()).await;
            decide(
                "conferencing-route",
                json!({"organizer": "alice@contoso.com", "dialed": "+442071234567"}),
            )
            .await;
        }
        let before_resolve = decide("emergency-resolve", resolve.clone()).await;
        // Replica b assigns the number and gives it a location.
        let (st, v) = b
            .json(
                "POST",
                &format!("/v1/tenants/{TENANT}/assignments"),
                Some(&admin),
                assign("alice@contoso.com", "+14255550101"),
            )
            .await;
        assert_eq!(st, StatusCode::OK, "{v}");
        // Replica a decides on what b committed.
        let v = decide("eligibility", release.clone()).await;
        assert_eq!(v["tenant_version"], json!(2), "{v}");
        assert_eq!(
            v["ok"]["allowed"],
            json!(false),
            "an assigned number is not released: {v}"
        );
        let snap = stored(&a, &admin).await;
        let (_, alone) = a
            .json(
                "POST",
                "/v1/decide/eligibility",
                None,
                serde_json::to_vec(&json!({"tenant": snap["tenant"], "request": release})).unwrap(),
            )
            .await;
        assert_eq!(v["ok"], alone["ok"]);
        let after_resolve = decide("emergency-resolve", resolve.clone()).await;
        assert_eq!(after_resolve["tenant_version"], json!(2));
        let (_, alone) = a
            .json(
                "POST",
                "/v1/decide/emergency-resolve",
                None,
                serde_json::to_vec(&json!({"config": emergency_of(&snap), "context": resolve}))
                    .unwrap(),
            )
            .await;
        assert_eq!(after_resolve["ok"], alone["ok"]);
        assert_eq!(before_resolve["tenant_version"], json!(1));
    });
}

/// A tenant batch answers every line in order, unreadable ones in place,
/// each with the version it was decided against; a stateless batch is
/// limited by lines, not bytes: 100,000 lines are answered and the
/// 100,001st is refused on one last line.
#[test]
fn batches_are_streamed_by_lines_and_answer_every_line_in_order() {
    rt().block_on(async {
        let s = Server::new();
        let admin = s.token("admin", Some(TENANT), None);
        let good = r#"{"ReleaseNumber": {"telephone_number": "+14255550170"}}"#;
        let mut body = Vec::new();
        body.extend_from_slice(good.as_bytes());
        body.extend_from_slice(b"\nnot json\n\xff\xfe\n\n   \n");
        body.extend_from_slice(good.as_bytes());
        let (st, out) = s
            .call("POST", &format!("/v1/tenants/{TENANT}/decide/eligibility/batch"), Some(&admin), body)
            .await;
        assert_eq!(st, StatusCode::OK);
        let lines: Vec<Value> = String::from_utf8(out).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
        assert_eq!(lines.len(), 4, "{lines:?}");
        assert_eq!((lines[0]["ok"]["allowed"].clone(), lines[0]["tenant_version"].clone()), (json!(true), json!(1)));
        assert!(lines[1]["error"]["message"].is_string(), "{lines:?}");
        assert!(lines[2]["error"]["message"].as_str().unwrap().contains("line 3 is not UTF-8"), "{lines:?}");
        assert_eq!(lines[3]["ok"], lines[0]["ok"]);
        // No token, no batch; another tenant's admin learns nothing.
        let (st, _) = s.call("POST", &format!("/v1/tenants/{TENANT}/decide/eligibility/batch"), None, good).await;
        assert_eq!(st, StatusCode::UNAUTHORIZED);
        let other = s.token("admin", Some("fabrikam"), None);
        let (st, _) = s.call("POST", &format!("/v1/tenants/{TENANT}/decide/eligibility/batch"), Some(&other), good).await;
        assert_eq!(st, StatusCode::FORBIDDEN);

        // 100,001 lines, far over the 16 MiB a single body may have.
        let line = r#"{"dial_plans": [], "usage_location": "US", "dialed": "+14255550100", "padding_is_not_a_field": null}"#;
        let ok = r#"{"dial_plans": [], "usage_location": "US", "dialed": "+14255550100"}"#;
        let mut big = String::new();
        for i in 0..100_001 {
            big.push_str(if i == 7 { line } else { ok });
            big.push_str(&" ".repeat(160));
            big.push('\n');
        }
        assert!(big.len() > 16 << 20);
        let (st, out) = s.call("POST", "/v1/decide/normalize/batch", None, big).await;
        assert_eq!(st, StatusCode::OK);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 100_001, "100,000 answers and one last line");
        assert!(lines[0].starts_with(r#"{"ok":"#), "{}", lines[0]);
        assert!(lines[7].contains("padding_is_not_a_field"), "{}", lines[7]);
        assert!(lines[99_999].starts_with(r#"{"ok":"#), "{}", lines[99_999]);
        let last: Value = serde_json::from_str(lines[100_000]).unwrap();
        assert!(last["error"]["message"].as_str().unwrap().contains("after line 100000"), "{last}");
        // A line over 16 MiB is answered in place and the next is decided.
        let mut long = "x".repeat((16 << 20) + 10);
        long.push('\n');
        long.push_str(ok);
        let (st, out) = s.call("POST", "/v1/decide/normalize/batch", None, long).await;
        assert_eq!(st, StatusCode::OK);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2, "{text:.300}");
        assert!(lines[0].contains("line 1 is longer than 16 MiB"), "{}", lines[0]);
        assert!(lines[1].starts_with(r#"{"ok":"#), "{}", lines[1]);
    });
}
