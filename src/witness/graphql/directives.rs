//! Directive witnesses: an operation applying the directive at an executable location the base
//! allows (the removed location itself, when a location was removed), with the base's required
//! arguments and the changed one as a variable of the base's type, twice when it was repeatable.

use super::values::{json_value, literal};
use super::{Found, Op, Pair, Target};
use crate::spec::graphql::RootOp;

/// Executable locations, in the order a witness prefers them.
const EXECUTABLE: &[&str] =
    &["FIELD", "QUERY", "INLINE_FRAGMENT", "FRAGMENT_SPREAD", "FRAGMENT_DEFINITION", "MUTATION", "VARIABLE_DEFINITION"];

impl Pair<'_> {
    /// An operation applying the directive `at` names as the base allows.
    pub(super) fn directive(&self, at: &str) -> Result<Found, String> {
        let (name, arg, location) = match Target::parse(at) {
            Target::Directive(d) => (d, None, None),
            Target::DirectiveArg(d, a) => (d, Some(a), None),
            Target::DirectiveLocation(d, l) => (d, None, Some(l)),
            _ => return Err(format!("`{at}` names no directive")),
        };
        let def = self.base.directives.get(name).ok_or_else(|| format!("`@{name}` is not defined in the base"))?;
        let location = match location {
            Some(l) if EXECUTABLE.contains(&l) => l,
            Some(l) => return Err(format!("`{l}` is a type-system location: no operation applies `@{name}` there")),
            None => EXECUTABLE.iter().copied().find(|l| def.locations.iter().any(|d| d == l)).ok_or_else(|| {
                format!("`@{name}` is only allowed in type-system locations: it breaks schema documents that apply it, not operations")
            })?,
        };
        let mut args: Vec<String> = def
            .args
            .values()
            .filter(|a| a.is_required() && Some(a.name.as_str()) != arg)
            .map(|a| format!("{}: {}", a.name, literal(self.base, &a.ty, 0)))
            .collect();
        let mut vars = Vec::new();
        if let Some(a) = arg.and_then(|a| def.args.get(a)) {
            args.push(format!("{}: $v", a.name));
            vars.push(("v".to_string(), a.ty.to_string(), json_value(self.base, &a.ty, 0)));
        }
        let args = if args.is_empty() { String::new() } else { format!("({})", args.join(", ")) };
        let mut used = format!("@{name}{args}");
        if def.repeatable {
            used = format!("{used} {used}");
        }
        let mut op = self.apply(location, &used)?;
        op.vars.splice(0..0, vars);
        Ok(Found::Operation(op))
    }

    /// The smallest operation with `used` (a rendered directive) at `location`.
    fn apply(&self, location: &str, used: &str) -> Result<Op, String> {
        let query = self.base.root(RootOp::Query).ok_or("the base has no query root")?;
        let mut op = Op::plain(RootOp::Query, "__typename".into());
        match location {
            "FIELD" => op.body = format!("__typename {used}"),
            "QUERY" => op.directives = format!(" {used}"),
            "INLINE_FRAGMENT" => op.body = format!("... {used} {{ __typename }}"),
            "FRAGMENT_SPREAD" => {
                op.body = format!("...Witnessed {used}");
                op.fragments = format!(" fragment Witnessed on {query} {{ __typename }}");
            }
            "FRAGMENT_DEFINITION" => {
                op.body = "...Witnessed".into();
                op.fragments = format!(" fragment Witnessed on {query} {used} {{ __typename }}");
            }
            "MUTATION" => {
                self.base.root(RootOp::Mutation).ok_or("the base has no mutation root")?;
                op.root = RootOp::Mutation;
                op.directives = format!(" {used}");
            }
            _ => {
                op.vars.push(("w".into(), format!("Boolean! {used}"), serde_json::json!(false)));
                op.body = "__typename @skip(if: $w)".into();
            }
        }
        Ok(op)
    }
}
