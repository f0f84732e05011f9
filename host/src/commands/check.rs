//! `ocpolicy check`: decide requests, one document or a batch.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Outcome;
use super::evaluator::{EngineKind, Evaluator, Failure, Verdict};
use super::render;
use ocpolicy_rules::json::MAX_DOCUMENT_BYTES;

const ELIGIBILITY_HELP: &str = "\
Examples:
  # One self-contained check (tenant + request), for people:
  ocpolicy check eligibility tests/examples/assign-number.json

  # The same, for machines; exit 0 allowed, 1 denied, 2 bad input:
  ocpolicy check eligibility --json tests/examples/assign-number.json

  # Many requests against one tenant, one JSON request per line, one decision per line:
  ocpolicy check eligibility --tenant tenant.json --batch requests.ndjson > decisions.ndjson

  # What the documents look like:
  ocpolicy schema eligibility

Batch output lines are {\"line\":N,\"allowed\":B,\"decision\":{...}} or
{\"line\":N,\"error\":{\"path\":P,\"message\":M}}; a bad line never stops the batch.
The batch exit code is 2 if any line was bad, else 1 if any was denied, else 0.";

/// What to check.
#[derive(Subcommand)]
pub enum CheckCommand {
    /// Eligibility: assign, upload, release, migrate, block, relocate, remove an operator.
    #[command(after_help = ELIGIBILITY_HELP)]
    Eligibility(EligibilityCommand),
    /// An operator against the Operator Connect programme requirements (OPR-*).
    #[command(
        after_help = "Example:\n  ocpolicy check operator-programme tests/examples/operator-programme.json"
    )]
    OperatorProgramme(ProgrammeCommand),
}

impl CheckCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        match self {
            CheckCommand::Eligibility(c) => c.execute(),
            CheckCommand::OperatorProgramme(c) => c.execute(),
        }
    }
}

/// Options every check shares.
#[derive(Args)]
pub struct CommonArgs {
    /// Print JSON (one decision per line in batch mode) instead of a report.
    #[arg(long)]
    pub json: bool,
    /// Which engine decides.
    #[arg(long, value_enum, default_value_t)]
    pub engine: EngineKind,
}

/// `ocpolicy check eligibility`.
#[derive(Args)]
pub struct EligibilityCommand {
    /// The document to check (`-` for standard input): an eligibility check
    /// (tenant + request), or a request alone when `--tenant` is given.
    #[arg(required_unless_present = "batch", conflicts_with = "batch")]
    pub input: Option<PathBuf>,
    /// A tenant document; inputs are then requests against it (indexed once).
    #[arg(long)]
    pub tenant: Option<PathBuf>,
    /// A file of newline-delimited documents (`-` for standard input): decide
    /// each, stream one decision per line, show progress on standard error.
    #[arg(long)]
    pub batch: Option<PathBuf>,
    /// The longest batch line accepted, in bytes; longer lines are reported and skipped.
    #[arg(long, default_value_t = 1 << 20)]
    pub max_line_bytes: usize,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl EligibilityCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let tenant = match &self.tenant {
            Some(p) => match read_document(p) {
                Ok(b) => Some(b),
                Err(f) => return Ok(report_failure(&f, self.common.json, Some("tenant"))),
            },
            None => None,
        };
        let mut evaluator = match Evaluator::new(self.common.engine, None, tenant.as_deref()) {
            Ok(e) => e,
            Err(f) => return Ok(report_failure(&f, self.common.json, Some("tenant"))),
        };
        if let Some(batch) = &self.batch {
            return run_batch(&mut evaluator, batch, self.max_line_bytes, self.common.json);
        }
        let Some(input) = &self.input else {
            anyhow::bail!("give an input document or --batch");
        };
        let result = read_document(input).and_then(|doc| evaluator.eligibility(&doc));
        Ok(report_single(result, self.common.json))
    }
}

/// `ocpolicy check operator-programme`.
#[derive(Args)]
pub struct ProgrammeCommand {
    /// The operator's programme document (`-` for standard input).
    pub input: PathBuf,
    #[command(flatten)]
    pub common: CommonArgs,
}

impl ProgrammeCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let mut evaluator = match Evaluator::new(self.common.engine, None, None) {
            Ok(e) => e,
            Err(f) => return Ok(report_failure(&f, self.common.json, None)),
        };
        let result = read_document(&self.input).and_then(|doc| evaluator.operator_programme(&doc));
        Ok(report_single(result, self.common.json))
    }
}

/// Read a whole document, refusing one over the size limit without reading it all.
fn read_document(path: &Path) -> Result<Vec<u8>, Failure> {
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

fn report_single(result: Result<Verdict, Failure>, json: bool) -> Outcome {
    match result {
        Ok(v) => {
            if json {
                println!("{}", v.json);
            } else {
                match serde_json::from_str::<ocpolicy_rules::types::Decision>(&v.json) {
                    Ok(d) => print!("{}", render::decision(&d)),
                    Err(_) => println!("{}", v.json),
                }
            }
            if v.allowed {
                Outcome::Allowed
            } else {
                Outcome::Denied
            }
        }
        Err(f) => report_failure(&f, json, None),
    }
}

fn report_failure(f: &Failure, json: bool, document: Option<&str>) -> Outcome {
    match f {
        Failure::Input { path, message } => {
            let path = match document {
                Some(doc) if path.is_empty() => doc.to_string(),
                Some(doc) => format!("{doc}:{path}"),
                None => path.clone(),
            };
            if json {
                println!(
                    "{}",
                    serde_json::json!({"error": {"path": path, "message": message}})
                );
            }
            eprintln!("{}", render::failure(&path, message));
            Outcome::BadInput
        }
        Failure::Internal(e) => {
            eprintln!("error: {e:#}");
            Outcome::Internal
        }
    }
}

/// Read one line into `buf` (without its newline), keeping at most `cap` bytes.
/// Returns `None` at end of input, else whether the line was longer than `cap`.
fn read_line_capped(
    r: &mut impl BufRead,
    buf: &mut Vec<u8>,
    cap: usize,
) -> io::Result<Option<(bool, usize)>> {
    buf.clear();
    let mut consumed_total = 0usize;
    let mut too_long = false;
    loop {
        let available = r.fill_buf()?;
        if available.is_empty() {
            return Ok(if consumed_total == 0 {
                None
            } else {
                Some((too_long, consumed_total))
            });
        }
        let (chunk, done) = match memchr_newline(available) {
            Some(i) => (&available[..i], i + 1),
            None => (available, available.len()),
        };
        if !too_long {
            if buf.len() + chunk.len() > cap {
                too_long = true;
                buf.clear();
            } else {
                buf.extend_from_slice(chunk);
            }
        }
        let found_newline = done > chunk.len();
        r.consume(done);
        consumed_total += done;
        if found_newline {
            return Ok(Some((too_long, consumed_total)));
        }
    }
}

fn memchr_newline(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'\n')
}

fn run_batch(evaluator: &mut Evaluator, path: &Path, cap: usize, json: bool) -> Result<Outcome> {
    let name = path.display().to_string();
    let (reader, total): (Box<dyn Read>, Option<u64>) = if name == "-" {
        (Box::new(io::stdin().lock()), None)
    } else {
        let file = File::open(path).with_context(|| format!("cannot open `{name}`"))?;
        let len = file.metadata().ok().map(|m| m.len());
        (Box::new(file), len)
    };
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let stdout = io::stdout();
    let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());

    let progress = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr_with_hz(5));
    progress.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );

    let (mut lines, mut denied, mut bad) = (0u64, 0u64, 0u64);
    let mut pending_bytes = 0u64;
    let mut buf = Vec::with_capacity(4096);
    while let Some((too_long, consumed)) = read_line_capped(&mut reader, &mut buf, cap)? {
        lines += 1;
        pending_bytes += consumed as u64;
        let line = buf.strip_suffix(b"\r").unwrap_or(&buf);
        if !too_long && line.iter().all(u8::is_ascii_whitespace) {
            continue; // blank lines separate nothing and decide nothing
        }
        let result = if too_long {
            Err(Failure::Input {
                path: String::new(),
                message: format!(
                    "the line is longer than {cap} bytes (--max-line-bytes); it was skipped"
                ),
            })
        } else {
            evaluator.eligibility(line)
        };
        match result {
            Ok(v) => {
                if !v.allowed {
                    denied += 1;
                }
                if json {
                    writeln!(
                        out,
                        "{{\"line\":{lines},\"allowed\":{},\"decision\":{}}}",
                        v.allowed, v.json
                    )?;
                } else {
                    let d: ocpolicy_rules::types::Decision = serde_json::from_str(&v.json)?;
                    let codes: Vec<&str> = d.violations.iter().map(|v| v.code.as_str()).collect();
                    writeln!(
                        out,
                        "line {lines}: {}{}",
                        if v.allowed { "ALLOWED" } else { "DENIED" },
                        if codes.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", codes.join(" "))
                        }
                    )?;
                }
            }
            Err(Failure::Input { path, message }) => {
                bad += 1;
                if json {
                    let e = serde_json::json!({"line": lines, "error": {"path": path, "message": message}});
                    writeln!(out, "{e}")?;
                } else {
                    writeln!(out, "line {lines}: {}", render::failure(&path, &message))?;
                }
            }
            Err(Failure::Internal(e)) => {
                progress.abandon();
                out.flush()?;
                return Err(e.context(format!("deciding line {lines} of `{name}`")));
            }
        }
        if lines % 4096 == 0 {
            progress.inc(pending_bytes);
            pending_bytes = 0;
            progress.set_message(format!("{lines} lines, {denied} denied, {bad} bad"));
        }
    }
    out.flush()?;
    progress.inc(pending_bytes);
    progress.finish_with_message(format!("{lines} lines, {denied} denied, {bad} bad"));
    Ok(if bad > 0 {
        Outcome::BadInput
    } else if denied > 0 {
        Outcome::Denied
    } else {
        Outcome::Allowed
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capped_lines_skip_the_excess_and_keep_the_rest() -> io::Result<()> {
        let data = b"short\nthis line is far too long\nok\n";
        let mut r = BufReader::with_capacity(4, &data[..]);
        let mut buf = Vec::new();
        assert_eq!(read_line_capped(&mut r, &mut buf, 8)?, Some((false, 6)));
        assert_eq!(buf, b"short");
        assert!(matches!(
            read_line_capped(&mut r, &mut buf, 8)?,
            Some((true, _))
        ));
        assert_eq!(read_line_capped(&mut r, &mut buf, 8)?, Some((false, 3)));
        assert_eq!(buf, b"ok");
        assert_eq!(read_line_capped(&mut r, &mut buf, 8)?, None);
        Ok(())
    }
}
