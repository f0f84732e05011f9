//! Reading the documents a command names: a file or `-`, capped at the
//! decoder's size limit before it is read whole.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use super::engine::Failure;
use ocpolicy_rules::json::MAX_DOCUMENT_BYTES;

/// Read a whole document, refusing one over the size limit without reading it all.
pub(super) fn read_document(path: &Path) -> Result<Vec<u8>, Failure> {
    let name = path.display().to_string();
    let reader: Box<dyn Read> = if name == "-" {
        Box::new(io::stdin().lock())
    } else {
        Box::new(File::open(path).map_err(|e| Failure::Input {
            path: String::new(),
            message: format!("cannot open `{name}`: {e}"),
        })?)
    };
    let mut buf = Vec::new();
    reader
        .take(MAX_DOCUMENT_BYTES as u64 + 1)
        .read_to_end(&mut buf)
        .map_err(|e| Failure::Input {
            path: String::new(),
            message: format!("cannot read `{name}`: {e}"),
        })?;
    if buf.len() > MAX_DOCUMENT_BYTES {
        return Err(Failure::Input {
            path: String::new(),
            message: format!(
                "`{name}` is larger than {MAX_DOCUMENT_BYTES} bytes; use --tenant with --batch for large workloads"
            ),
        });
    }
    Ok(buf)
}
