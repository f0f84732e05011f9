//! The emergency-location family (§2 of the domain reference): civic-address
//! validation, dynamic location resolution, PIDF-LO, emergency policies and
//! US law. Rule codes are `EMG-*`.
//!
//! ```
//! use ocpolicy_rules::{emergency, json};
//! use ocpolicy_rules::types::AddressCheck;
//!
//! let check: AddressCheck = json::from_slice(br#"{"address": {"id": "A1",
//!     "company_name": "Contoso", "country_or_region": "DE",
//!     "validation_status": "NotValidated"}}"#).unwrap();
//! let decision = emergency::check_address(&check);
//! assert_eq!(decision.violations[0].code, "EMG-LATLONG-REQUIRED");
//! ```

mod address;
mod area_code;
mod index;
mod lis_format;
mod numbers;
pub mod pidf;
mod policies;
mod requests;
mod resolve;

pub use index::EmergencySnapshot;
pub use numbers::{countries as emergency_number_countries, for_country as emergency_numbers};
pub use pidf::{render as render_pidf_lo, validate as validate_pidf_lo};

use crate::Findings;
use crate::types::{AddressCheck, Decision, EmergencyCheck, InputError, Resolution, ResolveCheck};

/// Validate one civic address on its own (the `check-address` export).
pub fn check_address(check: &AddressCheck) -> Decision {
    let mut f = Findings::default();
    address::check(
        &mut f,
        &check.address,
        "address",
        check.connectivity,
        check.location.as_ref().map(|l| (l, "location")),
        check.previous.as_ref(),
    );
    f.finish()
}

/// Prefix the path of an input error with the document member it came from.
pub(crate) fn under(prefix: &str, e: InputError) -> InputError {
    InputError {
        path: if e.path.is_empty() {
            prefix.to_string()
        } else {
            format!("{prefix}.{}", e.path)
        },
        message: e.message,
    }
}

/// Decide a self-contained emergency check (configuration and request).
pub fn evaluate(check: EmergencyCheck) -> Result<Decision, InputError> {
    let snapshot = EmergencySnapshot::new(check.config).map_err(|e| under("config", e))?;
    snapshot.check(&check.request)
}

/// Resolve a self-contained context against a configuration.
pub fn resolve(check: ResolveCheck) -> Result<Resolution, InputError> {
    let snapshot = EmergencySnapshot::new(check.config).map_err(|e| under("config", e))?;
    snapshot.resolve(&check.context)
}
