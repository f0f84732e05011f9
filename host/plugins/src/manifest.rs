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
//! value = "…128 hex digits: the signature over the component's bytes…"
//! ```

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
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
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
#[derive(Debug, Clone, Deserialize, serde::Serialize)]
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
    /// The signature over the component's exact bytes, hex.
    pub value: String,
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
    /// Parse and check a manifest, naming the field at fault.
    pub fn parse(text: &str) -> Result<Manifest, String> {
        let m: Manifest = toml::from_str(text).map_err(|e| e.to_string())?;
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
