//! Any bytes, as every body the tenant API decodes (an assignment, an upload
//! or release, a civic address, a location, a LIS entry, a trusted IP, a
//! bridge, routing parts) and as a stored tenant document, which is then
//! checked as every write checks it (`document::check`). A panic anywhere is
//! a bug.
//!
//!     cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run tenant-api -s none -- -runs=10000000
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocpolicy_rules::types::{
    Bridge, CivicAddress, ConferencingSettings, EligibilityRequest, LisEntry, Location,
    TenantDocument, TrustedIp,
};
use ocpolicy_rules::{TenantSnapshot, document, json};

fuzz_target!(|data: &[u8]| {
    if let Ok(request) = json::from_slice::<EligibilityRequest>(data) {
        let demo = include_bytes!("../../tests/examples/demo-tenant.json");
        if let Ok(doc) = json::from_slice::<TenantDocument>(demo)
            && let Ok(s) = TenantSnapshot::new(doc.tenant)
        {
            let _ = s.check(&request);
        }
    }
    let _ = json::from_slice::<CivicAddress>(data);
    let _ = json::from_slice::<Location>(data);
    let _ = json::from_slice::<LisEntry>(data);
    let _ = json::from_slice::<TrustedIp>(data);
    let _ = json::from_slice::<Bridge>(data);
    let _ = json::from_slice::<ConferencingSettings>(data);
    if let Ok(doc) = json::from_slice::<TenantDocument>(data) {
        let _ = document::check(&doc);
        let _ = document::emergency_config(&doc);
        let _ = document::conferencing_config(&doc);
    }
});
