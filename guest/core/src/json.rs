//! JSON in, JSON out: the one decoder every front end uses (CLI, server,
//! browser, tests), so bad input gets the same clear error everywhere.
//!
//! Decoding is strict: an unknown field is an error (it is usually a typo that
//! would otherwise be silently ignored), and every error names the field path.

use serde::de::DeserializeOwned;
use std::fmt;

/// The most bytes one JSON document may have (16 MiB).
pub const MAX_DOCUMENT_BYTES: usize = 16 << 20;

/// Why a JSON document could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError {
    /// Path of the field at fault (`request.AssignNumber.number_type`); empty for
    /// errors of the document as a whole.
    pub path: String,
    /// What is wrong, and how to fix it.
    pub message: String,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "at `{}`: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for DecodeError {}

impl From<DecodeError> for crate::InputError {
    fn from(e: DecodeError) -> Self {
        crate::InputError {
            path: e.path,
            message: e.message,
        }
    }
}

/// Decode a JSON document strictly: unknown fields, missing fields, wrong types,
/// invalid UTF-8, trailing data and documents over [`MAX_DOCUMENT_BYTES`] are
/// errors naming the field path.
///
/// Unknown fields are found by a round trip: every key of the document must
/// come back when the decoded value is written out again. That costs a second
/// parse, but keeps one deserializer per type, which halves the browser build
/// (a wrapping deserializer such as `serde_ignored` multiplies the code of
/// every type it decodes). Native and component builds (feature
/// `fast-decode`) wrap the decoder in `serde_ignored` to learn whether any key
/// was skipped, and round-trip only then, so the common, clean document is
/// parsed once; the error, when there is one, is the same in every build.
pub fn from_slice<T: DeserializeOwned + serde::Serialize>(bytes: &[u8]) -> Result<T, DecodeError> {
    check_size(bytes)?;
    from_slice_any_size(bytes)
}

/// [`from_slice`] without the size limit, for a local file the caller chose
/// to read whole (a tenant of 100,000 numbers is larger than a request may be).
pub fn from_slice_any_size<T: DeserializeOwned + serde::Serialize>(
    bytes: &[u8],
) -> Result<T, DecodeError> {
    #[cfg(feature = "fast-decode")]
    {
        // Note whether the decoder skipped any key; only then is the round
        // trip needed (to name the first unknown key as every build does).
        let mut skipped = false;
        let mut de = serde_json::Deserializer::from_slice(bytes);
        let decoded = {
            let mut note = |_: serde_ignored::Path<'_>| skipped = true;
            T::deserialize(serde_ignored::Deserializer::new(&mut de, &mut note))
        };
        let value = finish(bytes, de, decoded)?;
        if skipped {
            no_unknown_keys(bytes, &value)?;
        }
        Ok(value)
    }
    #[cfg(not(feature = "fast-decode"))]
    from_slice_round_trip(bytes)
}

/// [`from_slice`] as the browser build runs it (no `fast-decode`): decode,
/// then always round-trip. Public so that tests and benchmarks can hold the
/// two decoders side by side; they give the same answers.
pub fn from_slice_round_trip<T: DeserializeOwned + serde::Serialize>(
    bytes: &[u8],
) -> Result<T, DecodeError> {
    check_size(bytes)?;
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let decoded = T::deserialize(&mut de);
    let value = finish(bytes, de, decoded)?;
    no_unknown_keys(bytes, &value)?;
    Ok(value)
}

fn check_size(bytes: &[u8]) -> Result<(), DecodeError> {
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(DecodeError {
            path: String::new(),
            message: format!(
                "the document is {} bytes; the limit is {MAX_DOCUMENT_BYTES} bytes. Split it, or use a tenant snapshot with a batch of small requests",
                bytes.len()
            ),
        });
    }
    Ok(())
}

/// A decode's result as a `DecodeError` naming the field, and no trailing data.
fn finish<T>(
    bytes: &[u8],
    mut de: serde_json::Deserializer<serde_json::de::SliceRead<'_>>,
    decoded: Result<T, serde_json::Error>,
) -> Result<T, DecodeError> {
    let value = decoded.map_err(|e| DecodeError {
        path: match e.classify() {
            serde_json::error::Category::Data => crate::error_path::at(bytes, e.line(), e.column()),
            _ => String::new(),
        },
        message: explain(&e),
    })?;
    de.end().map_err(|e| DecodeError {
        path: String::new(),
        message: explain(&e),
    })?;
    Ok(value)
}

/// The round trip: every key of the document must come back when the decoded
/// value is written out again; the first that does not is unknown.
fn no_unknown_keys<T: serde::Serialize>(bytes: &[u8], value: &T) -> Result<(), DecodeError> {
    let internal = |e: serde_json::Error| DecodeError {
        path: String::new(),
        message: format!("the document could not be re-read: {e}"),
    };
    let input: serde_json::Value = serde_json::from_slice(bytes).map_err(internal)?;
    let back = serde_json::to_value(value).map_err(internal)?;
    if let Some(path) = first_unknown(&input, &back, "") {
        let field = path.rsplit(['.', '[']).next().unwrap_or(&path).to_string();
        return Err(DecodeError {
            path,
            message: format!(
                "unknown field `{field}`; check its spelling against `ocpolicy schema` (field names are snake_case)"
            ),
        });
    }
    Ok(())
}

/// The path of the first key of `input` (in key order) that the round trip
/// `back` lost, as `a.b[2].c`.
fn first_unknown(
    input: &serde_json::Value,
    back: &serde_json::Value,
    path: &str,
) -> Option<String> {
    use serde_json::Value;
    match (input, back) {
        (Value::Object(a), Value::Object(b)) => a.iter().find_map(|(k, v)| {
            let p = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            match b.get(k) {
                None => Some(p),
                Some(w) => first_unknown(v, w, &p),
            }
        }),
        (Value::Array(a), Value::Array(b)) => a
            .iter()
            .zip(b)
            .enumerate()
            .find_map(|(i, (v, w))| first_unknown(v, w, &format!("{path}[{i}]"))),
        _ => None,
    }
}

/// `numbers.2.id` (serde_path_to_error's form) as `numbers[2].id`.
#[cfg(test)]
pub(crate) fn bracket_indices(path: &str) -> String {
    let mut out = String::new();
    for seg in path.split('.') {
        if !out.is_empty() && seg.parse::<usize>().is_ok() {
            out.push_str(&format!("[{seg}]"));
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    out
}

/// Turn serde_json's error into a sentence a person can act on.
fn explain(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let (line, column) = (e.line(), e.column());
    let text = e.to_string();
    // serde_json appends " at line L column C"; keep the reason, report the place once.
    let reason = text.split(" at line ").next().unwrap_or(&text).to_string();
    match e.classify() {
        Category::Syntax => format!("malformed JSON at line {line}, column {column}: {reason}"),
        Category::Eof => format!("the JSON ends early at line {line}, column {column}: {reason}"),
        Category::Io => format!("could not read the JSON: {reason}"),
        Category::Data => format!("{reason} (line {line}, column {column})"),
    }
}

/// The JSON (and PowerShell) name of an enum value, e.g. `UserAssigned`.
pub(crate) fn name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        Ok(other) => other.to_string(),
        Err(_) => String::from("?"),
    }
}

/// Encode a value as compact JSON.
pub fn to_string<T: serde::Serialize>(value: &T) -> String {
    // Serialising the generated types cannot fail: they hold only strings,
    // numbers, booleans, lists and enums.
    serde_json::to_string(value).unwrap_or_else(|e| format!("{{\"error\":\"{e}\"}}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::EligibilityRequest;

    #[test]
    fn unknown_field_is_an_error_with_its_path() {
        let e = from_slice::<EligibilityRequest>(
            br#"{"ReleaseNumber":{"telephone_number":"+1","colour":"red"}}"#,
        )
        .unwrap_err();
        assert_eq!(e.path, "ReleaseNumber.colour");
        assert!(e.message.contains("unknown field `colour`"), "{e}");
    }

    #[test]
    fn wrong_type_names_the_field() {
        let e = from_slice::<EligibilityRequest>(br#"{"ReleaseNumber":{"telephone_number":42}}"#)
            .unwrap_err();
        assert_eq!(e.path, "ReleaseNumber.telephone_number");
        assert!(e.message.contains("invalid type"), "{e}");
    }

    #[test]
    fn list_indices_read_the_same_in_type_errors_and_unknown_fields() {
        use crate::types::UploadNumbers;
        let wrong = br#"{"operator_id":"OP1","numbers":[{"telephone_number":"+1","usage":"CallingUserAssignment","location_update_supported":true},{"telephone_number":7}]}"#;
        let e = from_slice::<UploadNumbers>(wrong).unwrap_err();
        assert_eq!(e.path, "numbers[1].telephone_number", "{e}");
        let unknown = br#"{"operator_id":"OP1","numbers":[{"telephone_number":"+1","usage":"CallingUserAssignment","location_update_supported":true,"colour":1}]}"#;
        let e = from_slice::<UploadNumbers>(unknown).unwrap_err();
        assert_eq!(e.path, "numbers[0].colour", "{e}");
    }

    #[test]
    fn missing_field_and_bad_variant_are_explained() {
        let e = from_slice::<EligibilityRequest>(br#"{"ReleaseNumber":{}}"#).unwrap_err();
        assert!(
            e.message.contains("missing field `telephone_number`"),
            "{e}"
        );
        let e = from_slice::<EligibilityRequest>(br#"{"Release":{}}"#).unwrap_err();
        assert!(e.message.contains("unknown variant `Release`"), "{e}");
        assert!(e.message.contains("ReleaseNumber"), "{e}");
    }

    #[test]
    fn malformed_truncated_trailing_and_non_utf8_documents_are_errors() {
        assert!(
            from_slice::<EligibilityRequest>(b"{")
                .unwrap_err()
                .message
                .contains("ends early")
        );
        assert!(
            from_slice::<EligibilityRequest>(b"{]")
                .unwrap_err()
                .message
                .contains("malformed")
        );
        let e =
            from_slice::<EligibilityRequest>(br#"{"ReleaseNumber":{"telephone_number":"1"}} x"#)
                .unwrap_err();
        assert!(e.message.contains("trailing"), "{e}");
        let e = from_slice::<EligibilityRequest>(
            b"{\"ReleaseNumber\":{\"telephone_number\":\"\xff\"}}",
        )
        .unwrap_err();
        assert!(
            e.message.contains("unicode") || e.message.contains("UTF-8"),
            "{e}"
        );
    }

    #[test]
    fn deep_nesting_is_refused_not_overflowed() {
        let deep = "[".repeat(100_000);
        assert!(from_slice::<EligibilityRequest>(deep.as_bytes()).is_err());
    }

    /// `error_path::at` against serde_path_to_error (the path-tracking
    /// deserializer it replaces), on documents made wrong one field at a time
    /// from every corpus case: a wrong type, a missing field, an unknown
    /// variant or enum value.
    #[test]
    fn error_path_matches_serde_path_to_error() {
        use crate::types::*;
        use serde_json::Value;

        fn expected<T: serde::de::DeserializeOwned>(doc: &[u8]) -> Option<(String, String)> {
            let mut de = serde_json::Deserializer::from_slice(doc);
            match serde_path_to_error::deserialize::<_, T>(&mut de) {
                Ok(_) => None,
                Err(e) => {
                    let path = e.path().to_string();
                    let inner = e.into_inner();
                    (inner.classify() == serde_json::error::Category::Data).then(|| {
                        (
                            if path == "." {
                                String::new()
                            } else {
                                bracket_indices(&path)
                            },
                            inner.to_string(),
                        )
                    })
                }
            }
        }
        fn check<T: serde::de::DeserializeOwned + serde::Serialize>(doc: &[u8], seen: &mut usize) {
            // The two strict decoders (fast-decode's one pass and the
            // browser's round trip) give the same answer, error or value.
            let fast = from_slice::<T>(doc).map(|v| serde_json::to_value(v).ok());
            let round = from_slice_round_trip::<T>(doc).map(|v| serde_json::to_value(v).ok());
            assert_eq!(fast, round, "in {}", String::from_utf8_lossy(doc));
            if fast
                .as_ref()
                .is_err_and(|e| e.message.starts_with("unknown field"))
            {
                UNKNOWN.with(|u| u.set(u.get() + 1));
            }
            if let Some((want, why)) = expected::<T>(doc) {
                let got = from_slice::<T>(doc)
                    .err()
                    .map(|e| e.path)
                    .unwrap_or_default();
                assert_eq!(got, want, "{why}\n  in {}", String::from_utf8_lossy(doc));
                *seen += 1;
            }
        }
        /// Every way to make one field of `v` wrong, as whole documents.
        fn mutants(root: &Value) -> Vec<Value> {
            let mut out = Vec::new();
            let mut stack = vec![Vec::<Value>::new()];
            while let Some(at) = stack.pop() {
                let mut node = root;
                for k in &at {
                    node = match k {
                        Value::String(k) => &node[k.as_str()],
                        Value::Number(i) => &node[i.as_u64().unwrap_or(0) as usize],
                        _ => node,
                    };
                }
                let set = |f: &dyn Fn(&mut Value)| {
                    let mut doc = root.clone();
                    let mut n = &mut doc;
                    for k in &at {
                        n = match k {
                            Value::String(k) => &mut n[k.as_str()],
                            Value::Number(i) => &mut n[i.as_u64().unwrap_or(0) as usize],
                            _ => n,
                        };
                    }
                    f(n);
                    doc
                };
                match node {
                    Value::Object(m) => {
                        // Unknown keys: one, and two (which one is named first).
                        out.push(set(&|n| n["zz_unknown"] = Value::Null));
                        out.push(set(&|n| {
                            n["zz_unknown"] = Value::from(1);
                            n["aa_unknown"] = serde_json::json!({"x": [1]});
                        }));
                        for k in m.keys() {
                            let k2 = k.clone();
                            out.push(set(&|n| {
                                if let Some(o) = n.as_object_mut() {
                                    o.remove(&k2);
                                }
                            }));
                            let mut next = at.clone();
                            next.push(Value::String(k.clone()));
                            stack.push(next);
                        }
                        if m.len() == 1 {
                            out.push(set(&|n| *n = serde_json::json!({"NoSuchCase": {}})));
                        }
                    }
                    Value::Array(a) => {
                        for i in 0..a.len().min(3) {
                            let mut next = at.clone();
                            next.push(Value::from(i));
                            stack.push(next);
                        }
                        out.push(set(&|n| *n = Value::from("not a list")));
                    }
                    Value::String(_) => {
                        out.push(set(&|n| *n = Value::from(7)));
                        out.push(set(&|n| *n = Value::from("NoSuchValue")));
                    }
                    Value::Number(_) | Value::Bool(_) => out.push(set(&|n| *n = Value::from("x"))),
                    Value::Null => out.push(set(&|n| *n = Value::from(true))),
                }
            }
            out
        }

        thread_local!(static UNKNOWN: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpus");
        let mut seen = 0usize;
        for family in [
            "eligibility",
            "emergency",
            "conferencing",
            "operator-programme",
        ] {
            let Ok(dir) = std::fs::read_dir(corpus.join(family)) else {
                continue;
            };
            for entry in dir.flatten().take(25) {
                let Ok(text) = std::fs::read(entry.path()) else {
                    continue;
                };
                let Ok(case) = serde_json::from_slice::<Value>(&text) else {
                    continue;
                };
                let kind = case["kind"].as_str().unwrap_or_default().to_string();
                for m in mutants(&case["input"]).into_iter().take(400) {
                    let doc = m.to_string();
                    let doc = doc.as_bytes();
                    match kind.as_str() {
                        "eligibility" => check::<EligibilityCheck>(doc, &mut seen),
                        "operator-programme" => check::<OperatorProgramme>(doc, &mut seen),
                        "address" => check::<AddressCheck>(doc, &mut seen),
                        "emergency" => check::<EmergencyCheck>(doc, &mut seen),
                        "emergency-audit" => check::<EmergencyConfig>(doc, &mut seen),
                        "emergency-resolve" => check::<ResolveCheck>(doc, &mut seen),
                        "bridge" => check::<BridgeCheck>(doc, &mut seen),
                        "conferencing" => check::<ConferencingCheck>(doc, &mut seen),
                        "conferencing-lint" => check::<ConferencingConfig>(doc, &mut seen),
                        "conferencing-route" => check::<RouteCheck>(doc, &mut seen),
                        "normalize" => check::<NormalizeCheck>(doc, &mut seen),
                        _ => {}
                    }
                }
            }
        }
        let unknown = UNKNOWN.with(std::cell::Cell::get);
        eprintln!(
            "compared {seen} wrong documents; {unknown} with unknown keys, both decoders alike"
        );
        assert!(seen > 2000, "only {seen} wrong documents compared");
        assert!(unknown > 1000, "only {unknown} documents with unknown keys");
    }
}
