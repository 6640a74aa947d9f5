//! The witness of a whole description removed from the repository (`api-description-removed`):
//! the base compared with an empty description of the same format, and the witness of the first
//! thing a client used (by document order) that the comparison removes: an operation (OpenAPI,
//! Swagger), a channel (AsyncAPI), a root field (GraphQL), an RPC or else a message's generated
//! symbol (protobuf), an exported symbol (TypeScript). The existing removal builders make it;
//! the revision side then says the description file is gone.

use crate::diff::{Change, Options, Proof, Witness, registry};
use crate::source::Input;
use crate::spec::Spec;
use std::sync::Arc;

/// `base` compared with an empty description of its format: its removals, best first (see
/// [`order`]), and the empty description; or why there are none.
pub(super) fn removals(base: &Spec, opts: &Options) -> Result<(Spec, Vec<Change>), String> {
    let empty = empty_like(base).map_err(|e| format!("no empty description of the same format to compare with: {e}"))?;
    let opts = Options { witness: true, ..opts.clone() };
    let mut changes = crate::diff::compare(base, &empty, &opts)
        .map_err(|e| format!("the base description could not be compared with an empty one: {e}"))?;
    changes.sort_by_key(order);
    Ok((empty, changes))
}

/// Best first: what a request reaches (an operation, channel or RPC), then a GraphQL root field,
/// then a server, then a symbol; within each, document order.
fn order(c: &Change) -> (u8, u32, u32) {
    let loc = c.base.as_ref();
    let rank = match registry::proof(c.rule) {
        // A server is where clients connect, not a thing they use: after the operations.
        Some(Proof::Endpoint) if loc.is_some_and(|l| l.pointer.starts_with("/servers")) => 2,
        Some(Proof::Endpoint | Proof::Unimplemented) => 0,
        Some(Proof::Selection) if loc.is_some_and(|l| l.pointer.contains('.')) => 1,
        Some(Proof::Code | Proof::Symbol) => 3,
        _ => 4,
    };
    (rank, loc.and_then(|l| l.line).unwrap_or(u32::MAX), loc.and_then(|l| l.column).unwrap_or(u32::MAX))
}

/// `w` with the revision side replaced: the description file is gone, so nothing serves it.
pub(super) fn gone(mut w: Witness, file: &str) -> Witness {
    let error = format!("the description file `{file}` is gone from the repository: nothing describes this any more");
    // Keep what worked with the base ("GET /pets reached `GET /pets`"), drop what the empty
    // description said about it: the revision is the file's absence.
    let cut = [" and is now ", " and now ", " and no longer "].iter().filter_map(|p| w.summary.find(p)).min();
    let worked = cut.map_or(w.summary.as_str(), |i| &w.summary[..i]).trim_end_matches('.').to_string();
    w.summary = format!("{worked}; now no description serves it: the description file `{file}` was removed from the repository");
    w.revision = Some(crate::diff::witness::Verdict { file: file.to_string(), pointer: String::new(), accepts: false, error: Some(error) });
    w
}

/// An empty description of `base`'s format (and version): no operation, channel, field (the
/// GraphQL root types keep one placeholder field, so each root field is removed from its root),
/// RPC, message or export.
fn empty_like(base: &Spec) -> crate::Result<Spec> {
    let (name, text) = match base {
        Spec::OpenApi(a) if a.declared.starts_with('2') => {
            ("empty.yaml", "swagger: '2.0'\ninfo: {title: empty, version: '0'}\npaths: {}\n".to_string())
        }
        Spec::OpenApi(a) => ("empty.yaml", format!("openapi: '{}'\ninfo: {{title: empty, version: '0'}}\npaths: {{}}\n", a.declared)),
        Spec::AsyncApi(a) => {
            ("empty.yaml", format!("asyncapi: '{}'\ninfo: {{title: empty, version: '0'}}\nchannels: {{}}\n", a.spec_version))
        }
        Spec::GraphQl(s) => ("empty.graphql", graphql_roots(s)),
        Spec::TypeScript(_) => ("empty.d.ts", "export {};\n".to_string()),
        Spec::Protobuf(p) => {
            let main = p.files.iter().find(|f| f.is_main).or(p.files.first());
            let syntax = main.map_or("proto3", |f| if f.syntax.is_empty() { "proto3" } else { f.syntax.as_str() });
            let package = main.filter(|f| !f.package.is_empty()).map(|f| format!("package {};\n", f.package)).unwrap_or_default();
            ("empty.proto", format!("syntax = \"{syntax}\";\n{package}"))
        }
    };
    let input = Input { name: name.to_string(), path: name.into(), text, fetch: Arc::new(crate::source::live::NoSiblings) };
    crate::spec::load(&input, &crate::spec::LoadOptions::default())
}

/// The base's root types, each with one placeholder field, under the same `schema` roots.
fn graphql_roots(s: &crate::spec::graphql::Schema) -> String {
    use crate::spec::graphql::RootOp;
    let mut out = String::new();
    let mut def = String::new();
    for op in RootOp::ALL {
        if let Some(root) = s.root(op) {
            out.push_str(&format!("type {root} {{\n  _apidiffRemoved: Boolean\n}}\n"));
            def.push_str(&format!("  {}: {root}\n", op.as_str()));
        }
    }
    if s.def.explicit_roots.iter().any(Option::is_some) {
        out.push_str(&format!("schema {{\n{def}}}\n"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::witness::removed_description;

    fn spec(name: &str, text: &str) -> Spec {
        let input = Input { name: name.into(), path: name.into(), text: text.into(), fetch: Arc::new(crate::source::live::NoSiblings) };
        crate::spec::load(&input, &crate::spec::LoadOptions::default()).unwrap()
    }

    fn opts() -> Options {
        Options { witness: true, ..Options::default() }
    }

    #[test]
    fn each_format_proves_its_first_client_use() {
        let cases = [
            (
                "a.yaml",
                "swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths:\n  /b:\n    post:\n      responses: {'200': {description: ok}}\n  /a:\n    get:\n      responses: {'200': {description: ok}}\n",
                "/paths/~1b/post",
            ),
            (
                "b.yaml",
                "asyncapi: 3.0.0\ninfo: {title: t, version: '1'}\nchannels:\n  up:\n    address: user/up\n  down:\n    address: user/down\n",
                "/channels/up",
            ),
            ("c.graphql", "type Item { id: ID! }\ntype Query {\n  b: Int\n  item: Item\n}\n", "Query.b"),
            (
                "d.proto",
                "syntax = \"proto3\";\npackage p.v1;\nmessage M { string id = 1; }\nservice S { rpc Get(M) returns (M); }\n",
                "/p.v1.S/Get",
            ),
            (
                "e.proto",
                "syntax = \"proto3\";\npackage p.v1;\nmessage First { string id = 1; }\nmessage Second { string id = 1; }\n",
                "p.v1.First",
            ),
            ("f.d.ts", "export interface Zed { id: string }\nexport declare function alpha(): Zed;\n", "Zed"),
        ];
        for (name, text, pointer) in cases {
            let w = removed_description(&spec(name, text), name, &opts());
            assert_ne!(w.kind, crate::diff::WitnessKind::None, "{name}: {w:?}");
            let (b, r) = (w.base.clone().unwrap(), w.revision.clone().unwrap());
            assert_eq!((b.pointer.as_str(), b.accepts), (pointer, true), "{name}: {w:?}");
            assert!(!r.accepts && r.file == name && r.error.as_deref().unwrap().contains("is gone"), "{name}: {w:?}");
            assert!(w.summary.contains("now no description serves it"), "{name}: {w:?}");
            // Deterministic: the same input gives the same witness.
            assert_eq!(format!("{w:?}"), format!("{:?}", removed_description(&spec(name, text), name, &opts())));
        }
    }

    #[test]
    fn an_empty_description_has_no_witness() {
        let w = removed_description(&spec("a.yaml", "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n"), "a.yaml", &opts());
        assert_eq!(w.kind, crate::diff::WitnessKind::None, "{w:?}");
    }
}
