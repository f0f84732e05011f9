//! Strict JSON decoding, side by side in one run: plain `serde_json` (not
//! strict: unknown keys pass silently), the native decoder (feature
//! `fast-decode`: one pass with `serde_ignored`, the round trip only when a
//! key was skipped) and the browser's decoder (always the round trip).
//!
//!     cargo bench -p ocpolicy-benches --bench decode
//!
//! Prints the ratios at the end.

// A benchmark binary: failing loudly on a broken set-up is the right thing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::hint::black_box;

use criterion::Criterion;
use ocpolicy_benches::mean_ns;
use ocpolicy_rules::json;
use ocpolicy_rules::types::{EligibilityCheck, EligibilityRequest};

fn root() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn pair<T: serde::de::DeserializeOwned + serde::Serialize>(
    c: &mut Criterion,
    name: &str,
    doc: &[u8],
) -> [(String, String); 3] {
    // All three decode it, and the strict two agree.
    serde_json::from_slice::<T>(doc).unwrap();
    let a = serde_json::to_value(json::from_slice::<T>(doc).unwrap()).unwrap();
    let b = serde_json::to_value(json::from_slice_round_trip::<T>(doc).unwrap()).unwrap();
    assert_eq!(a, b);
    let ids = [
        (name.to_string(), "serde_json".to_string()),
        (name.to_string(), "native".to_string()),
        (name.to_string(), "browser".to_string()),
    ];
    let mut g = c.benchmark_group(name);
    g.bench_function("serde_json", |bn| {
        bn.iter(|| serde_json::from_slice::<T>(black_box(doc)).unwrap())
    });
    g.bench_function("native", |bn| {
        bn.iter(|| json::from_slice::<T>(black_box(doc)).unwrap())
    });
    g.bench_function("browser", |bn| {
        bn.iter(|| json::from_slice_round_trip::<T>(black_box(doc)).unwrap())
    });
    g.finish();
    ids
}

fn benches(c: &mut Criterion) {
    let lines = std::fs::read_to_string(root().join("tests/examples/requests.ndjson")).unwrap();
    let line = lines.lines().next().unwrap().as_bytes().to_vec();
    let check = std::fs::read(root().join("tests/examples/assign-number.check.json")).unwrap();
    let results = [
        (
            "request line",
            pair::<EligibilityRequest>(c, "decode-request-line", &line),
        ),
        (
            "tenant check",
            pair::<EligibilityCheck>(c, "decode-tenant-check", &check),
        ),
    ];
    println!("\nStrict decoding (µs per document; ratio to plain serde_json):");
    for (what, [plain, native, browser]) in results {
        let m = |(g, id): &(String, String)| mean_ns(g, id);
        let (p, n, b) = (m(&plain), m(&native), m(&browser));
        if let (Some(p), Some(n), Some(b)) = (p, n, b) {
            println!(
                "  {what:<13} serde_json {:>7.2}   native {:>7.2} ({:.1}x)   browser {:>7.2} ({:.1}x)   browser/native {:.2}x",
                p / 1e3,
                n / 1e3,
                n / p,
                b / 1e3,
                b / p,
                b / n
            );
        }
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    benches(&mut c);
    c.final_summary();
}
