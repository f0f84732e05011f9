//! Any bytes: decode as every document the CLI reads and, when one decodes,
//! decide it. A panic anywhere is a bug.
//!
//!     cargo install cargo-fuzz
//!     cd fuzz && cargo fuzz run decide -s none corpus/decide ../tests/examples/requests -- -max_total_time=60
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocpolicy_rules::types::{EligibilityCheck, EligibilityRequest, OperatorProgramme, Tenant};
use ocpolicy_rules::{TenantSnapshot, eligibility, json};

fuzz_target!(|data: &[u8]| {
    if let Ok(check) = json::from_slice::<EligibilityCheck>(data) {
        let _ = eligibility::evaluate(check);
    }
    if let Ok(p) = json::from_slice::<OperatorProgramme>(data) {
        let _ = eligibility::check_operator_programme(&p);
    }
    // A request against the demo tenant, and a tenant on its own.
    if let Ok(request) = json::from_slice::<EligibilityRequest>(data) {
        let tenant = include_bytes!("../../tests/examples/tenant.json");
        if let Ok(t) = json::from_slice::<Tenant>(tenant)
            && let Ok(s) = TenantSnapshot::new(t)
        {
            let _ = s.check(&request);
        }
    }
    if let Ok(t) = json::from_slice::<Tenant>(data) {
        let _ = TenantSnapshot::new(t);
    }
});
