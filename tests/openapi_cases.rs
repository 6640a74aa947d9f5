//! OpenAPI behaviours the exact-set fixture harness cannot see: where a change is located, which
//! operations a shared schema change reaches, termination on recursive and huge schemas, and
//! located errors for broken input.

use apidiff::diff::{self, Change, Options};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions, Spec};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

fn fixture(case: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("openapi").join(case)
}

fn load_file(cwd: &Path, rel: &str) -> apidiff::Result<Spec> {
    let input = Input::open(rel, cwd)?;
    spec::load(&input, &LoadOptions::default())
}

fn load_text(name: &str, text: &str) -> apidiff::Result<Spec> {
    let input = Input::from_text(name, text.as_bytes().to_vec(), Path::new("."))?;
    spec::load(&input, &LoadOptions::default())
}

fn compare(base: &Spec, rev: &Spec) -> Vec<Change> {
    let opts = Options { today: "2026-06-01".into(), ..Options::default() };
    diff::compare(base, rev, &opts).expect("same format")
}

fn compare_case(case: &str, base: &str, rev: &str) -> Vec<Change> {
    let dir = fixture(case);
    let b = load_file(&dir, base).expect("base loads");
    let r = load_file(&dir, rev).expect("revision loads");
    compare(&b, &r)
}

fn ids(changes: &[Change]) -> Vec<&str> {
    changes.iter().map(|c| c.rule.id).collect()
}

#[test]
fn shared_schema_change_is_reported_once_with_the_other_operations_affected() {
    let changes = compare_case("shared-schema-three-operations", "base.yaml", "revision.yaml");
    assert_eq!(ids(&changes), ["response-optional-property-removed"]);
    let c = &changes[0];
    let mut reached: Vec<&str> = c.operation.iter().map(String::as_str).chain(c.affected.iter().map(String::as_str)).collect();
    reached.sort_unstable();
    assert_eq!(reached, ["GET /pets", "GET /pets/{id}", "POST /pets/{id}/clone"]);
    assert_eq!(c.affected.len(), 2, "the reporting operation is not repeated in `affected`: {:?}", c.affected);
    let base = c.base.as_ref().expect("base location");
    assert_eq!(base.pointer, "/components/schemas/Pet/properties/tag");
    assert!(base.line.is_some(), "the location carries a line");
}

#[test]
fn multi_file_change_is_located_in_the_referenced_file() {
    let changes = compare_case("multi-file", "base/main.yaml", "revision/main.yaml");
    assert_eq!(ids(&changes), ["response-optional-property-removed"]);
    let c = &changes[0];
    let base = c.base.as_ref().expect("base location");
    let rev = c.revision.as_ref().expect("revision location");
    assert_eq!(base.file, "base/schemas/pet.yaml");
    assert_eq!(base.pointer, "/Pet/properties/tag");
    assert_eq!(base.line, Some(14));
    assert_eq!(rev.file, "revision/schemas/pet.yaml");
    assert_eq!(rev.pointer, "/Pet");
}

#[test]
fn recursive_schema_change_is_reported_once_per_direction() {
    let changes = compare_case("recursive-schema-deep-change", "base.yaml", "revision.yaml");
    let mut got = ids(&changes);
    got.sort_unstable();
    assert_eq!(got, ["request-type-changed", "response-type-changed"]);
    for c in &changes {
        assert_eq!(c.base.as_ref().map(|l| l.pointer.as_str()), Some("/components/schemas/Tree/properties/value/type"));
    }
}

/// A chain of `depth` named schemas (`S0.next` is `S1`, ...), the last one's `value` typed `leaf`.
fn chain_spec(depth: usize, leaf: &str) -> String {
    let mut schemas = Vec::new();
    for i in 0..depth {
        let next = if i + 1 < depth {
            format!("\"next\": {{\"$ref\": \"#/components/schemas/S{}\"}}", i + 1)
        } else {
            format!("\"value\": {{\"type\": \"{leaf}\"}}")
        };
        schemas.push(format!("\"S{i}\": {{\"type\": \"object\", \"properties\": {{{next}}}}}"));
    }
    format!(
        r##"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{"/x": {{"get": {{"responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/S0"}}}}}}}}}}}}}}}}, "components": {{"schemas": {{{}}}}}}}"##,
        schemas.join(", ")
    )
}

#[test]
fn deeply_nested_schemas_neither_overflow_nor_hang() {
    let started = Instant::now();
    // Within the depth budget the change at the bottom is found.
    let base = load_text("base.json", &chain_spec(30, "string")).expect("base loads");
    let rev = load_text("revision.json", &chain_spec(30, "integer")).expect("revision loads");
    assert_eq!(ids(&compare(&base, &rev)), ["response-type-changed"]);
    // Far beyond it, the comparison stops descending instead of overflowing the stack.
    let base = load_text("base.json", &chain_spec(5000, "string")).expect("base loads");
    let rev = load_text("revision.json", &chain_spec(5000, "integer")).expect("revision loads");
    let changes = compare(&base, &rev);
    assert!(changes.len() <= 1, "{:?}", ids(&changes));
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
}

/// `n` schemas that all refer to each other, used by one operation.
fn mesh_spec(n: usize, leaf: &str) -> String {
    let mut schemas = Vec::new();
    for i in 0..n {
        let mut props: Vec<String> = (0..n).map(|j| format!("\"to{j}\": {{\"$ref\": \"#/components/schemas/S{j}\"}}")).collect();
        props.push(format!("\"value\": {{\"type\": \"{leaf}\"}}"));
        schemas.push(format!("\"S{i}\": {{\"type\": \"object\", \"properties\": {{{}}}}}", props.join(", ")));
    }
    format!(
        r##"{{"openapi": "3.0.3", "info": {{"title": "t", "version": "1"}}, "paths": {{"/x": {{"get": {{"responses": {{"200": {{"description": "ok", "content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/S0"}}}}}}}}}}}}}}}}, "components": {{"schemas": {{{}}}}}}}"##,
        schemas.join(", ")
    )
}

#[test]
fn densely_recursive_schemas_are_compared_once_per_pair() {
    let base = load_text("base.json", &mesh_spec(40, "string")).expect("base loads");
    let rev = load_text("revision.json", &mesh_spec(40, "integer")).expect("revision loads");
    let started = Instant::now();
    let changes = compare(&base, &rev);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    // One change per schema, each reported once.
    assert_eq!(changes.len(), 40, "{:?}", ids(&changes));
    assert!(changes.iter().all(|c| c.rule.id == "response-type-changed"));
}

fn input_error(name: &str, text: &str) -> apidiff::Located {
    match load_text(name, text) {
        Err(apidiff::Error::Input(l)) => l,
        Err(other) => panic!("expected a located input error, got {other}"),
        Ok(_) => panic!("expected {name} to be refused"),
    }
}

#[test]
fn dangling_ref_is_located_at_the_ref() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/Nope'\n";
    let e = input_error("api.yaml", text);
    assert_eq!(e.file, "api.yaml");
    assert_eq!(e.line, Some(12), "{e}");
    assert!(e.message.contains("#/components/schemas/Nope"), "{e}");
}

#[test]
fn ref_loop_is_an_error_not_a_hang() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: '#/components/schemas/B'\n    B:\n      $ref: '#/components/schemas/A'\n";
    let e = input_error("api.yaml", text);
    assert!(e.line.is_some(), "{e}");
    assert!(e.message.contains("loops"), "{e}");
}

#[test]
fn missing_ref_file_names_the_referring_line() {
    let text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /x:\n    $ref: './no-such-file.yaml'\n";
    let e = input_error("api.yaml", text);
    assert_eq!(e.file, "api.yaml");
    assert_eq!(e.line, Some(5), "{e}");
    assert!(e.message.contains("no-such-file.yaml"), "{e}");
}

#[test]
fn unsupported_version_is_refused() {
    let e = input_error("api.yaml", "openapi: 4.0.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert!(e.message.contains("expected swagger: \"2.0\" or openapi: 3.x"), "{e}");
    let e = input_error("api.yaml", "swagger: '1.2'\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert!(e.message.contains("unsupported"), "{e}");
}

#[test]
fn odd_shapes_load_without_panicking() {
    // Wrong types where objects are expected: lenient loading, never a panic.
    for text in [
        "openapi: 3.0.3\npaths: []\n",
        "openapi: 3.0.3\npaths:\n  /x: 5\n",
        "openapi: 3.0.3\npaths:\n  /x:\n    get: [1, 2]\n",
        "openapi: 3.0.3\npaths:\n  /x:\n    get:\n      parameters: {a: 1}\n      responses: [1]\n",
        "openapi: 3.1.0\nwebhooks: 7\ncomponents: {schemas: [1]}\n",
        "swagger: '2.0'\npaths:\n  /x:\n    post:\n      parameters:\n        - {in: body}\n        - {name: f, in: formData}\n",
        "openapi: 3.0.3\npaths:\n  /x:\n    get:\n      responses:\n        '200':\n          content:\n            application/json:\n              schema: {type: [1, 2], properties: 3, required: 4, items: 5, allOf: 6, enum: 7}\n",
    ] {
        let spec = load_text("odd.yaml", text);
        if let Ok(s) = &spec {
            let _ = compare(s, s);
        }
    }
}

/// A 3.1 spec whose request body is `schema` (JSON text) with `components` (JSON text).
fn spec_31(schema: &str, components: &str) -> String {
    format!(
        r##"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}}, "paths": {{"/x": {{"post": {{"requestBody": {{"content": {{"application/json": {{"schema": {schema}}}}}}}, "responses": {{"204": {{"description": "ok"}}}}}}}}}}, "components": {{"schemas": {components}}}}}"##
    )
}

#[test]
fn not_nested_a_hundred_deep_ends_with_a_result() {
    let nest = |n: u32| {
        let mut s = format!("{{\"type\": \"string\", \"minLength\": {n}}}");
        for _ in 0..100 {
            s = format!("{{\"not\": {s}}}");
        }
        s
    };
    let base = load_text("base.json", &spec_31(&nest(1), "{}")).expect("base loads");
    let rev = load_text("revision.json", &spec_31(&nest(2), "{}")).expect("revision loads");
    let started = Instant::now();
    let changes = compare(&base, &rev);
    assert!(started.elapsed() < Duration::from_secs(20), "took {:?}", started.elapsed());
    // 100 `not`s cancel out: the bound is a request bound again, raised.
    assert_eq!(ids(&changes), ["request-length-tightened"]);
}

#[test]
fn self_referencing_if_chain_ends() {
    let s = |n: u32| {
        format!(
            r##"{{"S": {{"type": "string", "minLength": {n}, "if": {{"$ref": "#/components/schemas/S"}}, "then": {{"$ref": "#/components/schemas/S"}}, "else": {{"$ref": "#/components/schemas/S"}}}}}}"##
        )
    };
    let body = r##"{"$ref": "#/components/schemas/S"}"##;
    let base = load_text("base.json", &spec_31(body, &s(1))).expect("base loads");
    let rev = load_text("revision.json", &spec_31(body, &s(2))).expect("revision loads");
    assert_eq!(ids(&compare(&base, &rev)), ["request-length-tightened"]);
}

#[test]
fn dynamic_ref_loop_is_a_located_error() {
    let text = spec_31(r##"{"$ref": "#/components/schemas/A"}"##, r##"{"A": {"$dynamicAnchor": "a", "$dynamicRef": "#a"}}"##);
    let e = input_error("api.json", &text);
    assert!(e.line.is_some(), "{e}");
    assert!(e.message.contains("loops"), "{e}");
}

#[test]
fn changes_to_draft_operations_are_not_breaking() {
    let spec = |required: &str, with_x: bool| {
        let x = if with_x { r#""/x": {"get": {"x-stability-level": "draft", "responses": {"204": {"description": "ok"}}}}, "# } else { "" };
        format!(
            r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}}, "paths": {{{x}"/d": {{"post": {{"x-stability-level": "alpha", "requestBody": {{"content": {{"application/json": {{"schema": {{"type": "object", "properties": {{"a": {{"type": "string"}}}}, "required": [{required}]}}}}}}}}, "responses": {{"204": {{"description": "ok"}}}}}}}}}}}}"#
        )
    };
    let base = load_text("base.json", &spec("", true)).expect("base loads");
    let rev = load_text("revision.json", &spec("\"a\"", false)).expect("revision loads");
    let changes = compare(&base, &rev);
    let mut got: Vec<(&str, &str)> = changes.iter().map(|c| (c.rule.id, c.severity.as_str())).collect();
    got.sort_unstable();
    assert_eq!(got, [("endpoint-removed", "warning"), ("request-property-became-required", "warning")]);
}

#[test]
fn a_shared_schema_change_stays_breaking_for_stable_operations() {
    // `/a` and `/b` both send `Pet`; one of them is draft. Raising `minLength` in `Pet` breaks
    // the stable one's clients whichever operation reaches `Pet` first.
    let spec = shared_pet;
    for draft_first in [true, false] {
        let base = load_text("base.json", &spec(1, draft_first)).expect("base loads");
        let rev = load_text("revision.json", &spec(2, draft_first)).expect("revision loads");
        let changes = compare(&base, &rev);
        let got: Vec<(&str, &str)> = changes.iter().map(|c| (c.rule.id, c.severity.as_str())).collect();
        assert_eq!(got, [("request-length-tightened", "breaking")], "draft first: {draft_first}");
        assert!(!changes[0].message.contains("draft"), "{}", changes[0].message);
        assert_eq!(changes[0].affected.len(), 1, "{:?}", changes[0].affected);
    }
    // Reached only from the draft operation, the same change is a warning.
    let only_draft = |min: u32| {
        spec(min, true).replace(r#""/b": {"post": {"requestBody""#, r#""/b": {"post": {"x-stability-level": "alpha", "requestBody""#)
    };
    let base = load_text("base.json", &only_draft(1)).expect("base loads");
    let rev = load_text("revision.json", &only_draft(2)).expect("revision loads");
    let got: Vec<(String, &str)> = compare(&base, &rev).iter().map(|c| (c.rule.id.to_string(), c.severity.as_str())).collect();
    assert_eq!(got, [("request-length-tightened".to_string(), "warning")]);
}

/// `/a` and `/b` both send `Pet` (`minLength` of its name: `min`); the first (or second) is draft.
fn shared_pet(min: u32, draft_first: bool) -> String {
    let op = |level: &str| {
        format!(
            r##"{{"post": {{{level}"requestBody": {{"content": {{"application/json": {{"schema": {{"$ref": "#/components/schemas/Pet"}}}}}}}}, "responses": {{"204": {{"description": "ok"}}}}}}}}"##
        )
    };
    let draft = r#""x-stability-level": "draft", "#;
    let (a, b) = if draft_first { (op(draft), op("")) } else { (op(""), op(draft)) };
    format!(
        r#"{{"openapi": "3.1.0", "info": {{"title": "t", "version": "1"}}, "paths": {{"/a": {a}, "/b": {b}}}, "components": {{"schemas": {{"Pet": {{"type": "object", "properties": {{"name": {{"type": "string", "minLength": {min}}}}}}}}}}}}}"#
    )
}

#[test]
fn witnesses_built_while_comparing_are_those_built_after() {
    // `diff` builds OpenAPI witnesses on a second core from copies of the changes as they are
    // first found. Draft first, `Pet`'s change is found softened (a warning, with a note) and
    // made breaking again by the stable operation: its copy is stale, and the witness must
    // still be the one built from the final change.
    for draft_first in [true, false] {
        let (b, r) = (shared_pet(1, draft_first), shared_pet(2, draft_first));
        let mut want = compare(&load_text("base.json", &b).expect("base"), &load_text("revision.json", &r).expect("revision"));
        apidiff::witness::attach(&load_text("base.json", &b).expect("base"), &load_text("revision.json", &r).expect("revision"), &mut want);
        let input = |name: &str, text: &str| Input::from_text(name, text.as_bytes().to_vec(), Path::new(".")).expect("input");
        let req = apidiff::pipeline::DiffRequest {
            base: input("base.json", &b),
            revision: input("revision.json", &r),
            load: LoadOptions::default(),
            options: Options { today: "2026-06-01".into(), witness: true, ..Options::default() },
            policy: apidiff::policy::Policy::default(),
            now: 0,
            exiting: false,
            usage: None,
        };
        let report = apidiff::pipeline::diff(req).expect("diff").report;
        let got: Vec<_> = report.changes.iter().map(|c| (c.id.as_str(), c.witness.clone())).collect();
        assert_eq!(want.len(), 1, "draft first: {draft_first}");
        assert!(want[0].witness.as_ref().is_some_and(|w| w.kind != apidiff::diff::WitnessKind::None), "{:?}", want[0].witness);
        assert_eq!(got, [(want[0].rule.id, want[0].witness.clone())], "draft first: {draft_first}");
    }
}
