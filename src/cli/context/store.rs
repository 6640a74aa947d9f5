//! How every command finds its store: the URL from `--store`, `APIDIFF_STORE`, the config's
//! `store`, `DATABASE_URL` (postgres URLs only) or `.apidiff`; a mirror from `APIDIFF_MIRROR` or
//! the config's `store.mirror`; backend settings from the environment or a `.env` file at the
//! repository root (the environment wins).

use crate::config::Config;
use crate::error::Error;
use crate::store::{self, Archive, Mirrored, Settings, Store};
use std::path::Path;

/// Environment variables a store may use.
const KEYS: &[&str] = &[
    "APIDIFF_STORE",
    "APIDIFF_MIRROR",
    "DATABASE_URL",
    "APIDIFF_S3_ENDPOINT",
    "AWS_ENDPOINT_URL",
    "AWS_ENDPOINT_URL_S3",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
];

/// Variables that choose where a store's requests go.
const ENDPOINTS: &[&str] = &["APIDIFF_S3_ENDPOINT", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"];

/// Variables holding credentials.
const CREDENTIALS: &[&str] = &["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"];

/// The store settings: the process environment, then `<root>/.env` for what it lacks. A `.env`
/// may choose an endpoint only for credentials it holds itself: an endpoint from the repository
/// with credentials from the environment would send the person's credentials (and history) to
/// a server the repository chose, so it is an error naming the `.env` line.
pub(crate) fn settings(root: &Path) -> Result<Settings, Error> {
    let mut s = Settings::new();
    let mut from_file = Settings::new();
    let text = crate::source::read_text_if_exists(&root.join(".env"), ".env", crate::source::MAX_SIDE_FILE_BYTES).ok().flatten();
    if let Some(text) = &text {
        // dotenvy parses the file's syntax (quotes, `export`, comments); it never touches the
        // process environment here. A line it cannot read ends the reading, as dotenv does.
        for (k, v) in dotenvy::from_read_iter(text.as_bytes()).map_while(Result::ok) {
            if KEYS.contains(&k.as_str()) {
                from_file.insert(k, v);
            }
        }
    }
    let env: Vec<(&str, String)> = KEYS.iter().filter_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()).map(|v| (*k, v))).collect();
    let env_has = |k: &str| env.iter().any(|(e, _)| *e == k);
    if let Some(endpoint) = ENDPOINTS.iter().find(|k| from_file.contains_key(**k) && !env_has(k))
        && let Some(credential) = CREDENTIALS.iter().find(|k| env_has(k))
    {
        let line = text.as_deref().and_then(|t| line_of(t, endpoint));
        return Err(crate::error::Located::new(
            ".env",
            line,
            None,
            format!(
                "the repository's .env sets {endpoint} while {credential} comes from the environment: a repository's own files cannot choose where your credentials are sent; set {endpoint} in the environment instead"
            ),
        )
        .into());
    }
    s.extend(from_file);
    s.extend(env.into_iter().map(|(k, v)| (k.to_string(), v)));
    Ok(s)
}

/// The 1-based line of `.env` text that assigns `key` (`KEY=…` or `export KEY=…`).
fn line_of(text: &str, key: &str) -> Option<u32> {
    text.lines()
        .position(|l| {
            let l = l.trim_start();
            let l = l.strip_prefix("export ").map_or(l, str::trim_start);
            l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
        })
        .map(|i| i as u32 + 1)
}

/// The store URL and mirror URL a command uses.
fn urls(flag: Option<&str>, config: &Config, settings: &Settings) -> (String, Option<String>) {
    let url = flag
        .map(str::to_string)
        .or_else(|| settings.get("APIDIFF_STORE").cloned())
        .or_else(|| config.store_url().map(str::to_string))
        .or_else(|| settings.get("DATABASE_URL").filter(|u| u.starts_with("postgres://") || u.starts_with("postgresql://")).cloned())
        .unwrap_or_else(|| store::DEFAULT_URL.to_string());
    let mirror = settings.get("APIDIFF_MIRROR").cloned().or_else(|| config.store_mirror().map(str::to_string));
    (url, mirror)
}

/// Opens a store (with its mirror); returns it with what opening it did.
pub(crate) fn open(url: &str, mirror: Option<&str>, root: &Path, settings: &Settings) -> Result<Box<dyn Store>, Error> {
    let primary = store::open_with(url, root, settings)?;
    Ok(match mirror {
        Some(m) => Box::new(Mirrored::new(primary, store::open_with(m, root, settings)?)?),
        None => primary,
    })
}

/// The store URL, mirror URL and settings a command uses, after checking that a folder store the
/// repository itself chose (the config's `store` or `store.mirror`, `APIDIFF_STORE` or
/// `APIDIFF_MIRROR` in its `.env`, the default `.apidiff`) stays inside it. An absolute store, or
/// one resolving outside, comes only from `--store`, `--to` or the process environment.
pub(crate) fn checked_urls(flag: Option<&str>, config: &Config, root: &Path) -> Result<(String, Option<String>, Settings), Error> {
    let settings = settings(root)?;
    let (url, mirror) = urls(flag, config, &settings);
    let from_env = |k: &str| std::env::var(k).is_ok_and(|v| !v.is_empty());
    if flag.is_none() && !from_env("APIDIFF_STORE") {
        let at = if config.store_url() == Some(url.as_str()) { Some("/store") } else { None };
        confine_store(&url, root, config, at)?;
    }
    if let Some(m) = &mirror
        && !from_env("APIDIFF_MIRROR")
    {
        let at = if config.store_mirror() == Some(m.as_str()) { Some("/store/mirror") } else { None };
        confine_store(m, root, config, at)?;
    }
    Ok((url, mirror, settings))
}

/// Opens the store a command's options and config name, telling stderr what opening it did.
pub(crate) fn open_configured(flag: Option<&str>, config: &Config, root: &Path) -> Result<Archive, Error> {
    let (url, mirror, settings) = checked_urls(flag, config, root)?;
    let store = open(&url, mirror.as_deref(), root, &settings)?;
    for n in store.notices() {
        eprintln!("note: {n}");
    }
    Ok(Archive::new(store))
}

/// Refuses a folder store that is absolute or whose real path (links resolved) lies outside
/// `root`; the error points at the config's setting (`at`) when it came from there, else names
/// the repository's `.env`.
fn confine_store(url: &str, root: &Path, config: &Config, at: Option<&str>) -> Result<(), Error> {
    let path = match url.split_once("://") {
        None => url,
        Some(("file", rest)) => rest,
        Some(_) => return Ok(()),
    };
    let refuse = |why: String| -> Error {
        let message = format!(
            "store `{url}` {why}; a repository's own files cannot place the store outside it: choose such a store with --store or APIDIFF_STORE"
        );
        match at {
            Some(ptr) => config.origin.at(ptr, message).into(),
            None => crate::error::Located::file(".env", message).into(),
        }
    };
    if Path::new(path).is_absolute() {
        return Err(refuse("is an absolute path".into()));
    }
    let full = root.join(path);
    if crate::source::normalize(Path::new(path)).starts_with("..") {
        return Err(refuse("leaves the repository".into()));
    }
    // The store may not exist yet: check the nearest folder that does.
    let Some(existing) = full.ancestors().find(|a| a.exists()) else { return Ok(()) };
    let real = std::fs::canonicalize(existing).map_err(|e| Error::Usage(format!("store `{url}`: {e}")))?;
    let real_root = std::fs::canonicalize(root).map_err(|e| Error::Usage(format!("{}: {e}", root.display())))?;
    if !real.starts_with(&real_root) {
        return Err(refuse(format!("resolves to {}, outside the repository", real.display())));
    }
    Ok(())
}
