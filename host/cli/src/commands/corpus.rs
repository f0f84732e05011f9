//! `ocpolicy corpus`: run a conformance corpus (a folder of case files) through
//! the rules' JSON entry point, the one the browser build and the server call,
//! and check each case's expected verdict.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use serde::Deserialize;
use serde_json::{Value, json};

use super::{BadInput, Outcome};
use ocpolicy_rules::ffi;

/// `ocpolicy corpus [DIR]`.
#[derive(Args)]
#[command(after_help = "\
Each case file is JSON: {name, source, description, kind, input, expect: {allowed, codes}}.
`kind` is one of the kinds of `ocpolicy corpus --kinds`. Exit 0 when every case meets its
expectation, 1 when one does not, 2 when a case file cannot be read.

Examples:
  ocpolicy corpus                      # tests/corpus, a line per failing case and a summary
  ocpolicy corpus tests/corpus/emergency
  ocpolicy corpus --json | jq -c 'select(.pass | not)'
  ocpolicy corpus --kinds")]
pub struct CorpusCommand {
    /// A folder of case files (searched recursively), or one case file.
    #[arg(default_value = "tests/corpus")]
    pub dir: PathBuf,
    /// One JSON line per case: {case, kind, pass, problem, output}, where
    /// `output` is the envelope {"ok": ...} or {"error": {path, message}}.
    #[arg(long)]
    pub json: bool,
    /// List the kinds a case may have, with their input and output types.
    #[arg(long)]
    pub kinds: bool,
}

#[derive(Deserialize)]
struct Case {
    kind: String,
    input: Value,
    expect: Expect,
}

#[derive(Deserialize)]
struct Expect {
    allowed: bool,
    codes: BTreeSet<String>,
}

impl CorpusCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        if self.kinds {
            for k in ffi::KINDS {
                outln!(
                    "{:<20} {:<18} -> {:<14} {}",
                    k.name,
                    k.input,
                    k.output,
                    k.summary
                );
            }
            return Ok(Outcome::Allowed);
        }
        let mut files = Vec::new();
        collect(&self.dir, &mut files)
            .map_err(|e| BadInput(format!("cannot read `{}`: {e}", self.dir.display())))?;
        files.sort();
        if files.is_empty() {
            return Err(BadInput(format!(
                "`{}` holds no case files (*.json)",
                self.dir.display()
            ))
            .into());
        }
        let (mut passed, mut failed) = (0usize, 0usize);
        for file in &files {
            let text =
                std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
            let case: Case = serde_json::from_slice(&text)
                .map_err(|e| BadInput(format!("`{}` is not a case file: {e}", file.display())))?;
            let input = serde_json::to_vec(&case.input)?;
            let output = ffi::decide(&case.kind, &input);
            let problem = judge(&output, &case.expect);
            let name = file
                .strip_prefix(&self.dir)
                .unwrap_or(file)
                .display()
                .to_string();
            if problem.is_none() {
                passed += 1;
            } else {
                failed += 1;
            }
            if self.json {
                let output = match output {
                    Ok(v) => json!({ "ok": v }),
                    Err(e) => json!({ "error": { "path": e.path, "message": e.message } }),
                };
                outln!(
                    "{}",
                    json!({ "case": name, "kind": case.kind, "pass": problem.is_none(), "problem": problem, "output": output })
                );
            } else if let Some(p) = problem {
                outln!("FAIL {name}: {p}");
            }
        }
        if !self.json {
            outln!("{passed} passed, {failed} failed ({} cases)", files.len());
        }
        Ok(if failed == 0 {
            Outcome::Allowed
        } else {
            Outcome::Denied
        })
    }
}

fn collect(p: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
    if p.is_file() {
        out.push(p.to_path_buf());
        return Ok(());
    }
    for entry in std::fs::read_dir(p)? {
        let path = entry?.path();
        if path.is_dir() {
            collect(&path, out)?;
        } else if path.extension().is_some_and(|x| x == "json") {
            out.push(path);
        }
    }
    Ok(())
}

/// Why an output does not meet the expectation, if it does not.
fn judge(output: &Result<Value, ocpolicy_rules::InputError>, want: &Expect) -> Option<String> {
    let v = match output {
        Ok(v) => v,
        Err(e) => return Some(format!("input error at `{}`: {}", e.path, e.message)),
    };
    let violations = v["violations"].as_array().cloned().unwrap_or_default();
    let codes: BTreeSet<String> = violations
        .iter()
        .filter_map(|x| x["code"].as_str().map(String::from))
        .collect();
    let allowed = v["allowed"]
        .as_bool()
        .unwrap_or_else(|| !violations.iter().any(|x| x["severity"] == "Error"));
    if allowed != want.allowed || codes != want.codes {
        return Some(format!(
            "expected allowed={} codes={:?}, got allowed={allowed} codes={codes:?}",
            want.allowed, want.codes
        ));
    }
    None
}
