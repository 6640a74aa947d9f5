//! Directive usages on any element (schema, types, fields, arguments, input fields, enum values):
//! `@oneOf`, other directives generically; federation directives are classified by
//! [`super::federation`] and `@deprecated` by [`super::deprecations`].

use super::{Cx, Sides, Site, federation};
use crate::diff::Rule;
use crate::spec::graphql::DirectiveUse;

crate::rules! {
    /// ## What it detects
    /// A directive was applied to an element (type, field, argument, input field, enum value or
    /// the schema) where it was not applied before. Federation directives, `@oneOf` and
    /// `@deprecated` have their own rules.
    /// ## Why it matters
    /// Directives usually change server behaviour (caching, auth, cost limits, composition); the
    /// change deserves a look even though the schema's shape is unchanged.
    /// ## Example
    /// `email: String` → `email: String @cacheControl(maxAge: 60)`
    /// ## How to migrate
    /// Check what the directive does on the server; re-level this rule by id if your directives
    /// matter to clients.
    DIRECTIVE_USAGE_ADDED = "directive-usage-added", GraphQl, Info, None, "directive-usage", Added,
        "A directive was applied to an element";
    /// ## What it detects
    /// A directive applied to an element is gone.
    /// ## Why it matters
    /// Server behaviour attached to the directive no longer applies to the element.
    /// ## Example
    /// `email: String @cacheControl(maxAge: 60)` → `email: String`
    /// ## How to migrate
    /// Check what the directive did; re-level this rule by id if your directives matter to clients.
    DIRECTIVE_USAGE_REMOVED = "directive-usage-removed", GraphQl, Info, None, "directive-usage", Removed,
        "A directive usage was removed from an element";
    /// ## What it detects
    /// The arguments of a directive applied to an element changed.
    /// ## Why it matters
    /// Server behaviour attached to the directive changes for the element.
    /// ## Example
    /// `@cacheControl(maxAge: 60)` → `@cacheControl(maxAge: 5)`
    /// ## How to migrate
    /// Check what the new arguments mean on the server.
    DIRECTIVE_USAGE_CHANGED = "directive-usage-changed", GraphQl, Info, None, "directive-usage", Changed,
        "The arguments of a directive usage changed";
    /// ## What it detects
    /// An input object became a OneOf input object (`@oneOf`): exactly one of its fields must be set.
    /// ## Why it matters
    /// Clients that set several fields, or none, now fail validation.
    /// ## Example
    /// `input UserBy { id: ID email: String }` → `input UserBy @oneOf { id: ID email: String }`
    /// ## How to migrate
    /// Introduce a new OneOf input type and argument, move clients to it, then remove the old one.
    INPUT_ONEOF_ADDED = "input-oneof-added", GraphQl, Breaking, Request, "input-field", Changed,
        "An input object became @oneOf";
    /// ## What it detects
    /// An input object lost `@oneOf`: several (or no) fields may now be set at once.
    /// ## Why it matters
    /// Every value accepted before is still accepted; the server must now handle combinations.
    /// ## Example
    /// `input UserBy @oneOf { id: ID email: String }` → `input UserBy { id: ID email: String }`
    /// ## How to migrate
    /// Nothing to do for clients.
    INPUT_ONEOF_REMOVED = "input-oneof-removed", GraphQl, Info, Request, "input-field", Changed,
        "An input object is no longer @oneOf";
}

/// (added, removed, changed) rules for a directive usage by name.
fn rules_for(name: &str) -> (&'static Rule, &'static Rule, &'static Rule) {
    if name == "oneOf" {
        return (&INPUT_ONEOF_ADDED, &INPUT_ONEOF_REMOVED, &DIRECTIVE_USAGE_CHANGED);
    }
    match federation::rules_for(name) {
        Some((added, removed)) => (added, removed, &federation::FEDERATION_DIRECTIVE_CHANGED),
        None => (&DIRECTIVE_USAGE_ADDED, &DIRECTIVE_USAGE_REMOVED, &DIRECTIVE_USAGE_CHANGED),
    }
}

/// Compares the directives applied to one element. A directive used once on each side is
/// compared by arguments; repeated ones (`@key`, `@tag`, `@link`) are compared as multisets.
pub(super) fn compare(cx: &mut Cx<'_>, site: &Site, old: &[DirectiveUse], new: &[DirectiveUse]) {
    if old.is_empty() && new.is_empty() {
        return;
    }
    let mut names: Vec<&str> = Vec::new();
    for d in old.iter().chain(new) {
        if d.name != "deprecated" && !names.contains(&d.name.as_str()) {
            names.push(&d.name);
        }
    }
    for name in names {
        let o: Vec<&DirectiveUse> = old.iter().filter(|d| d.name == name).collect();
        let n: Vec<&DirectiveUse> = new.iter().filter(|d| d.name == name).collect();
        let (added, removed, changed) = rules_for(name);
        let single = o.len() <= 1 && n.len() <= 1;
        let what = &site.what;
        if let ([a], [b]) = (o.as_slice(), n.as_slice()) {
            let (ra, rb) = (a.render(), b.render());
            if ra != rb {
                let s = at(site, Some(a), Some(b));
                let msg = format!("directive `@{name}` on {what} changed from `{ra}` to `{rb}`");
                cx.emit_at(changed, &s, &format!("{}@{name}", site.coord), Sides::Both, msg, Some(ra), Some(rb));
            }
            continue;
        }
        let mut rest: Vec<&DirectiveUse> = n.clone();
        for a in &o {
            let r = a.render();
            if let Some(i) = rest.iter().position(|b| b.render() == r) {
                rest.remove(i);
                continue;
            }
            let pointer = if single { format!("{}@{name}", site.coord) } else { format!("{}{r}", site.coord) };
            let s = at(site, Some(a), None);
            cx.emit_at(removed, &s, &pointer, Sides::Base, format!("directive `{r}` was removed from {what}"), Some(r), None);
        }
        for b in rest {
            let r = b.render();
            let pointer = if single { format!("{}@{name}", site.coord) } else { format!("{}{r}", site.coord) };
            let s = at(site, None, Some(b));
            cx.emit_at(added, &s, &pointer, Sides::Rev, format!("directive `{r}` was added to {what}"), None, Some(r));
        }
    }
}

/// The site with the usages' own positions, where known.
fn at(site: &Site, old: Option<&DirectiveUse>, new: Option<&DirectiveUse>) -> Site {
    let mut s = site.clone();
    s.base_pos = old.and_then(|d| d.pos).or(site.base_pos);
    s.rev_pos = new.and_then(|d| d.pos).or(site.rev_pos);
    s
}
