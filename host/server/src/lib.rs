//! `ocpolicy serve` as a library: the decision API (stateless: send the whole context, get
//! the decision), the tenant API (stateful: every write passes the rules
//! against the stored tenant before it is committed), and the web console.
//!
//! Rules run in the rules component on a bounded pool of warm instances, on
//! tokio's blocking threads, so evaluation never stalls the async runtime.
#![deny(missing_docs)]

pub mod auth;
mod configure;
mod decide;
mod document;
mod metrics;
mod ndjson;
mod onboard;
mod openapi;
mod repair;
mod scoped;
pub mod store;
mod tenant;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::json;
use tokio::sync::Semaphore;

use ocpolicy_runtime::{Rules, RulesInstance};

pub use store::{Store, StoreError};

/// What can fail in the server, apart from the requests themselves (those
/// are answered, never errors).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed, or is unavailable just now ([`StoreError::Unavailable`]).
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The rules component failed (a trap, an instance that could not be made).
    #[error("the rules component failed")]
    Rules(#[from] ocpolicy_runtime::Error),
    /// A value could not be converted between the contract's types.
    #[error("a value could not be converted between the contract's types")]
    Convert(#[from] serde_json::Error),
    /// The listening socket could not be opened.
    #[error("listening on {addr}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// Serving stopped with an I/O error.
    #[error("serving")]
    Serve(#[source] std::io::Error),
    /// Something the server relies on is missing (no randomness, a task that
    /// could not finish).
    #[error("{0}")]
    Internal(String),
}

/// The server's result.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// The most bytes a request body may have.
pub const MAX_BODY: usize = 16 << 20;

/// How the server runs.
#[derive(Clone, Debug)]
pub struct Config {
    /// The most rule evaluations at once (each holds a warm instance).
    pub concurrency: usize,
    /// The web console's folder (`web/`, built by `web/build.sh`).
    pub web_dir: Option<PathBuf>,
    /// The tenant the console shows, and whose snapshot it embeds.
    pub console_tenant: Option<String>,
    /// A token the console may use (only with `--demo`).
    pub console_token: Option<String>,
    /// Keep personal data and emergency addresses in the audit log.
    pub audit_unredacted: bool,
    /// The plugin directory `POST /v1/admin/plugins/reload` loads again.
    pub plugin_dir: Option<PathBuf>,
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    rules: Rules,
    /// Warm instances, each with the tenant snapshots it has indexed.
    pool: Mutex<Vec<scoped::Warm>>,
    /// The stored tenants, decoded once per version.
    tenants: scoped::Tenants,
    /// Known tokens, kept for a second.
    token_cache: auth::TokenCache,
    permits: Semaphore,
    store: Store,
    config: Config,
    metrics: metrics::Metrics,
    plugins: Option<ocpolicy_plugins::PluginHost>,
}

impl AppState {
    /// The compiled rules, the open store, and the operator plugins that take
    /// part in every tenant write, if any.
    pub fn new(
        rules: Rules,
        store: Store,
        config: Config,
        plugins: Option<ocpolicy_plugins::PluginHost>,
    ) -> Self {
        AppState {
            inner: Arc::new(Inner {
                rules,
                pool: Mutex::new(Vec::new()),
                tenants: scoped::Tenants::default(),
                token_cache: auth::TokenCache::default(),
                permits: Semaphore::new(config.concurrency.max(1)),
                store,
                config,
                metrics: metrics::Metrics::default(),
                plugins,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Run `f` on a warm rules instance, on a blocking thread, at most
    /// `concurrency` at once.
    async fn with_rules<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut RulesInstance, &Store) -> Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permit().await?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || on_instance(&inner, f))
            .await
            .map_err(|e| ApiError::internal(&format!("an evaluation task failed: {e}")))?
            .map_err(evaluation_failed)
    }

    /// [`with_rules`](Self::with_rules) with the instance's indexed tenant
    /// snapshots and the server's state.
    async fn with_warm<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut scoped::Warm, &Inner) -> Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        let _permit = self.permit().await?;
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || on_warm(&inner, |w| f(w, &inner)))
            .await
            .map_err(|e| ApiError::internal(&format!("an evaluation task failed: {e}")))?
            .map_err(evaluation_failed)
    }

    /// [`with_warm`](Self::with_warm) right here on the request's task, for
    /// work that never waits (`f` answers `None` when it would, and the
    /// caller goes to the blocking pool instead).
    async fn with_warm_here<T>(
        &self,
        f: impl FnOnce(&mut scoped::Warm, &Inner) -> Result<Option<T>>,
    ) -> Result<Option<T>, ApiError> {
        let _permit = self.permit().await?;
        on_warm(&self.inner, |w| f(w, &self.inner)).map_err(evaluation_failed)
    }

    /// [`with_rules`](Self::with_rules) for a stateless decision of `size`
    /// input bytes: a small one (most of them; tens of microseconds) runs
    /// right here on the request's task, which costs less than the trip to
    /// the blocking pool and back; a large one goes to the pool.
    async fn decide_sized<T: Send + 'static>(
        &self,
        size: usize,
        f: impl FnOnce(&mut RulesInstance, &Store) -> Result<T> + Send + 'static,
    ) -> Result<T, ApiError> {
        if size > INLINE_BYTES {
            return self.with_rules(f).await;
        }
        let _permit = self.permit().await?;
        on_instance(&self.inner, f).map_err(evaluation_failed)
    }

    /// Run `f` on the store on a blocking thread. Store calls wait on the
    /// disk or the network (a PostgreSQL connection check can take seconds
    /// while the database is away), never on the async runtime's threads,
    /// which keep serving the stateless decision API meanwhile.
    async fn on_store<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> store::Result<T> + Send + 'static,
    ) -> store::Result<T> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner.store))
            .await
            .map_err(|e| StoreError::Internal(format!("a store task failed: {e}")))?
    }

    async fn permit(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        self.inner
            .permits
            .acquire()
            .await
            .map_err(|_| ApiError::internal("the evaluation pool is closed"))
    }
}

/// Below this many input bytes a stateless decision runs on the request's task.
const INLINE_BYTES: usize = 16 << 10;

/// Take a warm instance from the pool (or make one), run `f`, and put the
/// instance back unless `f` failed: a trapped instance's state is unknown.
fn on_instance<T>(
    inner: &Inner,
    f: impl FnOnce(&mut RulesInstance, &Store) -> Result<T>,
) -> Result<T> {
    on_warm(inner, |w| f(&mut w.rules, &inner.store))
}

/// [`on_instance`] with the instance's indexed snapshots.
fn on_warm<T>(inner: &Inner, f: impl FnOnce(&mut scoped::Warm) -> Result<T>) -> Result<T> {
    let taken = inner.pool.lock().ok().and_then(|mut p| p.pop());
    let mut instance = match taken {
        Some(i) => i,
        None => scoped::Warm::new(inner.rules.instance()?),
    };
    let out = f(&mut instance);
    if out.is_ok()
        && let Ok(mut p) = inner.pool.lock()
    {
        p.push(instance);
    }
    out
}

fn evaluation_failed(e: Error) -> ApiError {
    ApiError::store(
        e,
        "the rules could not evaluate this request; the error is logged",
    )
}

/// An error answer: a status and `{"error": {"path", "message"}}`. Internal
/// errors never carry internals.
#[derive(Debug)]
pub struct ApiError {
    status: StatusCode,
    path: String,
    message: String,
}

impl ApiError {
    fn new(status: StatusCode, path: &str, message: &str) -> Self {
        ApiError {
            status,
            path: path.to_string(),
            message: message.to_string(),
        }
    }

    fn internal(message: &str) -> Self {
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "", message)
    }

    /// A store error: 503 (with `Retry-After`) when the store is unavailable
    /// for now, else 500 saying what could not be done. Either is logged.
    fn store(e: impl Into<Error>, what: &str) -> Self {
        let e: Error = e.into();
        if let Error::Store(StoreError::Unavailable { reason, .. }) = &e {
            // Logged as what it is: an outage of the store, not of the rules.
            tracing::error!(error = %chain(&e), "the store is unavailable");
            ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "",
                &format!(
                    "the store is unavailable: {reason}; nothing was changed, send the request again once it is back (GET /readyz says when)"
                ),
            )
        } else {
            tracing::error!(error = %chain(&e), "{what}");
            ApiError::internal(what)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = axum::Json(json!({ "error": { "path": self.path, "message": self.message } }));
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            (self.status, [(axum::http::header::RETRY_AFTER, "1")], body).into_response()
        } else {
            (self.status, body).into_response()
        }
    }
}

/// The whole service.
pub fn app(state: AppState) -> Router {
    use axum::http::{HeaderName, HeaderValue};
    use tower_http::set_header::SetResponseHeaderLayer as Set;
    let mut router = Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics::handler))
        .route("/openapi.json", get(openapi::handler))
        .route(
            "/v1/admin/plugins/reload",
            axum::routing::post(reload_plugins),
        )
        .merge(decide::routes())
        .merge(scoped::routes())
        .merge(tenant::routes())
        .merge(configure::routes())
        .merge(onboard::routes());
    if let Some(dir) = state.inner.config.web_dir.clone() {
        router = router.merge(console_files(&dir));
    }
    router
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(axum::middleware::from_fn(access_log))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            std::time::Duration::from_secs(30),
        ))
        .layer(axum::middleware::map_response(error_envelope))
        // Headers on every answer: the console runs only its own scripts (and
        // WebAssembly), talks only to this server, is never framed, and
        // nothing is sniffed into another type.
        .layer(Set::if_not_present(
            HeaderName::from_static("content-security-policy"),
            HeaderValue::from_static(CSP),
        ))
        .layer(Set::overriding(
            HeaderName::from_static("x-content-type-options"),
            HeaderValue::from_static("nosniff"),
        ))
        .layer(Set::overriding(
            HeaderName::from_static("x-frame-options"),
            HeaderValue::from_static("DENY"),
        ))
        .layer(Set::overriding(
            HeaderName::from_static("referrer-policy"),
            HeaderValue::from_static("no-referrer"),
        ))
        .with_state(state)
}

/// The access log: one event per request, `ocpolicy::access` at INFO, with
/// the method, the path (never the query), the status and the time to the
/// response's head in microseconds. An event and no span: a span per request
/// (tower-http's `TraceLayer`) cost a third of the decision API's throughput.
/// `serve` writes the log through a non-blocking writer, so a slow terminal or
/// pipe never holds a request; `RUST_LOG=ocpolicy::access=off` turns it off.
async fn access_log(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    if !tracing::enabled!(target: "ocpolicy::access", tracing::Level::INFO) {
        return next.run(request).await;
    }
    let started = std::time::Instant::now();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let response = next.run(request).await;
    tracing::info!(
        target: "ocpolicy::access",
        method = %method,
        path = %path,
        status = response.status().as_u16(),
        micros = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
    );
    response
}

/// The console's Content-Security-Policy: its own scripts and WebAssembly
/// only, requests to this server only, never in a frame.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The console's own files, and nothing else of `web/`: the page (with the
/// server's tenant and token put in), its modules and style, and what
/// `web/build.sh` writes under `pkg/` (the npm package `@ocpolicy/rules` the
/// console imports, in `pkg/rules/`). Never the crate's sources, tests, build script or
/// `node_modules`. Sent compressed: `pkg/` as the `.br` and `.gz` files
/// `web/build.sh` writes beside each module, the rest compressed on the way.
fn console_files(dir: &std::path::Path) -> Router<AppState> {
    use tower_http::services::{ServeDir, ServeFile};
    /// The page's modules and style (`web/index.html` loads them).
    const PAGE: [&str; 9] = [
        "app.js",
        "countries.js",
        "dom.js",
        "inventory.js",
        "operator.js",
        "plugin.js",
        "routing.js",
        "wasi.js",
        "style.css",
    ];
    let mut files = Router::new()
        .route("/", get(tenant::console))
        .route("/index.html", get(tenant::console));
    for f in PAGE {
        files = files.route_service(&format!("/{f}"), ServeFile::new(dir.join(f)));
    }
    let built = ServeDir::new(dir.join("pkg"))
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false);
    files.nest_service("/pkg", built).layer(
        tower_http::compression::CompressionLayer::new()
            .quality(tower_http::compression::CompressionLevel::Fastest),
    )
}

/// Every 4xx and 5xx in one shape, `{"error": {"path", "message"}}`, the ones
/// axum and tower-http make (an unknown route, a wrong method, a body over
/// the limit, a timeout) included: those come as text or empty, and are
/// rewritten here with what their status means and how to go on. Headers
/// such as `Allow` and `Retry-After` are kept.
async fn error_envelope(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let text = axum::body::to_bytes(body, 4096)
        .await
        .ok()
        .map(|b| String::from_utf8_lossy(&b).trim().to_string())
        .unwrap_or_default();
    let what = match status {
        StatusCode::NOT_FOUND => {
            "no such endpoint or file; GET /openapi.json lists the API".to_string()
        }
        StatusCode::METHOD_NOT_ALLOWED => {
            let allow = parts
                .headers
                .get(axum::http::header::ALLOW)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            format!("this endpoint does not take that method; it takes {allow}")
        }
        StatusCode::PAYLOAD_TOO_LARGE => format!(
            "the request body is larger than the {} MiB limit; send fewer records per request (the batch endpoint streams NDJSON)",
            MAX_BODY >> 20
        ),
        StatusCode::REQUEST_TIMEOUT => {
            "the request took longer than 30 s and was stopped; nothing was changed".to_string()
        }
        _ if !text.is_empty() => text,
        _ => status
            .canonical_reason()
            .unwrap_or("the request failed")
            .to_lowercase(),
    };
    parts.headers.remove(axum::http::header::CONTENT_LENGTH);
    parts.headers.insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("application/json"),
    );
    let body = json!({ "error": { "path": "", "message": what } }).to_string();
    Response::from_parts(parts, axum::body::Body::from(body))
}

/// `POST /v1/admin/plugins/reload` (platform token): load the plugin directory
/// again and swap the set atomically; in-flight decisions finish on the old
/// set, and a plugin that fails to load keeps its previous version and says why.
async fn reload_plugins(
    axum::extract::State(s): axum::extract::State<AppState>,
    p: auth::Principal,
) -> Response {
    if p != auth::Principal::Platform {
        return ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "reloading plugins takes a platform token (`ocpolicy token create --role platform`)",
        )
        .into_response();
    }
    let (Some(_), Some(dir)) = (&s.inner.plugins, s.inner.config.plugin_dir.clone()) else {
        return ApiError::new(
            StatusCode::CONFLICT,
            "",
            "this server runs without --plugins: there is no plugin directory to reload",
        )
        .into_response();
    };
    let inner = s.inner.clone();
    let report =
        tokio::task::spawn_blocking(move || inner.plugins.as_ref().map(|h| h.reload(&dir))).await;
    match report {
        Ok(Some(r)) => {
            tracing::info!(loaded = ?r.loaded, errors = r.errors.len(), "plugins reloaded");
            let set = inner_plugins(&s);
            axum::Json(json!({
                "loaded": r.loaded,
                "plugins": set.iter().map(|p| json!({
                    "operator": p.manifest.operator, "id": p.manifest.id, "version": p.manifest.version,
                    "dir": p.dir.display().to_string(), "trusted": p.trusted,
                })).collect::<Vec<_>>(),
                "errors": r.errors.iter().map(|e| json!({
                    "plugin": e.id, "operator": e.operator, "dir": e.dir.display().to_string(), "reason": e.reason,
                })).collect::<Vec<_>>(),
                "unavailable": r.unavailable,
            }))
            .into_response()
        }
        _ => ApiError::internal("the reload failed; the previous plugins stay in force")
            .into_response(),
    }
}

/// The plugins in force.
fn inner_plugins(s: &AppState) -> Vec<std::sync::Arc<ocpolicy_plugins::LoadedPlugin>> {
    s.inner
        .plugins
        .as_ref()
        .map(|h| h.current().plugins().to_vec())
        .unwrap_or_default()
}

/// `/readyz`: 200 `ready` when the store takes a write and every configured
/// plugin is in force; 503 `degraded: ...` naming each plugin that is
/// configured but not loaded (its operator's decisions fail closed meanwhile).
async fn readyz(axum::extract::State(s): axum::extract::State<AppState>) -> Response {
    if let Err(e) = s.with_rules(|_, store| Ok(store.ready()?)).await {
        return e.into_response();
    }
    let down: Vec<String> = s
        .inner
        .plugins
        .as_ref()
        .map(|h| {
            h.current()
                .unavailable()
                .iter()
                .map(|u| {
                    format!(
                        "plugin {} is configured but not loaded: {}",
                        u.name(),
                        u.reason
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    if down.is_empty() {
        return (StatusCode::OK, "ready\n").into_response();
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        format!(
            "degraded: {}; their operators' eligibility and upload decisions are denied (PLUGIN-UNAVAILABLE) until they load (fix them and POST /v1/admin/plugins/reload)\n",
            down.join("; ")
        ),
    )
        .into_response()
}

/// How connections are kept in check.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The longest a client may take to send a request's headers, and the
    /// longest a kept-alive connection may sit idle before its next request;
    /// then it is closed.
    pub header_timeout: std::time::Duration,
    /// The most connections open at once; further clients wait in the
    /// listen backlog until one closes. Kept below the process's descriptor
    /// limit, so the store and the files it opens always have room.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: std::time::Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// Descriptors kept free of connections: the store, the plugin and web
/// files, the log.
const RESERVED_FDS: usize = 32;

/// The most connections the descriptor limit leaves room for.
fn descriptor_room() -> usize {
    let limit = rustix::process::getrlimit(rustix::process::Resource::Nofile);
    match limit.current {
        None => usize::MAX,
        Some(n) => usize::try_from(n)
            .unwrap_or(usize::MAX)
            .saturating_sub(RESERVED_FDS)
            .max(1),
    }
}

/// Listen on `addr` until SIGTERM or Ctrl-C, then drain in-flight requests.
pub async fn serve(state: AppState, addr: SocketAddr) -> Result<()> {
    serve_with(state, addr, Limits::default()).await
}

/// [`serve`] with connection limits: a header-read (and keep-alive idle)
/// timeout, and a cap on open connections, so clients that open connections
/// and never finish a request cannot lock everyone else out.
pub async fn serve_with(state: AppState, addr: SocketAddr, limits: Limits) -> Result<()> {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Listen { addr, source })?;
    let local = listener.local_addr().map_err(Error::Serve)?;
    let cap = limits.max_connections.min(descriptor_room()).max(1);
    eprintln!("ocpolicy: serving on http://{local}/");
    tracing::info!(%local, max_connections = cap, header_timeout = ?limits.header_timeout, "listening");
    let slots = Arc::new(Semaphore::new(cap));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let service = hyper_util::service::TowerToHyperService::new(app(state));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .keep_alive(true);
    let stop = shutdown();
    tokio::pin!(stop);
    loop {
        // A slot first: at the cap, the next client waits in the backlog.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(s) => s,
                Err(_) => break,
            },
            () = &mut stop => break,
        };
        let (socket, _) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // Out of descriptors, or a connection reset before it
                    // was accepted: log, wait a moment, go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stop => break,
        };
        let _ = socket.set_nodelay(true);
        let connection = http.serve_connection(TokioIo::new(socket), service.clone());
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that timed out or went away is not the server's error.
            let _ = connection.await;
            drop(slot);
        });
    }
    tracing::info!("shutting down: draining in-flight requests");
    graceful.shutdown().await;
    Ok(())
}

/// An error and its causes, one line: `a: b: c`.
fn chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut next = e.source();
    while let Some(c) = next {
        out.push_str(": ");
        out.push_str(&c.to_string());
        next = c.source();
    }
    out
}

async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}
