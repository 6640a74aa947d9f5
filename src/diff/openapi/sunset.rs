//! Sunset dates (oasdiff's `x-sunset`, the HTTP date of a `Sunset` header) read as
//! `YYYY-MM-DD`, whether a removal today comes before one, and the findings on a sunset itself.
//! Operations and parameters share it.

use super::cx::Cx;
use crate::diff::{Change, Location, Rule};
use crate::spec::refs::NodeId;

/// A sunset date as `YYYY-MM-DD`: written so, as an RFC 3339 time, or as an HTTP date
/// (`Sat, 01 Jan 2028 00:00:00 GMT`, the `Sunset` header's form).
pub(super) fn sunset_date(s: &str) -> Option<String> {
    let s = s.trim();
    let iso = |d: &str| -> Option<String> {
        let b = d.as_bytes();
        let ok =
            b.len() == 10 && b[4] == b'-' && b[7] == b'-' && d.chars().enumerate().all(|(i, ch)| i == 4 || i == 7 || ch.is_ascii_digit());
        let (m, day) = (d.get(5..7)?.parse::<u8>().ok()?, d.get(8..10)?.parse::<u8>().ok()?);
        (ok && (1..=12).contains(&m) && (1..=31).contains(&day)).then(|| d.to_string())
    };
    if let Some(d) = s.get(..10).and_then(iso)
        && (s.len() == 10 || s.as_bytes()[10] == b'T' || s.as_bytes()[10] == b't')
    {
        return Some(d);
    }
    // HTTP date: `Sat, 01 Jan 2028 00:00:00 GMT`.
    let parts: Vec<&str> = s.split_whitespace().collect();
    let [_, day, mon, year, ..] = parts[..] else { return None };
    const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let m = MONTHS.iter().position(|x| x.eq_ignore_ascii_case(mon))? + 1;
    iso(&format!("{:04}-{m:02}-{:02}", year.parse::<u16>().ok()?, day.parse::<u8>().ok()?))
}

/// Whether removing something deprecated with this sunset today comes before the sunset: a date
/// still ahead, or one nobody can read (the promise cannot be shown to have ended).
pub(super) fn before_sunset(sunset: Option<&str>, today: &str) -> bool {
    sunset.is_some_and(|s| sunset_date(s).is_none_or(|d| d.as_str() > today))
}

/// One side of an element (an operation or a parameter) that may carry a sunset.
pub(super) struct Sunset<'a> {
    pub deprecated: bool,
    pub date: Option<&'a String>,
    /// Where the date is written.
    pub at: Option<&'a NodeId>,
}

impl<'a> Sunset<'a> {
    /// The side of an element that is `deprecated`, with its sunset `date` written at `at`.
    pub(super) fn of(deprecated: bool, date: &'a Option<String>, at: &'a Option<NodeId>) -> Self {
        Sunset { deprecated, date: date.as_ref(), at: at.as_ref() }
    }
}

/// The findings on a sunset itself, for `label` (the element as messages name it): a deprecated
/// element's sunset deleted (`removed`, located by `removed_at`, asked only then), and a new or
/// changed sunset that is not a date (`invalid`, located where the date is written).
pub(super) fn sunset_findings(
    c: &mut Cx<'_>,
    label: &str,
    (b, r): (Sunset<'_>, Sunset<'_>),
    removed: (&'static Rule, impl FnOnce(&Cx<'_>) -> (Option<Location>, Option<Location>)),
    invalid: &'static Rule,
) {
    if let (Some(bs), None, true, true) = (b.date, r.date, b.deprecated, r.deprecated) {
        let (rule, at) = removed;
        let (bl, rl) = at(c);
        c.emit(Change::new(rule, format!("{label} lost its sunset date {bs}")).locs(bl, rl).values(Some(bs.clone()), None));
    }
    if let Some(rs) = r.date
        && b.date != Some(rs)
        && sunset_date(rs).is_none()
    {
        let at = r.at.map(|id| c.rloc(id));
        let msg = format!("{label} sunset `{rs}` is not a date (YYYY-MM-DD)");
        c.emit(Change::new(invalid, msg).locs(None, at).values(None, Some(rs.clone())));
    }
}
