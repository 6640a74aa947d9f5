//! Protobuf witnesses: wire bytes (or proto JSON) the base's descriptor decodes to one value and
//! the revision's to another or not at all, decoded by apidiff with both (`wire`); the gRPC
//! method path that answered and now answers UNIMPLEMENTED; the HTTP request a removed or moved
//! `google.api.http` binding no longer routes; and the generated-code symbol that disappears,
//! looked up in both descriptors.

mod wire;

use crate::diff::{Change, Proof, Witness, WitnessKind, witness::Http, witness::Verdict};
use crate::spec::protobuf::{Enum, Field, File, Message, Method, Package, Service};
use serde_json::{Value, json};
use std::collections::HashMap;

/// One side's elements by full name.
pub(crate) struct Index<'a> {
    pkg: &'a Package,
    messages: HashMap<&'a str, &'a Message>,
    enums: HashMap<&'a str, &'a Enum>,
    services: HashMap<&'a str, &'a Service>,
    extensions: HashMap<&'a str, &'a Field>,
}

impl<'a> Index<'a> {
    fn new(pkg: &'a Package) -> Self {
        Index {
            pkg,
            messages: pkg.messages().map(|(_, m)| (m.full_name.as_str(), m)).collect(),
            enums: pkg.enums().map(|(_, e)| (e.full_name.as_str(), e)).collect(),
            services: pkg.services().map(|(_, s)| (s.full_name.as_str(), s)).collect(),
            extensions: pkg.extensions().map(|(_, x)| (x.full_name.as_str(), x)).collect(),
        }
    }

    fn file(&self, name: &str) -> Option<&'a File> {
        self.pkg.files.iter().find(|f| f.display == name || f.name == name)
    }

    fn method(&self, path: &str) -> Option<&'a Method> {
        let (svc, m) = path.trim_start_matches('/').split_once('/')?;
        self.services.get(svc)?.methods.iter().find(|x| x.name == m)
    }

    /// A field `message.field` (or an extension by its full name).
    fn field(&self, name: &str) -> Option<(&'a Message, &'a Field)> {
        let (m, f) = name.rsplit_once('.')?;
        let msg = self.messages.get(m)?;
        Some((msg, msg.fields.iter().find(|x| x.name == f)?))
    }

    /// Whether a generated symbol for `name` exists: a message, enum, service, method,
    /// extension, field, package or file of that name.
    fn has(&self, name: &str) -> bool {
        self.messages.contains_key(name)
            || self.enums.contains_key(name)
            || self.services.contains_key(name)
            || self.extensions.contains_key(name)
            || self.field(name).is_some()
            || self.file(name).is_some()
            || self.pkg.files.iter().any(|f| f.own && f.package == name)
            || name.rsplit_once('.').is_some_and(|(s, m)| self.services.get(s).is_some_and(|s| s.methods.iter().any(|x| x.name == m)))
    }
}

/// The two descriptors, indexed once per comparison.
pub(crate) struct Pair<'a> {
    base: Index<'a>,
    rev: Index<'a>,
}

impl<'a> Pair<'a> {
    pub(crate) fn new(base: &'a Package, rev: &'a Package) -> Self {
        Pair { base: Index::new(base), rev: Index::new(rev) }
    }

    /// Builds the witness `proof` calls for.
    pub(crate) fn build(&self, c: &Change, proof: Proof) -> Witness {
        let found = match proof {
            Proof::Wire => self.wire(c),
            Proof::Unimplemented => self.unimplemented(c),
            Proof::Route => self.route(c),
            Proof::Symbol => self.symbol(c),
            _ => Err("this rule has no protobuf witness builder".to_string()),
        };
        found.unwrap_or_else(Witness::none)
    }

    fn verdicts(&self, c: &Change, pointer: &str, why: &str) -> (Verdict, Verdict) {
        let file = |l: Option<&crate::source::Location>| l.map(|l| l.file.clone()).unwrap_or_default();
        (
            Verdict { file: file(c.base.as_ref().or(c.revision.as_ref())), pointer: pointer.to_string(), accepts: true, error: None },
            Verdict {
                file: file(c.revision.as_ref().or(c.base.as_ref())),
                pointer: pointer.to_string(),
                accepts: false,
                error: Some(why.to_string()),
            },
        )
    }

    fn witness(
        &self,
        c: &Change,
        kind: WitnessKind,
        summary: String,
        instance: Option<Value>,
        http: Option<Http>,
        (at, why): (&str, &str),
    ) -> Witness {
        let (b, r) = self.verdicts(c, at, why);
        Witness { kind, summary, reason: None, instance, http, base: Some(b), revision: Some(r) }
    }

    /// The method path of a change: its operation (`/pkg.Service/Method`), else the first
    /// method of the service it points at.
    fn method_path(&self, c: &Change) -> Option<String> {
        if let Some(op) = c.operation.as_deref().filter(|o| o.starts_with('/')) {
            return Some(op.to_string());
        }
        let at = c.base.as_ref()?.pointer.as_str();
        let svc = self.base.services.get(at)?;
        Some(format!("/{}/{}", svc.full_name, svc.methods.first()?.name))
    }

    fn unimplemented(&self, c: &Change) -> Result<Witness, String> {
        let path = self.method_path(c).ok_or("the change names no method of the base")?;
        self.base.method(&path).ok_or_else(|| format!("`{path}` is not a method of the base"))?;
        if self.rev.method(&path).is_some() {
            return Err(format!("`{path}` is still served by the revision"));
        }
        let why = format!("no service of the revision has `{path}`: a server built from it answers UNIMPLEMENTED");
        let summary = format!("a gRPC call to `{path}` reached the method and now gets UNIMPLEMENTED (status 12)");
        Ok(self.witness(c, WitnessKind::Endpoint, summary, Some(json!({"grpc": path, "now": "UNIMPLEMENTED"})), None, (&path, &why)))
    }

    fn route(&self, c: &Change) -> Result<Witness, String> {
        let path = self.method_path(c).ok_or("the change names no method of the base")?;
        let bm = self.base.method(&path).ok_or_else(|| format!("`{path}` is not a method of the base"))?;
        let rm = self.rev.method(&path);
        let bindings = bm.http.as_ref().map(|h| h.bindings.as_slice()).unwrap_or_default();
        let rb = rm.and_then(|m| m.http.as_ref()).map(|h| h.bindings.as_slice()).unwrap_or_default();
        for b in bindings {
            let same = rb.iter().find(|r| r.verb == b.verb && r.path == b.path);
            let why = match same {
                None => {
                    format!("no binding of the revision routes {} {}: the transcoder answers 404 or 405", b.verb.to_uppercase(), b.path)
                }
                Some(r) if r.body != b.body => format!("the request body now maps to `{}` instead of `{}`", shown(&r.body), shown(&b.body)),
                Some(r) if r.response_body != b.response_body => {
                    format!("the response body is now `{}` instead of `{}`", shown(&r.response_body), shown(&b.response_body))
                }
                Some(_) => continue,
            };
            let http = Http {
                method: b.verb.to_uppercase(),
                path: b.path.clone(),
                now: same.is_none().then(|| "404 or 405".into()),
                ..Http::default()
            };
            let summary = format!("{} {} reached `{path}` as the base maps it; {why}", http.method, http.path);
            return Ok(self.witness(c, WitnessKind::Endpoint, summary, None, Some(http), (&path, &why)));
        }
        Err(format!("every HTTP binding of `{path}` still routes the same way"))
    }

    fn symbol(&self, c: &Change) -> Result<Witness, String> {
        let at = c.base.as_ref().or(c.revision.as_ref()).map(|l| l.pointer.clone()).ok_or("the change is not located")?;
        // An element (message, enum, service, field, file, package) that the revision no longer has.
        if self.base.has(&at) && !self.rev.has(&at) {
            let why = format!("the revision generates no `{at}`");
            let summary = format!("code using the generated `{at}` compiled and no longer does: {why}");
            return Ok(self.witness(c, WitnessKind::Code, summary, Some(json!({"symbol": at})), None, (&at, &why)));
        }
        // A property of a kept element (an option, a stream flag, a type): what it generates
        // under the base's value is gone under the revision's.
        let (Some(before), after) = (c.before.as_deref(), c.after.as_deref()) else {
            return Err(format!("`{at}` is in both descriptors and the change carries no old value"));
        };
        if Some(before) == after {
            return Err(format!("`{at}` generates the same code in both versions"));
        }
        let now = after.map_or_else(|| "unset".to_string(), |a| format!("`{a}`"));
        let why = format!("`{at}` is now {now}: the code generated for `{before}` is gone");
        let summary = format!("code generated for `{at}` = `{before}` compiled against the base; {why}");
        Ok(self.witness(c, WitnessKind::Code, summary, Some(json!({"symbol": at, "base": before, "revision": after})), None, (&at, &why)))
    }
}

fn shown(body: &str) -> &str {
    if body.is_empty() { "(none)" } else { body }
}

mod build;
