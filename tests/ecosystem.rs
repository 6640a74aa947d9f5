//! The ecosystem files run as their hosts would run them: the GitLab CI template's merge
//! request job (its `script:` lines, in a repository with a breaking change, with GitLab's
//! variables) writes the Code Quality report it declares, and the pre-commit hook's `entry`
//! fails a commit that breaks an API.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const BASE: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/users:\n    get:\n      responses:\n        '200': {description: ok}\n  /v1/orders:\n    get:\n      responses:\n        '200': {description: ok}\n";
const REVISION: &str =
    "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /v1/orders:\n    get:\n      responses:\n        '200': {description: ok}\n";

fn yaml(file: &str) -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(file)).unwrap();
    apidiff::source::text::parse(file, &text).unwrap().0
}

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git").current_dir(dir).args(args).output().unwrap();
    assert!(o.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap().trim().to_string()
}

/// A repository with a committed base spec; returns it and the base commit.
fn repo() -> (tempfile::TempDir, String) {
    let d = tempfile::tempdir().unwrap();
    git(d.path(), &["init", "-q", "-b", "main"]);
    git(d.path(), &["config", "user.email", "ci@example.com"]);
    git(d.path(), &["config", "user.name", "CI"]);
    std::fs::write(d.path().join("openapi.yaml"), BASE).unwrap();
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-qm", "base"]);
    let base = git(d.path(), &["rev-parse", "HEAD"]);
    (d, base)
}

fn bash(dir: &Path, script: &str, env: &[(&str, &str)]) -> std::process::Output {
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_apidiff")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    Command::new("bash").args(["-e", "-c", script]).current_dir(dir).env("PATH", path).envs(env.iter().copied()).output().unwrap()
}

#[test]
fn the_gitlab_merge_request_job_writes_its_code_quality_report() {
    let ci = yaml("ci/gitlab.yml");
    let job = &ci["apidiff:check"];
    let report = job["artifacts"]["reports"]["codequality"].as_str().expect("a codequality report");
    let script = script_lines(&job["script"]);
    let fail_on = ci["variables"]["APIDIFF_FAIL_ON"].as_str().unwrap();

    let (repo, base) = repo();
    std::fs::write(repo.path().join("openapi.yaml"), REVISION).unwrap();
    git(repo.path(), &["commit", "-qam", "remove users"]);
    let o = bash(
        repo.path(),
        &script.join("\n"),
        &[("CI_MERGE_REQUEST_DIFF_BASE_SHA", &base), ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main"), ("APIDIFF_FAIL_ON", fail_on)],
    );
    assert_eq!(o.status.code(), Some(1), "a breaking change fails the job: {}", String::from_utf8_lossy(&o.stderr));
    let issues: Value = serde_json::from_str(&std::fs::read_to_string(repo.path().join(report)).unwrap()).unwrap();
    let issues = issues.as_array().expect("Code Quality is a JSON array");
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert!(issues[0]["check_name"].as_str().unwrap().contains("endpoint-removed"), "{issues:?}");
    assert_eq!(issues[0]["location"]["path"], "openapi.yaml");
    for key in ["description", "fingerprint", "severity"] {
        assert!(issues[0].get(key).is_some(), "Code Quality issue lacks {key}");
    }
}

/// A job's `script:` as GitLab runs it: nested lists (from YAML anchors) are flattened.
fn script_lines(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items.iter().flat_map(script_lines).collect(),
        Value::String(s) => vec![s.clone()],
        other => panic!("a script line is a string or a list: {other}"),
    }
}

/// Every `apidiff <subcommand> --flag` of every job's script, checked against the CLI's clap
/// definition: the subcommand exists and takes each long flag.
#[test]
fn every_apidiff_flag_the_gitlab_template_uses_exists() {
    use clap::CommandFactory;
    let cli = apidiff::cli::Cli::command();
    let ci = yaml("ci/gitlab.yml");
    let mut checked = 0;
    for (name, job) in ci.as_object().unwrap() {
        let Some(script) = job.get("script") else { continue };
        for line in script_lines(script) {
            let Some(at) = line.find("apidiff ") else { continue };
            let words: Vec<&str> =
                line[at..].split(|c: char| c.is_whitespace() || c == '+' || c == '"').filter(|w| !w.is_empty()).collect();
            let sub = words[1];
            let cmd = cli.find_subcommand(sub).unwrap_or_else(|| panic!("job {name}: `apidiff {sub}` is no subcommand"));
            for flag in words.iter().filter_map(|w| w.strip_prefix("--")) {
                let flag = flag.split('=').next().unwrap();
                let known = cmd.get_arguments().chain(cli.get_arguments()).any(|a| a.get_long() == Some(flag));
                assert!(known, "job {name}: `apidiff {sub}` has no --{flag}");
                checked += 1;
            }
        }
    }
    assert!(checked >= 12, "only {checked} flags found: did the scripts change shape?");
}

/// The approval path: with the label on the merge request, the manual `apidiff:approve` job
/// approves the breaking set as the user who ran it, scoped to the merge request; the next
/// `apidiff:check` passes and says who approved; another merge request does not.
#[test]
fn the_gitlab_approve_job_approves_the_merge_requests_breaking_set() {
    let ci = yaml("ci/gitlab.yml");
    let approve = &ci["apidiff:approve"];
    let rule = &approve["rules"][0];
    let label = ci["variables"]["APIDIFF_APPROVAL_LABEL"].as_str().unwrap();
    assert!(rule["if"].as_str().unwrap().contains("$CI_MERGE_REQUEST_LABELS =~") && rule["if"].as_str().unwrap().contains(label));
    assert_eq!(rule["when"], "manual", "approving is a person's act");
    let check = script_lines(&ci["apidiff:check"]["script"]).join("\n");
    let approve = script_lines(&approve["script"]).join("\n");

    let (repo, base) = repo();
    std::fs::write(repo.path().join("openapi.yaml"), REVISION).unwrap();
    git(repo.path(), &["commit", "-qam", "remove users"]);
    let store = tempfile::tempdir().unwrap();
    let store = store.path().join("store");
    let store_s = store.display().to_string();
    let env = |iid: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("CI_MERGE_REQUEST_DIFF_BASE_SHA", base.clone()),
            ("CI_MERGE_REQUEST_TARGET_BRANCH_NAME", "main".into()),
            ("CI_MERGE_REQUEST_IID", iid.into()),
            ("CI_MERGE_REQUEST_LABELS", format!("backend,{label}")),
            ("GITLAB_USER_LOGIN", "mia".into()),
            ("APIDIFF_FAIL_ON", "breaking".into()),
            ("APIDIFF_APPROVAL_LABEL", label.into()),
            ("APIDIFF_STORE", store_s.clone()),
        ]
    };
    let run = |script: &str, iid: &'static str| {
        let e = env(iid);
        let e: Vec<(&str, &str)> = e.iter().map(|(k, v)| (*k, v.as_str())).collect();
        bash(repo.path(), script, &e)
    };
    let o = run(&check, "12");
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    let o = run(&approve, "12");
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("Approved 1 blocking change as @mia in pull request 12"), "{stderr}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("approved by @mia"), "{}", String::from_utf8_lossy(&o.stdout));
    let o = run(&check, "12");
    assert_eq!(o.status.code(), Some(0), "the approved break passes: {}", String::from_utf8_lossy(&o.stderr));
    let o = run(&check, "13");
    assert_eq!(o.status.code(), Some(1), "another merge request is not approved");
}

#[test]
fn the_pre_commit_hook_fails_a_breaking_change() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hook = &hooks.as_array().unwrap()[0];
    assert_eq!(hook["id"], "apidiff");
    assert_eq!(hook["language"], "rust", "pre-commit builds the binary from this repository");
    let entry = hook["entry"].as_str().unwrap();
    assert_eq!(entry, "apidiff check --base HEAD");

    let (repo, _) = repo();
    let o = bash(repo.path(), entry, &[]);
    assert_eq!(o.status.code(), Some(0), "nothing changed: {}", String::from_utf8_lossy(&o.stderr));
    std::fs::write(repo.path().join("openapi.yaml"), REVISION).unwrap();
    git(repo.path(), &["add", "-A"]);
    let o = bash(repo.path(), entry, &[]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    assert!(String::from_utf8_lossy(&o.stdout).contains("endpoint-removed"));
}
