//! Telephone numbers: the E.164 *shape* the cmdlets accept, and *validity* in the
//! country's numbering plan (libphonenumber's metadata, through the `phonenumber`
//! crate). The two are different questions with different rule codes:
//! `ELIG-NUM-FORMAT` is about shape, `ELIG-NUM-PLAN` about the plan.

use std::fmt;

/// A number in the shape `Set-CsPhoneNumberAssignment` accepts:
/// an optional '+', digits, an optional `;ext=<digits>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shaped {
    /// The digits, without '+'.
    pub digits: String,
    /// The extension digits, if any.
    pub ext: Option<String>,
}

impl Shaped {
    /// The key numbers are indexed by: digits, plus `;ext=` when present.
    pub fn key(&self) -> String {
        match &self.ext {
            Some(ext) => format!("{};ext={ext}", self.digits),
            None => self.digits.clone(),
        }
    }
}

impl fmt::Display for Shaped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "+{}", self.digits)?;
        if let Some(ext) = &self.ext {
            write!(f, ";ext={ext}")?;
        }
        Ok(())
    }
}

/// Why a number is not E.164 in shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ShapeError {
    TelPrefix,
    Empty,
    BadCharacter(char),
    BadExtension,
}

impl fmt::Display for ShapeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShapeError::TelPrefix => write!(f, "has a `tel:` prefix, which the cmdlets reject"),
            ShapeError::Empty => write!(f, "has no digits"),
            ShapeError::BadCharacter(c) => {
                write!(
                    f,
                    "contains `{}`; only digits after an optional '+' are allowed",
                    c.escape_default()
                )
            }
            ShapeError::BadExtension => write!(f, "has an extension that is not `;ext=<digits>`"),
        }
    }
}

/// Check the shape of a telephone number as typed.
pub(crate) fn shape(input: &str) -> Result<Shaped, ShapeError> {
    let s = input.trim();
    if s.len() >= 4 && s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")) {
        return Err(ShapeError::TelPrefix);
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    let (main, ext) = match s.find(';') {
        Some(i) => {
            let (m, rest) = s.split_at(i);
            let ext = rest
                .strip_prefix(";ext=")
                .filter(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))
                .ok_or(ShapeError::BadExtension)?;
            (m, Some(ext.to_string()))
        }
        None => (s, None),
    };
    if main.is_empty() {
        return Err(ShapeError::Empty);
    }
    if let Some(c) = main.chars().find(|c| !c.is_ascii_digit()) {
        return Err(ShapeError::BadCharacter(c));
    }
    Ok(Shaped {
        digits: main.to_string(),
        ext,
    })
}

/// What the numbering plan says about a number.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(not(feature = "numbering-plan"), allow(dead_code))]
pub(crate) enum Plan {
    /// A valid number of this region (ISO 3166-1 alpha-2; `001` for non-geographic).
    /// `toll_free` is only computed for +1 (NANP) numbers.
    Valid { region: String, toll_free: bool },
    /// Not a valid number; the reason is for people.
    Invalid {
        reason: String,
        country_code_ok: bool,
    },
    /// This build carries no numbering plan (feature `numbering-plan` off: the
    /// browser's first module). The caller raises `PLAN-PENDING`.
    #[cfg_attr(feature = "numbering-plan", allow(dead_code))]
    Pending,
}

/// Look a number (digits, no '+') up in the numbering plan.
///
/// The first call loads libphonenumber's metadata (about 200 ms in a fresh
/// WebAssembly instance); later calls take microseconds.
#[cfg(feature = "numbering-plan")]
pub(crate) fn plan(digits: &str) -> Plan {
    let parsed = match phonenumber::parse(None, format!("+{digits}")) {
        Ok(n) => n,
        Err(e) => {
            let country_code_ok = !matches!(e, phonenumber::ParseError::InvalidCountryCode);
            return Plan::Invalid {
                reason: e.to_string(),
                country_code_ok,
            };
        }
    };
    if !parsed.is_valid() {
        let cc = parsed.code().value();
        return Plan::Invalid {
            reason: format!("it is not a valid number under country code +{cc}"),
            country_code_ok: true,
        };
    }
    let region = parsed
        .country()
        .id()
        .map(|id| id.as_ref().to_string())
        .unwrap_or_else(|| "001".to_string());
    // Only North American toll-free numbers change a rule's outcome, and the
    // type lookup runs every type's pattern: ask only for +1 numbers.
    let toll_free = parsed.code().value() == 1
        && matches!(
            parsed.number_type(&phonenumber::metadata::DATABASE),
            phonenumber::Type::TollFree
        );
    Plan::Valid { region, toll_free }
}

/// Without the numbering plan every lookup is pending.
#[cfg(not(feature = "numbering-plan"))]
pub(crate) fn plan(_digits: &str) -> Plan {
    Plan::Pending
}

/// Region → calling code, from libphonenumber's metadata (`data/calling-codes.tsv`,
/// proven equal to the `phonenumber` crate's by a test). A table rather than the
/// crate, so that builds without the numbering plan normalise dial strings the
/// same way.
const CALLING_CODES: &str = include_str!("../data/calling-codes.tsv");

/// The country calling code of a region (ISO 3166-1 alpha-2), from the
/// numbering plan's metadata: `US` → 1, `GB` → 44.
pub(crate) fn calling_code(region: &str) -> Option<u16> {
    let region = region.trim();
    CALLING_CODES
        .lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('\t'))
        .find(|(id, _)| id.eq_ignore_ascii_case(region))
        .and_then(|(_, cc)| cc.parse().ok())
}

/// A number's region, from the numbering plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Region {
    /// ISO 3166-1 alpha-2 (`001` for non-geographic numbers).
    In(String),
    /// Not a valid number in any plan.
    Unknown,
    /// This build carries no numbering plan (see [`Plan::Pending`]).
    Pending,
}

impl Region {
    /// The region, if known.
    pub fn known(self) -> Option<String> {
        match self {
            Region::In(r) => Some(r),
            Region::Unknown | Region::Pending => None,
        }
    }
}

/// The region (ISO 3166-1 alpha-2) of a valid E.164 number (`+` optional),
/// from the numbering plan: +1 416… is CA, +1 787… is PR.
pub(crate) fn region_of(number: &str) -> Region {
    let digits = number.trim().trim_start_matches('+');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Region::Unknown;
    }
    match plan(digits) {
        Plan::Valid { region, .. } => Region::In(region),
        Plan::Invalid { .. } => Region::Unknown,
        Plan::Pending => Region::Pending,
    }
}

/// The message of a `PLAN-PENDING` finding about `number`.
pub(crate) fn pending_message(number: &str, what: &str) -> String {
    format!(
        "`{number}`: {what} needs the numbering plan, which this build does not carry yet; the full check runs when it has loaded, and the server always runs it"
    )
}

/// The canonical identity of a telephone number: the key every lookup and
/// write of a number uses, in the core (the tenant index), in the plugin
/// host's scoping and in the server's stored-tenant edits, so that every
/// spelling accepted anywhere names the same number everywhere.
///
/// Two spellings are the same number when they have the same digits and the
/// same extension: a leading `+`, a `tel:` prefix (any case) and surrounding
/// whitespace do not change a number's identity. A spelling with any other
/// character (a space or a dash inside the digits, a letter) has no key: it
/// names no inventory number, and the shape rule (`ELIG-NUM-FORMAT`) says why.
///
/// ```
/// use ocpolicy_rules::number_key;
/// let k = number_key("+14255550100").unwrap();
/// assert_eq!(number_key("tel:+14255550100"), Some(k.clone()));
/// assert_eq!(number_key(" 14255550100 "), Some(k.clone()));
/// assert_ne!(number_key("+14255550100;ext=12"), Some(k));
/// assert_eq!(number_key("+1 425 555 0100"), None);
/// ```
pub fn number_key(input: &str) -> Option<NumberKey> {
    key_of(input).map(NumberKey)
}

/// A telephone number's canonical identity ([`number_key`]): its digits
/// without `+`, then `;ext=<digits>` when it has an extension.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NumberKey(String);

impl NumberKey {
    /// The key as text (`14255550100`, `14255550100;ext=12`).
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether `spelling` names this number. Allocation-free: it runs once
    /// per inventory number in a scan.
    pub fn matches(&self, spelling: &str) -> bool {
        let Some((digits, ext)) = key_parts(spelling) else {
            return false;
        };
        match ext {
            None => self.0 == digits,
            Some(ext) => self
                .0
                .strip_prefix(digits)
                .and_then(|rest| rest.strip_prefix(";ext="))
                .is_some_and(|e| e == ext),
        }
    }
}

impl fmt::Display for NumberKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The digits and extension of a spelling, borrowed: what [`key_of`] keys,
/// without building the key (a `tel:` prefix, a `+` and surrounding
/// whitespace dropped; anything else that is not the E.164 shape is `None`).
fn key_parts(input: &str) -> Option<(&str, Option<&str>)> {
    let s = input.trim();
    let s = if s.len() >= 4 && s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")) {
        s.get(4..).unwrap_or("")
    } else {
        s
    };
    let s = s.trim_start();
    let s = s.strip_prefix('+').unwrap_or(s);
    let (main, ext) = match s.split_once(';') {
        Some((m, rest)) => {
            let ext = rest
                .strip_prefix("ext=")
                .filter(|e| !e.is_empty() && e.bytes().all(|b| b.is_ascii_digit()))?;
            (m, Some(ext))
        }
        None => (s, None),
    };
    (!main.is_empty() && main.bytes().all(|b| b.is_ascii_digit())).then_some((main, ext))
}

/// The country (ISO 3166-1 alpha-2) the numbering plan gives a number, if it
/// is a valid number of one: what an upload that states no country is held in.
/// `None` in builds without the numbering plan.
pub fn number_country(input: &str) -> Option<String> {
    let (digits, _) = key_parts(input)?;
    match plan(digits) {
        Plan::Valid { region, .. } if region != "001" => Some(region),
        _ => None,
    }
}

/// Normalise a number found in data (inventory, LineURI) to its index key,
/// if it has a valid shape ([`number_key`] is the public form).
pub(crate) fn key_of(input: &str) -> Option<String> {
    key_parts(input).map(|(digits, ext)| match ext {
        Some(ext) => format!("{digits};ext={ext}"),
        None => digits.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_matches_exactly_the_spellings_that_have_it() {
        let spellings = [
            "+14255550100",
            "14255550100",
            " tel:+14255550100 ",
            "TEL:14255550100",
            "+14255550100;ext=12",
            "tel:+14255550100;ext=12",
            "+14255550100;ext=1",
            "+1425555010",
            "+1 425 555 0100",
            "tel:tel:+14255550100",
            "+14255550100;ext=",
            "",
            "+",
        ];
        for a in spellings {
            let Some(k) = number_key(a) else { continue };
            // The key is the shape check's own key.
            let shaped = shape(
                a.trim()
                    .trim_start_matches("tel:")
                    .trim_start_matches("TEL:"),
            );
            assert_eq!(
                shaped.ok().map(|s| s.key()).as_deref(),
                Some(k.as_str()),
                "{a}"
            );
            for b in spellings {
                assert_eq!(
                    k.matches(b),
                    number_key(b).as_ref() == Some(&k),
                    "{a} / {b}"
                );
            }
        }
    }

    #[cfg(feature = "numbering-plan")]
    #[test]
    fn calling_code_table_is_libphonenumbers() {
        let mut seen = 0;
        for m in phonenumber::metadata::DATABASE.iter() {
            if m.id() == "001" {
                continue; // non-geographic entities, not a region
            }
            assert_eq!(
                calling_code(m.id()),
                Some(m.country_code()),
                "data/calling-codes.tsv disagrees with phonenumber for {}",
                m.id()
            );
            seen += 1;
        }
        let rows = CALLING_CODES
            .lines()
            .filter(|l| !l.starts_with('#'))
            .count();
        assert_eq!(
            rows, seen,
            "data/calling-codes.tsv has regions phonenumber lacks"
        );
        assert_eq!(calling_code("001"), None);
        assert_eq!(calling_code(" gb "), Some(44));
    }

    #[test]
    fn shape_accepts_e164_with_and_without_plus() {
        assert_eq!(
            shape("+14255550101").map(|s| s.key()),
            Ok("14255550101".into())
        );
        assert_eq!(
            shape("14255550101").map(|s| s.key()),
            Ok("14255550101".into())
        );
        assert_eq!(
            shape("+1206555000;ext=1234").map(|s| s.key()),
            Ok("1206555000;ext=1234".into())
        );
    }

    #[test]
    fn shape_rejects_tel_prefix_punctuation_and_bad_extensions() {
        assert_eq!(shape("tel:+14255550101"), Err(ShapeError::TelPrefix));
        assert_eq!(shape("+1 425 555 0101"), Err(ShapeError::BadCharacter(' ')));
        assert_eq!(shape("+1425;ext="), Err(ShapeError::BadExtension));
        assert_eq!(shape("+1425;x=12"), Err(ShapeError::BadExtension));
        assert_eq!(shape("+"), Err(ShapeError::Empty));
    }

    #[cfg(not(feature = "numbering-plan"))]
    #[test]
    fn without_the_plan_every_lookup_is_pending() {
        assert_eq!(plan("14255550101"), Plan::Pending);
        assert_eq!(region_of("+14255550101"), Region::Pending);
        assert_eq!(region_of("+1 425"), Region::Unknown);
        assert_eq!(calling_code("US"), Some(1));
    }

    #[cfg(feature = "numbering-plan")]
    #[test]
    fn plan_tells_shape_apart_from_validity() {
        // Right shape, valid US number.
        assert!(matches!(plan("14255550101"), Plan::Valid { ref region, .. } if region == "US"));
        // Right shape, but +1 416 is Canada, not the US.
        assert!(matches!(plan("14165550199"), Plan::Valid { ref region, .. } if region == "CA"));
        // Right shape, too short for the NANP.
        assert!(matches!(
            plan("1555555555"),
            Plan::Invalid {
                country_code_ok: true,
                ..
            }
        ));
        // Right shape, no such country code.
        assert!(matches!(
            plan("9991234567"),
            Plan::Invalid {
                country_code_ok: false,
                ..
            }
        ));
        // Toll-free.
        assert!(matches!(
            plan("18005550100"),
            Plan::Valid {
                toll_free: true,
                ..
            }
        ));
    }
}
