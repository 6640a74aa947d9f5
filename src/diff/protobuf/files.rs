//! File-level rules: files deleted, and a file's package, syntax and code-generation options.

use super::{Change, Side, loc};
use crate::diff::sink::Sink;
use crate::spec::protobuf::File;

crate::rules! {
    /// ## What it detects
    /// A `.proto` file of the base (the entry file or one it imports) is gone from the revision.
    /// buf rule: `FILE_NO_DELETE` (category FILE).
    ///
    /// ## Why it matters
    /// Code generated per file (Python modules, C++ headers) disappears, and every `import` of the
    /// file stops compiling.
    ///
    /// ## Example
    /// `main.proto` imported `acme/v1/types.proto`; the revision no longer has that file.
    ///
    /// ## How to migrate
    /// Keep the file (deprecate its contents) until no client imports it.
    FILE_NO_DELETE = "proto-file-no-delete", Protobuf, Breaking, None, "file", Removed,
        "A .proto file was deleted (buf FILE_NO_DELETE)", buf = [File];
    /// ## What it detects
    /// A file's `package` changed. buf rule: `FILE_SAME_PACKAGE` (all categories).
    ///
    /// ## Why it matters
    /// Every fully qualified name in the file changes: the wire type URLs of `Any`, the gRPC paths
    /// (`/acme.v1.Users/Get`) and every generated import.
    ///
    /// ## Example
    /// `package acme.v1;` became `package acme.v2;`.
    ///
    /// ## How to migrate
    /// Create the new package in new files and keep the old one until clients have moved.
    FILE_SAME_PACKAGE = "proto-file-same-package", Protobuf, Breaking, None, "file", Changed,
        "A file's package changed (buf FILE_SAME_PACKAGE)", buf = [File, Package, WireJson, Wire];
    /// ## What it detects
    /// A file's `syntax` changed (for example `proto2` to `proto3`). buf rule: `FILE_SAME_SYNTAX`
    /// (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Field presence, enum openness, defaults and the generated accessors all change with the syntax.
    ///
    /// ## Example
    /// `syntax = "proto2";` became `syntax = "proto3";`.
    ///
    /// ## How to migrate
    /// Keep the syntax; move definitions to a new file of the new syntax in a new package version.
    FILE_SAME_SYNTAX = "proto-file-same-syntax", Protobuf, Breaking, None, "file", Changed,
        "A file's syntax changed (buf FILE_SAME_SYNTAX)", buf = [File, Package];
    /// ## What it detects
    /// The file option `go_package` (Go import path) changed. buf rule: `FILE_SAME_GO_PACKAGE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Go code importing the generated package by its old path no longer compiles.
    ///
    /// ## Example
    /// `option go_package = "example.com/acme/v1;acmev1";` became `option go_package = "example.com/acme/api/v1;acmev1";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_GO_PACKAGE = "proto-file-same-go-package", Protobuf, Breaking, None, "file", Changed,
        "File option go_package changed (buf FILE_SAME_GO_PACKAGE)", buf = [File, Package];
    /// ## What it detects
    /// The file option `java_package` (Java package) changed. buf rule: `FILE_SAME_JAVA_PACKAGE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Java imports of the generated classes break.
    ///
    /// ## Example
    /// `option java_package = "com.acme.v1";` became `option java_package = "com.acme.api.v1";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_JAVA_PACKAGE = "proto-file-same-java-package", Protobuf, Breaking, None, "file", Changed,
        "File option java_package changed (buf FILE_SAME_JAVA_PACKAGE)", buf = [File, Package];
    /// ## What it detects
    /// The file option `java_outer_classname` (Java outer class name) changed. buf rule: `FILE_SAME_JAVA_OUTER_CLASSNAME` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Java code naming the outer class breaks.
    ///
    /// ## Example
    /// `option java_outer_classname = "UserProto";` became `option java_outer_classname = "UserProtos";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_JAVA_OUTER_CLASSNAME = "proto-file-same-java-outer-classname", Protobuf, Breaking, None, "file", Changed,
        "File option java_outer_classname changed (buf FILE_SAME_JAVA_OUTER_CLASSNAME)", buf = [File, Package];
    /// ## What it detects
    /// The file option `java_multiple_files` (Java one-class-per-file switch) changed. buf rule: `FILE_SAME_JAVA_MULTIPLE_FILES` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Generated classes move between nested and top-level, breaking Java imports.
    ///
    /// ## Example
    /// `option java_multiple_files = false;` became `option java_multiple_files = true;`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_JAVA_MULTIPLE_FILES = "proto-file-same-java-multiple-files", Protobuf, Breaking, None, "file", Changed,
        "File option java_multiple_files changed (buf FILE_SAME_JAVA_MULTIPLE_FILES)", buf = [File, Package];
    /// ## What it detects
    /// The file option `csharp_namespace` (C# namespace) changed. buf rule: `FILE_SAME_CSHARP_NAMESPACE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// C# `using` directives stop resolving.
    ///
    /// ## Example
    /// `option csharp_namespace = "Acme.V1";` became `option csharp_namespace = "Acme.Api.V1";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_CSHARP_NAMESPACE = "proto-file-same-csharp-namespace", Protobuf, Breaking, None, "file", Changed,
        "File option csharp_namespace changed (buf FILE_SAME_CSHARP_NAMESPACE)", buf = [File, Package];
    /// ## What it detects
    /// The file option `objc_class_prefix` (Objective-C class prefix) changed. buf rule: `FILE_SAME_OBJC_CLASS_PREFIX` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Objective-C class names change.
    ///
    /// ## Example
    /// `option objc_class_prefix = "ACM";` became `option objc_class_prefix = "ACX";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_OBJC_CLASS_PREFIX = "proto-file-same-objc-class-prefix", Protobuf, Breaking, None, "file", Changed,
        "File option objc_class_prefix changed (buf FILE_SAME_OBJC_CLASS_PREFIX)", buf = [File, Package];
    /// ## What it detects
    /// The file option `php_namespace` (PHP namespace) changed. buf rule: `FILE_SAME_PHP_NAMESPACE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// PHP `use` statements break.
    ///
    /// ## Example
    /// `option php_namespace = "Acme\V1";` became `option php_namespace = "Acme\Api\V1";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_PHP_NAMESPACE = "proto-file-same-php-namespace", Protobuf, Breaking, None, "file", Changed,
        "File option php_namespace changed (buf FILE_SAME_PHP_NAMESPACE)", buf = [File, Package];
    /// ## What it detects
    /// The file option `php_class_prefix` (PHP class prefix) changed. buf rule: `FILE_SAME_PHP_CLASS_PREFIX` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// PHP class names change.
    ///
    /// ## Example
    /// `option php_class_prefix = "A";` became `option php_class_prefix = "B";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_PHP_CLASS_PREFIX = "proto-file-same-php-class-prefix", Protobuf, Breaking, None, "file", Changed,
        "File option php_class_prefix changed (buf FILE_SAME_PHP_CLASS_PREFIX)", buf = [File, Package];
    /// ## What it detects
    /// The file option `php_metadata_namespace` (PHP metadata namespace) changed. buf rule: `FILE_SAME_PHP_METADATA_NAMESPACE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// PHP metadata classes move.
    ///
    /// ## Example
    /// `option php_metadata_namespace = "Acme\Meta";` became `option php_metadata_namespace = "Acme\M";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_PHP_METADATA_NAMESPACE = "proto-file-same-php-metadata-namespace", Protobuf, Breaking, None, "file", Changed,
        "File option php_metadata_namespace changed (buf FILE_SAME_PHP_METADATA_NAMESPACE)", buf = [File, Package];
    /// ## What it detects
    /// The file option `ruby_package` (Ruby module) changed. buf rule: `FILE_SAME_RUBY_PACKAGE` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Ruby constants move to another module.
    ///
    /// ## Example
    /// `option ruby_package = "Acme::V1";` became `option ruby_package = "Acme::Api::V1";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_RUBY_PACKAGE = "proto-file-same-ruby-package", Protobuf, Breaking, None, "file", Changed,
        "File option ruby_package changed (buf FILE_SAME_RUBY_PACKAGE)", buf = [File, Package];
    /// ## What it detects
    /// The file option `swift_prefix` (Swift type prefix) changed. buf rule: `FILE_SAME_SWIFT_PREFIX` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Swift type names change.
    ///
    /// ## Example
    /// `option swift_prefix = "AC";` became `option swift_prefix = "AX";`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_SWIFT_PREFIX = "proto-file-same-swift-prefix", Protobuf, Breaking, None, "file", Changed,
        "File option swift_prefix changed (buf FILE_SAME_SWIFT_PREFIX)", buf = [File, Package];
    /// ## What it detects
    /// The file option `optimize_for` (C++/Java optimisation mode) changed. buf rule: `FILE_SAME_OPTIMIZE_FOR` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Switching to or from the lite runtime changes the generated base classes and breaks code that uses reflection.
    ///
    /// ## Example
    /// `option optimize_for = SPEED;` became `option optimize_for = LITE_RUNTIME;`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_OPTIMIZE_FOR = "proto-file-same-optimize-for", Protobuf, Breaking, None, "file", Changed,
        "File option optimize_for changed (buf FILE_SAME_OPTIMIZE_FOR)", buf = [File, Package];
    /// ## What it detects
    /// The file option `cc_enable_arenas` (C++ arena switch) changed. buf rule: `FILE_SAME_CC_ENABLE_ARENAS` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// C++ code allocating messages on arenas stops compiling.
    ///
    /// ## Example
    /// `option cc_enable_arenas = true;` became `option cc_enable_arenas = false;`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_CC_ENABLE_ARENAS = "proto-file-same-cc-enable-arenas", Protobuf, Breaking, None, "file", Changed,
        "File option cc_enable_arenas changed (buf FILE_SAME_CC_ENABLE_ARENAS)", buf = [File, Package];
    /// ## What it detects
    /// The file option `cc_generic_services` (C++ generic service stubs) changed. buf rule: `FILE_SAME_CC_GENERIC_SERVICES` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// C++ code using the generic service classes stops compiling.
    ///
    /// ## Example
    /// `option cc_generic_services = true;` became `option cc_generic_services = false;`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_CC_GENERIC_SERVICES = "proto-file-same-cc-generic-services", Protobuf, Breaking, None, "file", Changed,
        "File option cc_generic_services changed (buf FILE_SAME_CC_GENERIC_SERVICES)", buf = [File, Package];
    /// ## What it detects
    /// The file option `java_generic_services` (Java generic service stubs) changed. buf rule: `FILE_SAME_JAVA_GENERIC_SERVICES` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Java code using the generic service classes stops compiling.
    ///
    /// ## Example
    /// `option java_generic_services = true;` became `option java_generic_services = false;`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_JAVA_GENERIC_SERVICES = "proto-file-same-java-generic-services", Protobuf, Breaking, None, "file", Changed,
        "File option java_generic_services changed (buf FILE_SAME_JAVA_GENERIC_SERVICES)", buf = [File, Package];
    /// ## What it detects
    /// The file option `py_generic_services` (Python generic service stubs) changed. buf rule: `FILE_SAME_PY_GENERIC_SERVICES` (categories FILE, PACKAGE).
    ///
    /// ## Why it matters
    /// Python code using the generic service classes breaks.
    ///
    /// ## Example
    /// `option py_generic_services = true;` became `option py_generic_services = false;`.
    ///
    /// ## How to migrate
    /// Keep the old value; if it must change, publish the new value under a new package version.
    FILE_SAME_PY_GENERIC_SERVICES = "proto-file-same-py-generic-services", Protobuf, Breaking, None, "file", Changed,
        "File option py_generic_services changed (buf FILE_SAME_PY_GENERIC_SERVICES)", buf = [File, Package];
}

/// The option rules, by option name.
const OPTION_RULES: &[(&str, &crate::diff::Rule)] = &[
    ("go_package", &FILE_SAME_GO_PACKAGE),
    ("java_package", &FILE_SAME_JAVA_PACKAGE),
    ("java_outer_classname", &FILE_SAME_JAVA_OUTER_CLASSNAME),
    ("java_multiple_files", &FILE_SAME_JAVA_MULTIPLE_FILES),
    ("csharp_namespace", &FILE_SAME_CSHARP_NAMESPACE),
    ("objc_class_prefix", &FILE_SAME_OBJC_CLASS_PREFIX),
    ("php_namespace", &FILE_SAME_PHP_NAMESPACE),
    ("php_class_prefix", &FILE_SAME_PHP_CLASS_PREFIX),
    ("php_metadata_namespace", &FILE_SAME_PHP_METADATA_NAMESPACE),
    ("ruby_package", &FILE_SAME_RUBY_PACKAGE),
    ("swift_prefix", &FILE_SAME_SWIFT_PREFIX),
    ("optimize_for", &FILE_SAME_OPTIMIZE_FOR),
    ("cc_enable_arenas", &FILE_SAME_CC_ENABLE_ARENAS),
    ("cc_generic_services", &FILE_SAME_CC_GENERIC_SERVICES),
    ("java_generic_services", &FILE_SAME_JAVA_GENERIC_SERVICES),
    ("py_generic_services", &FILE_SAME_PY_GENERIC_SERVICES),
];

pub(super) fn check(b: &Side<'_>, r: &Side<'_>, out: &mut Sink) {
    for (key, bf) in &b.files {
        let Some(rf) = r.files.get(key) else {
            // A dependency no longer imported is not deleted: only the API's own files count.
            if !bf.own {
                continue;
            }
            out.push(
                Change::new(&FILE_NO_DELETE, format!("file `{}` was deleted", bf.name))
                    .locs(Some(loc(bf, &bf.name, None)), None)
                    .values(Some(bf.name.clone()), None)
                    .finish(),
            );
            continue;
        };
        compare_file(bf, rf, out);
    }
}

fn compare_file(bf: &File, rf: &File, out: &mut Sink) {
    if bf.package != rf.package {
        out.push(
            Change::new(&FILE_SAME_PACKAGE, format!("file `{}` changed package from `{}` to `{}`", rf.name, bf.package, rf.package))
                .locs(Some(loc(bf, &bf.name, bf.package_pos)), Some(loc(rf, &rf.name, rf.package_pos)))
                .values(Some(bf.package.clone()), Some(rf.package.clone()))
                .finish(),
        );
    }
    if bf.syntax != rf.syntax {
        out.push(
            Change::new(&FILE_SAME_SYNTAX, format!("file `{}` changed syntax from `{}` to `{}`", rf.name, bf.syntax, rf.syntax))
                .locs(Some(loc(bf, &bf.name, bf.syntax_pos)), Some(loc(rf, &rf.name, rf.syntax_pos)))
                .values(Some(bf.syntax.clone()), Some(rf.syntax.clone()))
                .finish(),
        );
    }
    for (name, rule) in OPTION_RULES {
        let (Some(bo), Some(ro)) = (bf.options.iter().find(|o| o.name == *name), rf.options.iter().find(|o| o.name == *name)) else {
            continue;
        };
        if bo.value != ro.value {
            let pointer = format!("{}#{name}", rf.name);
            out.push(
                Change::new(rule, format!("file `{}` changed option `{name}` from `{}` to `{}`", rf.name, bo.value, ro.value))
                    .locs(Some(loc(bf, &pointer, bo.pos.or(bf.package_pos))), Some(loc(rf, &pointer, ro.pos.or(rf.package_pos))))
                    .values(Some(bo.value.clone()), Some(ro.value.clone()))
                    .finish(),
            );
        }
    }
}

/// How this family's breaking rules are proved (see [`Proof`](crate::diff::Proof); built by
/// `crate::witness::protobuf`, checked against both descriptors).
pub const PROOFS: &[(&crate::diff::Rule, crate::diff::witness::Proof)] = {
    use crate::diff::witness::Proof;
    &[
        (&FILE_NO_DELETE, Proof::Symbol),
        (&FILE_SAME_PACKAGE, Proof::Symbol),
        (&FILE_SAME_SYNTAX, Proof::Symbol),
        (&FILE_SAME_GO_PACKAGE, Proof::Symbol),
        (&FILE_SAME_JAVA_PACKAGE, Proof::Symbol),
        (&FILE_SAME_JAVA_OUTER_CLASSNAME, Proof::Symbol),
        (&FILE_SAME_JAVA_MULTIPLE_FILES, Proof::Symbol),
        (&FILE_SAME_CSHARP_NAMESPACE, Proof::Symbol),
        (&FILE_SAME_OBJC_CLASS_PREFIX, Proof::Symbol),
        (&FILE_SAME_PHP_NAMESPACE, Proof::Symbol),
        (&FILE_SAME_PHP_CLASS_PREFIX, Proof::Symbol),
        (&FILE_SAME_PHP_METADATA_NAMESPACE, Proof::Symbol),
        (&FILE_SAME_RUBY_PACKAGE, Proof::Symbol),
        (&FILE_SAME_SWIFT_PREFIX, Proof::Symbol),
        (&FILE_SAME_OPTIMIZE_FOR, Proof::Symbol),
        (&FILE_SAME_CC_ENABLE_ARENAS, Proof::Symbol),
        (&FILE_SAME_CC_GENERIC_SERVICES, Proof::Symbol),
        (&FILE_SAME_JAVA_GENERIC_SERVICES, Proof::Symbol),
        (&FILE_SAME_PY_GENERIC_SERVICES, Proof::Symbol),
    ]
};
