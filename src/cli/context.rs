//! What every command shares: the repository root, the configuration and the store
//! ([`Common`], [`Ctx`]), who is running, the clock, and small formatting helpers. Commands
//! import from here, never from each other.
//!
//! How every command finds its store: the URL from `--store`, `APIDIFF_STORE`, the config's
//! `store`, `DATABASE_URL` (postgres URLs only) or `.apidiff`; a mirror from `APIDIFF_MIRROR` or
//! the config's `store.mirror`; backend settings from the environment or a `.env` file at the
//! repository root (the environment wins).

use crate::config::{self, Config};
use crate::discover::{self, Discovery};
use crate::error::Error;
use crate::source::git;
use crate::store::{self, Archive, Mirrored, Settings, Store};
use clap::Args;
use std::io::Write;
use std::path::Path;
use std::path::PathBuf;

/// Options every store command shares.
#[derive(Debug, Args, Clone)]
pub struct Common {
    /// Repository root (default: the git top level of the current folder, or the folder itself).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Configuration file (default: `apidiff.yaml` at the root, when it exists).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Store: a folder, `file://`, `postgres://` or `s3://bucket/prefix` URL (default:
    /// `APIDIFF_STORE`, the config's `store`, a postgres `DATABASE_URL`, else `.apidiff`).
    #[arg(long, value_name = "URL")]
    pub store: Option<String>,
}

/// What every store command starts from.
pub(super) struct Ctx {
    pub root: PathBuf,
    pub config: Config,
    pub archive: Archive,
}

impl Common {
    /// The repository root and the configuration.
    pub(super) fn root_and_config(&self) -> Result<(PathBuf, Config), Error> {
        let cwd = std::env::current_dir().map_err(|e| Error::Usage(format!("cannot read the current folder: {e}")))?;
        let root = match &self.root {
            Some(r) => cwd.join(r),
            None => git::toplevel(&cwd).unwrap_or(cwd.clone()),
        };
        if !root.is_dir() {
            return Err(Error::Usage(format!("--root {}: not a folder", root.display())));
        }
        let config_path = match &self.config {
            Some(p) => Some(cwd.join(p)),
            None => config::FILE_NAMES.iter().map(|n| root.join(n)).find(|p| p.is_file()),
        };
        let config = match config_path {
            Some(p) => {
                let name = p.strip_prefix(&root).unwrap_or(&p).display().to_string();
                let text = crate::source::into_text(&name, crate::source::read_limited(&p, &name, crate::source::MAX_FILE_BYTES)?)?;
                config::parse(&name, &text)?
            }
            None => Config::default(),
        };
        Ok((root, config))
    }

    /// The root, the configuration and the opened store.
    pub(super) fn context(&self) -> Result<Ctx, Error> {
        let (root, config) = self.root_and_config()?;
        let archive = open_configured(self.store.as_deref(), &config, &root)?;
        Ok(Ctx { root, config, archive })
    }
}

/// Who is running the command: git's committer identity, else the login name.
pub(super) fn actor(root: &Path) -> Option<String> {
    git::committer(root).or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
}

pub(super) use crate::time::now_ms;

pub(super) use crate::time::today;

/// Runs `f` on a thread with a large stack (specs are graphs; comparison recurses).
pub(super) fn on_big_stack<T: Send + 'static>(f: impl FnOnce() -> Result<T, Error> + Send + 'static) -> Result<T, Error> {
    crate::deep::run("the command", f)
}

/// The buf category of the protobuf rules: `--proto-category` (any case), else the config's
/// `protobuf.category`, else `PACKAGE`.
pub(super) fn proto_category(arg: Option<&str>, config: &Config) -> Result<String, Error> {
    let Some(arg) = arg else { return Ok(config.protobuf.category().to_string()) };
    let category = arg.to_ascii_uppercase();
    if !["FILE", "PACKAGE", "WIRE_JSON", "WIRE"].contains(&category.as_str()) {
        return Err(Error::Usage(format!("--proto-category `{arg}`: expected FILE, PACKAGE, WIRE_JSON or WIRE")));
    }
    Ok(category)
}

/// `""` for one, `"s"` otherwise.
/// How `--format` output is laid out: colour, the text width (the terminal's, else `COLUMNS`,
/// else the renderer's default), `--all`, and where the full report lives (`--report-url`, else
/// the config's `alerts.report_url` with `{commit}` and `{module}` filled in).
pub(super) fn render_options(
    color: bool,
    all: bool,
    report_url: Option<&str>,
    config: &Config,
    deploy: Option<&str>,
) -> crate::report::RenderOptions {
    let terminal = comfy_table::Table::new().width().filter(|w| *w > 0 && std::io::IsTerminal::is_terminal(&std::io::stdout()));
    let columns = std::env::var("COLUMNS").ok().and_then(|v| v.trim().parse::<u16>().ok()).filter(|w| *w > 0);
    let url = report_url
        .map(str::to_string)
        .or_else(|| config.alerts.report_url.as_deref().map(|t| t.replace("{commit}", deploy.unwrap_or("")).replace("{module}", "")));
    crate::report::RenderOptions { color, width: terminal.or(columns), all, report_url: url }
}

pub(super) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// The first 12 characters of an id (one definition, the pipeline's).
pub(super) use crate::pipeline::short;

/// Modules and specs of the discovery, for other commands.
pub(super) fn discovery(ctx: &Ctx) -> Result<Discovery, Error> {
    discover::discover(&ctx.root, &ctx.config)
}

/// Environment variables a store may use.
const KEYS: &[&str] = &[
    "APIDIFF_STORE",
    "APIDIFF_MIRROR",
    "DATABASE_URL",
    "APIDIFF_S3_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// The store settings: the process environment, then `<root>/.env` for what it lacks.
pub(super) fn settings(root: &Path) -> Settings {
    let mut s = Settings::new();
    if let Ok(Some(text)) = crate::source::read_text_if_exists(&root.join(".env"), ".env", crate::source::MAX_SIDE_FILE_BYTES) {
        // dotenvy parses the file's syntax (quotes, `export`, comments); it never touches the
        // process environment here. A line it cannot read ends the reading, as dotenv does.
        for (k, v) in dotenvy::from_read_iter(text.as_bytes()).map_while(Result::ok) {
            if KEYS.contains(&k.as_str()) {
                s.insert(k, v);
            }
        }
    }
    for k in KEYS {
        if let Ok(v) = std::env::var(k)
            && !v.is_empty()
        {
            s.insert((*k).to_string(), v);
        }
    }
    s
}

/// The store URL and mirror URL a command uses.
pub(super) fn urls(flag: Option<&str>, config: &Config, settings: &Settings) -> (String, Option<String>) {
    let url = flag
        .map(str::to_string)
        .or_else(|| settings.get("APIDIFF_STORE").cloned())
        .or_else(|| config.store_url().map(str::to_string))
        .or_else(|| settings.get("DATABASE_URL").filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://")).cloned())
        .unwrap_or_else(|| store::DEFAULT_URL.to_string());
    let mirror = settings.get("APIDIFF_MIRROR").cloned().or_else(|| config.store_mirror().map(str::to_string));
    (url, mirror)
}

/// Opens a store (with its mirror); returns it with what opening it did.
pub(super) fn open(url: &str, mirror: Option<&str>, root: &Path, settings: &Settings) -> Result<Box<dyn Store>, Error> {
    let primary = store::open_with(url, root, settings)?;
    Ok(match mirror {
        Some(m) => Box::new(Mirrored::new(primary, store::open_with(m, root, settings)?)?),
        None => primary,
    })
}

/// Opens the store a command's options and config name, telling stderr what opening it did.
pub(super) fn open_configured(flag: Option<&str>, config: &Config, root: &Path) -> Result<Archive, Error> {
    let settings = settings(root);
    let (url, mirror) = urls(flag, config, &settings);
    // A store folder named by the repository itself (the default `.apidiff`, the config, `.env`)
    // must stay inside it: a committed symlink must not send writes elsewhere. `--store` and
    // `APIDIFF_STORE` in the environment are the user's own choice.
    let chosen = flag.is_some() || std::env::var("APIDIFF_STORE").is_ok_and(|v| !v.is_empty());
    if !chosen {
        confine_store(&url, root)?;
    }
    let store = open(&url, mirror.as_deref(), root, &settings)?;
    for n in store.notices() {
        eprintln!("note: {n}");
    }
    Ok(Archive::new(store))
}

/// Refuses a relative folder store whose real path (symlinks resolved) lies outside `root`.
fn confine_store(url: &str, root: &Path) -> Result<(), Error> {
    let path = match url.split_once("://") {
        None => url,
        Some(("file", rest)) => rest,
        Some(_) => return Ok(()),
    };
    if Path::new(path).is_absolute() {
        return Ok(());
    }
    let full = root.join(path);
    // The store may not exist yet: check the nearest folder that does.
    let Some(existing) = full.ancestors().find(|a| a.exists()) else { return Ok(()) };
    let real = std::fs::canonicalize(existing).map_err(|e| Error::Usage(format!("store `{url}`: {e}")))?;
    let real_root = std::fs::canonicalize(root).map_err(|e| Error::Usage(format!("{}: {e}", root.display())))?;
    if !real.starts_with(&real_root) {
        return Err(Error::Usage(format!(
            "store `{url}` resolves to {}, outside the repository; a store outside it must be chosen with --store or APIDIFF_STORE",
            real.display()
        )));
    }
    Ok(())
}

/// Exit codes: 0 no blocking change, 1 blocking changes found, 2 usage or tool error.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// Nothing reached the gate.
    Clean = 0,
    /// Changes reached the gate.
    Blocking = 1,
    /// The tool could not do its job (bad input, bad usage, I/O).
    Error = 2,
}

/// Writes to stdout; a closed pipe (`apidiff ... | head`) ends the program quietly with 0.
pub(crate) fn out(s: &str) {
    out_bytes(s.as_bytes());
}

/// Writes bytes to stdout, like [`out`].
pub(crate) fn out_bytes(b: &[u8]) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout.write_all(b).and_then(|_| stdout.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write output: {e}");
        std::process::exit(Exit::Error as i32);
    }
}

/// When to use colour (`--color`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// When stdout is a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it on).
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Whether to colour output, by the conventions: `--color always|never` wins; then a non-empty
/// `NO_COLOR` turns colour off (no-color.org); then `CLICOLOR_FORCE` other than `0` turns it on
/// even into a pipe; then `CLICOLOR=0` or `TERM=dumb` turn it off; else only on a terminal.
pub(super) fn use_color(choice: ColorChoice, env: impl Fn(&str) -> Option<String>, tty: bool) -> bool {
    let set = |k: &str| env(k).filter(|v| !v.is_empty());
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto if set("NO_COLOR").is_some() => false,
        ColorChoice::Auto if set("CLICOLOR_FORCE").is_some_and(|v| v != "0") => true,
        ColorChoice::Auto if set("CLICOLOR").is_some_and(|v| v == "0") || set("TERM").is_some_and(|v| v == "dumb") => false,
        ColorChoice::Auto => tty,
    }
}

/// A progress bar on stderr for library work ([`crate::progress::Progress`]); hidden when stderr
/// is not a terminal or with `--quiet`.
pub(super) struct Bar(indicatif::ProgressBar);

impl Bar {
    /// A bar that draws only when stderr is a terminal and `quiet` is off.
    pub(super) fn new(quiet: bool) -> Bar {
        use std::io::IsTerminal;
        if quiet || !std::io::stderr().is_terminal() {
            return Bar(indicatif::ProgressBar::hidden());
        }
        Bar(indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr()))
    }
}

impl crate::progress::Progress for Bar {
    fn start(&self, what: &str, total: u64) {
        let style = if total == 0 {
            indicatif::ProgressStyle::with_template("{spinner} {prefix} {elapsed}")
        } else {
            indicatif::ProgressStyle::with_template("{prefix} [{bar:30}] {pos}/{len} {wide_msg}").map(|s| s.progress_chars("=> "))
        };
        if let Ok(style) = style {
            self.0.set_style(style);
        }
        self.0.set_prefix(what.to_string());
        self.0.set_length(total);
        self.0.set_position(0);
        if total == 0 {
            self.0.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        self.0.tick();
    }

    fn step(&self, item: &str) {
        self.0.set_message(item.to_string());
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

/// How live sources are reached (`diff`, `check --live`, `watch`): `--header`, `--ca-file`,
/// `--timeout`. Header values are secrets and are never printed.
#[derive(Debug, Args, Clone, Default)]
pub struct LiveArgs {
    /// Header sent to live sources, `Name: value` (repeatable). Secrets belong in the environment:
    /// `--header "Authorization: Bearer $TOKEN"`, or `headers_env` in apidiff.yaml.
    #[arg(long = "header", value_name = "NAME: VALUE")]
    pub headers: Vec<String>,
    /// PEM file with extra CA certificates for https:// and grpcs:// live sources.
    #[arg(long, value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Timeout of one request to a live source, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub timeout: u64,
}

impl LiveArgs {
    /// The connection settings, with the headers `headers_env` maps to environment variables
    /// (a variable that is not set is an error naming it, never its value).
    pub(super) fn remote(&self, headers_env: &std::collections::BTreeMap<String, String>) -> Result<crate::source::http::Remote, Error> {
        use crate::source::http::Remote;
        let mut headers = Vec::new();
        for (name, var) in headers_env {
            let value = std::env::var(var).map_err(|_| {
                Error::Usage(format!("headers_env: header `{name}` needs the environment variable {var}, which is not set"))
            })?;
            headers.push((name.clone(), value));
        }
        for h in &self.headers {
            let (name, value) = Remote::parse_header(h).map_err(|m| Error::Usage(format!("--header: {m}")))?;
            headers.retain(|(n, _)| !n.eq_ignore_ascii_case(&name));
            headers.push((name, value));
        }
        Ok(Remote {
            headers,
            ca_file: self.ca_file.clone(),
            timeout: Some(std::time::Duration::from_secs(self.timeout.max(1))),
            ..Remote::default()
        })
    }
}

/// A live check records what runs, not a commit: the deploy id is `--deploy`, else the fetch time.
pub(super) fn live_identity(root: &Path, deploy: Option<String>) -> crate::pipeline::Identity {
    let now = now_ms();
    let fetched = crate::time::format_millis(now);
    crate::pipeline::Identity {
        deploy: Some(deploy.unwrap_or_else(|| format!("live-{fetched}"))),
        head: None,
        author: None,
        message: Some(format!("source: live, fetched {fetched}")),
        actor: actor(root),
        now,
        via: "run",
    }
}

/// Sends the alerts the config's channels ask for and puts their outcome in the report.
pub(super) fn send_alerts(req: &crate::pipeline::Request<'_>, checked: &mut crate::pipeline::Checked) -> Result<(), Error> {
    let id = &checked.identity;
    let ctx = crate::notify::Context {
        root: req.root.clone(),
        secrets: crate::notify::Secrets::for_channels(&req.config.alerts, |n| std::env::var(n).ok()),
        commit: id.deploy.clone(),
        actor: id.actor.clone(),
        time: crate::time::format_millis(id.now),
        unix: id.now.div_euclid(1000),
        owners: checked.owners.owners.clone(),
    };
    let deliveries = crate::notify::alert(req.archive, &req.config.alerts, &checked.report, &ctx)?;
    for d in &deliveries {
        eprintln!("{}", crate::notify::delivery_line(d));
    }
    checked.report.alerts = deliveries;
    Ok(())
}

/// Parses `30s`, `5m`, `1h` (a bare number is seconds).
pub(super) fn interval(flag: &str, text: &str) -> Result<std::time::Duration, Error> {
    let t = text.trim();
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len()));
    let n: u64 = num.parse().map_err(|_| Error::Usage(format!("{flag} {text}: expected a duration like 30s, 5m or 1h")))?;
    let secs = match unit {
        "" | "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        _ => return Err(Error::Usage(format!("{flag} {text}: expected a duration like 30s, 5m or 1h"))),
    };
    Ok(std::time::Duration::from_secs(secs.max(1)))
}

/// The library's watch settings from the CLI's context: connection settings and alert secrets
/// read from the environment here (`serve --watch` uses it too).
pub(super) fn watcher(ctx: &Ctx, modules: &[String], connection: &LiveArgs, alerts: bool) -> Result<crate::pipeline::watch::Watch, Error> {
    Ok(crate::pipeline::watch::Watch {
        root: ctx.root.clone(),
        config: ctx.config.clone(),
        archive: ctx.archive.clone(),
        modules: modules.to_vec(),
        remote: connection.remote(&ctx.config.headers_env)?,
        alerts: alerts.then(|| crate::notify::Secrets::for_channels(&ctx.config.alerts, |n| std::env::var(n).ok())),
        actor: actor(&ctx.root),
    })
}
