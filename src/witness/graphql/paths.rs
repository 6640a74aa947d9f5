//! Shortest paths of fields from the roots of a schema to each composite type it reaches:
//! one breadth-first walk per schema (each type visited once), so every witness operation
//! reaches its element by the fewest fields.

use crate::spec::graphql::{RootOp, Schema, TypeKind};
use std::collections::{HashMap, VecDeque};

/// One step of a path: a field of a type (`(type, field)`), or an inline fragment on a type.
#[derive(Clone, Copy)]
pub(super) enum Step<'a> {
    Field((&'a str, &'a str)),
    Fragment(&'a str),
}

/// How a type is first reached: the root, and the previous type and step (`None` for a root).
type Came<'a> = (RootOp, Option<(&'a str, Step<'a>)>);

/// How each reachable composite type is first reached.
pub(super) struct Paths<'a> {
    /// Type name → (root it is reached from, previous type, step), `None` for a root.
    came: HashMap<&'a str, Came<'a>>,
    /// Types in the order they were reached.
    pub order: Vec<&'a str>,
}

impl<'a> Paths<'a> {
    pub(super) fn new(s: &'a Schema) -> Self {
        let mut implementors: HashMap<&str, Vec<&str>> = HashMap::new();
        for t in s.types.values() {
            for i in t.interfaces.keys() {
                implementors.entry(i.as_str()).or_default().push(t.name.as_str());
            }
        }
        let mut came = HashMap::new();
        let mut order = Vec::new();
        let mut queue = VecDeque::new();
        for op in RootOp::ALL {
            if let Some(r) = s.root(op).and_then(|r| s.types.get_key_value(r)).map(|(k, _)| k.as_str())
                && !came.contains_key(r)
            {
                came.insert(r, (op, None));
                queue.push_back(r);
            }
        }
        while let Some(t) = queue.pop_front() {
            order.push(t);
            let root = came[t].0;
            let Some(def) = s.types.get(t) else { continue };
            let mut next: Vec<(&'a str, Step<'a>)> = Vec::new();
            for f in def.fields.values() {
                if let Some((k, n)) = s.types.get_key_value(&f.ty.name)
                    && n.kind.is_composite()
                {
                    next.push((k.as_str(), Step::Field((def.name.as_str(), f.name.as_str()))));
                }
            }
            let possible: Vec<&str> = match def.kind {
                TypeKind::Union => def.members.keys().map(String::as_str).collect(),
                TypeKind::Interface => implementors.get(t).cloned().unwrap_or_default(),
                _ => Vec::new(),
            };
            for p in possible {
                if let Some((k, _)) = s.types.get_key_value(p) {
                    next.push((k.as_str(), Step::Fragment(k.as_str())));
                }
            }
            for (n, step) in next {
                if !came.contains_key(n) {
                    came.insert(n, (root, Some((t, step))));
                    queue.push_back(n);
                }
            }
        }
        Paths { came, order }
    }

    /// The root and the steps from it to a selection set on `t`.
    pub(super) fn to(&self, t: &str) -> Option<(RootOp, Vec<Step<'a>>)> {
        let mut steps = Vec::new();
        let (root, mut prev) = *self.came.get(t)?;
        // Each type has one predecessor reached strictly earlier: the walk ends at a root.
        while let Some((p, step)) = prev {
            steps.push(step);
            prev = self.came.get(p)?.1;
        }
        steps.reverse();
        Some((root, steps))
    }
}
