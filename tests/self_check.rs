//! The project checks itself: apidiff.yaml names one module, the tracker's REST API
//! (docs/api/openapi.yaml), and keeps fixtures and tests out of discovery; and that description
//! stays in step with the routes `apidiff serve` really has (every route in the router is in the
//! spec, and every operation of the spec is a route).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn discovery_here_finds_only_the_tracker_api() {
    let o = Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .current_dir(repo())
        .args(["discover", "--root", ".", "--format", "json"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let specs: Vec<(String, String)> = v["specs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["module"].as_str().unwrap().to_string(), s["path"].as_str().unwrap().to_string()))
        .collect();
    assert_eq!(specs, [("tracker-api".to_string(), "docs/api/openapi.yaml".to_string())]);
}

/// `(METHOD, path)` of every route in src/server/mod.rs's router (with the `nest` prefix).
fn router_routes() -> BTreeSet<(String, String)> {
    let src = std::fs::read_to_string(repo().join("src/server/mod.rs")).unwrap();
    let body = &src[src.find("pub fn router(").expect("the router function")..];
    let body = &body[..body.find("\n}\n").unwrap()];
    let nest = body.split(".nest(\"").nth(1).map(|r| r[..r.find('"').unwrap()].to_string()).expect("a nested API");
    let mut routes = BTreeSet::new();
    // The nested API is the `let api = Router::new()...;` statement; the rest is the outer router.
    let api_end = body.find(";\n").unwrap();
    for (i, chunk) in body.split(".route(\"").enumerate().skip(1) {
        let offset = body.match_indices(".route(\"").nth(i - 1).unwrap().0;
        let path = &chunk[..chunk.find('"').unwrap()];
        let rest = &chunk[chunk.find('"').unwrap() + 1..];
        let rest = &rest[..rest.find(".route(").unwrap_or(rest.len())];
        let prefix = if offset < api_end { nest.as_str() } else { "" };
        let mut any = false;
        for m in ["get", "post", "put", "patch", "delete"] {
            if rest.contains(&format!(" {m}(")) || rest.contains(&format!(".{m}(")) {
                routes.insert((m.to_uppercase(), format!("{prefix}{path}")));
                any = true;
            }
        }
        assert!(any, "no method found for route {path}");
    }
    routes
}

/// `(METHOD, path)` of every operation in docs/api/openapi.yaml.
fn spec_operations() -> BTreeSet<(String, String)> {
    let text = std::fs::read_to_string(repo().join("docs/api/openapi.yaml")).unwrap();
    let (spec, _) = apidiff::source::text::parse("docs/api/openapi.yaml", &text).unwrap();
    let mut ops = BTreeSet::new();
    for (path, item) in spec["paths"].as_object().unwrap() {
        for m in ["get", "post", "put", "patch", "delete"] {
            if item.get(m).is_some() {
                ops.insert((m.to_uppercase(), path.clone()));
            }
        }
    }
    ops
}

#[test]
fn the_rest_api_description_matches_the_router() {
    let routes = router_routes();
    let ops = spec_operations();
    assert!(routes.len() >= 15, "the router scan found too little: {routes:?}");
    let undocumented: Vec<_> = routes.difference(&ops).collect();
    let unrouted: Vec<_> = ops.difference(&routes).collect();
    assert!(undocumented.is_empty(), "routes missing from docs/api/openapi.yaml: {undocumented:?}");
    assert!(unrouted.is_empty(), "operations in docs/api/openapi.yaml that the router lacks: {unrouted:?}");
}
