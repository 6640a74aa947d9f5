//! Regression corpus of the hostile inputs a security probe tried (issue 13): each ends with
//! exit 2 naming the file (or the right verdict), quickly, and never reads a file outside the
//! repository. The wall-time bound is the harness's (`.config/nextest.toml`: slow-timeout).

mod common_repo;

use common_repo::{ENV, Repo};
use std::process::{Command, Output};

const SECRET: &str = "TOPSECRET-abc123";

fn openapi(schema_ref: &str) -> String {
    format!(
        "openapi: 3.0.0\ninfo: {{title: t, version: '1'}}\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {{$ref: '{schema_ref}'}}\n"
    )
}

/// A repository and, beside it, a folder holding a secret spec fragment.
struct Probe {
    repo: Repo,
    outside: tempfile::TempDir,
}

impl Probe {
    fn new() -> Probe {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("creds.yaml"), format!("X:\n  type: string\n  enum: [{SECRET}]\n")).unwrap();
        Probe { repo: Repo::new(), outside }
    }

    fn creds(&self) -> String {
        self.outside.path().join("creds.yaml").display().to_string()
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_apidiff")).args(args).current_dir(self.repo.path()).envs(ENV.iter().copied()).output().unwrap()
    }
}

/// Exit 2, the file named on stderr, and no trace of the secret anywhere.
fn refused(out: &Output, file: &str, why: &str) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}\nstdout: {stdout}");
    assert!(stderr.contains(file), "{file} not named: {stderr}");
    assert!(stderr.contains(why), "expected `{why}`: {stderr}");
    assert!(!stderr.contains(SECRET) && !stdout.contains(SECRET), "the secret leaked: {stderr} {stdout}");
}

#[test]
fn devices_and_fifos_are_refused_without_reading() {
    let p = Probe::new();
    p.repo.write("api/a.yaml", &openapi("#/components/schemas/X"));
    refused(&p.run(&["diff", "/dev/zero", "api/a.yaml"]), "/dev/zero", "not a regular file");
    let fifo = p.repo.path().join("api/pipe.yaml");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    refused(&p.run(&["diff", "api/pipe.yaml", "api/a.yaml"]), "api/pipe.yaml", "not a regular file");
    p.repo.write("api/z.yaml", &openapi("/dev/zero#/X"));
    refused(&p.run(&["diff", "api/z.yaml", "api/z.yaml"]), "api/z.yaml", "/dev/zero");
    p.repo.write("api/f.yaml", &openapi("pipe.yaml#/X"));
    refused(&p.run(&["diff", "api/f.yaml", "api/f.yaml"]), "api/f.yaml", "not a regular file");
    // stdin that never ends (a NUL stream) is refused at once.
    let out = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["diff", "-", "api/a.yaml"])
        .current_dir(p.repo.path())
        .stdin(std::fs::File::open("/dev/zero").unwrap())
        .output()
        .unwrap();
    refused(&out, "<stdin>", "NUL");
}

#[test]
fn refs_stay_inside_the_repository() {
    let p = Probe::new();
    let creds = p.creds();
    p.repo.write("api/abs.yaml", &openapi(&format!("{creds}#/X")));
    refused(&p.run(&["diff", "api/abs.yaml", "api/abs.yaml"]), "api/abs.yaml", "outside the repository");
    p.repo.write("api/etc.yaml", &openapi("/etc/passwd#/X"));
    refused(&p.run(&["diff", "api/etc.yaml", "api/etc.yaml"]), "api/etc.yaml", "outside the repository");
    // A symlink inside the repository that points out is resolved and refused.
    std::os::unix::fs::symlink(&creds, p.repo.path().join("api/link.yaml")).unwrap();
    p.repo.write("api/l.yaml", &openapi("link.yaml#/X"));
    refused(&p.run(&["diff", "api/l.yaml", "api/l.yaml"]), "api/l.yaml", "outside the repository");
    // --ref-root widens the boundary explicitly.
    let out = p.run(&["diff", "--ref-root", &p.outside.path().display().to_string(), "api/abs.yaml", "api/abs.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn check_refuses_refs_outside_and_a_store_linked_outside() {
    let p = Probe::new();
    p.repo.write("api/openapi.yaml", &openapi("/dev/zero#/X"));
    p.repo.commit("zero");
    refused(&p.run(&["check", "--record"]), "api/openapi.yaml", "/dev/zero");
    p.repo.write("api/openapi.yaml", &openapi(&format!("{}#/X", p.creds())));
    refused(&p.run(&["check", "--record"]), "api/openapi.yaml", "outside the repository");
    assert!(!p.repo.path().join(".apidiff/objects").exists() || !walk_has(&p.repo.path().join(".apidiff"), SECRET));
    // A committed `.apidiff` symlink to a folder outside is not written through.
    p.repo.write("api/openapi.yaml", &openapi("#/paths"));
    std::fs::create_dir_all(p.outside.path().join("store")).unwrap();
    let _ = std::fs::remove_dir_all(p.repo.path().join(".apidiff"));
    std::os::unix::fs::symlink(p.outside.path().join("store"), p.repo.path().join(".apidiff")).unwrap();
    let out = p.run(&["check", "--record"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside the repository"));
    assert_eq!(std::fs::read_dir(p.outside.path().join("store")).unwrap().count(), 0);
}

fn walk_has(dir: &std::path::Path, needle: &str) -> bool {
    std::fs::read_dir(dir).into_iter().flatten().flatten().any(|e| {
        let p = e.path();
        if p.is_dir() { walk_has(&p, needle) } else { std::fs::read_to_string(&p).is_ok_and(|t| t.contains(needle)) }
    })
}

#[test]
fn proto_imports_stay_inside_and_say_what_is_wrong() {
    let p = Probe::new();
    p.repo.write("api/z.proto", "syntax = \"proto3\";\nimport \"dev/zero\";\nmessage A {}\n");
    refused(&p.run(&["diff", "api/z.proto", "api/z.proto"]), "api/z.proto", "dev/zero");
    p.repo.write("api/e.proto", "syntax = \"proto3\";\nimport \"etc/passwd\";\nmessage A {}\n");
    let out = p.run(&["diff", "api/e.proto", "api/e.proto"]);
    refused(&out, "api/e.proto", "not found");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("root"), "the content of /etc/passwd is quoted");
    p.repo.write("api/up.proto", "syntax = \"proto3\";\nimport \"../x.proto\";\nmessage A {}\n");
    let out = p.run(&["diff", "api/up.proto", "api/up.proto"]);
    refused(&out, "api/up.proto:2", "`..`");
    assert!(!String::from_utf8_lossy(&out.stderr).contains("group name"));
}

/// 100,000 levels of nested message literals in an option value used to keep protox busy for
/// minutes; the nesting limit refuses them at the line, and a reasonable depth still compares.
#[test]
fn deeply_nested_proto_options_end_at_once_with_the_line() {
    let p = Probe::new();
    let nested = |n: usize| {
        format!(
            "syntax = \"proto3\";\npackage my;\nimport \"google/protobuf/descriptor.proto\";\nmessage Opt {{ Opt a = 1; int32 b = 2; }}\nextend google.protobuf.FileOptions {{ Opt opt = 50000; }}\noption (my.opt) = {{{}b: 1{}}};\nmessage M {{ int32 x = 1; }}\n",
            "a: {".repeat(n),
            "}".repeat(n)
        )
    };
    p.repo.write("api/deep.proto", &nested(100_000));
    refused(&p.run(&["diff", "api/deep.proto", "api/deep.proto"]), "api/deep.proto:6", "nesting deeper than");
    p.repo.write("api/ok.proto", &nested(50));
    let out = p.run(&["diff", "api/ok.proto", "api/ok.proto"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    // Nested message declarations count too.
    let msgs = format!("syntax = \"proto3\";\n{}{}\n", "message A { ".repeat(100_000), "}".repeat(100_000));
    p.repo.write("api/msgs.proto", &msgs);
    refused(&p.run(&["diff", "api/msgs.proto", "api/msgs.proto"]), "api/msgs.proto:2", "nesting deeper than");
}

/// `.env`, CODEOWNERS, `buf.yaml` and the specs found by discovery are read through the same
/// budget: a FIFO in their place is skipped or refused, never waited on.
#[test]
fn side_files_that_are_fifos_do_not_block() {
    let p = Probe::new();
    p.repo.write("api/openapi.yaml", &openapi("#/paths"));
    p.repo.commit("spec");
    for f in [".env", "CODEOWNERS", "buf.yaml", "buf.work.yaml", ".apidiff-ignore.yaml"] {
        assert!(Command::new("mkfifo").arg(p.repo.path().join(f)).status().unwrap().success());
    }
    let out = p.run(&["check", "--record"]);
    refused(&out, ".apidiff-ignore.yaml", "not a regular file");
    std::fs::remove_file(p.repo.path().join(".apidiff-ignore.yaml")).unwrap();
    let out = p.run(&["check", "--record"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let out = p.run(&["discover"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn json_duplicate_keys_are_an_error_with_the_line() {
    let p = Probe::new();
    p.repo.write(
        "api/dup.json",
        "{\n  \"openapi\": \"3.0.0\",\n  \"info\": {\"title\": \"t\", \"version\": \"1\"},\n  \"paths\": {\"/a\": {}},\n  \"paths\": {}\n}\n",
    );
    refused(&p.run(&["diff", "api/dup.json", "api/dup.json"]), "api/dup.json:5", "duplicate key `paths`");
}

#[test]
fn tampered_records_are_named_by_doctor_and_refused_by_rollback() {
    let p = Probe::new();
    p.repo.write("api/openapi.yaml", &openapi("#/paths"));
    p.repo.commit("spec");
    let out = p.run(&["check", "--record"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let dir = p.repo.path().join(".apidiff/records/entries");
    let file = std::fs::read_dir(&dir).unwrap().next().unwrap().unwrap().path();
    let id = file.file_stem().unwrap().to_string_lossy().to_string();
    let mut entry: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    entry["spec"] = serde_json::Value::String(p.creds());
    std::fs::write(&file, serde_json::to_vec_pretty(&entry).unwrap()).unwrap();
    let out = p.run(&["rollback", "--preview", "--to", &id]);
    refused(&out, &p.creds(), "refusing");
    // A record moved to another id, and one naming a path outside: doctor names both.
    entry["id"] = serde_json::Value::String("0000000000000000".into());
    std::fs::write(&file, serde_json::to_vec_pretty(&entry).unwrap()).unwrap();
    let out = p.run(&["doctor"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(2), "{stdout}");
    assert!(stdout.contains(&format!("holds entry id `0000000000000000`, not `{id}`")), "{stdout}");
    assert!(stdout.contains("leaves the repository"), "{stdout}");
}

#[test]
fn comparing_two_formats_names_the_files() {
    let p = Probe::new();
    p.repo.write("api/s.graphql", "type Query { a: Int }\n");
    p.repo.write("api/ok.yaml", "openapi: 3.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    let out = p.run(&["diff", "api/s.graphql", "api/ok.yaml"]);
    refused(&out, "api/ok.yaml", "api/s.graphql is in the `graphql` format");
}
