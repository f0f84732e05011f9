//! Building a [`Decision`] out of violations.
//!
//! Violations of catalogue rules are kept without the catalogue's text until
//! the decision is made: [`Findings::finish`] copies the code, citation and
//! remediation into a [`Decision`], and [`Findings::finish_compact`] leaves
//! them out ([`CompactDecision`], what the component returns on its hot path;
//! the host fills them in from its own copy of the catalogue).

use crate::catalogue::{self, Rule};
use crate::types::{
    CompactDecision, CompactViolation, Decision, RuleViolation, Severity, Violation,
};

/// Violations collected while evaluating one request.
#[derive(Debug, Default)]
pub struct Findings {
    violations: Vec<Found>,
}

/// One violation, as raised.
#[derive(Debug)]
enum Found {
    /// A catalogue rule's: its text stays in the catalogue.
    Rule {
        rule: &'static Rule,
        severity: Severity,
        path: String,
        message: String,
        fix: Option<String>,
    },
    /// One whose text is not the catalogue's, whole.
    Verbatim(Violation),
}

impl Found {
    fn severity(&self) -> Severity {
        match self {
            Found::Rule { severity, .. } => *severity,
            Found::Verbatim(v) => v.severity,
        }
    }

    fn into_violation(self) -> Violation {
        match self {
            Found::Rule {
                rule,
                severity,
                path,
                message,
                fix,
            } => Violation {
                code: rule.code.to_string(),
                severity,
                path,
                message,
                citation: rule.citation.to_string(),
                remediation: fix.unwrap_or_else(|| rule.remediation.to_string()),
            },
            Found::Verbatim(v) => v,
        }
    }

    fn into_compact(self) -> CompactViolation {
        match self {
            Found::Rule {
                rule,
                severity,
                path,
                message,
                fix,
            } => CompactViolation::Rule(RuleViolation {
                rule: rule.index,
                severity,
                path,
                message,
                fix,
            }),
            Found::Verbatim(v) => CompactViolation::Verbatim(v),
        }
    }
}

impl Findings {
    /// Record a violation of `rule` at the input field `path`.
    pub fn raise(
        &mut self,
        rule: &'static Rule,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.violations.push(Found::Rule {
            rule,
            severity: rule.severity,
            path: path.into(),
            message: message.into(),
            fix: None,
        });
    }

    /// Record a violation of `rule` with another severity than its own (a rule
    /// whose sources conflict, such as EMG-ECP-DISCLAIMER-LEN).
    pub fn raise_as(
        &mut self,
        rule: &'static Rule,
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
    ) {
        self.violations.push(Found::Rule {
            rule,
            severity,
            path: path.into(),
            message: message.into(),
            fix: None,
        });
    }

    /// Record a violation of `rule` with a fix specific to this finding (the
    /// objects to change), instead of the rule's general remediation.
    pub fn raise_fix(
        &mut self,
        rule: &'static Rule,
        path: impl Into<String>,
        message: impl Into<String>,
        fix: impl Into<String>,
    ) {
        self.violations.push(Found::Rule {
            rule,
            severity: rule.severity,
            path: path.into(),
            message: message.into(),
            fix: Some(fix.into()),
        });
    }

    /// Keep a violation raised elsewhere (a sub-check's findings). One of a
    /// catalogue rule, with the rule's code and citation, goes back to being
    /// that rule's.
    pub fn push(&mut self, v: Violation) {
        let found = match catalogue::find(&v.code) {
            Some(rule) if rule.citation == v.citation => Found::Rule {
                rule,
                severity: v.severity,
                fix: (v.remediation != rule.remediation).then_some(v.remediation),
                path: v.path,
                message: v.message,
            },
            _ => Found::Verbatim(v),
        };
        self.violations.push(found);
    }

    /// How many violations have been raised so far.
    pub fn len(&self) -> usize {
        self.violations.len()
    }

    /// True when nothing has been raised yet.
    pub fn is_empty(&self) -> bool {
        self.violations.is_empty()
    }

    /// Order the violations (errors first, then warnings, then info; stable
    /// within a severity) and say whether there is an error.
    fn ordered(&mut self) -> bool {
        self.violations.sort_by_key(|v| rank(v.severity()));
        !self
            .violations
            .iter()
            .any(|v| v.severity() == Severity::Error)
    }

    /// Order the violations (errors, then warnings, then info; stable within a
    /// severity) and decide: allowed unless there is an error.
    pub fn finish(mut self) -> Decision {
        let allowed = self.ordered();
        Decision {
            allowed,
            violations: self
                .violations
                .into_iter()
                .map(Found::into_violation)
                .collect(),
        }
    }

    /// [`finish`](Self::finish), leaving the catalogue's text out.
    pub fn finish_compact(mut self) -> CompactDecision {
        let allowed = self.ordered();
        CompactDecision {
            allowed,
            violations: self
                .violations
                .into_iter()
                .map(Found::into_compact)
                .collect(),
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

#[cfg(test)]
mod tests {
    use super::Findings;
    use crate::catalogue::{self, NUM_FORMAT};
    use crate::types::{CompactViolation, Severity, Violation};

    fn found() -> Findings {
        let mut f = Findings::default();
        f.raise_as(&NUM_FORMAT, Severity::Warning, "a", "warned");
        f.raise(&NUM_FORMAT, "b", "plain");
        f.raise_fix(&NUM_FORMAT, "c", "fixed", "do this");
        // A sub-check's violation of a catalogue rule, and one that is not.
        f.push(Violation {
            code: NUM_FORMAT.code.into(),
            severity: Severity::Info,
            path: "d".into(),
            message: "pushed".into(),
            citation: NUM_FORMAT.citation.into(),
            remediation: NUM_FORMAT.remediation.into(),
        });
        f.push(Violation {
            code: "X-OTHER".into(),
            severity: Severity::Info,
            path: "e".into(),
            message: "other".into(),
            citation: "[X]".into(),
            remediation: "x".into(),
        });
        f
    }

    #[test]
    fn compact_and_full_decisions_say_the_same_in_the_same_order() {
        let full = found().finish();
        let compact = found().finish_compact();
        assert!(!full.allowed);
        assert_eq!(compact.allowed, full.allowed);
        let paths: Vec<_> = full.violations.iter().map(|v| v.path.as_str()).collect();
        assert_eq!(paths, ["b", "c", "a", "d", "e"]);
        assert_eq!(full.violations.len(), compact.violations.len());
        for (v, c) in full.violations.iter().zip(&compact.violations) {
            match c {
                CompactViolation::Rule(r) => {
                    let rule = catalogue::at(r.rule).map(|r| r.code);
                    assert_eq!(rule, Some(v.code.as_str()));
                    assert_eq!(
                        (r.severity, &r.path, &r.message),
                        (v.severity, &v.path, &v.message)
                    );
                    let remediation = r.fix.as_deref().unwrap_or(NUM_FORMAT.remediation);
                    assert_eq!(remediation, v.remediation);
                    assert_eq!(v.citation, NUM_FORMAT.citation);
                }
                CompactViolation::Verbatim(x) => assert_eq!(x, v),
            }
        }
        assert!(matches!(
            compact.violations.get(4),
            Some(CompactViolation::Verbatim(_))
        ));
        assert!(
            matches!(compact.violations.get(1), Some(CompactViolation::Rule(r)) if r.fix.as_deref() == Some("do this"))
        );
    }
}
