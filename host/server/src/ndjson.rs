//! The lines of an NDJSON batch body, read as they arrive. A batch is limited
//! by its lines ([`MAX_BATCH`]) and each line by [`MAX_LINE`] bytes, never by
//! the size of the whole body: the server holds one chunk of lines at a time,
//! so its memory stays flat however long the batch is.

use axum::body::{Body, BodyDataStream, Bytes};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use tokio_stream::StreamExt;

use super::scoped::Warm;
use super::{ApiError, AppState, Inner};

/// The most lines one batch may have.
pub const MAX_BATCH: usize = 100_000;
/// The most bytes one line may have: a request body's limit.
pub const MAX_LINE: usize = super::MAX_BODY;

/// One line of a batch.
pub enum Line {
    /// A line to decide.
    Text(String),
    /// A line too long to read: what to answer in its place.
    Bad(String),
    /// A line that is not UTF-8 text: what to answer in its place.
    NotText(String),
}

/// Why reading stops before the body's end.
pub enum Stop {
    /// The batch has more than [`MAX_BATCH`] lines: say so on a last line.
    TooMany,
    /// The body could not be read (the client went away, a timeout).
    Failed,
}

/// The lines of a body, in order, blank lines left out.
pub struct Lines {
    stream: BodyDataStream,
    /// Bytes read and not yet given out, from `start`.
    pending: Vec<u8>,
    start: usize,
    /// Where to look for the next newline (the bytes before it have none).
    scan: usize,
    /// Dropping the rest of a line longer than [`MAX_LINE`].
    skipping: bool,
    /// The body has ended.
    ended: bool,
    /// Reading stopped: the body failed, or the batch has too many lines.
    stop: Option<Stop>,
    /// The number of the last line read, from 1, blank lines counted.
    number: usize,
    /// Lines given out, blank lines not counted.
    given: usize,
}

impl Lines {
    /// Read `body`.
    pub fn new(body: Body) -> Self {
        Lines {
            stream: body.into_data_stream(),
            pending: Vec::new(),
            start: 0,
            scan: 0,
            skipping: false,
            ended: false,
            stop: None,
            number: 0,
            given: 0,
        }
    }

    /// Up to `n` more lines; an empty list once the body is done. `Err` when
    /// reading stops, after every line before it has been given.
    pub async fn next(&mut self, n: usize) -> Result<Vec<Line>, Stop> {
        let mut out = Vec::new();
        while out.len() < n && self.stop.is_none() {
            let line = match self.take_line() {
                Some(line) => line,
                None if self.ended => {
                    // The last line may have no newline.
                    let last = self.pending.split_off(self.start);
                    self.pending.clear();
                    self.start = 0;
                    self.scan = 0;
                    if last.is_empty() || std::mem::take(&mut self.skipping) {
                        break;
                    }
                    self.number += 1;
                    let line = self.line(last);
                    if line.is_none() {
                        break;
                    }
                    line
                }
                None => {
                    match self.stream.next().await {
                        Some(Ok(bytes)) => self.push(&bytes),
                        Some(Err(_)) => self.stop = Some(Stop::Failed),
                        None => self.ended = true,
                    }
                    continue;
                }
            };
            if let Some(line) = line {
                if self.given == MAX_BATCH {
                    self.stop = Some(Stop::TooMany);
                    break;
                }
                self.given += 1;
                out.push(line);
            }
        }
        if out.is_empty()
            && let Some(stop) = self.stop.take()
        {
            return Err(stop);
        }
        Ok(out)
    }

    fn push(&mut self, bytes: &Bytes) {
        if self.start > 0 && self.start * 2 >= self.pending.len() {
            self.pending.drain(..self.start);
            self.scan -= self.start;
            self.start = 0;
        }
        self.pending.extend_from_slice(bytes);
    }

    /// The next complete line read: `None` when there is none yet,
    /// `Some(None)` for a blank line (or the end of one too long).
    fn take_line(&mut self) -> Option<Option<Line>> {
        let found = self.pending[self.scan..].iter().position(|&b| b == b'\n');
        match found {
            Some(at) => {
                let end = self.scan + at;
                let bytes = if end - self.start > MAX_LINE {
                    Vec::new()
                } else {
                    self.pending[self.start..end].to_vec()
                };
                let long = end - self.start > MAX_LINE;
                self.start = end + 1;
                self.scan = self.start;
                if std::mem::take(&mut self.skipping) {
                    // The end of a line already answered as too long.
                    return Some(None);
                }
                self.number += 1;
                if long {
                    return Some(Some(self.too_long()));
                }
                Some(self.line(bytes))
            }
            None if self.skipping => {
                self.pending.clear();
                self.start = 0;
                self.scan = 0;
                None
            }
            None if self.pending.len() - self.start > MAX_LINE => {
                self.pending.clear();
                self.start = 0;
                self.scan = 0;
                self.skipping = true;
                self.number += 1;
                Some(Some(self.too_long()))
            }
            None => {
                self.scan = self.pending.len();
                None
            }
        }
    }

    /// The answer to line [`Lines::number`], too long to read.
    fn too_long(&self) -> Line {
        Line::Bad(format!(
            "line {} is longer than {} MiB; it was not decided (send one JSON document per line)",
            self.number,
            MAX_LINE >> 20
        ))
    }

    /// One line's text, or why it cannot be read; `None` if blank.
    fn line(&self, bytes: Vec<u8>) -> Option<Line> {
        match String::from_utf8(bytes) {
            Ok(t) if t.trim().is_empty() => None,
            Ok(t) => Some(Line::Text(t)),
            Err(e) => Some(Line::NotText(format!(
                "line {} is not UTF-8 (byte {}); send UTF-8 JSON, one document per line",
                self.number,
                e.utf8_error().valid_up_to()
            ))),
        }
    }
}

/// The line that ends a batch with more than [`MAX_BATCH`] lines.
pub fn too_many() -> String {
    format!(
        "{{\"error\":{{\"path\":\"\",\"message\":\"a batch may have {MAX_BATCH} lines; the lines after line {MAX_BATCH} were not decided: send them in another batch\"}}}}\n"
    )
}

/// An error envelope as one NDJSON line.
pub fn error_line(path: &str, message: &str) -> String {
    let mut s = serde_json::json!({ "error": { "path": path, "message": message } }).to_string();
    s.push('\n');
    s
}

/// Lines decided per trip to the evaluation pool.
const CHUNK: usize = 256;

/// How a batch's lines are decided: one chunk of readable lines at a time on
/// a warm instance, one answer line (ending in a newline) per line, in order;
/// or an error that answers every line of the chunk.
pub trait DecideChunk:
    Fn(&mut Warm, &Inner, Vec<String>) -> crate::Result<Result<Vec<String>, ApiError>>
    + Clone
    + Send
    + Sync
    + 'static
{
}

impl<F> DecideChunk for F where
    F: Fn(&mut Warm, &Inner, Vec<String>) -> crate::Result<Result<Vec<String>, ApiError>>
        + Clone
        + Send
        + Sync
        + 'static
{
}

/// Answer an NDJSON batch as a stream: one envelope per line, in order. A
/// line that cannot be read is answered with an error in its place; a
/// chunk the rules or the store could not decide is answered with an error
/// on each of its lines; after [`MAX_BATCH`] lines, one last error line says
/// where the batch was cut. A body whose first line is not text at all is
/// 400, before anything is streamed (a binary file sent by mistake).
pub async fn respond(s: AppState, body: Body, decide: impl DecideChunk) -> Response {
    let mut lines = Lines::new(body);
    let first = lines.next(CHUNK).await;
    if let Ok(first) = &first
        && let Some(Line::NotText(message)) = first.first()
    {
        return ApiError::new(StatusCode::BAD_REQUEST, "", message).into_response();
    }
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(4);
    tokio::spawn(async move {
        let mut chunk = first;
        loop {
            let read = match chunk {
                Ok(l) if l.is_empty() => return,
                Ok(l) => l,
                Err(Stop::TooMany) => {
                    let _ = tx.send(Ok(Bytes::from(too_many()))).await;
                    return;
                }
                Err(Stop::Failed) => return,
            };
            let mut texts = Vec::with_capacity(read.len());
            let mut order = Vec::with_capacity(read.len());
            for l in read {
                match l {
                    Line::Text(t) => {
                        texts.push(t);
                        order.push(None);
                    }
                    Line::Bad(m) | Line::NotText(m) => order.push(Some(m)),
                }
            }
            let answers = if texts.is_empty() {
                Ok(Ok(Vec::new()))
            } else {
                let d = decide.clone();
                s.with_warm(move |w, inner| d(w, inner, texts)).await
            };
            let failed = match &answers {
                Ok(Err(e)) | Err(e) => Some(error_line(&e.path, &e.message)),
                Ok(Ok(_)) => None,
            };
            let mut answers = match answers {
                Ok(Ok(a)) => a.into_iter(),
                _ => Vec::new().into_iter(),
            };
            let mut buf = String::new();
            for o in order {
                match (o, &failed) {
                    (Some(m), _) => buf.push_str(&error_line("", &m)),
                    (None, Some(f)) => buf.push_str(f),
                    (None, None) => match answers.next() {
                        Some(a) => buf.push_str(&a),
                        None => buf.push_str(&error_line("", "no answer was made for this line")),
                    },
                }
            }
            if tx.send(Ok(Bytes::from(buf))).await.is_err() {
                return; // the client went away
            }
            chunk = lines.next(CHUNK).await;
        }
    });
    let stream = tokio_stream::wrappers::ReceiverStream::new(rx);
    (
        [(header::CONTENT_TYPE, "application/x-ndjson")],
        Body::from_stream(stream),
    )
        .into_response()
}
