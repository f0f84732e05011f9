//! The fuzz targets' property, as a short proptest on stable Rust (cargo-fuzz
//! needs nightly's sanitizer flags; `fuzz/` runs the long campaigns): any
//! bytes given to any decoder the HTTP API reaches, or to any family's
//! rules, are refused with a message or decided, never a panic. The inputs
//! are the example documents mutated (bytes flipped, cut, spliced, repeated)
//! and raw bytes, so most of them get past the JSON syntax into the decoders
//! and the rules.

use proptest::prelude::*;

use ocpolicy_rules::types::{
    Bridge, CivicAddress, ConferencingSettings, EligibilityRequest, LisEntry, Location,
    TenantDocument, TrustedIp,
};
use ocpolicy_rules::{KindId, document, ffi, json};

/// The example documents: every kind's input in the corpus, and the demo.
fn seeds() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for family in [
        "eligibility",
        "emergency",
        "conferencing",
        "operator-programme",
    ] {
        let dir = crate::root().join("tests/corpus").join(family);
        let mut paths: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .collect();
        paths.sort();
        for p in paths.iter().step_by(7) {
            let case: serde_json::Value =
                serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
            out.push(serde_json::to_vec(&case["input"]).unwrap());
        }
    }
    out.push(std::fs::read(crate::root().join("tests/examples/demo-tenant.json")).unwrap());
    out
}

/// One mutation of a seed.
#[derive(Debug, Clone)]
enum Mutation {
    Flip(usize, u8),
    Cut(usize),
    Splice(usize, Vec<u8>),
    Repeat(usize, usize),
    Raw(Vec<u8>),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        any::<usize>().prop_map(Mutation::Cut),
        (
            any::<usize>(),
            prop::collection::vec(
                prop::sample::select(b"{}[]\":,0123456789-+.eE \\u\xff\x00abtnrfl".to_vec()),
                1..12
            )
        )
            .prop_map(|(i, b)| Mutation::Splice(i, b)),
        (any::<usize>(), 1usize..64).prop_map(|(i, n)| Mutation::Repeat(i, n)),
        prop::collection::vec(any::<u8>(), 0..256).prop_map(Mutation::Raw),
    ]
}

fn apply(seed: &[u8], m: &Mutation) -> Vec<u8> {
    let mut v = seed.to_vec();
    let at = |i: usize, len: usize| if len == 0 { 0 } else { i % len };
    match m {
        Mutation::Flip(i, b) => {
            let i = at(*i, v.len());
            if let Some(x) = v.get_mut(i) {
                *x = *b;
            }
        }
        Mutation::Cut(i) => v.truncate(at(*i, v.len())),
        Mutation::Splice(i, b) => {
            let i = at(*i, v.len());
            v.splice(i..i, b.iter().copied());
        }
        Mutation::Repeat(i, n) => {
            let i = at(*i, v.len());
            let piece: Vec<u8> = v[i..v.len().min(i + 16)].to_vec();
            for _ in 0..*n {
                v.splice(i..i, piece.iter().copied());
            }
        }
        Mutation::Raw(b) => v = b.clone(),
    }
    v
}

/// The fuzz targets' bodies, all four.
fn every_decoder(data: &[u8]) {
    for kind in KindId::ALL {
        if let Err(e) = ffi::decide_id(*kind, data) {
            assert!(!e.message.is_empty(), "{kind}: an error without a message");
        }
    }
    let _ = json::from_slice::<EligibilityRequest>(data);
    let _ = json::from_slice::<CivicAddress>(data);
    let _ = json::from_slice::<Location>(data);
    let _ = json::from_slice::<LisEntry>(data);
    let _ = json::from_slice::<TrustedIp>(data);
    let _ = json::from_slice::<Bridge>(data);
    let _ = json::from_slice::<ConferencingSettings>(data);
    if let Ok(doc) = json::from_slice::<TenantDocument>(data) {
        let _ = document::check(&doc);
    }
}

#[test]
fn no_input_panics_a_decoder_or_the_rules() {
    let seeds = seeds();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    });
    runner
        .run(&(0..seeds.len(), mutation()), |(s, m)| {
            let data = apply(&seeds[s], &m);
            let caught = std::panic::catch_unwind(|| every_decoder(&data));
            prop_assert!(
                caught.is_ok(),
                "panicked on {:?}",
                String::from_utf8_lossy(&data)
            );
            Ok(())
        })
        .unwrap();
}
