//! Time, in one place: the process clock ([`now_ms`], [`today`], read only by the edges and
//! handed to the library), and the timestamps the store writes (UTC, RFC 3339 with
//! milliseconds, so that text order is time order). Calendar arithmetic is `jiff`'s.

use jiff::civil::Date;
use jiff::{Span, Timestamp};

const EPOCH: Date = Date::constant(1970, 1, 1);

/// Formats milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ` (clamped to the
/// years 0001–9999, which every stored timestamp lies within).
pub fn format_millis(ms: i64) -> String {
    let ts = Timestamp::from_millisecond(ms).unwrap_or(if ms < 0 { Timestamp::MIN } else { Timestamp::MAX });
    ts.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Now, in milliseconds since the epoch (0 if the system clock is before 1970): the one clock
/// the CLI, the server and the watch loop read.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_millis() as i64)
}

/// Today's date in UTC, `YYYY-MM-DD`.
pub fn today() -> String {
    format_millis(now_ms())[..10].to_string()
}

/// Days since 1970-01-01 of a timestamp's date (`YYYY-MM-DD…`); `None` when it does not start
/// with a valid date.
pub fn days_of(ts: &str) -> Option<i64> {
    let date: Date = ts.get(..10)?.parse().ok()?;
    EPOCH.until(date).ok().map(|s| i64::from(s.get_days()))
}

/// The date `days` after 1970-01-01, `YYYY-MM-DD` (`None` outside the years jiff represents).
pub fn date_of_days(days: i64) -> Option<String> {
    let span = Span::new().try_days(days).ok()?;
    EPOCH.checked_add(span).ok().map(|d| d.to_string())
}

/// Whether `s` is a valid `YYYY-MM-DD` date.
pub fn is_date(s: &str) -> bool {
    s.len() == 10 && s.parse::<Date>().is_ok()
}

/// Turns a `--since` value into the earliest timestamp it admits, comparable as text with the
/// stored timestamps: `YYYY-MM-DD`, a full timestamp, or a span back from `now_ms` (`30m`,
/// `12h`, `7d`, `2w`).
pub fn since(value: &str, now_ms: i64) -> Option<String> {
    let v = value.trim();
    if v.get(..10).is_some_and(is_date) {
        return Some(v.to_string());
    }
    let (num, unit) = v.split_at(v.find(|c: char| !c.is_ascii_digit())?);
    let n: i64 = num.parse().ok()?;
    let ms = match unit {
        "m" | "min" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        "w" => 7 * 86_400_000,
        _ => return None,
    };
    Some(format_millis(now_ms.saturating_sub(n.saturating_mul(ms))))
}

/// A timestamp with any offset (`2026-12-06T10:00:00+01:00`, `…Z`) as UTC seconds,
/// `YYYY-MM-DDTHH:MM:SSZ`; `None` when it is not RFC 3339.
pub fn utc_of(ts: &str) -> Option<String> {
    let t: Timestamp = ts.trim().parse().ok()?;
    Some(t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

/// Nanoseconds since the epoch (OTLP's `startTimeUnixNano`) as UTC seconds, like [`utc_of`].
pub fn utc_of_nanos(nanos: i128) -> Option<String> {
    let t = Timestamp::from_nanosecond(nanos).ok()?;
    Some(t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for d in [-1, 0, 59, 60, 365, 11_016, 19_000, 20_789, 2_000_000] {
            let date = date_of_days(d).unwrap();
            assert_eq!(days_of(&format!("{date}T00:00:00.000Z")), Some(d), "{d}");
        }
        assert_eq!(days_of("2026-12-02"), Some(20_789));
        assert_eq!(date_of_days(20_789).as_deref(), Some("2026-12-02"));
        assert_eq!(days_of("nope"), None);
        assert_eq!(days_of("2026-02-30"), None);
    }

    #[test]
    fn formats_and_parses() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(1_764_072_000_123), "2025-11-25T12:00:00.123Z");
        assert_eq!(format_millis(-1), "1969-12-31T23:59:59.999Z");
        assert_eq!(since("2025-01-02", 0).as_deref(), Some("2025-01-02"));
        assert_eq!(since("1d", 86_400_000).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(since("yesterday", 0), None);
        assert_eq!(since("5y", 0), None);
        assert_eq!(utc_of("2000-10-10T13:55:36-07:00").as_deref(), Some("2000-10-10T20:55:36Z"));
        assert_eq!(utc_of_nanos(1_000_000_000).as_deref(), Some("1970-01-01T00:00:01Z"));
        assert_eq!(utc_of("10/Oct/2000"), None);
        assert!(is_date("2024-02-29") && !is_date("2023-02-29") && !is_date("2024-1-01"));
    }
}
