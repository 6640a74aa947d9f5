//! Protobuf trees compared as buf compares them: `diff` of two folders (a package or a whole
//! tree), import roots per side, a package checked with every file of its folder, and the
//! differential run against `buf breaking` on real googleapis releases (`scripts/buf-compare.py`).

mod common_repo;

use common_repo::{ENV, Repo};
use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit {}\n--- stdout\n{}\n--- stderr\n{}", self.code, self.stdout, self.stderr)
    }
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff")).args(args).current_dir(dir).envs(ENV.iter().copied()).output().unwrap();
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into(),
        stderr: String::from_utf8_lossy(&o.stderr).into(),
    }
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn ids(out: &Run) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    let mut ids: Vec<String> = v["changes"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect();
    ids.sort();
    ids
}

const SERVICE: &str = "syntax = \"proto3\";\npackage acme.v1;\nimport \"shared/money.proto\";\nmessage Price { shared.Money amount = 1; }\nservice Prices { rpc Get(Price) returns (Price); }\n";

/// Two releases side by side, each with its own copy of a shared import root: one `-I` for both
/// sides would read the same copy twice and hide the change; `--base-include` and
/// `--revision-include` read each side's own.
#[test]
fn import_roots_per_side_show_a_change_in_the_old_sides_imports() {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    for (v, field) in [("v1", "int64 units = 1;"), ("v2", "string units = 1;")] {
        write(r, &format!("{v}/api/acme/v1/prices.proto"), SERVICE);
        write(
            r,
            &format!("{v}/shared/shared/money.proto"),
            &format!("syntax = \"proto3\";\npackage shared;\nmessage Money {{ {field} }}\n"),
        );
    }
    let one = run_in(r, &["diff", "v1/api/acme/v1", "v2/api/acme/v1", "-I", "v2/shared", "-f", "json", "--fail-on", "never"]);
    assert_eq!(one.code, 0, "{one:?}");
    assert!(!ids(&one).iter().any(|i| i == "proto-field-same-type"), "one root for both sides sees one copy: {one:?}");
    let both = ["diff", "v1/api/acme/v1", "v2/api/acme/v1", "--base-include", "v1/shared", "--revision-include", "v2/shared", "-f", "json"];
    let out = run_in(r, &both);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(ids(&out).iter().any(|i| i == "proto-field-same-type"), "{out:?}");
}

/// `diff` takes two folders, on disk or at git revisions (`REV:folder`): a whole tree compiled
/// once, where a deleted package and a deleted file are findings.
#[test]
fn folders_are_compared_as_trees_on_disk_and_in_git() {
    let repo = Repo::new();
    repo.write("proto/acme/v1/orders.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage Order { string id = 1; }\n");
    repo.write("proto/acme/v1/extra.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage Extra { string id = 1; }\n");
    repo.write("proto/legacy/v1/legacy.proto", "syntax = \"proto3\";\npackage legacy.v1;\nmessage Ticket { string id = 1; }\n");
    repo.commit("v1");
    std::fs::remove_dir_all(repo.path().join("proto/legacy")).unwrap();
    std::fs::remove_file(repo.path().join("proto/acme/v1/extra.proto")).unwrap();
    repo.commit("drop legacy.v1 and extra.proto");
    let out = run_in(repo.path(), &["diff", "HEAD~1:proto", "proto", "-f", "json", "--proto-category", "FILE"]);
    assert_eq!(out.code, 1, "{out:?}");
    let got = ids(&out);
    // Under FILE a deleted file is the finding (its definitions go with it, as in buf).
    assert_eq!(got, ["proto-file-no-delete", "proto-file-no-delete"], "{out:?}");
    let out = run_in(repo.path(), &["diff", "HEAD~1:proto", "HEAD:proto", "-f", "json"]);
    assert_eq!(ids(&out), ["proto-package-message-no-delete", "proto-package-no-delete"], "{out:?}");
    // An empty folder is refused, naming it.
    std::fs::create_dir_all(repo.path().join("empty")).unwrap();
    let out = run_in(repo.path(), &["diff", "empty", "proto"]);
    assert_eq!(out.code, 2, "{out:?}");
    assert!(out.stderr.contains("empty") && out.stderr.contains("without .proto files"), "{out:?}");
}

/// In a repository, a package is compiled with every file of its folder: a service that stops
/// importing a sibling, or moves a message to another file of the package, deletes nothing.
#[test]
fn check_compiles_a_package_with_every_file_of_its_folder() {
    let repo = Repo::new();
    repo.write(
        "proto/acme/v1/svc.proto",
        "syntax = \"proto3\";\npackage acme.v1;\nimport \"acme/v1/types.proto\";\nmessage Req { string id = 1; }\nmessage Address { string city = 1; }\nservice S { rpc Get(Req) returns (Req); }\n",
    );
    repo.write("proto/acme/v1/types.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage Money { int64 units = 1; }\n");
    repo.commit("v1");
    repo.write(
        "proto/acme/v1/svc.proto",
        "syntax = \"proto3\";\npackage acme.v1;\nimport \"acme/v1/address.proto\";\nmessage Req { string id = 1; Address a = 2; }\nservice S { rpc Get(Req) returns (Req); }\n",
    );
    repo.write("proto/acme/v1/address.proto", "syntax = \"proto3\";\npackage acme.v1;\nmessage Address { string city = 1; }\n");
    repo.commit("Address moves to its own file; svc.proto no longer imports types.proto");
    let out = run_in(repo.path(), &["check", "--base", "HEAD~1", "-f", "json"]);
    assert_eq!(out.code, 0, "{out:?}");
    let got = ids(&out);
    assert!(!got.iter().any(|i| i.contains("no-delete")), "nothing was deleted from the package: {out:?}");
    let discovered = run_in(repo.path(), &["discover", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_str(&discovered.stdout).unwrap();
    assert_eq!(v["specs"].as_array().unwrap().len(), 1, "one spec for the package: {v:#}");
}

/// The changes of a `check -f json` run as (rule, module, file, line) rows, sorted.
fn rows(out: &Run) -> Vec<(String, String, String, i64)> {
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {out:?}"));
    let mut rows: Vec<(String, String, String, i64)> = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let at = if c["revision"].is_object() { &c["revision"] } else { &c["base"] };
            let s = |v: &serde_json::Value| v.as_str().unwrap_or_default().to_string();
            (s(&c["id"]), s(&c["module"]), s(&at["file"]), at["line"].as_i64().unwrap_or(0))
        })
        .collect();
    rows.sort();
    rows
}

/// A tree of packages that import each other (a sibling, another package's file) checked at
/// once, where every side is compiled once and each package takes its share, finds exactly what
/// checking each package on its own finds.
#[test]
fn check_over_a_tree_finds_what_each_package_alone_finds() {
    let repo = Repo::new();
    let money = |t: &str| format!("syntax = \"proto3\";\npackage common.v1;\nmessage Money {{ {t} units = 1; string currency = 2; }}\n");
    let types = "syntax = \"proto3\";\npackage acme.v1;\nimport \"common/v1/money.proto\";\nmessage Item { common.v1.Money price = 1; string sku = 2; }\n";
    let orders = |extra: &str| {
        format!(
            "syntax = \"proto3\";\npackage acme.v1;\nimport \"acme/v1/types.proto\";\nmessage Order {{ repeated Item items = 1;{extra} }}\nservice Orders {{ rpc Get(Order) returns (Order); }}\n"
        )
    };
    let invoice = |extra: &str| {
        format!(
            "syntax = \"proto3\";\npackage billing.v1;\nimport \"acme/v1/types.proto\";\nimport \"common/v1/money.proto\";\nmessage Invoice {{ repeated acme.v1.Item items = 1;{extra} }}\n"
        )
    };
    repo.write("proto/common/v1/money.proto", &money("int64"));
    repo.write("proto/acme/v1/types.proto", types);
    repo.write("proto/acme/v1/orders.proto", &orders(" string note = 2;"));
    repo.write("proto/billing/v1/invoice.proto", &invoice(" common.v1.Money total = 2;"));
    repo.commit("v1");
    repo.write("proto/common/v1/money.proto", &money("int32"));
    repo.write("proto/acme/v1/orders.proto", &orders(""));
    repo.write("proto/billing/v1/invoice.proto", &invoice(" string total = 2;"));
    repo.commit("v2");
    let all = run_in(repo.path(), &["check", "--base", "HEAD~1", "-f", "json"]);
    assert_eq!(all.code, 1, "{all:?}");
    let mut alone = Vec::new();
    // `common/v1/money.proto` is imported by both packages: it is their dependency, not a spec.
    for module in ["acme.v1", "billing.v1"] {
        let out = run_in(repo.path(), &["check", "--base", "HEAD~1", "-f", "json", "-m", module]);
        assert_eq!(out.code, 1, "{module}: {out:?}");
        alone.extend(rows(&out));
    }
    alone.sort();
    let together = rows(&all);
    assert_eq!(together, alone);
    for (id, module, file) in [
        ("proto-field-same-type", "billing.v1", "proto/billing/v1/invoice.proto"),
        ("proto-field-no-delete", "acme.v1", "proto/acme/v1/orders.proto"),
    ] {
        assert!(together.iter().any(|r| r.0 == id && r.1 == module && r.2 == file), "{id} in {file}: {together:#?}");
    }
}

/// A package whose folder is longer than its name (`google/maps/fleetengine/v1` declaring
/// `maps.fleetengine.v1`, as in googleapis) is rooted where its files import each other from:
/// naming the siblings from the package's own root compiled them twice ("already defined").
#[test]
fn a_package_is_rooted_where_its_files_import_each_other_from() {
    let repo = Repo::new();
    let header = "syntax = \"proto3\";\npackage maps.fleetengine.v1;\nmessage Header { string language = 1; }\n";
    let traffic = "syntax = \"proto3\";\npackage maps.fleetengine.v1;\nmessage Speed { int32 kmh = 1; }\n";
    let api = |extra: &str| {
        format!(
            "syntax = \"proto3\";\npackage maps.fleetengine.v1;\nimport \"google/maps/fleetengine/v1/header.proto\";\nimport \"google/maps/fleetengine/v1/traffic.proto\";\nmessage Trip {{ Header header = 1; Speed speed = 2;{extra} }}\nservice Trips {{ rpc Get(Trip) returns (Trip); }}\n"
        )
    };
    // The entry in folder order (`a_header`) imports nothing of the package: its siblings do.
    repo.write("google/maps/fleetengine/v1/a_header.proto", header);
    repo.write("google/maps/fleetengine/v1/traffic.proto", traffic);
    repo.write("google/maps/fleetengine/v1/trip_api.proto", &api(" string id = 3;"));
    std::fs::rename(
        repo.path().join("google/maps/fleetengine/v1/a_header.proto"),
        repo.path().join("google/maps/fleetengine/v1/header.proto"),
    )
    .unwrap();
    repo.commit("v1");
    repo.write("google/maps/fleetengine/v1/trip_api.proto", &api(" int64 id = 3;"));
    repo.commit("id becomes an int64");
    let out = run_in(repo.path(), &["check", "--base", "HEAD~1", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    assert!(!out.stderr.contains("already defined"), "{out:?}");
    assert!(ids(&out).iter().any(|i| i == "proto-field-same-type"), "{out:?}");
    let discovered = run_in(repo.path(), &["discover", "-f", "json"]);
    let v: serde_json::Value = serde_json::from_str(&discovered.stdout).unwrap();
    assert_eq!(v["specs"].as_array().unwrap().len(), 1, "one spec for the package: {v:#}");
}

/// A repository whose `buf.yaml` depends on BSR modules: apidiff reads neither the network nor
/// buf's cache, so an import from a dependency names the dependency and how to vendor it; once
/// exported into a folder given with `-I`, the package compiles.
#[test]
fn an_import_from_a_buf_dependency_names_the_dependency_and_how_to_vendor_it() {
    let repo = Repo::new();
    repo.write("buf.yaml", "version: v2\nmodules:\n  - path: proto\ndeps:\n  - buf.build/googleapis/googleapis\n");
    let proto = "syntax = \"proto3\";\npackage acme.v1;\nimport \"google/type/money.proto\";\nmessage P { google.type.Money m = 1; }\n";
    repo.write("proto/acme/v1/p.proto", proto);
    repo.commit("v1");
    let out = run_in(repo.path(), &["check", "--base", "HEAD"]);
    assert_eq!(out.code, 2, "{out:?}");
    for needle in
        ["proto/acme/v1/p.proto:3", "google/type/money.proto", "buf.build/googleapis/googleapis", "buf export", "-I third_party/googleapis"]
    {
        assert!(out.stderr.contains(needle), "expected `{needle}`: {out:?}");
    }
    repo.write(
        "third_party/googleapis/google/type/money.proto",
        "syntax = \"proto3\";\npackage google.type;\nmessage Money { string currency_code = 1; int64 units = 2; }\n",
    );
    repo.write("apidiff.yaml", "protobuf:\n  roots: [third_party/googleapis]\n");
    repo.commit("vendor googleapis");
    let out = run_in(repo.path(), &["check", "--base", "HEAD"]);
    assert_eq!(out.code, 0, "{out:?}");
    assert!(!out.stderr.contains("not found"), "{out:?}");
}

/// A small slice of the differential run against `buf breaking` (one package, two releases of
/// the googleapis tree): both tools must agree. Needs npm `@bufbuild/buf` and the releases,
/// installed by `scripts/deps.sh` into `~/.cache/apidiff-buf-compare`; fails when CI=true and
/// they are missing, skips otherwise.
#[test]
fn buf_breaking_agrees_on_a_googleapis_package() {
    let cache = Path::new(&std::env::var("HOME").unwrap()).join(".cache/apidiff-buf-compare");
    let ready = cache.join("buf/node_modules/.bin/buf").exists()
        && ["5.0.0", "6.0.1"].iter().all(|v| cache.join(format!("gpf-{v}/package/google/pubsub/v1")).is_dir());
    if !ready {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but buf or google-proto-files are missing: run scripts/deps.sh");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/buf-compare.py");
    let o = Command::new("python3")
        .arg(script)
        .args(["--apidiff", env!("CARGO_BIN_EXE_apidiff"), "--releases", "5.0.0,6.0.1", "--packages", "google/pubsub/v1,google/iam/v1"])
        .arg("--cache")
        .arg(&cache)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&o.stderr));
    assert!(stdout.contains("packages compared: 2 ") && stdout.contains("unexplained disagreements: 0"), "{stdout}");
}

/// A package is compared whichever of its files leads it: when the file that stands for the
/// package now did not exist at the base, another file of the package there does.
#[test]
fn a_package_led_by_a_new_file_is_still_compared() {
    let repo = Repo::new();
    let b = "syntax = \"proto3\";\npackage acme.v1;\noption java_outer_classname = \"BProto\";\nmessage B {}\n";
    repo.write("proto/acme/v1/b.proto", &format!("{b}message Gone {{}}\n"));
    repo.commit("v1");
    repo.write(
        "proto/acme/v1/a.proto",
        "syntax = \"proto3\";\npackage acme.v1;\noption java_outer_classname = \"AProto\";\nmessage A {}\n",
    );
    repo.write("proto/acme/v1/b.proto", b);
    repo.commit("a.proto leads the package; Gone is deleted");
    let out = run_in(repo.path(), &["check", "--base", "HEAD~1", "-f", "json"]);
    assert_eq!(out.code, 1, "{out:?}");
    // b.proto pairs with b.proto (not with the new leading file a.proto): its options did not change.
    assert_eq!(ids(&out), ["proto-message-added", "proto-package-message-no-delete"], "{out:?}");
}
