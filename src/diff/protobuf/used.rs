//! Dependency files matter only through the definitions the API uses. A package's own files are
//! the entry file and every file of the same `package` (or every file of a folder given as the
//! spec: [`File::own`]); the other files it imports (vendored
//! googleapis, shared types of another package) are dependencies. A change located only in
//! dependency files is kept when it concerns a message or enum reachable from the own files
//! (their messages, enums, rpc requests and responses, extensions, through field types), or, for
//! file- and package-level changes (options, package, deletion), when that file defines such a
//! definition (its `go_package` names the type the generated code uses). Definitions the API does
//! not use may change freely.

use crate::diff::Change;
use crate::source::Location;
use crate::spec::protobuf::{File, Package};
use std::collections::{HashMap, HashSet};

/// What both versions use, and where their dependencies lie.
struct Used<'a> {
    /// Dependency files by display name.
    deps: HashMap<&'a str, &'a File>,
    /// Messages and enums reachable from the own files (either version).
    reachable: HashSet<&'a str>,
    /// Messages, enums and services defined in dependency files (either version).
    known: HashSet<&'a str>,
    /// Dependency files that define something reachable.
    defining: HashSet<&'a str>,
}

/// Drops the changes to definitions of dependency files that the API does not use. A version
/// without dependency files (a live descriptor set) has none to drop: everything is its own.
pub(super) fn retain_used(base: &Package, rev: &Package, changes: &mut Vec<Change>) {
    let mut used = Used { deps: HashMap::new(), reachable: HashSet::new(), known: HashSet::new(), defining: HashSet::new() };
    for pkg in [base, rev] {
        add(pkg, &mut used);
    }
    if used.deps.is_empty() {
        return;
    }
    for pkg in [base, rev] {
        for f in pkg.files.iter().filter(|f| used.deps.contains_key(f.display.as_str())) {
            if f.messages
                .iter()
                .map(|m| &m.full_name)
                .chain(f.enums.iter().map(|e| &e.full_name))
                .any(|n| used.reachable.contains(n.as_str()))
            {
                used.defining.insert(f.display.as_str());
            }
        }
    }
    changes.retain(|c| {
        let locs: Vec<&Location> = [c.base.as_ref(), c.revision.as_ref()].into_iter().flatten().collect();
        locs.is_empty() || locs.iter().any(|l| !used.deps.contains_key(l.file.as_str()) || used.keeps(l))
    });
}

impl Used<'_> {
    /// A location in a dependency file: its definition is reachable, or (a file- or package-level
    /// pointer) its file defines something reachable.
    fn keeps(&self, l: &Location) -> bool {
        let mut cur = l.pointer.as_str();
        loop {
            if self.reachable.contains(cur) {
                return true;
            }
            if self.known.contains(cur) {
                return false;
            }
            match cur.rsplit_once('.') {
                Some((parent, _)) => cur = parent,
                None => return self.defining.contains(l.file.as_str()),
            }
        }
    }
}

fn add<'a>(pkg: &'a Package, used: &mut Used<'a>) {
    let own = |f: &File| f.own;
    let fields: HashMap<&str, Vec<&str>> =
        pkg.messages().map(|(_, m)| (m.full_name.as_str(), m.fields.iter().map(|f| f.type_name.as_str()).collect())).collect();
    let mut stack: Vec<&str> = Vec::new();
    for f in &pkg.files {
        if !own(f) {
            used.deps.insert(f.display.as_str(), f);
            used.known.extend(f.messages.iter().map(|m| m.full_name.as_str()));
            used.known.extend(f.enums.iter().map(|e| e.full_name.as_str()));
            used.known.extend(f.services.iter().map(|s| s.full_name.as_str()));
            continue;
        }
        stack.extend(f.messages.iter().map(|m| m.full_name.as_str()));
        stack.extend(f.enums.iter().map(|e| e.full_name.as_str()));
        stack.extend(f.services.iter().flat_map(|s| s.methods.iter()).flat_map(|m| [m.input.as_str(), m.output.as_str()]));
        for x in &f.extensions {
            stack.push(x.type_name.as_str());
            stack.extend(x.extendee.as_deref());
        }
    }
    while let Some(name) = stack.pop() {
        if name.is_empty() || !used.reachable.insert(name) {
            continue;
        }
        stack.extend(fields.get(name).into_iter().flatten().copied());
    }
}
