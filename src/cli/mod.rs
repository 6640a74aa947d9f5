//! The command line: argument definitions, one file per subcommand, and the exit codes.
//! This module and `main.rs` are the only places that print or read the environment.
#![allow(clippy::print_stdout, clippy::print_stderr)]

mod annotate;
mod approve;
mod check;
mod ci;
mod completions;
mod config;
mod context;
mod diff;
mod discover;
mod docs;
mod doctor;
mod export;
mod history;
mod hurl;
mod privacy;
mod rollback;
mod rules;
#[cfg(feature = "server")]
mod serve;
mod show;
mod store;
mod summary;
#[cfg(feature = "server")]
mod token;
mod usage;
mod watch;

use crate::error::{Error, ErrorKind};
use clap::{Parser, Subcommand};
pub use context::{ColorChoice, Exit};
use std::io::IsTerminal;

/// Maps every library error to its exit code, in one place: every kind is 2 (the tool could
/// not do its job); 1 is only ever a verdict.
pub fn exit_code(e: &Error) -> Exit {
    match e.kind() {
        ErrorKind::BadInput
        | ErrorKind::Usage
        | ErrorKind::NotFound
        | ErrorKind::Conflict
        | ErrorKind::Unauthorised
        | ErrorKind::Forbidden
        | ErrorKind::Unavailable
        | ErrorKind::Internal => Exit::Error,
    }
}

/// apidiff: catch breaking API changes before your clients do.
#[derive(Debug, Parser)]
#[command(name = "apidiff", version, about, long_about = None, max_term_width = 100)]
pub struct Cli {
    /// When to colour output (auto: on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE forces it).
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// No progress bars (they are also hidden when stderr is not a terminal).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Compare two versions of an API description and classify every change (adds a model-written summary when APIDIFF_LLM_URL and APIDIFF_LLM_MODEL name an OpenAI-compatible endpoint; APIDIFF_LLM_API_KEY, APIDIFF_LLM_TIMEOUT_MS optional).
    Diff(diff::DiffArgs),
    /// List every rule with its id, severity and summary.
    Rules(rules::RulesArgs),
    /// Show the documentation of one rule.
    Explain(rules::ExplainArgs),
    /// Print the JSON Schema of the JSON report.
    Schema,
    /// Check every spec of the repository against its module's last archived snapshot (model-written summary as for `diff`).
    Check(check::CheckArgs),
    /// List the specs and modules `check` would see, and why.
    Discover(discover::DiscoverArgs),
    /// The archived timeline (or the audit log).
    History(history::HistoryArgs),
    /// One archived entry: its changes and the spec before and after.
    Show(show::ShowArgs),
    /// Export the archived history as JSON, Markdown, HTML or PDF (recorded in the audit log).
    Export(export::ExportArgs),
    /// Attach a note to an archived entry.
    Annotate(annotate::AnnotateArgs),
    /// Approve a breaking change (by fingerprint, group, or rule and operation): `check` lets it pass, showing who approved it, when and why.
    Approve(approve::ApproveArgs),
    /// List or revoke approvals.
    Approvals(approve::ApprovalsArgs),
    /// Write archived spec files back to the working tree.
    Rollback(rollback::RollbackArgs),
    /// The configuration file: its JSON Schema, or a check.
    Config(config::ConfigArgs),
    /// A module's latest changes, its dependants and whether the changes reach them.
    Summary(summary::SummaryArgs),
    /// Copy, export or import the store's history.
    Store(store::StoreArgs),
    /// Check the store: schema (repaired where possible), every snapshot's hash, every record.
    Doctor(doctor::DoctorArgs),
    /// Generate README_API_DIFF.md and the rule pages (docs/rules/) from the code, or check that they are current.
    Docs(docs::DocsArgs),
    /// Run the tracker's REST API and the /admin/api-diff dashboard over the store (JWT key from APIDIFF_JWT_SECRET or APIDIFF_JWT_PUBLIC_KEY; API described in docs/api/openapi.yaml).
    #[cfg(feature = "server")]
    Serve(serve::ServeArgs),
    /// Mint a bearer token (HS256, secret from APIDIFF_JWT_SECRET) for `apidiff serve`.
    #[cfg(feature = "server")]
    Token(token::TokenArgs),
    /// Privacy requests: erase a person from the records.
    Privacy(privacy::PrivacyArgs),
    /// Generate Hurl HTTP test scripts for the OpenAPI operations a change added or changed.
    Tests(hurl::TestsArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the man page (roff).
    Man,
    /// Usage evidence, what clients really call: `usage ingest` reads access logs, HAR files, OTLP traces and GraphQL documents into the store; `usage show --module M` lists what is used and what is not.
    Usage(usage::UsageArgs),
    /// Poll every module's live sources: record what changed, alert, and note sources that are down.
    Watch(watch::WatchArgs),
}

/// The command line's definition (for generated docs, completions and the man page).
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<Exit, Error> {
    let color = context::use_color(cli.color, |k| std::env::var(k).ok(), std::io::stdout().is_terminal());
    let quiet = cli.quiet;
    match cli.command {
        Command::Diff(args) => diff::run(args, color),
        Command::Rules(args) => rules::run_rules(args),
        Command::Explain(args) => rules::run_explain(args),
        Command::Schema => {
            context::out(&crate::report::json_schema());
            Ok(Exit::Clean)
        }
        Command::Check(args) => check::run(args, color, quiet),
        Command::Discover(args) => discover::run(args),
        Command::History(args) => history::run(args),
        Command::Show(args) => show::run(args),
        Command::Export(args) => export::run(args, quiet),
        Command::Annotate(args) => annotate::run(args),
        Command::Approve(args) => approve::run_approve(args),
        Command::Approvals(args) => approve::run_approvals(args),
        Command::Rollback(args) => rollback::run(args, color),
        Command::Config(args) => config::run(args),
        Command::Store(args) => store::run(args, quiet),
        Command::Doctor(args) => doctor::run(args),
        Command::Docs(args) => docs::run(args, command()),
        Command::Summary(args) => summary::run(args),
        #[cfg(feature = "server")]
        Command::Serve(args) => serve::run(args),
        #[cfg(feature = "server")]
        Command::Token(args) => token::run(args),
        Command::Privacy(args) => privacy::run(args),
        Command::Tests(args) => hurl::run(args),
        Command::Completions(args) => completions::run_completions(args, command()),
        Command::Man => completions::run_man(command()),
        Command::Watch(args) => watch::run(args),
        Command::Usage(args) => usage::run(args),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_kind_exits_2() {
        for kind in ErrorKind::ALL {
            let e = match kind {
                ErrorKind::BadInput => Error::Input(crate::Located::file("a.yaml", "bad")),
                ErrorKind::Usage => Error::Usage("u".into()),
                ErrorKind::NotFound => Error::NotFound("n".into()),
                ErrorKind::Conflict => Error::Conflict("c".into()),
                ErrorKind::Unauthorised => Error::Unauthorised("a".into()),
                ErrorKind::Forbidden => Error::Forbidden("f".into()),
                ErrorKind::Unavailable => Error::store("down"),
                ErrorKind::Internal => Error::Internal("boom".into()),
            };
            assert_eq!(e.kind(), kind);
            assert_eq!(exit_code(&e), Exit::Error, "{kind:?}");
        }
        let internal = Error::Internal("comparing a.yaml panicked: boom".into()).to_string();
        assert!(internal.contains("a bug in apidiff") && internal.contains(crate::error::BUG_REPORTS), "{internal}");
    }
}
