//! `apidiff diff OLD NEW`.

use super::context::today;
use super::context::{Exit, LiveArgs};
use crate::config::{self, Config};
use crate::diff::Options;
use crate::error::Error;
use crate::pipeline;
use crate::policy::{self, FailOn};
use crate::report::ReportFormat;
use crate::source::{Input, live};
use crate::spec::{LoadOptions, SideIncludes};
use clap::Args;
use std::path::{Path, PathBuf};

/// Arguments of `apidiff diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The old version: a path, `-` for stdin, `<git-ref>:<path>`, or a live source
    /// (`http(s)://`, `graphql+http(s)://`, `grpc(s)://host:port`). A folder (or `<git-ref>:<folder>`)
    /// is a protobuf package or tree: all its `.proto` files, compiled together.
    pub old: String,
    /// The new version, in the same forms as OLD.
    pub new: String,
    #[command(flatten)]
    pub live: LiveArgs,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = ReportFormat::Text)]
    pub format: ReportFormat,
    /// Write the output to FILE instead of stdout (with `--format github`: the JSON report).
    #[arg(long, short = 'o', value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// List every group in text output, informational ones included (default: at most 40 rows
    /// per severity, info counted).
    #[arg(long)]
    pub all: bool,
    /// Where the full report is published (a URL or CI artifact path), named when the Markdown
    /// output is trimmed to fit (default: the config's `alerts.report_url`).
    #[arg(long, value_name = "URL")]
    pub report_url: Option<String>,
    /// Lowest severity that makes the exit code 1 (default: `gate.fail_on` of the `apidiff.yaml`
    /// in the current folder or the git top level, else breaking).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Re-level a rule: `RULE-ID=breaking|warning|info|off` (repeatable; overrides `apidiff.yaml`'s `severity:`).
    #[arg(long = "severity", value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// Ignore file (default: `apidiff.yaml`'s `ignore_file`, else `.apidiff-ignore.yaml` when it exists).
    #[arg(long)]
    pub ignore_file: Option<PathBuf>,
    /// Follow `$ref`s to http(s) URLs.
    #[arg(long)]
    pub allow_remote_refs: bool,
    /// Attach a witness to every breaking change (`on`, the default) or skip building them
    /// (`off`): the request, response or value that worked with the old version and fails with
    /// the new one, checked against both.
    #[arg(long, value_name = "on|off", default_value = "on", value_parser = ["on", "off"])]
    pub witness: String,
    /// buf category of the protobuf rules: FILE, PACKAGE, WIRE_JSON or WIRE (default: the
    /// config's `protobuf.category`, else PACKAGE). The HTTP rules (`google.api.http`) apply
    /// whatever the category.
    #[arg(long, value_name = "CATEGORY")]
    pub proto_category: Option<String>,
    /// Extra protobuf import root for both sides (repeatable).
    #[arg(long = "proto-include", short = 'I')]
    pub proto_include: Vec<PathBuf>,
    /// Protobuf import root for OLD only, searched before `-I` (repeatable).
    #[arg(long = "base-include", value_name = "DIR")]
    pub base_include: Vec<PathBuf>,
    /// Protobuf import root for NEW only, searched before `-I` (repeatable).
    #[arg(long = "revision-include", value_name = "DIR")]
    pub revision_include: Vec<PathBuf>,
    /// A folder outside the repository that `$ref`s and imports may read (repeatable; adds to
    /// the folders of `APIDIFF_REF_ROOTS`, a path list). By default they resolve only inside the
    /// git top level of each file (else its folder).
    #[arg(long = "ref-root", value_name = "DIR")]
    pub ref_roots: Vec<PathBuf>,
    /// Weigh the changes by the usage evidence of this store (a folder, `postgres://` or
    /// `s3://` URL; `config` for the store `apidiff.yaml` names): each change carries the
    /// requests and clients of what it touches, and the config's `usage:` policy re-levels it.
    #[arg(long, value_name = "STORE")]
    pub usage_from: Option<String>,
    /// The module whose usage applies (with `--usage-from`; default: the only module with evidence).
    #[arg(long, value_name = "MODULE", requires = "usage_from")]
    pub module: Option<String>,
}

pub(super) fn run(args: DiffArgs, color: bool) -> Result<Exit, Error> {
    let cwd = std::env::current_dir().map_err(|e| Error::Usage(format!("cannot read the current folder: {e}")))?;
    if args.old == "-" && args.new == "-" {
        return Err(Error::Usage("only one of OLD and NEW can be `-` (stdin)".into()));
    }
    let today = today();
    // `--ref-root` and `-I` folders were named by the user, so `$ref`s and imports may come from
    // them (the configuration never widens this).
    let roots: Vec<PathBuf> = super::context::ref_root_flags(&args.ref_roots)
        .iter()
        .chain(&args.proto_include)
        .chain(&args.base_include)
        .chain(&args.revision_include)
        .map(|r| cwd.join(r))
        .collect();
    // The repository's decisions apply to `diff` as to `check`: the `apidiff.yaml` of the
    // current folder, else of the git top level. Its folder is where its paths resolve. Finding
    // it may ask git; meanwhile files (which need nothing from it) are read.
    let (found, early) = std::thread::scope(|s| {
        let found = s.spawn(|| repo_config(&cwd));
        let early = (!live::is_live(&args.old) && !live::is_live(&args.new))
            .then(|| open_both(&args, &cwd, &crate::source::http::Remote::default(), &roots));
        (found.join().unwrap_or_else(|_| Err(Error::Internal("finding apidiff.yaml: the worker failed".into()))), early)
    });
    let (root, config) = found?;
    let category = super::context::proto_category(args.proto_category.as_deref(), &config)?;
    let fail_on = args.fail_on.or(config.gate.fail_on).unwrap_or_default();
    let mut policy = pipeline::policy_for(&root, &config, &args.severity, fail_on, &today)?;
    if let Some(p) = &args.ignore_file {
        let name = p.display().to_string();
        let bytes = crate::source::read_limited(&cwd.join(p), &name, crate::source::MAX_FILE_BYTES)?;
        let text = crate::source::into_text(&name, bytes)?;
        policy.ignores = policy::parse_ignore_file(&name, &text)?;
    }
    // `-I` folders first, then the repository's roots (apidiff.yaml, buf.yaml), then parent folders.
    let mut includes = args.proto_include.clone();
    includes.extend(pipeline::load_options(&root, &config)?.proto_includes.into_iter().map(|r| root.join(r)));
    let side_proto_includes = SideIncludes { base: args.base_include.clone(), revision: args.revision_include.clone() };
    let load = LoadOptions {
        allow_remote_refs: args.allow_remote_refs,
        proto_includes: includes,
        ref_roots: roots.clone(),
        side_proto_includes,
        ..LoadOptions::default()
    };
    let remote = args.live.remote(&config)?;
    let usage = usage_evidence(&args, &config, &root, policy.usage.clone().unwrap_or_default(), &today)?;
    let (base, revision) = match early {
        Some(read) => read,
        None => open_both(&args, &cwd, &remote, &roots),
    };
    let req = pipeline::DiffRequest {
        base: base?,
        revision: revision?,
        load,
        options: Options { today, proto_category: category, witness: args.witness == "on" },
        policy,
        now: super::context::now_ms(),
        exiting: true,
        usage,
    };
    let mut report = pipeline::diff(req)?.report;
    super::ci::add_ai(&mut report);
    let opts = super::context::render_options(color, args.all, args.report_url.as_deref(), &config, None);
    super::ci::emit(&report, args.format, args.out.as_deref(), &opts)?;
    Ok(super::ci::verdict(&report))
}

/// The evidence of `--usage-from` and the module it is read for.
fn usage_evidence(
    args: &DiffArgs,
    config: &Config,
    root: &Path,
    policy: crate::usage::UsagePolicy,
    today: &str,
) -> Result<Option<(pipeline::usage::Evidence, String)>, Error> {
    let Some(from) = args.usage_from.as_deref() else { return Ok(None) };
    let flag = (from != "config").then_some(from);
    let archive = super::context::open_configured(flag, config, root)?;
    let Some(evidence) = pipeline::usage::Evidence::read(archive.store(), policy, today)? else {
        return Err(Error::Usage(format!("--usage-from: the store {} holds no usage evidence (apidiff usage ingest)", archive.location())));
    };
    let module = match &args.module {
        Some(m) => m.clone(),
        None => match evidence.index.modules().as_slice() {
            [one] => one.clone(),
            many => {
                return Err(Error::Usage(format!(
                    "--usage-from: the store has evidence for {} modules; name one with --module",
                    many.len()
                )));
            }
        },
    };
    Ok(Some((evidence, module)))
}

/// The folder whose `apidiff.yaml` applies (the current folder, else the git top level) and that
/// configuration; the current folder and an empty configuration when neither has one.
fn repo_config(cwd: &Path) -> Result<(PathBuf, Config), Error> {
    // The git top level is asked for only when the current folder has no configuration.
    let top = std::iter::once(()).filter_map(|()| crate::source::git::toplevel(cwd));
    for dir in std::iter::once(cwd.to_path_buf()).chain(top) {
        if let Some(p) = config::FILE_NAMES.iter().map(|n| dir.join(n)).find(|p| p.is_file()) {
            let name = p.strip_prefix(cwd).unwrap_or(&p).display().to_string();
            let text = crate::source::into_text(&name, crate::source::read_limited(&p, &name, crate::source::MAX_FILE_BYTES)?)?;
            return Ok((dir, config::parse(&name, &text)?));
        }
    }
    Ok((cwd.to_path_buf(), Config::default()))
}

/// Both versions at once (two 13 MB texts read and checked on two cores); the base's error first.
fn open_both(
    args: &DiffArgs,
    cwd: &Path,
    remote: &crate::source::http::Remote,
    roots: &[PathBuf],
) -> (Result<Input, Error>, Result<Input, Error>) {
    std::thread::scope(|s| {
        let other = s.spawn(|| open(&args.new, cwd, remote, roots));
        let base = open(&args.old, cwd, remote, roots);
        (base, other.join().unwrap_or_else(|_| Err(Error::Internal("reading the new version: the worker failed".into()))))
    })
}

fn open(locator: &str, cwd: &Path, remote: &crate::source::http::Remote, roots: &[PathBuf]) -> Result<Input, Error> {
    if locator == "-" {
        let buf = crate::source::read_capped(std::io::stdin().lock(), "<stdin>", crate::source::MAX_FILE_BYTES)?;
        return Input::from_text_within("<stdin>", buf, cwd, roots);
    }
    Input::open_with(locator, cwd, remote, roots)
}
