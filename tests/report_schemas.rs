//! The SARIF and JUnit renderings checked against published schemas, by outside validators:
//! SARIF against the official SARIF 2.1.0 JSON Schema (`sarif-2.1.0-rtm.5.json`, with Python's
//! `jsonschema`), JUnit against Jenkins xunit-plugin's `junit-10.xsd` (with `xmllint`).
//!
//! scripts/deps.sh installs the tools and fetches the schemas into
//! `$HOME/.cache/apidiff-test-assets`; `APIDIFF_TEST_SARIF_SCHEMA`, `APIDIFF_TEST_PYTHON`,
//! `APIDIFF_TEST_JUNIT_XSD_DIR` and `APIDIFF_TEST_XMLLINT` override the paths. Without them the
//! tests skip locally with a note, and fail when `CI=true`. Each validator is also shown a
//! broken document it must reject, so a validator that accepts everything cannot pass.

#![allow(clippy::print_stderr)] // a local skip says why

mod common_report;

use apidiff::policy::FailOn;
use apidiff::report::{Report, junit, sarif};
use common_report::outcome;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

const BASE: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/users:
    get:
      responses:
        '200': {description: ok}
  /v1/legacy:
    get:
      responses:
        '200': {description: ok}
  /v1/accounts:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties:
                email: {type: string}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  kind: {type: string, enum: [a, b]}
"#;

const REVISION: &str = r#"openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /v1/accounts:
    post:
      requestBody:
        content:
          application/json:
            schema:
              type: object
              required: [email]
              properties:
                email: {type: string}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  kind: {type: string, enum: [a, b, "<c&d> \"é\"\ttab"]}
  /v1/orders:
    get:
      responses:
        '200': {description: ok}
"#;

const GRAPHQL_BASE: &str = "type Query {\n  users(first: Int = 10, old: Int): [String]\n  me: String\n}\n";
const GRAPHQL_REVISION: &str = "type Query {\n  users(first: Int = 20, org: ID!): [String]\n}\n";

const IGNORE_LEGACY: &str =
    "ignores:\n  - rule: endpoint-removed\n    operation: GET /v1/legacy\n    reason: retired <on purpose> & announced\n";

/// One OpenAPI pair with breaking, warning and info changes, and one ignored (suppressed) change.
fn single_report() -> Report {
    let r = Report::build(vec![outcome(None, ("api/base.yaml", BASE), ("api/revision.yaml", REVISION), IGNORE_LEGACY)], FailOn::Breaking);
    assert_eq!(r.ignored.len(), 1, "the ignore must match one change");
    assert!(r.summary.breaking >= 2 && r.summary.warning >= 1 && r.summary.info >= 1, "{:?}", r.summary);
    r
}

/// What `apidiff check` builds: several modules, two formats, one with an ignored change.
fn multi_module_report() -> Report {
    let r = Report::build(
        vec![
            outcome(Some("accounts"), ("HEAD~1:api/base.yaml", BASE), ("api/revision.yaml", REVISION), IGNORE_LEGACY),
            outcome(Some("graph"), ("graph/schema.graphql", GRAPHQL_BASE), ("graph/schema.graphql", GRAPHQL_REVISION), ""),
        ],
        FailOn::Breaking,
    );
    assert_eq!(r.specs.len(), 2);
    assert!(r.changes.iter().any(|c| c.module.as_deref() == Some("graph")), "no GraphQL changes");
    r
}

/// A report without changes.
fn empty_report() -> Report {
    let r = Report::build(vec![outcome(None, ("api/base.yaml", BASE), ("api/revision.yaml", BASE), "")], FailOn::Breaking);
    assert!(r.changes.is_empty() && r.ignored.is_empty());
    r
}

fn reports() -> [(&'static str, Report); 3] {
    [("single", single_report()), ("multi-module", multi_module_report()), ("empty", empty_report())]
}

/// A tool or asset the tests need, at `path`. `None` (with a note) when it is missing locally; a
/// failure when it is missing under `CI=true`. `env` names the variable that overrides it.
fn asset(path: PathBuf, env: &str) -> Option<PathBuf> {
    if path.exists() {
        return Some(path);
    }
    let note = format!("{} is missing (set {env} or run scripts/deps.sh)", path.display());
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {note}");
    eprintln!("skipping: {note}");
    None
}

/// The path in `env`, else `default`.
fn env_or(env: &str, default: PathBuf) -> PathBuf {
    std::env::var_os(env).map(PathBuf::from).unwrap_or(default)
}

fn assets_dir() -> PathBuf {
    PathBuf::from(std::env::var_os("HOME").expect("HOME")).join(".cache/apidiff-test-assets")
}

/// Validates a document against a JSON Schema with the validator class the schema declares,
/// formats included; prints the class, then one line per error. Exit 1 when it is invalid.
const JSONSCHEMA_CHECK: &str = r#"
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
doc = json.load(open(sys.argv[2], encoding="utf-8"))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
print(cls.__name__)
errors = sorted(cls(schema, format_checker=cls.FORMAT_CHECKER).iter_errors(doc), key=lambda e: list(map(str, e.absolute_path)))
for e in errors:
    print("/" + "/".join(map(str, e.absolute_path)) + ": " + e.message[:500])
sys.exit(1 if errors else 0)
"#;

struct Sarif {
    python: PathBuf,
    schema: PathBuf,
}

impl Sarif {
    fn find() -> Option<Sarif> {
        let dir = assets_dir();
        let schema = asset(env_or("APIDIFF_TEST_SARIF_SCHEMA", dir.join("sarif-2.1.0-rtm.5.json")), "APIDIFF_TEST_SARIF_SCHEMA")?;
        let python = asset(env_or("APIDIFF_TEST_PYTHON", dir.join("venv/bin/python")), "APIDIFF_TEST_PYTHON")?;
        Some(Sarif { python, schema })
    }

    /// `Ok(())` when `doc` validates; `Err(the validator's report)` when it does not.
    fn validate(&self, doc: &str) -> Result<(), String> {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("report.sarif");
        std::fs::write(&file, doc).unwrap();
        let o = Command::new(&self.python).arg("-c").arg(JSONSCHEMA_CHECK).arg(&self.schema).arg(&file).output().unwrap();
        let out = String::from_utf8_lossy(&o.stdout).into_owned();
        let err = String::from_utf8_lossy(&o.stderr);
        match o.status.code() {
            Some(0) => {
                // The schema says draft-04; a different class would mean the check is not the one intended.
                assert_eq!(out.trim(), "Draft4Validator", "{out}{err}");
                Ok(())
            }
            Some(1) if err.is_empty() => Err(out),
            _ => panic!("the validator crashed ({}): {out}{err}", o.status),
        }
    }
}

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let Some(v) = Sarif::find() else { return };
    for (name, r) in reports() {
        let doc = sarif::render(&r);
        if let Err(e) = v.validate(&doc) {
            panic!("the {name} report's SARIF does not validate:\n{e}\n{doc}");
        }
    }
}

#[test]
fn the_validated_sarif_exercises_suppressions_modules_and_escaping() {
    // Guards the test above: the documents it validates hold what makes SARIF tricky.
    let doc: Value = serde_json::from_str(&sarif::render(&multi_module_report())).unwrap();
    let results = doc["runs"][0]["results"].as_array().unwrap();
    let suppressed: Vec<&Value> = results.iter().filter(|r| r.get("suppressions").is_some()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["suppressions"][0]["justification"], "retired <on purpose> & announced");
    let levels: Vec<&str> = results.iter().map(|r| r["level"].as_str().unwrap()).collect();
    for level in ["error", "warning", "note"] {
        assert!(levels.contains(&level), "no {level} result: {levels:?}");
    }
    let uris: Vec<&str> =
        results.iter().map(|r| r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].as_str().unwrap()).collect();
    assert!(uris.contains(&"graph/schema.graphql"), "{uris:?}");
    assert!(uris.iter().all(|u| !u.contains("HEAD~1:")), "{uris:?}");
    let text = serde_json::to_string(&doc).unwrap();
    assert!(text.contains("<c&d> \\\"é\\\"\\ttab"), "{text}");
}

/// What is broken, how to break it, and a phrase the validator's report must contain.
type Breakage = (&'static str, fn(&mut Value), &'static str);

#[test]
fn broken_sarif_fails_validation() {
    let Some(v) = Sarif::find() else { return };
    let good: Value = serde_json::from_str(&sarif::render(&single_report())).unwrap();
    let breakages: [Breakage; 5] = [
        (
            "version removed",
            |d| {
                d.as_object_mut().unwrap().remove("version");
            },
            "'version' is a required property",
        ),
        ("wrong version", |d| d["version"] = "2.0.0".into(), "/version:"),
        ("unknown level", |d| d["runs"][0]["results"][0]["level"] = "fatal".into(), "/runs/0/results/0/level:"),
        (
            "zero start line",
            |d| d["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0.into(),
            "startLine",
        ),
        (
            "unknown suppression kind",
            |d| {
                let results = d["runs"][0]["results"].as_array_mut().unwrap();
                let last = results.last_mut().unwrap();
                last["suppressions"][0]["kind"] = "forgotten".into();
            },
            "/suppressions/0/kind:",
        ),
    ];
    for (what, break_it, expected) in breakages {
        let mut doc = good.clone();
        break_it(&mut doc);
        match v.validate(&serde_json::to_string_pretty(&doc).unwrap()) {
            Ok(()) => panic!("SARIF with {what} validated"),
            Err(e) => assert!(e.contains(expected), "{what}: expected `{expected}` in:\n{e}"),
        }
    }
}

struct Junit {
    xmllint: PathBuf,
    /// Jenkins xunit-plugin's junit-10.xsd at 14c6e39: accepts `file` and `line` on testcases.
    permissive: PathBuf,
    /// The same file at ae25da5: the strict version, without those testcase attributes.
    strict: PathBuf,
}

impl Junit {
    fn find() -> Option<Junit> {
        let dir = env_or("APIDIFF_TEST_JUNIT_XSD_DIR", assets_dir().join("junit"));
        let xmllint = asset(env_or("APIDIFF_TEST_XMLLINT", PathBuf::from("/usr/bin/xmllint")), "APIDIFF_TEST_XMLLINT")?;
        let permissive = asset(dir.join("jenkins-permissive.xsd"), "APIDIFF_TEST_JUNIT_XSD_DIR")?;
        let strict = asset(dir.join("jenkins-strict.xsd"), "APIDIFF_TEST_JUNIT_XSD_DIR")?;
        Some(Junit { xmllint, permissive, strict })
    }

    /// `Ok(())` when `doc` validates against `xsd`; `Err(xmllint's errors)` when it does not.
    fn validate(&self, xsd: &Path, doc: &str) -> Result<(), String> {
        let d = tempfile::tempdir().unwrap();
        let file = d.path().join("report.xml");
        std::fs::write(&file, doc).unwrap();
        let o = Command::new(&self.xmllint).arg("--noout").arg("--schema").arg(xsd).arg(&file).output().unwrap();
        let err = String::from_utf8_lossy(&o.stderr).into_owned();
        match o.status.code() {
            Some(0) => {
                assert!(err.contains("validates"), "{err}");
                Ok(())
            }
            // 3: the document does not validate; 1: it is not even well-formed XML.
            Some(1 | 3) => Err(err),
            _ => panic!("xmllint failed ({}): {err}", o.status),
        }
    }
}

/// Drops the `file="…"` and `line="…"` attributes that only the permissive schema allows. Values
/// are escaped (`"` is `&quot;`), so these patterns only match real attributes.
fn without_file_and_line(doc: &str) -> String {
    let mut out = doc.to_string();
    for attr in [" file=\"", " line=\""] {
        while let Some(i) = out.find(attr) {
            let end = out[i + attr.len()..].find('"').unwrap() + i + attr.len() + 1;
            out.replace_range(i..end, "");
        }
    }
    out
}

/// Removes attribute `attr` from the first element that starts with `element` (e.g. `<testcase `).
fn drop_attr(doc: &str, element: &str, attr: &str) -> String {
    let at = doc.find(element).unwrap();
    let close = doc[at..].find('>').unwrap() + at;
    let pattern = format!(" {attr}=\"");
    let i = doc[at..close].find(&pattern).unwrap() + at;
    let end = doc[i + pattern.len()..].find('"').unwrap() + i + pattern.len() + 1;
    format!("{}{}", &doc[..i], &doc[end..])
}

#[test]
fn junit_validates_against_the_jenkins_junit_schema() {
    let Some(v) = Junit::find() else { return };
    for (name, r) in reports() {
        let doc = junit::render(&r);
        if let Err(e) = v.validate(&v.permissive, &doc) {
            panic!("the {name} report's JUnit does not validate against {}:\n{e}\n{doc}", v.permissive.display());
        }
        // The strict revision knows no testcase `file`/`line` (which GitLab reads); everything
        // else must conform to it too.
        let stripped = without_file_and_line(&doc);
        assert!(!stripped.contains(" file=\"") && !stripped.contains(" line=\""), "{stripped}");
        if let Err(e) = v.validate(&v.strict, &stripped) {
            panic!("the {name} report's JUnit (without file/line) does not validate against {}:\n{e}\n{stripped}", v.strict.display());
        }
        if let Err(e) = v.validate(&v.strict, &doc) {
            for line in e.lines().filter(|l| l.contains("error")) {
                assert!(
                    line.contains("Element 'testcase', attribute 'file'") || line.contains("Element 'testcase', attribute 'line'"),
                    "unexpected strict-schema error in the {name} report: {line}"
                );
            }
        }
    }
}

#[test]
fn the_validated_junit_has_failures_suites_and_escaping() {
    let doc = junit::render(&multi_module_report());
    assert_eq!(doc.matches("<testsuite ").count(), 2, "{doc}");
    assert!(doc.contains("<failure "), "{doc}");
    assert!(doc.contains(" />\n"), "no passing testcase: {doc}");
    assert!(doc.contains("&lt;c&amp;d&gt; &quot;é&quot;&#9;tab"), "{doc}");
}

#[test]
fn broken_junit_fails_validation() {
    let Some(v) = Junit::find() else { return };
    let good = junit::render(&single_report());
    assert!(v.validate(&v.permissive, &good).is_ok());
    let breakages: [(&str, String, &str); 4] = [
        ("a testcase without name", drop_attr(&good, "<testcase ", "name"), "Element 'testcase': The attribute 'name' is required"),
        ("a testsuite without tests", drop_attr(&good, "<testsuite ", "tests"), "Element 'testsuite': The attribute 'tests' is required"),
        ("a failure outside its testcase", good.replacen("  </testsuite>", "<failure message=\"m\">x</failure></testsuite>", 1), "failure"),
        ("a misspelt root", good.replace("testsuites", "testsuitez"), "testsuitez"),
    ];
    for (what, doc, expected) in breakages {
        assert_ne!(doc, good, "{what}: the breakage changed nothing");
        for xsd in [&v.permissive, &v.strict] {
            match v.validate(xsd, &doc) {
                Ok(()) => panic!("JUnit with {what} validated against {}", xsd.display()),
                Err(e) => assert!(e.contains(expected), "{what}: expected `{expected}` in:\n{e}"),
            }
        }
    }
}
