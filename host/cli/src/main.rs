//! `ocpolicy`: Operator Connect policy decisions from the command line.
//!
//! Exit codes: 0 allowed, 1 denied, 2 bad input (a plugin given with
//! `--plugins` that did not load included), 3 internal error.

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Operator Connect policy decisions: eligibility of number assignments,
/// uploads, releases, migrations and operator removal, with the rule code,
/// field, source and fix for every violation.
#[derive(Parser)]
#[command(name = "ocpolicy", version, about, long_about = None, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Decide a request: prints the decision; exit 0 allowed, 1 denied, 2 bad input.
    #[command(subcommand)]
    Check(commands::check::CheckCommand),
    /// Emergency location: resolve a network context, PIDF-LO, emergency numbers, audit.
    #[command(subcommand)]
    Emergency(commands::emergency::EmergencyCommand),
    /// Conferencing: route a meeting dial-out with its trace, lint a configuration, normalize.
    #[command(subcommand)]
    Conferencing(commands::conferencing::ConferencingCommand),
    /// Operator plugins: new, build, keygen, sign, verify, inspect, test.
    #[command(subcommand)]
    Plugin(commands::plugin::PluginCommand),
    /// Import a tenant from what Teams admins export (PowerShell, CSV, Graph).
    #[command(subcommand)]
    Import(commands::import::ImportCommand),
    /// Send a tenant (a document or a folder of exports) to a running server.
    Push(commands::push::PushCommand),
    /// Every rule family over a whole tenant: assignments, emergency, conferencing.
    Audit(commands::audit::AuditCommand),
    /// Print the JSON Schema of a request or decision document.
    Schema(commands::schema::SchemaCommand),
    /// List every rule: code, severity, evidence status, source and fix.
    Rules(commands::rules::RulesCommand),
    /// Inspect the embedded rules component: its WIT, its imports, its bytes.
    #[command(subcommand)]
    Component(commands::component::ComponentCommand),
    /// Serve the decision API, the tenant API and the web console over HTTP.
    Serve(commands::serve::ServeCommand),
    /// Bearer tokens for the tenant API.
    #[command(subcommand)]
    Token(commands::serve::TokenCommand),
    /// Run a conformance corpus (tests/corpus) and check every case's expected verdict.
    Corpus(commands::corpus::CorpusCommand),
    /// Run the bundled example requests and show their decisions.
    Demo(commands::demo::DemoCommand),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Check(c) => c.execute(),
        Command::Emergency(c) => c.execute(),
        Command::Conferencing(c) => c.execute(),
        Command::Plugin(c) => c.execute(),
        Command::Import(c) => c.execute(),
        Command::Audit(c) => c.execute(),
        Command::Push(c) => c.execute(),
        Command::Schema(c) => c.execute(),
        Command::Rules(c) => c.execute(),
        Command::Component(c) => c.execute(),
        Command::Corpus(c) => c.execute(),
        Command::Serve(c) => c.execute(),
        Command::Token(c) => c.execute(),
        Command::Demo(c) => c.execute(),
    };
    match result {
        Ok(code) => commands::plugin::exit_code(code).into(),
        // The reader went away (`ocpolicy ... | head`): stop quietly, as ripgrep does.
        Err(e) if broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) if e.downcast_ref::<commands::BadInput>().is_some() => {
            eprintln!("error: {e:#}");
            commands::Outcome::BadInput.into()
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            commands::Outcome::Internal.into()
        }
    }
}

fn broken_pipe(e: &anyhow::Error) -> bool {
    e.chain()
        .filter_map(|c| c.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
}
