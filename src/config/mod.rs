//! `apidiff.yaml`: modules (specs, owners, dependencies), the store, the gate, severity
//! overrides, the ignore file, alert settings and whether `check` records. Its JSON Schema is
//! derived from these types (`apidiff config schema`).

use crate::diff::{Category, Severity};
use crate::error::{Located, Result};
pub use crate::policy::{ApprovalsFrom, FailOn, Level, Profile};
use crate::source::text::{self, Positions};
pub use crate::usage::UsagePolicy;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// File names `check` looks for at the repository root, in order.
pub const FILE_NAMES: &[&str] = &["apidiff.yaml", "apidiff.yml", ".apidiff.yaml"];

/// The whole configuration. Every key is optional.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Modules: named groups of specs. Specs no module claims get a module named after their folder
    /// (protobuf: their buf module, else their package).
    #[serde(default)]
    pub modules: Vec<Module>,
    /// Where snapshots and history are kept: a folder path, `file://`, `postgres://` or
    /// `s3://bucket/prefix` URL (default `.apidiff`), or `{url, mirror}`.
    #[serde(default)]
    pub store: Option<StoreSetting>,
    /// The gate.
    #[serde(default)]
    pub gate: Gate,
    /// Severity overrides: rule id to `breaking`, `warning`, `info` or `off`.
    #[serde(default)]
    pub severity: BTreeMap<String, Level>,
    /// Ignore file, relative to the repository root (default `.apidiff-ignore.yaml`).
    #[serde(default)]
    pub ignore_file: Option<String>,
    /// Alert settings.
    #[serde(default)]
    pub alerts: Alerts,
    /// Whether `apidiff check` archives what it checked (as with `--record`).
    #[serde(default)]
    pub record: bool,
    /// Extra globs (relative to the repository root) that discovery skips.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Protobuf settings: the buf category that `check`, `diff` and the server apply, and import roots.
    #[serde(default)]
    pub protobuf: Protobuf,
    /// Headers sent to live sources, each mapped to the environment variable that holds its value
    /// (`Authorization: APIDIFF_LIVE_TOKEN`). Secrets never live in this file. The variables must
    /// start with `APIDIFF_` unless the person running apidiff allows another prefix
    /// (`--headers-env-prefix`, `APIDIFF_HEADERS_ENV_PREFIX`).
    #[serde(default)]
    pub headers_env: BTreeMap<String, String>,
    /// Folders (relative to the root) that `$ref`s and protobuf imports may read. They must lie
    /// inside the repository (links resolved): a folder outside it comes only from the person
    /// running apidiff (`--ref-root`, `APIDIFF_REF_ROOTS`), never from the repository's files.
    #[serde(default)]
    pub ref_roots: Vec<String>,
    /// How usage evidence (`apidiff usage ingest`) is read and weighs breaking changes: the client
    /// header, a window, thresholds, excluded clients, and who owns each client.
    #[serde(default)]
    pub usage: Option<UsageSetting>,
    /// Where the settings above sit in the file, for errors that point at them.
    #[serde(skip)]
    #[schemars(skip)]
    pub origin: Origin,
}

/// The file a configuration came from and the positions of the settings that are checked after
/// parsing (the store, `headers_env`, `ref_roots`), so those errors name the file and line.
#[derive(Debug, Clone, Default)]
pub struct Origin {
    /// The file's display name (empty for the default configuration).
    pub file: String,
    positions: BTreeMap<String, (u32, u32)>,
}

impl Origin {
    /// A problem with the setting at `pointer` (`/store`, `/headers_env/<name>`, `/ref_roots/0`).
    pub fn at(&self, pointer: &str, message: impl Into<String>) -> Located {
        let file = if self.file.is_empty() { "apidiff.yaml" } else { &self.file };
        let mut p = pointer;
        loop {
            if let Some(&(l, c)) = self.positions.get(p) {
                return Located::new(file, Some(l), Some(c), message);
            }
            match p.rfind('/') {
                Some(i) if i > 0 => p = &p[..i],
                _ => return Located::file(file, message),
            }
        }
    }
}

/// The prefix every variable `headers_env` names must have, unless the person running apidiff
/// allows more (`--headers-env-prefix`, `APIDIFF_HEADERS_ENV_PREFIX`).
pub const HEADERS_ENV_PREFIX: &str = "APIDIFF_";

/// `protobuf: {category, roots}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Protobuf {
    /// buf's breaking-change category: `FILE`, `PACKAGE` (default: deleting a service, an RPC, a
    /// message or a field breaks; moving a definition between files of a package does not),
    /// `WIRE_JSON` or `WIRE`. apidiff's HTTP rules (`google.api.http` transcoding) apply whatever the
    /// category; re-level them by id (`severity:`) to silence them.
    #[serde(default)]
    pub category: Option<Category>,
    /// Import roots, relative to the repository root, searched before the folders of
    /// `buf.yaml`/`buf.work.yaml` and before the parent folders of the importing file.
    #[serde(default)]
    pub roots: Vec<String>,
}

impl Protobuf {
    /// The configured category, else `PACKAGE`.
    pub fn category(&self) -> Category {
        self.category.unwrap_or_default()
    }
}

/// The `store` setting: a URL, or a URL with a mirror that receives every write.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum StoreSetting {
    /// Just the store URL.
    Url(String),
    /// A store and its mirror.
    Full(StoreSection),
}

/// `store: {url, mirror}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct StoreSection {
    /// The store URL (default `.apidiff`).
    #[serde(default)]
    pub url: Option<String>,
    /// A second store that receives every write and restores an emptied store from its copy.
    #[serde(default)]
    pub mirror: Option<String>,
}

impl Config {
    /// The configured store URL.
    pub fn store_url(&self) -> Option<&str> {
        match &self.store {
            Some(StoreSetting::Url(u)) => Some(u),
            Some(StoreSetting::Full(s)) => s.url.as_deref(),
            None => None,
        }
    }

    /// The configured mirror URL.
    pub fn store_mirror(&self) -> Option<&str> {
        match &self.store {
            Some(StoreSetting::Full(s)) => s.mirror.as_deref(),
            _ => None,
        }
    }
}

/// A module.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Module {
    /// Its name (unique).
    pub name: String,
    /// Globs of its spec files, relative to the repository root (`services/users/**/*.yaml`).
    /// Empty for a module that only consumes others (it then needs `depends_on`).
    #[serde(default)]
    pub specs: Vec<String>,
    /// Owners: people or teams to tell about changes.
    #[serde(default)]
    pub owners: Vec<String>,
    /// Modules this one depends on, with what it uses of them.
    #[serde(default)]
    pub depends_on: Vec<Dependency>,
    /// Live sources: running services that describe themselves (`https://api/openapi.json`,
    /// `graphql+https://api/graphql`, `grpc://host:port`), or documents a service writes
    /// (`file:///srv/api/openapi.yaml`). A module may have specs, live sources, or both (then
    /// `check --live` also reports drift between them).
    #[serde(default)]
    pub live: Vec<String>,
}

/// A dependency on another module: just its name, or its name and what is used.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Dependency {
    /// Uses everything of the module.
    Name(String),
    /// Uses some operations or types of the module.
    Uses {
        /// The module depended on.
        module: String,
        /// Operations (`GET /users/{}`, `Query.user`) or types (`User`) used; empty means all.
        #[serde(default)]
        uses: Vec<String>,
    },
}

impl Dependency {
    /// The module depended on.
    pub fn module(&self) -> &str {
        match self {
            Dependency::Name(n) | Dependency::Uses { module: n, .. } => n,
        }
    }

    /// What is used (empty: everything).
    pub fn uses(&self) -> &[String] {
        match self {
            Dependency::Name(_) => &[],
            Dependency::Uses { uses, .. } => uses,
        }
    }
}

/// The gate.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Gate {
    /// Lowest severity that fails `check` (default `breaking`).
    #[serde(default)]
    pub fail_on: Option<FailOn>,
    /// How differences between a deployed service and its committed spec count (`check --live`):
    /// `breaking`, `warning` (default), `info` or `off`.
    #[serde(default)]
    pub drift: Option<Level>,
    /// `evidence` (default: a limit documented where none was written, and security written down
    /// for an API that declared none, are warnings) or `strict` (they are breaking).
    #[serde(default)]
    pub profile: Option<Profile>,
    /// Breaking changes without a witness (`witness.kind: none`) count as warnings: only what
    /// apidiff proved against both versions fails the gate (default `false`).
    #[serde(default)]
    pub require_witness: Option<bool>,
    /// Whose approvals (`apidiff approve`) make a breaking change non-blocking: `anyone`
    /// (default) or `owners` (the module's owners only).
    #[serde(default)]
    pub approvals: Option<ApprovalsFrom>,
    /// How many different approvers a breaking change needs before it stops blocking (default 1).
    #[serde(default)]
    pub approvals_required: Option<u32>,
    /// The longest an approval lives, in days from the day it was given; a longer `--expires`
    /// is refused, and an older approval counts as expired.
    #[serde(default)]
    pub approval_max_days: Option<u32>,
}

/// Alert settings: where breaking changes are announced. Secrets (webhook URLs, signing keys,
/// SMTP passwords) never live here: a channel names the environment variable that holds them.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Alerts {
    /// Default lowest severity that alerts, for channels without their own (default `breaking`).
    #[serde(default)]
    pub min_severity: Option<Severity>,
    /// Tries per request (default 3); the waits between them double from `backoff_ms`.
    #[serde(default)]
    pub retries: Option<u32>,
    /// First wait between tries in milliseconds (default 200: 0.2 s, 0.4 s, ...).
    #[serde(default)]
    pub backoff_ms: Option<u64>,
    /// Per-request timeout in seconds (default 10).
    #[serde(default)]
    pub timeout_secs: Option<f64>,
    /// Link to the report, when it is published somewhere (`{module}` and `{commit}` are filled in).
    #[serde(default)]
    pub report_url: Option<String>,
    /// Link to a commit (`{commit}` is filled in), e.g. `https://github.com/org/repo/commit/{commit}`.
    #[serde(default)]
    pub commit_url: Option<String>,
    /// The channels.
    #[serde(default)]
    pub channels: Vec<Channel>,
}

/// Kinds of alert channel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChannelKind {
    /// A Slack incoming webhook (Block Kit message).
    Slack,
    /// A generic JSON webhook, HMAC-signed.
    Webhook,
    /// Email over SMTP.
    Email,
    /// A push service webhook (ntfy-style: text body, Title/Priority/Tags headers).
    Push,
}

/// SMTP transport security.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    /// Plain connection upgraded with STARTTLS (required).
    #[default]
    Starttls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Implicit,
    /// No encryption (local relays and test sinks only).
    None,
}

/// One alert channel.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Channel {
    /// `slack`, `webhook`, `email` or `push`.
    #[serde(rename = "type")]
    pub kind: ChannelKind,
    /// Name, for messages and dedupe records (default: the type and its position, `webhook-1`).
    #[serde(default)]
    pub name: Option<String>,
    /// Lowest severity this channel hears about (default: `alerts.min_severity`, else breaking).
    #[serde(default)]
    pub min_severity: Option<Severity>,
    /// Only changes of these modules (default: every module).
    #[serde(default)]
    pub modules: Vec<String>,
    /// A failure of this channel fails `check` (exit 2); by default it is only reported.
    #[serde(default)]
    pub required: bool,
    /// Slack: environment variable holding the incoming-webhook URL.
    #[serde(default)]
    pub webhook_url_env: Option<String>,
    /// Webhook / push: the URL (not secret), or use `url_env`.
    #[serde(default)]
    pub url: Option<String>,
    /// Webhook / push: environment variable holding the URL.
    #[serde(default)]
    pub url_env: Option<String>,
    /// Webhook: environment variable holding the HMAC-SHA256 signing secret.
    #[serde(default)]
    pub secret_env: Option<String>,
    /// Push: `Priority` header (1-5 or min/low/default/high/urgent; default `high`).
    #[serde(default)]
    pub priority: Option<String>,
    /// Push: `Tags` header values.
    #[serde(default)]
    pub tags: Vec<String>,
    /// Push: environment variable holding a bearer token.
    #[serde(default)]
    pub token_env: Option<String>,
    /// Email: SMTP server `host` or `host:port` (default port 587, 465 with implicit TLS, 25 without TLS).
    #[serde(default)]
    pub smtp: Option<String>,
    /// Email: environment variable holding `host:port` (instead of `smtp`).
    #[serde(default)]
    pub smtp_env: Option<String>,
    /// Email: `starttls` (default), `implicit` or `none`.
    #[serde(default)]
    pub tls: SmtpTls,
    /// Email: environment variable holding the SMTP user name.
    #[serde(default)]
    pub username_env: Option<String>,
    /// Email: environment variable holding the SMTP password.
    #[serde(default)]
    pub password_env: Option<String>,
    /// Email: sender address.
    #[serde(default)]
    pub from: Option<String>,
    /// Email: recipients (owners that are email addresses are added).
    #[serde(default)]
    pub to: Vec<String>,
    /// Extra root CA (PEM file, relative to the repository root) trusted for this channel's TLS.
    #[serde(default)]
    pub ca_file: Option<String>,
    /// Environment variable holding the path of that CA file (instead of `ca_file`).
    #[serde(default)]
    pub ca_file_env: Option<String>,
    /// Per-request timeout in seconds (default `alerts.timeout_secs`, else 10).
    #[serde(default)]
    pub timeout_secs: Option<f64>,
}

impl Channel {
    /// The channel's name: its own, else `<type>-<n>` (1-based position).
    pub fn display_name(&self, index: usize) -> String {
        self.name.clone().unwrap_or_else(|| format!("{}-{}", self.kind_str(), index + 1))
    }

    /// The type as written in the config.
    pub fn kind_str(&self) -> &'static str {
        match self.kind {
            ChannelKind::Slack => "slack",
            ChannelKind::Webhook => "webhook",
            ChannelKind::Email => "email",
            ChannelKind::Push => "push",
        }
    }

    /// Environment variables this channel reads.
    pub fn env_names(&self) -> Vec<&str> {
        self.env_settings().into_iter().map(|(_, v)| v).collect()
    }

    /// Each setting naming an environment variable, with the variable: (`token_env`, `X`).
    pub fn env_settings(&self) -> Vec<(&'static str, &str)> {
        [
            ("webhook_url_env", &self.webhook_url_env),
            ("url_env", &self.url_env),
            ("secret_env", &self.secret_env),
            ("token_env", &self.token_env),
            ("smtp_env", &self.smtp_env),
            ("username_env", &self.username_env),
            ("password_env", &self.password_env),
            ("ca_file_env", &self.ca_file_env),
        ]
        .into_iter()
        .filter_map(|(k, o)| o.as_deref().map(|v| (k, v)))
        .collect()
    }

    /// What the channel lacks to be usable, if anything.
    fn missing(&self) -> Option<&'static str> {
        match self.kind {
            ChannelKind::Slack if self.webhook_url_env.is_none() => {
                Some("a slack channel needs `webhook_url_env` (the variable holding the webhook URL)")
            }
            ChannelKind::Webhook | ChannelKind::Push if self.url.is_none() && self.url_env.is_none() => {
                Some("this channel needs `url` or `url_env`")
            }
            ChannelKind::Email if self.smtp.is_none() && self.smtp_env.is_none() => Some("an email channel needs `smtp` or `smtp_env`"),
            ChannelKind::Email if self.from.is_none() => Some("an email channel needs a `from` address"),
            _ => None,
        }
    }
}

impl Config {
    /// The module a name refers to.
    pub fn module(&self, name: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.name == name)
    }

    /// The modules that depend on `name`, with what they use of it.
    pub fn dependants<'a>(&'a self, name: &'a str) -> impl Iterator<Item = (&'a Module, &'a Dependency)> + 'a {
        self.modules.iter().flat_map(move |m| m.depends_on.iter().filter(move |d| d.module() == name).map(move |d| (m, d)))
    }
}

/// The top-level settings of `apidiff.yaml`, in the order the error message lists them; a test
/// holds this list equal to the fields of [`Config`] (and so to `config schema`).
pub const SETTINGS: &[&str] = &[
    "modules",
    "store",
    "gate",
    "severity",
    "ignore_file",
    "alerts",
    "record",
    "exclude",
    "protobuf",
    "headers_env",
    "ref_roots",
    "usage",
];

/// The JSON Schema of `apidiff.yaml`.
pub fn json_schema() -> String {
    let schema = schemars::schema_for!(Config);
    let mut s = serde_json::to_string_pretty(&schema).unwrap_or_default();
    s.push('\n');
    s
}

/// `usage:` in apidiff.yaml (GraphQL Hive's knobs): which evidence counts and how much use makes
/// a breaking change matter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageSetting {
    /// How far back evidence counts: `30d` (days) or `4w` (weeks); default `30d`.
    #[serde(default)]
    pub window: Option<String>,
    /// A breaking change to elements with fewer requests than this in the window is a warning
    /// (default 1: only the unused are softened).
    #[serde(default)]
    pub min_requests: Option<u64>,
    /// … or with a smaller share (0.0–1.0) of the module's requests (default 0.0).
    #[serde(default)]
    pub min_share: Option<f64>,
    /// Clients whose requests never count (test robots, uptime monitors).
    #[serde(default)]
    pub exclude_clients: Vec<String>,
    /// Who owns each client (client name to addresses or handles): alerts about a breaking
    /// change tell the owners of the clients it breaks.
    #[serde(default)]
    pub client_owners: BTreeMap<String, Vec<String>>,
    /// The request header that names the client (`x-client-name`); without it a client is the
    /// user agent's product token, else a salted hash of the peer address.
    #[serde(default)]
    pub client_header: Option<String>,
}

impl UsageSetting {
    /// The policy these settings describe (a window already checked by [`parse`]).
    pub fn policy(&self) -> UsagePolicy {
        let d = UsagePolicy::default();
        UsagePolicy {
            window_days: self.window.as_deref().and_then(parse_window).unwrap_or(d.window_days),
            min_requests: self.min_requests.unwrap_or(d.min_requests),
            min_share: self.min_share.unwrap_or(d.min_share),
            exclude_clients: self.exclude_clients.clone(),
        }
    }
}

/// `30d` → 30, `4w` → 28; `None` for anything else (zero, no unit, over ten years).
///
/// ```
/// assert_eq!(apidiff::config::parse_window("30d"), Some(30));
/// assert_eq!(apidiff::config::parse_window("4w"), Some(28));
/// assert_eq!(apidiff::config::parse_window("30"), None);
/// assert_eq!(apidiff::config::parse_window("0d"), None);
/// ```
pub fn parse_window(s: &str) -> Option<u32> {
    let s = s.trim();
    let (n, unit) = s.split_at(s.len().checked_sub(1)?);
    let n: u32 = n.parse().ok().filter(|n| *n > 0)?;
    let days = match unit {
        "d" => n,
        "w" => n.checked_mul(7)?,
        _ => return None,
    };
    (days <= 3660).then_some(days)
}

/// Parses and checks a configuration file. Errors name the line of the offending key.
pub fn parse(name: &str, content: &str) -> Result<Config> {
    let (value, syntax) = text::parse(name, content)?;
    let obj = match value {
        Value::Null => return Ok(Config::default()),
        Value::Object(o) => o,
        _ => return Err(Located::new(name, Some(1), Some(1), "expected a mapping of settings (modules, store, gate, ...)").into()),
    };
    let err = |ptr: &str, msg: String| -> crate::Error {
        let pos = Positions::find(content, syntax, [ptr]);
        let (l, c) = pos.get(ptr).map_or((None, None), |(l, c)| (Some(l), Some(c)));
        Located::new(name, l, c, msg).into()
    };
    // Each top-level key, and each module, is converted on its own so that an error points at
    // the narrowest part of the file serde can name; unknown/missing field errors are then
    // narrowed to the key they mention.
    let mut config = Config::default();
    for (key, v) in &obj {
        let ptr = format!("/{}", text::escape_segment(key));
        let r: std::result::Result<(), serde_json::Error> = match key.as_str() {
            "modules" => match v {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let p = format!("/modules/{i}");
                        // Read from the borrowed value: no copy of each module (200,000 modules copied 1% of the run).
                        let m = Module::deserialize(item).map_err(|e| err(&narrow(&p, item, &e), explain(&e)))?;
                        config.modules.push(m);
                    }
                    Ok(())
                }
                _ => return Err(err(&ptr, "`modules` must be a list of modules".into())),
            },
            "store" => serde_json::from_value(v.clone()).map(|x| config.store = x),
            "gate" => serde_json::from_value(v.clone()).map(|x| config.gate = x),
            "severity" => serde_json::from_value(v.clone()).map(|x| config.severity = x),
            "ignore_file" => serde_json::from_value(v.clone()).map(|x| config.ignore_file = x),
            "alerts" => serde_json::from_value(v.clone()).map(|x| config.alerts = x),
            "record" => serde_json::from_value(v.clone()).map(|x| config.record = x),
            "exclude" => serde_json::from_value(v.clone()).map(|x| config.exclude = x),
            "headers_env" => serde_json::from_value(v.clone()).map(|x| config.headers_env = x),
            "ref_roots" => serde_json::from_value(v.clone()).map(|x| config.ref_roots = x),
            "protobuf" => serde_json::from_value(v.clone()).map(|x| config.protobuf = x),
            "usage" => serde_json::from_value(v.clone()).map(|x| config.usage = Some(x)),
            other => {
                return Err(err(&ptr, format!("unknown setting `{other}`; expected one of {}", SETTINGS.join(", "))));
            }
        };
        r.map_err(|e| err(&narrow(&ptr, v, &e), format!("`{key}`: {}", explain(&e))))?;
    }
    check(&config, &err)?;
    config.origin = origin(name, content, syntax, &config);
    Ok(config)
}

/// Positions of the settings checked after parsing, found in one pass.
fn origin(name: &str, content: &str, syntax: text::Syntax, config: &Config) -> Origin {
    // Locating means reading the text again: only when there is something to locate.
    if config.store.is_none() && config.headers_env.is_empty() && config.ref_roots.is_empty() && config.alerts.channels.is_empty() {
        return Origin { file: name.to_string(), positions: BTreeMap::new() };
    }
    let mut wanted = vec!["/store".to_string(), "/store/url".to_string(), "/store/mirror".to_string()];
    wanted.extend(config.headers_env.keys().map(|k| format!("/headers_env/{}", text::escape_segment(k))));
    wanted.extend((0..config.ref_roots.len()).map(|i| format!("/ref_roots/{i}")));
    for (i, ch) in config.alerts.channels.iter().enumerate() {
        wanted.extend(ch.env_settings().into_iter().map(|(k, _)| format!("/alerts/channels/{i}/{k}")));
    }
    let found = Positions::find(content, syntax, wanted.iter().map(String::as_str));
    let positions = wanted.iter().filter_map(|p| found.get(p).map(|pos| (p.clone(), pos))).collect();
    Origin { file: name.to_string(), positions }
}

/// `None` when `var` starts with an allowed prefix ([`HEADERS_ENV_PREFIX`] or a non-empty one of
/// `extra`); else the allowed prefixes, for the error (`APIDIFF_ or GITHUB_`).
fn unallowed_prefix(var: &str, extra: &[String]) -> Option<String> {
    let prefixes: Vec<&str> =
        std::iter::once(HEADERS_ENV_PREFIX).chain(extra.iter().map(String::as_str)).filter(|p| !p.is_empty()).collect();
    (!prefixes.iter().any(|p| var.starts_with(p))).then(|| prefixes.join(" or "))
}

impl Config {
    /// Refuses a `headers_env` entry whose variable lacks every allowed prefix
    /// ([`HEADERS_ENV_PREFIX`], plus `extra` from the person running apidiff): a repository's
    /// own file must not send `GITHUB_TOKEN` or `AWS_SECRET_ACCESS_KEY` to a server it names.
    pub fn check_headers_env(&self, extra: &[String]) -> Result<()> {
        for (header, var) in &self.headers_env {
            if let Some(prefixes) = unallowed_prefix(var, extra) {
                return Err(self
                    .origin
                    .at(
                        &format!("/headers_env/{}", text::escape_segment(header)),
                        format!(
                            "headers_env: header `{header}` names the environment variable `{var}`, which does not start with {prefixes}; rename the variable, or allow its prefix with --headers-env-prefix or APIDIFF_HEADERS_ENV_PREFIX"
                        ),
                    )
                    .into());
            }
        }
        Ok(())
    }

    /// Refuses an alert channel setting (`token_env`, `secret_env`, …) that names an environment
    /// variable lacking every allowed prefix ([`HEADERS_ENV_PREFIX`], plus `extra` from the person
    /// running apidiff): a repository's own file must not send `GITHUB_TOKEN` as a push token
    /// or an SMTP password to a server it names.
    pub fn check_channel_env(&self, extra: &[String]) -> Result<()> {
        for (i, ch) in self.alerts.channels.iter().enumerate() {
            for (key, var) in ch.env_settings() {
                if let Some(prefixes) = unallowed_prefix(var, extra) {
                    let message = format!(
                        "alerts channel {}: `{key}` names the environment variable `{var}`, which does not start with {prefixes}; rename the variable, or allow its prefix with APIDIFF_SECRETS_ENV_PREFIX",
                        ch.display_name(i)
                    );
                    return Err(self.origin.at(&format!("/alerts/channels/{i}/{key}"), message).into());
                }
            }
        }
        Ok(())
    }

    /// The `ref_roots` folders under `root`, each checked to lie inside it once its links are
    /// resolved; one outside (absolute, `..`, or a link out) is an error pointing at it. Folders
    /// that do not exist are kept (reading through them finds nothing).
    pub fn ref_roots_within(&self, root: &std::path::Path) -> Result<Vec<std::path::PathBuf>> {
        let real_root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
        let mut out = Vec::new();
        for (i, r) in self.ref_roots.iter().enumerate() {
            let full = root.join(r);
            let outside = match std::fs::canonicalize(&full) {
                Ok(real) => !real.starts_with(&real_root),
                Err(_) => std::path::Path::new(r).is_absolute() || crate::source::normalize(std::path::Path::new(r)).starts_with(".."),
            };
            if outside {
                return Err(self
                    .origin
                    .at(
                        &format!("/ref_roots/{i}"),
                        format!(
                            "ref_roots: `{r}` is outside the repository; a repository's own configuration cannot let apidiff read outside it: pass --ref-root {r} (or set APIDIFF_REF_ROOTS) to allow it"
                        ),
                    )
                    .into());
            }
            out.push(full);
        }
        Ok(out)
    }
}

/// Cross-field checks: unique module names, known dependencies, valid globs and levels.
fn check(config: &Config, err: &dyn Fn(&str, String) -> crate::Error) -> Result<()> {
    if let Some(u) = &config.usage {
        if let Some(w) = &u.window {
            parse_window(w)
                .ok_or_else(|| err("/usage/window", format!("usage: window `{w}` is not a number of days or weeks (`30d`, `4w`)")))?;
        }
        if u.min_share.is_some_and(|s| !(0.0..=1.0).contains(&s)) {
            return Err(err("/usage/min_share", "usage: `min_share` is a share of requests, from 0.0 to 1.0".into()));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for (i, m) in config.modules.iter().enumerate() {
        if m.name.trim().is_empty() {
            return Err(err(&format!("/modules/{i}/name"), "module `name` must not be empty".into()));
        }
        if !seen.insert(m.name.as_str()) {
            return Err(err(&format!("/modules/{i}/name"), format!("module `{}` is defined twice", m.name)));
        }
        // A module that only consumes others (a web UI) has `depends_on` and no specs of its own.
        if m.specs.is_empty() && m.depends_on.is_empty() && m.live.is_empty() {
            return Err(err(
                &format!("/modules/{i}/specs"),
                format!(
                    "module `{}` needs at least one spec glob or live source, or a `depends_on` when it only consumes other modules",
                    m.name
                ),
            ));
        }
        for (j, l) in m.live.iter().enumerate() {
            if !crate::source::live::is_live(l) {
                return Err(err(
                    &format!("/modules/{i}/live/{j}"),
                    format!(
                        "`{l}` is not a live locator (expected http(s)://, graphql+http(s)://, grpc(s)://host:port or file:///absolute/path)"
                    ),
                ));
            }
        }
        for (j, g) in m.specs.iter().enumerate() {
            if let Err(e) = globset::Glob::new(g) {
                return Err(err(&format!("/modules/{i}/specs/{j}"), format!("invalid glob `{g}`: {}", e.kind())));
            }
        }
    }
    for (i, m) in config.modules.iter().enumerate() {
        for (j, d) in m.depends_on.iter().enumerate() {
            if !seen.contains(d.module()) {
                return Err(err(
                    &format!("/modules/{i}/depends_on/{j}"),
                    format!("module `{}` depends on `{}`, which is not a module defined here", m.name, d.module()),
                ));
            }
        }
    }
    for (id, level) in &config.severity {
        let ptr = format!("/severity/{}", text::escape_segment(id));
        crate::policy::parse_override(&format!("{id}={}", level.as_str())).map_err(|e| err(&ptr, format!("severity override: {e}")))?;
    }
    for (i, c) in config.alerts.channels.iter().enumerate() {
        if let Some(why) = c.missing() {
            return Err(err(&format!("/alerts/channels/{i}"), format!("alert channel `{}`: {why}", c.display_name(i))));
        }
    }
    for (j, g) in config.exclude.iter().enumerate() {
        if let Err(e) = globset::Glob::new(g) {
            return Err(err(&format!("/exclude/{j}"), format!("invalid glob `{g}`: {}", e.kind())));
        }
    }
    Ok(())
}

/// serde's message, without its trailing position (which refers to the converted value).
fn explain(e: &serde_json::Error) -> String {
    let m = e.to_string();
    let m = m.split(" at line ").next().unwrap_or(&m).to_string();
    m.replace("data did not match any variant of untagged enum Dependency", "expected a module name or a mapping with `module` and `uses`")
}

/// Narrows an error inside `v` (at `ptr`) to the key it names, when it names one.
fn narrow(ptr: &str, v: &Value, e: &serde_json::Error) -> String {
    let m = e.to_string();
    let named = ["unknown field `", "missing field `", "duplicate field `"].iter().find_map(|p| {
        let rest = m.split_once(p)?.1;
        Some(rest.split('`').next()?.to_string())
    });
    if let Some(field) = named {
        if m.contains("missing field") {
            return ptr.to_string();
        }
        if let Some(found) = find_key(ptr, v, &field) {
            return found;
        }
        return ptr.to_string();
    }
    if let Some(rest) = m.split_once("unknown variant `").map(|x| x.1) {
        let variant = rest.split('`').next().unwrap_or("");
        if let Some(found) = find_value(ptr, v, &format!("string {variant:?}")) {
            return found;
        }
    }
    // `invalid type: string "x", expected ...`: point at the first child with that value.
    if let Some(rest) = m.strip_prefix("invalid type: ").or_else(|| m.strip_prefix("invalid value: ")) {
        let shown = rest.split(", expected").next().unwrap_or("");
        if let Some(found) = find_value(ptr, v, shown) {
            return found;
        }
    }
    ptr.to_string()
}

fn find_key(ptr: &str, v: &Value, key: &str) -> Option<String> {
    let mut stack = vec![(ptr.to_string(), v, 0usize)];
    while let Some((p, v, depth)) = stack.pop() {
        if depth > text::MAX_DEPTH {
            continue;
        }
        match v {
            Value::Object(o) => {
                if o.contains_key(key) {
                    return Some(format!("{p}/{}", text::escape_segment(key)));
                }
                for (k, c) in o.iter().rev() {
                    stack.push((format!("{p}/{}", text::escape_segment(k)), c, depth + 1));
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate().rev() {
                    stack.push((format!("{p}/{i}"), c, depth + 1));
                }
            }
            _ => {}
        }
    }
    None
}

fn find_value(ptr: &str, v: &Value, shown: &str) -> Option<String> {
    let describe = |v: &Value| -> String {
        match v {
            Value::Null => "null".into(),
            Value::Bool(b) => format!("boolean `{b}`"),
            Value::Number(n) if n.is_f64() => format!("floating point `{n}`"),
            Value::Number(n) => format!("integer `{n}`"),
            Value::String(s) => format!("string {s:?}"),
            Value::Array(_) => "sequence".into(),
            Value::Object(_) => "map".into(),
        }
    };
    let mut stack = vec![(ptr.to_string(), v, 0usize)];
    let mut first = None;
    while let Some((p, v, depth)) = stack.pop() {
        if depth > text::MAX_DEPTH {
            continue;
        }
        if depth > 0 && describe(v) == shown {
            // Prefer the first match in document order.
            first.get_or_insert(p.clone());
            if !matches!(v, Value::Array(_) | Value::Object(_)) {
                return Some(p);
            }
        }
        match v {
            Value::Object(o) => {
                for (k, c) in o.iter().rev() {
                    stack.push((format!("{p}/{}", text::escape_segment(k)), c, depth + 1));
                }
            }
            Value::Array(a) => {
                for (i, c) in a.iter().enumerate().rev() {
                    stack.push((format!("{p}/{i}"), c, depth + 1));
                }
            }
            _ => {}
        }
    }
    first
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(text: &str) -> String {
        parse("apidiff.yaml", text).unwrap_err().to_string()
    }

    /// 200,000 modules, each depending on one near the far end of the list (which a linear
    /// lookup had to find): the checks are linear (about 4 s in a debug build; the quadratic
    /// lookup took 2e10 comparisons).
    #[test]
    fn checking_200000_modules_is_linear() {
        let n = 200_000;
        let modules = (0..n)
            .map(|i| Module {
                name: format!("m{i}"),
                specs: Vec::new(),
                owners: Vec::new(),
                depends_on: vec![Dependency::Name(format!("m{}", n - 1 - i))],
                live: Vec::new(),
            })
            .collect();
        let config = Config { modules, ..Config::default() };
        let start = std::time::Instant::now();
        check(&config, &|p, m| Located::file(p, m).into()).unwrap();
        assert!(start.elapsed() < std::time::Duration::from_secs(30), "{:?}", start.elapsed());
    }

    #[test]
    fn full_config_parses() {
        let c = parse(
            "apidiff.yaml",
            "modules:\n  - name: users\n    specs: ['services/users/*.yaml']\n    owners: ['@team-users']\n  - name: web\n    specs: ['web/**/*.graphql']\n    depends_on:\n      - users\n      - module: users\n        uses: ['GET /users/{}']\nstore: file://.apidiff\ngate: {fail_on: warning}\nseverity: {}\nrecord: true\nalerts:\n  channels:\n    - {type: slack, webhook_url_env: SLACK_WEBHOOK_URL}\n",
        )
        .unwrap();
        assert_eq!(c.modules.len(), 2);
        assert_eq!(c.dependants("users").count(), 2);
        assert!(c.record);
        assert_eq!(c.gate.fail_on, Some(FailOn::Warning));
        assert_eq!(c.alerts.channels.len(), 1);
        assert_eq!(c.gate.profile, None);
        assert_eq!(parse("apidiff.yaml", "gate: {profile: strict}\n").unwrap().gate.profile, Some(Profile::Strict));
    }

    #[test]
    fn every_documented_setting_is_accepted() {
        let schema: serde_json::Value = serde_json::from_str(&json_schema()).unwrap();
        let mut documented: Vec<&str> = schema["properties"].as_object().unwrap().keys().map(String::as_str).collect();
        let mut known = SETTINGS.to_vec();
        documented.sort_unstable();
        known.sort_unstable();
        assert_eq!(documented, known);
        let c = parse("apidiff.yaml", "protobuf:\n  category: WIRE\n  roots: [proto]\n").unwrap();
        assert_eq!(c.protobuf.category(), Category::Wire);
        assert_eq!(c.protobuf.roots, ["proto"]);
        let m = e("protobuf:\n  categry: WIRE\n");
        assert!(m.starts_with("apidiff.yaml:2:") && m.contains("categry"), "{m}");
    }

    #[test]
    fn errors_point_at_the_key() {
        assert_eq!(
            e("store: x\nrecrod: true\n"),
            "apidiff.yaml:2:1: unknown setting `recrod`; expected one of modules, store, gate, severity, ignore_file, alerts, record, exclude, protobuf, headers_env, ref_roots, usage"
        );
        let m = e("modules:\n  - name: a\n    specs: [x]\n    ownrs: [b]\n");
        assert!(m.starts_with("apidiff.yaml:4:5: unknown field `ownrs`"), "{m}");
        let m = e("modules:\n  - name: a\n");
        assert!(m.starts_with("apidiff.yaml:2:") && m.contains("needs at least one spec glob or live source, or a `depends_on`"), "{m}");
        let m = e("record: maybe\n");
        assert!(m.starts_with("apidiff.yaml:1:") && m.contains("`record`: invalid type"), "{m}");
        let m = e("gate:\n  profile: lenient\n");
        assert!(m.starts_with("apidiff.yaml:2:") && m.contains("unknown variant `lenient`"), "{m}");
        let m = e("gate:\n  fail_on: sometimes\n");
        assert!(m.starts_with("apidiff.yaml:2:") && m.contains("unknown variant"), "{m}");
        let m = e("modules:\n  - name: a\n    specs: [x]\n  - name: a\n    specs: [y]\n");
        assert!(m.starts_with("apidiff.yaml:4:") && m.contains("defined twice"), "{m}");
        let m = e("modules:\n  - name: a\n    specs: [x]\n    depends_on: [nope]\n");
        assert!(m.starts_with("apidiff.yaml:4:") && m.contains("`nope`"), "{m}");
        let m = e("modules:\n  - name: a\n    specs: ['a/[']\n");
        assert!(m.starts_with("apidiff.yaml:3:") && m.contains("invalid glob"), "{m}");
        let m = e("severity:\n  no-such-rule: info\n");
        assert!(m.starts_with("apidiff.yaml:2:") && m.contains("unknown rule id"), "{m}");
        assert!(e("- a\n").starts_with("apidiff.yaml:1:1: expected a mapping"));
        assert!(e("a: [\n").starts_with("apidiff.yaml:"));
        assert!(parse("apidiff.yaml", "").unwrap().modules.is_empty());
    }

    #[test]
    fn schema_names_the_settings() {
        let s = json_schema();
        for k in ["modules", "depends_on", "fail_on", "channels", "record"] {
            assert!(s.contains(k), "{k}");
        }
    }

    #[test]
    fn a_consumer_module_needs_no_specs() {
        let c =
            parse("apidiff.yaml", "modules:\n  - name: api\n    specs: ['api/*.yaml']\n  - name: web\n    depends_on: [api]\n").unwrap();
        assert_eq!(c.dependants("api").map(|(m, _)| m.name.as_str()).collect::<Vec<_>>(), vec!["web"]);
        let e = parse("apidiff.yaml", "modules:\n  - name: lonely\n").unwrap_err().to_string();
        assert!(e.contains("needs at least one spec glob"), "{e}");
    }
}
