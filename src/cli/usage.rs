//! `apidiff usage ingest FILE… [-]` and `apidiff usage show --module M`. Ingest: read usage evidence (access logs, HAR files, OTLP traces,
//! GraphQL operation documents) into the store as daily counts, and print what was read,
//! matched and left unmatched (undocumented endpoints).

use super::context::{Common, Exit, now_ms, out};
use crate::error::Error;
use crate::pipeline::ingest::{Evidence, IngestRequest, Ingested, ingest};
use crate::pipeline::usage::{ShowRequest, Shown, show_module};
use crate::usage::evidence::Format;
use clap::{Args, Subcommand, ValueEnum};
use std::fmt::Write as _;
use std::path::PathBuf;

/// Arguments of `apidiff usage`.
#[derive(Debug, Args)]
pub struct UsageArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: UsageCommand,
}

/// Usage subcommands.
#[derive(Debug, Subcommand)]
pub enum UsageCommand {
    /// Read usage evidence into the store: nginx/Apache combined and JSON access logs, Envoy JSON access logs, AWS ALB logs, HAR files, OTLP JSON traces, GraphQL operation documents with counts (`-` reads stdin). Streaming and idempotent: a file read before is not counted twice, and a log that grew is read on from where the last ingest stopped. Requests are matched to the modules' operations (by host, base path and path template; `--module` forces one); only counts per day, element and client are stored (a client is the `usage.client_header` value, the user agent's product, or a salted hash of the address), never addresses, tokens, query values or bodies.
    Ingest(IngestArgs),
    /// List what of a module is used in the usage window (requests, clients, last request) and
    /// what is not: the operations nobody called while the module has evidence (safe to remove).
    Show(ShowArgs),
}

/// Evidence formats, as `--format` names them.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum FormatArg {
    /// nginx/Apache combined (or common) log format.
    Combined,
    /// JSON access logs, one object per line (nginx `escape=json`, Envoy).
    JsonLog,
    /// AWS Application Load Balancer logs.
    Alb,
    /// HAR 1.2 (HTTP Archive).
    Har,
    /// OpenTelemetry OTLP JSON traces.
    Otlp,
    /// GraphQL operation documents with counts.
    Graphql,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Combined => Format::Combined,
            FormatArg::JsonLog => Format::JsonLog,
            FormatArg::Alb => Format::Alb,
            FormatArg::Har => Format::Har,
            FormatArg::Otlp => Format::Otlp,
            FormatArg::Graphql => Format::GraphQl,
        }
    }
}

/// Arguments of `apidiff usage ingest`.
#[derive(Debug, Args)]
pub struct IngestArgs {
    #[command(flatten)]
    pub common: Common,
    /// Evidence files (`-` for stdin).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<String>,
    /// All evidence belongs to this module (otherwise: by host, then base path, then path template).
    #[arg(long, value_name = "MODULE")]
    pub module: Option<String>,
    /// The evidence format (default: detected from the first line).
    #[arg(long, value_enum)]
    pub format: Option<FormatArg>,
    /// Print the result as JSON.
    #[arg(long)]
    pub json: bool,
}

pub(super) fn run(args: UsageArgs) -> Result<Exit, Error> {
    let args = match args.command {
        UsageCommand::Ingest(a) => a,
        UsageCommand::Show(a) => return run_show(a),
    };
    let ctx = args.common.context()?;
    ctx.archive.create()?;
    let salt = ctx.archive.salt(&super::privacy::seed())?;
    let load = crate::pipeline::load_options(&ctx.root, &ctx.config)?;
    let cwd = std::env::current_dir().map_err(|e| Error::Usage(format!("cannot read the current folder: {e}")))?;
    let inputs = args
        .files
        .iter()
        .map(|f| {
            if f == "-" {
                Evidence::Stream("<stdin>".into(), Box::new(std::io::stdin().lock()))
            } else {
                Evidence::File(cwd.join(PathBuf::from(f)))
            }
        })
        .collect();
    let now = crate::time::format_millis(now_ms());
    let client_header = ctx.config.usage.as_ref().and_then(|u| u.client_header.clone());
    let req = IngestRequest {
        root: &ctx.root,
        config: &ctx.config,
        load: &load,
        archive: &ctx.archive,
        inputs,
        module: args.module,
        format: args.format.map(Format::from),
        client_header,
        now,
        salt,
    };
    let done = ingest(req)?;
    if args.json {
        out(&format!("{}\n", serde_json::to_string_pretty(&done).map_err(|e| Error::Internal(e.to_string()))?));
    } else {
        out(&text(&done));
    }
    Ok(Exit::Clean)
}

fn text(done: &Ingested) -> String {
    let mut s = String::new();
    for f in &done.files {
        let what = match (&f.batch, f.written) {
            (_, true) => format!("wrote batch {}", &f.batch.as_deref().unwrap_or("")[..12.min(f.batch.as_deref().map_or(0, str::len))]),
            (Some(_), false) | (None, false) => "nothing new (read before)".to_string(),
        };
        let _ = writeln!(
            s,
            "{} ({}): {} records from byte {}, {} matched, {} unmatched, {} bad; {what}",
            f.file,
            f.format.as_str(),
            f.records,
            f.from_byte,
            f.matched,
            f.unmatched,
            f.bad
        );
        for b in &f.bad_examples {
            let _ = writeln!(s, "  bad: {b}");
        }
        if !f.undocumented.is_empty() {
            let _ = writeln!(s, "  undocumented endpoints (drift):");
            for u in &f.undocumented {
                let module = if u.module.is_empty() { "no module".to_string() } else { u.module.clone() };
                let _ = writeln!(s, "    {} {} ({module}): {} requests", u.method, u.path, u.requests);
            }
        }
    }
    for n in &done.notes {
        let _ = writeln!(s, "note: {n}");
    }
    s
}

/// Arguments of `apidiff usage show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    #[command(flatten)]
    pub common: Common,
    /// The module.
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub module: String,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// Runs `apidiff usage show`.
fn run_show(args: ShowArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    let today = super::context::today();
    let shown = show_module(&ShowRequest {
        root: &ctx.root,
        config: &ctx.config,
        store: ctx.archive.store(),
        module: &args.module,
        today: &today,
        archive: None,
        entries: None,
        cache: None,
    })?;
    if args.json {
        super::context::out(&format!("{}\n", serde_json::to_string_pretty(&shown).unwrap_or_default()));
    } else {
        super::context::out(&show_text(&shown));
    }
    Ok(Exit::Clean)
}

fn show_text(s: &Shown) -> String {
    use crate::usage::human;
    if !s.known {
        return format!(
            "Module {}: no usage evidence in the last {} (nothing can be called unused; `apidiff usage ingest` adds evidence)\n",
            s.module, s.window
        );
    }
    let mut out = format!("Module {}: {} requests in the last {}\n", s.module, human(s.requests), s.window);
    let clients: Vec<String> = s.clients.iter().map(|c| format!("{} ({})", c.client, human(c.requests))).collect();
    out.push_str(&format!("Clients: {}\n\nUsed:\n", clients.join(", ")));
    for o in &s.used {
        let last = o.last_seen.as_deref().map(|l| format!(", last {l}")).unwrap_or_default();
        out.push_str(&format!("  {}  {} requests, {} clients{last}\n", o.operation, human(o.requests), o.clients));
    }
    out.push_str(&format!("\nNot used in the last {} (safe to remove as far as the evidence goes):\n", s.window));
    if s.unused.is_empty() {
        out.push_str("  (none)\n");
    }
    for u in &s.unused {
        out.push_str(&format!("  {u}\n"));
    }
    if !s.conformance.is_empty() {
        out.push_str(&format!("\nResponses that differ from the description ({}):\n", s.conformance.len()));
        for f in &s.conformance {
            out.push_str(&format!("  drift: {}\n", f.message));
        }
    }
    out
}
