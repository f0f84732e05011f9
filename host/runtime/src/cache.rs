//! An on-disk cache of compiled components, so that a CLI run does not pay for
//! Cranelift every time.
//!
//! The key covers the component's bytes and the engine's compatibility hash
//! (wasmtime's version and every setting that changes the compiled code). The host only deserializes files it wrote itself, and
//! only after their SHA-256 matches the checksum it wrote beside them; anything
//! else is recompiled.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use crate::{Error, Result};
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Where compiled components are cached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CacheMode {
    /// Compile every time.
    Disabled,
    /// Cache in this directory.
    Dir(PathBuf),
}

impl CacheMode {
    /// `OCPOLICY_CACHE=off` disables the cache; `OCPOLICY_CACHE_DIR` chooses the
    /// directory; otherwise `$XDG_CACHE_HOME/ocpolicy` or `~/.cache/ocpolicy`.
    pub fn from_env() -> Self {
        if std::env::var("OCPOLICY_CACHE").is_ok_and(|v| v == "off" || v == "0") {
            return CacheMode::Disabled;
        }
        if let Some(dir) = std::env::var_os("OCPOLICY_CACHE_DIR") {
            return CacheMode::Dir(PathBuf::from(dir));
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
        match base {
            Some(b) => CacheMode::Dir(b.join("ocpolicy")),
            None => CacheMode::Disabled,
        }
    }
}

fn sha256_hex(parts: &[&[u8]]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

/// Compile `bytes`, or load the compilation a previous run cached.
pub fn load_or_compile(engine: &Engine, bytes: &[u8], mode: &CacheMode) -> Result<Component> {
    let CacheMode::Dir(dir) = mode else {
        return compile(engine, bytes);
    };
    let mut compat = std::hash::DefaultHasher::new();
    engine.precompile_compatibility_hash().hash(&mut compat);
    let key = sha256_hex(&[bytes, &compat.finish().to_le_bytes()]);
    let artifact = dir.join(format!("{key}.cwasm"));
    let checksum = dir.join(format!("{key}.cwasm.sha256"));

    if let Some(component) = load_verified(engine, &artifact, &checksum) {
        return Ok(component);
    }
    let component = compile(engine, bytes)?;
    // A cache that cannot be written is not an error: the next run compiles again.
    let _ = store(&component, dir, &artifact, &checksum);
    Ok(component)
}

fn compile(engine: &Engine, bytes: &[u8]) -> Result<Component> {
    Component::new(engine, bytes).map_err(Error::wasm("compiling the component"))
}

fn load_verified(engine: &Engine, artifact: &Path, checksum: &Path) -> Option<Component> {
    let data = std::fs::read(artifact).ok()?;
    let expected = std::fs::read_to_string(checksum).ok()?;
    if sha256_hex(&[&data]) != expected.trim() {
        return None;
    }
    // SAFETY: `Component::deserialize` trusts its input to be wasmtime's own
    // output. These bytes were written by `store` below (this host's own
    // `Component::serialize`) and match the checksum written with them;
    // wasmtime still checks the version and engine compatibility header.
    #[allow(unsafe_code)]
    let component = unsafe { Component::deserialize(engine, &data) };
    component.ok()
}

fn store(component: &Component, dir: &Path, artifact: &Path, checksum: &Path) -> Result<()> {
    let io = |e: std::io::Error| Error::Cache {
        dir: dir.display().to_string(),
        source: e,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let data = component
        .serialize()
        .map_err(Error::wasm("serializing the compiled component"))?;
    let sum = sha256_hex(&[&data]);
    let pid = std::process::id();
    let tmp_artifact = artifact.with_extension(format!("cwasm.{pid}.tmp"));
    let tmp_sum = checksum.with_extension(format!("sha256.{pid}.tmp"));
    std::fs::write(&tmp_artifact, &data).map_err(io)?;
    std::fs::write(&tmp_sum, sum).map_err(io)?;
    std::fs::rename(&tmp_artifact, artifact).map_err(io)?;
    std::fs::rename(&tmp_sum, checksum).map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::expect_used)]
    fn a_tampered_cache_entry_is_recompiled_not_loaded()
    -> std::result::Result<(), Box<dyn std::error::Error>> {
        let dir = tempfile::tempdir()?;
        let engine = Engine::default();
        // The smallest valid component: the preamble alone.
        let wat: &[u8] = b"\0asm\x0d\0\x01\0";
        let mode = CacheMode::Dir(dir.path().to_path_buf());
        load_or_compile(&engine, wat, &mode)?;
        let artifact = std::fs::read_dir(dir.path())?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .find(|p| p.extension().is_some_and(|x| x == "cwasm"))
            .expect("no artifact written");
        let checksum = PathBuf::from(format!("{}.sha256", artifact.display()));
        assert!(load_verified(&engine, &artifact, &checksum).is_some());
        // Flip a byte: the checksum no longer matches, so it is never deserialized.
        let mut data = std::fs::read(&artifact)?;
        let last = data.len() - 1;
        data[last] ^= 0xff;
        std::fs::write(&artifact, &data)?;
        assert!(load_verified(&engine, &artifact, &checksum).is_none());
        // And loading still works, by compiling again.
        load_or_compile(&engine, wat, &mode)?;
        Ok(())
    }
}
