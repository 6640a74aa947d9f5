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
    let script: Vec<&str> = job["script"].as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
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
