//! Dial-plan normalization ([DIALPLAN]): the plan's rules run top to bottom and
//! the first whose pattern matches translates the number (`$1`-style groups,
//! .NET `Regex.Replace` semantics). If none matches, `+CC` of the usage
//! location is prepended; a string that already starts with `+` is left as it
//! is (ocpolicy's reading: it is already E.164).
//!
//! Microsoft's service-country rules (merged into every effective plan) are
//! not published, so only the tenant plan is evaluated; a result without '+'
//! is reported, since Teams may normalize it again with those rules.

use super::snapshot::Compiled;
use crate::catalogue as c;
use crate::types::{DialPlan, InputError, Normalization, NormalizeCheck};
use crate::{Findings, netregex};

/// The longest dialed string accepted.
const MAX_DIALED: usize = 64;

/// Why and how a number was normalized (the trace's first step).
pub(crate) struct Normalized {
    pub normalization: Normalization,
    /// For people: which rule fired or which fallback applied.
    pub reason: String,
}

/// A character a dialed string may hold: a dial pad's keys, and the
/// separators people type between groups of digits.
fn dialable(ch: char) -> bool {
    ch.is_ascii_digit() || matches!(ch, '+' | '*' | '#' | ' ' | '-' | '.' | '(' | ')')
}

/// Refuse dialed strings the rules cannot read: empty, too long, with
/// control characters (so .NET's and Rust's `$` agree), or not a number at
/// all (letters, other signs, no digit).
pub(crate) fn check_dialed(dialed: &str) -> Result<&str, InputError> {
    let d = dialed.trim();
    let bad = |m: String| InputError {
        path: "dialed".into(),
        message: m,
    };
    if d.is_empty() {
        return Err(bad(
            "nothing was dialed; give the number, e.g. +14255550100 or 0100".into(),
        ));
    }
    if d.chars().count() > MAX_DIALED {
        return Err(bad(format!("longer than {MAX_DIALED} characters")));
    }
    if let Some(ch) = d.chars().find(|ch| ch.is_control() || !ch.is_ascii()) {
        return Err(bad(format!(
            "contains `{}`; dial digits, '+', '*' or '#' (ASCII, no control characters)",
            ch.escape_default()
        )));
    }
    // What a dial pad sends: digits, '+', '*', '#', and the separators people
    // type between groups. A letter or other sign is not a number to route.
    if let Some(ch) = d.chars().find(|&ch| !dialable(ch)) {
        return Err(bad(format!(
            "`{d}` is not a phone number: it contains `{ch}`; dial digits (with '+', '*' or '#'), e.g. +14255550100 or 0100"
        )));
    }
    if !d.chars().any(|ch| ch.is_ascii_digit()) {
        return Err(bad(format!(
            "`{d}` is not a phone number: it has no digits; dial digits, e.g. +14255550100 or 0100"
        )));
    }
    Ok(d)
}

/// Normalize `dialed` with `plan` (rules compiled as `compiled`), falling back
/// to `+CC` of `usage_location`. `plan_path` prefixes rule paths in violations.
pub(crate) fn run(
    plan: Option<(&DialPlan, &[Compiled], String)>,
    usage_location: &str,
    dialed: &str,
) -> Result<Normalized, InputError> {
    let dialed = check_dialed(dialed)?;
    let mut f = Findings::default();
    let mut out = Normalization {
        dialed: dialed.to_string(),
        normalized: dialed.to_string(),
        dial_plan: plan.as_ref().map(|(p, _, _)| p.identity.clone()),
        rule: None,
        violations: Vec::new(),
    };
    let mut reason = None;
    if let Some((p, compiled, path)) = &plan {
        for (i, (rule, re)) in p
            .normalization_rules
            .iter()
            .zip(compiled.iter())
            .enumerate()
        {
            match re {
                Err(why) => f.raise(
                    &c::CONF_REGEX_INVALID,
                    format!("{path}.normalization_rules[{i}].pattern"),
                    format!(
                        "Invalid Pattern regex in rule `{}` of dial plan `{}`: {why}; the rule is skipped",
                        rule.name, p.identity
                    ),
                ),
                Ok(re) => {
                    if let Some(result) = netregex::replace_all(re, dialed, &rule.translation) {
                        if !result.is_ascii() || result.chars().any(|c| c.is_control()) {
                            return Err(InputError {
                                path: format!("{path}.normalization_rules[{i}].translation"),
                                message: format!(
                                    "rule `{}` turns {dialed} into `{}`, which is not a dialable string (ASCII, no control characters); fix the translation",
                                    rule.name,
                                    result.escape_default()
                                ),
                            });
                        }
                        reason = Some(format!(
                            "rule `{}` ({} → {}) of dial plan `{}` matched: {dialed} → {result} (first match wins)",
                            rule.name, rule.pattern, rule.translation, p.identity
                        ));
                        out.normalized = result;
                        out.rule = Some(rule.name.clone());
                        break;
                    }
                }
            }
        }
    }
    let reason = match reason {
        Some(r) => r,
        None if dialed.starts_with('+') => {
            let plan_note = match &plan {
                Some((p, _, _)) => format!("no rule of dial plan `{}` matched", p.identity),
                None => "no dial plan".to_string(),
            };
            format!("{plan_note}; {dialed} already starts with '+', so it is left as it is")
        }
        None => {
            let cc = crate::phone::calling_code(usage_location).ok_or_else(|| InputError {
                path: "usage_location".into(),
                message: format!(
                    "`{usage_location}` is not an ISO 3166-1 alpha-2 country with a calling code, e.g. US"
                ),
            })?;
            let plan_note = match &plan {
                Some((p, _, _)) => format!("no rule of dial plan `{}` matched", p.identity),
                None => "no dial plan".to_string(),
            };
            out.normalized = format!("+{cc}{dialed}");
            format!(
                "{plan_note}: +{cc} of usage location {} is prepended: {dialed} → {}",
                usage_location.trim().to_ascii_uppercase(),
                out.normalized
            )
        }
    };
    out.violations = f.finish().violations;
    Ok(Normalized {
        normalization: out,
        reason,
    })
}

/// Does a normalized number look like E.164 (`+` and 1–15 digits)?
pub(crate) fn is_e164(n: &str) -> bool {
    n.strip_prefix('+')
        .is_some_and(|d| !d.is_empty() && d.len() <= 15 && d.bytes().all(|b| b.is_ascii_digit()))
}

/// The `normalize` export: one dialed string against a list of plans.
pub(crate) fn normalize_check(check: &NormalizeCheck) -> Result<Normalization, InputError> {
    let wanted = check.dial_plan.as_deref().map(super::key);
    let mut found = None;
    for (i, p) in check.dial_plans.iter().enumerate() {
        let k = super::key(&p.identity);
        let hit = match &wanted {
            Some(w) => &k == w,
            None => k == "global",
        };
        if hit {
            found = Some((i, p));
            break;
        }
    }
    if let (Some(name), None) = (&check.dial_plan, found) {
        return Err(InputError {
            path: "dial_plan".into(),
            message: format!("no dial plan `{name}` in dial_plans; add it or fix the name"),
        });
    }
    let compiled: Vec<Compiled> = found
        .map(|(_, p)| {
            p.normalization_rules
                .iter()
                .map(|r| netregex::compile(&r.pattern))
                .collect()
        })
        .unwrap_or_default();
    let plan = found.map(|(i, p)| (p, compiled.as_slice(), format!("dial_plans[{i}]")));
    Ok(run(plan, &check.usage_location, &check.dialed)?.normalization)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::check_dialed;

    #[test]
    fn a_dialed_string_that_is_not_a_number_is_refused_naming_the_field() {
        for bad in [
            "abc",
            "+1abc",
            "0100x",
            "+1 (425) 555-01OO",
            "#*",
            "+",
            "call me",
        ] {
            let e = check_dialed(bad).expect_err(bad);
            assert_eq!(e.path, "dialed", "{bad}");
            assert!(
                e.message.contains("is not a phone number"),
                "{bad}: {}",
                e.message
            );
        }
    }

    #[test]
    fn what_a_dial_pad_sends_is_accepted() {
        for good in [
            "+14255550100",
            "0100",
            "+1 (425) 555-0100",
            "*86",
            "+33 1.23.45",
            "#31#0100",
        ] {
            assert_eq!(check_dialed(good).unwrap(), good.trim(), "{good}");
        }
    }
}
