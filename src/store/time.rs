//! Timestamps as the store writes them: UTC, RFC 3339 with milliseconds, so that text order is
//! time order. The caller supplies the clock (the library never reads it).

/// Formats milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SS.mmmZ`.
pub fn format_millis(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let milli = ms.rem_euclid(1000);
    let (y, m, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{milli:03}Z", sod / 3600, (sod % 3600) / 60, sod % 60)
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
pub fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(m <= 2), m, d)
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

/// Days since 1970-01-01 of a timestamp's date (`YYYY-MM-DD…`): the inverse of
/// [`civil_from_days`]. `None` when it does not start with a date.
pub fn days_of(ts: &str) -> Option<i64> {
    let num = |r: std::ops::Range<usize>| ts.get(r).filter(|s| s.bytes().all(|b| b.is_ascii_digit())).and_then(|s| s.parse::<i64>().ok());
    let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
    if !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    Some(era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468)
}

/// Turns a `--since` value into the earliest timestamp it admits, comparable as text with the
/// stored timestamps: `YYYY-MM-DD`, a full timestamp, or a span back from `now_ms` (`30m`,
/// `12h`, `7d`, `2w`).
pub fn since(value: &str, now_ms: i64) -> Option<String> {
    let v = value.trim();
    let b = v.as_bytes();
    if b.len() >= 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && b[..10].iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip() {
        for d in [-1, 0, 59, 60, 365, 11_016, 19_000, 20_789, 2_000_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_of(&format!("{y:04}-{m:02}-{dd:02}T00:00:00.000Z")), Some(d), "{d}");
        }
        assert_eq!(days_of("2026-12-02"), Some(20_789));
        assert_eq!(days_of("nope"), None);
    }

    #[test]
    fn formats_and_parses() {
        assert_eq!(format_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(format_millis(1_764_072_000_123), "2025-11-25T12:00:00.123Z");
        assert_eq!(since("2025-01-02", 0).as_deref(), Some("2025-01-02"));
        assert_eq!(since("1d", 86_400_000).as_deref(), Some("1970-01-01T00:00:00.000Z"));
        assert_eq!(since("yesterday", 0), None);
        assert_eq!(since("5y", 0), None);
    }
}
