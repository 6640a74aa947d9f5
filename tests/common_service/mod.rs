//! The one check every test that needs a real service makes: the service's variable (set by
//! scripts/test, which starts the services) or, outside CI, a skip with a note. With `CI=true` a
//! missing service is a failure, never a skip.
#![allow(dead_code, clippy::print_stderr)]

/// The value of `var`, or `None` (skip) when it is unset outside CI; panics when `CI=true`.
pub fn service(var: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(v) if !v.is_empty() => Some(v),
        _ => {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "{var} is not set: scripts/test starts the services (scripts/services.sh, services-mail.sh, services-live.sh); in CI this is a failure"
            );
            eprintln!("note: {var} is not set; skipping (scripts/services.sh, services-mail.sh and services-live.sh start the services)");
            None
        }
    }
}

/// The TypeScript compiler the tests check snippets with (`APIDIFF_TEST_TSC`, else the copy
/// scripts/deps.sh installs), or `None` (skip) when it is missing outside CI; panics when `CI=true`.
pub fn tsc() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("APIDIFF_TEST_TSC").map(std::path::PathBuf::from).unwrap_or_else(|| {
        std::path::PathBuf::from(std::env::var_os("HOME").expect("HOME"))
            .join(".cache/apidiff-test-assets/typescript/node_modules/.bin/tsc")
    });
    if path.exists() {
        return Some(path);
    }
    let note = format!("{} is missing (set APIDIFF_TEST_TSC or run scripts/deps.sh)", path.display());
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {note}");
    eprintln!("skipping: {note}");
    None
}
