//! The plugin manifest, `plugin.toml`, beside the component.
//!
//! ```toml
//! id = "northwind-ranges"
//! version = "1.0.0"
//! operator = "OPX"
//! component = "plugin.wasm"
//! sha256 = "…64 hex digits of the component's SHA-256…"
//! hooks = ["check-eligibility", "check-upload", "check-address", "check-route"]
//! countries = ["US", "CA"]
//!
//! [limits]
//! fuel = 11000000          # per call; deterministic
//! memory-mib = 16          # linear memory cap
//! max-violations = 100
//! max-message-len = 1024   # per string field of a violation
//!
//! [failure]                # what a plugin failure does, per rule class
//! eligibility = "deny"     # deny (fail closed) | warn
//! upload = "deny"
//! emergency = "warn"       # emergency and routing never block
//! routing = "warn"
//!
//! [signature]
//! key = "…64 hex digits: the ed25519 public key…"
//! value = "…128 hex digits: the signature over `covers`…"
//! covers = '{"format":"ocpolicy-plugin-signature/1","id":…}'
//! ```
//!
//! The signature covers a [`Statement`]: every field above that changes what
//! the plugin does or how it is trusted (the component's SHA-256, id, version,
//! operator, component file, hooks, countries, wasi, limits and failure modes),
//! as canonical JSON. `covers` keeps the statement as signed, so an edit after
//! signing is refused naming the field that changed.

use serde::Deserialize;

/// A hook a plugin may implement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hook {
    /// `eligibility-hooks.check-eligibility`.
    CheckEligibility,
    /// `eligibility-hooks.check-upload`.
    CheckUpload,
    /// `emergency-hooks.check-address`.
    CheckAddress,
    /// `emergency-hooks.check-resolution`.
    CheckResolution,
    /// `conferencing-hooks.check-bridge`.
    CheckBridge,
    /// `conferencing-hooks.check-route`.
    CheckRoute,
}

impl Hook {
    /// Its name in the WIT and the manifest.
    pub fn name(self) -> &'static str {
        match self {
            Hook::CheckEligibility => "check-eligibility",
            Hook::CheckUpload => "check-upload",
            Hook::CheckAddress => "check-address",
            Hook::CheckResolution => "check-resolution",
            Hook::CheckBridge => "check-bridge",
            Hook::CheckRoute => "check-route",
        }
    }

    /// The rule class its failures fall under.
    pub fn class(self) -> RuleClass {
        match self {
            Hook::CheckEligibility => RuleClass::Eligibility,
            Hook::CheckUpload => RuleClass::Upload,
            Hook::CheckAddress | Hook::CheckResolution => RuleClass::Emergency,
            Hook::CheckBridge | Hook::CheckRoute => RuleClass::Routing,
        }
    }
}

/// The rule classes, each with its own failure mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleClass {
    /// Eligibility requests.
    Eligibility,
    /// Operator uploads.
    Upload,
    /// Addresses and location resolution.
    Emergency,
    /// The bridge and dial-out routing.
    Routing,
}

/// What a plugin failure does to the decision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailureMode {
    /// Fail closed: the decision is denied (`PLUGIN-FAILED`, an error).
    Deny,
    /// Fail open: a warning (`PLUGIN-FAILED`, a warning); the built-in answer stands.
    Warn,
}

/// Per-call limits.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Limits {
    /// Fuel per call (roughly one unit per WebAssembly instruction).
    #[serde(default = "default_fuel")]
    pub fuel: u64,
    /// Linear memory cap, MiB.
    #[serde(default = "default_memory")]
    pub memory_mib: u32,
    /// The most violations one call may return.
    #[serde(default = "default_violations")]
    pub max_violations: u32,
    /// The longest string field of a returned violation, in bytes.
    #[serde(default = "default_message")]
    pub max_message_len: u32,
}

fn default_fuel() -> u64 {
    11_000_000
}
fn default_memory() -> u32 {
    16
}
fn default_violations() -> u32 {
    100
}
fn default_message() -> u32 {
    1024
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            fuel: default_fuel(),
            memory_mib: default_memory(),
            max_violations: default_violations(),
            max_message_len: default_message(),
        }
    }
}

/// The host's ceilings: a manifest may ask for less, never more.
pub const MAX_FUEL: u64 = 1_000_000_000;
/// The most memory a manifest may ask for, MiB.
pub const MAX_MEMORY_MIB: u32 = 256;
/// The most violations a manifest may allow per call.
pub const MAX_VIOLATIONS: u32 = 10_000;
/// The longest message a manifest may allow, bytes.
pub const MAX_MESSAGE_LEN: u32 = 64 * 1024;

/// Failure modes per rule class.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    /// Eligibility (default: deny).
    #[serde(default = "deny")]
    pub eligibility: FailureMode,
    /// Uploads (default: deny).
    #[serde(default = "deny")]
    pub upload: FailureMode,
    /// Emergency (default and only: warn; emergency answers are never blocked by a failing plugin).
    #[serde(default = "warn")]
    pub emergency: FailureMode,
    /// Routing (default and only: warn).
    #[serde(default = "warn")]
    pub routing: FailureMode,
}

fn deny() -> FailureMode {
    FailureMode::Deny
}
fn warn() -> FailureMode {
    FailureMode::Warn
}

impl Default for Failure {
    fn default() -> Self {
        Failure {
            eligibility: FailureMode::Deny,
            upload: FailureMode::Deny,
            emergency: FailureMode::Warn,
            routing: FailureMode::Warn,
        }
    }
}

impl Failure {
    /// The failure mode of a rule class.
    pub fn mode(&self, class: RuleClass) -> FailureMode {
        match class {
            RuleClass::Eligibility => self.eligibility,
            RuleClass::Upload => self.upload,
            RuleClass::Emergency => self.emergency,
            RuleClass::Routing => self.routing,
        }
    }
}

/// The signature block.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Signature {
    /// The ed25519 public key, hex.
    pub key: String,
    /// The signature over `covers`, hex.
    pub value: String,
    /// The [`Statement`] as signed (canonical JSON).
    pub covers: String,
}

/// The format tag of a [`Statement`].
pub const STATEMENT_FORMAT: &str = "ocpolicy-plugin-signature/1";

/// What a signature covers: everything in a manifest that changes what the
/// plugin does or whom it speaks for. Only `[signature]` itself is left out.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Statement {
    /// [`STATEMENT_FORMAT`].
    pub format: String,
    /// The plugin's id.
    pub id: String,
    /// Its version.
    pub version: String,
    /// Its operator.
    pub operator: String,
    /// The component file.
    pub component: String,
    /// The component's SHA-256, lower-case hex.
    pub sha256: String,
    /// The hooks, in the manifest's order.
    pub hooks: Vec<Hook>,
    /// The countries, in the manifest's order.
    pub countries: Vec<String>,
    /// Whether it asks for WASI.
    pub wasi: bool,
    /// Its limits.
    pub limits: Limits,
    /// Its failure modes.
    pub failure: Failure,
}

impl Statement {
    /// The bytes that are signed: the statement as compact JSON, its fields in
    /// the order above.
    pub fn canonical(&self) -> String {
        // A struct of strings, lists, numbers and booleans always serializes.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The fields in which `now` differs from `self` (the signed statement),
    /// each as `field (signed X, now Y)`.
    pub fn changes(&self, now: &Statement) -> Vec<String> {
        let (a, b) = (flat(self), flat(now));
        a.iter()
            .filter_map(|(k, v)| {
                let w = b.iter().find(|(l, _)| l == k).map(|(_, w)| w);
                (w != Some(v)).then(|| {
                    format!(
                        "{k} (signed {v}, now {})",
                        w.map(|w| w.to_string()).unwrap_or_else(|| "absent".into())
                    )
                })
            })
            .collect()
    }
}

/// A statement's fields as (dotted path, value), tables flattened.
fn flat(s: &Statement) -> Vec<(String, serde_json::Value)> {
    fn walk(prefix: &str, v: serde_json::Value, out: &mut Vec<(String, serde_json::Value)>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, v) in m {
                    let path = if prefix.is_empty() {
                        k
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&path, v, out);
                }
            }
            v => out.push((prefix.to_string(), v)),
        }
    }
    let mut out = Vec::new();
    walk("", serde_json::to_value(s).unwrap_or_default(), &mut out);
    out
}

/// `plugin.toml`.
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// The plugin's id (letters, digits, '-', '_', '.').
    pub id: String,
    /// Its version.
    pub version: String,
    /// The operator it belongs to: it is called only for that operator's requests.
    pub operator: String,
    /// The component file, relative to the manifest (default `plugin.wasm`).
    #[serde(default = "default_component")]
    pub component: String,
    /// The SHA-256 of the component, hex.
    pub sha256: String,
    /// The hooks it implements; the others are never called.
    pub hooks: Vec<Hook>,
    /// The countries it covers (ISO 3166-1 alpha-2); empty: all of its operator's.
    #[serde(default)]
    pub countries: Vec<String>,
    /// Ask for WASI (components built from JavaScript or Python).
    #[serde(default)]
    pub wasi: bool,
    /// Per-call limits.
    #[serde(default)]
    pub limits: Limits,
    /// Failure modes per rule class.
    #[serde(default)]
    pub failure: Failure,
    /// The signature; without one the plugin loads only in development mode.
    pub signature: Option<Signature>,
}

fn default_component() -> String {
    "plugin.wasm".into()
}

impl Manifest {
    /// What a signature over this manifest covers.
    pub fn statement(&self) -> Statement {
        Statement {
            format: STATEMENT_FORMAT.into(),
            id: self.id.clone(),
            version: self.version.clone(),
            operator: self.operator.clone(),
            component: self.component.clone(),
            sha256: self.sha256.to_ascii_lowercase(),
            hooks: self.hooks.clone(),
            countries: self.countries.clone(),
            wasi: self.wasi,
            limits: self.limits.clone(),
            failure: self.failure.clone(),
        }
    }

    /// Parse and check a manifest, naming the field at fault.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let m: Manifest = toml::from_str(text).map_err(|e| with_fix(e.to_string()))?;
        let id_ok = !m.id.is_empty()
            && m.id.len() <= 64
            && m.id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
        if !id_ok {
            return Err(format!(
                "id: `{}` must be 1-64 letters, digits, '-', '_' or '.'",
                m.id
            ));
        }
        if m.operator.trim().is_empty() {
            return Err("operator: the operator id the plugin belongs to is required".into());
        }
        if m.component.contains("..") || m.component.starts_with('/') {
            return Err(format!(
                "component: `{}` must be a file beside the manifest",
                m.component
            ));
        }
        if m.sha256.len() != 64 || !m.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err("sha256: 64 hex digits (sha256sum of the component)".into());
        }
        if m.hooks.is_empty() {
            return Err("hooks: list the hooks the plugin implements".into());
        }
        let l = &m.limits;
        if l.fuel == 0 || l.fuel > MAX_FUEL {
            return Err(format!("limits.fuel: 1..={MAX_FUEL}"));
        }
        if l.memory_mib == 0 || l.memory_mib > MAX_MEMORY_MIB {
            return Err(format!("limits.memory-mib: 1..={MAX_MEMORY_MIB}"));
        }
        if l.max_violations > MAX_VIOLATIONS {
            return Err(format!("limits.max-violations: at most {MAX_VIOLATIONS}"));
        }
        if l.max_message_len == 0 || l.max_message_len > MAX_MESSAGE_LEN {
            return Err(format!("limits.max-message-len: 1..={MAX_MESSAGE_LEN}"));
        }
        if m.failure.emergency == FailureMode::Deny || m.failure.routing == FailureMode::Deny {
            return Err(
                "failure: emergency and routing failures never block (they must be \"warn\")"
                    .into(),
            );
        }
        Ok(m)
    }
}

/// A TOML error with the fix for a missing field.
fn with_fix(error: String) -> String {
    let field = error
        .split("missing field `")
        .nth(1)
        .and_then(|r| r.split('`').next());
    let fix = match field {
        Some("sha256") => {
            "sha256 = \"<64 hex digits>\" records the component's SHA-256; `ocpolicy plugin build DIR` and `ocpolicy plugin sign DIR --key KEY` write it"
        }
        Some("id") => "id = \"<name>\" names the plugin (letters, digits, '-', '_', '.')",
        Some("version") => {
            "version = \"1.0.0\" is recorded in every decision the plugin contributes to"
        }
        Some("operator") => {
            "operator = \"<operator id>\" is the operator the plugin belongs to and is called for"
        }
        Some("hooks") => {
            "hooks = [\"check-eligibility\", ...] lists the hooks the component exports"
        }
        Some("covers") => {
            "this [signature] was made by an older ocpolicy and covers only the component's bytes; sign again with `ocpolicy plugin sign DIR --key KEY` so it covers the manifest too"
        }
        Some("key") | Some("value") => {
            "the [signature] table is written by `ocpolicy plugin sign DIR --key KEY`; sign again rather than editing it"
        }
        _ => return error,
    };
    format!("{}\nfix: {fix}", error.trim_end())
}

/// `text` with its top-level `sha256` set to `sha`: the line replaced, or
/// added before the first table when there is none.
pub fn with_sha256(text: &str, sha: &str) -> String {
    let line = format!("sha256 = \"{sha}\"");
    let mut out = String::new();
    let mut top = true;
    let mut done = false;
    for l in text.lines() {
        let t = l.trim_start();
        if t.starts_with('[')
            && t.trim_start_matches('[')
                .starts_with(|c: char| c.is_ascii_alphabetic())
        {
            if top && !done {
                out.push_str(&line);
                out.push('\n');
                done = true;
            }
            top = false;
        }
        let key = t.split('=').next().map(str::trim);
        if top && key == Some("sha256") && t.contains('=') {
            if !done {
                out.push_str(&line);
                out.push('\n');
                done = true;
            }
            continue;
        }
        out.push_str(l);
        out.push('\n');
    }
    if !done {
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// `text` without its `[signature]` table, and with `signature` appended
/// when given.
pub fn with_signature(text: &str, signature: Option<&Signature>) -> String {
    let mut out = String::new();
    let mut inside = false;
    for l in text.lines() {
        let t = l.trim();
        if t.starts_with('[') && !t.starts_with("[[") && t.ends_with(']') && !t.contains('"') {
            inside = t == "[signature]";
        }
        if !inside {
            out.push_str(l);
            out.push('\n');
        }
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    if let Some(s) = signature {
        // A JSON string is a TOML basic string: the same quotes and escapes.
        let quote = |v: &str| serde_json::to_string(v).unwrap_or_default();
        out.push_str(&format!(
            "\n[signature]\nkey = {}\nvalue = {}\ncovers = {}\n",
            quote(&s.key),
            quote(&s.value),
            quote(&s.covers)
        ));
    }
    out
}
