//! Building a [`Decision`] out of violations.

use crate::catalogue::Rule;
use crate::types::{Decision, Severity, Violation};

/// Violations collected while evaluating one request.
#[derive(Debug, Default)]
pub struct Findings {
    violations: Vec<Violation>,
}

impl Findings {
    /// Record a violation of `rule` at the input field `path`.
    pub fn raise(&mut self, rule: &Rule, path: impl Into<String>, message: impl Into<String>) {
        self.violations.push(Violation {
            code: rule.code.to_string(),
            severity: rule.severity,
            path: path.into(),
            message: message.into(),
            citation: rule.citation.to_string(),
            remediation: rule.remediation.to_string(),
        });
    }

    /// Record a violation of `rule` with another severity than its own (a rule
    /// whose sources conflict, such as EMG-ECP-DISCLAIMER-LEN).
    pub fn raise_as(
        &mut self,
        rule: &Rule,
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.raise(rule, path, message);
        if let Some(last) = self.violations.last_mut() {
            last.severity = severity;
        }
    }

    /// Record a violation of `rule` with a fix specific to this finding (the
    /// objects to change), instead of the rule's general remediation.
    pub fn raise_fix(
        &mut self,
        rule: &Rule,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.raise(rule, path, message);
        if let Some(last) = self.violations.last_mut() {
            last.remediation = fix.into();
        }
    }

    /// Keep a violation raised elsewhere (a sub-check's findings).
    pub fn push(&mut self, v: Violation) {
        self.violations.push(v);
    }

    /// Every violation raised so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// True when nothing has been raised yet.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// Order the violations (errors, then warnings, then info; stable within a
    /// severity) and decide: allowed unless there is an error.
    pub fn finish(mut self) -> Decision {
        self.violations.sort_by_key(|v| rank(v.severity));
        Decision {
            allowed: !self
                .violations
                .iter()
                .any(|v| v.severity == Severity::Error),
            violations: self.violations,
        }
    }
}

fn rank(s: Severity) -> u8 {
    match s {
        Severity::Error => 0,
        Severity::Warning => 1,
        Severity::Info => 2,
    }
}
