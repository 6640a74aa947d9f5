//! What the CLI writes: exit codes, stdout that ends quietly on a closed pipe, colour, the
//! report layout, and progress bars on stderr.

use crate::config::Config;
use std::io::Write;

/// How `--format` output is laid out: colour, the text width (the terminal's, else `COLUMNS`,
/// else the renderer's default), `--all`, and where the full report lives (`--report-url`, else
/// the config's `alerts.report_url` with `{commit}` and `{module}` filled in).
pub(crate) fn render_options(
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
    crate::report::RenderOptions { color, width: terminal.or(columns), all, report_url: url, approval_label: None }
}

/// `""` for one, `"s"` otherwise.
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
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
pub(crate) fn use_color(choice: ColorChoice, env: impl Fn(&str) -> Option<String>, tty: bool) -> bool {
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
pub(crate) struct Bar(indicatif::ProgressBar);

impl Bar {
    /// A bar that draws only when stderr is a terminal and `quiet` is off.
    pub(crate) fn new(quiet: bool) -> Bar {
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
