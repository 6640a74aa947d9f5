//! What clients really call. Evidence of use (access logs, traces, GraphQL operation documents,
//! gRPC spans) is reduced to daily counts per module, [`Element`] and client ([`DailyCount`]);
//! raw requests, IPs, tokens and bodies are never kept. A [`UsageIndex`] holds the counts in
//! memory and answers, for the element a change touches, the [`Usage`] a verdict carries, under
//! the team's [`UsagePolicy`] (Hive's knobs: a window, a request and share threshold, excluded
//! clients).
//!
//! Unknown is never read as unused: a module without evidence in the window gives
//! `Usage::Unknown`, and only a module with evidence can say an element was not called.

pub mod samples;
pub mod values;

pub use values::human;
pub mod documents;
pub mod evidence;
pub mod otlp;
pub mod routes;

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

/// A thing of a description that a request can use.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", try_from = "ElementFields")]
pub enum Element {
    /// An HTTP operation: upper-case method and the path template as the description writes it,
    /// server base path removed (`GET /pets/{petId}`), or an AsyncAPI operation/channel.
    Operation {
        /// `GET`, `POST`, … (`PUBLISH`/`SUBSCRIBE` or the operation id for AsyncAPI).
        method: String,
        /// The path template (`/pets/{petId}`) or channel name.
        path: String,
    },
    /// A parameter an HTTP request sent.
    Parameter {
        /// The operation's method.
        method: String,
        /// The operation's path template.
        path: String,
        /// `query`, `header`, `path` or `cookie`.
        location: String,
        /// The parameter's name (header names lower-cased).
        name: String,
    },
    /// A body property a request sent or a response returned, as a JSON pointer in which array
    /// indexes are `*` (`/items/*/name`).
    Property {
        /// The operation's method.
        method: String,
        /// The operation's path template.
        path: String,
        /// `request` or `response`.
        direction: String,
        /// The pointer.
        pointer: String,
    },
    /// A GraphQL field an operation selected (`Query.user`, `User.email`).
    Field {
        /// The parent type.
        parent: String,
        /// The field.
        field: String,
    },
    /// A GraphQL argument an operation passed (`Query.users(first:)`).
    Argument {
        /// The parent type.
        parent: String,
        /// The field.
        field: String,
        /// The argument.
        argument: String,
    },
    /// A gRPC method called (`rpc.service` / `rpc.method` of a span).
    Rpc {
        /// The fully qualified service (`acme.v1.Billing`).
        service: String,
        /// The method (`Charge`).
        method: String,
    },
}

/// An [`Element`] as stored, read as one flat object: the same JSON as the tagged enum, without
/// serde buffering every element to find its tag (usage batches hold thousands of them).
#[derive(Deserialize)]
struct ElementFields {
    kind: String,
    method: Option<String>,
    path: Option<String>,
    location: Option<String>,
    name: Option<String>,
    direction: Option<String>,
    pointer: Option<String>,
    parent: Option<String>,
    field: Option<String>,
    argument: Option<String>,
    service: Option<String>,
}

impl TryFrom<ElementFields> for Element {
    type Error = String;

    fn try_from(f: ElementFields) -> Result<Element, String> {
        use std::borrow::Cow::Owned;
        let own = |v: Option<String>| v.map(Owned);
        ElementRef {
            kind: Owned(f.kind),
            method: own(f.method),
            path: own(f.path),
            location: own(f.location),
            name: own(f.name),
            direction: own(f.direction),
            pointer: own(f.pointer),
            parent: own(f.parent),
            field: own(f.field),
            argument: own(f.argument),
            service: own(f.service),
        }
        .into_element()
    }
}

/// An [`Element`] as stored, borrowed from the JSON it is read from: a batch's thousands of
/// counts repeat a few hundred elements, each built once ([`ElementRef::into_element`]) and
/// otherwise only looked up by these borrowed fields.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Deserialize)]
pub struct ElementRef<'a> {
    #[serde(borrow)]
    kind: Cow<'a, str>,
    #[serde(borrow, default)]
    method: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    path: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    location: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    name: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    direction: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    pointer: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    parent: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    field: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    argument: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    service: Option<Cow<'a, str>>,
}

impl ElementRef<'_> {
    /// The element (an error naming a missing field or an unknown kind).
    pub fn into_element(self) -> Result<Element, String> {
        let need = |v: Option<Cow<'_, str>>, name: &str| v.map(Cow::into_owned).ok_or_else(|| format!("missing field `{name}`"));
        let f = self;
        Ok(match f.kind.as_ref() {
            "operation" => Element::Operation { method: need(f.method, "method")?, path: need(f.path, "path")? },
            "parameter" => Element::Parameter {
                method: need(f.method, "method")?,
                path: need(f.path, "path")?,
                location: need(f.location, "location")?,
                name: need(f.name, "name")?,
            },
            "property" => Element::Property {
                method: need(f.method, "method")?,
                path: need(f.path, "path")?,
                direction: need(f.direction, "direction")?,
                pointer: need(f.pointer, "pointer")?,
            },
            "field" => Element::Field { parent: need(f.parent, "parent")?, field: need(f.field, "field")? },
            "argument" => Element::Argument {
                parent: need(f.parent, "parent")?,
                field: need(f.field, "field")?,
                argument: need(f.argument, "argument")?,
            },
            "rpc" => Element::Rpc { service: need(f.service, "service")?, method: need(f.method, "method")? },
            other => {
                return Err(format!(
                    "unknown variant `{other}`, expected one of `operation`, `parameter`, `property`, `field`, `argument`, `rpc`"
                ));
            }
        })
    }
}

impl Element {
    /// The element as the report writes an operation (`GET /pets/{petId}`, `Query.user`,
    /// `acme.v1.Billing/Charge`), which is also how changes name theirs.
    pub fn operation(&self) -> String {
        match self {
            Element::Operation { method, path } | Element::Parameter { method, path, .. } | Element::Property { method, path, .. } => {
                format!("{method} {path}")
            }
            Element::Field { parent, field } | Element::Argument { parent, field, .. } => format!("{parent}.{field}"),
            Element::Rpc { service, method } => format!("{service}/{method}"),
        }
    }
}

/// Observed values of one element on one day, as a usage batch stores them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueCount {
    /// The module.
    pub module: String,
    /// A [`Element::Parameter`] or request [`Element::Property`].
    pub element: Element,
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// The statistics.
    pub values: values::ValueStats,
}

/// Requests of one client to one element of one module on one UTC day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailyCount {
    /// The module (as apidiff.yaml names it).
    pub module: String,
    /// What was used.
    pub element: Element,
    /// Who: a configured header's value, the user agent's product, or a pseudonymised key;
    /// never an IP address or a credential.
    pub client: String,
    /// The day, `YYYY-MM-DD` (UTC).
    pub day: String,
    /// How many requests.
    pub requests: u64,
    /// The last request's time that day (RFC 3339, UTC).
    pub last_seen: String,
}

/// Statistics of the values sent for one parameter or request property, for testing a
/// tightened constraint against what clients really send ("0 of 2.1 M requests would be
/// rejected"). Never the values themselves: lengths, the numeric range, and salted hashes of
/// up to [`MAX_VALUE_HASHES`] distinct values (a removed enum value is tested by hashing it with
/// the store's salt, [`value_hash`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ValueStats {
    /// The module.
    pub module: String,
    /// The parameter or request property.
    pub element: Element,
    /// Values seen.
    pub samples: u64,
    /// Shortest value (characters).
    pub min_length: u64,
    /// Longest value (characters).
    pub max_length: u64,
    /// Smallest value that was a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    /// Largest value that was a number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Values that were not numbers (of `samples`).
    #[serde(default)]
    pub non_numeric: u64,
    /// Salted hashes of the distinct values, sorted (at most [`MAX_VALUE_HASHES`]).
    #[serde(default)]
    pub value_hashes: Vec<String>,
    /// Whether there were more distinct values than were kept.
    #[serde(default)]
    pub more_values: bool,
}

/// Distinct value hashes kept per element.
pub const MAX_VALUE_HASHES: usize = 32;

/// The salted hash a value is kept as (16 hex digits of SHA-256 over the salt and the value).
pub fn value_hash(salt: &str, value: &str) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(format!("usage-value\0{salt}\0{value}").as_bytes());
    d.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

impl ValueStats {
    /// Stats of no values yet.
    pub fn new(module: &str, element: Element) -> Self {
        ValueStats {
            module: module.to_string(),
            element,
            samples: 0,
            min_length: u64::MAX,
            max_length: 0,
            min: None,
            max: None,
            non_numeric: 0,
            value_hashes: Vec::new(),
            more_values: false,
        }
    }

    /// Adds one value seen `n` times.
    pub fn add(&mut self, salt: &str, value: &str, n: u64) {
        self.samples += n;
        let len = value.chars().count() as u64;
        self.min_length = self.min_length.min(len);
        self.max_length = self.max_length.max(len);
        match value.parse::<f64>() {
            Ok(x) if x.is_finite() => {
                self.min = Some(self.min.map_or(x, |m| m.min(x)));
                self.max = Some(self.max.map_or(x, |m| m.max(x)));
            }
            _ => self.non_numeric += n,
        }
        if !self.more_values {
            let h = value_hash(salt, value);
            if let Err(at) = self.value_hashes.binary_search(&h) {
                if self.value_hashes.len() < MAX_VALUE_HASHES {
                    self.value_hashes.insert(at, h);
                } else {
                    self.more_values = true;
                }
            }
        }
    }
}

/// Tests the digest ingest keeps of the values sent for one element ([`ValueStats`]:
/// lengths, the numeric range, salted hashes of up to 32 distinct values) against `c`: no value
/// is kept, so the count is exact only when the bounds (or, for an enum, every hash) decide
/// for all requests, and otherwise a lower bound. `salt` is the store's (enum values are hashed
/// with it to compare); `None` when the digest cannot say anything (a pattern, or an enum
/// without the salt).
pub fn digest_rejected(d: &ValueStats, c: &values::Constraint, salt: Option<&str>) -> Option<values::Rejected> {
    use values::{Constraint, Rejected};
    let of = d.samples;
    let (lo, hi) = (d.min_length, d.max_length);
    let all = |all_fail: bool, none_fail: bool| match (all_fail, none_fail) {
        (_, true) => Rejected { rejected: 0, exact: true, of },
        (true, false) => Rejected { rejected: of, exact: true, of },
        (false, false) => Rejected { rejected: 1, exact: false, of },
    };
    let numbers_only = d.non_numeric == 0;
    Some(match c {
        Constraint::MaxLength(n) => all(lo > *n && of > 0, hi <= *n || of == 0),
        Constraint::MinLength(n) => all(hi < *n && of > 0, lo >= *n || of == 0),
        Constraint::Maximum(x) => all(numbers_only && d.min.is_some_and(|m| m > *x), d.max.is_none_or(|m| m <= *x)),
        Constraint::Minimum(x) => all(numbers_only && d.max.is_some_and(|m| m < *x), d.min.is_none_or(|m| m >= *x)),
        Constraint::Enum(allowed) => {
            let salt = salt?;
            let allowed: std::collections::HashSet<String> = allowed.iter().map(|a| value_hash(salt, a)).collect();
            let outside = d.value_hashes.iter().filter(|h| !allowed.contains(*h)).count() as u64;
            Rejected { rejected: outside, exact: !d.more_values && outside == 0, of }
        }
        Constraint::Pattern(_) => return None,
    })
}

/// Requests no documented element matched: drift between what is served and what is described.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Undocumented {
    /// The module they were attributed to (by `--module`, host, base path, or the only module
    /// of their kind); empty when none could be told.
    pub module: String,
    /// `GET`, … (`RPC` for a gRPC call, `GRAPHQL` for a GraphQL selection).
    pub method: String,
    /// The path with identifiers replaced by `{}` (`/pets/{}`), `service/method`, or
    /// `Parent.field`.
    pub path: String,
    /// How many.
    pub requests: u64,
    /// The last one's time.
    pub last_seen: String,
}

/// The team's policy for reading usage, from apidiff.yaml's `usage:` block.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UsagePolicy {
    /// How far back evidence counts, in days (`30d` in YAML is read by the config layer).
    pub window_days: u32,
    /// A breaking change to an element with fewer requests than this in the window is a warning.
    pub min_requests: u64,
    /// … or with a smaller share (0.0–1.0) of the module's requests than this.
    pub min_share: f64,
    /// Clients whose requests are not counted (test robots, monitors).
    pub exclude_clients: Vec<String>,
}

impl Default for UsagePolicy {
    fn default() -> Self {
        UsagePolicy { window_days: 30, min_requests: 1, min_share: 0.0, exclude_clients: Vec::new() }
    }
}

/// One client's share of an element's use.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ClientCount {
    /// The client.
    pub client: String,
    /// Its requests in the window.
    pub requests: u64,
}

/// What the evidence says about one element: the `usage` a change carries.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum Usage {
    /// The module has evidence in the window.
    Known(KnownUsage),
    /// The module has no evidence in the window: nothing can be said (never read as unused).
    Unknown {
        /// Always `false`.
        known: bool,
    },
}

/// Usage of an element whose module has evidence in the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KnownUsage {
    /// Always `true`.
    pub known: bool,
    /// The window, `30d`.
    pub window: String,
    /// Requests to the element in the window (excluded clients not counted).
    pub requests: u64,
    /// Distinct clients that made them.
    pub clients: u64,
    /// The last request's time, when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_seen: Option<String>,
    /// The busiest clients, most requests first (at most five).
    pub top_clients: Vec<ClientCount>,
    /// All requests to the module in the window, the denominator of the share.
    pub module_requests: u64,
}

impl Usage {
    /// The value for a module without evidence.
    pub fn unknown() -> Usage {
        Usage::Unknown { known: false }
    }

    /// The sentence a verdict gives: `0 of 1.2 M requests in 30 days` (unknown: `None`).
    pub fn sentence(&self) -> Option<String> {
        match self {
            Usage::Unknown { .. } => None,
            Usage::Known(k) => {
                Some(format!("{} of {} requests in {} days", human(k.requests), human(k.module_requests), k.window.trim_end_matches('d')))
            }
        }
    }

    /// The busiest clients as a list (`web (1200), mobile (30)`), empty when none.
    pub fn clients_list(&self) -> String {
        match self {
            Usage::Unknown { .. } => String::new(),
            Usage::Known(k) => {
                let mut s = k.top_clients.iter().map(|c| format!("{} ({})", c.client, human(c.requests))).collect::<Vec<_>>().join(", ");
                if k.clients > k.top_clients.len() as u64 {
                    s.push_str(&format!(" and {} more", k.clients - k.top_clients.len() as u64));
                }
                s
            }
        }
    }

    /// Whether the element was used enough, under the policy, for a break of it to matter.
    /// `None` when nothing is known.
    pub fn above_threshold(&self, policy: &UsagePolicy) -> Option<bool> {
        match self {
            Usage::Unknown { .. } => None,
            Usage::Known(k) => {
                let share = if k.module_requests == 0 { 0.0 } else { k.requests as f64 / k.module_requests as f64 };
                Some(k.requests >= policy.min_requests.max(1) && share >= policy.min_share)
            }
        }
    }
}

/// Counts for one element: per day, per client, and the latest time seen that day.
#[derive(Debug, Clone, Default)]
struct Tally {
    days: BTreeMap<String, Day>,
}

/// One element's (or module's) requests on one day.
#[derive(Debug, Clone, Default)]
struct Day {
    clients: BTreeMap<String, u64>,
    last_seen: String,
}

/// Adds `requests` of `client` on `day` (strings copied only when new).
fn add_day<'a>(days: &'a mut BTreeMap<String, Day>, day: &str, client: &str, requests: u64) -> Option<&'a mut Day> {
    if !days.contains_key(day) {
        days.insert(day.to_string(), Day::default());
    }
    let d = days.get_mut(day)?;
    match d.clients.get_mut(client) {
        Some(n) => *n += requests,
        None => {
            d.clients.insert(client.to_string(), requests);
        }
    }
    Some(d)
}

/// Requests per client in the days from `since` on, excluded clients left out.
fn in_window<'a>(
    days: &'a BTreeMap<String, Day>,
    since: &str,
    policy: &'a UsagePolicy,
) -> impl Iterator<Item = (&'a String, &'a Day, &'a String, u64)> {
    days.range::<str, _>((std::ops::Bound::Included(since), std::ops::Bound::Unbounded))
        .flat_map(move |(day, d)| d.clients.iter().filter(|(c, _)| !policy.exclude_clients.contains(c)).map(move |(c, n)| (day, d, c, *n)))
}

/// Daily counts in memory, merged from any number of [`DailyCount`]s (adding the same count
/// twice counts it twice: idempotency is the store's, which keeps one batch per evidence file).
/// Looked up by module and element without building keys: one hash lookup per element a change
/// touches.
#[derive(Debug, Clone, Default)]
pub struct UsageIndex {
    elements: HashMap<String, HashMap<Element, Tally>>,
    /// Per module, per day and client: all requests, matched or not.
    modules: HashMap<String, BTreeMap<String, Day>>,
    /// Per (module, element): observed values, per day.
    values: HashMap<(String, Element), values::Daily>,
    /// Per (module, element): ingest's value digests, with the last day of their batch.
    digests: HashMap<(String, Element), Vec<(String, ValueStats)>>,
    /// Sampled response shapes, as stored.
    responses: Vec<samples::ResponseShape>,
}

impl UsageIndex {
    /// An empty index.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one count: to its element, and, when the element is a whole request (an operation,
    /// a GraphQL field, an RPC), to its module's total. Batches that record their module's
    /// requests ([`crate::store::usage::UsageBatch::module_requests`]) add their counts with
    /// [`UsageIndex::add_element`] instead, so a request counts once however many parameters
    /// and properties it used.
    pub fn add(&mut self, c: &DailyCount) {
        self.add_element(c);
        if matches!(c.element, Element::Operation { .. } | Element::Field { .. } | Element::Rpc { .. }) {
            self.add_module_requests(&c.module, &c.day, &c.client, c.requests);
        }
    }

    /// Adds one count to its element only (its keys are cloned only the first time).
    pub fn add_element(&mut self, c: &DailyCount) {
        self.add_count(&c.module, &c.element, &c.client, &c.day, c.requests, &c.last_seen);
    }

    /// [`UsageIndex::add_element`] from borrowed parts (a batch read without copying them).
    pub fn add_count(&mut self, module: &str, element: &Element, client: &str, day: &str, requests: u64, last_seen: &str) {
        self.add_counts(module, element, [(client, day, requests, last_seen)]);
    }

    /// Adds counts of one element, `(client, day, requests, last_seen)` each: the module and
    /// element are looked up once for all of them (a batch's counts come sorted by element).
    pub fn add_counts<'a>(&mut self, module: &str, element: &Element, counts: impl IntoIterator<Item = (&'a str, &'a str, u64, &'a str)>) {
        if !self.elements.contains_key(module) {
            self.elements.insert(module.to_string(), HashMap::new());
        }
        let Some(m) = self.elements.get_mut(module) else { return };
        if !m.contains_key(element) {
            m.insert(element.clone(), Tally::default());
        }
        let Some(tally) = m.get_mut(element) else { return };
        for (client, day, requests, last_seen) in counts {
            if let Some(d) = add_day(&mut tally.days, day, client, requests)
                && last_seen > d.last_seen.as_str()
            {
                last_seen.clone_into(&mut d.last_seen);
            }
        }
    }

    /// Adds requests of one module, `(day, client, requests)` each, looking the module up once.
    pub fn add_module_rows<'a>(&mut self, module: &str, rows: impl IntoIterator<Item = (&'a str, &'a str, u64)>) {
        if !self.modules.contains_key(module) {
            self.modules.insert(module.to_string(), BTreeMap::new());
        }
        if let Some(m) = self.modules.get_mut(module) {
            for (day, client, requests) in rows {
                add_day(m, day, client, requests);
            }
        }
    }

    /// Adds a module's requests (matched, or matching no element: both count in the module's
    /// total and are evidence that the module is observed).
    pub fn add_module_requests(&mut self, module: &str, day: &str, client: &str, requests: u64) {
        if !self.modules.contains_key(module) {
            self.modules.insert(module.to_string(), BTreeMap::new());
        }
        if let Some(m) = self.modules.get_mut(module) {
            add_day(m, day, client, requests);
        }
    }

    /// Whether the module has any evidence on or after `since_day` (`YYYY-MM-DD`).
    pub fn knows(&self, module: &str, since_day: &str, policy: &UsagePolicy) -> bool {
        self.module_requests(module, since_day, policy) > 0
    }

    /// All requests to `module` on or after `since_day`, excluded clients left out.
    pub fn module_requests(&self, module: &str, since_day: &str, policy: &UsagePolicy) -> u64 {
        self.modules.get(module).map_or(0, |m| in_window(m, since_day, policy).map(|(_, _, _, n)| n).sum())
    }

    /// The usage of exactly `element` of `module` in the window ending on `today` (`YYYY-MM-DD`).
    pub fn usage(&self, module: &str, element: &Element, today: &str, policy: &UsagePolicy) -> Usage {
        self.usage_of(module, std::slice::from_ref(element), today, policy)
    }

    /// The usage of any of `elements` of `module` (a change reaching several operations through
    /// a shared definition counts them all): requests added, clients merged across elements.
    pub fn usage_of(&self, module: &str, elements: &[Element], today: &str, policy: &UsagePolicy) -> Usage {
        let since = window_start(today, policy.window_days);
        let module_requests = self.module_requests(module, &since, policy);
        self.usage_in(module, elements, &since, module_requests, policy)
    }

    /// [`UsageIndex::usage_of`] with the window's first day and the module's requests in it
    /// already known (a run asks once per module, then once per change).
    pub fn usage_in(&self, module: &str, elements: &[Element], since: &str, module_requests: u64, policy: &UsagePolicy) -> Usage {
        if module_requests == 0 {
            return Usage::unknown();
        }
        let mut per_client: BTreeMap<&str, u64> = BTreeMap::new();
        let mut last_seen: Option<&String> = None;
        let tallies = self.elements.get(module);
        let mut seen = std::collections::HashSet::with_capacity(elements.len());
        for element in elements.iter().filter(|e| seen.insert(*e)) {
            let Some(t) = tallies.and_then(|m| m.get(element)) else { continue };
            for (_, day, client, n) in in_window(&t.days, since, policy) {
                *per_client.entry(client).or_default() += n;
                last_seen = last_seen.max(Some(&day.last_seen));
            }
        }
        let mut top: Vec<ClientCount> = per_client.iter().map(|(c, n)| ClientCount { client: c.to_string(), requests: *n }).collect();
        top.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.client.cmp(&b.client)));
        let clients = top.len() as u64;
        top.truncate(5);
        Usage::Known(KnownUsage {
            known: true,
            window: format!("{}d", policy.window_days),
            requests: per_client.values().sum(),
            clients,
            last_seen: last_seen.cloned(),
            top_clients: top,
            module_requests,
        })
    }

    /// Adds value statistics of one element on one day (see [`ValueCount`]).
    pub fn add_values(&mut self, v: &ValueCount) {
        self.values.entry((v.module.clone(), v.element.clone())).or_default().insert_day(&v.day, &v.values);
    }

    /// The values observed for `element` of `module` in the window, merged over its days;
    /// `None` when none were recorded.
    pub fn values_of(&self, module: &str, element: &Element, today: &str, policy: &UsagePolicy) -> Option<values::ValueStats> {
        let since = window_start(today, policy.window_days);
        self.values.get(&(module.to_string(), element.clone())).and_then(|d| d.since(&since))
    }

    /// Adds ingest's digest of the values of one element; `day` is the last day of the evidence
    /// its batch read (a digest is not split by day: it counts in the window when its batch's
    /// latest evidence does).
    pub fn add_digest(&mut self, day: &str, d: &ValueStats) {
        self.digests.entry((d.module.clone(), d.element.clone())).or_default().push((day.to_string(), d.clone()));
    }

    /// The digests of `element` of `module` whose batch has evidence in the window.
    pub fn digests_of(&self, module: &str, element: &Element, today: &str, policy: &UsagePolicy) -> Vec<&ValueStats> {
        let since = window_start(today, policy.window_days);
        self.digests
            .get(&(module.to_string(), element.clone()))
            .map(|ds| ds.iter().filter(|(day, _)| *day >= since).map(|(_, d)| d).collect())
            .unwrap_or_default()
    }

    /// Adds a sampled response shape.
    pub fn add_response(&mut self, r: &samples::ResponseShape) {
        self.responses.push(r.clone());
    }

    /// The response shapes of `module` sampled in the window.
    pub fn responses_of(&self, module: &str, today: &str, policy: &UsagePolicy) -> Vec<&samples::ResponseShape> {
        let since = window_start(today, policy.window_days);
        self.responses.iter().filter(|r| r.module == module && r.day >= since).collect()
    }

    /// The modules with any evidence, sorted.
    pub fn modules(&self) -> Vec<String> {
        let mut m: Vec<String> = self.modules.keys().cloned().collect();
        m.sort();
        m
    }

    /// Requests to `module` in the window, per client (excluded clients left out), busiest first.
    pub fn clients_of(&self, module: &str, today: &str, policy: &UsagePolicy) -> Vec<ClientCount> {
        let since = window_start(today, policy.window_days);
        let mut per: BTreeMap<&str, u64> = BTreeMap::new();
        if let Some(m) = self.modules.get(module) {
            for (_, _, client, n) in in_window(m, &since, policy) {
                *per.entry(client).or_default() += n;
            }
        }
        let mut out: Vec<ClientCount> = per.into_iter().map(|(c, n)| ClientCount { client: c.to_string(), requests: n }).collect();
        out.sort_by(|a, b| b.requests.cmp(&a.requests).then_with(|| a.client.cmp(&b.client)));
        out
    }

    /// Every element of `module` with evidence, with its requests in the window, most used first.
    pub fn elements_of(&self, module: &str, today: &str, policy: &UsagePolicy) -> Vec<(Element, u64)> {
        let since = window_start(today, policy.window_days);
        let mut out: Vec<(Element, u64)> = self
            .elements
            .get(module)
            .into_iter()
            .flatten()
            .map(|(e, t)| {
                let n = in_window(&t.days, &since, policy).map(|(_, _, _, n)| n).sum();
                (e.clone(), n)
            })
            .collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        out
    }
}

/// The first day of a window of `days` ending on `today` (inclusive).
pub fn window_start(today: &str, days: u32) -> String {
    crate::time::days_of(today).and_then(|d| crate::time::date_of_days(d - i64::from(days.max(1)) + 1)).unwrap_or_else(|| today.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn op(m: &str, p: &str) -> Element {
        Element::Operation { method: m.into(), path: p.into() }
    }

    fn count(module: &str, e: Element, client: &str, day: &str, n: u64) -> DailyCount {
        DailyCount {
            module: module.into(),
            element: e,
            client: client.into(),
            day: day.into(),
            requests: n,
            last_seen: format!("{day}T12:00:00.000Z"),
        }
    }

    #[test]
    fn a_module_without_evidence_is_unknown_not_unused() {
        let idx = UsageIndex::new();
        let u = idx.usage("pets", &op("GET", "/pets"), "2026-12-06", &UsagePolicy::default());
        assert_eq!(u, Usage::unknown());
        assert_eq!(serde_json::to_value(&u).unwrap(), serde_json::json!({"known": false}));
        assert_eq!(u.above_threshold(&UsagePolicy::default()), None);
    }

    #[test]
    fn usage_counts_the_window_and_leaves_out_excluded_clients() {
        let mut idx = UsageIndex::new();
        idx.add(&count("pets", op("GET", "/pets"), "web", "2026-12-01", 10));
        idx.add(&count("pets", op("GET", "/pets"), "robot", "2026-12-02", 5));
        idx.add(&count("pets", op("GET", "/pets"), "old", "2026-10-01", 99));
        idx.add(&count("pets", op("DELETE", "/pets/{id}"), "web", "2026-12-03", 1));
        let policy = UsagePolicy { exclude_clients: vec!["robot".into()], ..UsagePolicy::default() };
        let Usage::Known(k) = idx.usage("pets", &op("GET", "/pets"), "2026-12-06", &policy) else { panic!() };
        assert_eq!((k.requests, k.clients, k.module_requests), (10, 1, 11));
        assert_eq!(k.top_clients, vec![ClientCount { client: "web".into(), requests: 10 }]);
        assert_eq!(k.last_seen.as_deref(), Some("2026-12-01T12:00:00.000Z"));
        let unused = idx.usage("pets", &op("POST", "/pets"), "2026-12-06", &policy);
        assert_eq!(unused.above_threshold(&policy), Some(false));
        assert_eq!(idx.elements_of("pets", "2026-12-06", &policy)[0], (op("GET", "/pets"), 10));
    }

    #[test]
    fn elements_read_back_as_written() {
        let all = [
            op("GET", "/pets"),
            Element::Parameter { method: "GET".into(), path: "/p".into(), location: "query".into(), name: "q".into() },
            Element::Property { method: "POST".into(), path: "/p".into(), direction: "request".into(), pointer: "/a/*".into() },
            Element::Field { parent: "Query".into(), field: "user".into() },
            Element::Argument { parent: "Query".into(), field: "users".into(), argument: "first".into() },
            Element::Rpc { service: "acme.v1.Users".into(), method: "Find".into() },
        ];
        for e in all {
            let json = serde_json::to_string(&e).unwrap();
            assert_eq!(serde_json::from_str::<Element>(&json).unwrap(), e, "{json}");
        }
        let bad = serde_json::from_str::<Element>(r#"{"kind": "operation", "method": "GET"}"#).unwrap_err().to_string();
        assert!(bad.contains("missing field `path`"), "{bad}");
        let bad = serde_json::from_str::<Element>(r#"{"kind": "table"}"#).unwrap_err().to_string();
        assert!(bad.contains("unknown variant `table`"), "{bad}");
    }

    #[test]
    fn digests_decide_by_their_bounds_and_hashes() {
        let mut d = ValueStats::new("pets", Element::Operation { method: "GET".into(), path: "/p".into() });
        for v in ["red", "blue", "green"] {
            d.add("salt", v, 2);
        }
        use values::{Constraint, Rejected};
        let cut = |c: Constraint| digest_rejected(&d, &c, Some("salt")).unwrap();
        assert_eq!(cut(Constraint::MaxLength(5)), Rejected { rejected: 0, exact: true, of: 6 });
        assert_eq!(cut(Constraint::MaxLength(2)), Rejected { rejected: 6, exact: true, of: 6 });
        assert_eq!(cut(Constraint::MaxLength(4)), Rejected { rejected: 1, exact: false, of: 6 });
        assert_eq!(cut(Constraint::Enum(vec!["red".into(), "blue".into(), "green".into()])), Rejected { rejected: 0, exact: true, of: 6 });
        assert_eq!(cut(Constraint::Enum(vec!["red".into()])), Rejected { rejected: 2, exact: false, of: 6 });
        assert_eq!(digest_rejected(&d, &Constraint::Enum(vec!["red".into()]), None), None);
        assert_eq!(digest_rejected(&d, &Constraint::Pattern(regex::Regex::new("^r").unwrap()), Some("salt")), None);
        assert_eq!(cut(Constraint::Maximum(1.0)), Rejected { rejected: 0, exact: true, of: 6 });
    }

    #[test]
    fn the_window_starts_days_minus_one_before_today() {
        assert_eq!(window_start("2026-12-06", 30), "2026-11-07");
        assert_eq!(window_start("2026-12-06", 1), "2026-12-06");
    }
}
