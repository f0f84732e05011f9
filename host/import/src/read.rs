//! Reading what PowerShell and Graph write: the bytes of a file as text
//! (UTF-8 with or without a BOM, UTF-16 as Windows PowerShell 5.1's
//! `Out-File` writes it), its records (a list, a single object, Windows
//! PowerShell's `{"value": [...], "Count": n}` wrapper, Graph's
//! `{"value": [...]}` page), and the fields of one record, looked up without
//! regard to case (PowerShell's own rule), with the value shapes PowerShell
//! produces: `/Date(…)/` dates, enums as names or numbers, a single value where
//! a list is expected, and nested objects `ConvertTo-Json` cut to a string.

use serde::de::{Deserializer as _, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;

/// The text of a file, whatever encoding PowerShell wrote it in.
pub fn text(bytes: &[u8]) -> Result<String, String> {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return utf8(rest);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes, "UTF-16BE");
    }
    // UTF-16 without a BOM: JSON starts with ASCII (`[`, `{`, a space), so
    // its second byte is zero in little-endian text and its first in big-endian.
    match bytes {
        [a, 0, ..] if *a != 0 => return utf16(bytes, u16::from_le_bytes, "UTF-16LE"),
        [0, b, ..] if *b != 0 => return utf16(bytes, u16::from_be_bytes, "UTF-16BE"),
        _ => {}
    }
    utf8(bytes)
}

fn utf8(bytes: &[u8]) -> Result<String, String> {
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        format!(
            "the file is not UTF-8 (invalid byte at offset {}) nor UTF-16 with a BOM; export it again with `Out-File -Encoding utf8`",
            e.utf8_error().valid_up_to()
        )
    })
}

fn utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16, name: &str) -> Result<String, String> {
    if !bytes.len().is_multiple_of(2) {
        return Err(format!(
            "the file looks like {name} but has an odd number of bytes; export it again"
        ));
    }
    let units = bytes.chunks_exact(2).map(|c| unit([c[0], c[1]]));
    char::decode_utf16(units)
        .collect::<Result<String, _>>()
        .map_err(|e| format!("the {name} text has an unpaired surrogate ({e}); export it again"))
}

/// Call `each` with every record of the JSON text, in order: the elements of
/// a top-level list (read one at a time, so a large export never sits in
/// memory whole), or the one object, or the list inside a `{"value": [...]}`
/// wrapper. Returns how many records there were.
pub fn records(text: &str, each: &mut dyn FnMut(usize, Value)) -> Result<usize, String> {
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Ok(0);
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let mut count = 0usize;
    let single = de
        .deserialize_any(Top {
            each,
            count: &mut count,
        })
        .map_err(|e| format!("not valid JSON: {e}"))?;
    de.end()
        .map_err(|e| format!("not valid JSON after the first value: {e}"))?;
    match single {
        None => Ok(count),
        Some(Value::Null) => Ok(0),
        Some(Value::Object(mut m)) => {
            // `{"value": [...], "Count": n}` (Windows PowerShell 5.1 when a
            // list went through `-InputObject`) and Graph's
            // `{"@odata.context": …, "value": [...], "@odata.nextLink": …}`.
            let wrapper = m.get("value").is_some_and(Value::is_array)
                && m.keys()
                    .all(|k| k == "value" || k.eq_ignore_ascii_case("count") || k.starts_with('@'));
            if wrapper {
                let Some(Value::Array(items)) = m.remove("value") else {
                    return Ok(0);
                };
                for (i, v) in items.into_iter().enumerate() {
                    each(i, v);
                    count += 1;
                }
                Ok(count)
            } else {
                each(0, Value::Object(m));
                Ok(1)
            }
        }
        Some(other) => Err(format!(
            "expected a list of records or one record (an object), found {}",
            kind_of(&other)
        )),
    }
}

/// The top-level value: a list streams its elements to `each` (and gives
/// `None`); anything else is returned whole.
struct Top<'a> {
    each: &'a mut dyn FnMut(usize, Value),
    count: &'a mut usize,
}

impl<'de> Visitor<'de> for Top<'_> {
    type Value = Option<Value>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of records or one record")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut i = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            (self.each)(i, v);
            i += 1;
        }
        *self.count = i;
        Ok(None)
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let v: Value =
            serde::Deserialize::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(Some(v))
    }

    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Some(Value::Null))
    }

    fn visit_bool<E>(self, v: bool) -> Result<Self::Value, E> {
        Ok(Some(Value::Bool(v)))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Self::Value, E> {
        Ok(Some(Value::from(v)))
    }

    fn visit_str<E>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Some(Value::String(v.to_string())))
    }
}

/// Windows PowerShell 5.1's `{"value": [...], "Count": n}`, met inside a
/// record too: the list it wraps.
fn unwrap_list(v: &Value) -> &Value {
    match v {
        Value::Object(o)
            if o.get("value").is_some_and(Value::is_array)
                && o.keys()
                    .all(|k| k == "value" || k.eq_ignore_ascii_case("count")) =>
        {
            o.get("value").unwrap_or(v)
        }
        _ => v,
    }
}

/// How a JSON value is described in a message.
pub fn kind_of(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// Is `s` what `ConvertTo-Json` writes for an object or list it cut at its
/// `-Depth`: the object's type name (`System.Object[]`,
/// `Microsoft.Rtc.Management...`), a hashtable or PSCustomObject (`@{A=1; B=2}`,
/// `System.Collections.Hashtable`), or a .NET object's `ToString()` of
/// `Name=Value;…` pairs (normalization rules)?
pub fn truncated(s: &str) -> bool {
    let s = s.trim();
    if s.starts_with("@{") || s.starts_with("System.") || s.starts_with("Microsoft.") {
        return true;
    }
    // `Description=;Pattern=^(\d{4})$;Translation=+1425555$1;Name=Ext`
    let pairs = s.split(';').filter(|p| !p.trim().is_empty());
    let mut n = 0;
    for p in pairs {
        let Some((k, _)) = p.split_once('=') else {
            return false;
        };
        let k = k.trim();
        if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric()) {
            return false;
        }
        n += 1;
    }
    n >= 2
}

/// The all-zero GUID, which the exports print for "none" (a Direct Routing
/// number's `LocationId`).
pub const NIL_GUID: &str = "00000000-0000-0000-0000-000000000000";

/// The advice for a cut value.
pub const DEPTH_FIX: &str =
    "ConvertTo-Json cut this nested value at too small a -Depth; export again with -Depth 10";

/// A problem with one field of one record: the field, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    /// The field, as the file spells it.
    pub field: String,
    /// What is wrong and how to fix it.
    pub why: String,
}

/// One record's fields, looked up without regard to case under any of a
/// field's names (PowerShell's and Graph's), collecting field problems.
pub struct Rec<'a> {
    map: &'a Map<String, Value>,
    /// Problems found so far (the record is still mapped).
    pub issues: Vec<FieldIssue>,
    /// Enum fields given as numbers (read in the order of their documented values).
    pub numeric: Vec<String>,
}

impl<'a> Rec<'a> {
    /// The record `map`.
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Rec {
            map,
            issues: Vec::new(),
            numeric: Vec::new(),
        }
    }

    /// The field named by any of `names`, with the name it has in the file;
    /// null counts as absent.
    pub fn get(&self, names: &[&str]) -> Option<(&'a str, &'a Value)> {
        // null, `""`, `[]` and the all-zero GUID all mean "none", so the
        // next name is tried.
        let none = |v: &Value| match v {
            Value::Null => true,
            Value::String(s) => s.trim().is_empty() || s.trim() == NIL_GUID,
            Value::Array(a) => a.is_empty(),
            _ => false,
        };
        for n in names {
            for (k, v) in self.map {
                if k.eq_ignore_ascii_case(n) && !none(v) {
                    return Some((k.as_str(), unwrap_list(v)));
                }
            }
        }
        None
    }

    fn issue(&mut self, field: &str, why: impl Into<String>) {
        self.issues.push(FieldIssue {
            field: field.to_string(),
            why: why.into(),
        });
    }

    /// A string field; numbers and booleans are taken as their text, an empty
    /// or blank string is absent. A cut nested value is an issue, and absent.
    pub fn str(&mut self, names: &[&str]) -> Option<String> {
        let (k, v) = self.get(names)?;
        match v {
            Value::String(s) if s.trim().is_empty() || s.trim() == NIL_GUID => None,
            Value::String(s) => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(if *b { "True" } else { "False" }.to_string()),
            // A policy PowerShell printed as an object: its name.
            Value::Object(o) => {
                let name = ["Name", "Identity", "DisplayName"].iter().find_map(|n| {
                    o.iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case(n))
                        .and_then(|(_, v)| v.as_str())
                });
                match name {
                    Some(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
                    _ => {
                        self.issue(k, "expected a string, found an object with no Name");
                        None
                    }
                }
            }
            // A list of strings where one string is expected (a notification
            // group, a dial mask): the documented `;`-separated form.
            Value::Array(a) if a.iter().all(Value::is_string) => {
                let parts: Vec<&str> = a
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::trim)
                    .filter(|p| !p.is_empty())
                    .collect();
                (!parts.is_empty()).then(|| parts.join(";"))
            }
            other => {
                let what = kind_of(other);
                self.issue(k, format!("expected a string, found {what}"));
                None
            }
        }
    }

    /// A required string field.
    pub fn req(&mut self, names: &[&str]) -> Result<String, String> {
        match self.str(names) {
            Some(s) => Ok(s),
            None => Err(match self.issues.last() {
                Some(i) if names.iter().any(|n| i.field.eq_ignore_ascii_case(n)) => {
                    format!("`{}`: {}", i.field, i.why)
                }
                _ => format!("`{}` is missing or empty", names[0]),
            }),
        }
    }

    /// A boolean: JSON true/false, `True`/`False`/`$true` text, or 0/1.
    pub fn bool(&mut self, names: &[&str]) -> Option<bool> {
        let (k, v) = self.get(names)?;
        let b = match v {
            Value::Bool(b) => Some(*b),
            Value::Number(n) => match n.as_u64() {
                Some(0) => Some(false),
                Some(1) => Some(true),
                _ => None,
            },
            Value::String(s) => match s
                .trim()
                .trim_start_matches('$')
                .to_ascii_lowercase()
                .as_str()
            {
                "true" | "yes" | "1" | "enabled" => Some(true),
                "false" | "no" | "0" | "disabled" => Some(false),
                "" => return None,
                _ => None,
            },
            _ => None,
        };
        if b.is_none() {
            self.issue(k, format!("expected True or False, found {v}"));
        }
        b
    }

    /// A number.
    pub fn num(&mut self, names: &[&str]) -> Option<f64> {
        let (k, v) = self.get(names)?;
        let n = match v {
            Value::Number(n) => n.as_f64(),
            Value::String(s) if s.trim().is_empty() => return None,
            // PowerShell in a comma-decimal locale writes `47,64` into text.
            Value::String(s) => s.trim().replace(',', ".").parse::<f64>().ok(),
            _ => None,
        };
        if n.is_none() {
            self.issue(k, format!("expected a number, found {v}"));
        }
        n
    }

    /// A list of strings. A single string is a list of one (or, in CSV and
    /// text exports, of its `,`/`;`-separated parts); a cut nested value is an
    /// issue.
    pub fn list(&mut self, names: &[&str]) -> Vec<String> {
        let Some((k, v)) = self.get(names) else {
            return Vec::new();
        };
        match v {
            Value::Array(items) => {
                let mut out = Vec::new();
                for item in items {
                    match item {
                        Value::String(s) if truncated(s) => {
                            self.issue(k, DEPTH_FIX);
                        }
                        Value::String(s) if !s.trim().is_empty() => out.push(s.trim().to_string()),
                        Value::Number(n) => out.push(n.to_string()),
                        Value::Object(_) => {
                            self.issue(k, "expected a list of strings, found an object in it");
                        }
                        _ => {}
                    }
                }
                out
            }
            Value::String(s) if truncated(s) => {
                self.issue(k, DEPTH_FIX);
                Vec::new()
            }
            // A list as text (a CSV cell, a value printed rather than
            // serialized): `A,B`, `A;B`, `A|B`, `[A, B]`, `{A, B}`.
            Value::String(s) => s
                .trim()
                .trim_matches(|c| matches!(c, '[' | ']' | '{' | '}' | '(' | ')'))
                .split([',', ';', '|'])
                .map(|p| p.trim().trim_matches(|c| c == '"' || c == '\''))
                .filter(|p| !p.is_empty())
                .map(String::from)
                .collect(),
            Value::Number(n) => vec![n.to_string()],
            other => {
                let what = kind_of(other);
                self.issue(k, format!("expected a list of strings, found {what}"));
                Vec::new()
            }
        }
    }

    /// A list of objects; a single object is a list of one, a cut value (a
    /// string) is an issue.
    pub fn objects(&mut self, names: &[&str]) -> Vec<&'a Map<String, Value>> {
        let Some((k, v)) = self.get(names) else {
            return Vec::new();
        };
        match v {
            Value::Array(items) => {
                let mut out = Vec::new();
                let mut cut = false;
                for item in items {
                    match item {
                        Value::Object(o) => out.push(o),
                        Value::String(_) => cut = true,
                        _ => {}
                    }
                }
                if cut {
                    self.issue(k, DEPTH_FIX);
                }
                out
            }
            Value::Object(o) => vec![o],
            Value::String(s) if s.trim().is_empty() => Vec::new(),
            Value::String(_) => {
                self.issue(k, DEPTH_FIX);
                Vec::new()
            }
            other => {
                let what = kind_of(other);
                self.issue(k, format!("expected a list of objects, found {what}"));
                Vec::new()
            }
        }
    }

    /// An enum, as its name (any case, `camelCase` as Graph writes it) or as
    /// its number (`ConvertTo-Json` writes a .NET enum as its value unless
    /// `-EnumsAsStrings`). `table` lists the names in the enum's numeric
    /// order; `T` is what each name means here (`None`: a documented value
    /// ocpolicy does not model, an issue naming it).
    pub fn enumeration<T: Clone>(
        &mut self,
        names: &[&str],
        table: &[(&str, Option<T>)],
    ) -> Option<T> {
        let (k, v) = self.get(names)?;
        let hit = match v {
            Value::String(s) if s.trim().is_empty() => return None,
            Value::String(s) => {
                let s = s.trim();
                table
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(s))
                    .or_else(|| {
                        let i = s.parse::<usize>().ok()?;
                        self.numeric.push(k.to_string());
                        table.get(i)
                    })
            }
            Value::Number(n) => {
                self.numeric.push(k.to_string());
                n.as_u64()
                    .and_then(|i| usize::try_from(i).ok())
                    .and_then(|i| table.get(i))
            }
            _ => None,
        };
        match hit {
            Some((_, Some(t))) => Some(t.clone()),
            Some((name, None)) => {
                self.issue(k, format!("`{name}` is a value ocpolicy does not model"));
                None
            }
            None => {
                let known: Vec<&str> = table.iter().map(|(n, _)| *n).collect();
                self.issue(
                    k,
                    format!("`{}` is not one of {}", plain(v), known.join(", ")),
                );
                None
            }
        }
    }

    /// A date as RFC 3339 (UTC): `/Date(1700000000000)/` (with an optional
    /// offset), ISO 8601 with or without a zone (taken as UTC), or PowerShell's
    /// `{"value": "/Date(…)/", "DateTime": "…"}` object.
    pub fn date(&mut self, names: &[&str]) -> Option<String> {
        let (k, v) = self.get(names)?;
        let text = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Object(o) => match o.get("value").and_then(Value::as_str) {
                Some(s) => s.to_string(),
                None => {
                    self.issue(k, "expected a date, found an object without `value`");
                    return None;
                }
            },
            other => {
                let what = kind_of(other);
                self.issue(k, format!("expected a date, found {what}"));
                return None;
            }
        };
        if text.is_empty() {
            return None;
        }
        match date(&text) {
            Some(d) => Some(d),
            None => {
                self.issue(
                    k,
                    format!("`{text}` is not a date (expected /Date(ms)/ or ISO 8601)"),
                );
                None
            }
        }
    }

    /// Every key of the record.
    pub fn keys(&self) -> impl Iterator<Item = &'a str> {
        self.map.keys().map(String::as_str)
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `text` as an RFC 3339 UTC timestamp.
pub fn date(text: &str) -> Option<String> {
    use time::format_description::well_known::Rfc3339;
    use time::{OffsetDateTime, PrimitiveDateTime, UtcOffset};
    let t = text.trim();
    if let Some(inner) = t.strip_prefix("/Date(").and_then(|s| s.strip_suffix(")/")) {
        // `1700000000000`, `1700000000000+0100`, `-62135596800000`.
        let split = inner
            .char_indices()
            .skip(1)
            .find(|(_, c)| *c == '+' || *c == '-')
            .map_or(inner.len(), |(i, _)| i);
        let ms: i64 = inner[..split].parse().ok()?;
        let at = OffsetDateTime::from_unix_timestamp_nanos(i128::from(ms) * 1_000_000).ok()?;
        return at.format(&Rfc3339).ok();
    }
    if let Ok(at) = OffsetDateTime::parse(t, &Rfc3339) {
        return at.to_offset(UtcOffset::UTC).format(&Rfc3339).ok();
    }
    // ISO 8601 without a zone, with up to 7 fraction digits (.NET's `o`):
    // `2024-05-01T10:20:30.1234567` or a date and time with a space.
    let spaced = t.replacen(' ', "T", 1);
    let (main, frac) = match spaced.split_once('.') {
        Some((m, f)) => (m.to_string(), f.trim_end_matches('Z').to_string()),
        None => (spaced.trim_end_matches('Z').to_string(), String::new()),
    };
    let fmt = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    if let Ok(p) = PrimitiveDateTime::parse(&main, &fmt) {
        let mut at = p.assume_utc();
        if !frac.is_empty() && frac.chars().all(|c| c.is_ascii_digit()) {
            let digits: String = frac.chars().chain("000000000".chars()).take(9).collect();
            let nanos: i64 = digits.parse().ok()?;
            at += time::Duration::nanoseconds(nanos);
        }
        return at.format(&Rfc3339).ok();
    }
    let day = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(t, &day)
        .ok()
        .and_then(|d| d.midnight().assume_utc().format(&Rfc3339).ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(text: &str) -> Vec<Value> {
        let mut out = Vec::new();
        records(text, &mut |_, v| out.push(v)).expect("records");
        out
    }

    #[test]
    fn encodings_are_read_as_powershell_writes_them() {
        let json = "[{\"A\":\"é\"}]";
        let mut bom8 = vec![0xEF, 0xBB, 0xBF];
        bom8.extend_from_slice(json.as_bytes());
        let mut le = vec![0xFF, 0xFE];
        le.extend(json.encode_utf16().flat_map(u16::to_le_bytes));
        let le_nobom: Vec<u8> = json.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let mut be = vec![0xFE, 0xFF];
        be.extend(json.encode_utf16().flat_map(u16::to_be_bytes));
        for bytes in [json.as_bytes().to_vec(), bom8, le, le_nobom, be] {
            assert_eq!(text(&bytes).as_deref(), Ok(json));
        }
        let e = text(&[b'[', 0xC3, b']']).expect_err("bad UTF-8");
        assert!(e.contains("offset 1"), "{e}");
    }

    #[test]
    fn a_single_object_and_the_wrappers_are_lists() {
        assert_eq!(all("{\"A\":1}").len(), 1);
        assert_eq!(all("[{\"A\":1},{\"A\":2}]").len(), 2);
        assert_eq!(
            all("{\"value\":[{\"A\":1},{\"A\":2}],\"Count\":2}").len(),
            2
        );
        assert_eq!(
            all("{\"@odata.context\":\"x\",\"value\":[{\"A\":1}]}").len(),
            1
        );
        // An object whose own field is called `value` stays one record.
        assert_eq!(all("{\"value\":[1],\"Other\":2}").len(), 1);
        assert!(all("").is_empty() && all("null").is_empty());
        let e = records("\"x\"", &mut |_, _| {}).expect_err("a string");
        assert!(e.contains("found a string"), "{e}");
        let e = records("[{\"A\":1}", &mut |_, _| {}).expect_err("cut");
        assert!(e.contains("not valid JSON"), "{e}");
    }

    #[test]
    fn dates_in_every_form_powershell_writes() {
        assert_eq!(
            date("/Date(1700000000000)/").as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(
            date("/Date(1700000000000+0100)/").as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(
            date("2023-11-14T23:13:20+01:00").as_deref(),
            Some("2023-11-14T22:13:20Z")
        );
        assert_eq!(
            date("2023-11-14T22:13:20.5000000").as_deref(),
            Some("2023-11-14T22:13:20.5Z")
        );
        assert_eq!(date("2023-11-14").as_deref(), Some("2023-11-14T00:00:00Z"));
        assert_eq!(date("last tuesday"), None);
    }

    #[test]
    fn cut_values_are_recognised() {
        for cut in [
            "System.Object[]",
            "@{Number=+14255551234; IsShared=False}",
            "Microsoft.Rtc.Management.WritableConfig.Policy.Voice.VoiceNormalizationRule",
            "Description=;Pattern=^(\\d{4})$;Translation=+1425555$1;Name=Ext",
        ] {
            assert!(truncated(cut), "{cut}");
        }
        for plain in ["UserAssignment", "Tag:HQ", "a=b", "+14255550100"] {
            assert!(!truncated(plain), "{plain}");
        }
    }

    #[test]
    fn fields_are_read_in_any_case_and_shape() {
        let v: Value = serde_json::from_str(
            r#"{"capability":"UserAssignment","Flag":"True","N":2,"Policy":{"Name":"Tag:X"},
                "Cut":"System.Object[]","Lat":"47,64"}"#,
        )
        .expect("json");
        let Value::Object(m) = v else {
            panic!("object")
        };
        let mut r = Rec::new(&m);
        assert_eq!(r.list(&["Capability"]), vec!["UserAssignment"]);
        assert_eq!(r.bool(&["flag"]), Some(true));
        assert_eq!(r.str(&["Policy"]).as_deref(), Some("Tag:X"));
        assert_eq!(r.num(&["Lat"]), Some(47.64));
        let t = [("Zero", Some(0)), ("One", None), ("Two", Some(2))];
        assert_eq!(r.enumeration(&["N"], &t), Some(2));
        assert!(r.list(&["Cut"]).is_empty());
        assert!(
            r.issues
                .iter()
                .any(|i| i.field == "Cut" && i.why.contains("-Depth 10"))
        );
    }
}
