//! Decisions for people.

use ocpolicy_rules::json;
use ocpolicy_rules::types::{Decision, Severity};
use serde::Serialize;
use std::fmt::Write;

/// A decision as a short report: the verdict, then each violation with its
/// code, field, message, fix and source.
pub fn decision(d: &Decision) -> String {
    let count = |s: Severity| d.violations.iter().filter(|v| v.severity == s).count();
    let (e, w, i) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    );
    let mut out = String::new();
    let verdict = if d.allowed { "ALLOWED" } else { "DENIED" };
    let mut parts = Vec::new();
    for (n, word) in [(e, "error"), (w, "warning"), (i, "note")] {
        if n > 0 {
            parts.push(format!("{n} {word}{}", if n == 1 { "" } else { "s" }));
        }
    }
    let _ = writeln!(
        out,
        "{verdict}{}",
        if parts.is_empty() {
            String::new()
        } else {
            format!(": {}", parts.join(", "))
        }
    );
    for v in &d.violations {
        let tag = match v.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        };
        let _ = writeln!(
            out,
            "\n  {tag}[{}] at {}",
            v.code,
            if v.path.is_empty() {
                "(document)"
            } else {
                &v.path
            }
        );
        let _ = writeln!(out, "    {}", v.message);
        let _ = writeln!(out, "    fix:    {}", v.remediation);
        if !v.citation.is_empty() {
            let _ = writeln!(out, "    source: {}", v.citation);
        }
    }
    out
}

/// A bad-input error for people.
pub fn failure(path: &str, message: &str) -> String {
    if path.is_empty() {
        format!("bad input: {message}")
    } else {
        format!("bad input at `{path}`: {message}")
    }
}

/// An enum case as JSON names it (`DirectToPsap`).
pub(super) fn name<T: Serialize>(v: &T) -> String {
    json::to_string(v).trim_matches('"').to_string()
}
