//! `ocpolicy check`: decide requests, one document or a batch.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Outcome;
use super::document::read_document;
use super::engine::{CommonArgs, EngineKind, Evaluator, Failure, Verdict};
use super::render;
use super::report::{report_failure, report_single};

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
    /// A civic address on its own (EMG-*): mandatory fields, country, coordinates, Calling Plan fields.
    #[command(
        after_help = "Examples:\n  ocpolicy check address tests/examples/address.json\n  echo '{\"address\": {...}, \"connectivity\": \"CallingPlan\"}' | ocpolicy check address --json -\n\nSchema: ocpolicy schema address"
    )]
    Address(super::emergency::AddressCommand),
    /// The audio-conferencing bridge (CONF-*): service numbers, the default number, invite numbers, licences.
    #[command(
        after_help = "Example:\n  ocpolicy check bridge tests/examples/bridge.json\n\nSchema: ocpolicy schema bridge-check"
    )]
    Bridge(super::conferencing::BridgeCommand),
}

impl CheckCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        match self {
            CheckCommand::Eligibility(c) => c.execute(),
            CheckCommand::OperatorProgramme(c) => c.execute(),
            CheckCommand::Address(c) => c.execute(),
            CheckCommand::Bridge(c) => c.execute(),
        }
    }
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
    /// Worker threads for --batch, each with its own warm instance (default: one per core).
    #[arg(long)]
    pub threads: Option<usize>,
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(flatten)]
    pub plugin: super::plugin::PluginArgs,
}

impl EligibilityCommand {
    /// Run it.
    pub fn execute(self) -> Result<Outcome> {
        let tenant = match &self.tenant {
            Some(p) => match read_document(p) {
                Ok(b) => Some(b),
                Err(f) => return report_failure(&f, self.common.json, Some("tenant")),
            },
            None => None,
        };
        if let Some(batch) = &self.batch {
            // Check the tenant once, up front, so a bad one is bad input (exit 2).
            let rules = match self.common.engine {
                EngineKind::Component => Some(ocpolicy_runtime::Rules::new()?),
                EngineKind::Native => None,
            };
            if let Err(f) = Evaluator::new(self.common.engine, rules.as_ref(), tenant.as_deref()) {
                return report_failure(&f, self.common.json, Some("tenant"));
            }
            let threads = self
                .threads
                .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
            // `--plugins`: loaded once, shared by the workers; the tenant
            // decoded and indexed once for them, so scoping a line to its
            // number's operator is a lookup by key however many numbers the
            // tenant has (without --tenant, each line carries its own).
            let plugins = self.plugin.host()?;
            let plugin_tenant = match (&plugins, &tenant) {
                (Some(_), Some(t)) => {
                    let indexed =
                        super::engine::decode::<ocpolicy_rules::types::Tenant>(t, "tenant")
                            .and_then(|t| {
                                ocpolicy_rules::TenantSnapshot::new(t).map_err(|e| Failure::Input {
                                    path: e.path,
                                    message: e.message,
                                })
                            });
                    match indexed {
                        Ok(s) => Some(ocpolicy_plugins::TenantView::from(std::sync::Arc::new(s))),
                        Err(f) => return report_failure(&f, self.common.json, Some("tenant")),
                    }
                }
                _ => None,
            };
            let spec = BatchSpec {
                engine: self.common.engine,
                rules,
                tenant,
                threads,
                plugins,
                plugin_tenant,
            };
            return run_batch(&spec, batch, self.max_line_bytes, self.common.json);
        }
        let mut evaluator = match Evaluator::new(self.common.engine, None, tenant.as_deref()) {
            Ok(e) => e,
            Err(f) => return report_failure(&f, self.common.json, Some("tenant")),
        };
        let Some(input) = &self.input else {
            anyhow::bail!("give an input document or --batch");
        };
        let plugins = self.plugin.host()?;
        let mut runs = Vec::new();
        let result = read_document(input).and_then(|doc| {
            let v = evaluator.eligibility(&doc)?;
            let Some(host) = &plugins else { return Ok(v) };
            let tenant = match &tenant {
                Some(t) => Some(ocpolicy_plugins::TenantView::from(std::sync::Arc::new(
                    super::engine::decode::<ocpolicy_rules::types::Tenant>(t, "tenant")?,
                ))),
                None => None,
            };
            let (v, r) = with_plugins(host, tenant.as_ref(), &doc, v)?;
            runs = r;
            Ok(v)
        });
        let outcome = report_single(result, self.common.json)?;
        if !self.common.json {
            for r in &runs {
                outln!(
                    "plugin {} `{}`: {:?}, fuel {}, peak memory {} KiB, {} µs",
                    r.plugin,
                    r.hook,
                    r.outcome,
                    r.fuel,
                    r.peak_memory / 1024,
                    r.micros
                );
            }
        }
        Ok(outcome)
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
            Err(f) => return report_failure(&f, self.common.json, None),
        };
        let result = read_document(&self.input).and_then(|doc| evaluator.operator_programme(&doc));
        report_single(result, self.common.json)
    }
}

/// `--plugins`: the operators' plugins decide on the same tenant and request,
/// and their violations join the verdict (they never remove one). `tenant` is
/// the `--tenant` snapshot; without it, `doc` is a whole eligibility check.
fn with_plugins(
    host: &ocpolicy_plugins::PluginHost,
    tenant: Option<&ocpolicy_plugins::TenantView>,
    doc: &[u8],
    v: Verdict,
) -> Result<(Verdict, Vec<ocpolicy_plugins::PluginRun>), Failure> {
    use ocpolicy_rules::types as core;
    let report = match tenant {
        Some(t) => host.eligibility(
            t.clone(),
            &super::engine::decode::<core::EligibilityRequest>(doc, "")?,
        ),
        None => {
            let c: core::EligibilityCheck = super::engine::decode(doc, "")?;
            host.eligibility(std::sync::Arc::new(c.tenant), &c.request)
        }
    };
    let (allowed, json) =
        super::plugin::with_report(&v.json, &report).map_err(Failure::Internal)?;
    Ok((Verdict { allowed, json }, report.runs))
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

/// How many lines travel together between the reader, the workers and the writer.
const CHUNK_LINES: usize = 2048;

/// One line of input, or why it is not usable.
enum Line {
    Doc(Vec<u8>),
    TooLong,
}

/// A numbered chunk of lines: (line number of the first, the lines).
type Chunk = (u64, Vec<Option<Line>>);

/// What a worker made of a chunk: its output text and its counts.
struct Done {
    text: String,
    denied: u64,
    bad: u64,
}

/// Decide every line of a batch. The reader numbers lines and groups them in
/// chunks; one worker per core (each with its own warm instance and its own
/// copy of the tenant) decides them; the writer puts chunks back in order, so
/// the output is line for line the input, whatever the thread count.
fn run_batch(spec: &BatchSpec, path: &Path, cap: usize, json: bool) -> Result<Outcome> {
    use std::collections::BTreeMap;
    use std::sync::mpsc::{channel, sync_channel};
    use std::sync::{Arc, Mutex};

    let name = path.display().to_string();
    let (input, total): (Box<dyn Read + Send>, Option<u64>) = if name == "-" {
        (Box::new(io::stdin()), None)
    } else {
        let file = File::open(path).with_context(|| format!("cannot open `{name}`"))?;
        let len = file.metadata().ok().map(|m| m.len());
        (Box::new(file), len)
    };
    let progress = ProgressBar::with_draw_target(total, ProgressDrawTarget::stderr_with_hz(5));
    progress.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let workers = spec.threads.max(1);
    let (work_tx, work_rx) = sync_channel::<Chunk>(workers * 2);
    let work_rx = Arc::new(Mutex::new(work_rx));
    let (done_tx, done_rx) = channel::<(u64, Result<Done>)>();
    // Credits bound the chunks in flight (queued, being decided, or decided
    // but waiting for an earlier one to be written), so memory stays flat in
    // the number of lines however slow the output is: the reader takes a
    // credit per chunk and the writer returns it once the chunk is written.
    let in_flight = workers * 4;
    let (credit_tx, credit_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        credit_tx
            .send(())
            .map_err(|_| anyhow::anyhow!("the batch's credit channel closed"))?;
    }

    std::thread::scope(|scope| -> Result<Outcome> {
        // Reader: number the lines, group them in chunks, hand them out.
        let reader_progress = progress.clone();
        let reader = scope.spawn(move || -> io::Result<u64> {
            let mut reader = BufReader::with_capacity(1 << 16, input);
            let mut buf = Vec::with_capacity(4096);
            let (mut seq, mut lines) = (0u64, 0u64);
            loop {
                let mut chunk = Vec::with_capacity(CHUNK_LINES);
                let mut bytes = 0u64;
                let mut eof = false;
                while chunk.len() < CHUNK_LINES {
                    let Some((too_long, consumed)) = read_line_capped(&mut reader, &mut buf, cap)?
                    else {
                        eof = true;
                        break;
                    };
                    bytes += consumed as u64;
                    let line = buf.strip_suffix(b"\r").unwrap_or(&buf);
                    chunk.push(if too_long {
                        Some(Line::TooLong)
                    } else if line.iter().all(u8::is_ascii_whitespace) {
                        None // blank lines separate nothing and decide nothing
                    } else {
                        Some(Line::Doc(line.to_vec()))
                    });
                }
                lines += chunk.len() as u64;
                reader_progress.inc(bytes);
                // A closed channel means the writer or the workers stopped.
                if !chunk.is_empty()
                    && (credit_rx.recv().is_err() || work_tx.send((seq, chunk)).is_err())
                {
                    return Ok(lines);
                }
                seq += 1;
                if eof {
                    return Ok(lines);
                }
            }
        });

        // Workers: each with its own warm instance and its own tenant snapshot.
        for _ in 0..workers {
            let work_rx = Arc::clone(&work_rx);
            let done_tx = done_tx.clone();
            scope.spawn(move || {
                let mut evaluator = match spec.evaluator() {
                    Ok(e) => e,
                    Err(e) => {
                        let _ = done_tx.send((u64::MAX, Err(e)));
                        return;
                    }
                };
                loop {
                    let next = match work_rx.lock() {
                        Ok(rx) => rx.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, lines)) = next else { return };
                    let result = decide_chunk(
                        &mut evaluator,
                        spec,
                        seq * CHUNK_LINES as u64 + 1,
                        lines,
                        cap,
                        json,
                    );
                    let failed = result.is_err();
                    if done_tx.send((seq, result)).is_err() || failed {
                        return;
                    }
                }
            });
        }
        drop(done_tx);
        drop(work_rx);

        // Writer (this thread): put chunks back in input order.
        let stdout = io::stdout();
        let mut out = BufWriter::with_capacity(1 << 16, stdout.lock());
        let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
        let (mut next, mut denied, mut bad) = (0u64, 0u64, 0u64);
        let mut failure = None;
        for (seq, result) in done_rx.iter() {
            match result {
                Ok(done) => {
                    pending.insert(seq, done);
                }
                Err(e) => {
                    failure = Some(e);
                    break;
                }
            }
            while let Some(done) = pending.remove(&next) {
                out.write_all(done.text.as_bytes())?;
                denied += done.denied;
                bad += done.bad;
                next += 1;
                // The reader may be waiting for this credit; if it has
                // finished, nobody needs it.
                let _ = credit_tx.send(());
            }
            progress.set_message(format!("{denied} denied, {bad} bad"));
        }
        // Dropping the receiver stops the workers, and dropping the credits
        // stops the reader.
        drop(done_rx);
        drop(credit_tx);
        out.flush()?;
        let lines = reader
            .join()
            .map_err(|_| anyhow::anyhow!("the batch reader panicked"))?;
        if let Some(e) = failure {
            progress.abandon();
            return Err(e.context(format!("deciding `{name}`")));
        }
        let lines = lines.with_context(|| format!("reading `{name}`"))?;
        progress.finish_with_message(format!("{lines} lines, {denied} denied, {bad} bad"));
        Ok(if bad > 0 {
            Outcome::BadInput
        } else if denied > 0 {
            Outcome::Denied
        } else {
            Outcome::Allowed
        })
    })
}

/// Decide one chunk of lines, numbered from `first`: the documents go to the
/// engine together (one boundary crossing per chunk for the component).
fn decide_chunk(
    evaluator: &mut Evaluator,
    spec: &BatchSpec,
    first: u64,
    lines: Vec<Option<Line>>,
    cap: usize,
    json: bool,
) -> Result<Done> {
    use std::fmt::Write as _;
    let docs: Vec<&[u8]> = lines
        .iter()
        .filter_map(|l| match l {
            Some(Line::Doc(d)) => Some(d.as_slice()),
            _ => None,
        })
        .collect();
    let mut answers = evaluator.eligibility_many(&docs)?.into_iter();
    let mut done = Done {
        text: String::with_capacity(lines.len() * 256),
        denied: 0,
        bad: 0,
    };
    for (i, line) in lines.iter().enumerate() {
        let n = first + i as u64;
        let result = match line {
            None => continue,
            Some(Line::TooLong) => Err(Failure::Input {
                path: String::new(),
                message: format!(
                    "the line is longer than {cap} bytes (--max-line-bytes); it was skipped"
                ),
            }),
            Some(Line::Doc(doc)) => answers
                .next()
                .unwrap_or_else(|| {
                    Err(Failure::Internal(anyhow::anyhow!("line {n} got no answer")))
                })
                .and_then(|v| match &spec.plugins {
                    Some(host) => {
                        with_plugins(host, spec.plugin_tenant.as_ref(), doc, v).map(|(v, _)| v)
                    }
                    None => Ok(v),
                }),
        };
        match result {
            Ok(v) => {
                if !v.allowed {
                    done.denied += 1;
                }
                if json {
                    let _ = writeln!(
                        done.text,
                        "{{\"line\":{n},\"allowed\":{},\"decision\":{}}}",
                        v.allowed, v.json
                    );
                } else {
                    let d: ocpolicy_rules::types::Decision = serde_json::from_str(&v.json)?;
                    let codes: Vec<&str> = d.violations.iter().map(|v| v.code.as_str()).collect();
                    let verdict = if v.allowed { "ALLOWED" } else { "DENIED" };
                    let _ = writeln!(
                        done.text,
                        "line {n}: {verdict}{}",
                        if codes.is_empty() {
                            String::new()
                        } else {
                            format!(" {}", codes.join(" "))
                        }
                    );
                }
            }
            Err(Failure::Input { path, message }) => {
                done.bad += 1;
                if json {
                    let _ = writeln!(
                        done.text,
                        "{}",
                        serde_json::json!({"line": n, "error": {"path": path, "message": message}})
                    );
                } else {
                    let _ = writeln!(done.text, "line {n}: {}", render::failure(&path, &message));
                }
            }
            Err(Failure::Internal(e)) => return Err(e.context(format!("line {n}"))),
        }
    }
    Ok(done)
}

/// Everything a batch worker needs to build its own evaluator.
struct BatchSpec {
    engine: EngineKind,
    rules: Option<ocpolicy_runtime::Rules>,
    tenant: Option<Vec<u8>>,
    threads: usize,
    /// `--plugins`, shared by every worker.
    plugins: Option<ocpolicy_plugins::PluginHost>,
    /// The `--tenant` snapshot decoded once for the plugins.
    plugin_tenant: Option<ocpolicy_plugins::TenantView>,
}

impl BatchSpec {
    fn evaluator(&self) -> Result<Evaluator> {
        match Evaluator::new(self.engine, self.rules.as_ref(), self.tenant.as_deref()) {
            Ok(e) => Ok(e),
            Err(Failure::Input { path, message }) => {
                Err(anyhow::anyhow!("tenant at `{path}`: {message}"))
            }
            Err(Failure::Internal(e)) => Err(e),
        }
    }
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
