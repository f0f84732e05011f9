//! The `ocpolicy` binary: output, exit codes (0 allowed, 1 denied, 2 bad
//! input), and clear errors on bad input.

use std::io::Write;
use std::process::{Command, Output, Stdio};

fn ocpolicy(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_ocpolicy"));
    cmd.args(args)
        .current_dir(crate::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("spawning ocpolicy: {e}"));
    if let Some(mut pipe) = child.stdin.take() {
        // A closed pipe (the binary exited early) is fine; the assertions judge the output.
        let _ = pipe.write_all(stdin.unwrap_or_default());
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("waiting for ocpolicy: {e}"))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

const TENANT: &str = "tests/examples/tenant.json";

#[test]
fn allowed_exits_0_and_denied_exits_1() {
    let ok = ocpolicy(
        &[
            "check",
            "eligibility",
            "tests/examples/assign-number.check.json",
        ],
        None,
    );
    assert_eq!(ok.status.code(), Some(0), "{}", text(&ok.stderr));
    assert!(
        text(&ok.stdout).starts_with("ALLOWED"),
        "{}",
        text(&ok.stdout)
    );

    let denied = ocpolicy(
        &[
            "check",
            "eligibility",
            "--tenant",
            TENANT,
            "tests/examples/requests/assign-number-denied.json",
        ],
        None,
    );
    assert_eq!(denied.status.code(), Some(1));
    let out = text(&denied.stdout);
    assert!(
        out.contains("error[ELIG-USAGE-LOCATION] at tenant.accounts[2].usage_location"),
        "{out}"
    );
    assert!(
        out.contains("fix:") && out.contains("source: [ASSIGN]"),
        "{out}"
    );
}

#[test]
fn json_output_is_the_decision_document() {
    let out = ocpolicy(
        &[
            "check",
            "eligibility",
            "--json",
            "--tenant",
            TENANT,
            "tests/examples/requests/assign-number-denied.json",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1));
    let d: ocpolicy_rules::types::Decision = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stdout)));
    assert!(!d.allowed);
    assert_eq!(d.violations[0].code, "ELIG-USAGE-LOCATION");
    assert_eq!(d.violations[0].citation, "[ASSIGN]");
}

#[test]
fn both_engines_give_the_same_json() {
    for engine in ["component", "native"] {
        let out = ocpolicy(
            &[
                "check",
                "eligibility",
                "--json",
                "--engine",
                engine,
                "--tenant",
                TENANT,
                "--batch",
                "tests/examples/requests.ndjson",
            ],
            None,
        );
        assert_eq!(
            out.status.code(),
            Some(1),
            "{engine}: {}",
            text(&out.stderr)
        );
        let expected =
            std::fs::read_to_string(crate::root().join("tests/examples/requests.ndjson"))
                .unwrap_or_default()
                .lines()
                .count();
        assert_eq!(text(&out.stdout).lines().count(), expected, "{engine}");
    }
    let a = ocpolicy(
        &[
            "check",
            "eligibility",
            "--json",
            "--engine",
            "component",
            "--tenant",
            TENANT,
            "--batch",
            "tests/examples/requests.ndjson",
        ],
        None,
    );
    let b = ocpolicy(
        &[
            "check",
            "eligibility",
            "--json",
            "--engine",
            "native",
            "--tenant",
            TENANT,
            "--batch",
            "tests/examples/requests.ndjson",
        ],
        None,
    );
    assert_eq!(text(&a.stdout), text(&b.stdout));
}

#[test]
fn bad_input_exits_2_and_names_the_field() {
    let cases: &[(&[u8], &str)] = &[
        (b"{\"ReleaseNumber\":", "ends early"),
        (b"{\"ReleaseNumber\" 1}", "malformed JSON"),
        (b"\xff\xfe", "malformed JSON"),
        (br#"{"ReleaseNumber":{"telephone_number":"+14255550101","colour":1}}"#, "`ReleaseNumber.colour`: unknown field `colour`"),
        (br#"{"ReleaseNumber":{"telephone_number":14255550101}}"#, "`ReleaseNumber.telephone_number`: invalid type"),
        (br#"{"ReleaseNumber":{}}"#, "missing field `telephone_number`"),
        (br#"{"AssignNumber":{"target":"ghost@contoso.com","target_kind":"User","telephone_number":"+14255550101","number_type":"OperatorConnect"}}"#, "`request.target`: no account `ghost@contoso.com`"),
        (br#"{"AssignNumber":{"target":"alice@contoso.com","target_kind":"User","telephone_number":"+14255550160","number_type":"CallingPlan"}}"#, "`request.now`"),
    ];
    for (input, expected) in cases {
        let out = ocpolicy(
            &["check", "eligibility", "--tenant", TENANT, "-"],
            Some(input),
        );
        let err = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {err}", text(input));
        assert!(
            err.contains(expected),
            "for {}: expected `{expected}` in: {err}",
            text(input)
        );
        assert!(!err.contains("panicked"), "{err}");
    }
    let deep = "[".repeat(200_000);
    let out = ocpolicy(&["check", "eligibility", "-"], Some(deep.as_bytes()));
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let out = ocpolicy(&["check", "eligibility", "no/such/file.json"], None);
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out.stderr).contains("cannot open `no/such/file.json`"));
}

#[test]
fn a_batch_reports_every_bad_line_and_loses_no_good_one() {
    let good =
        std::fs::read_to_string(crate::root().join("tests/examples/requests/assign-number.json"))
            .unwrap_or_default();
    let good = good.split_whitespace().collect::<Vec<_>>().join(" ");
    let long = format!(
        "{{\"ReleaseNumber\":{{\"telephone_number\":\"{}\"}}}}",
        "1".repeat(5000)
    );
    let input = format!("{good}\nnot json\n\n{long}\n{good}\n{{\"Bogus\":{{}}}}\n");
    let out = ocpolicy(
        &[
            "check",
            "eligibility",
            "--json",
            "--tenant",
            TENANT,
            "--max-line-bytes",
            "4096",
            "--batch",
            "-",
        ],
        Some(input.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let lines: Vec<serde_json::Value> = text(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_default())
        .collect();
    let summary: Vec<(u64, bool)> = lines
        .iter()
        .map(|l| (l["line"].as_u64().unwrap_or(0), l.get("error").is_some()))
        .collect();
    assert_eq!(
        summary,
        vec![(1, false), (2, true), (4, true), (5, false), (6, true)]
    );
    assert!(
        lines[2]["error"]["message"]
            .as_str()
            .unwrap_or("")
            .contains("longer than 4096 bytes")
    );
    assert!(lines[3]["decision"]["allowed"].as_bool().unwrap_or(false));
}

#[test]
fn schema_is_generated_strict_and_valid_json() {
    for doc in [
        "eligibility",
        "eligibility-request",
        "tenant",
        "operator-programme",
        "decision",
    ] {
        let out = ocpolicy(&["schema", doc], None);
        assert_eq!(out.status.code(), Some(0), "{doc}");
        let schema: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
        assert_eq!(
            schema["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{doc}"
        );
        assert!(
            text(&out.stdout).contains("\"additionalProperties\": false"),
            "{doc}"
        );
    }
    let out = ocpolicy(&["schema", "nonsense"], None);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_lists_every_code_with_its_status() {
    let out = ocpolicy(&["rules", "--json"], None);
    let rules: Vec<serde_json::Value> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(rules.len(), ocpolicy_rules::catalogue::ALL.len());
    let one = ocpolicy(&["rules", "elig-alt-cp-only"], None);
    assert!(
        text(&one.stdout).contains("design:"),
        "{}",
        text(&one.stdout)
    );
    assert_eq!(ocpolicy(&["rules", "NOPE"], None).status.code(), Some(2));
}

#[test]
fn demo_runs_every_bundled_example() {
    let out = ocpolicy(&["demo"], None);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let s = text(&out.stdout);
    // 10 eligibility requests, the operator programme, 3 emergency parts and 2 conferencing parts.
    assert_eq!(s.matches("── ").count(), 16, "{s}");
    assert!(s.contains("via route Redmond 1"), "{s}");
    assert!(!s.contains("bad input"), "{s}");
    assert!(s.contains("LOCATION: Dynamic `LocA`"), "{s}");
    assert!(s.contains("<ca:country>US</ca:country>"), "{s}");
    let native = ocpolicy(&["demo", "--engine", "native"], None);
    assert_eq!(text(&native.stdout).replace("Native", "Component"), s);
}

#[test]
fn component_wit_shows_the_package() {
    let out = ocpolicy(&["component", "wit"], None);
    let s = text(&out.stdout);
    assert!(s.contains("package ocpolicy:rules@0.3.1"), "{s}");
    assert!(s.contains("record violation"), "{s}");
    let out = ocpolicy(&["component", "interface"], None);
    assert!(
        text(&out.stdout).contains("imports (0):"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn a_parallel_batch_keeps_input_order_across_chunks() {
    let good = r#"{"AssignNumber":{"target":"alice@contoso.com","target_kind":"User","telephone_number":"+14255550101","number_type":"OperatorConnect"}}"#;
    let denied = r#"{"AssignNumber":{"target":"chloe@contoso.com","target_kind":"User","telephone_number":"+14255550101","number_type":"OperatorConnect"}}"#;
    let n = 5000; // more than two chunks of 2048
    let mut input = String::new();
    for i in 0..n {
        input.push_str(match i % 3 {
            0 => good,
            1 => denied,
            _ => "{oops",
        });
        input.push('\n');
    }
    let out = ocpolicy(
        &[
            "check",
            "eligibility",
            "--json",
            "--threads",
            "3",
            "--tenant",
            TENANT,
            "--batch",
            "-",
        ],
        Some(input.as_bytes()),
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_default())
        .collect();
    assert_eq!(lines.len(), n);
    for (i, l) in lines.iter().enumerate() {
        assert_eq!(l["line"].as_u64(), Some(i as u64 + 1));
        match i % 3 {
            0 => assert_eq!(l["allowed"], true, "line {}", i + 1),
            1 => assert_eq!(l["allowed"], false, "line {}", i + 1),
            _ => assert!(
                l["error"]["message"]
                    .as_str()
                    .unwrap_or("")
                    .contains("malformed"),
                "line {}",
                i + 1
            ),
        }
    }
}

/// Regression: `ocpolicy ... | head -1` panicked with "failed printing to stdout".
/// The batch writes megabytes, far more than a pipe buffers, so closing the
/// reader after one line really breaks the pipe.
#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    use std::io::{BufRead, BufReader};
    let line = r#"{"AssignNumber":{"target":"chloe@contoso.com","target_kind":"User","telephone_number":"+14255550101","number_type":"OperatorConnect"}}"#;
    let input = format!("{line}\n").repeat(20_000);
    let mut child = Command::new(env!("CARGO_BIN_EXE_ocpolicy"))
        .args([
            "check",
            "eligibility",
            "--json",
            "--tenant",
            TENANT,
            "--batch",
            "-",
        ])
        .current_dir(crate::root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("spawning ocpolicy: {e}"));
    let mut stdin = child.stdin.take().unwrap_or_else(|| panic!("no stdin"));
    let feeder = std::thread::spawn(move || {
        let _ = stdin.write_all(input.as_bytes());
    });
    let stdout = child.stdout.take().unwrap_or_else(|| panic!("no stdout"));
    let mut first = String::new();
    BufReader::new(stdout)
        .read_line(&mut first)
        .unwrap_or_default();
    // The reader is dropped here, with megabytes still to come.
    let out = child.wait_with_output().unwrap_or_else(|e| panic!("{e}"));
    let _ = feeder.join();
    assert!(first.starts_with("{\"line\":1,"), "{first}");
    assert!(
        !text(&out.stderr).contains("panicked"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}
