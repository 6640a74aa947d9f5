//! Progress of long library work, reported through a trait: the library counts steps, the CLI
//! decides whether and how to draw them (the library never prints).

/// Receives the progress of one piece of work.
pub trait Progress: Sync {
    /// Work of `total` steps starts (0: unknown); `what` names it ("checking specs").
    fn start(&self, what: &str, total: u64);
    /// One step is done; `item` names it (a spec path, a store key).
    fn step(&self, item: &str);
    /// The work is over.
    fn finish(&self);
}

/// Reports nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Progress for Silent {
    fn start(&self, _what: &str, _total: u64) {}
    fn step(&self, _item: &str) {}
    fn finish(&self) {}
}
