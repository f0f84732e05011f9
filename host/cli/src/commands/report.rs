//! How a command prints a decision or a failure, and the exit code that
//! follows: a report for people, or JSON with `--json`.

use anyhow::Result;

use super::Outcome;
use super::engine::{Failure, Verdict};
use super::render;

pub(super) fn report_single(result: Result<Verdict, Failure>, json: bool) -> Result<Outcome> {
    match result {
        Ok(v) => {
            if json {
                outln!("{}", v.json);
            } else {
                match serde_json::from_str::<ocpolicy_rules::types::Decision>(&v.json) {
                    Ok(d) => out!("{}", render::decision(&d)),
                    Err(_) => outln!("{}", v.json),
                }
            }
            Ok(if v.allowed {
                Outcome::Allowed
            } else {
                Outcome::Denied
            })
        }
        Err(f) => report_failure(&f, json, None),
    }
}

pub(super) fn report_failure(f: &Failure, json: bool, document: Option<&str>) -> Result<Outcome> {
    match f {
        Failure::Input { path, message } => {
            let path = match document {
                Some(doc) if path.is_empty() => doc.to_string(),
                Some(doc) => format!("{doc}:{path}"),
                None => path.clone(),
            };
            if json {
                outln!(
                    "{}",
                    serde_json::json!({"error": {"path": path, "message": message}})
                );
            }
            eprintln!("{}", render::failure(&path, message));
            Ok(Outcome::BadInput)
        }
        Failure::Internal(e) => {
            eprintln!("error: {e:#}");
            Ok(Outcome::Internal)
        }
    }
}
