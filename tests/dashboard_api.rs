//! The dashboard's API: deploy rows with a chip per module, the severity trend, the filters by
//! rule and free text (done on the server), commit links through `alerts.commit_url`, and the
//! changed region of a schema.
#![cfg(feature = "server")]

mod common_server;

use apidiff::server::auth::{self, Role};
use common_server::*;
use serde_json::{Value, json};

fn seeded() -> Server {
    let config = format!("{}alerts:\n  commit_url: 'https://git.example/acme/api/commit/{{commit}}'\n", config_yaml());
    let s = Server::start_full(
        tempfile::tempdir().unwrap(),
        auth::Auth::hs256(SECRET.as_bytes(), "apidiff").unwrap(),
        &config,
        Default::default(),
        |_, _| std::sync::Arc::new(Recorder(Default::default())),
    );
    let dev = token(Role::Developer, "dev");
    let reg = |body: Value| s.json("POST", "/api/api-diff/register", &dev, Some(body));
    reg(json!({"module": "users", "spec": USERS_V1, "deploy": "1111111aaaa", "author": "Jane"}));
    reg(json!({"specs": [
        {"module": "users", "spec": USERS_V2},
        {"module": "billing", "spec": "type Query { invoice(id: ID!): String }\n", "path": "billing/schema.graphql"},
    ], "deploy": "2222222bbbb", "author": "Jane", "message": "Drop GET /users/{id}"}));
    reg(
        json!({"module": "billing", "spec": "type Query { invoice(id: ID!): String\n  total: Int }\n", "path": "billing/schema.graphql", "deploy": "3333333cccc"}),
    );
    s
}

fn get(s: &Server, path: &str) -> Value {
    s.json("GET", path, &token(Role::Viewer, "vic"), None)
}

fn deploys(v: &Value) -> Vec<&str> {
    v["items"].as_array().unwrap().iter().map(|d| d["deploy"].as_str().unwrap()).collect()
}

#[test]
fn deploys_are_rows_with_a_chip_per_module_and_commit_links() {
    let s = seeded();
    let all = get(&s, "/api/api-diff/deploys");
    assert_eq!(deploys(&all), ["3333333cccc", "2222222bbbb", "1111111aaaa"], "{all}");
    let two = &all["items"][1];
    let chips: Vec<&str> = two["modules"].as_array().unwrap().iter().map(|m| m["module"].as_str().unwrap()).collect();
    assert_eq!(chips, ["billing", "users"], "one chip per module, sorted: {two}");
    assert_eq!(two["severity"], "breaking");
    assert_eq!(two["counts"]["breaking"], 1);
    assert_eq!(two["modules"][1]["severity"], "breaking");
    assert_eq!(two["modules"][0]["severity"], "none", "billing's baseline");
    assert!(two["modules"][0].get("changes").is_none(), "chips carry no change lists");
    assert_eq!(two["commit_url"], "https://git.example/acme/api/commit/2222222bbbb");
    assert_eq!(two["message"], "Drop GET /users/{id}");
    // Paging by deploy.
    let p1 = get(&s, "/api/api-diff/deploys?limit=2");
    assert_eq!(deploys(&p1), ["3333333cccc", "2222222bbbb"]);
    let cur = p1["next_cursor"].as_str().unwrap();
    let p2 = get(&s, &format!("/api/api-diff/deploys?limit=2&cursor={cur}"));
    assert_eq!(deploys(&p2), ["1111111aaaa"]);
    assert!(p2["next_cursor"].is_null());
    // Bad input and no token.
    assert_eq!(s.req("GET", "/api/api-diff/deploys?severity=fatal", Some(&token(Role::Viewer, "v")), None).status, 400);
    assert_eq!(s.req("GET", "/api/api-diff/deploys?cursor=zz", Some(&token(Role::Viewer, "v")), None).status, 400);
    assert_eq!(s.req("GET", "/api/api-diff/deploys", None, None).status, 401);
    assert_eq!(s.req("GET", "/api/api-diff/trend", None, None).status, 401);
}

#[test]
fn rule_and_text_filters_run_on_the_server() {
    let s = seeded();
    let by_rule = get(&s, "/api/api-diff/deploys?rule=endpoint-removed");
    assert_eq!(deploys(&by_rule), ["2222222bbbb"], "{by_rule}");
    let chips = by_rule["items"][0]["modules"].as_array().unwrap();
    assert_eq!(chips.len(), 1, "only the module with that rule: {by_rule}");
    assert_eq!(chips[0]["matched"]["breaking"], 1);
    assert_eq!(get(&s, "/api/api-diff/deploys?rule=no-such-rule")["items"], json!([]));
    // Free text finds a change's operation, a module name, a commit message.
    assert_eq!(deploys(&get(&s, "/api/api-diff/deploys?q=GET%20%2Fusers%2F%7Bid%7D")), ["2222222bbbb"]);
    assert_eq!(deploys(&get(&s, "/api/api-diff/deploys?q=BILLING")), ["3333333cccc", "2222222bbbb"]);
    assert_eq!(deploys(&get(&s, "/api/api-diff/deploys?q=total")), ["3333333cccc"], "the added field");
    assert_eq!(deploys(&get(&s, "/api/api-diff/deploys?module=users&severity=none")), ["1111111aaaa"]);
    // The trend counts what the filter keeps, per day.
    let t = get(&s, "/api/api-diff/trend");
    let days = t["days"].as_array().unwrap();
    assert_eq!(days.len(), 1, "{t}");
    assert_eq!(days[0]["breaking"], 1);
    assert_eq!(days[0]["entries"], 4);
    assert_eq!(t["from"], t["to"]);
    let t = get(&s, "/api/api-diff/trend?rule=endpoint-removed");
    assert_eq!(
        (t["days"][0]["breaking"].as_u64(), t["days"][0]["info"].as_u64(), t["days"][0]["entries"].as_u64()),
        (Some(1), Some(0), Some(1))
    );
    assert_eq!(get(&s, "/api/api-diff/trend?q=nothing-matches")["days"], json!([]));
}

#[test]
fn the_diff_view_can_show_only_the_changed_region() {
    let s = seeded();
    let users = get(&s, "/api/api-diff/deploys?module=users&limit=1");
    let id = users["items"][0]["modules"][0]["id"].as_str().unwrap().to_string();
    let d = get(&s, &format!("/api/api-diff/entries/{id}/diff?context=0"));
    assert!(d.get("old").is_none() && d.get("new").is_none(), "{d}");
    let rows = d["files"][0]["rows"].as_array().unwrap();
    let tags: Vec<&str> = rows.iter().map(|r| r["tag"].as_str().unwrap()).collect();
    assert_eq!(tags.first(), Some(&"skip"), "{d}");
    assert!(tags.contains(&"delete") && !tags.contains(&"equal"), "{tags:?}");
    assert!(rows.iter().any(|r| r["text"] == "  /users/{id}:"));
    let full = get(&s, &format!("/api/api-diff/entries/{id}/diff"));
    assert!(full["old"].is_object(), "without context the whole files stay");
}

/// The dashboard's usage (#27): `GET /usage?module=M` answers what `usage show` lists, from
/// an access log ingested by the real binary (and a stored response sample): the most-used operations, the clients, the unused
/// operations, the payload conformance findings; `known: false` for a module without evidence.
/// The entry of the revision carries, per change, the usage its verdict was made with (stored
/// with the record) and today's figure.
#[test]
fn module_usage_and_the_usage_recorded_with_each_change() {
    use common_server::usage_seed::seeded_usage;
    let (s, entry) = seeded_usage();
    let u = get(&s, "/api/api-diff/usage?module=users");
    assert_eq!(u["known"], true, "{u:#}");
    assert_eq!(u["window"], "30d");
    assert_eq!(u["requests"], 10, "{u:#}");
    let used: Vec<(&str, u64, u64)> = u["used"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| (o["operation"].as_str().unwrap(), o["requests"].as_u64().unwrap(), o["clients"].as_u64().unwrap()))
        .collect();
    assert_eq!(used, [("GET /users", 5, 1), ("GET /users/{id}", 5, 2)], "busiest first, then by name: {u:#}");
    assert!(u["used"][0]["last_seen"].as_str().unwrap().starts_with(&apidiff::time::today()), "{u:#}");
    assert_eq!(u["clients"], json!([{"client": "web-app", "requests": 8}, {"client": "ios-app", "requests": 2}]));
    assert_eq!(u["unused"], json!(["DELETE /users/{id}"]), "{u:#}");
    let found: Vec<(&str, &str)> =
        u["conformance"].as_array().unwrap().iter().map(|f| (f["problem"].as_str().unwrap(), f["pointer"].as_str().unwrap())).collect();
    assert_eq!(found, [("missing-required", "/total"), ("undocumented", "/count")], "{u:#}");
    // Without the spec in the working tree, the module's latest archived snapshot describes it.
    std::fs::remove_file(s.dir.path().join("users/openapi.yaml")).unwrap();
    let archived = get(&s, "/api/api-diff/usage?module=users");
    assert_eq!(archived["unused"], json!(["DELETE /users/{id}"]), "{archived:#}");
    assert_eq!(archived["conformance"].as_array().unwrap().len(), 2, "{archived:#}");
    // No evidence is "unknown", never "unused".
    let billing = get(&s, "/api/api-diff/usage?module=billing");
    assert_eq!(billing["known"], false, "{billing:#}");
    assert_eq!((billing["unused"].clone(), billing["used"].clone()), (json!([]), json!([])));
    // Typed errors: no module, an unknown one, no token.
    let viewer = token(Role::Viewer, "vic");
    assert_eq!(s.req("GET", "/api/api-diff/usage", Some(&viewer), None).status, 400);
    assert_eq!(s.req("GET", "/api/api-diff/usage?module=nope", Some(&viewer), None).status, 404);
    assert_eq!(s.req("GET", "/api/api-diff/usage?module=users", None, None).status, 401);

    // The verdicts as recorded: the lookup clients called stays breaking and names them; the
    // legacy lookup nobody called became a warning that says why.
    let id = entry["id"].as_str().unwrap();
    let detail = get(&s, &format!("/api/api-diff/entries/{id}"));
    let changes = detail["entry"]["changes"].as_array().unwrap();
    let by_op = |op: &str| changes.iter().position(|c| c["operation"] == op).unwrap_or_else(|| panic!("{op}: {detail:#}"));
    let lookup = &changes[by_op("GET /users/{id}")];
    assert_eq!((lookup["id"].as_str(), lookup["severity"].as_str()), (Some("endpoint-removed"), Some("breaking")), "{lookup:#}");
    assert_eq!(lookup["usage"]["requests"], 5);
    assert_eq!(lookup["usage"]["clients"], 2);
    assert_eq!(lookup["usage"]["module_requests"], 10);
    assert_eq!(lookup["usage"]["top_clients"], json!([{"client": "web-app", "requests": 3}, {"client": "ios-app", "requests": 2}]));
    assert_eq!(lookup["usage_note"], "breaks web-app (3), ios-app (2) (5 of 10 requests in 30 days)");
    let legacy = &changes[by_op("GET /legacy/{id}")];
    assert_eq!(legacy["severity"], "warning", "{legacy:#}");
    assert_eq!(legacy["usage"]["requests"], 0);
    assert_eq!(legacy["usage_note"], "0 of 10 requests in 30 days: a warning under the usage policy (used below its thresholds)");
    // Today's figure beside each, in the changes' order.
    let now = detail["usage_now"].as_array().unwrap();
    assert_eq!(now.len(), changes.len());
    assert_eq!(now[by_op("GET /users/{id}")]["requests"], 5);
    // The record in the store holds it (the verdict as it was made).
    let raw = std::fs::read_to_string(s.dir.path().join(format!(".apidiff/records/entries/{id}.json"))).unwrap();
    assert!(raw.contains("\"usage_note\": \"breaks web-app (3), ios-app (2)"), "{raw}");
    // A client erased (`apidiff privacy erase`) reads back erased in the recorded usage too.
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_apidiff"))
        .args(["privacy", "erase", "--subject", "web-app"])
        .current_dir(s.dir.path())
        .env_remove("APIDIFF_STORE")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let detail = get(&s, &format!("/api/api-diff/entries/{id}"));
    let lookup = &detail["entry"]["changes"][by_op("GET /users/{id}")];
    assert_eq!(lookup["usage"]["top_clients"][0]["client"], "[erased]", "{lookup:#}");
    assert_eq!(lookup["usage_note"], "breaks [erased] (3), ios-app (2) (5 of 10 requests in 30 days)");
    assert!(!detail.to_string().contains("web-app"), "{detail:#}");
    // Evidence ingested while the server runs counts at once (the server's evidence cache
    // follows the store's batches).
    let line = format!("203.0.113.99 - - [{}] \"GET /users HTTP/1.1\" 200 12 \"-\" \"ios-app/1.0\"\n", clf_now());
    std::fs::write(s.dir.path().join("more.log"), line).unwrap();
    std::fs::write(s.dir.path().join("users/openapi.yaml"), common_server::usage_seed::usage_v2()).unwrap();
    let done = common_server::usage_seed::ingest(s.dir.path(), &["more.log"]);
    assert_eq!(done["files"][0]["matched"], 1, "{done:#}");
    assert_eq!(get(&s, "/api/api-diff/usage?module=users")["requests"], 11);
    let detail = get(&s, &format!("/api/api-diff/entries/{id}"));
    assert_eq!(detail["usage_now"][by_op("GET /users/{id}")]["module_requests"], 11, "today's figure moved on");
    assert_eq!(detail["entry"]["changes"][by_op("GET /users/{id}")]["usage"]["module_requests"], 10, "the recorded one did not");
}

/// Today at 00:00:30 in the combined log's time format.
fn clf_now() -> String {
    let t = apidiff::time::today();
    let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    format!("{}/{}/{}:00:00:30 +0000", &t[8..10], months[t[5..7].parse::<usize>().unwrap() - 1], &t[..4])
}
