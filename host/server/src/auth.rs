//! Principals and bearer tokens. A token is 32 random bytes shown once
//! (`ocpolicy token create`); the store keeps only its SHA-256.
//!
//! - `admin`: acts on its own tenant (reads, writes, audit).
//! - `operator`: reads the tenants that consented to it; never writes a
//!   tenant's assignments or addresses (ELIG-OPERATOR-WRITES-ADDRESS).
//! - `auditor`: reads one tenant (or every tenant, when created without one),
//!   its audit log included; writes nothing.
//! - `platform`: runs the service (reloads the plugin directory); sees no
//!   tenant's data.

use axum::http::{HeaderMap, StatusCode, header};
use sha2::{Digest, Sha256};

use super::{ApiError, AppState};

/// Who is asking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// A tenant admin.
    Admin {
        /// Its tenant.
        tenant: String,
    },
    /// An operator.
    Operator {
        /// Its operator id.
        operator: String,
    },
    /// The service's own operator (reloads plugins); no tenant data.
    Platform,
    /// A read-only auditor, of one tenant or of all.
    Auditor {
        /// Its tenant; `None` for every tenant.
        tenant: Option<String>,
    },
}

impl Principal {
    /// How the audit log names it.
    pub fn name(&self) -> String {
        match self {
            Principal::Admin { tenant } => format!("admin:{tenant}"),
            Principal::Operator { operator } => format!("operator:{operator}"),
            Principal::Auditor { tenant } => {
                format!("auditor:{}", tenant.as_deref().unwrap_or("*"))
            }
            Principal::Platform => "platform".into(),
        }
    }
}

/// A new token: the text to hand out, and the hash to store.
pub fn new_token() -> crate::Result<(String, String)> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| crate::Error::Internal(format!("no randomness: {e}")))?;
    let token = format!("ocp_{}", hex::encode(bytes));
    let hash = hash(&token);
    Ok((token, hash))
}

/// The stored form of a token.
pub fn hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The token of an `Authorization` value: the scheme `Bearer` in any case
/// (auth schemes are case-insensitive, RFC 9110 §11.1), one or more spaces,
/// then the token.
fn bearer(value: &str) -> Option<&str> {
    let (scheme, token) = value.trim().split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The principal of a request's bearer token.
pub async fn principal(state: &AppState, headers: &HeaderMap) -> Result<Principal, ApiError> {
    let unauthorized = |m: &str| ApiError::new(StatusCode::UNAUTHORIZED, "", m);
    let value = headers.get(header::AUTHORIZATION).ok_or_else(|| {
        unauthorized(
            "send `Authorization: Bearer <token>`; create a token with `ocpolicy token create`",
        )
    })?;
    let token = value
        .to_str()
        .ok()
        .and_then(bearer)
        .ok_or_else(|| unauthorized("the Authorization header must be `Bearer <token>`"))?;
    let hashed = hash(token);
    let found = match state.inner.token_cache.get(&hashed) {
        Some(found) => found,
        None => {
            // Read right here when that cannot wait (an uncontended SQLite
            // read is microseconds); else on a blocking thread.
            let key = hashed.clone();
            let found = match state.store().token_now(&hashed) {
                Some(found) => found,
                None => state.on_store(move |store| store.token(&key)).await,
            }
            .map_err(|e| ApiError::store(e, "the token store could not be read"))?
            .ok_or_else(|| unauthorized("unknown token"))?;
            state.inner.token_cache.put(hashed, found.clone());
            found
        }
    };
    match found {
        (role, Some(tenant), _) if role == "admin" => Ok(Principal::Admin { tenant }),
        (role, _, Some(operator)) if role == "operator" => Ok(Principal::Operator { operator }),
        (role, tenant, _) if role == "auditor" => Ok(Principal::Auditor { tenant }),
        (role, _, _) if role == "platform" => Ok(Principal::Platform),
        _ => Err(unauthorized(
            "the token's record is incomplete; create a new one",
        )),
    }
}

/// Known tokens' records, kept for [`TOKEN_TTL`]: a request with a token
/// seen within the last second is not a store read. A token created is known
/// at once (unknown tokens are never kept); one removed from the store stops
/// working within the TTL.
#[derive(Default)]
pub(crate) struct TokenCache {
    map: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, TokenRecord)>>,
}

/// How long a token's record is kept.
pub const TOKEN_TTL: std::time::Duration = std::time::Duration::from_secs(1);

/// The most records kept; past it, the cache starts again.
const TOKENS_KEPT: usize = 10_000;

type TokenRecord = crate::store::TokenRecord;

impl TokenCache {
    fn get(&self, hash: &str) -> Option<TokenRecord> {
        let map = self.map.lock().ok()?;
        map.get(hash)
            .filter(|(at, _)| at.elapsed() < TOKEN_TTL)
            .map(|(_, r)| r.clone())
    }

    fn put(&self, hash: String, record: TokenRecord) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= TOKENS_KEPT {
                map.clear();
            }
            map.insert(hash, (std::time::Instant::now(), record));
        }
    }
}

/// May `p` read tenant `tenant` (whose consented operators are `operators`)?
pub fn may_read(p: &Principal, tenant: &str, operators: &[String]) -> Result<(), ApiError> {
    let ok = match p {
        Principal::Admin { tenant: t } => t == tenant,
        Principal::Auditor { tenant: t } => t.as_deref().is_none_or(|t| t == tenant),
        Principal::Operator { operator } => {
            operators.iter().any(|o| o.eq_ignore_ascii_case(operator))
        }
        Principal::Platform => false,
    };
    if ok {
        Ok(())
    } else {
        // The same answer whether or not the tenant exists: nothing leaks.
        Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            &format!("{} may not read tenant `{tenant}`", p.name()),
        ))
    }
}

/// May `p` change number assignments in `tenant`?
pub fn may_assign(p: &Principal, tenant: &str) -> Result<(), ApiError> {
    match p {
        Principal::Admin { tenant: t } if t == tenant => Ok(()),
        Principal::Admin { .. } => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            &format!("{} may not write tenant `{tenant}`", p.name()),
        )),
        Principal::Operator { .. } => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "operators do not assign numbers to a tenant's users; the tenant's admin does (operators upload and release their own numbers)",
        )),
        Principal::Auditor { .. } => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "auditors read; they do not write",
        )),
        Principal::Platform => Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "",
            "the platform token runs the service; it does not act on tenants",
        )),
    }
}

/// Handlers take a `Principal` argument: the bearer token's, or a 401 that
/// says how to get one.
impl axum::extract::FromRequestParts<AppState> for Principal {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        principal(state, &parts.headers).await
    }
}

#[cfg(test)]
mod tests {
    use super::bearer;

    #[test]
    fn the_bearer_scheme_is_matched_in_any_case() {
        for v in ["Bearer t1", "bearer t1", "BEARER  t1", " Bearer t1 "] {
            assert_eq!(bearer(v), Some("t1"), "{v:?}");
        }
        for v in ["Basic t1", "Bearer", "Bearer ", "Bearert1", "t1"] {
            assert_eq!(bearer(v), None, "{v:?}");
        }
    }
}
