//! The decision API: `POST /v1/decide/{kind}` takes the whole context (one of
//! `ocpolicy corpus --kinds`) and answers `{"ok": <decision>}`, or 400 with
//! `{"error": {path, message}}`; `POST /v1/decide/{kind}/batch` takes NDJSON and
//! answers NDJSON, one envelope per line, in order, streamed in chunks.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value, json};

use super::{ApiError, AppState};
use ocpolicy_rules::ffi::KINDS;
use ocpolicy_rules::kinds::KindId;

/// The most lines one batch may have.
pub const MAX_BATCH: usize = 100_000;
/// Lines decided per trip to the evaluation pool.
const CHUNK: usize = 256;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/v1/decide/{kind}", post(one))
        .route("/v1/decide/{kind}/batch", post(batch))
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

async fn batch(State(s): State<AppState>, Path(kind): Path<String>, body: Bytes) -> Response {
    let id = match known(&kind) {
        Ok(id) => id,
        Err(e) => return e.into_response(),
    };
    let family = id.family().name();
    let text = match std::str::from_utf8(&body) {
        Ok(t) => t,
        Err(e) => {
            return ApiError::new(
                StatusCode::BAD_REQUEST,
                "",
                &format!(
                    "the batch is not UTF-8 (byte {}); send one JSON document per line",
                    e.valid_up_to()
                ),
            )
            .into_response();
        }
    };
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(String::from)
        .collect();
    if lines.len() > MAX_BATCH {
        return ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "",
            &format!(
                "{} lines; a batch may have {MAX_BATCH}. Split it",
                lines.len()
            ),
        )
        .into_response();
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        for chunk in lines.chunks(CHUNK) {
            let chunk = chunk.to_vec();
            let inner = s.inner.clone();
            let started = std::time::Instant::now();
            let out = s
                .with_rules(move |i, _| {
                    let mut out = Vec::with_capacity(chunk.len());
                    for line in &chunk {
                        out.push(
                            i.decide_kind(id, line.as_bytes())?
                                .map(|v| with_plugins(&inner, id, line.as_bytes(), v)),
                        );
                    }
                    Ok(out)
                })
                .await;
            let mut buf = String::new();
            match out {
                Ok(answers) => {
                    let each = started.elapsed() / answers.len().max(1) as u32;
                    for a in answers {
                        let v: Value = match a {
                            Ok(v) => {
                                s.inner.metrics.decided(family, &kind, &v["ok"], each);
                                v
                            }
                            Err(e) => {
                                s.inner.metrics.bad_input(family, &kind);
                                json!({ "error": { "path": e.path, "message": e.message } })
                            }
                        };
                        buf.push_str(&v.to_string());
                        buf.push('\n');
                    }
                }
                Err(_) => {
                    buf.push_str(&json!({ "error": { "path": "", "message": "the rules could not evaluate this part of the batch; the error is logged" } }).to_string());
                    buf.push('\n');
                }
            }
            if tx.send(Ok(Bytes::from(buf))).await.is_err() {
                return; // the client went away
            }
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
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
