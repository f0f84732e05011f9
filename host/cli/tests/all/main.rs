//! The host's integration tests, one binary:
//!
//! - `conformance`: the corpus in `tests/corpus/` through the native core and
//!   the component; both must match the expected decision and each other.
//! - `differential`: random well-formed requests (proptest); native and
//!   component decisions must be identical.
//! - `component`: the built component's shape (its WIT package, no imports).
//! - `cli`: the `ocpolicy` binary's output, exit codes and bad-input handling.
//! - `cli_conferencing`: a separate set of routing cases, written from the
//!   reference, run through the binary (same outcome, operator, caller ID, codes).
//! - `cli_emergency`: a separate set of emergency cases, written from the
//!   reference, run through the binary.
//! - `cli_plugins`: the plugin kit (new, build, test, keygen, sign, verify) and `--plugins`.
//! - `docs`: README examples decode; CI runs the README test command.
//! - `enforcement`: the enforcement point's regression tests (issue 15: retried
//!   uploads, broken tenants, the server's clock, unassign, Bearer, pseudonyms, store files).
//! - `import`: `ocpolicy import teams` on the documented-example fixtures,
//!   PowerShell's quirks and a generated large export; `ocpolicy audit`.
//! - `fuzz_smoke`: the fuzz targets' property (no input panics a decoder or the
//!   rules) as a short proptest on stable.
//! - `number_identity`: every accepted spelling of a number names it in the
//!   core, the plugin host and the server alike.
//! - `onboard`: tenants on the server: the platform's PUT and import, the
//!   admin's operator, tokens for a new tenant, what each token may see.
//! - `pidf_schema`: rendered PIDF-LO passes `xmllint --schema` (RFC 4119/5139).
//! - `plugins`: operator plugins: loading, refusals, scoping, reload, hostile corpus.
//! - `pg`: a throwaway PostgreSQL server (tests/postgres.sh) for the second store backend.
//! - `plugins_js`: the JavaScript example plugin (componentize-js) loads and runs.
//! - `server`: `ocpolicy serve`: router tests (oneshot) and a real-socket test.

// A test binary: panicking is how a test fails.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

mod cli;
mod cli_conferencing;
mod cli_emergency;
mod cli_plugins;
mod component;
mod conformance;
mod differential;
mod docs;
mod enforcement;
mod fuzz_smoke;
mod import;
mod number_identity;
mod onboard;
mod pg;
mod pidf_schema;
mod plugin_trust;
mod plugins;
mod plugins_js;
mod plugins_py;
mod server;

use std::path::PathBuf;
use std::sync::OnceLock;

/// The rules component, compiled once for the whole test binary.
pub fn rules() -> &'static ocpolicy_runtime::Rules {
    static RULES: OnceLock<ocpolicy_runtime::Rules> = OnceLock::new();
    RULES.get_or_init(|| match ocpolicy_runtime::Rules::new() {
        Ok(r) => r,
        Err(e) => panic!("compiling the rules component: {e:#}"),
    })
}

/// Kills a server the test started if the test fails before stopping it, so
/// a failed assertion never leaves it running (and holding the test runner's
/// output open, which would hang CI instead of failing it).
pub struct Reap(pub u32);

impl Drop for Reap {
    fn drop(&mut self) {
        if std::thread::panicking() {
            let _ = std::process::Command::new("kill")
                .args(["-KILL", &self.0.to_string()])
                .status();
        }
    }
}

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Run the `ocpolicy` binary in `dir` and wait for it.
pub fn ocpolicy_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_ocpolicy"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("spawning ocpolicy: {e}"))
}

/// The distinct violation codes of a decision (or resolution, or route
/// decision) printed as JSON, sorted.
pub fn codes_of(v: &serde_json::Value) -> Vec<String> {
    let mut c: Vec<String> = v["violations"]
        .as_array()
        .unwrap_or_else(|| panic!("no violations in {v}"))
        .iter()
        .map(|x| x["code"].as_str().unwrap().to_string())
        .collect();
    c.sort();
    c.dedup();
    c
}
