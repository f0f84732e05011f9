//! The docs teach what the code does: README examples decode, and CI runs the
//! README's test command.

use ocpolicy_rules::{json, types as core};

fn readme() -> String {
    std::fs::read_to_string(crate::root().join("README.md")).unwrap_or_default()
}

/// The contents of every fenced block with this language tag.
fn blocks(text: &str, lang: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match &mut current {
            None if line.trim() == format!("```{lang}") => current = Some(String::new()),
            Some(buf) if line.trim() == "```" => {
                out.push(std::mem::take(buf));
                current = None;
            }
            Some(buf) => {
                buf.push_str(line);
                buf.push('\n');
            }
            None => {}
        }
    }
    out
}

#[test]
fn every_json_example_in_the_readme_is_a_valid_document() {
    let docs = blocks(&readme(), "json");
    assert!(
        docs.len() >= 12,
        "expected the README's JSON examples, found {}",
        docs.len()
    );
    for doc in docs {
        let b = doc.as_bytes();
        let ok = json::from_slice::<core::EligibilityCheck>(b).is_ok()
            || json::from_slice::<core::EligibilityRequest>(b).is_ok()
            || json::from_slice::<core::OperatorProgramme>(b).is_ok()
            || json::from_slice::<core::Decision>(b).is_ok();
        assert!(ok, "README example does not decode as any document:\n{doc}");
    }
}

#[test]
fn ci_runs_the_readme_test_command() {
    let commands = blocks(&readme(), "sh");
    let test_command = commands
        .iter()
        .map(|b| b.trim())
        .find(|b| b.contains("cargo test"))
        .unwrap_or_else(|| panic!("no test command in the README"));
    let ci = std::fs::read_to_string(crate::root().join(".ci/run")).unwrap_or_default();
    assert!(
        ci.lines().any(|l| l.trim() == test_command),
        ".ci/run does not run the README's test command:\n{test_command}"
    );
}
