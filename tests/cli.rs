//! The binary as users run it: exit codes, output formats, and one located error for every
//! kind of bad input (never a panic, never a hang).

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn apidiff(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff")).current_dir(dir).args(args).env("NO_COLOR", "1").output().unwrap()
}

fn write(dir: &Path, name: &str, text: &str) {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const BASE: &str = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get:\n      parameters:\n        - {name: limit, in: query, schema: {type: integer}}\n      responses:\n        '200': {description: ok}\n";

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Asserts a bad-input run: exit 2, exactly one `error:` line naming the file (and line when given).
fn assert_located(o: &Output, file: &str, line: Option<u32>) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 1, "one line expected: {err}");
    let want = match line {
        Some(l) => format!("error: {file}:{l}:"),
        None => format!("error: {file}"),
    };
    assert!(lines[0].starts_with(&want), "expected `{want}...`, got `{}`", lines[0]);
}

#[test]
fn identical_specs_exit_zero() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    let o = apidiff(d.path(), &["diff", "a.yaml", "a.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("No changes."));
}

#[test]
fn breaking_change_exits_one_and_json_has_the_contract_fields() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.yaml", &BASE.replace("{name: limit, in: query,", "{name: limit, in: query, required: true,"));
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema_version"], "1.3.0");
    let c = &v["changes"][0];
    assert_eq!(c["id"], "request-parameter-became-required");
    assert_eq!(c["severity"], "breaking");
    assert_eq!(c["operation"], "GET /pets");
    assert_eq!(c["base"]["pointer"], "/paths/~1pets/get/parameters/0");
    assert_eq!(c["revision"]["file"], "b.yaml");
    assert_eq!(c["revision"]["line"], 7);
    assert_eq!(c["fingerprint"].as_str().unwrap().len(), 16);
    assert_eq!(v["gate"]["passed"], false);
}

#[test]
fn fail_on_and_severity_overrides_move_the_gate() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.yaml", &BASE.replace("{name: limit, in: query,", "{name: limit, in: query, required: true,"));
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml", "--fail-on", "never"]);
    assert_eq!(o.status.code(), Some(0));
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml", "--severity", "request-parameter-became-required=info"]);
    assert_eq!(o.status.code(), Some(0));
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml", "--severity", "request-parameter-became-required=info", "--fail-on", "info"]);
    assert_eq!(o.status.code(), Some(1));
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml", "--severity", "no-such-rule=info"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("unknown rule id `no-such-rule`"));
}

#[test]
fn ignore_file_silences_reports_unused_and_expired_entries() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.yaml", &BASE.replace("{name: limit, in: query,", "{name: limit, in: query, required: true,"));
    write(
        d.path(),
        ".apidiff-ignore.yaml",
        "ignores:\n  - rule: request-parameter-became-required\n    operation: GET /pets\n    reason: coordinated with all clients\n  - rule: endpoint-removed\n    operation: GET /nothing\n    reason: stale\n  - rule: endpoint-added\n    operation: GET /x\n    reason: old\n    expires: 2001-01-01\n",
    );
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["ignored"], 1);
    assert_eq!(v["ignored"][0]["ignore_reason"], "coordinated with all clients");
    let problems: Vec<&str> = v["ignore_problems"].as_array().unwrap().iter().map(|p| p["problem"].as_str().unwrap()).collect();
    assert_eq!(problems, ["unused", "expired"]);
}

#[test]
fn ignore_entry_without_reason_is_a_located_error() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "ig.yaml", "ignores:\n  - rule: endpoint-removed\n    operation: GET /a\n");
    let o = apidiff(d.path(), &["diff", "a.yaml", "a.yaml", "--ignore-file", "ig.yaml"]);
    assert_located(&o, "ig.yaml", Some(2));
    assert!(stderr(&o).contains("reason"));
}

#[test]
fn broken_yaml_names_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.yaml", "openapi: 3.0.3\ninfo: {title: t\npaths: {}\n");
    assert_located(&apidiff(d.path(), &["diff", "a.yaml", "b.yaml"]), "b.yaml", Some(3));
}

#[test]
fn broken_json_names_file_and_line() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.json", "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {,}\n}\n");
    assert_located(&apidiff(d.path(), &["diff", "a.yaml", "b.json"]), "b.json", Some(3));
}

#[test]
fn missing_ref_target_names_the_ref_line() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    let b = BASE.replace("schema: {type: integer}", "schema: {$ref: '#/components/schemas/Nope'}");
    write(d.path(), "b.yaml", &b);
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml"]);
    assert_located(&o, "b.yaml", Some(7));
    assert!(stderr(&o).contains("#/components/schemas/Nope"));
}

#[test]
fn missing_ref_file_names_the_ref_line() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.yaml", &BASE.replace("schema: {type: integer}", "schema: {$ref: 'schemas/limit.yaml'}"));
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml"]);
    assert_located(&o, "b.yaml", Some(7));
    assert!(stderr(&o).contains("no such file"), "{}", stderr(&o));
}

#[test]
fn ref_chain_that_loops_is_an_error_but_recursive_schemas_are_fine() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    let looped =
        format!("{BASE}components:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n");
    write(d.path(), "b.yaml", &looped);
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml"]);
    assert_located(&o, "b.yaml", Some(12));
    assert!(stderr(&o).contains("loops"));
    let recursive = format!(
        "{BASE}components:\n  schemas:\n    Tree:\n      type: object\n      properties:\n        children: {{type: array, items: {{$ref: '#/components/schemas/Tree'}}}}\n"
    );
    write(d.path(), "c.yaml", &recursive);
    write(d.path(), "d.yaml", &recursive.replace("type: array,", "type: array, maxItems: 3,"));
    let o = apidiff(d.path(), &["diff", "c.yaml", "d.yaml"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn ten_thousand_levels_of_nesting_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "deep.json", &format!("{{\"openapi\": \"3.0.3\", \"x\": {}{}}}", "[".repeat(10_000), "]".repeat(10_000)));
    let o = apidiff(d.path(), &["diff", "a.yaml", "deep.json"]);
    assert_located(&o, "deep.json", Some(1));
    assert!(stderr(&o).contains("nesting"));
    write(d.path(), "deep.yaml", &format!("openapi: 3.0.3\nx: {}\n", "[".repeat(10_000)));
    let o = apidiff(d.path(), &["diff", "a.yaml", "deep.yaml"]);
    assert_located(&o, "deep.yaml", Some(2));
}

#[test]
fn yaml_alias_bomb_is_refused_quickly() {
    let d = tempfile::tempdir().unwrap();
    let mut s = String::from("openapi: 3.0.3\na: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n");
    for i in 1..9u8 {
        let (n, p) = ((b'a' + i) as char, (b'a' + i - 1) as char);
        s.push_str(&format!("{n}: &{n} [*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p},*{p}]\n"));
    }
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "bomb.yaml", &s);
    let o = apidiff(d.path(), &["diff", "a.yaml", "bomb.yaml"]);
    assert_located(&o, "bomb.yaml", None);
    assert!(stderr(&o).contains("alias"));
}

#[test]
fn a_file_that_is_not_a_spec_is_an_error() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "notes.yaml", "shopping: [milk, eggs]\n");
    let o = apidiff(d.path(), &["diff", "a.yaml", "notes.yaml"]);
    assert_located(&o, "notes.yaml", Some(1));
    assert!(stderr(&o).contains("not an API description"));
}

#[test]
fn unreadable_paths_are_errors() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    let o = apidiff(d.path(), &["diff", "a.yaml", "missing.yaml"]);
    assert_located(&o, "missing.yaml", None);
    assert!(stderr(&o).contains("no such file"));
    std::fs::create_dir(d.path().join("folder")).unwrap();
    let o = apidiff(d.path(), &["diff", "a.yaml", "folder"]);
    assert_located(&o, "folder", None);
    write(d.path(), "bin.yaml", "");
    std::fs::write(d.path().join("bin.yaml"), [b'o', b'p', 0xff, 0xfe, b'\n']).unwrap();
    let o = apidiff(d.path(), &["diff", "a.yaml", "bin.yaml"]);
    assert_located(&o, "bin.yaml", Some(1));
}

#[test]
fn comparing_two_formats_is_a_usage_error() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.yaml", "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\n");
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!stderr(&o).contains("panicked"));
}

#[test]
fn stdin_and_git_revisions_are_sources() {
    let d = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(d.path())
            .args(args)
            .env("GIT_AUTHOR_NAME", "t")
            .env("GIT_AUTHOR_EMAIL", "t@e")
            .env("GIT_COMMITTER_NAME", "t")
            .env("GIT_COMMITTER_EMAIL", "t@e")
            .output()
            .unwrap();
        assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    };
    git(&["init", "-q"]);
    write(d.path(), "api/openapi.yaml", &BASE.replace("schema: {type: integer}", "schema: {$ref: 'limit.yaml'}"));
    write(d.path(), "api/limit.yaml", "type: integer\n");
    git(&["add", "-A"]);
    git(&["commit", "-qm", "one"]);
    write(d.path(), "api/limit.yaml", "type: string\n");
    // The referenced file is read at the same revision as the spec: the old one is an integer.
    let o = apidiff(d.path(), &["diff", "HEAD:api/openapi.yaml", "api/openapi.yaml", "--format", "json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["changes"][0]["id"], "request-type-changed");
    assert_eq!(v["changes"][0]["base"]["file"], "HEAD:api/limit.yaml");
    let o = apidiff(d.path(), &["diff", "HEAD:api/nope.yaml", "api/openapi.yaml"]);
    assert_located(&o, "HEAD:api/nope.yaml", None);
    let mut child = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(d.path().join("api"))
        .args(["diff", "-", "openapi.yaml"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(std::fs::read(d.path().join("api/openapi.yaml")).unwrap().as_slice()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
}

#[test]
fn rules_explain_and_schema_come_from_the_registry() {
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["rules", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0));
    let rules: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(rules.as_array().unwrap().len() >= 120);
    let o = apidiff(d.path(), &["explain", "request-parameter-became-required"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("## What it detects") && text.contains("## How to suppress"), "{text}");
    assert_eq!(apidiff(d.path(), &["explain", "nope"]).status.code(), Some(2));
    let o = apidiff(d.path(), &["schema"]);
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(schema["title"], "Report");
    assert!(schema["properties"]["changes"].is_object());
}

#[test]
fn rules_are_selected_by_protobuf_category() {
    let d = tempfile::tempdir().unwrap();
    let o = apidiff(d.path(), &["rules", "--category", "http", "--format", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let rules: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let ids: Vec<&str> = rules.as_array().unwrap().iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 8, "{ids:?}");
    assert!(ids.iter().all(|id| id.starts_with("proto-http-")), "{ids:?}");
    assert!(rules.as_array().unwrap().iter().all(|r| r["categories"] == serde_json::json!(["HTTP"])));
    let o = apidiff(d.path(), &["rules", "--category", "WIRE"]);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("categories") && text.contains("proto-rpc-same-request-type") && !text.contains("proto-http-"), "{text}");
    let o = apidiff(d.path(), &["explain", "proto-http-path-changed"]);
    assert!(String::from_utf8_lossy(&o.stdout).contains("categories: HTTP"));
    assert_eq!(apidiff(d.path(), &["rules", "--category", "REST"]).status.code(), Some(2));
}

#[test]
fn usage_errors_exit_two() {
    let d = tempfile::tempdir().unwrap();
    assert_eq!(apidiff(d.path(), &["diff", "only-one"]).status.code(), Some(2));
    assert_eq!(apidiff(d.path(), &["diff", "-", "-"]).status.code(), Some(2));
    assert_eq!(apidiff(d.path(), &["frobnicate"]).status.code(), Some(2));
}

#[test]
fn a_ref_that_points_at_itself_is_a_located_error() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "loop.yaml", "B: {$ref: '#/B'}\n");
    write(d.path(), "b.yaml", &BASE.replace("schema: {type: integer}", "schema: {$ref: 'loop.yaml#/B'}"));
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("loop.yaml:1:") && stderr(&o).contains("loops"), "{}", stderr(&o));
}

#[test]
fn an_operation_that_is_not_an_object_is_a_located_error() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /pets:\n    get: hello\n");
    assert_located(&apidiff(d.path(), &["diff", "a.yaml", "b.yaml"]), "b.yaml", Some(5));
}

#[test]
fn fingerprints_do_not_depend_on_how_paths_are_spelled() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "old/api.yaml", BASE);
    write(d.path(), "api.yaml", &BASE.replace("{name: limit, in: query,", "{name: limit, in: query, required: true,"));
    let fp = |old: &str| {
        let o = apidiff(d.path(), &["diff", old, "api.yaml", "--format", "json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v["changes"][0]["fingerprint"].as_str().unwrap().to_string()
    };
    assert_eq!(fp("old/api.yaml"), fp("./old/api.yaml"));
    assert_eq!(fp("old/api.yaml"), fp(&d.path().join("old/api.yaml").display().to_string()));
}

/// `diff` applies the `apidiff.yaml` of the current folder (or the git top level): its severity
/// overrides, its ignore file and its gate; `--fail-on` and `--severity` still win.
#[test]
fn diff_applies_the_repository_config() {
    let d = tempfile::tempdir().unwrap();
    let required = BASE.replace("{name: limit, in: query,", "{name: limit, in: query, required: true,");
    write(d.path(), "a.yaml", BASE);
    write(d.path(), "b.yaml", &required);
    let code = |dir: &Path, args: &[&str]| apidiff(dir, args).status.code();
    assert_eq!(code(d.path(), &["diff", "a.yaml", "b.yaml"]), Some(1));

    write(d.path(), "apidiff.yaml", "severity:\n  request-parameter-became-required: warning\n");
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml", "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["changes"][0]["severity"], "warning");
    assert_eq!(code(d.path(), &["diff", "a.yaml", "b.yaml", "--severity", "request-parameter-became-required=breaking"]), Some(1));

    write(d.path(), "apidiff.yaml", "severity:\n  request-parameter-became-required: warning\ngate:\n  fail_on: warning\n");
    assert_eq!(code(d.path(), &["diff", "a.yaml", "b.yaml"]), Some(1));
    assert_eq!(code(d.path(), &["diff", "a.yaml", "b.yaml", "--fail-on", "breaking"]), Some(0), "the flag wins");

    write(d.path(), "apidiff.yaml", "ignore_file: policy/ignores.yaml\n");
    write(
        d.path(),
        "policy/ignores.yaml",
        "ignores:\n  - rule: request-parameter-became-required\n    operation: GET /pets\n    reason: internal only\n",
    );
    let o = apidiff(d.path(), &["diff", "a.yaml", "b.yaml", "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["ignored"], 1, "{v:#}");

    // From a subfolder of a git repository, the top level's config applies.
    let g = Command::new("git").args(["init", "-q"]).current_dir(d.path()).status().unwrap();
    assert!(g.success());
    std::fs::create_dir_all(d.path().join("sub")).unwrap();
    let o = apidiff(&d.path().join("sub"), &["diff", "../a.yaml", "../b.yaml", "-f", "json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["summary"]["ignored"], 1, "{v:#}");

    // A broken config is a located error.
    write(d.path(), "apidiff.yaml", "gate: [\n");
    assert_located(&apidiff(d.path(), &["diff", "a.yaml", "b.yaml"]), "apidiff.yaml", None);
    // The files are read while the config is looked for, but the config's error still comes
    // first, and a file's error once the config is sound.
    let o = apidiff(d.path(), &["diff", "a.yaml", "missing.yaml"]);
    assert_located(&o, "apidiff.yaml", None);
    assert!(!stderr(&o).contains("missing.yaml"), "{}", stderr(&o));
    write(d.path(), "apidiff.yaml", "gate:\n  fail_on: warning\n");
    let o = apidiff(d.path(), &["diff", "a.yaml", "missing.yaml"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("missing.yaml"), "{}", stderr(&o));
}
