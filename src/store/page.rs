//! The vocabulary of history pages and store notifications ([`PageQuery`], [`Verdict`],
//! [`Listener`]), apart from the store so the `Store` trait can name it; what uses it is
//! in `store::fleet`.

/// Records read back: each key with its bytes.
pub type Rows = Vec<(String, Vec<u8>)>;

/// The worst verdict of an entry, as the history filters by it: `breaking` (a breaking change,
/// or the spec was removed), `warning`, `info` or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Verdict {
    /// A breaking change, or the spec was removed.
    Breaking,
    /// Warnings, no breaking change.
    Warning,
    /// Only informational changes.
    Info,
    /// No change.
    None,
}

impl Verdict {
    /// Every verdict, worst first.
    pub const ALL: [Verdict; 4] = [Verdict::Breaking, Verdict::Warning, Verdict::Info, Verdict::None];

    /// The verdict of an entry: whether its spec was removed, and its counts of breaking
    /// changes, warnings and informational changes.
    pub fn of(removed: bool, breaking: usize, warning: usize, info: usize) -> Verdict {
        if removed || breaking > 0 {
            Verdict::Breaking
        } else if warning > 0 {
            Verdict::Warning
        } else if info > 0 {
            Verdict::Info
        } else {
            Verdict::None
        }
    }

    /// Its name in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Breaking => "breaking",
            Verdict::Warning => "warning",
            Verdict::Info => "info",
            Verdict::None => "none",
        }
    }

    /// The verdict a name gives, if any.
    pub fn parse(s: &str) -> Option<Verdict> {
        Verdict::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// One page of the history, newest first: entries matching every filter given, strictly before
/// the cursor `(time, id)` when there is one, at most `limit`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PageQuery {
    /// Only this module.
    pub module: Option<String>,
    /// Only entries with this verdict.
    pub verdict: Option<Verdict>,
    /// Recorded at or after this time (RFC 3339, compared as text like every store does).
    pub since: Option<String>,
    /// Recorded at or before this time.
    pub until: Option<String>,
    /// Strictly older than this `(time, id)`: the last entry of the previous page.
    pub before: Option<(String, String)>,
    /// At most this many.
    pub limit: usize,
}

/// Told about writes to the store by any process (see [`Store::subscribe`]).
pub trait Listener: Send + Sync {
    /// A record was written under `key`; `None` when writes may have been missed (the
    /// notification channel was lost and re-established), so everything may have changed.
    fn changed(&self, key: Option<&str>);
    /// Whether it still wants to hear (the backend stops listening once it does not).
    fn open(&self) -> bool;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdicts_round_trip_by_name() {
        for v in Verdict::ALL {
            assert_eq!(Verdict::parse(v.as_str()), Some(v));
        }
        assert_eq!(Verdict::parse("fatal"), None);
    }
}
