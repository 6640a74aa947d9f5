//! GraphQL introspection (`graphql+http://` and `graphql+https://` locators): runs the standard
//! introspection query (POST, falling back to GET) and writes the answer as SDL, so the GraphQL
//! loader reads a running server exactly as it reads a `.graphql` file.

use super::http::{HttpFetch, status_message};
use serde_json::Value;
use std::fmt::Write;

const TYPE_REF: &str = "fragment TypeRef on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } }";

/// The introspection query; `full` also asks for what newer servers expose (`isOneOf`,
/// `specifiedByURL`, repeatable directives, deprecated arguments and input fields).
fn query(full: bool) -> String {
    let (extra_type, repeatable, dep_args, dep_iv) = if full {
        ("specifiedByURL isOneOf", "isRepeatable", "(includeDeprecated: true)", "isDeprecated deprecationReason")
    } else {
        ("", "", "", "")
    };
    format!(
        "query IntrospectionQuery {{ __schema {{ queryType {{ name }} mutationType {{ name }} subscriptionType {{ name }} \
         types {{ ...FullType }} directives {{ name description {repeatable} locations args{dep_args} {{ ...InputValue }} }} }} }} \
         fragment FullType on __Type {{ kind name description {extra_type} \
         fields(includeDeprecated: true) {{ name description args{dep_args} {{ ...InputValue }} type {{ ...TypeRef }} isDeprecated deprecationReason }} \
         inputFields{dep_args} {{ ...InputValue }} interfaces {{ ...TypeRef }} \
         enumValues(includeDeprecated: true) {{ name description isDeprecated deprecationReason }} possibleTypes {{ ...TypeRef }} }} \
         fragment InputValue on __InputValue {{ name description type {{ ...TypeRef }} defaultValue {dep_iv} }} {TYPE_REF}"
    )
}

/// Introspects `url` (plain http(s)) and returns SDL; the error is the cause only.
pub fn fetch(http: &HttpFetch, url: &str) -> Result<String, String> {
    let value = match run(http, url, &query(true))? {
        Ok(v) => v,
        // An older server rejects the newer fields: ask again with the classic query.
        Err(_) => run(http, url, &query(false))?.map_err(|m| format!("introspection disabled: {m}"))?,
    };
    let schema = value.pointer("/data/__schema").filter(|s| s.is_object()).ok_or("introspection disabled: the answer has no `__schema`")?;
    Ok(to_sdl(schema))
}

/// One introspection round trip: `Ok(Ok(json))` with data, `Ok(Err(message))` when the server
/// answered with GraphQL errors only, `Err` when the transport failed.
fn run(http: &HttpFetch, url: &str, query: &str) -> Result<Result<Value, String>, String> {
    let body = serde_json::json!({ "query": query, "operationName": "IntrospectionQuery" });
    let mut resp = http.send(|c| c.post(url).header("accept", "application/json").json(&body))?;
    if matches!(resp.status().as_u16(), 400 | 404 | 405 | 415) {
        // Some servers only answer GET.
        resp = http.send(|c| c.get(url).header("accept", "application/json").query(&[("query", query)]))?;
    }
    let status = resp.status().as_u16();
    let ok = resp.status().is_success();
    let bytes = http.body(resp)?;
    let parsed = serde_json::from_slice::<Value>(&bytes);
    if !ok && !matches!(status, 400 | 422) {
        return Err(status_message(status));
    }
    let value = match parsed {
        Ok(v) => v,
        // A JSON answer the parser refuses (nested deeper than it allows, cut short) says why,
        // rather than that it is not JSON.
        Err(e) if bytes.iter().find(|b| !b.is_ascii_whitespace()).is_some_and(|b| matches!(b, b'{' | b'[')) => {
            return Err(format!("the answer could not be read as JSON: {e} (JSON nested deeper than 128 levels is refused)"));
        }
        Err(_) if ok => return Err("not a GraphQL endpoint: the answer is not JSON".into()),
        Err(_) => return Err(status_message(status)),
    };
    if value.pointer("/data/__schema").is_some_and(Value::is_object) {
        return Ok(Ok(value));
    }
    if value.get("data").is_none() && value.get("errors").is_none() {
        return Err("not a GraphQL endpoint: the answer has neither `data` nor `errors`".into());
    }
    let first = value
        .pointer("/errors/0/message")
        .or_else(|| value.pointer("/errors/0"))
        .and_then(Value::as_str)
        .unwrap_or("no data in the answer");
    Ok(Err(first.to_string()))
}

const BUILTIN_SCALARS: [&str; 5] = ["String", "Int", "Float", "Boolean", "ID"];
const BUILTIN_DIRECTIVES: [&str; 5] = ["skip", "include", "deprecated", "specifiedBy", "oneOf"];

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn list<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[])
}

/// Writes an introspection `__schema` as SDL.
pub fn to_sdl(schema: &Value) -> String {
    let mut out = String::new();
    let roots: Vec<(&str, &str)> = [("query", "queryType"), ("mutation", "mutationType"), ("subscription", "subscriptionType")]
        .into_iter()
        .filter_map(|(op, key)| schema.get(key).and_then(|t| t.get("name")).and_then(Value::as_str).map(|n| (op, n)))
        .collect();
    if !roots.is_empty() {
        out.push_str("schema {\n");
        for (op, name) in roots {
            let _ = writeln!(out, "  {op}: {name}");
        }
        out.push_str("}\n\n");
    }
    for d in list(schema, "directives") {
        let name = s(d, "name");
        if BUILTIN_DIRECTIVES.contains(&name) {
            continue;
        }
        description(&mut out, d, "");
        let _ = write!(out, "directive @{name}{}", args(list(d, "args"), ""));
        if d.get("isRepeatable").and_then(Value::as_bool).unwrap_or(false) {
            out.push_str(" repeatable");
        }
        let locations: Vec<&str> = list(d, "locations").iter().filter_map(Value::as_str).collect();
        let _ = writeln!(out, " on {}\n", locations.join(" | "));
    }
    for t in list(schema, "types") {
        let name = s(t, "name");
        if name.starts_with("__") || (s(t, "kind") == "SCALAR" && BUILTIN_SCALARS.contains(&name)) {
            continue;
        }
        type_def(&mut out, t, name);
    }
    out
}

fn type_def(out: &mut String, t: &Value, name: &str) {
    description(out, t, "");
    let kind = s(t, "kind");
    match kind {
        "SCALAR" => {
            let _ = write!(out, "scalar {name}");
            if let Some(url) = t.get("specifiedByURL").and_then(Value::as_str) {
                let _ = write!(out, " @specifiedBy(url: {})", quote(url));
            }
            out.push('\n');
        }
        "UNION" => {
            let members: Vec<&str> = list(t, "possibleTypes").iter().map(|p| s(p, "name")).collect();
            let _ = writeln!(out, "union {name} = {}", members.join(" | "));
        }
        "ENUM" => {
            let _ = writeln!(out, "enum {name} {{");
            for v in list(t, "enumValues") {
                description(out, v, "  ");
                let _ = writeln!(out, "  {}{}", s(v, "name"), deprecated(v));
            }
            out.push_str("}\n");
        }
        "INPUT_OBJECT" => {
            let one_of = if t.get("isOneOf").and_then(Value::as_bool).unwrap_or(false) { " @oneOf" } else { "" };
            let _ = writeln!(out, "input {name}{one_of} {{");
            for f in list(t, "inputFields") {
                description(out, f, "  ");
                let _ = writeln!(out, "  {}", input_value(f));
            }
            out.push_str("}\n");
        }
        _ => {
            let keyword = if kind == "INTERFACE" { "interface" } else { "type" };
            let interfaces: Vec<&str> = list(t, "interfaces").iter().map(|i| s(i, "name")).collect();
            let implements = if interfaces.is_empty() { String::new() } else { format!(" implements {}", interfaces.join(" & ")) };
            let _ = writeln!(out, "{keyword} {name}{implements} {{");
            for f in list(t, "fields") {
                description(out, f, "  ");
                let _ = writeln!(out, "  {}{}: {}{}", s(f, "name"), args(list(f, "args"), "  "), type_ref(&f["type"]), deprecated(f));
            }
            out.push_str("}\n");
        }
    }
    out.push('\n');
}

fn args(args: &[Value], indent: &str) -> String {
    if args.is_empty() {
        return String::new();
    }
    let mut out = String::from("(\n");
    for a in args {
        description(&mut out, a, &format!("{indent}    "));
        let _ = writeln!(out, "{indent}    {}", input_value(a));
    }
    let _ = write!(out, "{indent})");
    out
}

fn input_value(v: &Value) -> String {
    let default = v.get("defaultValue").and_then(Value::as_str).map(|d| format!(" = {d}")).unwrap_or_default();
    format!("{}: {}{default}{}", s(v, "name"), type_ref(&v["type"]), deprecated(v))
}

fn type_ref(t: &Value) -> String {
    match s(t, "kind") {
        "NON_NULL" => format!("{}!", type_ref(&t["ofType"])),
        "LIST" => format!("[{}]", type_ref(&t["ofType"])),
        _ => s(t, "name").to_string(),
    }
}

fn deprecated(v: &Value) -> String {
    if !v.get("isDeprecated").and_then(Value::as_bool).unwrap_or(false) {
        return String::new();
    }
    match v.get("deprecationReason").and_then(Value::as_str) {
        Some(reason) => format!(" @deprecated(reason: {})", quote(reason)),
        None => " @deprecated".into(),
    }
}

fn description(out: &mut String, v: &Value, indent: &str) {
    if let Some(d) = v.get("description").and_then(Value::as_str).filter(|d| !d.is_empty()) {
        let _ = writeln!(out, "{indent}{}", quote(d));
    }
}

/// A GraphQL string literal (JSON's escapes are valid GraphQL escapes).
fn quote(text: &str) -> String {
    serde_json::to_string(text).unwrap_or_else(|_| "\"\"".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_sdl_from_introspection() {
        let schema = serde_json::json!({
            "queryType": {"name": "Query"},
            "directives": [{"name": "skip", "locations": ["FIELD"], "args": []},
                           {"name": "auth", "isRepeatable": true, "locations": ["FIELD_DEFINITION", "OBJECT"], "args": [
                               {"name": "role", "type": {"kind": "SCALAR", "name": "String"}, "defaultValue": "\"admin\""}]}],
            "types": [
                {"kind": "OBJECT", "name": "Query", "description": "Root", "interfaces": [], "fields": [
                    {"name": "user", "args": [{"name": "id", "type": {"kind": "NON_NULL", "ofType": {"kind": "SCALAR", "name": "ID"}}}],
                     "type": {"kind": "LIST", "ofType": {"kind": "OBJECT", "name": "User"}}, "isDeprecated": true, "deprecationReason": "use users"}]},
                {"kind": "INPUT_OBJECT", "name": "By", "isOneOf": true, "inputFields": [{"name": "id", "type": {"kind": "SCALAR", "name": "ID"}, "defaultValue": null}]},
                {"kind": "SCALAR", "name": "String"},
                {"kind": "OBJECT", "name": "__Type", "fields": []}
            ]
        });
        let sdl = to_sdl(&schema);
        assert!(sdl.contains("directive @auth(\n    role: String = \"admin\"\n) repeatable on FIELD_DEFINITION | OBJECT"), "{sdl}");
        assert!(sdl.contains("  user(\n      id: ID!\n  ): [User] @deprecated(reason: \"use users\")"), "{sdl}");
        assert!(sdl.contains("input By @oneOf {"), "{sdl}");
        assert!(!sdl.contains("__Type") && !sdl.contains("scalar String") && !sdl.contains("@skip"), "{sdl}");
    }
}
