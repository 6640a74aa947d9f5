//! Sunset dates (oasdiff's `x-sunset`, the HTTP date of a `Sunset` header) read as
//! `YYYY-MM-DD`, and whether a removal today comes before one. Operations and parameters share it.

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
