//! Timestamps are RFC 3339 strings in the contract; "now" is always an input.

use crate::types::InputError;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Parse an RFC 3339 timestamp found at `path`.
pub(crate) fn parse(value: &str, path: &str) -> Result<OffsetDateTime, InputError> {
    OffsetDateTime::parse(value.trim(), &Rfc3339).map_err(|e| InputError {
        path: path.to_string(),
        message: format!(
            "`{value}` is not an RFC 3339 timestamp ({e}); write it like `2025-10-11T21:30:00Z`"
        ),
    })
}
