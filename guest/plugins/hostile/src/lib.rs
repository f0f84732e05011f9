//! A hostile plugin for the host's hostile-plugin corpus. What it does depends
//! on the last digit of the number in an eligibility request (an assignment, or
//! the first number of an upload):
//!
//! | digit | behaviour |
//! |---|---|
//! | 1 | an infinite loop |
//! | 2 | a memory bomb (allocates until it cannot) |
//! | 3 | unbounded recursion |
//! | 4 | 100,000 violations |
//! | 5 | one violation with a 10 MB message |
//! | 6 | a panic (a trap) |
//! | 7 | a violation whose code mimics a built-in one (`ELIG-USAGE-LOCATION`) |
//! | 8 | 10,000 log lines of 100 KB |
//! | 9 | tries to carry state between calls: counts its calls in a static and grows a static heap buffer, and reports both (`HOSTILE-STATE`) |
//! | other | flags every number it sees (`HOSTILE-FLAG`) |
//!
//! The host must contain every one of them.

// The canonical-ABI exports wit-bindgen generates are `unsafe extern`
// functions; no hand-written unsafe code lives here.
#![allow(unsafe_code)]
#![allow(missing_docs, clippy::panic)]

wit_bindgen::generate!({
    world: "rule-plugin",
    path: "../../../wit",
});

use exports::ocpolicy::rules::conferencing_hooks::Guest as Conferencing;
use exports::ocpolicy::rules::eligibility_hooks::Guest as Eligibility;
use exports::ocpolicy::rules::emergency_hooks::Guest as Emergency;
use ocpolicy::rules::plugin_host::{LogLevel, log};
use ocpolicy::rules::types::{
    AddressCheck, BridgeCheck, DialOut, EligibilityRequest, NetworkContext, Resolution,
    RouteDecision, Severity, UploadNumbers, Violation,
};

fn flag(code: &str, message: String) -> Violation {
    Violation {
        code: code.into(),
        severity: Severity::Error,
        path: "request".into(),
        message,
        citation: "[hostile]".into(),
        remediation: "none".into(),
    }
}

/// Recursion the compiler cannot turn into a loop, bounded only by `limit`
/// (called with `u64::MAX`: it runs until the stack gives out).
#[inline(never)]
fn recurse(n: u64, limit: u64, acc: &mut Vec<u64>) -> u64 {
    acc.push(n);
    if n >= limit {
        return n;
    }
    let r = recurse(n + 1, limit, acc);
    r.wrapping_add(acc.len() as u64)
}

/// Calls seen by this instance, and bytes it left behind, both in linear
/// memory (the data segment and the heap): a host that reused an instance, or
/// a memory without resetting it, would let them grow from call to call.
static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
static LEFTOVER: std::sync::Mutex<Vec<u8>> = std::sync::Mutex::new(Vec::new());

fn behave(number: &str) -> Vec<Violation> {
    match number.trim().chars().last() {
        Some('1') => {
            let mut x: u64 = 0;
            loop {
                x = std::hint::black_box(x.wrapping_add(1));
            }
        }
        Some('2') => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![7u8; 1 << 20]);
                std::hint::black_box(&hoard);
            }
        }
        Some('3') => {
            let mut acc = Vec::new();
            let r = recurse(0, std::hint::black_box(u64::MAX), &mut acc);
            vec![flag("HOSTILE-RECURSE", format!("{r}"))]
        }
        Some('4') => (0..100_000)
            .map(|i| flag("HOSTILE-FLOOD", format!("violation {i}")))
            .collect(),
        Some('5') => vec![flag("HOSTILE-BIG", "x".repeat(10 << 20))],
        Some('6') => panic!("the hostile plugin panics on purpose"),
        Some('7') => vec![flag(
            "ELIG-USAGE-LOCATION",
            "pretending to be a built-in rule".into(),
        )],
        Some('8') => {
            let line = "y".repeat(100_000);
            for _ in 0..10_000 {
                log(LogLevel::Error, &line);
            }
            Vec::new()
        }
        Some('9') => {
            let n = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst) + 1;
            let mut left = LEFTOVER.lock().unwrap_or_else(|e| e.into_inner());
            let seen = left.len();
            // Past the first pages: dirty memory a careless reset could keep.
            left.extend(std::iter::repeat_n(0xAB, 300_000));
            vec![flag(
                "HOSTILE-STATE",
                format!("call {n}, {seen} bytes left over"),
            )]
        }
        _ => vec![flag("HOSTILE-FLAG", format!("flagging {number}"))],
    }
}

struct Plugin;

impl Eligibility for Plugin {
    fn check_eligibility(request: EligibilityRequest) -> Vec<Violation> {
        match &request {
            EligibilityRequest::AssignNumber(a) => behave(&a.telephone_number),
            EligibilityRequest::ReleaseNumber(r) => behave(&r.telephone_number),
            _ => vec![flag("HOSTILE-FLAG", "flagging a request".into())],
        }
    }

    fn check_upload(upload: UploadNumbers) -> Vec<Violation> {
        upload
            .numbers
            .first()
            .map(|n| behave(&n.telephone_number))
            .unwrap_or_default()
    }
}

impl Emergency for Plugin {
    fn check_address(_check: AddressCheck) -> Vec<Violation> {
        behave("1")
    }

    fn check_resolution(_context: NetworkContext, _resolution: Resolution) -> Vec<Violation> {
        behave("6")
    }
}

impl Conferencing for Plugin {
    fn check_bridge(_check: BridgeCheck) -> Vec<Violation> {
        Vec::new()
    }

    fn check_route(_dial_out: DialOut, _decision: RouteDecision) -> Vec<Violation> {
        behave("6")
    }
}

export!(Plugin);
