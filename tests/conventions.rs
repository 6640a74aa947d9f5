//! CLI conventions: shell completions and the man page (generated from the clap definitions),
//! colour by `--color` / `NO_COLOR` / `CLICOLOR_FORCE`, and progress bars that show only on a
//! terminal (run under `script`, which gives the command a pseudo-terminal) and never with `--quiet`.

use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_apidiff");
const V1: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        '200': {description: ok}\n  /b:\n    get:\n      responses:\n        '200': {description: ok}\n";
const V2: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /b:\n    get:\n      responses:\n        '200': {description: ok}\n";

fn apidiff(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut c = Command::new(BIN);
    c.current_dir(dir).args(args);
    for k in ["NO_COLOR", "CLICOLOR_FORCE", "CLICOLOR", "TERM"] {
        c.env_remove(k);
    }
    c.envs(env.iter().copied());
    c.output().unwrap()
}

#[test]
fn completions_for_every_shell() {
    let d = tempfile::tempdir().unwrap();
    for (shell, marker) in [
        ("bash", "_apidiff()"),
        ("zsh", "#compdef apidiff"),
        ("fish", "complete -c apidiff"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[apidiff]"),
    ] {
        let o = apidiff(d.path(), &["completions", shell], &[]);
        assert!(o.status.success(), "{shell}: {}", String::from_utf8_lossy(&o.stderr));
        let text = String::from_utf8(o.stdout).unwrap();
        assert!(text.contains(marker), "{shell} completion lacks {marker:?}");
        for sub in ["check", "diff", "completions", "man"] {
            assert!(text.contains(sub), "{shell} completion lacks the subcommand {sub}");
        }
    }
    // The bash script is valid bash, and completing `apidiff ch` offers `check`.
    let o = apidiff(d.path(), &["completions", "bash"], &[]);
    let script = d.path().join("apidiff.bash");
    std::fs::write(&script, &o.stdout).unwrap();
    let probe = format!(
        "source {}; COMP_WORDS=(apidiff ch); COMP_CWORD=1; COMP_LINE='apidiff ch'; COMP_POINT=10; _apidiff apidiff ch apidiff; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let o = Command::new("bash").arg("-c").arg(&probe).output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let offered = String::from_utf8(o.stdout).unwrap();
    assert!(offered.lines().any(|l| l == "check"), "bash offers: {offered}");
    let o = apidiff(d.path(), &["completions", "tcsh"], &[]);
    assert_eq!(o.status.code(), Some(2), "an unknown shell is a usage error");
}

#[test]
fn the_man_page_lists_every_subcommand() {
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["man"], &[]);
    assert!(o.status.success());
    let page = String::from_utf8(o.stdout).unwrap();
    assert!(page.starts_with(".ie \\n(.g .ds Aq") || page.contains(".TH apidiff 1"), "{}", &page[..200.min(page.len())]);
    assert!(page.contains(".TH apidiff 1"));
    assert!(page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"));
    for sub in apidiff::cli::command().get_subcommands() {
        assert!(page.contains(&format!("apidiff\\-{}", sub.get_name().replace('-', "\\-"))), "the man page lacks {}", sub.get_name());
    }
}

/// `apidiff diff` of a breaking pair as text into a pipe, with the given colour flag and env.
fn diff_colored(flag: Option<&str>, env: &[(&str, &str)]) -> bool {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("v1.yaml"), V1).unwrap();
    std::fs::write(d.path().join("v2.yaml"), V2).unwrap();
    let mut args = vec!["diff", "v1.yaml", "v2.yaml"];
    if let Some(f) = flag {
        args.extend(["--color", f]);
    }
    let o = apidiff(d.path(), &args, env);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let out = String::from_utf8(o.stdout).unwrap();
    assert!(out.contains("endpoint-removed"), "{out}");
    out.contains('\u{1b}')
}

#[test]
fn colour_follows_the_flag_no_color_and_clicolor_force() {
    assert!(!diff_colored(None, &[]), "a pipe gets no colour by default");
    assert!(diff_colored(None, &[("CLICOLOR_FORCE", "1")]), "CLICOLOR_FORCE colours even a pipe");
    assert!(!diff_colored(None, &[("CLICOLOR_FORCE", "0")]), "CLICOLOR_FORCE=0 forces nothing");
    assert!(!diff_colored(None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]), "NO_COLOR beats CLICOLOR_FORCE");
    assert!(diff_colored(None, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]), "an empty NO_COLOR is unset");
    assert!(diff_colored(Some("always"), &[("NO_COLOR", "1")]), "--color always beats NO_COLOR");
    assert!(!diff_colored(Some("never"), &[("CLICOLOR_FORCE", "1")]), "--color never beats CLICOLOR_FORCE");
    assert!(!diff_colored(Some("auto"), &[]));
}

/// A folder with `n` OpenAPI specs (one module each) and a recorded baseline.
fn many_specs(n: usize) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for i in 0..n {
        let dir = d.path().join(format!("svc{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("openapi.yaml"), V1).unwrap();
    }
    let o = apidiff(d.path(), &["check", "--record", "--root", "."], &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    d
}

/// Runs apidiff under `script`, so stdout and stderr are a terminal; returns what it drew.
fn on_a_terminal(dir: &Path, args: &str) -> String {
    let cmd = format!("stty cols 120 rows 40 2>/dev/null; {BIN} {args}");
    let o = Command::new("script")
        .current_dir(dir)
        .args(["-qec", &cmd, "/dev/null"])
        .env_remove("NO_COLOR")
        .env("TERM", "xterm")
        .output()
        .expect("script (util-linux) runs the command on a pseudo-terminal");
    String::from_utf8_lossy(&o.stdout).to_string()
}

#[test]
fn check_draws_progress_only_on_a_terminal_and_never_with_quiet() {
    let d = many_specs(12);
    let drawn = on_a_terminal(d.path(), "check --root .");
    assert!(drawn.contains("checking specs") && drawn.contains("/12"), "no progress bar on a terminal:\n{drawn}");
    let quiet = on_a_terminal(d.path(), "check --root . --quiet");
    assert!(!quiet.contains("checking specs"), "--quiet drew a bar:\n{quiet}");
    let piped = apidiff(d.path(), &["check", "--root", "."], &[]);
    assert!(piped.status.success());
    let stderr = String::from_utf8(piped.stderr).unwrap();
    assert!(!stderr.contains("checking specs") && !stderr.contains('\u{1b}'), "a bar into a pipe:\n{stderr}");
}

#[test]
fn store_copy_and_export_draw_progress_only_on_a_terminal() {
    let d = many_specs(3);
    let drawn = on_a_terminal(d.path(), "store copy --root . --to copy1");
    assert!(drawn.contains("copying"), "no copy progress on a terminal:\n{drawn}");
    assert!(drawn.contains("counts and sha256 hashes match"), "{drawn}");
    let quiet = on_a_terminal(d.path(), "-q store copy --root . --to copy2");
    assert!(!quiet.contains("copying ["), "--quiet drew a bar:\n{quiet}");
    let piped = apidiff(d.path(), &["store", "copy", "--root", ".", "--to", "copy3"], &[]);
    assert!(piped.status.success(), "{}", String::from_utf8_lossy(&piped.stderr));
    assert!(!String::from_utf8(piped.stderr).unwrap().contains("copying"));

    let drawn = on_a_terminal(d.path(), "export --root . --format markdown --out h.md");
    assert!(drawn.contains("exporting 3 entries"), "no export progress on a terminal:\n{drawn}");
    let piped = apidiff(d.path(), &["export", "--root", ".", "--format", "markdown", "--out", "h2.md"], &[]);
    assert!(piped.status.success());
    assert!(!String::from_utf8(piped.stderr).unwrap().contains("exporting 3"));
}
