//! Teams patterns (NumberPattern, normalization rules) are .NET regular
//! expressions. ocpolicy evaluates the subset that Rust's `regex` crate
//! expresses with the **same meaning**, and refuses the rest by name
//! (`CONF-REGEX-INVALID`) rather than evaluate it with another meaning.
//!
//! Refused, because `regex` lacks them: lookahead and lookbehind, backreferences
//! (`\1`, `\k<name>`), atomic groups `(?>…)`, conditionals `(?(…)…)`, balancing
//! groups, comments `(?#…)`, `\G`, `\Z`, the `(?n)`/`(?x)` options.
//!
//! Refused, because both engines accept them with *different* meanings:
//! class subtraction `[a-z-[aeiou]]` (Rust reads a union), `&&`, `--`, `~~`
//! inside classes (set operations in Rust, literals in .NET), `\<`, `\>`,
//! `\b{…}` (word boundaries in Rust, literals in .NET), `\x{…}`, `\u{…}`, `\U…`,
//! `\p…`/`\P…` Unicode classes (not compiled in), `{,n}` (a literal in .NET),
//! `(?P<…>)` and the `U`, `u`, `R` flags (Rust only).
//!
//! What stays has the same meaning in both on the strings ocpolicy matches.
//! Those are ASCII without control characters: dialed strings with anything
//! else are refused as input errors, and so are translations that produce it.
//! On such strings .NET's `$` (which also matches before a final `\n`) and
//! Rust's agree, and so do .NET's Unicode `\d`, `\w`, `\s`, `\b` and `(?i)` and
//! their ASCII forms, which is how patterns are compiled (`regex::bytes` with
//! Unicode mode off). That keeps `\d` one byte range instead of a Unicode
//! table: 1,000 routes compile into a few MB, not hundreds.
//!
//! Translations (`$1`) are expanded the .NET way, not with `regex`'s own
//! syntax: `$1a` is group 1 then `a` in .NET, a group named `1a` in Rust.

use regex::bytes::{Captures, RegexBuilder, RegexSet, RegexSetBuilder};

/// The longest pattern accepted.
pub(crate) const MAX_PATTERN: usize = 1_000;
/// Compiled-program size limit: hostile patterns fail instead of eating memory.
const SIZE_LIMIT: usize = 1 << 20;

/// Why a pattern is refused: the construct, for people.
pub(crate) type Refusal = String;

/// A compiled pattern, matched against ASCII strings (see the module docs).
#[derive(Debug, Clone)]
pub(crate) struct Regex(regex::bytes::Regex);

impl Regex {
    /// Does the pattern match somewhere in `s` (.NET `IsMatch`)?
    pub(crate) fn is_match(&self, s: &str) -> bool {
        self.0.is_match(s.as_bytes())
    }

    /// The pattern's source.
    pub(crate) fn as_str(&self) -> &str {
        self.0.as_str()
    }
}

/// Compile valid patterns into one set, matched in one pass; `None` when the
/// set would exceed its size limit (callers then test pattern by pattern).
pub(crate) fn set<'a>(patterns: impl IntoIterator<Item = &'a Regex>) -> Option<RegexSet> {
    RegexSetBuilder::new(patterns.into_iter().map(Regex::as_str))
        .unicode(false)
        .size_limit(16 << 20)
        .dfa_size_limit(8 << 20)
        .build()
        .ok()
}

/// Which patterns of a set match `s`, by index.
pub(crate) fn set_matches(set: &RegexSet, s: &str) -> impl Iterator<Item = usize> {
    set.matches(s.as_bytes()).into_iter()
}

/// Compile a .NET pattern, or say which construct is outside the subset.
pub(crate) fn compile(pattern: &str) -> Result<Regex, Refusal> {
    if pattern.len() > MAX_PATTERN {
        return Err(format!(
            "the pattern is {} characters long; the limit is {MAX_PATTERN}",
            pattern.len()
        ));
    }
    scan(pattern)?;
    RegexBuilder::new(pattern)
        .unicode(false)
        .size_limit(SIZE_LIMIT)
        .dfa_size_limit(SIZE_LIMIT)
        .nest_limit(64)
        .build()
        .map(Regex)
        .map_err(|e| match e {
            regex::Error::CompiledTooBig(_) => {
                "the pattern compiles to more than 1 MiB; simplify it".to_string()
            }
            other => {
                // regex's message spans lines (pattern, caret, error); keep the error.
                let text = other.to_string();
                let last = text
                    .lines()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("")
                    .trim()
                    .trim_start_matches("error:")
                    .trim()
                    .to_string();
                format!("it is not a valid regular expression: {last}")
            }
        })
}

/// Look for constructs outside the subset, with their position.
fn scan(p: &str) -> Result<(), Refusal> {
    let chars: Vec<(usize, char)> = p.char_indices().collect();
    let at = |i: usize| chars.get(i).map(|&(_, c)| c);
    let mut class_depth = 0usize;
    let mut i = 0usize;
    let refuse = |i: usize, what: &str| -> Result<(), Refusal> {
        let pos = chars.get(i).map(|&(b, _)| b).unwrap_or(p.len());
        Err(format!(
            "{what} (at character {}) is not supported",
            pos + 1
        ))
    };
    while let Some(c) = at(i) {
        match c {
            '\\' => {
                let Some(n) = at(i + 1) else {
                    return refuse(i, "a trailing `\\`");
                };
                match n {
                    '1'..='9' if class_depth == 0 => {
                        return refuse(i, &format!("the backreference `\\{n}`"));
                    }
                    'k' if class_depth == 0 => {
                        return refuse(i, "the named backreference `\\k<…>`");
                    }
                    'G' => return refuse(i, "the `\\G` anchor"),
                    'Z' => return refuse(i, "the `\\Z` anchor (use `$` or `\\z`)"),
                    '<' | '>' => {
                        return refuse(
                            i,
                            &format!("`\\{n}` (a literal in .NET, a word boundary in Rust)"),
                        );
                    }
                    'b' if at(i + 2) == Some('{') => {
                        return refuse(i, "the `\\b{…}` boundary");
                    }
                    'x' | 'u' if at(i + 2) == Some('{') => {
                        return refuse(i, &format!("the `\\{n}{{…}}` escape"));
                    }
                    'U' => return refuse(i, "the `\\U` escape"),
                    'p' | 'P' => return refuse(i, &format!("the Unicode class `\\{n}`")),
                    _ => {}
                }
                i += 2;
                continue;
            }
            '[' => {
                if class_depth > 0 && i > 0 && at(i - 1) == Some('-') {
                    return refuse(i - 1, "character class subtraction `-[…]`");
                }
                class_depth += 1;
                i += 1;
                // A ']' or '^]' right after '[' is a literal in both engines.
                if at(i) == Some('^') {
                    i += 1;
                }
                if at(i) == Some(']') {
                    i += 1;
                }
                continue;
            }
            ']' if class_depth > 0 => class_depth -= 1,
            '&' | '-' | '~' if class_depth > 0 && at(i + 1) == Some(c) => {
                return refuse(
                    i,
                    &format!("`{c}{c}` inside a class (a set operation in Rust, literals in .NET)"),
                );
            }
            '(' if class_depth == 0 && at(i + 1) == Some('?') => {
                let a = at(i + 2);
                let b = at(i + 3);
                match (a, b) {
                    (Some('='), _) => return refuse(i, "lookahead `(?=…)`"),
                    (Some('!'), _) => return refuse(i, "negative lookahead `(?!…)`"),
                    (Some('<'), Some('=')) => return refuse(i, "lookbehind `(?<=…)`"),
                    (Some('<'), Some('!')) => return refuse(i, "negative lookbehind `(?<!…)`"),
                    (Some('>'), _) => return refuse(i, "the atomic group `(?>…)`"),
                    (Some('('), _) => return refuse(i, "the conditional `(?(…)…)`"),
                    (Some('#'), _) => return refuse(i, "the comment group `(?#…)`"),
                    (Some('\''), _) => {
                        return refuse(i, "the named group `(?'name'…)` (write `(?<name>…)`)");
                    }
                    (Some('P'), _) => return refuse(i, "the Rust-only named group `(?P<…>)`"),
                    (Some('<'), _) => {
                        // (?<name>…) is fine; (?<a-b>…) is a balancing group.
                        let rest: String = chars
                            .iter()
                            .skip(i + 3)
                            .map(|&(_, c)| c)
                            .take_while(|&c| c != '>')
                            .collect();
                        if rest.contains('-') {
                            return refuse(i, "the balancing group `(?<a-b>…)`");
                        }
                    }
                    _ => {
                        // Inline options: .NET has i, m, n, s, x; keep i, m, s.
                        let mut j = i + 2;
                        while let Some(f) = at(j) {
                            match f {
                                'i' | 'm' | 's' | '-' => j += 1,
                                ':' | ')' => break,
                                'n' | 'x' | 'U' | 'u' | 'R' => {
                                    return refuse(i, &format!("the inline option `{f}`"));
                                }
                                _ => break,
                            }
                        }
                    }
                }
            }
            '{' if class_depth == 0 && at(i + 1) == Some(',') => {
                return refuse(i, "`{,n}` (a literal in .NET, a repetition in Rust)");
            }
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Expand a .NET replacement pattern for one match: `$n`/`${n}`/`${name}`,
/// `$$`, `$&`, `` $` ``, `$'`, `$+`, `$_`. A reference to a group that does not
/// exist stays literal, as in .NET.
pub(crate) fn expand(re: &Regex, caps: &Captures<'_>, input: &str, translation: &str) -> String {
    let text = |m: regex::bytes::Match<'_>| String::from_utf8_lossy(m.as_bytes()).into_owned();
    let mut out = String::new();
    let group_count = re.0.captures_len();
    let whole = caps.get(0);
    let mut rest = translation;
    while let Some(pos) = rest.find('$') {
        out.push_str(rest.get(..pos).unwrap_or(""));
        let after = rest.get(pos + 1..).unwrap_or("");
        let mut chars = after.chars();
        match chars.next() {
            Some('$') => {
                out.push('$');
                rest = after.get(1..).unwrap_or("");
            }
            Some('&') => {
                out.push_str(&whole.map(text).unwrap_or_default());
                rest = after.get(1..).unwrap_or("");
            }
            Some('`') => {
                out.push_str(
                    input
                        .get(..whole.map(|m| m.start()).unwrap_or(0))
                        .unwrap_or(""),
                );
                rest = after.get(1..).unwrap_or("");
            }
            Some('\'') => {
                out.push_str(
                    input
                        .get(whole.map(|m| m.end()).unwrap_or(0)..)
                        .unwrap_or(""),
                );
                rest = after.get(1..).unwrap_or("");
            }
            Some('_') => {
                out.push_str(input);
                rest = after.get(1..).unwrap_or("");
            }
            Some('+') => {
                let last = (1..group_count).rev().find_map(|g| caps.get(g));
                out.push_str(&last.map(text).unwrap_or_default());
                rest = after.get(1..).unwrap_or("");
            }
            Some('{') => match after.find('}') {
                Some(close) => {
                    let name = after.get(1..close).unwrap_or("");
                    let group = match name.parse::<usize>() {
                        Ok(n) if n < group_count => Some(caps.get(n)),
                        Ok(_) => None,
                        Err(_) if re.0.capture_names().flatten().any(|x| x == name) => {
                            Some(caps.name(name))
                        }
                        Err(_) => None,
                    };
                    match group {
                        Some(m) => out.push_str(&m.map(text).unwrap_or_default()),
                        None => {
                            out.push('$');
                            out.push_str(after.get(..=close).unwrap_or(""));
                        }
                    }
                    rest = after.get(close + 1..).unwrap_or("");
                }
                None => {
                    out.push('$');
                    rest = after;
                }
            },
            Some(d) if d.is_ascii_digit() => {
                // .NET takes the longest run of digits that names a group.
                let digits: String = after.chars().take_while(|c| c.is_ascii_digit()).collect();
                let mut used = 0;
                for len in (1..=digits.len()).rev() {
                    if let Some(n) = digits.get(..len).and_then(|d| d.parse::<usize>().ok())
                        && n < group_count
                    {
                        out.push_str(&caps.get(n).map(text).unwrap_or_default());
                        used = len;
                        break;
                    }
                }
                if used == 0 {
                    out.push('$');
                }
                rest = after.get(used..).unwrap_or("");
            }
            _ => {
                out.push('$');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// .NET `Regex.Replace(input, pattern, translation)`: every non-overlapping
/// match is replaced by the expanded translation. `None` when nothing matches.
pub(crate) fn replace_all(re: &Regex, input: &str, translation: &str) -> Option<String> {
    let mut out = String::new();
    let mut last = 0;
    let mut any = false;
    for caps in re.0.captures_iter(input.as_bytes()) {
        let Some(m) = caps.get(0) else { continue };
        any = true;
        out.push_str(input.get(last..m.start()).unwrap_or(""));
        out.push_str(&expand(re, &caps, input, translation));
        last = m.end();
    }
    if !any {
        return None;
    }
    out.push_str(input.get(last..).unwrap_or(""));
    Some(out)
}

/// A few strings the pattern's structure produces (each class's first, last
/// and middle character; repetitions at their minimum and one more;
/// alternatives in turn), for the lint's containment checks. Only strings
/// the compiled pattern really matches are returned; none for a pattern the
/// parser refuses.
pub(crate) fn samples(re: &Regex) -> Vec<String> {
    use regex_syntax::hir::{Class, Hir, HirKind};
    fn build(h: &Hir, v: usize, out: &mut String) {
        if out.len() > 64 {
            return;
        }
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => {}
            HirKind::Literal(l) => out.push_str(&String::from_utf8_lossy(&l.0)),
            HirKind::Class(Class::Unicode(c)) => {
                let ranges = c.ranges();
                let pick = match v % 3 {
                    0 => ranges.first().map(|r| r.start()),
                    1 => ranges.last().map(|r| r.end()),
                    _ => ranges.first().and_then(|r| {
                        char::from_u32((u32::from(r.start()) + u32::from(r.end())) / 2)
                    }),
                };
                if let Some(ch) = pick {
                    out.push(ch);
                }
            }
            HirKind::Class(Class::Bytes(c)) => {
                let ranges = c.ranges();
                let pick = match v % 3 {
                    0 => ranges.first().map(|r| r.start()),
                    1 => ranges.last().map(|r| r.end()),
                    _ => ranges
                        .first()
                        .map(|r| ((u16::from(r.start()) + u16::from(r.end())) / 2) as u8),
                };
                if let Some(b) = pick.filter(u8::is_ascii) {
                    out.push(char::from(b));
                }
            }
            HirKind::Repetition(r) => {
                let base = if r.min > 0 {
                    r.min
                } else {
                    u32::from(v % 2 == 1)
                };
                let n = if v % 4 == 3 {
                    base.saturating_add(1)
                } else {
                    base
                };
                let n = r.max.map_or(n, |m| n.min(m)).min(20);
                for _ in 0..n {
                    build(&r.sub, v, out);
                }
            }
            HirKind::Capture(c) => build(&c.sub, v, out),
            HirKind::Concat(hs) => hs.iter().for_each(|h| build(h, v, out)),
            HirKind::Alternation(hs) => {
                if let Some(h) = hs.get(v % hs.len().max(1)) {
                    build(h, v, out);
                }
            }
        }
    }
    let parsed = regex_syntax::ParserBuilder::new()
        .unicode(false)
        .utf8(false)
        .build()
        .parse(re.as_str());
    let Ok(hir) = parsed else {
        return Vec::new();
    };
    let mut out: Vec<String> = (0..6)
        .map(|v| {
            let mut s = String::new();
            build(&hir, v, &mut s);
            s
        })
        .filter(|s| re.is_match(s))
        .collect();
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_compiles() {
        for p in [
            r"^\+1(425|206)(\d{7})$",
            r"\d+",
            r"^(\d{4})$",
            r"^([2-9]\d\d[2-9]\d{6})$",
            r"[0-9]{10}",
            r"^(?<ext>\d{4})$",
            r"(?i)^x(\d+)$",
            r"^[^\]]+$",
            r"^[-0-9]+$",
        ] {
            assert!(compile(p).is_ok(), "{p}: {:?}", compile(p).err());
        }
    }

    #[test]
    fn constructs_outside_the_subset_are_named() {
        for (p, named) in [
            (r"^(?=\d)\d+$", "lookahead"),
            (r"^(?!1)\d+$", "negative lookahead"),
            (r"(?<=\+)\d+", "lookbehind"),
            (r"(?<!\+)\d+", "negative lookbehind"),
            (r"^(\d)\1$", "backreference"),
            (r"^(?<a>\d)\k<a>$", "named backreference"),
            (r"^(?>\d+)$", "atomic group"),
            (r"^(?(1)a|b)$", "conditional"),
            (r"^[0-9-[5]]$", "class subtraction"),
            (r"^[0-9&&[5]]$", "inside a class"),
            (r"\d{,3}", "{,n}"),
            (r"(?x) \d+", "inline option `x`"),
            (r"\d+\Z", "\\Z"),
            (r"\p{N}+", "Unicode class"),
            (r"(?#note)\d", "comment group"),
            (r"(?<a-b>x)", "balancing group"),
            (r"\<\d", "word boundary in Rust"),
            (r"(\d", "not a valid regular expression"),
        ] {
            let e = compile(p).expect_err(p);
            assert!(e.contains(named), "{p}: {e}");
        }
    }

    #[test]
    fn samples_match_their_pattern() {
        let re = compile(r"^\+1312\d{7}$").unwrap();
        let s = samples(&re);
        assert!(s.contains(&"+13120000000".to_string()), "{s:?}");
        assert!(s.iter().all(|x| re.is_match(x)));
        let re = compile(r"^\+1(425|206)(\d{7})$").unwrap();
        let s = samples(&re);
        assert!(
            s.iter().any(|x| x.starts_with("+1425")) && s.iter().any(|x| x.starts_with("+1206")),
            "{s:?}"
        );
    }

    #[test]
    fn translations_expand_the_dotnet_way() {
        let re = compile(r"^(\d{4})$").unwrap();
        assert_eq!(
            replace_all(&re, "0100", "+1425555$1").as_deref(),
            Some("+14255550100")
        );
        assert_eq!(replace_all(&re, "0100", "$1a").as_deref(), Some("0100a"));
        assert_eq!(replace_all(&re, "0100", "$$1").as_deref(), Some("$1"));
        assert_eq!(replace_all(&re, "0100", "$2").as_deref(), Some("$2"));
        assert_eq!(replace_all(&re, "0100", "${1}9").as_deref(), Some("01009"));
        assert_eq!(replace_all(&re, "0100", "[$&]").as_deref(), Some("[0100]"));
        assert_eq!(replace_all(&re, "12345", "x"), None);
        let re = compile(r"(\d)(\d)").unwrap();
        // $12 with two groups is group 1 then '2'.
        assert_eq!(replace_all(&re, "34", "$12").as_deref(), Some("32"));
        let re = compile(r"5").unwrap();
        assert_eq!(
            replace_all(&re, "151", "<$`|$'>").as_deref(),
            Some("1<1|1>1")
        );
    }
}
