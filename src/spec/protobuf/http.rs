//! Reads the `google.api.http` method option (HTTP/JSON transcoding) out of a compiled
//! descriptor pool, where extension options are decoded; prost_types' descriptors drop them.

use super::HttpBinding;
use protox::prost_reflect::{DescriptorPool, DynamicMessage, ExtensionDescriptor, FileDescriptor, ServiceDescriptor, Value};
use std::collections::HashMap;

/// The extension's fully qualified name (field 72295728 of `google.protobuf.MethodOptions`).
pub(super) const EXTENSION: &str = "google.api.http";
/// Its field number, for the option's source position.
pub(super) const NUMBER: i32 = 72_295_728;
/// The verbs of the `pattern` oneof, in `HttpRule`'s order.
const VERBS: [&str; 5] = ["get", "put", "post", "delete", "patch"];

/// The bindings of every rpc that sets `google.api.http`, by `package.Service.Method`. Empty when
/// the pool does not define the extension (nothing imports `google/api/annotations.proto`).
pub(super) fn rules(pool: &DescriptorPool) -> HashMap<String, Vec<HttpBinding>> {
    let Some(ext) = pool.get_extension_by_name(EXTENSION) else { return HashMap::new() };
    rules_of(&ext, pool.services())
}

/// [`rules`] of the services of `files` only (one package's share of a larger pool): empty when
/// none of them defines or imports the extension, as a pool of these files alone would be.
pub(super) fn rules_in(pool: &DescriptorPool, files: &[FileDescriptor]) -> HashMap<String, Vec<HttpBinding>> {
    let Some(ext) = pool.get_extension_by_name(EXTENSION) else { return HashMap::new() };
    let defined_in = ext.parent_file();
    if !files.iter().any(|f| f.name() == defined_in.name()) {
        return HashMap::new();
    }
    rules_of(&ext, files.iter().flat_map(FileDescriptor::services))
}

fn rules_of(ext: &ExtensionDescriptor, services: impl Iterator<Item = ServiceDescriptor>) -> HashMap<String, Vec<HttpBinding>> {
    let mut out = HashMap::new();
    for service in services {
        for method in service.methods() {
            let options = method.options();
            if !options.has_extension(ext) {
                continue;
            }
            let value = options.get_extension(ext);
            let Some(rule) = value.as_message() else { continue };
            let mut bindings = vec![binding(rule)];
            if let Some(list) = rule.get_field_by_name("additional_bindings") {
                bindings.extend(list.as_list().unwrap_or_default().iter().filter_map(Value::as_message).map(binding));
            }
            out.insert(method.full_name().to_string(), bindings);
        }
    }
    out
}

fn text(m: &DynamicMessage, name: &str) -> String {
    m.get_field_by_name(name).and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

fn binding(rule: &DynamicMessage) -> HttpBinding {
    let (verb, path) = match VERBS.iter().find(|v| rule.has_field_by_name(v)) {
        Some(v) => (v.to_ascii_uppercase(), text(rule, v)),
        None => match rule.get_field_by_name("custom").filter(|_| rule.has_field_by_name("custom")) {
            Some(custom) => custom.as_message().map(|c| (text(c, "kind"), text(c, "path"))).unwrap_or_default(),
            None => (String::new(), String::new()),
        },
    };
    HttpBinding { verb, path, body: text(rule, "body"), response_body: text(rule, "response_body") }
}
