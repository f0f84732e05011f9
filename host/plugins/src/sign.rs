//! Ed25519 signatures over a plugin's [`Statement`] (the component's SHA-256
//! and every manifest field that changes behaviour), and the trusted keys per
//! operator (`trust.toml`):
//!
//! ```toml
//! [operators]
//! OPX = ["…64 hex digits: an ed25519 public key…"]
//! ```

use std::collections::HashMap;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::Deserialize;

use crate::manifest::{self, Manifest, STATEMENT_FORMAT, Statement};

/// Trusted public keys per operator id.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Trust {
    /// Operator id → hex ed25519 public keys.
    #[serde(default)]
    pub operators: HashMap<String, Vec<String>>,
}

impl Trust {
    /// Parse `trust.toml`.
    pub fn parse(text: &str) -> Result<Trust, String> {
        let t: Trust = toml::from_str(text).map_err(|e| e.to_string())?;
        for (op, keys) in &t.operators {
            for k in keys {
                parse_key(k).map_err(|e| format!("operators.{op}: {e}"))?;
            }
        }
        Ok(t)
    }

    /// Is `key` trusted for `operator`?
    pub fn trusts(&self, operator: &str, key: &str) -> bool {
        self.operators
            .iter()
            .filter(|(op, _)| op.eq_ignore_ascii_case(operator))
            .flat_map(|(_, keys)| keys)
            .any(|k| k.eq_ignore_ascii_case(key))
    }
}

fn hex32(s: &str, what: &str) -> Result<[u8; 32], String> {
    let bytes = hex::decode(s.trim()).map_err(|e| format!("{what}: not hex: {e}"))?;
    bytes
        .try_into()
        .map_err(|_| format!("{what}: 32 bytes (64 hex digits) expected"))
}

/// A public key from hex.
pub fn parse_key(s: &str) -> Result<VerifyingKey, String> {
    VerifyingKey::from_bytes(&hex32(s, "public key")?)
        .map_err(|e| format!("public key: not an ed25519 point: {e}"))
}

/// Verify `signature` (hex) by `key` (hex) over `bytes`.
pub fn verify(key: &str, signature: &str, bytes: &[u8]) -> Result<(), String> {
    let key = parse_key(key)?;
    let raw = hex::decode(signature.trim()).map_err(|e| format!("signature: not hex: {e}"))?;
    let raw: [u8; 64] = raw
        .try_into()
        .map_err(|_| "signature: 64 bytes (128 hex digits) expected".to_string())?;
    key.verify(bytes, &Signature::from_bytes(&raw))
        .map_err(|_| "the signature does not match what it says it covers and this key".into())
}

/// Sign a manifest (whose `sha256` is the component's): the `[signature]`
/// table to record.
pub fn sign_manifest(secret: &str, m: &Manifest) -> Result<manifest::Signature, String> {
    let covers = m.statement().canonical();
    let (key, value) = sign(secret, covers.as_bytes())?;
    Ok(manifest::Signature { key, value, covers })
}

/// Check a manifest's signature: it verifies over `covers` by its key, and
/// `covers` is this manifest's statement. The key, when signed; an error
/// naming what changed after signing, when it can.
pub fn verify_manifest(m: &Manifest) -> Result<Option<&str>, String> {
    let Some(s) = &m.signature else {
        return Ok(None);
    };
    verify(&s.key, &s.value, s.covers.as_bytes()).map_err(|e| {
        format!("bad signature: {e}; the [signature] table was edited or made with another key (sign again with `ocpolicy plugin sign`)")
    })?;
    let signed: Statement = serde_json::from_str(&s.covers)
        .ok()
        .filter(|st: &Statement| st.format == STATEMENT_FORMAT)
        .ok_or_else(|| {
            format!("signature.covers: not a {STATEMENT_FORMAT} statement; sign again with this version of `ocpolicy plugin sign`")
        })?;
    let changes = signed.changes(&m.statement());
    if !changes.is_empty() {
        return Err(format!(
            "changed after signing: {}; the signature covers the component and every field of plugin.toml but [signature], so sign again with `ocpolicy plugin sign` if the change is yours",
            changes.join(", ")
        ));
    }
    Ok(Some(&s.key))
}

/// A new key pair: (secret key hex, public key hex), from the OS's randomness.
pub fn keygen() -> Result<(String, String), String> {
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed).map_err(|e| format!("no randomness from the OS: {e}"))?;
    let key = SigningKey::from_bytes(&seed);
    Ok((
        hex::encode(seed),
        hex::encode(key.verifying_key().to_bytes()),
    ))
}

/// Sign `bytes` with a secret key (hex): (public key hex, signature hex).
pub fn sign(secret: &str, bytes: &[u8]) -> Result<(String, String), String> {
    let key = SigningKey::from_bytes(&hex32(secret, "secret key")?);
    let sig = key.sign(bytes);
    Ok((
        hex::encode(key.verifying_key().to_bytes()),
        hex::encode(sig.to_bytes()),
    ))
}
