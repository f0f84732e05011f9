//! Operator rule plugins: components of the `rule-plugin` world that operators
//! supply, run sandboxed beside the built-in rules and scoped to their operator.
//!
//! - **Loading** ([`PluginHost::load_dir`]): every plugin directory holds a
//!   `plugin.toml` ([`manifest::Manifest`]) and its component. A plugin is
//!   refused, with the reason, if its manifest is invalid, its component's
//!   SHA-256 differs from the manifest's, its ed25519 signature does not verify
//!   over the manifest's [`manifest::Statement`] (the component's SHA-256 and
//!   every field that changes behaviour: an edit after signing is refused,
//!   naming the field), or its key is not trusted for its operator (unsigned plugins load only in
//!   development mode), it imports anything but `ocpolicy:rules/plugin-host`
//!   and `ocpolicy:rules/types` (and `wasi:*`, locked down, when its manifest
//!   asks for WASI), or it lacks a hook its manifest declares.
//!   Components are compiled once, through the same verified on-disk cache as
//!   the rules component (keyed on the component's bytes and the engine's
//!   compatibility hash; only files the host wrote and checked are loaded).
//! - **Calls**: a fresh store and instance per call (no state carries over),
//!   with a fuel budget (deterministic; the fuel used is reported), a memory
//!   cap, a stack limit, and caps on the violations returned and their string
//!   lengths. Each breach is a typed [`RunOutcome`], never a host error.
//! - **Scoping**: a plugin is called only for requests that involve its
//!   operator (its numbers, its uploads, its routes and bridge numbers) and,
//!   where a country is known, its countries. Its violations are added to the
//!   decision with their code prefixed by the plugin's id (so a plugin cannot
//!   pass for a built-in rule) and its id and version in the citation. It
//!   never sees the built-in decision in a form it could change, and cannot
//!   remove or downgrade a built-in violation.
//! - **Failure modes**: eligibility and upload fail closed (`PLUGIN-FAILED`,
//!   an error); emergency and routing fail open (`PLUGIN-FAILED`, a warning).
//! - **Hot reload** ([`PluginHost::reload`]): the set is swapped atomically;
//!   calls in flight finish on the set they started with; a plugin that fails
//!   to load keeps its previous version in place, and the reason is reported.

#![deny(missing_docs)]

pub mod manifest;
pub mod sign;
mod view;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Instant;

use sha2::{Digest, Sha256};
use wasmtime::component::{HasSelf, Instance, InstancePre, Linker};
use wasmtime::{Config, Engine, ResourceLimiter, Store, Trap};

pub use manifest::{Failure, FailureMode, Hook, Manifest, RuleClass};
use ocpolicy_rules::types as core;
use ocpolicy_runtime::cache::{self, CacheMode};
use ocpolicy_runtime::{Error, Result};
pub use sign::Trust;
pub use view::TenantView;

mod generated {
    #![allow(missing_docs, clippy::all)]
    wasmtime::component::bindgen!({
        world: "rule-plugin",
        path: "../../wit",
        additional_derives: [serde::Serialize, serde::Deserialize],
    });
}

use generated::exports::ocpolicy::rules::{conferencing_hooks, eligibility_hooks, emergency_hooks};
use generated::ocpolicy::rules::plugin_host::{self, LogLevel};
/// The data model as plugins see it (the `rule-plugin` world's `types`).
pub use generated::ocpolicy::rules::types as ptypes;

/// A wasmtime result as the runtime's, with what was being done.
fn wt<T>(r: std::result::Result<T, wasmtime::Error>, context: &'static str) -> Result<T> {
    r.map_err(Error::wasm(context))
}

/// The interfaces a plugin may import, at any version of the package that is
/// compatible with this host's (`0.3.x`: a patch release only adds, so a
/// plugin built against `0.3.0` links against a `0.3.1` host, and wasmtime's
/// linker matches the names by semver).
const ALLOWED_IMPORTS: &[&str] = &["ocpolicy:rules/plugin-host", "ocpolicy:rules/types"];
/// The package version prefix every allowed import carries.
const COMPATIBLE_VERSION: &str = "0.3.";

/// Whether `import` is one of [`ALLOWED_IMPORTS`] at a compatible version.
fn allowed_import(import: &str) -> bool {
    import.split_once('@').is_some_and(|(name, version)| {
        ALLOWED_IMPORTS.contains(&name)
            && version
                .strip_prefix(COMPATIBLE_VERSION)
                .is_some_and(|patch| !patch.is_empty() && patch.bytes().all(|b| b.is_ascii_digit()))
    })
}
/// The largest component accepted.
const MAX_COMPONENT_BYTES: usize = 64 << 20;
/// The WebAssembly stack a call may use.
const MAX_WASM_STACK: usize = 512 << 10;
/// Concurrent plugin instances the pooling allocator reserves room for.
const POOL_SLOTS: u32 = 64;

/// How plugin instances get their memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Allocator {
    /// The pooling allocator, tuned for a fresh instance per call (the default).
    Pooling,
    /// The pooling allocator with wasmtime's default reset behaviour.
    PoolingDefaults,
    /// Memory mapped per instance.
    OnDemand,
}
/// Log lines kept per call, and the longest line kept.
const MAX_LOG_LINES: usize = 32;
const MAX_LOG_LINE: usize = 512;

/// How one plugin call ended. In JSON, its name (`"Trap"`), like every
/// outcome; the reason of a `Trap` or `OutputTooLarge` is the run's `detail`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// It returned, within every limit.
    Ok,
    /// It ran out of fuel.
    BudgetExceeded,
    /// It tried to grow its memory past the cap.
    MemoryExceeded,
    /// It trapped (a panic, a stack overflow, an unreachable...).
    Trap(String),
    /// It returned more violations, or longer strings, than its limits allow.
    OutputTooLarge(String),
}

impl serde::Serialize for RunOutcome {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl RunOutcome {
    /// The reason of a `Trap` or `OutputTooLarge`.
    pub fn detail(&self) -> Option<&str> {
        match self {
            RunOutcome::Trap(d) | RunOutcome::OutputTooLarge(d) => Some(d),
            _ => None,
        }
    }

    /// The outcome's name alone (`Trap`, not its reason): for metrics labels.
    pub fn name(&self) -> &'static str {
        match self {
            RunOutcome::Ok => "Ok",
            RunOutcome::BudgetExceeded => "BudgetExceeded",
            RunOutcome::MemoryExceeded => "MemoryExceeded",
            RunOutcome::Trap(_) => "Trap",
            RunOutcome::OutputTooLarge(_) => "OutputTooLarge",
        }
    }

    fn failed(&self) -> bool {
        *self != RunOutcome::Ok
    }

    fn describe(&self) -> String {
        match self {
            RunOutcome::Ok => "ok".into(),
            RunOutcome::BudgetExceeded => "ran out of fuel (BudgetExceeded)".into(),
            RunOutcome::MemoryExceeded => "exceeded its memory cap (MemoryExceeded)".into(),
            RunOutcome::Trap(t) => format!("trapped: {t} (Trap)"),
            RunOutcome::OutputTooLarge(w) => format!("returned too much: {w} (OutputTooLarge)"),
        }
    }
}

/// What one plugin call did: the provenance of its part of a decision.
#[derive(Debug, Clone, serde::Serialize)]
pub struct PluginRun {
    /// `id@version`.
    pub plugin: String,
    /// The hook called.
    pub hook: &'static str,
    /// How it ended.
    pub outcome: RunOutcome,
    /// Why, for a `Trap` or `OutputTooLarge`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    /// Fuel used (deterministic for the same plugin and input).
    pub fuel: u64,
    /// The largest its linear memory grew to, bytes.
    pub peak_memory: usize,
    /// Wall time of the call, instantiation included, µs.
    pub micros: u64,
    /// Violations it added.
    pub violations: usize,
    /// Its log lines (capped).
    pub logs: Vec<String>,
    /// It ran with the locked-down WASI its manifest asked for.
    pub wasi: bool,
}

/// The plugins' part of a decision.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct PluginReport {
    /// Violations to add to the decision (labelled, and `PLUGIN-FAILED` ones).
    pub violations: Vec<core::Violation>,
    /// One entry per plugin called.
    pub runs: Vec<PluginRun>,
}

impl PluginReport {
    /// Add the violations to a decision; it stays allowed only without errors.
    pub fn apply(&self, d: &mut core::Decision) {
        d.violations.extend(self.violations.iter().cloned());
        d.allowed = !d
            .violations
            .iter()
            .any(|v| v.severity == core::Severity::Error);
    }
}

/// Per-call store data: the memory limiter, the log, the request's tenant, and
/// (used only by plugins whose manifest asks for it) a locked-down WASI context.
struct PluginState {
    limiter: Limiter,
    logs: Vec<String>,
    tenant: Option<TenantView>,
    /// Built on first use: only WASI plugins pay for it.
    wasi: Option<wasmtime_wasi::WasiCtx>,
    table: wasmtime_wasi::ResourceTable,
}

impl wasmtime_wasi::WasiView for PluginState {
    fn ctx(&mut self) -> wasmtime_wasi::WasiCtxView<'_> {
        wasmtime_wasi::WasiCtxView {
            ctx: self.wasi.get_or_insert_with(locked_down_wasi),
            table: &mut self.table,
        }
    }
}

/// A clock stopped at 2000-01-01T00:00:00Z: plugins get no time of day.
struct FixedClock;

impl wasmtime_wasi::HostWallClock for FixedClock {
    fn resolution(&self) -> std::time::Duration {
        std::time::Duration::from_secs(1)
    }
    fn now(&self) -> std::time::Duration {
        std::time::Duration::from_secs(946_684_800)
    }
}

impl wasmtime_wasi::HostMonotonicClock for FixedClock {
    fn resolution(&self) -> u64 {
        1_000_000_000
    }
    fn now(&self) -> u64 {
        0
    }
}

/// The WASI a plugin gets when its manifest asks for it: no preopened
/// directories, no environment or arguments, no network (TCP, UDP and name
/// lookups refused), empty stdin and discarded output, a clock stopped at
/// 2000-01-01, and random bytes from a fixed seed, so the same input always
/// gives the same answer.
fn locked_down_wasi() -> wasmtime_wasi::WasiCtx {
    let mut b = wasmtime_wasi::WasiCtxBuilder::new();
    b.allow_tcp(false)
        .allow_udp(false)
        .allow_ip_name_lookup(false)
        .wall_clock(FixedClock)
        .monotonic_clock(FixedClock)
        .secure_random(wasmtime_wasi::random::Deterministic::new(
            b"ocpolicy plugin: a fixed seed".to_vec(),
        ))
        .insecure_random(wasmtime_wasi::random::Deterministic::new(
            b"ocpolicy plugin: another fixed seed".to_vec(),
        ))
        .insecure_random_seed(0x0c90_11c7);
    b.build()
}

struct Limiter {
    cap: usize,
    peak: usize,
    denied: bool,
}

impl ResourceLimiter for Limiter {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.cap {
            self.denied = true;
            return Ok(false);
        }
        self.peak = self.peak.max(desired);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _max: Option<usize>,
    ) -> wasmtime::Result<bool> {
        Ok(desired <= 100_000)
    }
}

fn conv<A: serde::Serialize, B: serde::de::DeserializeOwned>(a: &A) -> Option<B> {
    serde_json::to_value(a)
        .ok()
        .and_then(|v| serde_json::from_value(v).ok())
}

impl plugin_host::Host for PluginState {
    fn log(&mut self, level: LogLevel, message: String) {
        if self.logs.len() < MAX_LOG_LINES {
            let mut m = message;
            if m.len() > MAX_LOG_LINE {
                let mut cut = MAX_LOG_LINE;
                while !m.is_char_boundary(cut) {
                    cut -= 1;
                }
                m.truncate(cut);
                m.push('…');
            }
            let level = match level {
                LogLevel::Debug => "debug",
                LogLevel::Info => "info",
                LogLevel::Warn => "warn",
                LogLevel::Error => "error",
            };
            self.logs.push(format!("{level}: {m}"));
        }
    }

    fn tenant_id(&mut self) -> String {
        self.tenant
            .as_ref()
            .map(|t| t.tenant().tenant_id.clone())
            .unwrap_or_default()
    }

    fn find_account(&mut self, identity: String) -> Option<ptypes::Account> {
        self.tenant.as_ref()?.account(&identity).and_then(conv)
    }

    fn find_number(&mut self, telephone_number: String) -> Option<ptypes::PhoneNumber> {
        self.tenant
            .as_ref()?
            .number(&telephone_number)
            .and_then(conv)
    }

    fn find_operator(&mut self, operator_id: String) -> Option<ptypes::TenantOperator> {
        self.tenant.as_ref()?.operator(&operator_id).and_then(conv)
    }

    fn find_location(&mut self, location_id: String) -> Option<ptypes::Location> {
        self.tenant.as_ref()?.location(&location_id).and_then(conv)
    }

    fn find_civic_address(&mut self, id: String) -> Option<ptypes::CivicAddress> {
        self.tenant.as_ref()?.civic_address(&id).and_then(conv)
    }
}

impl ptypes::Host for PluginState {}

/// A loaded plugin.
pub struct LoadedPlugin {
    /// Its manifest.
    pub manifest: Manifest,
    /// Where it was loaded from.
    pub dir: PathBuf,
    /// The component's SHA-256.
    pub sha256: String,
    /// The component's size, bytes.
    pub size: usize,
    /// Its imports and exports, as the component declares them.
    pub imports: Vec<String>,
    /// The plugin world's interfaces it exports (`ocpolicy:rules/*-hooks`).
    pub exports: Vec<String>,
    /// Anything else it exports (a toolchain's own, such as componentize-js's
    /// `exports`): never called.
    pub other_exports: Vec<String>,
    /// Whether it was signed by a trusted key (false only in development mode).
    pub trusted: bool,
    pre: InstancePre<PluginState>,
    eligibility: Option<eligibility_hooks::GuestIndices>,
    emergency: Option<emergency_hooks::GuestIndices>,
    conferencing: Option<conferencing_hooks::GuestIndices>,
}

impl LoadedPlugin {
    /// `id@version`.
    pub fn label(&self) -> String {
        format!("{}@{}", self.manifest.id, self.manifest.version)
    }

    /// Who it is: (operator, id).
    pub fn identity(&self) -> Identity {
        Identity::of(&self.manifest.operator, &self.manifest.id)
    }

    fn implements(&self, hook: Hook) -> bool {
        self.manifest.hooks.contains(&hook)
    }
}

impl Manifest {
    fn covers_country(&self, country: Option<&str>) -> bool {
        let list = &self.countries;
        match country {
            _ if list.is_empty() => true,
            Some(c) => list.iter().any(|x| x.eq_ignore_ascii_case(c.trim())),
            None => true,
        }
    }

    fn is_operator(&self, op: Option<&str>) -> bool {
        op.is_some_and(|o| o.trim().eq_ignore_ascii_case(self.operator.trim()))
    }
}

/// A plugin's identity: its operator and its id (compared without case or
/// surrounding spaces). Two operators may use one id; one operator may not.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Identity {
    /// The operator.
    pub operator: String,
    /// The id.
    pub id: String,
}

impl Identity {
    fn of(operator: &str, id: &str) -> Self {
        Identity {
            operator: operator.trim().to_ascii_uppercase(),
            id: id.trim().to_ascii_lowercase(),
        }
    }
}

/// The plugins in force: swapped as a whole on reload.
#[derive(Default)]
pub struct PluginSet {
    plugins: Vec<Arc<LoadedPlugin>>,
    unavailable: Vec<Unavailable>,
}

impl PluginSet {
    /// The plugins, in load order.
    pub fn plugins(&self) -> &[Arc<LoadedPlugin>] {
        &self.plugins
    }

    /// Plugins that are configured (their directory is there) but not in
    /// force: they failed to load and no previous version of them is loaded.
    pub fn unavailable(&self) -> &[Unavailable] {
        &self.unavailable
    }
}

/// A configured plugin that is not in force. Its operator's decisions fail
/// as its failure modes say (`PLUGIN-UNAVAILABLE`): eligibility and uploads
/// denied, emergency and routing warned; with an unreadable manifest (so no
/// known operator or failure modes), every decision. Development mode makes
/// each a warning, and says so.
#[derive(Debug, Clone)]
pub struct Unavailable {
    /// Its directory.
    pub dir: PathBuf,
    /// Its manifest, when that was readable.
    pub manifest: Option<Manifest>,
    /// Why it did not load.
    pub reason: String,
}

impl Unavailable {
    /// Who it was, as far as is known: `OPX/northwind-ranges@1.0.0`, or the directory.
    pub fn name(&self) -> String {
        match &self.manifest {
            Some(m) => format!("{}/{}@{}", m.operator, m.id, m.version),
            None => self.dir.display().to_string(),
        }
    }

    fn violation(&self, hook: Hook, dev_mode: bool) -> core::Violation {
        let mode = match &self.manifest {
            Some(m) => m.failure.mode(hook.class()),
            None => Failure::default().mode(hook.class()),
        };
        let severity = match mode {
            FailureMode::Deny if !dev_mode => core::Severity::Error,
            _ => core::Severity::Warning,
        };
        let whose = match &self.manifest {
            Some(m) => format!("operator {}'s plugin {}@{}", m.operator, m.id, m.version),
            None => "a plugin whose manifest cannot be read (so it could be any operator's)".into(),
        };
        let effect = match (severity, dev_mode) {
            (core::Severity::Error, _) => {
                "its decisions are denied until it loads (the plugin's failure mode is deny)"
            }
            (_, true) => {
                "development mode: a warning, where a server outside development mode would deny"
            }
            _ => "the built-in answer stands, with this warning (its failure mode is warn)",
        };
        core::Violation {
            code: "PLUGIN-UNAVAILABLE".into(),
            severity,
            path: match &self.manifest {
                Some(m) => format!("plugins.{}", m.id),
                None => "plugins".into(),
            },
            message: format!(
                "{whose} in {} is configured but not loaded, so `{}` could not run: {}; {effect}",
                self.dir.display(),
                hook.name(),
                self.reason
            ),
            citation: format!("plugin {}", self.name()),
            remediation: "fix the plugin (`ocpolicy plugin verify DIR --trust trust.toml` says what is wrong) and reload, or remove its directory to stop running it".into(),
        }
    }
}

/// Why a plugin directory did not load.
#[derive(Debug, Clone, serde::Serialize)]
pub struct LoadError {
    /// The plugin directory.
    pub dir: PathBuf,
    /// The plugin id, when the manifest was readable.
    pub id: Option<String>,
    /// The plugin's operator, when the manifest was readable: a plugin is
    /// known by (operator, id), so one operator's never stands in for another's.
    pub operator: Option<String>,
    /// Why, and how to fix it.
    pub reason: String,
}

/// The result of loading or reloading a plugin directory.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct LoadReport {
    /// `id@version` of every plugin now in force.
    pub loaded: Vec<String>,
    /// Plugins that failed to load (a previous version, if any, stays in force).
    pub errors: Vec<LoadError>,
    /// Of those, the ones with no version in force: [`Unavailable`].
    pub unavailable: Vec<String>,
}

/// The plugin host: an engine with fuel and stack limits, the trusted keys,
/// and the plugin set in force.
pub struct PluginHost {
    engine: Engine,
    linker: Linker<PluginState>,
    /// The same, plus the locked-down WASI, for plugins that ask for it.
    wasi_linker: Linker<PluginState>,
    trust: Trust,
    dev_mode: bool,
    cache: CacheMode,
    set: RwLock<Arc<PluginSet>>,
}

impl PluginHost {
    /// A host that trusts `trust`'s keys. In development mode unsigned plugins
    /// and untrusted keys are accepted (and marked untrusted in provenance).
    pub fn new(trust: Trust, dev_mode: bool, cache: CacheMode) -> Result<Self> {
        Self::with_allocator(trust, dev_mode, cache, Allocator::Pooling)
    }

    /// [`PluginHost::new`], choosing the instance allocator (for comparison;
    /// `cargo bench --bench plugins` holds them side by side).
    pub fn with_allocator(
        trust: Trust,
        dev_mode: bool,
        cache: CacheMode,
        allocator: Allocator,
    ) -> Result<Self> {
        let mut config = Config::new();
        config.wasm_component_model(true);
        config.consume_fuel(true);
        config.max_wasm_stack(MAX_WASM_STACK);
        config.cranelift_opt_level(wasmtime::OptLevel::Speed);
        if allocator != Allocator::OnDemand {
            let mut pool = wasmtime::PoolingAllocationConfig::default();
            pool.total_component_instances(POOL_SLOTS)
                .total_core_instances(POOL_SLOTS * 4)
                .total_memories(POOL_SLOTS * 2)
                .total_tables(POOL_SLOTS * 4)
                .max_memory_size((manifest::MAX_MEMORY_MIB as usize) << 20)
                .max_memories_per_component(2)
                .max_core_instances_per_component(16);
            if allocator == Allocator::Pooling {
                // A fresh instance per call dirties the same few pages each
                // time. Resetting the first 256 KiB of a memory by memset
                // (instead of madvise, which makes the next call fault them
                // back in) and returning slots to the kernel in batches halves
                // a small plugin's call (24.8 -> 12.4 µs). At most
                // 256 KiB x 128 memories stay resident. The reset is still
                // complete: the hostile corpus checks that nothing carries over.
                pool.decommit_batch_size((POOL_SLOTS / 4) as usize)
                    .linear_memory_keep_resident(256 << 10)
                    .table_keep_resident(16 << 10);
            }
            config.allocation_strategy(wasmtime::InstanceAllocationStrategy::Pooling(pool));
        }
        let engine = wt(Engine::new(&config), "creating the plugin engine")?;
        let mut linker: Linker<PluginState> = Linker::new(&engine);
        wt(
            plugin_host::add_to_linker::<PluginState, HasSelf<PluginState>>(&mut linker, |s| s),
            "linking the plugin host",
        )?;
        wt(
            ptypes::add_to_linker::<PluginState, HasSelf<PluginState>>(&mut linker, |s| s),
            "linking the plugin types",
        )?;
        let mut wasi_linker = linker.clone();
        wt(
            wasmtime_wasi::p2::add_to_linker_sync(&mut wasi_linker),
            "linking the locked-down WASI",
        )?;
        Ok(PluginHost {
            engine,
            linker,
            wasi_linker,
            trust,
            dev_mode,
            cache,
            set: RwLock::new(Arc::new(PluginSet::default())),
        })
    }

    /// The plugin set in force (calls hold it until they finish).
    pub fn current(&self) -> Arc<PluginSet> {
        match self.set.read() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// Load every plugin under `dir` (a plugin directory, or a directory of
    /// them) and make them the set in force.
    pub fn load_dir(&self, dir: &Path) -> LoadReport {
        self.reload(dir)
    }

    /// Load `dir` again and swap the set atomically. A plugin that fails to
    /// load keeps its previous version (same operator and id, or the same
    /// directory when its manifest is unreadable) in force; without one it is
    /// [`Unavailable`], and its operator's decisions fail as it says.
    pub fn reload(&self, dir: &Path) -> LoadReport {
        let mut report = LoadReport::default();
        let old = self.current();
        let mut loaded: Vec<(PathBuf, Arc<LoadedPlugin>)> = Vec::new();
        let mut failed: Vec<Unavailable> = Vec::new();
        for d in plugin_dirs(dir) {
            match self.load_checked(&d) {
                Ok(p) => loaded.push((d, Arc::new(p))),
                Err((manifest, reason)) => failed.push(Unavailable {
                    dir: d,
                    manifest: manifest.map(|m| *m),
                    reason,
                }),
            }
        }
        // A plugin is known by (operator, id): one operator's plugin never
        // displaces another's, whatever the folder order. Two folders with
        // one identity are both refused, each naming the other.
        let mut next: Vec<Arc<LoadedPlugin>> = Vec::new();
        for (i, (d, p)) in loaded.iter().enumerate() {
            let who = p.identity();
            let twins: Vec<&PathBuf> = loaded
                .iter()
                .enumerate()
                .filter(|(j, (_, q))| *j != i && q.identity() == who)
                .map(|(_, (e, _))| e)
                .collect();
            if twins.is_empty() {
                next.push(p.clone());
                continue;
            }
            failed.push(Unavailable {
                dir: d.clone(),
                manifest: Some(p.manifest.clone()),
                reason: format!(
                    "operator {} has another plugin with the id `{}` in {}; a plugin is known by (operator, id), so give one of them another id",
                    p.manifest.operator,
                    p.manifest.id,
                    twins
                        .iter()
                        .map(|t| t.display().to_string())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
        failed.sort_by(|a, b| a.dir.cmp(&b.dir));
        // A plugin that failed to load keeps its previous version in force;
        // without one, it is unavailable.
        let mut unavailable = Vec::new();
        for u in failed {
            let who = u
                .manifest
                .as_ref()
                .map(|m| Identity::of(&m.operator, &m.id));
            report.errors.push(LoadError {
                dir: u.dir.clone(),
                id: u.manifest.as_ref().map(|m| m.id.clone()),
                operator: u.manifest.as_ref().map(|m| m.operator.clone()),
                reason: u.reason.clone(),
            });
            let same = |p: &Arc<LoadedPlugin>| match &who {
                Some(w) => p.identity() == *w,
                None => p.dir == u.dir,
            };
            if next.iter().any(same) {
                continue;
            }
            match old.plugins.iter().find(|p| same(p)) {
                Some(prev) => next.push(prev.clone()),
                None => unavailable.push(u),
            }
        }
        report.loaded = next.iter().map(|p| p.label()).collect();
        report.unavailable = unavailable.iter().map(|u| u.name()).collect();
        let set = Arc::new(PluginSet {
            plugins: next,
            unavailable,
        });
        match self.set.write() {
            Ok(mut g) => *g = set,
            Err(p) => *p.into_inner() = set,
        }
        report
    }

    /// Watch `dir`: every `every`, if any plugin file changed (a manifest or a
    /// component added, removed or modified), reload and hand the report to
    /// `on_reload`. The watcher stops when the host is dropped.
    pub fn watch(
        self: &Arc<Self>,
        dir: PathBuf,
        every: std::time::Duration,
        on_reload: impl Fn(LoadReport) + Send + 'static,
    ) -> std::io::Result<std::thread::JoinHandle<()>> {
        let weak = Arc::downgrade(self);
        let mut last = fingerprint(&dir);
        std::thread::Builder::new()
            .name("ocpolicy-plugin-watch".into())
            .spawn(move || {
                loop {
                    std::thread::sleep(every);
                    let Some(host) = weak.upgrade() else { return };
                    let now = fingerprint(&dir);
                    if now != last {
                        last = now;
                        on_reload(host.reload(&dir));
                    }
                }
            })
    }

    /// Load one plugin directory, or say why not (with its identity when known).
    pub fn load_one(&self, dir: &Path) -> Result<LoadedPlugin, (Option<Identity>, String)> {
        self.load_checked(dir)
            .map_err(|(m, reason)| (m.map(|m| Identity::of(&m.operator, &m.id)), reason))
    }

    /// [`PluginHost::load_one`], with the manifest when it was readable.
    #[allow(clippy::type_complexity)]
    fn load_checked(&self, dir: &Path) -> Result<LoadedPlugin, (Option<Box<Manifest>>, String)> {
        let text = std::fs::read_to_string(dir.join("plugin.toml"))
            .map_err(|e| (None, format!("cannot read plugin.toml: {e}")))?;
        let manifest = Manifest::parse(&text).map_err(|e| (None, format!("plugin.toml: {e}")))?;
        let kept = Box::new(manifest.clone());
        let fail = |m: String| (Some(kept.clone()), m);
        let path = dir.join(&manifest.component);
        let meta = std::fs::metadata(&path)
            .map_err(|e| fail(format!("cannot read the component {}: {e}", path.display())))?;
        if meta.len() > MAX_COMPONENT_BYTES as u64 {
            return Err(fail(format!(
                "the component is {} bytes; the limit is {MAX_COMPONENT_BYTES}",
                meta.len()
            )));
        }
        let bytes = std::fs::read(&path)
            .map_err(|e| fail(format!("cannot read the component {}: {e}", path.display())))?;
        let sha = hex::encode(Sha256::digest(&bytes));
        if !sha.eq_ignore_ascii_case(&manifest.sha256) {
            return Err(fail(format!(
                "hash mismatch: plugin.toml says sha256 {}, the component's is {sha}; the component was changed after the manifest was written",
                manifest.sha256
            )));
        }
        let trusted = match &manifest.signature {
            None if self.dev_mode => false,
            None => {
                return Err(fail(
                    "unsigned: sign it with `ocpolicy plugin sign`, or run the host in development mode (--dev)"
                        .into(),
                ));
            }
            Some(_) => {
                let key = sign::verify_manifest(&manifest)
                    .map_err(fail)?
                    .unwrap_or_default();
                let trusted = self.trust.trusts(&manifest.operator, key);
                if !trusted && !self.dev_mode {
                    return Err(fail(format!(
                        "the signing key {key} is not trusted for operator {}; add it to the trust file under [operators]",
                        manifest.operator
                    )));
                }
                trusted
            }
        };
        let component = cache::load_or_compile(&self.engine, &bytes, &self.cache)
            .map_err(|e| fail(format!("is not a valid component: {e:#}")))?;
        let (imports, all_exports) = component_interface(&self.engine, &component);
        let (exports, other_exports): (Vec<String>, Vec<String>) = all_exports
            .into_iter()
            .partition(|e| e.starts_with("ocpolicy:rules/") && e.contains("-hooks@"));
        let extra: Vec<&String> = imports
            .iter()
            .filter(|i| !allowed_import(i))
            .filter(|i| !(manifest.wasi && i.starts_with("wasi:")))
            .collect();
        if !extra.is_empty() {
            let hint = if extra.iter().any(|i| i.starts_with("wasi:")) {
                " (WASI imports are linked, locked down, only when plugin.toml says `wasi = true`)"
            } else {
                ""
            };
            return Err(fail(format!(
                "imports outside the plugin world: {}; a plugin may import only {}{hint}",
                extra
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
                ALLOWED_IMPORTS
                    .iter()
                    .map(|i| format!("{i}@{COMPATIBLE_VERSION}x"))
                    .collect::<Vec<_>>()
                    .join(" and ")
            )));
        }
        let linker = if manifest.wasi {
            &self.wasi_linker
        } else {
            &self.linker
        };
        let pre = linker
            .instantiate_pre(&component)
            .map_err(|e| fail(format!("cannot be linked: {e:#}")))?;
        let eligibility = eligibility_hooks::GuestIndices::new(&pre).ok();
        let emergency = emergency_hooks::GuestIndices::new(&pre).ok();
        let conferencing = conferencing_hooks::GuestIndices::new(&pre).ok();
        for h in &manifest.hooks {
            let present = match h {
                Hook::CheckEligibility | Hook::CheckUpload => eligibility.is_some(),
                Hook::CheckAddress | Hook::CheckResolution => emergency.is_some(),
                Hook::CheckBridge | Hook::CheckRoute => conferencing.is_some(),
            };
            if !present {
                return Err(fail(format!(
                    "the manifest declares `{}`, but the component does not export its interface (with the types of ocpolicy:rules@0.3.x)",
                    h.name()
                )));
            }
        }
        Ok(LoadedPlugin {
            manifest,
            dir: dir.to_path_buf(),
            sha256: sha,
            size: bytes.len(),
            imports,
            exports,
            other_exports,
            trusted,
            pre,
            eligibility,
            emergency,
            conferencing,
        })
    }

    /// Run one hook of one plugin in a fresh store and instance.
    fn run<F>(
        &self,
        p: &LoadedPlugin,
        hook: Hook,
        tenant: Option<TenantView>,
        call: F,
    ) -> (PluginRun, Vec<ptypes::Violation>)
    where
        F: FnOnce(
            &LoadedPlugin,
            &mut Store<PluginState>,
            &Instance,
        ) -> wasmtime::Result<Vec<ptypes::Violation>>,
    {
        let limits = &p.manifest.limits;
        let cap = (limits.memory_mib as usize) << 20;
        let mut store = Store::new(
            &self.engine,
            PluginState {
                limiter: Limiter {
                    cap,
                    peak: 0,
                    denied: false,
                },
                logs: Vec::new(),
                tenant,
                wasi: None,
                table: wasmtime_wasi::ResourceTable::new(),
            },
        );
        store.limiter(|s| &mut s.limiter);
        let start = Instant::now();
        let fuel = limits.fuel;
        let result = store
            .set_fuel(fuel)
            .and_then(|()| p.pre.instantiate(&mut store))
            .and_then(|instance| call(p, &mut store, &instance));
        let micros = start.elapsed().as_micros() as u64;
        let used = fuel.saturating_sub(store.get_fuel().unwrap_or(0));
        let state = store.data();
        let (outcome, violations) = match result {
            Ok(v) => match check_output(&v, limits) {
                None => (RunOutcome::Ok, v),
                Some(why) => (RunOutcome::OutputTooLarge(why), Vec::new()),
            },
            Err(e) => {
                let outcome = if e.downcast_ref::<Trap>() == Some(&Trap::OutOfFuel) {
                    RunOutcome::BudgetExceeded
                } else if state.limiter.denied {
                    RunOutcome::MemoryExceeded
                } else {
                    let trap = e
                        .downcast_ref::<Trap>()
                        .map(|t| t.to_string())
                        .unwrap_or_else(|| format!("{e}"));
                    RunOutcome::Trap(trap)
                };
                (outcome, Vec::new())
            }
        };
        let run = PluginRun {
            plugin: p.label(),
            hook: hook.name(),
            detail: outcome.detail().map(str::to_string),
            outcome,
            fuel: used,
            peak_memory: state.limiter.peak,
            micros,
            violations: violations.len(),
            logs: state.logs.clone(),
            wasi: p.manifest.wasi,
        };
        (run, violations)
    }

    /// Run a hook on every plugin in scope and collect the report.
    /// Run a hook on every plugin in scope. The hook's argument is built only
    /// when some plugin is in scope (most requests involve none), and a
    /// failure to build it fails those plugins by their failure modes.
    fn each<A, S, F>(
        &self,
        hook: Hook,
        tenant: Option<TenantView>,
        in_scope: S,
        arg: impl FnOnce() -> Option<A>,
        call: F,
    ) -> PluginReport
    where
        S: Fn(&Manifest) -> bool,
        F: Fn(
            &LoadedPlugin,
            &mut Store<PluginState>,
            &Instance,
            &A,
        ) -> wasmtime::Result<Vec<ptypes::Violation>>,
    {
        let set = self.current();
        let mut report = PluginReport::default();
        let targets: Vec<&Arc<LoadedPlugin>> = set
            .plugins
            .iter()
            .filter(|p| p.implements(hook) && in_scope(&p.manifest))
            .collect();
        // Configured plugins that did not load stand in for themselves: their
        // operator's decisions fail as their failure modes say.
        for u in &set.unavailable {
            let applies = match &u.manifest {
                Some(m) => m.hooks.contains(&hook) && in_scope(m),
                None => true,
            };
            if applies {
                report.violations.push(u.violation(hook, self.dev_mode));
            }
        }
        if targets.is_empty() {
            return report;
        }
        let Some(arg) = arg() else {
            let why = RunOutcome::Trap(
                "the host could not convert the request into the plugin's types".into(),
            );
            for p in targets {
                report.violations.push(failed(p, hook, &why));
            }
            return report;
        };
        for p in targets {
            let (run, violations) = self.run(p, hook, tenant.clone(), |p, store, inst| {
                call(p, store, inst, &arg)
            });
            for v in violations {
                report.violations.push(label(p, v));
            }
            if run.outcome.failed() {
                report.violations.push(failed(p, hook, &run.outcome));
            }
            report.runs.push(run);
        }
        report
    }

    /// For the benchmark: a fresh store and instance of the first plugin,
    /// with its limits, and no call (what every call pays before the hook).
    #[doc(hidden)]
    pub fn instantiate_first(&self) -> bool {
        let set = self.current();
        let Some(p) = set.plugins.first() else {
            return false;
        };
        let (run, _) = self.run(p, Hook::CheckEligibility, None, |_, _, _| Ok(Vec::new()));
        run.outcome == RunOutcome::Ok
    }

    /// The plugins' part of an eligibility decision: `check-upload` for
    /// uploads by a plugin's operator, `check-eligibility` for requests about
    /// its numbers (assign, release, block, re-locate), its removal, and
    /// migrations to it.
    pub fn eligibility(
        &self,
        tenant: impl Into<TenantView>,
        request: &core::EligibilityRequest,
    ) -> PluginReport {
        let upload = matches!(request, core::EligibilityRequest::UploadNumbers(_));
        let hook = if upload {
            Hook::CheckUpload
        } else {
            Hook::CheckEligibility
        };
        // No plugin takes the hook: nothing to scope, so no lookup at all.
        if !self.takes(hook) {
            return PluginReport::default();
        }
        let tenant: TenantView = tenant.into();
        if let core::EligibilityRequest::UploadNumbers(u) = request {
            let countries: Vec<Option<String>> = u
                .numbers
                .iter()
                .map(|n| n.iso_country_code.clone())
                .collect();
            return self.each(
                Hook::CheckUpload,
                Some(tenant),
                |p| {
                    p.is_operator(Some(&u.operator_id))
                        && countries.iter().any(|c| p.covers_country(c.as_deref()))
                },
                || conv::<_, ptypes::UploadNumbers>(u),
                |p, store, inst, arg| match &p.eligibility {
                    Some(ix) => ix
                        .load(&mut *store, inst)?
                        .call_check_upload(&mut *store, arg),
                    None => Ok(Vec::new()),
                },
            );
        }
        // The request's number, found by key when the tenant is indexed.
        let held = |n: &str| {
            tenant
                .number(n)
                .map(|n| (n.operator_id.clone(), Some(n.iso_country_code.clone())))
                .unwrap_or((None, None))
        };
        use core::EligibilityRequest as R;
        let (operator, country): (Option<String>, Option<String>) = match request {
            R::AssignNumber(a) => held(&a.telephone_number),
            R::ReleaseNumber(r) => held(&r.telephone_number),
            R::SetAssignmentBlock(b) => held(&b.telephone_number),
            R::UpdateNumberLocation(u) => held(&u.telephone_number),
            R::RemoveOperator(r) => (Some(r.operator_id.clone()), r.country.clone()),
            R::MigrateToOperatorConnect(m) => (
                Some(m.operator_id.clone()),
                tenant
                    .number(&m.telephone_number)
                    .map(|n| n.iso_country_code.clone()),
            ),
            _ => (None, None),
        };
        self.each(
            Hook::CheckEligibility,
            Some(tenant.clone()),
            |p| p.is_operator(operator.as_deref()) && p.covers_country(country.as_deref()),
            || conv::<_, ptypes::EligibilityRequest>(request),
            |p, store, inst, arg| match &p.eligibility {
                Some(ix) => ix
                    .load(&mut *store, inst)?
                    .call_check_eligibility(&mut *store, arg),
                None => Ok(Vec::new()),
            },
        )
    }

    /// Whether any configured plugin takes `hook`, loaded or standing in for
    /// one that did not load (its failure mode still applies). When none
    /// does, a call for that hook answers an empty report without looking at
    /// the tenant, so a caller may skip building one.
    pub fn takes(&self, hook: Hook) -> bool {
        let set = self.current();
        set.plugins.iter().any(|p| p.implements(hook))
            || set.unavailable.iter().any(|u| match &u.manifest {
                Some(m) => m.hooks.contains(&hook),
                None => true,
            })
    }

    /// The plugins' part of a decision-API answer: `output`, the rules'
    /// answer to `input` for the kind `id`, gets the violations of the
    /// plugins in scope (and of unavailable ones), exactly as the tenant
    /// writes and the CLI apply them: a decision is allowed only without
    /// errors; a resolution or a route keeps its outcome and carries them.
    /// `None` when the kind has no plugin hook or no plugin is configured.
    pub fn decision(
        &self,
        id: ocpolicy_rules::kinds::KindId,
        input: &[u8],
        output: &mut serde_json::Value,
    ) -> Option<PluginReport> {
        use ocpolicy_rules::kinds::KindId as K;
        {
            let set = self.current();
            if set.plugins.is_empty() && set.unavailable.is_empty() {
                return None;
            }
        }
        fn decode<T: serde::de::DeserializeOwned + serde::Serialize>(v: &[u8]) -> Option<T> {
            ocpolicy_rules::json::from_slice(v).ok()
        }
        fn extend<T>(
            output: &mut serde_json::Value,
            report: &PluginReport,
            f: impl FnOnce(&mut T, &PluginReport),
        ) where
            T: serde::de::DeserializeOwned + serde::Serialize,
        {
            if let Ok(mut d) = serde_json::from_value::<T>(output.clone()) {
                f(&mut d, report);
                if let Ok(v) = serde_json::to_value(&d) {
                    *output = v;
                }
            }
        }
        let report = match id {
            K::Eligibility => {
                let c: core::EligibilityCheck = decode(input)?;
                self.eligibility(Arc::new(c.tenant), &c.request)
            }
            K::Address => self.address(&decode(input)?),
            K::Bridge => self.bridge(&decode(input)?),
            K::EmergencyResolve => {
                let c: core::ResolveCheck = decode(input)?;
                let r: core::Resolution = serde_json::from_value(output.clone()).ok()?;
                self.resolution(Arc::new(c.config.tenant), &c.context, &r)
            }
            K::ConferencingRoute => {
                let c: core::RouteCheck = decode(input)?;
                let r: core::RouteDecision = serde_json::from_value(output.clone()).ok()?;
                self.route(&c.dial_out, &r)
            }
            _ => return None,
        };
        match id {
            K::EmergencyResolve => extend(output, &report, |r: &mut core::Resolution, p| {
                r.violations.extend(p.violations.iter().cloned())
            }),
            K::ConferencingRoute => extend(output, &report, |r: &mut core::RouteDecision, p| {
                r.violations.extend(p.violations.iter().cloned())
            }),
            _ => extend(output, &report, |d: &mut core::Decision, p| p.apply(d)),
        }
        Some(report)
    }

    /// The plugins' part of an address validation: plugins whose manifest
    /// lists the address's country.
    pub fn address(&self, check: &core::AddressCheck) -> PluginReport {
        let country = check.address.country_or_region.clone();
        self.each(
            Hook::CheckAddress,
            None,
            |p| !p.countries.is_empty() && p.covers_country(Some(&country)),
            || conv::<_, ptypes::AddressCheck>(check),
            |p, store, inst, arg| match &p.emergency {
                Some(ix) => ix
                    .load(&mut *store, inst)?
                    .call_check_address(&mut *store, arg),
                None => Ok(Vec::new()),
            },
        )
    }

    /// The plugins' part of a bridge validation: plugins whose operator has
    /// numbers on the bridge.
    pub fn bridge(&self, check: &core::BridgeCheck) -> PluginReport {
        let operators: Vec<String> = check
            .bridge
            .numbers
            .iter()
            .filter_map(|n| n.operator_id.clone())
            .collect();
        self.each(
            Hook::CheckBridge,
            None,
            |p| operators.iter().any(|o| p.is_operator(Some(o))),
            || conv::<_, ptypes::BridgeCheck>(check),
            |p, store, inst, arg| match &p.conferencing {
                Some(ix) => ix
                    .load(&mut *store, inst)?
                    .call_check_bridge(&mut *store, arg),
                None => Ok(Vec::new()),
            },
        )
    }

    /// The plugins' part of a location resolution: plugins whose manifest
    /// lists the resolved address's country, and whose operator carries the
    /// caller's number (when the tenant says which number it is).
    pub fn resolution(
        &self,
        tenant: impl Into<TenantView>,
        context: &core::NetworkContext,
        resolution: &core::Resolution,
    ) -> PluginReport {
        if !self.takes(Hook::CheckResolution) {
            return PluginReport::default();
        }
        let tenant: TenantView = tenant.into();
        let country = resolution
            .address
            .as_ref()
            .map(|a| a.country_or_region.clone());
        // The caller's numbers: the one it calls from, and the user's.
        let mut numbers: Vec<&core::PhoneNumber> = Vec::new();
        if let Some(n) = context
            .telephone_number
            .as_deref()
            .and_then(|n| tenant.number(n))
        {
            numbers.push(n);
        }
        if let Some(u) = context.user.as_deref() {
            for n in tenant.numbers_of(u) {
                if !numbers.iter().any(|m| std::ptr::eq(*m, n)) {
                    numbers.push(n);
                }
            }
        }
        self.each(
            Hook::CheckResolution,
            Some(tenant.clone()),
            |p| {
                !p.countries.is_empty()
                    && p.covers_country(country.as_deref())
                    && numbers
                        .iter()
                        .any(|n| p.is_operator(n.operator_id.as_deref()))
            },
            || {
                Some((
                    conv::<_, ptypes::NetworkContext>(context)?,
                    conv::<_, ptypes::Resolution>(resolution)?,
                ))
            },
            |p, store, inst, (c, r)| match &p.emergency {
                Some(ix) => ix
                    .load(&mut *store, inst)?
                    .call_check_resolution(&mut *store, c, r),
                None => Ok(Vec::new()),
            },
        )
    }

    /// The plugins' part of a dial-out: the plugin of the operator that would
    /// carry the call. An error-severity violation from it vetoes the route.
    pub fn route(&self, dial: &core::DialOut, decision: &core::RouteDecision) -> PluginReport {
        let operator = match &decision.outcome {
            core::RouteOutcome::Operator(o) => o.operator_id.clone(),
            _ => None,
        };
        self.each(
            Hook::CheckRoute,
            None,
            |p| {
                p.is_operator(operator.as_deref())
                    && p.covers_country(decision.destination_country.as_deref())
            },
            || {
                Some((
                    conv::<_, ptypes::DialOut>(dial)?,
                    conv::<_, ptypes::RouteDecision>(decision)?,
                ))
            },
            |p, store, inst, (d, r)| match &p.conferencing {
                Some(ix) => ix
                    .load(&mut *store, inst)?
                    .call_check_route(&mut *store, d, r),
                None => Ok(Vec::new()),
            },
        )
    }
}

/// What the watcher compares: every plugin directory's files with their
/// sizes and modification times.
fn fingerprint(dir: &Path) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    let mut out = Vec::new();
    for d in plugin_dirs(dir) {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            if let Ok(m) = e.metadata() {
                out.push((e.path(), m.len(), m.modified().ok()));
            }
        }
    }
    out.sort();
    out
}

/// Plugin directories under `dir`: `dir` itself if it has a manifest, else
/// its subdirectories that do, sorted.
fn plugin_dirs(dir: &Path) -> Vec<PathBuf> {
    if dir.join("plugin.toml").is_file() {
        return vec![dir.to_path_buf()];
    }
    let mut out: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.join("plugin.toml").is_file())
        .collect();
    out.sort();
    out
}

/// A component's imports and exports (their names), from its type.
pub fn component_interface(
    engine: &Engine,
    component: &wasmtime::component::Component,
) -> (Vec<String>, Vec<String>) {
    let ty = component.component_type();
    let imports = ty.imports(engine).map(|(n, _)| n.to_string()).collect();
    let exports = ty.exports(engine).map(|(n, _)| n.to_string()).collect();
    (imports, exports)
}

/// Is every violation within the plugin's limits? `Some(why)` if not.
fn check_output(v: &[ptypes::Violation], limits: &manifest::Limits) -> Option<String> {
    if v.len() > limits.max_violations as usize {
        return Some(format!(
            "{} violations (its limit is {})",
            v.len(),
            limits.max_violations
        ));
    }
    let max = limits.max_message_len as usize;
    for (i, x) in v.iter().enumerate() {
        for (field, s) in [
            ("code", &x.code),
            ("path", &x.path),
            ("message", &x.message),
            ("citation", &x.citation),
            ("remediation", &x.remediation),
        ] {
            if s.len() > max {
                return Some(format!(
                    "violation {i}'s {field} is {} bytes (its limit is {max})",
                    s.len()
                ));
            }
        }
    }
    None
}

/// A plugin's violation, labelled: its code under the plugin's id, the plugin
/// and version in the citation.
fn label(p: &LoadedPlugin, v: ptypes::Violation) -> core::Violation {
    let severity = match v.severity {
        ptypes::Severity::Error => core::Severity::Error,
        ptypes::Severity::Warning => core::Severity::Warning,
        ptypes::Severity::Info => core::Severity::Info,
    };
    core::Violation {
        code: format!("{}/{}", p.manifest.id, v.code),
        severity,
        path: v.path,
        message: v.message,
        citation: format!("plugin {}: {}", p.label(), v.citation),
        remediation: v.remediation,
    }
}

/// `PLUGIN-FAILED`, with the severity of the hook's failure mode.
fn failed(p: &LoadedPlugin, hook: Hook, outcome: &RunOutcome) -> core::Violation {
    let severity = match p.manifest.failure.mode(hook.class()) {
        FailureMode::Deny => core::Severity::Error,
        FailureMode::Warn => core::Severity::Warning,
    };
    core::Violation {
        code: "PLUGIN-FAILED".into(),
        severity,
        path: format!("plugins.{}", p.manifest.id),
        message: format!(
            "plugin {} `{}` {}",
            p.label(),
            hook.name(),
            outcome.describe()
        ),
        citation: format!("plugin {}", p.label()),
        remediation: format!(
            "the host contained the plugin; ask its author (operator {}) to fix it, or remove it from the plugin directory",
            p.manifest.operator
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::allowed_import;

    #[test]
    fn imports_are_matched_by_name_and_compatible_version() {
        for ok in [
            "ocpolicy:rules/plugin-host@0.3.0",
            "ocpolicy:rules/plugin-host@0.3.1",
            "ocpolicy:rules/types@0.3.0",
            "ocpolicy:rules/types@0.3.12",
        ] {
            assert!(allowed_import(ok), "{ok}");
        }
        for bad in [
            "ocpolicy:rules/plugin-host",
            "ocpolicy:rules/plugin-host@0.4.0",
            "ocpolicy:rules/plugin-host@0.3.",
            "ocpolicy:rules/plugin-host@0.3.1-rc",
            "ocpolicy:rules/eligibility@0.3.1",
            "wasi:filesystem/types@0.2.0",
        ] {
            assert!(!allowed_import(bad), "{bad}");
        }
    }
}
