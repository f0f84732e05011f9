//! Bad input never panics: arbitrary bytes, and corpus documents with bytes
//! flipped, inserted or cut, go through the decoder and, when they decode,
//! through the rules. Every outcome must be a decision or an error.

use ocpolicy_rules::types::{
    AddressCheck, BridgeCheck, ConferencingCheck, ConferencingConfig, EligibilityCheck,
    EmergencyCheck, EmergencyConfig, NormalizeCheck, OperatorProgramme, PidfLoInput, ResolveCheck,
    RouteCheck,
};
use ocpolicy_rules::{conferencing, eligibility, emergency, json};
use proptest::prelude::*;

fn corpus() -> &'static [Vec<u8>] {
    static DOCS: std::sync::OnceLock<Vec<Vec<u8>>> = std::sync::OnceLock::new();
    DOCS.get_or_init(load)
}

fn load() -> Vec<Vec<u8>> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
    let mut docs = Vec::new();
    let entries = ["eligibility", "emergency", "conferencing"]
        .iter()
        .flat_map(|family| {
            std::fs::read_dir(root.join(family))
                .into_iter()
                .flatten()
                .flatten()
        });
    for entry in entries {
        let Ok(text) = std::fs::read(entry.path()) else {
            continue;
        };
        let Ok(case) = serde_json::from_slice::<serde_json::Value>(&text) else {
            continue;
        };
        if let Ok(input) = serde_json::to_vec(&case["input"]) {
            docs.push(input);
        }
    }
    assert!(!docs.is_empty(), "no corpus documents found");
    docs
}

fn decide(bytes: &[u8]) {
    if let Ok(check) = json::from_slice::<EligibilityCheck>(bytes) {
        // A decision or an input error; either is fine, a panic is not.
        let _ = eligibility::evaluate(check);
    }
    if let Ok(p) = json::from_slice::<OperatorProgramme>(bytes) {
        let _ = eligibility::check_operator_programme(&p);
    }
    if let Ok(c) = json::from_slice::<AddressCheck>(bytes) {
        let _ = emergency::check_address(&c);
    }
    if let Ok(c) = json::from_slice::<EmergencyCheck>(bytes) {
        let _ = emergency::evaluate(c);
    }
    if let Ok(c) = json::from_slice::<ResolveCheck>(bytes) {
        let _ = emergency::resolve(c);
    }
    if let Ok(c) = json::from_slice::<EmergencyConfig>(bytes)
        && let Ok(s) = emergency::EmergencySnapshot::new(c)
    {
        let _ = s.audit();
    }
    if let Ok(p) = json::from_slice::<PidfLoInput>(bytes) {
        let _ = emergency::render_pidf_lo(&p);
    }
    if let Ok(xml) = std::str::from_utf8(bytes) {
        let _ = emergency::validate_pidf_lo(xml);
    }
    if let Ok(c) = json::from_slice::<BridgeCheck>(bytes) {
        let _ = conferencing::check_bridge(&c);
    }
    if let Ok(c) = json::from_slice::<NormalizeCheck>(bytes) {
        let _ = conferencing::normalize(&c);
    }
    if let Ok(c) = json::from_slice::<RouteCheck>(bytes) {
        let _ = conferencing::route(c);
    }
    if let Ok(c) = json::from_slice::<ConferencingConfig>(bytes) {
        let _ = conferencing::lint(c);
    }
    if let Ok(c) = json::from_slice::<ConferencingCheck>(bytes) {
        let _ = conferencing::evaluate(c);
    }
}

#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Insert(usize, u8),
    Cut(usize, usize),
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Edit::Flip(i, b)),
        (
            any::<usize>(),
            prop::sample::select(b"{}[]\",:0123456789-+eE.tfn\\ \xff".to_vec())
        )
            .prop_map(|(i, b)| Edit::Insert(i, b)),
        (any::<usize>(), 1..64usize).prop_map(|(i, n)| Edit::Cut(i, n)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1000, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        decide(&bytes);
    }

    #[test]
    fn mutated_documents_never_panic(which in any::<prop::sample::Index>(), edits in prop::collection::vec(edit(), 1..6)) {
        let docs = corpus();
        let mut doc = which.get(docs).clone();
        for e in edits {
            let len = doc.len().max(1);
            match e {
                Edit::Flip(i, b) => { if let Some(x) = doc.get_mut(i % len) { *x ^= b | 1; } }
                Edit::Insert(i, b) => doc.insert(i % (doc.len() + 1), b),
                Edit::Cut(i, n) => { let at = i % len; let end = (at + n).min(doc.len()); doc.drain(at.min(end)..end); }
            }
        }
        decide(&doc);
    }
}
