//! The decision API: `POST /v1/decide/{kind}` takes the whole context (one of
//! `ocpolicy corpus --kinds`) and answers `{"ok": <decision>}`, or 400 with
//! `{"error": {path, message}}`; `POST /v1/decide/{kind}/batch` takes NDJSON and
//! answers NDJSON, one envelope per line, in order, streamed in chunks, read
//! as it arrives (limited by lines, not bytes: see [`super::ndjson`]).

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::{ApiError, AppState};
use ocpolicy_rules::ffi::KINDS;
use ocpolicy_rules::kinds::KindId;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v1/decide/{kind}", post(one)).route(
        "/v1/decide/{kind}/batch",
        post(batch).layer(axum::extract::DefaultBodyLimit::disable()),
    )
}

/// The kind a path names, from the one table of kinds: 404 naming them all
/// otherwise.
fn known(kind: &str) -> Result<KindId, ApiError> {
    KindId::from_name(kind).ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "",
            &format!(
                "no decision `{kind}`; use one of {}",
                KINDS.iter().map(|k| k.name).collect::<Vec<_>>().join(", ")
            ),
        )
    })
}

async fn one(State(s): State<AppState>, Path(kind): Path<String>, body: Bytes) -> Response {
    let id = match known(&kind) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let family = id.family().name();
    let started = std::time::Instant::now();
    let plugins = s.inner.clone();
    let answer = s
        .decide_sized(body.len(), move |i, _| {
            Ok(i.decide_kind(id, &body)?
                .map(|v| with_plugins(&plugins, id, &body, v)))
        })
        .await;
    match answer {
        Ok(Ok(v)) => {
            s.inner
                .metrics
                .decided(family, &kind, &v["ok"], started.elapsed());
            (StatusCode::OK, axum::Json(v)).into_response()
        }
        Ok(Err(e)) => {
            s.inner.metrics.bad_input(family, &kind);
            ApiError::new(StatusCode::BAD_REQUEST, &e.path, &e.message).into_response()
        }
        Err(e) => e.into_response(),
    }
}

async fn batch(State(s): State<AppState>, Path(kind): Path<String>, body: Body) -> Response {
    let id = match known(&kind) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let family = id.family().name();
    let decide = move |w: &mut super::scoped::Warm, inner: &super::Inner, lines: Vec<String>| {
        let mut out = Vec::with_capacity(lines.len());
        for line in &lines {
            let started = std::time::Instant::now();
            let answer = w
                .rules
                .decide_kind(id, line.as_bytes())?
                .map(|v| with_plugins(inner, id, line.as_bytes(), v));
            match answer {
                Ok(v) => {
                    inner
                        .metrics
                        .decided(family, id.name(), &v["ok"], started.elapsed());
                    let mut l = v.to_string();
                    l.push('\n');
                    out.push(l);
                }
                Err(e) => {
                    inner.metrics.bad_input(family, id.name());
                    out.push(super::ndjson::error_line(&e.path, &e.message));
                }
            }
        }
        Ok(Ok(out))
    };
    super::ndjson::respond(s, body, decide).await
}

/// The envelope of the rules' answer `v` to `input`: `{"ok": v}`, with the
/// server's plugins applied as the tenant writes apply them (one verdict
/// inside one server) and their runs beside it, `{"ok": v, "plugins": [...]}`,
/// when any plugin has a part in it.
fn with_plugins(inner: &super::Inner, id: KindId, input: &[u8], mut v: Value) -> Value {
    let report = match &inner.plugins {
        Some(host) => host.decision(id, input, &mut v),
        None => None,
    };
    match report {
        Some(r) => json!({ "ok": v, "plugins": plugin_runs(inner, &r.runs) }),
        None => json!({ "ok": v }),
    }
}

/// Plugin runs as the APIs report them, counted in the metrics.
pub(super) fn plugin_runs(
    inner: &super::Inner,
    runs: &[ocpolicy_plugins::PluginRun],
) -> Vec<Value> {
    runs.iter()
        .map(|r| {
            let labels = super::metrics::PluginLabels::new(&r.plugin, r.outcome.name());
            inner.metrics.plugin_runs.get_or_create(&labels).inc();
            inner
                .metrics
                .plugin_fuel
                .get_or_create(&labels)
                .inc_by(r.fuel);
            json!({"plugin": r.plugin, "hook": r.hook, "outcome": r.outcome.name(), "fuel": r.fuel})
        })
        .collect()
}
