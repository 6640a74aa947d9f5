//! Regression corpus of issue 24 (hardening, second round), input side: shapes that nest or
//! chain without brackets, overlong `$ref` alias chains, limits reached during a comparison,
//! and data that carries terminal escapes or newlines into generated files. Each ends with
//! exit 0, 1 or 2 and says why; the wall-time bound is the harness's (`.config/nextest.toml`).

mod common_http;
mod common_peak;
mod common_repo;

use common_repo::{ENV, Repo};
use std::process::Output;

fn run(repo: &Repo, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(args)
        .current_dir(repo.path())
        .envs(ENV.iter().copied())
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "status {:?}\nstdout: {}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Exit 2 with `file:line:` and `why` on stderr.
fn refused(out: &Output, at: &str, why: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(2) && stderr.contains(at) && stderr.contains(why), "{}", text(out));
}

/// The TypeScript shapes of the issue (and their relatives) used to overflow the loader's stack
/// (exit 134); each is now one located error before oxc parses it.
#[test]
fn chained_typescript_is_refused_at_the_line() {
    let repo = Repo::new();
    repo.write("web/base.ts", "export const f = (a: string) => a;\n");
    let shapes = [
        ("arrow.ts", format!("export const f = {}a;\n", "a => ".repeat(400_000))),
        ("keyof.d.ts", format!("export type T = {}X;\n", "keyof ".repeat(700_000))),
        ("ternary.ts", format!("export const x = {}c;\n", "a ? b : ".repeat(200_000))),
        ("assign.ts", format!("export const x = {}1;\n", "a = ".repeat(200_000))),
        ("new.ts", format!("export const x = {}X;\n", "new ".repeat(200_000))),
        ("cond.d.ts", format!("export type T = {}D;\n", "A extends B ? C : ".repeat(100_000))),
        ("await.ts", format!("export async function f() {{ return {}x; }}\n", "await ".repeat(200_000))),
        ("ifs.ts", format!("export function f() {{\n{}x;\n}}\n", "if (a)\n".repeat(100_000))),
    ];
    for (name, shape) in shapes {
        let rel = format!("web/{name}");
        repo.write(&rel, &shape);
        let line = if name == "ifs.ts" { 500 } else { 1 };
        refused(&run(&repo, &["diff", "web/base.ts", &rel]), &format!("{rel}:{line}:"), "nested more than 1000 levels deep");
    }
    // Under the limit, the same shapes load and compare.
    repo.write("web/near.ts", &format!("export const f = {}a;\n", "a => ".repeat(900)));
    let out = run(&repo, &["diff", "web/base.ts", "web/near.ts"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", text(&out));
}

fn alias_chain(n: usize) -> String {
    let mut s = String::from(
        "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"t\",\"version\":\"1\"},\"paths\":{\"/a\":{\"get\":{\"responses\":{\"200\":{\"description\":\"ok\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/S0\"}}}}}}}},\"components\":{\"schemas\":{",
    );
    for i in 0..n {
        s.push_str(&format!("\"S{i}\":{{\"$ref\":\"#/components/schemas/S{}\"}},\n", i + 1));
    }
    s.push_str(&format!("\"S{n}\":{{\"type\":\"string\"}}}}}}}}\n"));
    s
}

/// A `$ref` alias chain of 20,000 took 21 s (every use walked it); 200,000 said "loops back on
/// itself". Both are now refused at load with what is wrong; a short chain still compares.
#[test]
fn long_ref_alias_chains_are_refused_and_named() {
    let repo = Repo::new();
    for n in [20_000, 200_000] {
        repo.write("api/chain.json", &alias_chain(n));
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"));
        cmd.args(["diff", "api/chain.json", "api/chain.json"]).current_dir(repo.path()).env("NO_COLOR", "1");
        let (out, peak) = common_peak::output_and_peak(cmd);
        refused(&out, "api/chain.json:1:", "$ref chain of more than 256 references");
        assert!(!String::from_utf8_lossy(&out.stderr).contains("loops back"), "{}", text(&out));
        // Both sides parse the 10 MB file at once: 383 MB in a debug build (313 MB in release)
        // while every one-key object kept room for three entries.
        assert!(peak < 300 << 20, "{n}: peak RSS {} MB", peak >> 20);
    }
    repo.write("api/short.json", &alias_chain(200));
    repo.write("api/short2.json", &alias_chain(200).replace("{\"type\":\"string\"}", "{\"type\":\"integer\"}"));
    let out = run(&repo, &["diff", "api/short.json", "api/short2.json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("response-type-changed"), "{}", text(&out));
}

/// A type change at the end of a 250-schema-deep chain gave "No changes", exit 0; the depth
/// limit now yields a finding at the place where the comparison stopped.
#[test]
fn a_change_below_the_depth_limit_is_a_finding() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/openapi/schema-too-deep-to-compare");
    let repo = Repo::new();
    let out = run(&repo, &["diff", &format!("{dir}/base.yaml"), &format!("{dir}/revision.yaml"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(String::from_utf8_lossy(&out.stdout).contains("schema-too-deep-to-compare"), "{}", text(&out));
    // Equal below the limit: nothing to report.
    let out = run(&repo, &["diff", &format!("{dir}/base.yaml"), &format!("{dir}/base.yaml")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

fn object_spec(props: &[&str]) -> String {
    let properties: serde_json::Map<String, serde_json::Value> =
        props.iter().map(|p| ((*p).to_string(), serde_json::json!({"type": "string"}))).collect();
    serde_json::json!({"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "paths": {"/a": {"get": {"responses": {"200": {
        "description": "ok",
        "content": {"application/json": {"schema": {"type": "object", "required": props, "properties": properties}}}
    }}}}}})
    .to_string()
}

/// Issue 24: terminal escapes (ESC `[2J`, an OSC title, `\r`, a bidi override) in a property
/// name reached the terminal, and a 1.4 MB name took 30 s to render as text. Every format now
/// shows the escapes as visible `\u{..}` text and cuts the name with a marker.
#[test]
fn names_with_escapes_and_huge_names_are_rendered_safely() {
    let repo = Repo::new();
    let name = format!("p\u{1b}[2J\u{1b}]0;pwned\u{7}\r\u{202e}{}", "x".repeat(1_400_000));
    repo.write("api/base.json", &object_spec(&["a"]));
    repo.write("api/rev.json", &object_spec(&["a", &name]));
    let out = run(&repo, &["diff", "api/base.json", "api/rev.json", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", &text(&out)[..500]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for bad in ['\u{1b}', '\r', '\u{202e}', '\u{7}'] {
        assert!(!stdout.contains(bad), "{bad:?} reached the terminal");
    }
    assert!(stdout.contains("p\\u{1b}[2J\\u{1b}]"), "{stdout}");
    assert!(stdout.len() < 100_000, "{} bytes", stdout.len());
    for format in ["json", "markdown", "html", "sarif", "junit", "gitlab", "github", "pdf"] {
        let file = format!("out.{format}");
        let out = run(&repo, &["diff", "api/base.json", "api/rev.json", "--format", format, "--out", &file]);
        assert_eq!(out.status.code(), Some(0), "{format}: {}", &text(&out)[..500.min(text(&out).len())]);
        let written = std::fs::read(repo.path().join(&file)).unwrap();
        assert!(written.len() < 100_000, "{format}: {} bytes", written.len());
        if format != "pdf" {
            let written = String::from_utf8_lossy(&written);
            assert!(written.contains("more characters cut"), "{format}: no marker");
            assert!(!written.contains('\u{1b}') && !written.contains('\u{202e}'), "{format}: raw escape");
        }
    }
}

/// `history` printed archived data (a commit message) raw.
#[test]
fn history_shows_escapes_as_text() {
    let repo = Repo::new();
    repo.write("api/openapi.json", &object_spec(&["a"]));
    repo.commit("first");
    let out = run(&repo, &["check", "--record"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    repo.write("api/openapi.json", &object_spec(&["a", "b"]));
    repo.commit("second \u{1b}[2J\u{1b}]0;pwned\u{7} \u{202e}evil");
    let out = run(&repo, &["check", "--record"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = run(&repo, &["history"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("second \\u{1b}[2J\\u{1b}]0;pwned\\u{7} \\u{202e}evil"), "{}", text(&out));
    assert!(!stdout.contains('\u{1b}') && !stdout.contains('\u{202e}'), "{}", text(&out));
}

/// A gzip-compressed spec said "not valid UTF-8"; a `$ref` outside the repository suggested
/// `ref_roots` in apidiff.yaml, which `diff` does not read.
#[test]
fn misleading_messages_say_what_is_wrong() {
    let repo = Repo::new();
    let mut gz = vec![0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0, 0, 0x03];
    gz.extend_from_slice(&[0xff, 0xfe, 0x00, 0x80, 0x81]);
    std::fs::create_dir_all(repo.path().join("api")).unwrap();
    std::fs::write(repo.path().join("api/openapi.yaml"), &gz).unwrap();
    refused(&run(&repo, &["diff", "api/openapi.yaml", "api/openapi.yaml"]), "api/openapi.yaml", "gzip-compressed; decompress it first");
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.yaml"), "X: {type: string}\n").unwrap();
    let spec = format!(
        "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{}#/X'}}\n",
        outside.path().join("x.yaml").display()
    );
    repo.write("api/ref.yaml", &spec);
    let out = run(&repo, &["diff", "api/ref.yaml", "api/ref.yaml"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(2) && stderr.contains("pass --ref-root DIR") && !stderr.contains("apidiff.yaml"), "{}", text(&out));
}

/// An HTTP server on 127.0.0.1 that answers every request with `body` (JSON).
fn answering(body: String) -> String {
    let addr = common_http::serve_each(move |_| common_http::ok("application/json", &body));
    format!("graphql+http://{addr}/graphql")
}

/// A GraphQL server whose introspection nests `ofType` 10,000 deep was "not JSON"; one whose
/// error text carries terminal escapes wrote them to the terminal.
#[test]
fn hostile_graphql_servers_are_named_plainly() {
    let repo = Repo::new();
    repo.write("schema.graphql", "type Query { a: Int }\n");
    let deep = format!(
        "{{\"data\":{{\"__schema\":{{\"types\":[{{\"kind\":\"OBJECT\",\"name\":\"Query\",\"fields\":[{{\"name\":\"a\",\"args\":[],\"type\":{}{{\"kind\":\"SCALAR\",\"name\":\"Int\"}}{}}}]}}]}}}}}}",
        "{\"kind\":\"LIST\",\"ofType\":".repeat(10_000),
        "}".repeat(10_000)
    );
    let out = run(&repo, &["diff", "schema.graphql", &answering(deep)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.code() == Some(2) && stderr.contains("could not be read as JSON") && !stderr.contains("not JSON"), "{}", text(&out));
    let evil = r#"{"errors":[{"message":"denied \u001b[2J\u001b]0;pwned\u0007\r\u202e"}]}"#.to_string();
    let out = run(&repo, &["diff", "schema.graphql", &answering(evil)]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(stderr.contains("denied \\u{1b}[2J") && !stderr.contains('\u{1b}') && !stderr.contains('\r'), "{}", text(&out));
}
