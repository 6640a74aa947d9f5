//! Deleted top-level definitions: per file (buf's FILE-only `*_NO_DELETE` rules) and per package
//! (buf's PACKAGE-only `PACKAGE_*_NO_DELETE` rules), so moving a definition between files of one
//! package is breaking under FILE and fine under PACKAGE.

use super::{Change, Side, loc};
use crate::diff::sink::Sink;
use crate::spec::protobuf::{File, Pos};
use std::collections::{BTreeMap, BTreeSet};

crate::rules! {
    /// ## What it detects
    /// A message is no longer declared in the file that declared it (deleted, or moved to another
    /// file). buf rule: `MESSAGE_NO_DELETE` (category FILE).
    ///
    /// ## Why it matters
    /// Languages that generate code per file (Python, C++, Ruby) import the message from that
    /// file's generated module; the import breaks even if the message moved within the package.
    ///
    /// ## Example
    /// `message Address { ... }` was removed from `acme/v1/user.proto`.
    ///
    /// ## How to migrate
    /// Keep the message and mark it `option deprecated = true;` until no code uses it.
    MESSAGE_NO_DELETE = "proto-message-no-delete", Protobuf, Breaking, None, "message", Removed,
        "A message was deleted from its file (buf MESSAGE_NO_DELETE)", buf = [File];
    /// ## What it detects
    /// An enum is no longer declared in the file that declared it. buf rule: `ENUM_NO_DELETE`
    /// (category FILE).
    ///
    /// ## Why it matters
    /// Generated code that refers to the enum through its file's module stops compiling.
    ///
    /// ## Example
    /// `enum Color { ... }` was removed from `acme/v1/paint.proto`.
    ///
    /// ## How to migrate
    /// Keep the enum, deprecated, until no code uses it.
    ENUM_NO_DELETE = "proto-enum-no-delete", Protobuf, Breaking, None, "enum", Removed,
        "An enum was deleted from its file (buf ENUM_NO_DELETE)", buf = [File];
    /// ## What it detects
    /// A service is no longer declared in the file that declared it. buf rule: `SERVICE_NO_DELETE`
    /// (category FILE).
    ///
    /// ## Why it matters
    /// Clients calling the service get `UNIMPLEMENTED`; generated stubs disappear from the file's module.
    ///
    /// ## Example
    /// `service Billing { ... }` was removed.
    ///
    /// ## How to migrate
    /// Keep serving the service (deprecated) until clients have moved.
    SERVICE_NO_DELETE = "proto-service-no-delete", Protobuf, Breaking, None, "service", Removed,
        "A service was deleted from its file (buf SERVICE_NO_DELETE)", buf = [File];
    /// ## What it detects
    /// An extension (`extend Foo { ... }` field) is no longer declared in its file. buf rule:
    /// `EXTENSION_NO_DELETE` (category FILE).
    ///
    /// ## Why it matters
    /// Code reading or setting the extension through the generated accessor stops compiling, and
    /// the data is no longer parsed into the extension.
    ///
    /// ## Example
    /// `extend google.protobuf.FieldOptions { string label = 50001; }` was removed.
    ///
    /// ## How to migrate
    /// Keep the extension declared until nothing reads it.
    EXTENSION_NO_DELETE = "proto-extension-no-delete", Protobuf, Breaking, None, "extension", Removed,
        "An extension was deleted from its file (buf EXTENSION_NO_DELETE)", buf = [File];
    /// ## What it detects
    /// A package that some file of the base declared is declared by no file of the revision.
    /// buf rule: `PACKAGE_NO_DELETE` (category PACKAGE).
    ///
    /// ## Why it matters
    /// Everything in the package is gone: generated packages, gRPC paths and type URLs.
    ///
    /// ## Example
    /// The only file of `acme.billing.v1` was deleted.
    ///
    /// ## How to migrate
    /// Keep the package until no client depends on it.
    PACKAGE_NO_DELETE = "proto-package-no-delete", Protobuf, Breaking, None, "package", Removed,
        "A package was deleted (buf PACKAGE_NO_DELETE)", buf = [Package];
    /// ## What it detects
    /// A message is gone from its package (declared in no file of that package any more).
    /// buf rule: `PACKAGE_MESSAGE_NO_DELETE` (category PACKAGE).
    ///
    /// ## Why it matters
    /// Code referring to the message by its qualified name stops compiling.
    ///
    /// ## Example
    /// `acme.v1.Address` exists in no file of `acme.v1` any more.
    ///
    /// ## How to migrate
    /// Keep the message, deprecated. Moving it to another file of the same package is fine.
    PACKAGE_MESSAGE_NO_DELETE = "proto-package-message-no-delete", Protobuf, Breaking, None, "message", Removed,
        "A message was deleted from its package (buf PACKAGE_MESSAGE_NO_DELETE)", buf = [Package];
    /// ## What it detects
    /// An enum is gone from its package. buf rule: `PACKAGE_ENUM_NO_DELETE` (category PACKAGE).
    ///
    /// ## Why it matters
    /// Code referring to the enum by its qualified name stops compiling.
    ///
    /// ## Example
    /// `acme.v1.Color` exists in no file of `acme.v1` any more.
    ///
    /// ## How to migrate
    /// Keep the enum, deprecated.
    PACKAGE_ENUM_NO_DELETE = "proto-package-enum-no-delete", Protobuf, Breaking, None, "enum", Removed,
        "An enum was deleted from its package (buf PACKAGE_ENUM_NO_DELETE)", buf = [Package];
    /// ## What it detects
    /// A service is gone from its package. buf rule: `PACKAGE_SERVICE_NO_DELETE` (category PACKAGE).
    ///
    /// ## Why it matters
    /// Calls to `/pkg.Service/Method` fail with `UNIMPLEMENTED`.
    ///
    /// ## Example
    /// `acme.v1.Billing` exists in no file of `acme.v1` any more.
    ///
    /// ## How to migrate
    /// Keep serving the service until clients have moved.
    PACKAGE_SERVICE_NO_DELETE = "proto-package-service-no-delete", Protobuf, Breaking, None, "service", Removed,
        "A service was deleted from its package (buf PACKAGE_SERVICE_NO_DELETE)", buf = [Package];
    /// ## What it detects
    /// An extension is gone from its package. buf rule: `PACKAGE_EXTENSION_NO_DELETE` (category PACKAGE).
    ///
    /// ## Why it matters
    /// Code using the extension's generated accessor stops compiling.
    ///
    /// ## Example
    /// `acme.v1.label` (an extension of `FieldOptions`) exists in no file of `acme.v1` any more.
    ///
    /// ## How to migrate
    /// Keep the extension declared until nothing reads it.
    PACKAGE_EXTENSION_NO_DELETE = "proto-package-extension-no-delete", Protobuf, Breaking, None, "extension", Removed,
        "An extension was deleted from its package (buf PACKAGE_EXTENSION_NO_DELETE)", buf = [Package];
}

/// One kind of top-level definition: its rules and how to list it in a file.
struct Kind {
    what: &'static str,
    file_rule: &'static crate::diff::Rule,
    package_rule: &'static crate::diff::Rule,
    /// `(qualified name, position)` of each definition of the kind in a file (map entries excluded).
    list: fn(&File) -> Vec<(&str, Pos)>,
}

const KINDS: &[Kind] = &[
    Kind {
        what: "message",
        file_rule: &MESSAGE_NO_DELETE,
        package_rule: &PACKAGE_MESSAGE_NO_DELETE,
        list: |f| f.messages.iter().filter(|m| !m.map_entry).map(|m| (m.full_name.as_str(), m.pos)).collect(),
    },
    Kind {
        what: "enum",
        file_rule: &ENUM_NO_DELETE,
        package_rule: &PACKAGE_ENUM_NO_DELETE,
        list: |f| f.enums.iter().map(|e| (e.full_name.as_str(), e.pos)).collect(),
    },
    Kind {
        what: "service",
        file_rule: &SERVICE_NO_DELETE,
        package_rule: &PACKAGE_SERVICE_NO_DELETE,
        list: |f| f.services.iter().map(|s| (s.full_name.as_str(), s.pos)).collect(),
    },
    Kind {
        what: "extension",
        file_rule: &EXTENSION_NO_DELETE,
        package_rule: &PACKAGE_EXTENSION_NO_DELETE,
        list: |f| f.extensions.iter().map(|x| (x.full_name.as_str(), x.pos)).collect(),
    },
];

pub(super) fn check(b: &Side<'_>, r: &Side<'_>, out: &mut Sink) {
    // Per file.
    for (key, bf) in &b.files {
        let Some(rf) = r.files.get(key) else { continue };
        for kind in KINDS {
            let before: BTreeMap<&str, Pos> = (kind.list)(bf).into_iter().collect();
            let after: BTreeSet<&str> = (kind.list)(rf).into_iter().map(|(n, _)| n).collect();
            deleted(
                &before,
                &after,
                |name, pos| {
                    Change::new(kind.file_rule, format!("{} `{name}` was deleted from file `{}`", kind.what, bf.name))
                        .locs(Some(loc(bf, name, pos)), None)
                        .values(Some(name.to_string()), None)
                        .finish()
                },
                out,
            );
        }
    }
    // Per package: the definitions of the base's own files of each package, looked up in every
    // revision file of that package (own or imported), by fully qualified name wherever they
    // live. A dependency that is no longer imported has not deleted anything.
    let (bp, rp) = (packages(b, true), packages(r, false));
    for (pkg, bfiles) in &bp {
        let Some(rfiles) = rp.get(pkg) else {
            if let Some(f) = bfiles.first() {
                out.push(
                    Change::new(&PACKAGE_NO_DELETE, format!("package `{pkg}` was deleted"))
                        .locs(Some(loc(f, pkg, f.package_pos)), None)
                        .values(Some(pkg.clone()), None)
                        .finish(),
                );
            }
            continue;
        };
        for kind in KINDS {
            let mut before: BTreeMap<&str, (Pos, &File)> = BTreeMap::new();
            for f in bfiles {
                before.extend((kind.list)(f).into_iter().map(|(n, p)| (n, (p, *f))));
            }
            let after: BTreeSet<&str> = rfiles.iter().flat_map(|f| (kind.list)(f)).map(|(n, _)| n).collect();
            let positions: BTreeMap<&str, Pos> = before.iter().map(|(n, (p, _))| (*n, *p)).collect();
            deleted(
                &positions,
                &after,
                |name, pos| {
                    let file = before.get(name).map(|(_, f)| *f).or(bfiles.first().copied());
                    Change::new(kind.package_rule, format!("{} `{name}` was deleted from package `{pkg}`", kind.what))
                        .locs(file.map(|f| loc(f, name, pos)), None)
                        .values(Some(name.to_string()), None)
                        .finish()
                },
                out,
            );
        }
    }
}

/// Files grouped by package (only the API's own files when `own_only`).
fn packages<'a>(s: &Side<'a>, own_only: bool) -> BTreeMap<String, Vec<&'a File>> {
    let mut m: BTreeMap<String, Vec<&'a File>> = BTreeMap::new();
    for f in s.files.values().filter(|f| f.own || !own_only) {
        m.entry(f.package.clone()).or_default().push(f);
    }
    m
}

/// Reports each name of `before` missing from `after`, skipping those whose enclosing
/// definition is itself missing (only the outermost deletion is reported).
fn deleted(before: &BTreeMap<&str, Pos>, after: &BTreeSet<&str>, make: impl Fn(&str, Pos) -> Change, out: &mut Sink) {
    for (name, pos) in before {
        if after.contains(name) || super::parent_in(name, before, |p| !after.contains(p)) {
            continue;
        }
        out.push(make(name, *pos));
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof); built by
/// `crate::witness::protobuf`, checked against both descriptors).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&MESSAGE_NO_DELETE, Proof::Symbol),
        (&ENUM_NO_DELETE, Proof::Symbol),
        (&SERVICE_NO_DELETE, Proof::Unimplemented),
        (&EXTENSION_NO_DELETE, Proof::Symbol),
        (&PACKAGE_NO_DELETE, Proof::Symbol),
        (&PACKAGE_MESSAGE_NO_DELETE, Proof::Symbol),
        (&PACKAGE_ENUM_NO_DELETE, Proof::Symbol),
        (&PACKAGE_SERVICE_NO_DELETE, Proof::Unimplemented),
        (&PACKAGE_EXTENSION_NO_DELETE, Proof::Symbol),
    ]
};
