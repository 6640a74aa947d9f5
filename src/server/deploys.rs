//! The dashboard's views over the history, filtered on the server: one row per deploy with a
//! chip per module (`GET /deploys`), and the severity trend per day (`GET /trend`). Both take
//! the same filters: `rule` (a rule id), `q` (free text), `module` and `severity`. Each walk is
//! one pass over the cached entries, newest first, so 10,000 entries cost a few milliseconds.

use super::api::{cursor, entries, hex, pseudo, severity_filter, worst};
use super::auth::Role;
use super::{ApiError, AppState, Caller, blocking, require};
use crate::store::{Counts, Entry};
use crate::time;
use axum::Json;
use axum::extract::{Extension, Query, State};
use serde::Deserialize;
use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// The filters `GET /deploys` and `GET /trend` share.
#[derive(Debug, Default, Deserialize)]
pub(super) struct Filter {
    /// Only changes with this rule id.
    rule: Option<String>,
    /// Free text: the module, spec, deploy, author or message of an entry, or the id, message
    /// or operation of one of its changes (case-insensitive).
    q: Option<String>,
    module: Option<String>,
    /// The entry's worst severity.
    severity: Option<String>,
}

/// A filter with its text lowered once per request.
struct Matcher<'a> {
    rule: Option<&'a str>,
    q: Option<String>,
    module: Option<&'a str>,
    severity: Option<&'a str>,
}

impl Filter {
    fn matcher(&self) -> Result<Matcher<'_>, ApiError> {
        severity_filter(self.severity.as_deref())?;
        let q = self.q.as_deref().map(str::trim).filter(|q| !q.is_empty());
        if q.is_some_and(|q| q.len() > 200) {
            return Err(ApiError::bad("`q`: at most 200 characters"));
        }
        Ok(Matcher {
            rule: self.rule.as_deref().map(str::trim).filter(|r| !r.is_empty()),
            q: q.map(str::to_lowercase),
            module: self.module.as_deref().filter(|m| !m.is_empty()),
            severity: self.severity.as_deref().filter(|s| !s.is_empty()),
        })
    }
}

fn has(hay: &str, needle: &str) -> bool {
    hay.to_lowercase().contains(needle)
}

impl Matcher<'_> {
    fn filtered(&self) -> bool {
        self.rule.is_some() || self.q.is_some()
    }

    /// The counts of the entry's changes this filter keeps, or `None` when it keeps the entry
    /// not at all. Without `rule` or `q` that is the entry's own counts.
    fn counts(&self, e: &Entry) -> Option<Counts> {
        if self.module.is_some_and(|m| m != e.module) || self.severity.is_some_and(|s| s != worst(e)) {
            return None;
        }
        let meta = |q: &str| {
            [Some(&e.module), Some(&e.spec), e.deploy.as_ref(), e.author.as_ref(), e.message.as_ref()]
                .into_iter()
                .flatten()
                .any(|f| has(f, q))
        };
        let whole = match (&self.rule, &self.q) {
            (None, None) => true,
            (None, Some(q)) => meta(q),
            (Some(_), _) => false,
        };
        if whole {
            return Some(e.counts);
        }
        let entry_text = self.q.as_deref().is_some_and(meta);
        let mut c = Counts::default();
        for ch in &e.changes {
            if self.rule.is_some_and(|r| r != ch.id) {
                continue;
            }
            let text = |q: &str| has(&ch.id, q) || has(&ch.message, q) || ch.operation.as_deref().is_some_and(|o| has(o, q));
            if !entry_text && self.q.as_deref().is_some_and(|q| !text(q)) {
                continue;
            }
            match ch.severity.as_str() {
                "breaking" => c.breaking += 1,
                "warning" => c.warning += 1,
                _ => c.info += 1,
            }
        }
        (c.breaking + c.warning + c.info > 0).then_some(c)
    }
}

/// `GET /deploys` query.
#[derive(Debug, Deserialize)]
pub(super) struct DeploysQuery {
    #[serde(flatten)]
    filter: Filter,
    limit: Option<usize>,
    cursor: Option<String>,
    #[serde(default)]
    pseudonymize: bool,
}

/// The link to a deploy's commit through `alerts.commit_url` (`{commit}` filled in), only for
/// http(s) templates so that a page never gets a `javascript:` link.
fn commit_url(state: &AppState, deploy: Option<&str>) -> Option<String> {
    let t = state.config.alerts.commit_url.as_deref()?;
    let d = deploy?;
    if !(t.starts_with("https://") || t.starts_with("http://")) {
        return None;
    }
    let enc: String = d
        .bytes()
        .map(|b| if b.is_ascii_alphanumeric() || b"-._~".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") })
        .collect();
    Some(t.replace("{commit}", &enc))
}

fn severity_of(c: &Counts, removed: bool) -> &'static str {
    if removed || c.breaking > 0 {
        "breaking"
    } else if c.warning > 0 {
        "warning"
    } else if c.info > 0 {
        "info"
    } else {
        "none"
    }
}

/// One module's chip: the entry without its change list (the panel loads that on demand).
fn chip(state: &AppState, e: &Entry, matched: Option<&Counts>, pz: bool) -> Value {
    json!({
        "id": e.id, "time": e.time, "module": e.module, "spec": e.spec, "format": e.format,
        "snapshot": e.snapshot, "previous": e.previous, "deploy": e.deploy,
        "author": pseudo(state, pz, &e.author), "message": e.message, "risk": e.risk,
        "counts": e.counts, "severity": worst(e), "matched": matched,
    })
}

/// One deploy's row while it is gathered: its newest entry, then each kept entry with the
/// counts the filter kept (`None` without a filter).
type Row<'a> = (&'a Entry, Vec<(&'a Entry, Option<Counts>)>);

/// A deploy's key: its deploy id, else the run that recorded it.
fn key(e: &Entry) -> &str {
    e.deploy.as_deref().unwrap_or(&e.run)
}

/// One row per deploy, newest first; a chip per module whose entry the filter keeps.
pub(super) async fn deploys(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<DeploysQuery>,
) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    q.filter.matcher()?;
    let limit = q.limit.unwrap_or(25).clamp(1, 200);
    let cursor = q.cursor.as_deref().map(cursor).transpose()?;
    blocking(move || {
        let m = q.filter.matcher()?;
        let all = entries(&state)?;
        let end = match &cursor {
            Some((t, id)) => all.partition_point(|e| (e.time.as_str(), e.id.as_str()) < (t.as_str(), id.as_str())),
            None => all.len(),
        };
        let mut rows: Vec<Row<'_>> = Vec::new();
        let mut index: HashMap<&str, usize> = HashMap::new();
        let mut last: Option<&Entry> = None;
        let mut more = false;
        for e in all[..end].iter().rev() {
            let Some(c) = m.counts(e) else { continue };
            let i = match index.get(key(e)) {
                Some(&i) => i,
                None if rows.len() == limit => {
                    more = true;
                    break;
                }
                None => {
                    index.insert(key(e), rows.len());
                    rows.push((e, Vec::new()));
                    rows.len() - 1
                }
            };
            rows[i].1.push((e, m.filtered().then_some(c)));
            last = Some(e);
        }
        let items: Vec<Value> = rows.iter().map(|(head, chips)| row(&state, head, chips, q.pseudonymize)).collect();
        let next = if more { last.map(|e| hex(&format!("{}\t{}", e.time, e.id))) } else { None };
        Ok(Json(json!({ "items": items, "next_cursor": next })))
    })
    .await
}

fn row(state: &AppState, head: &Entry, chips: &[(&Entry, Option<Counts>)], pz: bool) -> Value {
    let mut total = Counts::default();
    let mut removed = false;
    for (e, c) in chips {
        let c = c.as_ref().unwrap_or(&e.counts);
        total.breaking += c.breaking;
        total.warning += c.warning;
        total.info += c.info;
        removed |= e.snapshot.is_none() && c == &e.counts;
    }
    let mut modules: Vec<&(&Entry, Option<Counts>)> = chips.iter().collect();
    modules.sort_by(|a, b| a.0.module.cmp(&b.0.module).then(a.0.spec.cmp(&b.0.spec)));
    json!({
        "deploy": head.deploy, "run": head.run, "time": head.time,
        "author": pseudo(state, pz, &head.author), "message": head.message,
        "commit_url": commit_url(state, head.deploy.as_deref()),
        "severity": severity_of(&total, removed), "counts": total,
        "modules": modules.iter().map(|(e, c)| chip(state, e, c.as_ref(), pz)).collect::<Vec<_>>(),
    })
}

/// `GET /trend` query.
#[derive(Debug, Deserialize)]
pub(super) struct TrendQuery {
    #[serde(flatten)]
    filter: Filter,
    days: Option<i64>,
}

/// Changes per day and severity over the last `days` days that have entries (default 90),
/// days without entries included as zeros.
pub(super) async fn trend(
    State(state): State<Arc<AppState>>,
    Extension(caller): Extension<Caller>,
    Query(q): Query<TrendQuery>,
) -> Result<Json<Value>, ApiError> {
    require(&caller, Role::Viewer)?;
    q.filter.matcher()?;
    let days = q.days.unwrap_or(90).clamp(1, 731);
    blocking(move || {
        let m = q.filter.matcher()?;
        let all = entries(&state)?;
        let mut by_day: BTreeMap<i64, (Counts, usize)> = BTreeMap::new();
        for e in all.iter() {
            let Some(c) = m.counts(e) else { continue };
            let Some(day) = time::days_of(&e.time) else { continue };
            let slot = by_day.entry(day).or_default();
            slot.0.breaking += c.breaking;
            slot.0.warning += c.warning;
            slot.0.info += c.info;
            slot.1 += 1;
        }
        let Some(&to) = by_day.keys().next_back() else {
            return Ok(Json(json!({ "days": [], "from": null, "to": null })));
        };
        let first = by_day.keys().next().copied().unwrap_or(to);
        let from = first.max(to - days + 1);
        let points: Vec<Value> = (from..=to)
            .map(|d| {
                let (c, n) = by_day.get(&d).copied().unwrap_or_default();
                json!({"date": date(d), "breaking": c.breaking, "warning": c.warning, "info": c.info, "entries": n})
            })
            .collect();
        Ok(Json(json!({ "days": points, "from": date(from), "to": date(to) })))
    })
    .await
}

fn date(days: i64) -> String {
    time::date_of_days(days).unwrap_or_default()
}
