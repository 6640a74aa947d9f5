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

/// The store settings: the process environment, then `<root>/.env` for what it lacks.
pub(crate) fn settings(root: &Path) -> Settings {
    let mut s = Settings::new();
    if let Ok(Some(text)) = crate::source::read_text_if_exists(&root.join(".env"), ".env", crate::source::MAX_SIDE_FILE_BYTES) {
        // dotenvy parses the file's syntax (quotes, `export`, comments); it never touches the
        // process environment here. A line it cannot read ends the reading, as dotenv does.
        for (k, v) in dotenvy::from_read_iter(text.as_bytes()).map_while(Result::ok) {
            if KEYS.contains(&k.as_str()) {
                s.insert(k, v);
            }
        }
    }
    for k in KEYS {
        if let Ok(v) = std::env::var(k)
            && !v.is_empty()
        {
            s.insert((*k).to_string(), v);
        }
    }
    s
}

/// The store URL and mirror URL a command uses.
pub(crate) fn urls(flag: Option<&str>, config: &Config, settings: &Settings) -> (String, Option<String>) {
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

/// Opens the store a command's options and config name, telling stderr what opening it did.
pub(crate) fn open_configured(flag: Option<&str>, config: &Config, root: &Path) -> Result<Archive, Error> {
    let settings = settings(root);
    let (url, mirror) = urls(flag, config, &settings);
    // A store folder named by the repository itself (the default `.apidiff`, the config, `.env`)
    // must stay inside it: a committed symlink must not send writes elsewhere. `--store` and
    // `APIDIFF_STORE` in the environment are the user's own choice.
    let chosen = flag.is_some() || std::env::var("APIDIFF_STORE").is_ok_and(|v| !v.is_empty());
    if !chosen {
        confine_store(&url, root)?;
    }
    let store = open(&url, mirror.as_deref(), root, &settings)?;
    for n in store.notices() {
        eprintln!("note: {n}");
    }
    Ok(Archive::new(store))
}

/// Refuses a relative folder store whose real path (symlinks resolved) lies outside `root`.
fn confine_store(url: &str, root: &Path) -> Result<(), Error> {
    let path = match url.split_once("://") {
        None => url,
        Some(("file", rest)) => rest,
        Some(_) => return Ok(()),
    };
    if Path::new(path).is_absolute() {
        return Ok(());
    }
    let full = root.join(path);
    // The store may not exist yet: check the nearest folder that does.
    let Some(existing) = full.ancestors().find(|a| a.exists()) else { return Ok(()) };
    let real = std::fs::canonicalize(existing).map_err(|e| Error::Usage(format!("store `{url}`: {e}")))?;
    let real_root = std::fs::canonicalize(root).map_err(|e| Error::Usage(format!("{}: {e}", root.display())))?;
    if !real.starts_with(&real_root) {
        return Err(Error::Usage(format!(
            "store `{url}` resolves to {}, outside the repository; a store outside it must be chosen with --store or APIDIFF_STORE",
            real.display()
        )));
    }
    Ok(())
}
