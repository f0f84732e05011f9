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
pub(crate) enum Plan {
    /// A valid number of this region (ISO 3166-1 alpha-2; `001` for non-geographic).
    /// `toll_free` is only computed for +1 (NANP) numbers.
    Valid { region: String, toll_free: bool },
    /// Not a valid number; the reason is for people.
    Invalid {
        reason: String,
        country_code_ok: bool,
    },
}

/// Look a number (digits, no '+') up in the numbering plan.
///
/// The first call loads libphonenumber's metadata (about 200 ms in a fresh
/// WebAssembly instance); later calls take microseconds.
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

/// The country calling code of a region (ISO 3166-1 alpha-2), from the
/// numbering plan's metadata: `US` → 1, `GB` → 44.
pub(crate) fn calling_code(region: &str) -> Option<u16> {
    phonenumber::metadata::DATABASE
        .by_id(region.trim().to_ascii_uppercase().as_str())
        .map(|m| m.country_code())
}

/// The region (ISO 3166-1 alpha-2) of a valid E.164 number (`+` optional),
/// from the numbering plan: +1 416… is CA, +1 787… is PR. `None` for a number
/// that is not valid in its plan.
pub(crate) fn region_of(number: &str) -> Option<String> {
    let digits = number.trim().trim_start_matches('+');
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match plan(digits) {
        Plan::Valid { region, .. } => Some(region),
        Plan::Invalid { .. } => None,
    }
}

/// Normalise a number found in data (inventory, LineURI) to its index key, if it has a valid shape.
pub(crate) fn key_of(input: &str) -> Option<String> {
    let s = input.trim();
    let s = if s.len() >= 4 && s.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("tel:")) {
        s.get(4..).unwrap_or("")
    } else {
        s
    };
    shape(s).ok().map(|n| n.key())
}

#[cfg(test)]
mod tests {
    use super::*;

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
