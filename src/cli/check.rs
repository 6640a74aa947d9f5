//! `apidiff check`: a thin adapter over [`crate::pipeline`]. It gathers the inputs (root,
//! config, store, git identity, clock), runs the pipeline, sends alerts, prints the report and
//! what was recorded.

use super::ci;
use super::context::{Bar, Common, actor, live_identity, now_ms, plural, proto_category, short, today};
use super::context::{Exit, LiveArgs};
use crate::error::Error;
use crate::notify::{self};
use crate::pipeline::github::{Event, LabelOutcome};
use crate::pipeline::{self, Baseline, Checked, Identity, Request, Scope};
use crate::policy::FailOn;
use crate::report::ReportFormat;
use crate::source::git;
use clap::Args;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Arguments of `apidiff check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    pub common: Common,
    /// Archive the new snapshots and their diffs (also `record: true` in the config).
    #[arg(long)]
    pub record: bool,
    /// Deploy id to tag recorded snapshots with (default: the git HEAD commit).
    #[arg(long, value_name = "ID")]
    pub deploy: Option<String>,
    /// Compare against the repository at this git revision instead of the store (needs no store).
    #[arg(long, value_name = "GIT-REF", conflicts_with = "record")]
    pub base: Option<String>,
    /// Only these modules (repeatable).
    #[arg(long = "module", short = 'm', value_name = "NAME")]
    pub modules: Vec<String>,
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
    /// Lowest severity that makes the exit code 1 (default: the config's `gate.fail_on`, else breaking).
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Re-level a rule: `RULE-ID=breaking|warning|info|off` (repeatable; overrides the config).
    #[arg(long = "severity", value_name = "RULE=LEVEL")]
    pub severity: Vec<String>,
    /// Send no alerts (the config's `alerts` channels are skipped).
    #[arg(long)]
    pub no_alerts: bool,
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
    /// Check the running services instead of the files: every module's `live:` sources, each
    /// compared with its last archived live snapshot, plus drift from the committed spec.
    #[arg(long, conflicts_with = "base")]
    pub live: bool,
    #[command(flatten)]
    pub connection: LiveArgs,
    /// A folder outside the repository that `$ref`s and imports may read (repeatable; adds to
    /// the config's `ref_roots` and to the folders of `APIDIFF_REF_ROOTS`, a path list). Only
    /// this flag and that variable reach outside the repository, never its own files.
    #[arg(long = "ref-root", value_name = "DIR")]
    pub ref_roots: Vec<PathBuf>,
    /// The pull (merge) request this run checks: approvals scoped to it (`apidiff approve
    /// --scope pr --pr N`) apply.
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
    /// Act on the GitHub Actions event that triggered the run (the payload at FILE, default
    /// `$GITHUB_EVENT_PATH`): compare with the pull request's or merge queue's base unless
    /// `--base` says otherwise; a pull request labelled `--approval-label` approves its
    /// breaking changes (the labeller approves), removing the label revokes them; a
    /// `merge_group` honours the approvals of every pull request in the group.
    #[arg(long, value_name = "FILE", num_args = 0..=1, default_missing_value = "", conflicts_with = "live")]
    pub github_event: Option<PathBuf>,
    /// The pull-request label that approves its breaking changes (with `--github-event`).
    #[arg(long, value_name = "NAME", default_value = pipeline::github::DEFAULT_LABEL)]
    pub approval_label: String,
    /// Approve every change that blocks in this run, as NAME (scoped to `--pr` when given,
    /// else to each change's module), then report: the GitLab template's manual
    /// `apidiff:approve` job passes the user who ran it.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["github_event", "record"])]
    pub approve_as: Option<String>,
    /// Why, for `--approve-as` (default: "approved in pull request N", or "approved by NAME").
    #[arg(long, value_name = "TEXT", requires = "approve_as")]
    pub approval_reason: Option<String>,
}

pub(super) fn run(args: CheckArgs, color: bool, quiet: bool) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    let identity = if args.live { live_identity(&ctx.root, args.deploy.clone()) } else { identity(&ctx.root, args.deploy.clone()) };
    crate::deep::run("the check", move || check(args, ctx, identity, color, quiet))
}

/// Git facts for the record: the deploy (HEAD unless `--deploy`), author, message, actor.
fn identity(root: &Path, deploy: Option<String>) -> Identity {
    let from_head = deploy.is_none();
    let head = if from_head { git::head(root) } else { git::Head::default() };
    let actor = actor(root);
    Identity {
        deploy: deploy.or(head.commit.clone()),
        head: head.commit,
        author: head.author.or_else(|| actor.clone()),
        message: head.message,
        actor,
        now: now_ms(),
        via: "run",
        prs: Vec::new(),
        transitions: false,
    }
}

/// The config's `ref_roots` (relative to the root, inside the repository) and the folders of
/// `--ref-root` and `APIDIFF_REF_ROOTS` (relative to the current folder, anywhere).
fn ref_roots(root: &std::path::Path, config: &crate::config::Config, flags: &[PathBuf]) -> Result<Vec<PathBuf>, Error> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| root.to_path_buf());
    let mut roots = config.ref_roots_within(root)?;
    roots.extend(super::context::ref_root_flags(flags).iter().map(|r| cwd.join(r)));
    Ok(roots)
}

/// The event payload `--github-event` names (empty: `$GITHUB_EVENT_PATH`).
fn read_event(flag: &Path) -> Result<Event, Error> {
    let path = if flag.as_os_str().is_empty() {
        match std::env::var_os("GITHUB_EVENT_PATH").filter(|v| !v.is_empty()) {
            Some(p) => PathBuf::from(p),
            None => return Err(Error::Usage("--github-event without a file needs $GITHUB_EVENT_PATH (set inside GitHub Actions)".into())),
        }
    } else {
        flag.to_path_buf()
    };
    let name = path.display().to_string();
    let bytes = std::fs::read(&path).map_err(|e| Error::Usage(format!("--github-event {name}: cannot read: {e}")))?;
    Event::parse(&name, &bytes)
}

/// The pull requests a run checks: `--pr`, and the event's (a merge group's from its branch
/// and the messages of its commits).
fn pull_requests(root: &Path, pr: Option<u64>, event: Option<&Event>) -> Vec<u64> {
    let mut prs: Vec<u64> = pr.into_iter().collect();
    if let Some(ev) = event {
        let messages = ev.group_range().map(|(base, head)| git::messages(root, base, head)).unwrap_or_default();
        prs.extend(ev.pull_requests(&messages));
    }
    prs.sort_unstable();
    prs.dedup();
    prs
}

fn check(mut args: CheckArgs, ctx: super::context::Ctx, identity: Identity, color: bool, quiet: bool) -> Result<Exit, Error> {
    let super::context::Ctx { root, config, archive } = ctx;
    let event = args.github_event.as_deref().map(read_event).transpose()?;
    if args.base.is_none() {
        args.base = event.as_ref().and_then(|e| e.base()).map(str::to_string);
    }
    let identity = Identity { prs: pull_requests(&root, args.pr, event.as_ref()), ..identity };
    let fail_on = args.fail_on.or(config.gate.fail_on).unwrap_or_default();
    let today = today();
    let record = args.record || (config.record && args.base.is_none());
    if args.base.is_none() && !archive.exists()? {
        if !record {
            archive.require()?;
        }
        archive.create()?;
    }
    let req = Request {
        policy: pipeline::policy_for(&root, &config, &args.severity, fail_on, &today)?,
        load: crate::spec::LoadOptions {
            ref_roots: ref_roots(&root, &config, &args.ref_roots)?,
            ..pipeline::load_options(&root, &config)?
        },
        options: crate::diff::Options {
            today,
            proto_category: proto_category(args.proto_category.as_deref(), &config)?,
            witness: args.witness == "on",
        },
        baseline: args.base.clone().map_or(Baseline::Archive, Baseline::Git),
        scope: if args.live {
            Scope::Live(args.modules.clone(), args.connection.remote(&config)?)
        } else {
            Scope::Discover(args.modules.clone())
        },
        root,
        config: &config,
        archive: &archive,
        identity,
    };
    let mut checked = match &event {
        Some(ev) => {
            let done = pipeline::github::check_event(&req, ev, &args.approval_label, &Bar::new(quiet))?;
            say_label(&done.label, &args.approval_label);
            done.checked
        }
        None => {
            let mut checked = pipeline::check_with(&req, &Bar::new(quiet))?;
            if let Some(by) = args.approve_as.as_deref() {
                approve_as(&req, &mut checked, by, args.approval_reason.as_deref(), args.pr)?;
            }
            checked
        }
    };
    if !args.no_alerts {
        super::context::send_alerts(&req, &mut checked)?;
        notify::required_failures(&checked.report.alerts)?;
    }
    ci::add_ai(&mut checked.report);
    let deploy = checked.report.meta.as_ref().and_then(|m| m.deploy.clone());
    let mut opts = super::context::render_options(color, args.all, args.report_url.as_deref(), &config, deploy.as_deref());
    if matches!(event, Some(Event::PullRequest(_))) {
        opts.approval_label = Some(args.approval_label.clone());
    }
    ci::emit(&checked.report, args.format, args.out.as_deref(), &opts)?;
    for n in &checked.notes {
        eprintln!("note: {n}");
    }
    removals(&checked, fail_on);
    if record {
        let recorded = pipeline::record(&req, &checked)?;
        say_recorded(&recorded.written, checked.baseline, &archive.location());
    } else if args.base.is_none() {
        // Compared against the store: a spec that could not be read is audited there too.
        pipeline::audit_failures(&req, &checked, None)?;
    }
    if archive.exists()? {
        let ledger = archive.ledger()?;
        pipeline::approvals::audit_expiries(&archive, &ledger, &req.policy.today, config.gate.approval_max_days)?;
    }
    for e in &checked.report.errors {
        eprintln!("error: {e} (spec {}; every other spec was checked)", e.spec);
    }
    Ok(ci::verdict(&checked.report))
}

/// `--approve-as`: approves what blocks, and says so.
fn approve_as(req: &Request<'_>, checked: &mut Checked, by: &str, reason: Option<&str>, pr: Option<u64>) -> Result<(), Error> {
    let by = by.trim();
    if by.is_empty() || by == "@" {
        return Err(Error::Usage("--approve-as needs a name (the GitLab job passes @$GITLAB_USER_LOGIN)".into()));
    }
    let reason = match (reason, pr) {
        (Some(r), _) => r.to_string(),
        (None, Some(n)) => format!("approved in pull request {n}"),
        (None, None) => format!("approved by {by}"),
    };
    let who = pipeline::approvals::Approver { by: Some(by.to_string()), groups: Vec::new(), owners_only: false, via: "cli" };
    let ids = pipeline::approvals::approve_pending(req, checked, who, &reason, pr, None)?;
    let n = ids.len();
    eprintln!("Approved {n} blocking change{} as {by}{}", plural(n), pr.map(|p| format!(" in pull request {p}")).unwrap_or_default());
    Ok(())
}

/// What the approval label did.
fn say_label(done: &LabelOutcome, label: &str) {
    let by = done.by.as_deref().unwrap_or("(unknown)");
    if !done.approved.is_empty() {
        let n = done.approved.len();
        eprintln!("Approved {n} breaking change{} by {by} (label `{label}`; removing the label revokes)", plural(n));
    }
    if !done.revoked.is_empty() {
        let n = done.revoked.len();
        eprintln!("Revoked {n} approval{} by {by}: the label `{label}` was removed", plural(n));
    }
    for n in &done.notes {
        eprintln!("note: {n}");
    }
}

/// One line per spec deleted from the repository.
fn removals(checked: &Checked, fail_on: FailOn) {
    for r in &checked.removed {
        let Some(ch) = r.changes.first() else { continue };
        let e = &r.entry;
        eprintln!(
            "{}: module `{}`: {} was deleted from the repository (last archived as snapshot {}{}); every client of it breaks. Restore it, or record the removal with `apidiff check --record`",
            if fail_on.blocks(ch.severity) { "error" } else { "note" },
            e.module,
            e.spec,
            short(e.snapshot.as_deref().unwrap_or("")),
            e.deploy.as_deref().map(|d| format!(" at deploy {}", short(d))).unwrap_or_default()
        );
    }
    for v in &checked.vanished {
        let Some(ch) = v.changes.first() else { continue };
        eprintln!(
            "{}: module `{}`: {} existed at {} and was deleted; every client of it breaks",
            if fail_on.blocks(ch.severity) { "error" } else { "note" },
            v.module,
            v.path,
            v.rev
        );
    }
}

/// What `--record` wrote.
fn say_recorded(written: &[crate::store::Entry], baseline: bool, location: &str) {
    let modules: BTreeSet<&str> = written.iter().map(|e| e.module.as_str()).collect();
    if baseline {
        eprintln!(
            "Recorded a baseline: {} spec{} in {} module{} archived in {location}",
            written.len(),
            plural(written.len()),
            modules.len(),
            plural(modules.len()),
        );
    } else if written.is_empty() {
        eprintln!("Nothing to record: every spec matches its archived snapshot");
    } else {
        eprintln!(
            "Recorded {} new snapshot{} in {location} ({})",
            written.len(),
            plural(written.len()),
            modules.into_iter().collect::<Vec<_>>().join(", ")
        );
    }
}
