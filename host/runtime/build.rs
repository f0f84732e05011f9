//! Builds the rules guest for `wasm32-unknown-unknown`, turns it into a
//! component with `wit-component`, and exposes it as `RULES_COMPONENT`, the
//! way wasmtime's own `test-programs/artifacts` crate does. The guest gets its
//! own target directory (`target/guest`) so the nested cargo never waits on the
//! outer one's lock.

use std::env;
use std::path::{Path, PathBuf};
use std::process::Command;

const TARGET: &str = "wasm32-unknown-unknown";

fn main() {
    if let Err(e) = run() {
        // A build script's way to fail: print the reason, exit non-zero.
        eprintln!("\nerror: {e}\n");
        std::process::exit(1);
    }
}

fn run() -> Result<(), String> {
    let manifest = PathBuf::from(env::var("CARGO_MANIFEST_DIR").map_err(|e| e.to_string())?);
    // host/runtime -> the workspace root
    let root = manifest
        .ancestors()
        .nth(2)
        .ok_or("host/runtime is not two levels below the workspace root")?
        .to_path_buf();
    let out = PathBuf::from(env::var("OUT_DIR").map_err(|e| e.to_string())?);

    for p in [
        "wit",
        "guest/core/src",
        "guest/core/Cargo.toml",
        "guest/component/src",
        "guest/component/Cargo.toml",
        "guest/plugins",
        "Cargo.lock",
    ] {
        println!("cargo:rerun-if-changed={}", root.join(p).display());
    }
    println!("cargo:rerun-if-env-changed=OCPOLICY_GUEST_PROFILE");

    check_target_installed()?;

    // target/<profile>/build/ocpolicy-runtime-*/out -> target/guest
    let target_dir = out
        .ancestors()
        .nth(4)
        .map(|t| t.join("guest"))
        .unwrap_or_else(|| out.join("guest"));
    let profile = env::var("OCPOLICY_GUEST_PROFILE").unwrap_or_else(|_| "wasm".into());
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());

    // The rules component, then the example plugins (for tests, templates and
    // `ocpolicy plugin`), all componentized the same way.
    let builds = [
        (
            "ocpolicy-rules-component",
            "ocpolicy_rules_component",
            "RULES_COMPONENT",
            "The built-in rules component (`ocpolicy:rules` world `rules`)",
        ),
        (
            "ocpolicy-plugin-own-ranges",
            "ocpolicy_plugin_own_ranges",
            "EXAMPLE_PLUGIN_OWN_RANGES",
            "The example Rust plugin of `guest/plugins/own-ranges` (world `rule-plugin`)",
        ),
        (
            "ocpolicy-plugin-hostile",
            "ocpolicy_plugin_hostile",
            "TEST_PLUGIN_HOSTILE",
            "The hostile plugin of `guest/plugins/hostile`, for the hostile-plugin corpus (world `rule-plugin`)",
        ),
    ];
    let mut generated = String::new();
    for (package, lib, constant, doc) in builds {
        let mut cmd = Command::new(&cargo);
        cmd.current_dir(&root)
            .args(["rustc", "--quiet", "-p", package, "--crate-type", "cdylib"])
            .args(["--target", TARGET, "--profile", &profile])
            .arg("--target-dir")
            .arg(&target_dir);
        if package == "ocpolicy-plugin-own-ranges" {
            // A plugin runs in a fresh instance per call: a 64 KiB shadow stack
            // instead of rustc's 1 MiB keeps its memory (and the pages each
            // instance touches) small. The plugin author's guide says so too.
            cmd.args(["--", "-C", "link-arg=-zstack-size=65536"]);
        }
        // Settings meant for the outer (native) build must not leak into the guest's.
        for var in [
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTFLAGS",
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET",
            "RUSTC_WORKSPACE_WRAPPER",
            "CARGO_PRIMARY_PACKAGE",
            "CARGO_MAKEFLAGS",
        ] {
            cmd.env_remove(var);
        }
        let status = cmd
            .status()
            .map_err(|e| format!("could not run cargo for {package}: {e}"))?;
        if !status.success() {
            return Err(format!(
                "building {package} failed ({status}); see the messages above"
            ));
        }
        let module_path = target_dir
            .join(TARGET)
            .join(&profile)
            .join(format!("{lib}.wasm"));
        let module = std::fs::read(&module_path)
            .map_err(|e| format!("reading {}: {e}", module_path.display()))?;
        let component = wit_component::ComponentEncoder::default()
            .module(&module)
            .and_then(|e| e.validate(true).encode())
            .map_err(|e| format!("componentizing {}: {e:#}", module_path.display()))?;
        let component_path = out.join(format!("{lib}.component.wasm"));
        std::fs::write(&component_path, &component).map_err(|e| e.to_string())?;
        generated.push_str(&format!(
            "/// {doc}, {} bytes.\npub const {constant}: &[u8] = include_bytes!({:?});\n",
            component.len(),
            component_path.display().to_string()
        ));
    }
    std::fs::write(out.join("component.rs"), generated).map_err(|e| e.to_string())?;
    Ok(())
}

/// Fail early, with the command to run, when the wasm target is missing.
fn check_target_installed() -> Result<(), String> {
    let rustc = env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let sysroot = Command::new(&rustc)
        .args(["--print", "sysroot"])
        .output()
        .map_err(|e| format!("could not run {rustc}: {e}"))?;
    let sysroot = String::from_utf8_lossy(&sysroot.stdout).trim().to_string();
    let lib = Path::new(&sysroot).join("lib/rustlib").join(TARGET);
    if !lib.exists() {
        return Err(format!(
            "the Rust target `{TARGET}` is not installed, and the rules component is built for it.\n\
             Install it with:\n\n    rustup target add {TARGET}\n"
        ));
    }
    Ok(())
}
