//! `ocpolicy plugin`: the operator plugin authoring kit (new, build, sign,
//! verify, inspect, test, keygen), and the `--plugins` options the checks take.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};
use clap::{Args, Subcommand, ValueEnum};
use sha2::{Digest, Sha256};

use super::{BadInput, Outcome};
use ocpolicy_plugins::{Manifest, PluginHost, PluginReport, Trust, manifest, sign};
use ocpolicy_rules::types as core;
use ocpolicy_runtime::CacheMode;

/// Options of the checks that run operator plugins.
#[derive(Args, Default)]
pub struct PluginArgs {
    /// A plugin directory (or a directory of them) to run beside the built-in rules.
    #[arg(long)]
    pub plugins: Option<PathBuf>,
    /// The trusted signing keys per operator (`[operators] OPX = ["<hex key>"]`).
    #[arg(long, requires = "plugins")]
    pub trust: Option<PathBuf>,
    /// Development mode: accept unsigned plugins and untrusted keys.
    #[arg(long, requires = "plugins")]
    pub dev: bool,
}

/// Set when a plugin given with `--plugins` did not load outside development
/// mode: the command's exit code is then at least 2 ([`exit_code`]).
static REFUSED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// The exit code of a command that ended with `outcome`: a configured plugin
/// that did not load makes it 2 (an input could not be used), whatever the
/// decision, which fails closed for that plugin's operator anyway.
pub fn exit_code(outcome: Outcome) -> Outcome {
    if REFUSED.load(std::sync::atomic::Ordering::Relaxed) && (outcome as u8) < 2 {
        Outcome::BadInput
    } else {
        outcome
    }
}

impl PluginArgs {
    /// The plugin host with the directory loaded, when `--plugins` was given.
    /// A plugin that fails to load is reported on standard error; its
    /// operator's decisions fail as its failure modes say (`PLUGIN-UNAVAILABLE`:
    /// eligibility and uploads denied), and the command exits 2. `--dev` makes
    /// that a warning and exit code of the decision alone, and says so.
    pub fn host(&self) -> Result<Option<PluginHost>> {
        self.load(true)
    }

    /// [`PluginArgs::host`] for `serve`, whose exit code is not a decision's:
    /// the server reports unavailable plugins on `/readyz` instead.
    pub fn server_host(&self) -> Result<Option<PluginHost>> {
        self.load(false)
    }

    fn load(&self, exit_2: bool) -> Result<Option<PluginHost>> {
        let Some(dir) = &self.plugins else {
            return Ok(None);
        };
        let trust = load_trust(self.trust.as_deref())?;
        let host = PluginHost::new(trust, self.dev, CacheMode::from_env())?;
        let report = host.load_dir(dir);
        for e in &report.errors {
            eprintln!(
                "plugin {} refused: {}",
                match (&e.operator, &e.id) {
                    (Some(o), Some(i)) => format!("{o}/{i} ({})", e.dir.display()),
                    _ => e.dir.display().to_string(),
                },
                e.reason
            );
        }
        if !report.unavailable.is_empty() {
            if self.dev {
                eprintln!(
                    "development mode: {} configured plugin(s) did not load; their decisions carry PLUGIN-UNAVAILABLE warnings instead of failing closed",
                    report.unavailable.len()
                );
            } else {
                eprintln!(
                    "{} configured plugin(s) did not load: their operators' eligibility and upload decisions are denied (PLUGIN-UNAVAILABLE), emergency and routing ones warned{}",
                    report.unavailable.len(),
                    if exit_2 {
                        ", and the command exits 2"
                    } else {
                        "; /readyz says degraded until they load"
                    }
                );
                if exit_2 {
                    REFUSED.store(true, std::sync::atomic::Ordering::Relaxed);
                }
            }
        }
        Ok(Some(host))
    }
}

/// Read a file the user named; a failure is bad input (exit 2) naming it.
fn read_named(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| BadInput(format!("cannot read {}: {e}", path.display())).into())
}

/// The trusted keys from a trust file, or none.
fn load_trust(path: Option<&Path>) -> Result<Trust> {
    let Some(p) = path else {
        return Ok(Trust::default());
    };
    let text = String::from_utf8(read_named(p)?)
        .map_err(|_| BadInput(format!("{}: not UTF-8 text", p.display())))?;
    Ok(Trust::parse(&text).map_err(|e| BadInput(format!("{}: {e}", p.display())))?)
}

/// A decision with the plugins' part applied, as JSON with a `plugins` key.
pub fn with_report(decision_json: &str, report: &PluginReport) -> Result<(bool, String)> {
    let mut d: core::Decision = serde_json::from_str(decision_json)?;
    report.apply(&mut d);
    let mut v = serde_json::to_value(&d)?;
    v["plugins"] = serde_json::to_value(&report.runs)?;
    Ok((d.allowed, v.to_string()))
}

/// The operator plugin kit.
#[derive(Subcommand)]
pub enum PluginCommand {
    /// Create a plugin project from the template (a working plugin, its manifest and cases).
    New(NewCommand),
    /// Build a plugin project into `plugin.wasm` and record its SHA-256 in `plugin.toml`.
    Build(BuildCommand),
    /// Make an ed25519 key pair for signing plugins.
    Keygen(KeygenCommand),
    /// Sign a plugin: record the component's SHA-256 and an ed25519 signature in `plugin.toml`.
    Sign(SignCommand),
    /// Check a plugin as the server would load it: manifest, hash, signature, trust, imports, hooks.
    Verify(VerifyCommand),
    /// Show a plugin's world, imports, exports, hooks, size and hash.
    Inspect(InspectCommand),
    /// Run a plugin against its cases, reporting fuel, peak memory and time per case.
    Test(TestCommand),
}

impl PluginCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        match self {
            PluginCommand::New(c) => c.execute(),
            PluginCommand::Build(c) => c.execute(),
            PluginCommand::Keygen(c) => c.execute(),
            PluginCommand::Sign(c) => c.execute(),
            PluginCommand::Verify(c) => c.execute(),
            PluginCommand::Inspect(c) => c.execute(),
            PluginCommand::Test(c) => c.execute(),
        }
    }
}

/// Languages of the template.
#[derive(Clone, Copy, ValueEnum)]
pub enum Lang {
    /// Rust with wit-bindgen.
    Rust,
    /// JavaScript with componentize-js (npm).
    Js,
    /// Python with componentize-py (PyPI).
    #[value(alias = "py")]
    Python,
}

/// The componentize-py the kit is tested with (`python3 -m pip install componentize-py==0.25.1`).
pub const COMPONENTIZE_PY: &str = "0.25.1";

/// `ocpolicy plugin new`.
#[derive(Args)]
pub struct NewCommand {
    /// The plugin's id; also the directory created.
    pub name: String,
    /// The language.
    #[arg(long, value_enum, default_value = "rust")]
    pub lang: Lang,
    /// The operator id it belongs to.
    #[arg(long, default_value = "OPX")]
    pub operator: String,
}

const WIT_FILES: &[(&str, &str)] = &[
    ("types.wit", include_str!("../../../../wit/types.wit")),
    (
        "eligibility.wit",
        include_str!("../../../../wit/eligibility.wit"),
    ),
    (
        "emergency.wit",
        include_str!("../../../../wit/emergency.wit"),
    ),
    (
        "conferencing.wit",
        include_str!("../../../../wit/conferencing.wit"),
    ),
    ("worlds.wit", include_str!("../../../../wit/worlds.wit")),
];

const TEMPLATE_LIB: &str = r#"//! An ocpolicy operator plugin (world `rule-plugin`). Every hook returns extra
//! violations; the host calls only the hooks plugin.toml lists, and only for
//! requests that involve this plugin's operator.

// wit-bindgen's generated exports are `unsafe extern` functions.
#![allow(unsafe_code)]

wit_bindgen::generate!({ world: "rule-plugin", path: "wit" });

use exports::ocpolicy::rules::conferencing_hooks::Guest as Conferencing;
use exports::ocpolicy::rules::eligibility_hooks::Guest as Eligibility;
use exports::ocpolicy::rules::emergency_hooks::Guest as Emergency;
use ocpolicy::rules::types::{
    AddressCheck, BridgeCheck, DialOut, EligibilityRequest, NetworkContext, Resolution,
    RouteDecision, Severity, UploadNumbers, Violation,
};

struct Plugin;

impl Eligibility for Plugin {
    /// Example rule: only numbers under +1 425 555 may be assigned.
    fn check_eligibility(request: EligibilityRequest) -> Vec<Violation> {
        match request {
            EligibilityRequest::AssignNumber(a) if !a.telephone_number.trim_start_matches('+').starts_with("1425555") => {
                vec![Violation {
                    code: "RANGE".into(),
                    severity: Severity::Error,
                    path: "request.telephone_number".into(),
                    message: format!("{} is not in our ranges", a.telephone_number),
                    citation: "[our service terms]".into(),
                    remediation: "use one of our numbers".into(),
                }]
            }
            _ => Vec::new(),
        }
    }

    fn check_upload(_upload: UploadNumbers) -> Vec<Violation> {
        Vec::new()
    }
}

impl Emergency for Plugin {
    fn check_address(_check: AddressCheck) -> Vec<Violation> {
        Vec::new()
    }

    fn check_resolution(_context: NetworkContext, _resolution: Resolution) -> Vec<Violation> {
        Vec::new()
    }
}

impl Conferencing for Plugin {
    fn check_bridge(_check: BridgeCheck) -> Vec<Violation> {
        Vec::new()
    }

    fn check_route(_dial_out: DialOut, _decision: RouteDecision) -> Vec<Violation> {
        Vec::new()
    }
}

export!(Plugin);
"#;

const TEMPLATE_JS: &str = include_str!("../../../../guest/plugins/fourth-coffee-js/src/plugin.js");
const TEMPLATE_JS_BUILD: &str =
    include_str!("../../../../guest/plugins/fourth-coffee-js/build.mjs");
const TEMPLATE_JS_PACKAGE: &str =
    include_str!("../../../../guest/plugins/fourth-coffee-js/package.json");
const TEMPLATE_PY: &str = include_str!("../../../../guest/plugins/tailspin-py/app.py");
const TEMPLATE_PY_CASES: &str = include_str!("../../../../guest/plugins/tailspin-py/cases.json");

impl NewCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let dir = PathBuf::from(&self.name);
        if dir.exists() {
            return Err(BadInput(format!(
                "{} already exists; choose another name",
                dir.display()
            ))
            .into());
        }
        let crate_name = self.name.replace(['.', '-'], "_");
        std::fs::create_dir_all(dir.join("src"))?;
        std::fs::create_dir_all(dir.join("wit"))?;
        for (name, text) in WIT_FILES {
            std::fs::write(dir.join("wit").join(name), text)?;
        }
        match self.lang {
            Lang::Js => return self.js(&dir),
            Lang::Python => return self.python(&dir),
            Lang::Rust => {}
        }
        std::fs::write(
            dir.join("Cargo.toml"),
            format!(
                "[package]\nname = \"{crate_name}\"\nversion = \"0.1.0\"\nedition = \"2024\"\n\n[lib]\ncrate-type = [\"cdylib\"]\n\n[dependencies]\nwit-bindgen = {{ version = \"0.61\", default-features = false, features = [\"macros\", \"realloc\"] }}\n\n[profile.release]\nopt-level = \"s\"\nlto = true\n\n[workspace]\n"
            ),
        )?;
        std::fs::write(dir.join("src/lib.rs"), TEMPLATE_LIB)?;
        // Every call gets a fresh instance: a small shadow stack keeps it cheap.
        std::fs::create_dir_all(dir.join(".cargo"))?;
        std::fs::write(
            dir.join(".cargo/config.toml"),
            "[target.wasm32-unknown-unknown]\nrustflags = [\"-C\", \"link-arg=-zstack-size=65536\"]\n",
        )?;
        std::fs::write(
            dir.join("plugin.toml"),
            format!(
                "id = \"{}\"\nversion = \"0.1.0\"\noperator = \"{}\"\ncomponent = \"plugin.wasm\"\nsha256 = \"{}\"\nhooks = [\"check-eligibility\"]\ncountries = []\n\n[limits]\nfuel = 11000000\nmemory-mib = 16\nmax-violations = 100\nmax-message-len = 1024\n",
                self.name,
                self.operator,
                "0".repeat(64)
            ),
        )?;
        let number = |n: &str, op: &str| {
            serde_json::json!({"telephone_number": n, "number_type": "OperatorConnect", "activation_state": "Activated",
                "capabilities": ["UserAssignment"], "assignment_status": "Unassigned", "iso_country_code": "US",
                "location_update_supported": true, "operator_id": op})
        };
        let tenant = serde_json::json!({"tenant_id": "t1", "accounts": [], "numbers": [number("+14255550100", &self.operator), number("+13125550100", &self.operator)],
            "operators": [], "civic_addresses": [], "locations": [], "voice_routes": [], "voice_routing_policies": []});
        let assign = |n: &str| serde_json::json!({"AssignNumber": {"target": "alice@contoso.com", "target_kind": "User", "telephone_number": n, "number_type": "OperatorConnect"}});
        let cases = serde_json::json!([
            {"name": "in range", "tenant": tenant, "request": assign("+14255550100"), "expect": {"codes": [], "outcome": "Ok"}},
            {"name": "out of range", "tenant": tenant, "request": assign("+13125550100"), "expect": {"codes": [format!("{}/RANGE", self.name)], "outcome": "Ok"}}
        ]);
        std::fs::write(
            dir.join("cases.json"),
            serde_json::to_string_pretty(&cases)?,
        )?;
        println!(
            "created {0}/ (Rust, world rule-plugin, operator {1})\n\nnext:\n  ocpolicy plugin build {0}\n  ocpolicy plugin test {0} --dev\n  ocpolicy plugin keygen --out key.hex && ocpolicy plugin sign {0} --key key.hex",
            dir.display(),
            self.operator
        );
        Ok(Outcome::Allowed)
    }
}

impl NewCommand {
    /// The Python template: the Tailspin example, renamed, for componentize-py.
    fn python(&self, dir: &Path) -> Result<Outcome> {
        std::fs::remove_dir(dir.join("src"))?;
        std::fs::write(dir.join("app.py"), TEMPLATE_PY)?;
        std::fs::write(
            dir.join("plugin.toml"),
            format!(
                "id = \"{}\"\nversion = \"0.1.0\"\noperator = \"{}\"\ncomponent = \"plugin.wasm\"\nsha256 = \"{}\"\nhooks = [\"check-eligibility\", \"check-upload\"]\ncountries = []\n# componentize-py always imports WASI: the host links a locked-down one.\nwasi = true\n\n# A Python interpreter needs more than a Rust plugin: a one-rule plugin peaks\n# at about 12.4 MiB and 0.3 M fuel per call (see the plugin guide).\n[limits]\nfuel = 50000000\nmemory-mib = 32\nmax-violations = 100\nmax-message-len = 1024\n",
                self.name,
                self.operator,
                "0".repeat(64)
            ),
        )?;
        let cases = TEMPLATE_PY_CASES
            .replace("tailspin-py/", &format!("{}/", self.name))
            .replace("\"OPT\"", &serde_json::to_string(&self.operator)?);
        std::fs::write(dir.join("cases.json"), cases)?;
        println!(
            "created {0}/ (Python, componentize-py {COMPONENTIZE_PY}, world rule-plugin, operator {1})\n\nnext:\n  python3 -m pip install componentize-py=={COMPONENTIZE_PY}   (once)\n  ocpolicy plugin build {0}\n  ocpolicy plugin test {0} --dev",
            dir.display(),
            self.operator
        );
        Ok(Outcome::Allowed)
    }

    /// The JavaScript template: the Fourth Coffee example, renamed.
    fn js(&self, dir: &Path) -> Result<Outcome> {
        std::fs::write(dir.join("src/plugin.js"), TEMPLATE_JS)?;
        std::fs::write(
            dir.join("build.mjs"),
            TEMPLATE_JS_BUILD.replace("'../../../wit'", "'wit'"),
        )?;
        std::fs::write(
            dir.join("package.json"),
            TEMPLATE_JS_PACKAGE.replace("ocpolicy-plugin-fourth-coffee-js", &self.name),
        )?;
        std::fs::write(
            dir.join("plugin.toml"),
            format!(
                "id = \"{}\"\nversion = \"0.1.0\"\noperator = \"{}\"\ncomponent = \"plugin.wasm\"\nsha256 = \"{}\"\nhooks = [\"check-eligibility\"]\ncountries = []\n\n# A JavaScript engine needs more than a Rust plugin.\n[limits]\nfuel = 200000000\nmemory-mib = 64\nmax-violations = 100\nmax-message-len = 1024\n",
                self.name,
                self.operator,
                "0".repeat(64)
            ),
        )?;
        let number = |n: &str| {
            serde_json::json!({"telephone_number": n, "number_type": "OperatorConnect", "activation_state": "Activated",
                "capabilities": ["UserAssignment"], "assignment_status": "Unassigned", "iso_country_code": "US",
                "location_update_supported": true, "operator_id": self.operator})
        };
        let tenant = serde_json::json!({"tenant_id": "t1", "accounts": [], "numbers": [number("+18005550100"), number("+14255550100")],
            "operators": [], "civic_addresses": [], "locations": [], "voice_routes": [], "voice_routing_policies": []});
        let assign = |n: &str| serde_json::json!({"AssignNumber": {"target": "alice@contoso.com", "target_kind": "User", "telephone_number": n, "number_type": "OperatorConnect"}});
        let cases = serde_json::json!([
            {"name": "geographic", "tenant": tenant, "request": assign("+14255550100"), "expect": {"codes": [], "outcome": "Ok"}},
            {"name": "toll-free", "tenant": tenant, "request": assign("+18005550100"), "expect": {"codes": [format!("{}/OPJ-TOLLFREE", self.name)], "outcome": "Ok"}}
        ]);
        std::fs::write(
            dir.join("cases.json"),
            serde_json::to_string_pretty(&cases)?,
        )?;
        println!(
            "created {0}/ (JavaScript, componentize-js, world rule-plugin, operator {1})\n\nnext:\n  ocpolicy plugin build {0}      (runs npm install, then node build.mjs)\n  ocpolicy plugin test {0} --dev",
            dir.display(),
            self.operator
        );
        Ok(Outcome::Allowed)
    }
}

/// `ocpolicy plugin build`.
#[derive(Args)]
pub struct BuildCommand {
    /// The plugin project: plugin.toml beside Cargo.toml (Rust), package.json
    /// (JavaScript, componentize-js) or app.py (Python, componentize-py).
    pub dir: PathBuf,
}

impl BuildCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        if self.dir.join("package.json").is_file() {
            return self.js();
        }
        if self.dir.join("app.py").is_file() {
            return self.python();
        }
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&self.dir)
            .args(["build", "--release", "--target", "wasm32-unknown-unknown"])
            .status()
            .context("running cargo (is the Rust toolchain installed?)")?;
        if !status.success() {
            bail!(
                "cargo build failed ({status}); see the messages above (`rustup target add wasm32-unknown-unknown` if the target is missing)"
            );
        }
        let manifest = std::fs::read_to_string(self.dir.join("Cargo.toml"))?;
        let name = manifest
            .lines()
            .find_map(|l| {
                l.strip_prefix("name = \"")
                    .and_then(|r| r.strip_suffix('"'))
            })
            .context("Cargo.toml has no package name")?
            .replace('-', "_");
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| self.dir.join("target"));
        let module_path = target
            .join("wasm32-unknown-unknown/release")
            .join(format!("{name}.wasm"));
        let module = std::fs::read(&module_path)
            .with_context(|| format!("reading {}", module_path.display()))?;
        let component = wit_component::ComponentEncoder::default()
            .module(&module)
            .and_then(|e| e.validate(true).encode())
            .context("turning the module into a component")?;
        std::fs::write(self.dir.join("plugin.wasm"), &component)?;
        let (sha, _) = set_manifest(&self.dir, &component, None)?;
        println!(
            "built {}/plugin.wasm: {} bytes, sha256 {sha} (recorded in plugin.toml; sign it again if it was signed)",
            self.dir.display(),
            component.len()
        );
        Ok(Outcome::Allowed)
    }
}

impl BuildCommand {
    /// A Python project (`app.py`): componentize-py against the project's
    /// `wit/` (or the nearest enclosing one, as in this repository).
    fn python(&self) -> Result<Outcome> {
        let dir = std::path::absolute(&self.dir)?;
        let wit = dir
            .ancestors()
            .map(|d| d.join("wit"))
            .find(|w| w.join("worlds.wit").is_file())
            .ok_or_else(|| {
                BadInput(format!(
                    "{}: no wit/ with worlds.wit here or above; `ocpolicy plugin new --lang python` writes one",
                    dir.display()
                ))
            })?;
        let status = Command::new("componentize-py")
            .current_dir(&dir)
            .arg("-d")
            .arg(&wit)
            .args(["-w", "rule-plugin", "componentize", "app", "-o", "plugin.wasm"])
            .status()
            .with_context(|| {
                format!("running componentize-py (install it: python3 -m pip install componentize-py=={COMPONENTIZE_PY})")
            })?;
        if !status.success() {
            bail!("componentize-py failed ({status}); see the messages above");
        }
        let component = std::fs::read(dir.join("plugin.wasm"))?;
        let (sha, _) = set_manifest(&dir, &component, None)?;
        println!(
            "built {}/plugin.wasm: {} bytes, sha256 {sha} (recorded in plugin.toml)",
            self.dir.display(),
            component.len()
        );
        Ok(Outcome::Allowed)
    }

    /// A JavaScript project: `npm install` (if needed), then `node build.mjs`.
    fn js(&self) -> Result<Outcome> {
        if !self.dir.join("node_modules").exists() {
            let status = Command::new("npm")
                .current_dir(&self.dir)
                .args(["install", "--no-audit", "--no-fund"])
                .status()
                .context("running npm (is Node.js installed?)")?;
            if !status.success() {
                bail!("npm install failed ({status})");
            }
        }
        let status = Command::new("node")
            .current_dir(&self.dir)
            .args(["build.mjs", "wit", "plugin.wasm"])
            .status()
            .context("running node (is Node.js installed?)")?;
        if !status.success() {
            bail!("node build.mjs failed ({status}); see the messages above");
        }
        let component = std::fs::read(self.dir.join("plugin.wasm"))?;
        let (sha, _) = set_manifest(&self.dir, &component, None)?;
        println!(
            "built {}/plugin.wasm: {} bytes, sha256 {sha} (recorded in plugin.toml)",
            self.dir.display(),
            component.len()
        );
        Ok(Outcome::Allowed)
    }
}

/// Rewrite plugin.toml's `sha256` (added when missing) and sign it with
/// `secret` when given, or drop its `[signature]` (a rebuilt component needs
/// signing again). Returns the hash and the signing key.
fn set_manifest(
    dir: &Path,
    component: &[u8],
    secret: Option<(&str, &Path)>,
) -> Result<(String, Option<String>)> {
    let path = dir.join("plugin.toml");
    let text = String::from_utf8(read_named(&path)?)
        .map_err(|_| BadInput(format!("{}: not UTF-8", path.display())))?;
    let sha = hex::encode(Sha256::digest(component));
    let text = manifest::with_sha256(&text, &sha);
    let signature = match secret {
        None => None,
        Some((secret, key_file)) => {
            let m =
                Manifest::parse(&text).map_err(|e| BadInput(format!("{}: {e}", path.display())))?;
            Some(
                sign::sign_manifest(secret, &m)
                    .map_err(|e| BadInput(format!("{}: {e}", key_file.display())))?,
            )
        }
    };
    let key = signature.as_ref().map(|s| s.key.clone());
    let text = manifest::with_signature(&text, signature.as_ref());
    std::fs::write(&path, text).with_context(|| format!("writing {}", path.display()))?;
    Ok((sha, key))
}

fn component_of(dir: &Path) -> Result<(PathBuf, Vec<u8>)> {
    let text = String::from_utf8_lossy(&read_named(&dir.join("plugin.toml"))?).into_owned();
    let name = text
        .lines()
        .find_map(|l| {
            let l = l.trim();
            l.strip_prefix("component")
                .and_then(|r| r.trim_start().strip_prefix('='))
                .map(|r| r.trim().trim_matches('"').to_string())
        })
        .unwrap_or_else(|| "plugin.wasm".into());
    let path = dir.join(name);
    let bytes = read_named(&path)?;
    Ok((path, bytes))
}

/// `ocpolicy plugin keygen`.
#[derive(Args)]
pub struct KeygenCommand {
    /// Write the secret key (hex) to this file, readable by you only.
    #[arg(long)]
    pub out: PathBuf,
}

impl KeygenCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let (secret, public) = sign::keygen().map_err(anyhow::Error::msg)?;
        write_secret(&self.out, &secret)?;
        println!(
            "secret key: {} (keep it secret)\npublic key: {public}\n\ntrust it on the server (trust.toml):\n  [operators]\n  <your operator id> = [\"{public}\"]",
            self.out.display()
        );
        Ok(Outcome::Allowed)
    }
}

#[cfg(unix)]
fn write_secret(path: &Path, secret: &str) -> Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {} (it must not exist yet)", path.display()))?;
    writeln!(f, "{secret}")?;
    Ok(())
}

#[cfg(not(unix))]
fn write_secret(path: &Path, secret: &str) -> Result<()> {
    std::fs::write(path, format!("{secret}\n"))
        .with_context(|| format!("writing {}", path.display()))
}

/// `ocpolicy plugin sign`.
#[derive(Args)]
pub struct SignCommand {
    /// The plugin directory.
    pub dir: PathBuf,
    /// The secret key file (from `ocpolicy plugin keygen`).
    #[arg(long)]
    pub key: PathBuf,
}

impl SignCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let secret = String::from_utf8_lossy(&read_named(&self.key)?).into_owned();
        let (_, bytes) = component_of(&self.dir)?;
        let (sha, key) = set_manifest(&self.dir, &bytes, Some((secret.trim(), &self.key)))?;
        let key = key.unwrap_or_default();
        println!(
            "signed {} with key {key}: the component (sha256 {sha}) and every field of plugin.toml but [signature]",
            self.dir.display()
        );
        Ok(Outcome::Allowed)
    }
}

/// `ocpolicy plugin verify`.
#[derive(Args)]
pub struct VerifyCommand {
    /// The plugin directory.
    pub dir: PathBuf,
    /// The trusted keys per operator, as the server has them.
    #[arg(long)]
    pub trust: Option<PathBuf>,
    /// Development mode: accept unsigned plugins and untrusted keys.
    #[arg(long)]
    pub dev: bool,
}

impl VerifyCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let trust = load_trust(self.trust.as_deref())?;
        let host = PluginHost::new(trust, self.dev, CacheMode::from_env())?;
        match host.load_one(&self.dir) {
            Ok(p) => {
                println!(
                    "OK: {} (operator {}, {} bytes, sha256 {}, {})",
                    p.label(),
                    p.manifest.operator,
                    p.size,
                    p.sha256,
                    if p.trusted {
                        "signed by a trusted key; the signature covers the component and every field of plugin.toml but [signature], unchanged since signing"
                    } else {
                        "development mode: not trusted"
                    }
                );
                Ok(Outcome::Allowed)
            }
            Err((_, reason)) => {
                println!("REFUSED: {reason}");
                Ok(Outcome::Denied)
            }
        }
    }
}

/// `ocpolicy plugin inspect`.
#[derive(Args)]
pub struct InspectCommand {
    /// The plugin directory.
    pub dir: PathBuf,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

impl InspectCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let host = PluginHost::new(Trust::default(), true, CacheMode::from_env())?;
        let p = match host.load_one(&self.dir) {
            Ok(p) => p,
            Err((_, reason)) => {
                eprintln!("cannot load {}: {reason}", self.dir.display());
                return Ok(Outcome::BadInput);
            }
        };
        let info = serde_json::json!({
            "plugin": p.label(), "operator": p.manifest.operator, "world": "ocpolicy:rules/rule-plugin@0.3.1",
            "imports": p.imports, "exports": p.exports, "other_exports": p.other_exports,
            "hooks": p.manifest.hooks.iter().map(|h| h.name()).collect::<Vec<_>>(),
            "countries": p.manifest.countries, "size": p.size, "sha256": p.sha256,
            "signed": p.manifest.signature.is_some(),
            // What the signature covers, as it was signed (and, since the
            // plugin loaded, as the manifest still says).
            "signature": p.manifest.signature.as_ref().map(|s| serde_json::json!({
                "key": s.key,
                "covers": serde_json::from_str::<serde_json::Value>(&s.covers).unwrap_or_default(),
            })),
            "wasi": p.manifest.wasi, "limits": p.manifest.limits, "failure": p.manifest.failure,
        });
        if self.json {
            println!("{info}");
        } else {
            println!("{} (operator {})", p.label(), p.manifest.operator);
            println!("  world:    ocpolicy:rules/rule-plugin@0.3.1");
            println!("  imports:  {}", p.imports.join(", "));
            println!("  exports:  {}", p.exports.join(", "));
            if !p.other_exports.is_empty() {
                println!(
                    "  also:     {} (the toolchain's own; never called)",
                    p.other_exports.join(", ")
                );
            }
            println!(
                "  hooks:    {}",
                p.manifest
                    .hooks
                    .iter()
                    .map(|h| h.name())
                    .collect::<Vec<_>>()
                    .join(", ")
            );
            println!("  size:     {} bytes, sha256 {}", p.size, p.sha256);
            match &p.manifest.signature {
                Some(s) => println!(
                    "  signed:   by key {}, covering the component's sha256, id, version, operator, component, hooks, countries, wasi, limits and failure modes (unchanged since signing)",
                    s.key
                ),
                None => println!("  signed:   no (loads only in development mode)"),
            }
            let l = &p.manifest.limits;
            println!(
                "  limits:   fuel {}, memory {} MiB, {} violations, {} bytes per string",
                l.fuel, l.memory_mib, l.max_violations, l.max_message_len
            );
        }
        Ok(Outcome::Allowed)
    }
}

/// `ocpolicy plugin test`.
#[derive(Args)]
pub struct TestCommand {
    /// The plugin directory.
    pub dir: PathBuf,
    /// The cases file (default: `cases.json` in the plugin directory): [{"name", "tenant",
    /// "request" | "address", "expect": {"codes": [...], "outcome": "Ok"}}].
    #[arg(long)]
    pub cases: Option<PathBuf>,
    /// The trusted keys; without it (or with --dev) the plugin is tested in development mode.
    #[arg(long)]
    pub trust: Option<PathBuf>,
    /// Development mode.
    #[arg(long)]
    pub dev: bool,
    /// Print JSON lines, one per case.
    #[arg(long)]
    pub json: bool,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    tenant: Option<core::Tenant>,
    request: Option<core::EligibilityRequest>,
    address: Option<core::AddressCheck>,
    expect: Expect,
}

#[derive(serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    codes: Vec<String>,
    #[serde(default)]
    outcome: Option<String>,
}

impl TestCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let trust = load_trust(self.trust.as_deref())?;
        let dev = self.dev || self.trust.is_none();
        let host = PluginHost::new(trust, dev, CacheMode::from_env())?;
        let report = host.load_dir(&self.dir);
        if let Some(e) = report.errors.first() {
            eprintln!("cannot load {}: {}", self.dir.display(), e.reason);
            return Ok(Outcome::BadInput);
        }
        let path = self
            .cases
            .clone()
            .unwrap_or_else(|| self.dir.join("cases.json"));
        let text = read_named(&path)?;
        let cases: Vec<Case> = match ocpolicy_rules::json::from_slice(&text) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{}: {} at `{}`", path.display(), e.message, e.path);
                return Ok(Outcome::BadInput);
            }
        };
        let mut failed = 0;
        for c in &cases {
            let r = match (&c.request, &c.address) {
                (Some(req), _) => host.eligibility(
                    std::sync::Arc::new(c.tenant.clone().unwrap_or_else(empty_tenant)),
                    req,
                ),
                (None, Some(a)) => host.address(a),
                (None, None) => {
                    eprintln!("case `{}`: give a `request` or an `address`", c.name);
                    return Ok(Outcome::BadInput);
                }
            };
            let codes: Vec<String> = r.violations.iter().map(|v| v.code.clone()).collect();
            let outcome = r
                .runs
                .first()
                .map(|x| x.outcome.name())
                .unwrap_or("NotCalled");
            let ok =
                codes == c.expect.codes && c.expect.outcome.as_deref().is_none_or(|o| o == outcome);
            if !ok {
                failed += 1;
            }
            let run = r.runs.first();
            if self.json {
                println!(
                    "{}",
                    serde_json::json!({"case": c.name, "pass": ok, "codes": codes, "violations": r.violations, "outcome": outcome,
                    "fuel": run.map(|x| x.fuel), "peak_memory": run.map(|x| x.peak_memory), "micros": run.map(|x| x.micros)})
                );
            } else {
                println!(
                    "{} {:<28} outcome {:<16} fuel {:>10}  memory {:>8} KiB  {:>6} µs  codes {:?}{}",
                    if ok { "PASS" } else { "FAIL" },
                    c.name,
                    outcome,
                    run.map_or(0, |x| x.fuel),
                    run.map_or(0, |x| x.peak_memory / 1024),
                    run.map_or(0, |x| x.micros),
                    codes,
                    if ok {
                        String::new()
                    } else {
                        format!(
                            "  (expected {:?}, {})",
                            c.expect.codes,
                            c.expect.outcome.as_deref().unwrap_or("any outcome")
                        )
                    }
                );
            }
        }
        println!("{} of {} cases passed", cases.len() - failed, cases.len());
        Ok(if failed == 0 {
            Outcome::Allowed
        } else {
            Outcome::Denied
        })
    }
}

fn empty_tenant() -> core::Tenant {
    core::Tenant {
        tenant_id: String::new(),
        accounts: Vec::new(),
        numbers: Vec::new(),
        operators: Vec::new(),
        civic_addresses: Vec::new(),
        locations: Vec::new(),
        voice_routes: Vec::new(),
        voice_routing_policies: Vec::new(),
    }
}
