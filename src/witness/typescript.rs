//! TypeScript witnesses: a few lines of consumer code, in strict mode, that type-check against
//! the old declarations and not against the new ones. The module under test is imported as
//! `./api` (the declarations file placed next to the snippet). Each snippet is one of a few
//! forms (import a name, read or write a member, call with N arguments, instantiate, give N
//! type arguments, assign to the old type when it is written with literals and keywords only),
//! and apidiff decides it on both surfaces before reporting it: the base must allow the form
//! and the revision must not. A change none of these forms proves falls back to `ts_identity`
//! (the old type written out and converted both ways, or the old overload called), which holds
//! against the base by construction and fails against the revision as the rule's verdict says;
//! shapes no conversion tells apart are refused there with the reason.

use super::ts_identity::{self as ident, Namer};
use crate::diff::{Change, Witness, WitnessKind, witness::Verdict};
use crate::spec::typescript::{MemberKind, Signature, Surface, Symbol, SymbolKind, TypeText, scope_of};
use serde_json::json;

/// The two surfaces.
pub(crate) struct Pair<'a> {
    base: &'a Surface,
    rev: &'a Surface,
}

/// A snippet, and why the revision rejects it.
struct Snippet {
    code: String,
    why: String,
}

impl<'a> Pair<'a> {
    pub(crate) fn new(base: &'a Surface, rev: &'a Surface) -> Self {
        Pair { base, rev }
    }

    /// Builds consumer code for the change and checks it on both surfaces.
    pub(crate) fn build(&self, c: &Change) -> Witness {
        let Some(at) = c.base.as_ref().or(c.revision.as_ref()).map(|l| l.pointer.clone()) else {
            return Witness::none("the change is not located");
        };
        let typed = c.before.is_some() && c.after.is_some();
        let pick = |first: String, second: String| if typed && !NOT_APPLICABLE.contains(&second.as_str()) { second } else { first };
        match self.snippet(&at).or_else(|first| self.identity(c, &at).map_err(|second| pick(first, second))) {
            Ok(s) => Witness {
                kind: WitnessKind::Code,
                summary: format!("`{}` type-checked against the old declarations and no longer does: {}", one_line(&s.code), s.why),
                reason: None,
                instance: Some(json!(s.code)),
                http: None,
                base: Some(Verdict { file: self.base.file.clone(), pointer: at.clone(), accepts: true, error: None }),
                revision: Some(Verdict { file: self.rev.file.clone(), pointer: at, accepts: false, error: Some(s.why) }),
            },
            Err(reason) => Witness::none(reason),
        }
    }

    fn snippet(&self, at: &str) -> Result<Snippet, String> {
        if at.contains('"') || at.starts_with("export=") || at == "global" || at.starts_with("global.") {
            return Err("ambient modules, global augmentations and `export =` targets have no consumer-code builder yet".into());
        }
        if self.base.script {
            return Err("the declarations are a script (global, not a module): no import names them".into());
        }
        let assigned = self.base.symbols.keys().any(|(_, k)| *k == SymbolKind::ExportAssignment);
        if assigned && !at.trim_start_matches("new ").contains('.') {
            return Err("with `export =`, only the members of the assigned namespace are importable".into());
        }
        if let Some((prefix, idx)) =
            at.strip_suffix(']').and_then(|a| a.rsplit_once('[')).and_then(|(p, i)| Some((p, i.parse::<usize>().ok()?)))
        {
            return self.tuple(prefix, idx);
        }
        if at.contains('[') {
            return Err("members of index signatures have no consumer-code builder yet".into());
        }
        if let Some(s) = self.symbol_at(at) {
            return self.whole(s, at);
        }
        if let Some((owner, rest)) = self.split_owner(at) {
            if let Some((sig, tail)) = rest.split_once('(').or_else(|| rest.split_once('<')) {
                let _ = tail;
                return self.callable(owner, sig, at);
            }
            if let Some(name) = rest.strip_prefix('.') {
                return self.member(owner, name);
            }
            if let Some(n) = rest.strip_prefix('#') {
                return self.callable(owner, &format!("#{n}"), at);
            }
        }
        Err(format!("`{at}` has no consumer-code builder"))
    }

    /// The exported symbol named exactly `name` in the base.
    fn symbol_at(&self, name: &str) -> Option<&'a Symbol> {
        lookup(self.base, name)
    }

    /// The longest prefix of `at` that names a base symbol, and the rest.
    fn split_owner<'p>(&self, at: &'p str) -> Option<(&'a Symbol, &'p str)> {
        let at = at.strip_prefix("new ").unwrap_or(at);
        let mut cut: Vec<usize> = at.char_indices().filter(|(_, ch)| matches!(ch, '.' | '(' | '<' | '#')).map(|(i, _)| i).collect();
        cut.reverse();
        cut.into_iter().find_map(|i| lookup(self.base, &at[..i]).map(|s| (s, &at[i..])))
    }

    /// `api.X` as a consumer names it.
    fn qualified(&self, name: &str) -> String {
        let assigned = self.base.symbols.keys().any(|(_, k)| *k == SymbolKind::ExportAssignment);
        match name.split_once('.') {
            Some((_, rest)) if assigned => format!("api.{rest}"),
            _ => format!("api.{name}"),
        }
    }

    /// `api.X<any, ...>` with as many type arguments as the base requires.
    fn type_ref(&self, s: &Symbol) -> String {
        let n = s.type_params.iter().filter(|t| t.default.is_none()).count();
        if n == 0 { self.qualified(&s.name) } else { format!("{}<{}>", self.qualified(&s.name), vec!["any"; n].join(", ")) }
    }

    fn whole(&self, s: &'a Symbol, at: &str) -> Result<Snippet, String> {
        let value = |k: SymbolKind| !matches!(k, SymbolKind::Interface | SymbolKind::TypeAlias);
        let rev = lookup(self.rev, at);
        let head = "import * as api from \"./api\";\n";
        match rev {
            None => {
                let code = if value(s.kind) {
                    format!("{head}void {};", self.qualified(&s.name))
                } else {
                    format!("{head}export type Witness = {};", self.type_ref(s))
                };
                Ok(Snippet { code, why: format!("the new declarations export no `{}`", s.name) })
            }
            Some(r) if value(s.kind) && !value(r.kind) => Ok(Snippet {
                code: format!("{head}void {};", self.qualified(&s.name)),
                why: format!("`{}` only refers to a type now", s.name),
            }),
            Some(r) if s.kind == SymbolKind::Class && !s.is_abstract && r.is_abstract => {
                let n = ctor_arity(s);
                Ok(Snippet {
                    code: format!("{head}new {}({});", self.qualified(&s.name), anys(n)),
                    why: format!("cannot create an instance of the abstract class `{}`", s.name),
                })
            }
            Some(r) => self.literal_type(s, r),
        }
    }

    /// For a type alias or variable whose old type is written with literals and keywords only:
    /// a value of the new type assigned to the old one, or an old-only literal to the new type.
    fn literal_type(&self, s: &Symbol, r: &Symbol) -> Result<Snippet, String> {
        let (Some(bt), Some(rt)) = (&s.ty, &r.ty) else { return Err("the type is not written in both versions".into()) };
        if !simple(&bt.text) || !s.type_params.is_empty() {
            return Err(format!("the old type `{}` names other declarations: no self-contained snippet", bt.text));
        }
        let head = "import * as api from \"./api\";\n";
        let gained = simple(&rt.text) && rt.union.iter().any(|u| widens(&bt.union, u));
        let lost = bt.union.iter().find(|u| simple(&rt.text) && widens(&rt.union, u) && simple(u));
        let q = self.qualified(&s.name);
        if s.kind == SymbolKind::Variable && gained {
            return Ok(Snippet { code: format!("{head}const w: {} = {q};", bt.text), why: format!("`{q}` may now be `{}`", rt.text) });
        }
        if s.kind == SymbolKind::TypeAlias && gained {
            return Ok(Snippet {
                code: format!("{head}declare const v: {q};\nconst w: {} = v;", bt.text),
                why: format!("`{}` now also admits `{}`", s.name, rt.text),
            });
        }
        if let (SymbolKind::TypeAlias, Some(l)) = (s.kind, lost) {
            return Ok(Snippet {
                code: format!("{head}const w: {q} = {};", value_of(l)),
                why: format!("`{}` no longer admits `{l}`", s.name),
            });
        }
        Err("the change is not a union gaining or losing literal members".into())
    }

    fn member(&self, owner: &'a Symbol, name: &str) -> Result<Snippet, String> {
        let head = "import * as api from \"./api\";\n";
        if let Some((first, _)) = name.split_once('.').filter(|_| owner.kind != SymbolKind::Enum) {
            return self.nested(owner, first, name);
        }
        if owner.kind == SymbolKind::Enum {
            let has = |s: Option<&Symbol>| s.is_some_and(|s| s.enum_members.iter().any(|m| m.name == name));
            if has(Some(owner)) && !has(lookup(self.rev, &owner.name)) {
                return Ok(Snippet {
                    code: format!("{head}void {}.{name};", self.qualified(&owner.name)),
                    why: format!("enum `{}` has no member `{name}` now", owner.name),
                });
            }
            let value = |s: &Symbol| s.enum_members.iter().find(|m| m.name == name).and_then(|m| m.value.clone());
            let (Some(old), new) = (value(owner), lookup(self.rev, &owner.name).and_then(value)) else {
                return Err("the enum member's old value is not written".into());
            };
            // A numeric member's value is invisible to the type system (any number fits a numeric
            // enum); a string member's shows in a template literal type.
            let literal = old.clone();
            if Some(&old) == new.as_ref() || !(literal.starts_with('"') || literal.starts_with('\'')) {
                return Err(
                    "the enum member's value is not a changed string: a numeric enum's values are not visible to the type checker".into()
                );
            }
            // A template literal type shows an enum member's value: "1" before, "2" after.
            return Ok(Snippet {
                code: format!("{head}const w: `${{{}.{name}}}` = {literal};", self.qualified(&owner.name)),
                why: format!("`{}.{name}` is {} now", owner.name, new.unwrap_or_else(|| "computed".into())),
            });
        }
        let bm = owner.members.values().find(|m| m.name == name).ok_or_else(|| format!("`{}` has no member `{name}`", owner.name))?;
        let rsym = lookup(self.rev, &owner.name).ok_or("the owner is not in the revision")?;
        let rm = rsym.members.values().find(|m| m.name == name);
        let instance = if bm.is_static { self.qualified(&owner.name) } else { "x".into() };
        let decl = if bm.is_static { String::new() } else { format!("declare const x: {};\n", self.type_ref(owner)) };
        let access = format!("{instance}.{name}");
        let inherited = self.rev.all_members_if_known(rsym).is_some_and(|all| all.contains(name));
        let why = match rm {
            None if !inherited => format!("`{}` has no member `{name}` now", owner.name),
            Some(r) if r.is_static != bm.is_static => {
                format!("`{name}` is {} now", if r.is_static { "static" } else { "an instance member" })
            }
            Some(r) if r.protected && !bm.protected => format!("`{name}` is protected now"),
            Some(r) if r.readonly && !bm.readonly && bm.kind == MemberKind::Property => {
                return Ok(Snippet { code: format!("{head}{decl}{access} = {access};"), why: format!("`{name}` is read-only now") });
            }
            Some(r) if r.optional && !bm.optional && bm.kind == MemberKind::Property => {
                let ty = bm.ty.as_ref().map(|t| t.text.as_str()).unwrap_or("any");
                if !concrete(ty, owner) {
                    return Err(format!("the old type `{ty}` may itself hold undefined"));
                }
                return Ok(Snippet {
                    code: format!("{head}{decl}const w: {{}} = {access};"),
                    why: format!("`{name}` may be undefined now"),
                });
            }
            Some(r) => return self.member_type(owner, name, bm.ty.as_ref().map(|t| &t.union), r, &decl, &access),
            None => return Err(format!("`{name}` is inherited by the new `{}`", owner.name)),
        };
        Ok(Snippet { code: format!("{head}{decl}void {access};"), why })
    }

    /// A member of an object literal type nested in a member (`x.owner.id`): read it while the
    /// base has the whole path and the revision does not.
    fn nested(&self, owner: &Symbol, first: &str, path: &str) -> Result<Snippet, String> {
        let head = "import * as api from \"./api\";\n";
        let walk = |s: Option<&Symbol>| -> bool {
            let Some(s) = s else { return false };
            let mut members = &s.members;
            let segs: Vec<&str> = path.split('.').collect();
            for (i, seg) in segs.iter().enumerate() {
                let Some(m) = members.values().find(|m| m.name == *seg && !m.is_static && !m.protected) else { return false };
                if i + 1 == segs.len() {
                    return true;
                }
                if m.optional {
                    return false;
                }
                let Some(shape) = &m.shape else { return false };
                members = &shape.members;
            }
            false
        };
        let _ = first;
        if !walk(Some(owner)) {
            return Err(format!("`{}` has no required path `{path}` to read", owner.name));
        }
        if walk(lookup(self.rev, &owner.name)) {
            return Err(format!("`{path}` is still there"));
        }
        Ok(Snippet {
            code: format!("{head}declare const x: {};\nvoid x.{path};", self.type_ref(owner)),
            why: format!("`{}` has no `{path}` now", owner.name),
        })
    }

    fn member_type(
        &self,
        owner: &Symbol,
        name: &str,
        bu: Option<&Vec<String>>,
        rm: &crate::spec::typescript::Member,
        decl: &str,
        access: &str,
    ) -> Result<Snippet, String> {
        let (rt, now_optional) = (rm.ty.as_ref(), rm.optional);
        let head = "import * as api from \"./api\";\n";
        let bm = owner.members.values().find(|m| m.name == name).ok_or("no member")?;
        let (Some(bt), Some(bu), Some(rt)) = (bm.ty.as_ref(), bu, rt) else {
            return Err("the member's type is not written in both versions".into());
        };
        if rt.union.iter().any(|u| widens(bu, u)) && simple(&bt.text) && simple(&rt.text) {
            return Ok(Snippet {
                code: format!("{head}{decl}const w: {} = {access};", bt.text),
                why: format!("`{name}` may now be `{}`", rt.text),
            });
        }
        if let Some(l) = bu.iter().find(|u| !bm.readonly && simple(&rt.text) && widens(&rt.union, u) && simple(u) && !u.contains(' ')) {
            return Ok(Snippet {
                code: format!("{head}{decl}{access} = {};", value_of(l)),
                why: format!("`{name}` no longer admits `{l}`"),
            });
        }
        let required_added = self.required_props(owner).filter(|_| bm.optional && !now_optional);
        match required_added {
            Some(props) => Ok(Snippet {
                code: format!("{head}const w: {} = {{ {} }};", self.type_ref(owner), props),
                why: format!("`{name}` is required now"),
            }),
            None => Err(format!("the old type `{}` names other declarations: no self-contained snippet", bt.text)),
        }
    }

    /// `a: undefined as any, ...` for every required property of a type made only of properties.
    fn required_props(&self, s: &Symbol) -> Option<String> {
        if s.members.values().any(|m| !matches!(m.kind, MemberKind::Property | MemberKind::Method)) || !s.heritage.is_empty() {
            return None;
        }
        let props: Vec<String> = s.members.values().filter(|m| !m.optional).map(|m| format!("{}: undefined as any", m.name)).collect();
        Some(props.join(", "))
    }

    /// Calls and type arguments: `f(any × n)` with an arity the base takes and the revision does
    /// not, or `X<any × n>` likewise.
    fn callable(&self, owner: &'a Symbol, rest: &str, at: &str) -> Result<Snippet, String> {
        let head = "import * as api from \"./api\";\n";
        let rsym = lookup(self.rev, &owner.name);
        let member = rest.strip_prefix('.').map(|r| r.split(['(', '#', '<']).next().unwrap_or(r));
        let sigs = |s: &'a Symbol| -> Vec<&'a Signature> {
            match member {
                Some(m) => s.members.values().filter(|x| x.name == m).flat_map(|x| x.sigs.iter()).collect(),
                None if at.starts_with("new ") => s
                    .members
                    .values()
                    .filter(|x| matches!(x.kind, MemberKind::Construct | MemberKind::Constructor))
                    .flat_map(|x| x.sigs.iter())
                    .collect(),
                None if s.sigs.is_empty() => {
                    s.members.values().filter(|x| x.kind == MemberKind::Call).flat_map(|x| x.sigs.iter()).collect()
                }
                None => s.sigs.iter().filter(|g| !g.has_body || s.sigs.len() == 1).collect(),
            }
        };
        let (bs, rs) = (sigs(owner), rsym.map(sigs).unwrap_or_default());
        if at.starts_with("new ") && member.is_none() && rsym.is_some_and(|r| !r.heritage.is_empty()) {
            return Err("the new type inherits construct signatures from its bases".into());
        }
        if at.contains('<') && !at.contains('(') && member.is_none() && at.rfind('<') > at.rfind('#') && !owner.type_params.is_empty() {
            return self.type_args(owner, rsym);
        }
        let takes = |ss: &[&Signature], n: usize| ss.iter().any(|g| arity(g).0 <= n && n <= arity(g).1);
        let param = at.rsplit_once('(').map(|(_, p)| p.trim_end_matches(')')).filter(|p| !p.is_empty());
        if let Some(found) = typed_call(&bs, &rs, param) {
            let (decl, callee) = self.callee(owner, member, at);
            let new = if at.starts_with("new ") && member.is_none() { "new " } else { "" };
            return Ok(match found {
                Typed::Arg(args, atom) => {
                    Snippet { code: format!("{head}{decl}{new}{callee}({args});"), why: format!("the parameter no longer admits `{atom}`") }
                }
                Typed::Ret(n, ty, now) => Snippet {
                    code: format!("{head}{decl}const w: {ty} = {new}{callee}({});", anys(n)),
                    why: format!("the call may now return `{now}`"),
                },
            });
        }
        let candidates: Vec<usize> = bs.iter().flat_map(|g| [arity(g).0, arity(g).1.min(8)]).collect();
        let n = candidates
            .into_iter()
            .find(|n| takes(&bs, *n) && !takes(&rs, *n))
            .ok_or("every arity the old signatures take is still taken")?;
        let (decl, callee) = self.callee(owner, member, at);
        let new = if at.starts_with("new ") && member.is_none() { "new " } else { "" };
        Ok(Snippet {
            code: format!("{head}{decl}{new}{callee}({});", anys(n)),
            why: format!("no signature of the new declarations takes {n} argument(s)"),
        })
    }

    /// The declaration a call needs and what is called: a function or class by name; a method,
    /// or an interface's call or construct signature, on a value of the type.
    fn callee(&self, owner: &Symbol, member: Option<&str>, at: &str) -> (String, String) {
        let _ = at;
        let by_name = member.is_none() && matches!(owner.kind, SymbolKind::Function | SymbolKind::Class);
        let decl = if by_name { String::new() } else { format!("declare const x: {};\n", self.type_ref(owner)) };
        let callee = match member {
            Some(m) => format!("x.{m}"),
            None if by_name => self.qualified(&owner.name),
            None => "x".into(),
        };
        (decl, callee)
    }

    fn type_args(&self, owner: &Symbol, rsym: Option<&Symbol>) -> Result<Snippet, String> {
        let rsym = rsym.ok_or("the owner is not in the revision")?;
        let span = |s: &Symbol| (s.type_params.iter().filter(|t| t.default.is_none()).count(), s.type_params.len());
        let (b, r) = (span(owner), span(rsym));
        let n = [b.0, b.1].into_iter().find(|n| *n < r.0 || *n > r.1).ok_or("the new declarations take the same type argument counts")?;
        let args = if n == 0 { String::new() } else { format!("<{}>", vec!["any"; n].join(", ")) };
        if matches!(owner.kind, SymbolKind::Function) {
            return Err("type arguments of functions have no builder yet".into());
        }
        let head = "import * as api from \"./api\";\n";
        Ok(Snippet {
            code: format!("{head}export type Witness = {}{args};", self.qualified(&owner.name)),
            why: format!("`{}` takes {}..{} type arguments now, not {n}", owner.name, r.0, r.1),
        })
    }
}

impl Pair<'_> {
    /// The fallback for type changes written with other declarations and for old overloads:
    /// see `ts_identity`.
    fn identity(&self, c: &Change, at: &str) -> Result<Snippet, String> {
        let n = Namer::new(self.base).against(self.rev);
        // A returned tuple's element (`f()[0]`) is proved by the call itself.
        let at = at.strip_suffix(']').and_then(|a| a.rsplit_once('[')).map(|(a, _)| a).filter(|a| a.ends_with(')')).unwrap_or(at);
        if self.base.script || at.contains('"') || at.starts_with("export=") || at.contains('[') {
            return Err("not applicable".into());
        }
        let heritage = at.contains(':');
        if let Some(after) = c.after.as_deref().filter(|_| !heritage) {
            // A new type naming what resolves nowhere reads as `any`: nothing tells it apart.
            let scope = scope_of(at.split(['(', '#', '<']).next().unwrap_or(at));
            let rn = Namer::new(self.rev);
            let owner = match lookup(self.rev, at) {
                Some(_) => at.to_string(),
                None => self.split_owner(at).map(|(o, _)| o.name.clone()).unwrap_or_else(|| at.to_string()),
            };
            let mut bound: Vec<String> = Vec::new();
            if let Some(r) = lookup(self.rev, &owner) {
                let sigs = r.sigs.iter().chain(r.members.values().flat_map(|m| m.sigs.iter()));
                bound.extend(r.type_params.iter().chain(sigs.flat_map(|g| g.type_params.iter())).map(|t| t.name.clone()));
            }
            if let Err(why) = rn.qualify(scope, after, &bound).map_err(|why| format!("the new type: {why}"))
                && why.contains("declared nowhere")
            {
                return Err(why);
            }
        }
        let at = at.split_once(':').map_or(at, |(a, _)| a);
        if at == "global" {
            return self.global_gone();
        }
        let changed = c.before.is_some() && c.after.is_some() && c.before != c.after;
        let rn = Namer::new(self.rev);
        if let Some(s) = lookup(self.base, at) {
            let bound: Vec<String> = s.type_params.iter().map(|t| t.name.clone()).collect();
            let scope = scope_of(&s.name);
            let tparams = n.params(scope, &s.type_params, &bound)?;
            let now = if bound.is_empty() { n.api(&s.name) } else { format!("{}<{}>", n.api(&s.name), bound.join(", ")) };
            let r = lookup(self.rev, at);
            return match s.kind {
                SymbolKind::TypeAlias if changed => {
                    let (Some(bt), Some(r)) = (&s.ty, r) else { return Err("the alias is not written in both versions".into()) };
                    let rt = r.ty.as_ref().ok_or("the alias is not written in the revision")?;
                    let same = rn.qualify(scope, &rt.text, &r.type_params.iter().map(|t| t.name.clone()).collect::<Vec<_>>());
                    if ident::renamed_only(&bt.text, &s.type_params, &rt.text, &r.type_params)
                        || same.as_ref().ok().is_some_and(|t| n.qualify(scope, &bt.text, &bound).as_ref() == Ok(t))
                    {
                        return Err("the alias only renamed its type parameters".into());
                    }
                    match self.comparable(scope, bt, rt) {
                        Err(why) if why == METHOD_MADE => return self.returned(&n, s, &now, (bt, rt)).map_err(|_| why),
                        Err(why) if ident::unnamed(&bt.text) == ident::unnamed(&rt.text) => {
                            let cut = ident::lost_optional(&bt.text, &rt.text).ok_or(why)?;
                            let old = n.qualify(scope, &cut, &bound)?;
                            let code =
                                format!("import * as api from \"./api\";\nexport function w{tparams}(v: {now}): {old} {{\n  return v;\n}}");
                            return Ok(Snippet {
                                code,
                                why: format!("`{}` no longer converts to `{cut}`: a parameter that was optional is required now", s.name),
                            });
                        }
                        r => r?,
                    }
                    let old = match n.qualify(scope, &bt.text, &bound) {
                        Ok(old) => old,
                        Err(why) => return self.promised(s, (&tparams, &now), (bt, rt)).map_err(|_| why),
                    };
                    Ok(Snippet { code: ident::roundtrip(&tparams, &now, &old), why: format!("`{}` is no longer `{}`", s.name, bt.text) })
                }
                SymbolKind::Variable if changed => {
                    let bt = s.ty.as_ref().ok_or("the variable's type is not written")?;
                    let old = n.qualify(scope, &bt.text, &bound)?;
                    let code = format!(
                        "import * as api from \"./api\";\nexport function w(o: {old}): [{old}, typeof {now}] {{\n  return [{now}, o];\n}}"
                    );
                    Ok(Snippet { code, why: format!("`{}` is no longer of type `{}`", s.name, bt.text) })
                }
                SymbolKind::Interface | SymbolKind::Class if heritage && c.before.is_some() && c.after.as_ref() != c.before.as_ref() => {
                    let base = c.before.as_deref().unwrap_or_default().trim_start_matches("extends ").trim_start_matches("implements ");
                    let old = n.qualify(scope, base, &bound)?;
                    let code = format!("import * as api from \"./api\";\nexport function w{tparams}(v: {now}): {old} {{\n  return v;\n}}");
                    Ok(Snippet { code, why: format!("`{}` no longer extends `{base}`", s.name) })
                }
                _ => Err("not applicable".into()),
            };
        }
        self.identity_of_part(c, at, &n, changed)
    }

    /// Refuses type pairs that no assignment tells apart: function types made from a method
    /// signature (`{ m(e: E): void }["m"]`, whose parameters compare both ways), and unions that
    /// only gained or lost `X[keyof X]` members of an interface with no members (`never`).
    fn comparable(&self, scope: &str, bt: &TypeText, rt: &TypeText) -> Result<(), String> {
        if bt.is_top() || rt.is_top() {
            return Err("the type is `any` or `unknown` in one version, which converts to and from the other".into());
        }
        if ident::unnamed(&bt.text) == ident::unnamed(&rt.text) {
            return Err("only parameter names or optional marks changed, which conversions between function types do not see".into());
        }
        let (gone, new) = differing(bt, rt);
        if gone.iter().any(|u| self.method_made(self.base, scope, u, 0)) || new.iter().any(|u| self.method_made(self.rev, scope, u, 0)) {
            return Err(METHOD_MADE.into());
        }
        let never = |sf: &Surface, u: &str| {
            u.split_once("[keyof").is_some_and(|(a, b)| {
                b.trim_end_matches(']').trim() == a.trim()
                    && [format!("{scope}.{}", a.trim()), a.trim().to_string()].iter().any(|n| {
                        sf.symbols.get(&(n.clone(), SymbolKind::Interface)).is_some_and(|i| i.members.is_empty() && i.heritage.is_empty())
                    })
            })
        };
        let b: std::collections::BTreeSet<String> =
            bt.union.iter().filter(|u| !never(self.base, u)).map(|u| self.shape(scope, u)).collect();
        let r: std::collections::BTreeSet<String> = rt.union.iter().filter(|u| !never(self.rev, u)).map(|u| self.shape(scope, u)).collect();
        if b == r {
            return Err("the union only gained or lost `X[keyof X]` of an interface with no members, which is `never`".into());
        }
        Ok(())
    }

    /// A union member `Name<args>` naming an interface of the revision: the interface's members
    /// (with positional type parameters) and the arguments, so that two names of one shape in
    /// the revision (`MutableRefObject<T>`, `RefObject<T>`) compare equal. Else the member.
    fn shape(&self, scope: &str, u: &str) -> String {
        let (name, args) = u.split_once('<').unwrap_or((u, ""));
        let found =
            [format!("{scope}.{name}"), name.to_string()].into_iter().find_map(|n| self.rev.symbols.get(&(n, SymbolKind::Interface)));
        let Some(i) = found.filter(|i| i.heritage.is_empty() && !i.members.is_empty()) else { return u.to_string() };
        let names: Vec<&str> = i.type_params.iter().map(|t| t.name.as_str()).collect();
        let pos = |t: &str| {
            t.split_inclusive(|c: char| !(c.is_alphanumeric() || c == '_'))
                .map(|w| {
                    let (word, tail) = w.split_at(w.trim_end_matches(|c: char| !(c.is_alphanumeric() || c == '_')).len());
                    match names.iter().position(|n| *n == word) {
                        Some(k) => format!("${k}{tail}"),
                        None => w.to_string(),
                    }
                })
                .collect::<String>()
        };
        let members: Vec<String> = i
            .members
            .values()
            .map(|m| {
                format!(
                    "{}{}{}:{}",
                    if m.readonly { "readonly " } else { "" },
                    m.name,
                    if m.optional { "?" } else { "" },
                    pos(&m.ty.as_ref().map(|t| t.key.clone()).unwrap_or_default())
                )
            })
            .collect();
        format!("{{{}}}<{args}", members.join(";"))
    }

    /// A function type made from a method (`{ m(x: T): R }["m"]`) whose return type gained or lost
    /// union members (`never` ones aside) while its parameters stayed: its parameters compare
    /// both ways, but what a call returns does not, so `ReturnType` of each converts to the other
    /// against the base (one type) and not against the revision.
    fn returned(&self, n: &Namer, s: &Symbol, now: &str, (bt, rt): (&TypeText, &TypeText)) -> Result<Snippet, String> {
        let scope = scope_of(&s.name);
        let (Some((bp, br)), Some((rp, rr))) = (ident::method_parts(&bt.text), ident::method_parts(&rt.text)) else {
            return Err(METHOD_MADE.into());
        };
        let never = |sf: &Surface, u: &str| crate::diff::typescript::is_never(sf, scope, u);
        let members = |sf: &Surface, r: &str| -> std::collections::BTreeSet<String> {
            ident::union_of(r).into_iter().filter(|u| !never(sf, u)).collect()
        };
        if ident::unnamed(&bp) != ident::unnamed(&rp) || members(self.base, &br) == members(self.rev, &rr) {
            return Err(METHOD_MADE.into());
        }
        let bound: Vec<String> = s.type_params.iter().map(|t| t.name.clone()).collect();
        let tparams = n.params(scope, &s.type_params, &bound)?;
        let old = n.qualify(scope, &bt.text, &bound)?;
        let code = ident::roundtrip(&tparams, &format!("ReturnType<{now}>"), &format!("ReturnType<{old}>"));
        Ok(Snippet { code, why: format!("a call of `{}` no longer returns `{}`", s.name, br.trim().trim_start_matches('|').trim()) })
    }

    /// A function type whose return type only gained promises (`() => R` → `() => R | Promise<R>`),
    /// when the old type cannot be written out: the result with promises excluded is what the
    /// base returns (every old member, aliases followed, is a keyword, a literal or an object
    /// type without `then`, so none is a promise) and no longer what the revision returns.
    fn promised(&self, s: &Symbol, (tparams, now): (&str, &str), (bt, rt): (&TypeText, &TypeText)) -> Result<Snippet, String> {
        let scope = scope_of(&s.name);
        let (Some((bp, br)), Some((rp, rr))) = (ident::arrow_parts(&bt.text), ident::arrow_parts(&rt.text)) else {
            return Err("not a function type".into());
        };
        let (old, new) = (ident::union_of(&br), ident::union_of(&rr));
        let gained: Vec<&String> = new.iter().filter(|u| !old.contains(u)).collect();
        let promise = |u: &&String| u.starts_with("Promise<") || u.starts_with("PromiseLike<");
        if ident::unnamed(&bp) != ident::unnamed(&rp)
            || old.iter().any(|u| !new.contains(u))
            || gained.is_empty()
            || !gained.iter().all(promise)
            || !old.iter().all(|u| self.not_thenable(scope, u, 0))
        {
            return Err("not a return type that only gained promises".into());
        }
        let code = format!(
            "import * as api from \"./api\";\nexport function w{tparams}(v: ReturnType<{now}>): Exclude<ReturnType<{now}>, PromiseLike<any>> {{\n  return v;\n}}"
        );
        Ok(Snippet { code, why: format!("a call of `{}` may return a promise now", s.name) })
    }

    /// Whether base type `u` (written inside `scope`) is no promise: a keyword, a literal, an
    /// object type without `then`, or an alias of those.
    fn not_thenable(&self, scope: &str, u: &str, depth: usize) -> bool {
        const PLAIN: &[&str] = &["void", "undefined", "null", "string", "number", "boolean", "bigint", "symbol", "never", "true", "false"];
        let u = u.trim();
        if PLAIN.contains(&u) || u.starts_with(['"', '\'']) || u.starts_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
        if u.starts_with('{') {
            return !u.contains("then");
        }
        if depth > 3 || !u.chars().all(|c| c.is_alphanumeric() || c == '_' || c == '$' || c == '.') {
            return false;
        }
        let mut sc = scope.to_string();
        loop {
            let key = (if sc.is_empty() { u.to_string() } else { format!("{sc}.{u}") }, SymbolKind::TypeAlias);
            if let Some(a) = self.base.symbols.get(&key).or_else(|| self.base.hidden.get(&key)) {
                let Some(t) = a.ty.as_ref().filter(|_| a.type_params.is_empty()) else { return false };
                return ident::union_of(&t.text).iter().all(|m| self.not_thenable(scope_of(&a.name), m, depth + 1));
            }
            if sc.is_empty() {
                return false;
            }
            sc = scope_of(&sc).to_string();
        }
    }

    /// A handler property whose event type changed (`FormEventHandler<T>` → `InputEventHandler<T>`):
    /// the new handler called with the old handler's arguments. Refused when one event type
    /// extends the other and adds nothing, or both are one generic.
    fn handler_call(
        &self,
        n: &Namer,
        owner: &Symbol,
        name: &str,
        bt: &TypeText,
        rt: &TypeText,
        typed: (&str, &str),
    ) -> Result<Snippet, String> {
        let scope = scope_of(&owner.name);
        let (gone, new) = differing(bt, rt);
        let ([old_h], [new_h]) = (gone.as_slice(), new.as_slice()) else { return Err(METHOD_MADE.into()) };
        let (Some(oe), Some(ne)) = (self.event_of(self.base, scope, old_h), self.event_of(self.rev, scope, new_h)) else {
            return Err(METHOD_MADE.into());
        };
        let head = |t: &str| t.split('<').next().unwrap_or(t).trim().to_string();
        let (oh, nh) = (head(&oe), head(&ne));
        let empty_extension = |sf: &Surface, a: &str, b: &str| {
            [format!("{scope}.{a}"), a.to_string()]
                .into_iter()
                .find_map(|k| sf.symbols.get(&(k, SymbolKind::Interface)))
                .is_some_and(|i| i.members.is_empty() && i.heritage.iter().any(|h| head(h.text.trim_start_matches("extends ")) == b))
        };
        if oh == nh || empty_extension(self.base, &oh, &nh) || empty_extension(self.rev, &oh, &nh) || empty_extension(self.rev, &nh, &oh) {
            return Err(format!("{METHOD_MADE}, and the old event type `{oe}` still fits the new `{ne}`"));
        }
        let old = n.qualify(scope, &bt.text, &owner.type_params.iter().map(|t| t.name.clone()).collect::<Vec<_>>())?;
        let (typed, tparams) = typed;
        let code = format!(
            "import * as api from \"./api\";\nexport function w{tparams}(h: NonNullable<{typed}[\"{name}\"]>, ...e: Parameters<NonNullable<{old}>>) {{\n  h(...e);\n}}"
        );
        Ok(Snippet { code, why: format!("the `{name}` handler takes `{ne}` now, which the old `{oe}` is not") })
    }

    /// The event type of a handler alias made from a method (`FormEventHandler<T>` =
    /// `EventHandler<FormEvent<T>>`, `EventHandler<E>` = `{ m(event: E): void }["m"]`): `FormEvent<T>`.
    fn event_of(&self, sf: &Surface, scope: &str, text: &str) -> Option<String> {
        let alias = |name: &str| {
            let mut sc = scope.to_string();
            loop {
                let cand = if sc.is_empty() { name.to_string() } else { format!("{sc}.{name}") };
                if let Some(a) = sf.symbols.get(&(cand, SymbolKind::TypeAlias)) {
                    return Some(a);
                }
                if sc.is_empty() {
                    return None;
                }
                sc = scope_of(&sc).to_string();
            }
        };
        let def = alias(text.split('<').next()?.trim())?.ty.as_ref()?.text.clone();
        let (inner_head, rest) = def.split_once('<')?;
        let inner = alias(inner_head.trim())?;
        if !inner.ty.as_ref()?.text.contains("}[") {
            return None;
        }
        let arg = rest.strip_suffix('>')?.trim();
        (!arg.contains(',') || arg.matches('<').count() > 0).then(|| arg.to_string())
    }

    /// Whether `text` (or an alias it names, transitively) is a function type made from a method.
    fn method_made(&self, sf: &Surface, scope: &str, text: &str, depth: usize) -> bool {
        if text.contains("}[") {
            return true;
        }
        if depth > 3 {
            return false;
        }
        text.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '.')).filter(|w| !w.is_empty()).any(|w| {
            let mut sc = scope.to_string();
            loop {
                let cand = if sc.is_empty() { w.to_string() } else { format!("{sc}.{w}") };
                let alias =
                    sf.symbols.get(&(cand.clone(), SymbolKind::TypeAlias)).or_else(|| sf.hidden.get(&(cand, SymbolKind::TypeAlias)));
                if let Some(a) = alias {
                    // Only an alias that is one function type, not a union holding one.
                    return a
                        .ty
                        .as_ref()
                        .is_some_and(|t| t.union.len() == 1 && self.method_made(sf, scope_of(&a.name), &t.text, depth + 1));
                }
                if sc.is_empty() {
                    return false;
                }
                sc = scope_of(&sc).to_string();
            }
        })
    }

    /// A property's type, a type parameter's constraint, or an old overload of a function or method.
    fn identity_of_part(&self, c: &Change, at: &str, n: &Namer, changed: bool) -> Result<Snippet, String> {
        let (owner, rest) = self.split_owner(at).ok_or("the change's owner is not exported")?;
        let bound: Vec<String> = owner.type_params.iter().map(|t| t.name.clone()).collect();
        let scope = scope_of(&owner.name);
        let typed = if bound.is_empty() { n.api(&owner.name) } else { format!("{}<{}>", n.api(&owner.name), bound.join(", ")) };
        let tparams = n.params(scope, &owner.type_params, &bound)?;
        if let Some(name) = rest.strip_prefix('.').filter(|r| !r.contains(['.', '(', '#', '<', '['])) {
            let m = owner.members.values().find(|m| m.name == name).ok_or("no such member")?;
            if m.kind == MemberKind::Property && changed {
                let bt = m.ty.as_ref().ok_or("the property's type is not written")?;
                let rsym = lookup(self.rev, &owner.name).ok_or("the owner is not in the revision")?;
                let rm = rsym.members.values().find(|m| m.name == name).ok_or("the property is not in the revision")?;
                let rt = rm.ty.as_ref().ok_or("the property's new type is not written")?;
                if ident::renamed_only(&bt.text, &owner.type_params, &rt.text, &rsym.type_params) {
                    return Err(format!("`{name}` only follows its owner's renamed type parameters"));
                }
                if let Err(why) = self.comparable(scope, bt, rt) {
                    return if why == METHOD_MADE { self.handler_call(n, owner, name, bt, rt, (&typed, &tparams)) } else { Err(why) };
                }
                let holder = if m.is_static { format!("(typeof {})", n.api(&owner.name)) } else { typed.clone() };
                let old = ident::read_type(m, n.qualify(scope, &bt.text, &bound)?).ok_or("not a property")?;
                let now = format!("{holder}[\"{name}\"]");
                return Ok(Snippet { code: ident::roundtrip(&tparams, &now, &old), why: format!("`{name}` is no longer `{}`", bt.text) });
            }
        }
        if rest.starts_with('<') && !rest.contains('(') && owner.kind != SymbolKind::Function && !owner.type_params.is_empty() {
            self.constraint_lost(owner, rest)?;
            // A type parameter's constraint or count: the old generic, re-exported.
            let code = format!("import * as api from \"./api\";\nexport type W{tparams} = {typed};");
            return Ok(Snippet { code, why: format!("`{}` no longer takes the type arguments it took", owner.name) });
        }
        let line = c.base.as_ref().and_then(|l| l.line).ok_or("the change is not located in the base")?;
        let member = rest.strip_prefix('.').map(|r| r.split(['(', '#', '<']).next().unwrap_or(r));
        let (sigs, callee, decl, outer): (Vec<Signature>, String, String, &[crate::spec::typescript::TypeParam]) = match member {
            None if owner.kind == SymbolKind::Function && !at.starts_with("new ") => {
                (owner.sigs.clone(), n.api(&owner.name), String::new(), &[])
            }
            Some(m) => {
                let sigs = owner
                    .members
                    .values()
                    .filter(|x| x.name == m && x.kind == MemberKind::Method && !x.is_static)
                    .flat_map(|x| x.sigs.clone())
                    .collect();
                (sigs, format!("x.{m}"), format!("x: {typed}"), &owner.type_params)
            }
            // An interface's own construct signature: `new x(...)` with the old signature's
            // parameter and result types (inherited construct signatures may take the call but
            // give another instance type).
            None if at.starts_with("new ") && owner.kind == SymbolKind::Interface => {
                let sigs = owner.members.values().filter(|x| x.kind == MemberKind::Construct).flat_map(|x| x.sigs.clone()).collect();
                (sigs, "new x".into(), format!("x: {typed}"), &owner.type_params)
            }
            None => return Err("constructors and call signatures have no overload snippet".into()),
        };
        let sig = ident::overload_at(&sigs, line).ok_or("the old overload is not found")?;
        let code = ident::call(n, scope, outer, sig, &callee, &decl)?;
        Ok(Snippet { code, why: format!("no overload of the new `{}` takes the old call", owner.name) })
    }

    /// For a changed constraint `<C>`: an old union member (a literal or a named type) the new
    /// constraint does not mention, so that the old constraint no longer satisfies the new.
    fn constraint_lost(&self, owner: &Symbol, rest: &str) -> Result<(), String> {
        let name = rest.trim_start_matches('<').trim_end_matches('>');
        let find = |s: &Symbol| s.type_params.iter().find(|t| t.name == name).and_then(|t| t.constraint.clone());
        let Some(old) = find(owner) else { return Ok(()) };
        let new = lookup(self.rev, &owner.name).and_then(find).map(|t| t.text).unwrap_or_default();
        let named = |u: &String| u.starts_with(|c: char| c.is_alphanumeric() || c == '"' || c == '_');
        if new.is_empty() || old.union.iter().filter(|u| named(u)).any(|u| !new.contains(u.split('<').next().unwrap_or(u))) {
            return Ok(());
        }
        Err("every named member of the old constraint is still in the new one: apidiff cannot tell whether the old one still satisfies it"
            .into())
    }

    /// The removed `declare global` block: a global type it declared.
    fn global_gone(&self) -> Result<Snippet, String> {
        let gone = self.base.symbols.iter().find(|((name, kind), s)| {
            name.starts_with("global.")
                && matches!(kind, SymbolKind::Interface | SymbolKind::TypeAlias)
                && s.type_params.iter().all(|t| t.default.is_some())
                && lookup(self.rev, name).is_none()
        });
        let ((name, _), _) = gone.ok_or("the global block declared no type that is gone")?;
        let global = name.trim_start_matches("global.");
        Ok(Snippet {
            code: format!("import * as api from \"./api\";\nexport type W = {global};"),
            why: format!("the new declarations declare no global `{global}`"),
        })
    }

    /// Tuple elements: read the element the base has, or build the tuple as the base requires.
    fn tuple(&self, prefix: &str, idx: usize) -> Result<Snippet, String> {
        let head = "import * as api from \"./api\";\n";
        let (bt, rt, decl, expr, writable) = if let Some(s) = lookup(self.base, prefix) {
            let r = lookup(self.rev, prefix).ok_or("the tuple is not in the revision")?;
            let q = self.type_ref(s);
            (s.ty.clone(), r.ty.clone(), format!("declare const t: {q};\n"), "t".to_string(), Some(format!("const w: {q}")))
        } else {
            let (owner, rest) = self.split_owner(prefix).ok_or("the tuple's owner is not in the base")?;
            let name = rest.strip_prefix('.').ok_or("the tuple is not a member")?;
            let find = |s: &Symbol| s.members.values().find(|m| m.name == name).and_then(|m| m.ty.clone().map(|t| (t, m.readonly)));
            let (b, ro) = find(owner).ok_or("the member's type is not written")?;
            let r = lookup(self.rev, &owner.name).and_then(find).map(|x| x.0);
            let decl = format!("declare const x: {};\n", self.type_ref(owner));
            (Some(b), r, decl, format!("x.{name}"), (!ro).then(|| format!("x.{name}")))
        };
        let (Some(b), Some(r)) = (bt, rt) else { return Err("the tuple is not written in both versions".into()) };
        let ((breq, btot), (rreq, rtot)) = (elements(&b.text).ok_or("not a tuple")?, elements(&r.text).ok_or("not a tuple")?);
        if idx < btot && idx >= rtot {
            return Ok(Snippet {
                code: format!("{head}{decl}void {expr}[{idx}];"),
                why: format!("the tuple has no element at index {idx} now"),
            });
        }
        if let (true, Some(target)) = (rreq > breq, writable) {
            let value = format!("[{}]", anys(breq));
            let code =
                if target.starts_with("const") { format!("{head}{target} = {value};") } else { format!("{head}{decl}{target} = {value};") };
            return Ok(Snippet { code, why: format!("the tuple needs {rreq} elements now") });
        }
        if idx < breq && idx >= rreq {
            return Ok(Snippet {
                code: format!("{head}{decl}const w: {{}} = {expr}[{idx}];"),
                why: format!("element {idx} may be undefined now"),
            });
        }
        Err("the tuple change is not one of the witnessed shapes".into())
    }
}

/// Why the fallback builder does not apply (the first builder's reason is the one reported).
const NOT_APPLICABLE: &[&str] = &[
    "no such member",
    "the old overload is not found",
    "the change's owner is not exported",
    "the change is not located in the base",
    "the change is not a type written in both versions",
    "constructors and call signatures have no overload snippet",
    "not applicable",
];

/// Why a function type made from a method signature has no conversion witness.
const METHOD_MADE: &str = "the type is a function made from a method signature, whose parameters compare both ways";

/// The union members only the old type has, and those only the new one has (`undefined` aside).
fn differing(bt: &TypeText, rt: &TypeText) -> (Vec<String>, Vec<String>) {
    let gone = bt.union.iter().filter(|u| !rt.union.contains(u) && *u != "undefined").cloned().collect();
    let new = rt.union.iter().filter(|u| !bt.union.contains(u) && *u != "undefined").cloned().collect();
    (gone, new)
}

/// A call whose argument or result types prove the change.
enum Typed {
    /// The arguments (one of them a literal the old parameter type admits and the new does not).
    Arg(String, String),
    /// Arity, the old return type (literals and keywords only), the new one.
    Ret(usize, String, String),
}

/// For parameter `param` (or the return type when `None`): a literal the old type admits and no
/// new signature of the same arity does, or a return type that gained members.
fn typed_call(bs: &[&Signature], rs: &[&Signature], param: Option<&str>) -> Option<Typed> {
    for g in bs {
        let (req, _) = arity(g);
        match param {
            Some(p) => {
                let i = g.params.iter().position(|x| x.name == p)?;
                let bt = g.params[i].ty.as_ref()?;
                let n = req.max(i + 1);
                let same: Vec<&Signature> = rs.iter().copied().filter(|r| arity(r).0 <= n && n <= arity(r).1).collect();
                let atom = bt.union.iter().find(|u| {
                    simple(u)
                        && !u.contains(' ')
                        && same
                            .iter()
                            .all(|r| r.params.get(i).and_then(|x| x.ty.as_ref()).is_some_and(|t| simple(&t.text) && widens(&t.union, u)))
                })?;
                let args: Vec<String> = (0..n).map(|k| if k == i { value_of(atom) } else { "undefined as any".into() }).collect();
                return Some(Typed::Arg(args.join(", "), atom.clone()));
            }
            None => {
                let bt = g.ret.as_ref()?;
                if !simple(&bt.text) {
                    continue;
                }
                let gained = rs.iter().filter(|r| arity(r).0 <= req && req <= arity(r).1).find_map(|r| {
                    let rt = r.ret.as_ref()?;
                    (simple(&rt.text) && rt.union.iter().any(|u| widens(&bt.union, u))).then(|| rt.text.clone())
                });
                if let Some(now) = gained {
                    return Some(Typed::Ret(req, bt.text.clone(), now));
                }
            }
        }
    }
    None
}

/// (required, total) elements of a tuple type `[a, b?, ...c[]]` (total unbounded with a rest).
fn elements(t: &str) -> Option<(usize, usize)> {
    let inner = t.trim().trim_start_matches("readonly ").strip_prefix('[')?.strip_suffix(']')?;
    let mut depth = 0i32;
    let mut parts = vec![String::new()];
    for ch in inner.chars() {
        match ch {
            '[' | '(' | '<' | '{' => depth += 1,
            ']' | ')' | '>' | '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(String::new());
                continue;
            }
            _ => {}
        }
        parts.last_mut()?.push(ch);
    }
    let parts: Vec<String> = parts.iter().map(|p| p.trim().to_string()).filter(|p| !p.is_empty()).collect();
    let rest = parts.iter().any(|p| p.starts_with("..."));
    let optional = |p: &str| p.ends_with('?') || p.split_once(':').is_some_and(|(n, _)| n.trim_end().ends_with('?'));
    let req = parts.iter().filter(|p| !p.starts_with("...") && !optional(p)).count();
    Some((req, if rest { usize::MAX } else { parts.len() }))
}

/// An expression of type `atom`: the literal itself, or a cast for a keyword type.
fn value_of(atom: &str) -> String {
    let literal =
        atom.starts_with(['"', '\'', '-']) || atom.parse::<f64>().is_ok() || matches!(atom, "true" | "false" | "null" | "undefined");
    if literal { atom.to_string() } else { format!("(null as any as {atom})") }
}

/// Whether union member `u` of a new type widens the old union `old`: not in it, and not a
/// literal of a keyword the old union has.
fn widens(old: &[String], u: &str) -> bool {
    let keyword = if u.starts_with(['"', '\'', '`']) {
        "string"
    } else if u.parse::<f64>().is_ok() {
        "number"
    } else if matches!(u, "true" | "false") {
        "boolean"
    } else {
        ""
    };
    !old.iter().any(|o| o == u || (!keyword.is_empty() && o == keyword))
}

/// The exported symbol named `name`, of any kind.
fn lookup<'s>(s: &'s Surface, name: &str) -> Option<&'s Symbol> {
    s.symbols.range((name.to_string(), SymbolKind::Function)..).take_while(|((n, _), _)| n == name).map(|(_, v)| v).next()
}

/// (required, total) arguments a signature takes (a rest parameter takes up to 8 here).
fn arity(g: &Signature) -> (usize, usize) {
    let req = g.params.iter().filter(|p| !p.optional && !p.rest).count();
    let total = if g.params.iter().any(|p| p.rest) { usize::MAX } else { g.params.len() };
    (req, total)
}

fn ctor_arity(s: &Symbol) -> usize {
    s.members.values().filter(|m| m.kind == MemberKind::Constructor).flat_map(|m| m.sigs.iter()).map(|g| arity(g).0).min().unwrap_or(0)
}

fn anys(n: usize) -> String {
    vec!["undefined as any"; n].join(", ")
}

/// A type written only with literals, primitive keywords, `|`, arrays and parentheses.
fn simple(t: &str) -> bool {
    const WORDS: &[&str] = &["string", "number", "boolean", "bigint", "null", "undefined", "true", "false", "symbol", "object"];
    let mut in_str: Option<char> = None;
    let mut word = String::new();
    let check = |w: &str| w.is_empty() || WORDS.contains(&w) || w.parse::<f64>().is_ok();
    for ch in t.chars() {
        match in_str {
            Some(q) if ch == q => in_str = None,
            Some(_) => {}
            None if ch == '"' || ch == '\'' => in_str = Some(ch),
            None if ch.is_alphanumeric() || ch == '_' || ch == '$' || ch == '.' || ch == '-' => word.push(ch),
            None if matches!(ch, '|' | ' ' | '[' | ']' | '(' | ')') => {
                if !check(&word) {
                    return false;
                }
                word.clear();
            }
            None => return false,
        }
    }
    in_str.is_none() && check(&word)
}

/// A member type that excludes `undefined` and `null` for any instantiation: no type parameter
/// of the owner and no top type.
fn concrete(t: &str, owner: &Symbol) -> bool {
    let words: Vec<&str> = t.split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$')).collect();
    !words.iter().any(|w| {
        matches!(*w, "any" | "unknown" | "undefined" | "null" | "void" | "never") || owner.type_params.iter().any(|p| p.name == *w)
    })
}

fn one_line(code: &str) -> String {
    code.lines().skip(1).collect::<Vec<_>>().join(" ")
}
