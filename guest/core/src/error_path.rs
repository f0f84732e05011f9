//! Which field a decode error is about: the path (`a.b[2].c`) of the innermost
//! value of the document whose text holds the byte serde_json stopped at.
//!
//! serde_json reports where it stopped (line and column), not which field it
//! was decoding. A path-tracking deserializer (`serde_path_to_error`) wraps
//! every type's visitor and doubles the code of the browser build; this reads
//! the path back from the text instead, only when an error has happened. The
//! test `error_path_matches_serde_path_to_error` (in `json.rs`)
//! checks it against the wrapping deserializer on mutated documents.

/// The path of the innermost value holding the byte at `line`/`column`
/// (serde_json's one-based position of the last byte it read); empty for the
/// document as a whole.
pub(crate) fn at(doc: &[u8], line: usize, column: usize) -> String {
    // Byte offset of the line's start, then of the column.
    let mut start = 0;
    for _ in 1..line {
        match doc
            .get(start..)
            .and_then(|rest| rest.iter().position(|&b| b == b'\n'))
        {
            Some(nl) => start += nl + 1,
            None => return String::new(),
        }
    }
    let offset = (start + column).saturating_sub(1);
    let mut scan = Scan {
        doc,
        i: 0,
        at: offset,
    };
    let mut path = String::new();
    match scan.value(&mut path, 0) {
        Ok(Some(p)) => p,
        _ => String::new(),
    }
}

/// Deeper than serde_json's own recursion limit (128): such a document never
/// gets a data error, but the scan must stay bounded whatever it is given.
const MAX_DEPTH: usize = 256;

struct Scan<'a> {
    doc: &'a [u8],
    i: usize,
    at: usize,
}

/// The scan gave up: nesting beyond [`MAX_DEPTH`].
struct Stop;

impl Scan<'_> {
    fn peek(&self) -> Option<u8> {
        self.doc.get(self.i).copied()
    }

    fn ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\n' | b'\r' | b'\t')) {
            self.i += 1;
        }
    }

    /// Scan one value at `i`: `Some(path)` of the innermost value holding
    /// `at`, `None` if this value does not hold it.
    fn value(&mut self, path: &mut String, depth: usize) -> Result<Option<String>, Stop> {
        if depth > MAX_DEPTH {
            return Err(Stop);
        }
        self.ws();
        let start = self.i;
        if start > self.at {
            return Ok(None);
        }
        match self.peek() {
            Some(b'{') => {
                self.i += 1;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b'}') => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => self.i += 1,
                        Some(b'"') => {
                            let Some(key) = self.string() else {
                                return Ok(self.enclosing(start, path));
                            };
                            self.ws();
                            if self.peek() != Some(b':') || self.i > self.at {
                                // The key itself (e.g. an unknown variant) holds `at`.
                                return Ok(self.enclosing(start, path));
                            }
                            self.i += 1;
                            let segment = if path.is_empty() {
                                key
                            } else {
                                format!(".{key}")
                            };
                            if let Some(done) = self.child(path, &segment, start, depth)? {
                                return Ok(done);
                            }
                        }
                        _ => return Ok(self.enclosing(start, path)),
                    }
                }
            }
            Some(b'[') => {
                self.i += 1;
                let mut index = 0usize;
                loop {
                    self.ws();
                    match self.peek() {
                        Some(b']') => {
                            self.i += 1;
                            break;
                        }
                        Some(b',') => {
                            self.i += 1;
                            index += 1;
                        }
                        Some(_) => {
                            if let Some(done) =
                                self.child(path, &format!("[{index}]"), start, depth)?
                            {
                                return Ok(done);
                            }
                        }
                        None => return Ok(self.enclosing(start, path)),
                    }
                }
            }
            Some(b'"') => {
                if self.string().is_none() {
                    return Ok(self.enclosing(start, path));
                }
            }
            Some(_) => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b']' | b'}' | b' ' | b'\n' | b'\r' | b'\t')
                ) {
                    self.i += 1;
                }
            }
            None => return Ok(None),
        }
        Ok((start <= self.at && self.at < self.i).then(|| path.clone()))
    }

    /// Scan the child of the container at `start` (whose path is `path`) that
    /// is at `i`, under `segment`. `Some(answer)` ends the container's scan: the
    /// child holds `at`, or `at` lies between children, or the text makes no
    /// progress here (malformed); `None` goes on to the next child.
    fn child(
        &mut self,
        path: &mut String,
        segment: &str,
        start: usize,
        depth: usize,
    ) -> Result<Option<Option<String>>, Stop> {
        let before = self.i;
        let len = path.len();
        path.push_str(segment);
        let found = self.value(path, depth + 1);
        path.truncate(len);
        if let Some(p) = found? {
            return Ok(Some(Some(p)));
        }
        if self.i > self.at || self.i == before {
            return Ok(Some(self.enclosing(start, path)));
        }
        Ok(None)
    }

    /// A value that starts at `start` and whose end the scan did not reach
    /// (malformed text, or `at` inside a key): it holds `at` if it starts
    /// before it.
    fn enclosing(&self, start: usize, path: &str) -> Option<String> {
        (start <= self.at).then(|| path.to_string())
    }

    /// A string at `i` (its opening quote); its text, escapes kept as written;
    /// `None` if it never ends.
    fn string(&mut self) -> Option<String> {
        self.i += 1;
        let from = self.i;
        loop {
            match self.peek() {
                Some(b'"') => break,
                Some(b'\\') => self.i += 2,
                Some(_) => self.i += 1,
                None => return None,
            }
        }
        let text = self
            .doc
            .get(from..self.i)
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .unwrap_or_default();
        self.i += 1;
        Some(text)
    }
}

#[cfg(test)]
mod tests {
    use super::at;

    #[test]
    fn names_the_innermost_value_at_the_position() {
        let doc = br#"{"a": {"b": [1, {"c": 42}]}, "d": "x"}"#;
        let col = |needle: &str| {
            let s = std::str::from_utf8(doc).unwrap_or_default();
            s.find(needle).map(|i| i + needle.len()).unwrap_or(0)
        };
        assert_eq!(at(doc, 1, col("42")), "a.b[1].c");
        assert_eq!(at(doc, 1, col("[1")), "a.b[0]");
        assert_eq!(at(doc, 1, col("\"x\"")), "d");
        assert_eq!(at(doc, 1, col("42}")), "a.b[1]");
        assert_eq!(at(doc, 1, doc.len()), "");
        assert_eq!(at(b"{\n \"a\":\n  true}", 3, 6), "a");
    }

    #[test]
    fn malformed_or_deep_text_gives_a_path_or_nothing_never_a_panic() {
        for doc in [&b"{\"a\": [1, 2"[..], b"{\"a", b"\"\\", b"", b"]]]"] {
            let _ = at(doc, 1, doc.len());
        }
        let deep = "[".repeat(10_000);
        assert_eq!(at(deep.as_bytes(), 1, deep.len()), "");
        // `at` before the children: the scan stops there, it does not spin.
        assert_eq!(at(deep.as_bytes(), 1, 1), "");
        assert_eq!(at(b"[[1], [2]]", 1, 1), "");
        assert_eq!(at(b"[[1], [2]]", 1, 5), "");
        assert_eq!(at(b"{\"a\": [1, 2], \"b\": 3}", 1, 12), "a");
    }

    proptest::proptest! {
        /// Any text, any position: the scan ends (this test would hang
        /// otherwise) and names a path that is in the text or the document.
        #[test]
        fn any_text_any_position_ends(doc in "[\\[\\]{}\":, 1a\\\\\n]{0,60}", col in 0usize..70) {
            let p = at(doc.as_bytes(), 1, col);
            proptest::prop_assert!(p.len() <= doc.len() * 4 + 8);
        }
    }
}
