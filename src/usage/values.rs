//! Values clients sent for a parameter or request property, as bounded statistics
//! ([`ValueStats`]): a capped map of distinct short values with counts, plus length and number
//! bounds. Enough to test a tightened constraint (a lower `maxLength` or `maximum`, a removed
//! enum value, a new pattern) against what was really sent ([`ValueStats::rejected`]) without
//! keeping raw requests. Ingest records only short, non-secret values; the rest count in
//! `other` and only move the bounds.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How many distinct values one element keeps per day; more count in `other`.
pub const MAX_DISTINCT: usize = 64;

/// The longest value (in characters) kept as a distinct value.
pub const MAX_VALUE_CHARS: usize = 64;

/// Bounded statistics of the values sent for one element.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ValueStats {
    /// Requests that carried a value.
    pub requests: u64,
    /// Distinct short values with their counts (at most [`MAX_DISTINCT`]).
    pub distinct: BTreeMap<String, u64>,
    /// Requests whose value is not in `distinct` (too many distinct values, too long, or
    /// secret-looking): they move only the bounds below.
    pub other: u64,
    /// The shortest value, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_length: Option<u64>,
    /// The longest value, in characters.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_length: Option<u64>,
    /// The smallest value read as a number, when any was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_number: Option<f64>,
    /// The largest value read as a number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_number: Option<f64>,
}

/// A request constraint a revision tightened, as a test of one value.
#[derive(Debug, Clone)]
pub enum Constraint {
    /// `maxLength`.
    MaxLength(u64),
    /// `minLength`.
    MinLength(u64),
    /// `maximum` (inclusive).
    Maximum(f64),
    /// `minimum` (inclusive).
    Minimum(f64),
    /// `enum`: the values still allowed (as the request writes them).
    Enum(Vec<String>),
    /// `pattern`.
    Pattern(regex::Regex),
}

/// How many observed requests a tightened constraint would reject.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// Requests known to be rejected.
    pub rejected: u64,
    /// Whether that is exact (else some values were not kept and it is a lower bound).
    pub exact: bool,
    /// Requests observed.
    pub of: u64,
}

impl Rejected {
    /// Two counts of the same constraint over different evidence, added.
    pub fn plus(self, o: Rejected) -> Rejected {
        Rejected { rejected: self.rejected + o.rejected, exact: self.exact && o.exact, of: self.of + o.of }
    }

    /// `0 of 2.1 M requests would be rejected`, `at least 3 of 40 requests would be rejected`.
    pub fn sentence(&self) -> String {
        let lead = if self.exact { String::new() } else { "at least ".into() };
        format!("{lead}{} of {} observed requests would be rejected", human(self.rejected), human(self.of))
    }
}

impl ValueStats {
    /// Records one value (what ingest calls per request): kept as a distinct value when it is
    /// short and `keep` says it is not secret, else counted in `other`.
    pub fn record(&mut self, value: &str, keep: bool) {
        self.requests += 1;
        let len = value.chars().count() as u64;
        self.min_length = Some(self.min_length.map_or(len, |m| m.min(len)));
        self.max_length = Some(self.max_length.map_or(len, |m| m.max(len)));
        if let Ok(n) = value.trim().parse::<f64>().map_err(drop).and_then(|n| if n.is_finite() { Ok(n) } else { Err(()) }) {
            self.min_number = Some(self.min_number.map_or(n, |m| m.min(n)));
            self.max_number = Some(self.max_number.map_or(n, |m| m.max(n)));
        }
        let fits = keep && len as usize <= MAX_VALUE_CHARS && (self.distinct.len() < MAX_DISTINCT || self.distinct.contains_key(value));
        if fits {
            *self.distinct.entry(value.to_string()).or_default() += 1;
        } else {
            self.other += 1;
        }
    }

    /// Adds another day's statistics (distinct values past the cap move to `other`).
    pub fn merge(&mut self, o: &ValueStats) {
        self.requests += o.requests;
        self.other += o.other;
        for (v, n) in &o.distinct {
            if self.distinct.len() < MAX_DISTINCT * 4 || self.distinct.contains_key(v) {
                *self.distinct.entry(v.clone()).or_default() += n;
            } else {
                self.other += n;
            }
        }
        let lo = |a: Option<u64>, b: Option<u64>| a.into_iter().chain(b).min();
        let hi = |a: Option<u64>, b: Option<u64>| a.into_iter().chain(b).max();
        self.min_length = lo(self.min_length, o.min_length);
        self.max_length = hi(self.max_length, o.max_length);
        self.min_number = self.min_number.into_iter().chain(o.min_number).reduce(f64::min);
        self.max_number = self.max_number.into_iter().chain(o.max_number).reduce(f64::max);
    }

    /// Tests the observed values against `c`: how many requests it would reject.
    pub fn rejected(&self, c: &Constraint) -> Rejected {
        let fails = |v: &str| -> bool {
            let len = v.chars().count() as u64;
            let num = v.trim().parse::<f64>().ok();
            match c {
                Constraint::MaxLength(n) => len > *n,
                Constraint::MinLength(n) => len < *n,
                Constraint::Maximum(m) => num.is_some_and(|x| x > *m),
                Constraint::Minimum(m) => num.is_some_and(|x| x < *m),
                Constraint::Enum(allowed) => !allowed.iter().any(|a| a == v),
                Constraint::Pattern(re) => !re.is_match(v),
            }
        };
        // The bounds prove "none" even for values that were not kept.
        let bounds_clear = match c {
            Constraint::MaxLength(n) => self.max_length.is_some_and(|m| m <= *n),
            Constraint::MinLength(n) => self.min_length.is_some_and(|m| m >= *n),
            Constraint::Maximum(x) => self.max_number.is_some_and(|m| m <= *x) && self.numbers_only(),
            Constraint::Minimum(x) => self.min_number.is_some_and(|m| m >= *x) && self.numbers_only(),
            Constraint::Enum(_) | Constraint::Pattern(_) => false,
        };
        if bounds_clear {
            return Rejected { rejected: 0, exact: true, of: self.requests };
        }
        let kept: u64 = self.distinct.iter().filter(|(v, _)| fails(v)).map(|(_, n)| n).sum();
        // A bound past the new limit proves at least one rejected request among the others.
        let bound_breaks = match c {
            Constraint::MaxLength(n) => self.max_length.is_some_and(|m| m > *n),
            Constraint::MinLength(n) => self.min_length.is_some_and(|m| m < *n),
            Constraint::Maximum(x) => self.max_number.is_some_and(|m| m > *x),
            Constraint::Minimum(x) => self.min_number.is_some_and(|m| m < *x),
            Constraint::Enum(_) | Constraint::Pattern(_) => false,
        };
        let rejected = if kept == 0 && bound_breaks && self.other > 0 { 1 } else { kept };
        Rejected { rejected, exact: self.other == 0, of: self.requests }
    }

    fn numbers_only(&self) -> bool {
        self.other == 0 && self.distinct.keys().all(|v| v.trim().parse::<f64>().is_ok())
    }
}

/// A count as people read it: `312`, `45.2 k`, `1.2 M`.
pub fn human(n: u64) -> String {
    match n {
        0..10_000 => n.to_string(),
        10_000..1_000_000 => format!("{:.1} k", n as f64 / 1e3),
        _ => format!("{:.1} M", n as f64 / 1e6),
    }
}

/// One element's statistics per day.
#[derive(Debug, Clone, Default)]
pub(crate) struct Daily(BTreeMap<String, ValueStats>);

impl Daily {
    pub(crate) fn insert_day(&mut self, day: &str, v: &ValueStats) {
        self.0.entry(day.to_string()).or_default().merge(v);
    }

    pub(crate) fn since(&self, since: &str) -> Option<ValueStats> {
        let mut out: Option<ValueStats> = None;
        for (_, v) in self.0.range(since.to_string()..) {
            out.get_or_insert_with(ValueStats::default).merge(v);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(values: &[(&str, u64)]) -> ValueStats {
        let mut s = ValueStats::default();
        for (v, n) in values {
            for _ in 0..*n {
                s.record(v, true);
            }
        }
        s
    }

    #[test]
    fn a_lower_max_length_counts_the_longer_values() {
        let s = stats(&[("ab", 10), ("abcdef", 3)]);
        assert_eq!(s.rejected(&Constraint::MaxLength(6)), Rejected { rejected: 0, exact: true, of: 13 });
        assert_eq!(s.rejected(&Constraint::MaxLength(5)), Rejected { rejected: 3, exact: true, of: 13 });
        assert_eq!(s.rejected(&Constraint::MaxLength(5)).sentence(), "3 of 13 observed requests would be rejected");
    }

    #[test]
    fn a_removed_enum_value_and_a_new_pattern_count_what_was_sent() {
        let s = stats(&[("red", 5), ("blue", 2)]);
        assert_eq!(s.rejected(&Constraint::Enum(vec!["red".into()])).rejected, 2);
        assert_eq!(s.rejected(&Constraint::Pattern(regex::Regex::new("^r").unwrap())).rejected, 2);
        let n = stats(&[("5", 4), ("120", 1)]);
        assert_eq!(n.rejected(&Constraint::Maximum(100.0)).rejected, 1);
        assert_eq!(n.rejected(&Constraint::Maximum(200.0)), Rejected { rejected: 0, exact: true, of: 5 });
    }

    #[test]
    fn values_not_kept_make_the_count_a_lower_bound() {
        let mut s = stats(&[("ok", 2)]);
        s.record("secret-token-that-is-long", false);
        let r = s.rejected(&Constraint::MaxLength(10));
        assert_eq!(r, Rejected { rejected: 1, exact: false, of: 3 });
        assert!(r.sentence().starts_with("at least 1 of 3"));
        assert!(!s.distinct.contains_key("secret-token-that-is-long"));
    }
}
