//! Which usage [`Element`]s a change touches, read from the rule's format and area (its
//! properties, never its id) and the operations the change names: its own operation and the
//! ones a shared definition reaches (`affected`). An OpenAPI or AsyncAPI change counts the
//! requests of its operations; a GraphQL change those of its field (an argument change, its
//! argument); a protobuf change those of its RPCs. A change that names no operation (a whole
//! type, file or info block) touches nothing countable and carries no usage.
//!
//! The operation is the unit of evidence on purpose: a request log always shows the operation,
//! but parameters and bodies only when the producer captured them, so counting a property's own
//! requests would read "not captured" as "not used".

use super::Change;
use super::rule::Format;
use crate::usage::Element;

impl Change {
    /// The usage elements this change touches (its operation first, then those reached
    /// through shared definitions), without repeats.
    pub fn elements(&self) -> Vec<Element> {
        let pointer = self.revision.as_ref().or(self.base.as_ref()).map(|l| l.pointer.as_str());
        elements_of(self.rule.format, self.rule.area, self.operation.as_ref(), &self.affected, pointer)
    }
}

/// [`Change::elements`] from a change's parts (its format, area, operation, the operations a
/// shared definition reaches, and the pointer of its location), for a change read back from a
/// record.
pub fn elements_of(format: Format, area: &str, operation: Option<&String>, affected: &[String], pointer: Option<&str>) -> Vec<Element> {
    let mut out: Vec<Element> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let argument = area == "argument";
    for op in operation.into_iter().chain(affected) {
        let e = match format {
            Format::OpenApi => http_operation(op),
            Format::AsyncApi => async_operation(op),
            Format::GraphQl if argument && Some(op) == operation => {
                graphql_argument(pointer.unwrap_or_default()).or_else(|| graphql_field(op))
            }
            Format::GraphQl => graphql_field(op),
            Format::Protobuf => rpc(op),
            Format::TypeScript | Format::Any => None,
        };
        if let Some(e) = e.filter(|e| !seen.contains(e)) {
            seen.insert(e.clone());
            out.push(e);
        }
    }
    out
}

/// `GET /pets/{petId}`.
fn http_operation(op: &str) -> Option<Element> {
    let (method, path) = op.split_once(' ')?;
    (!method.is_empty() && method.bytes().all(|b| b.is_ascii_uppercase()) && path.starts_with('/'))
        .then(|| Element::Operation { method: method.to_string(), path: path.to_string() })
}

/// `receive lights/{id}/turn-on (receiveTurnOn)`: the action upper-cased and the channel's
/// address (AsyncAPI 2's `publish`/`subscribe` the same way).
fn async_operation(op: &str) -> Option<Element> {
    let (action, rest) = op.split_once(' ')?;
    if !matches!(action, "send" | "receive" | "publish" | "subscribe") {
        return None;
    }
    let address = rest.rsplit_once(" (").map_or(rest, |(a, _)| a);
    Some(Element::Operation { method: action.to_ascii_uppercase(), path: address.to_string() })
}

/// `Query.users`.
fn graphql_field(op: &str) -> Option<Element> {
    let (parent, field) = op.split_once('.')?;
    (!parent.is_empty() && !field.is_empty() && !field.contains(['(', ' ']))
        .then(|| Element::Field { parent: parent.to_string(), field: field.to_string() })
}

/// `Query.users(first:)`.
fn graphql_argument(pointer: &str) -> Option<Element> {
    let (head, arg) = pointer.strip_suffix(":)")?.split_once('(')?;
    let (parent, field) = head.split_once('.')?;
    Some(Element::Argument { parent: parent.to_string(), field: field.to_string(), argument: arg.to_string() })
}

/// `/acme.v1.Users/Find`.
fn rpc(op: &str) -> Option<Element> {
    let (service, method) = op.strip_prefix('/')?.split_once('/')?;
    (!service.is_empty() && !method.is_empty()).then(|| Element::Rpc { service: service.to_string(), method: method.to_string() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Location, openapi, registry};

    #[test]
    fn an_openapi_change_counts_its_operation_and_those_a_shared_schema_reaches() {
        let mut c = Change::new(&openapi::endpoints::ENDPOINT_REMOVED, "x").operation("GET /pets/{id}");
        c.affected = vec!["POST /pets".into(), "GET /pets/{id}".into(), "not an op".into()];
        let want = vec![
            Element::Operation { method: "GET".into(), path: "/pets/{id}".into() },
            Element::Operation { method: "POST".into(), path: "/pets".into() },
        ];
        assert_eq!(c.elements(), want);
    }

    #[test]
    fn graphql_arguments_rpcs_and_async_operations_map_to_their_elements() {
        let rule = registry::all().find(|r| r.format == Format::GraphQl && r.area == "argument").unwrap();
        let c = Change::new(rule, "x").operation("Query.users").revision(Location::new("s.graphql", "Query.users(first:)"));
        assert_eq!(c.elements(), vec![Element::Argument { parent: "Query".into(), field: "users".into(), argument: "first".into() }]);
        assert_eq!(rpc("/acme.v1.Users/Find"), Some(Element::Rpc { service: "acme.v1.Users".into(), method: "Find".into() }));
        assert_eq!(
            async_operation("receive lights/{id}/turn-on (receiveTurnOn)"),
            Some(Element::Operation { method: "RECEIVE".into(), path: "lights/{id}/turn-on".into() })
        );
        assert_eq!(async_operation("channel `status`"), None);
    }
}
