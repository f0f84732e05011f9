//! One module per subcommand, each a `XxxCommand` with `execute`.

/// `println!` that returns the write error (a closed pipe) instead of panicking.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

/// `print!` that returns the write error instead of panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*)?
    }};
}

pub mod audit;
pub mod check;
pub mod component;
pub mod conferencing;
pub mod corpus;
pub mod demo;
mod document;
pub mod emergency;
mod engine;
pub mod import;
pub mod plugin;
pub mod push;
mod render;
mod report;
pub mod rules;
pub mod schema;
pub mod serve;

use std::process::ExitCode;

/// An error the user's input caused (a file they named is missing or
/// malformed): the command exits 2, like any bad input, not 3.
#[derive(Debug)]
pub struct BadInput(pub String);

impl std::fmt::Display for BadInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for BadInput {}

/// How a run ended, as an exit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Outcome {
    /// 0: every decision allowed (or the command had nothing to decide).
    Allowed = 0,
    /// 1: at least one decision denied.
    Denied = 1,
    /// 2: at least one input could not be read or decoded.
    BadInput = 2,
    /// 3: the engine failed (a trap, an I/O error writing output).
    Internal = 3,
}

impl From<Outcome> for ExitCode {
    fn from(o: Outcome) -> Self {
        ExitCode::from(o as u8)
    }
}
