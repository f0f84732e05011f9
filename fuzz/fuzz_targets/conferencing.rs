//! Any bytes, as the input of every `conferencing` kind the decision API takes
//! (`POST /v1/decide/{kind}`, the batch endpoint's lines, the CLI's files and
//! the browser's functions all decode with the same decoder): decoded, and
//! decided when it decodes. A panic anywhere is a bug; a refusal must name a
//! field path or say what is wrong.
//!
//!     cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run conferencing -s none -- -runs=10000000
#![no_main]

use libfuzzer_sys::fuzz_target;
use ocpolicy_rules::{Family, ffi};

fuzz_target!(|data: &[u8]| {
    for kind in Family::Conferencing.kinds() {
        if let Err(e) = ffi::decide_id(kind, data) {
            assert!(!e.message.is_empty(), "{kind}: an error without a message");
        }
    }
});
