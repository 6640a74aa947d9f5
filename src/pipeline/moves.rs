//! Pull-request mode's view of the whole set of specs: which specs the base revision had
//! (discovered there, in a scratch copy of its tree), which of them are gone now, and which of
//! those moved (to a new spec of the same format with mostly the same lines). Everything else
//! in a pull-request check compares spec by spec; this file owns only the set.

use crate::config::Config;
use crate::diff::Format;
use crate::discover::{self, Found};
use crate::error::{Error, Result};
use crate::source::git;
use crate::spec::bundle::Tree;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// Below this share of common lines a new spec is not taken for a moved one (git's own rename
/// threshold is 50% too).
const SIMILAR: f64 = 0.5;
/// Gone × new pairs scored by content in one run at most; beyond it, only a move that keeps the
/// file name is scored (the matching is never quadratic in a big tree).
const MAX_SCORED: usize = 4_096;

/// A spec of the base revision that is gone from the repository.
#[derive(Debug, Clone)]
pub(super) struct Gone {
    pub module: String,
    pub path: String,
    pub format: Format,
}

/// What the base revision's set says about the head's.
#[derive(Debug, Default)]
pub(super) struct Plan {
    /// New path → the spec at the base it moved from.
    pub moved: HashMap<String, Gone>,
    /// Specs gone without a successor.
    pub gone: Vec<Gone>,
}

/// A spec of the head, as the plan sees it.
pub(super) struct Head<'a> {
    pub module: &'a str,
    pub path: &'a str,
    pub format: Option<Format>,
}

/// Discovers the specs of `rev` (with today's configuration), and matches those gone from the
/// head to the head's specs that are new since `rev`. `only` limits the gone ones to modules.
pub(super) fn plan(root: &Path, config: &Config, rev: &str, head: &[Head<'_>], only: &[String]) -> Result<Plan> {
    let base = discover_at(root, config, rev)?;
    let tree = Tree::Git(crate::source::GitFetch::snapshot(rev, root));
    let at_base: BTreeSet<&str> = base.iter().map(|f| f.path.as_str()).collect();
    let now: BTreeSet<&str> = head.iter().map(|h| h.path).collect();
    // A spec file that still exists (now referenced by another spec, or excluded) was not removed.
    let gone: Vec<Gone> = base
        .iter()
        .filter(|f| !now.contains(f.path.as_str()) && !root.join(&f.path).is_file())
        .filter(|f| only.is_empty() || only.contains(&f.module))
        .map(|f| Gone { module: f.module.clone(), path: f.path.clone(), format: f.format })
        .collect();
    let fresh: Vec<&Head<'_>> = head.iter().filter(|h| !at_base.contains(h.path) && !tree.has(h.path)).collect();
    let mut plan = Plan::default();
    let mut taken: BTreeSet<usize> = BTreeSet::new();
    let mut budget = MAX_SCORED;
    for g in gone {
        let candidates: Vec<(usize, &Head<'_>)> =
            fresh.iter().copied().enumerate().filter(|(i, h)| h.format == Some(g.format) && !taken.contains(i)).collect();
        match best_successor(root, &tree, &g, &candidates, &mut budget)? {
            Some(i) => {
                taken.insert(i);
                plan.moved.insert(fresh[i].path.to_string(), g);
            }
            None => plan.gone.push(g),
        }
    }
    Ok(plan)
}

/// The specs discovered in `rev`'s tree, written to a scratch folder that is removed after.
fn discover_at(root: &Path, config: &Config, rev: &str) -> Result<Vec<Found>> {
    let scratch = tempfile::tempdir().map_err(|e| Error::Usage(format!("cannot make a scratch folder for {rev}: {e}")))?;
    if !git::export_tree(root, rev, scratch.path()) {
        return Err(Error::Usage(format!("--base {rev}: cannot read the tree of {rev} with git")));
    }
    // The repository root may be a folder of the git work tree: discover from the same folder.
    let prefix = git::prefix(root).unwrap_or_default();
    let base_root = scratch.path().join("tree").join(prefix.trim_end_matches('/'));
    if !base_root.is_dir() {
        return Ok(Vec::new());
    }
    Ok(discover::discover(&base_root, config)?.specs)
}

/// The candidate `g` most probably moved to, among those whose content shares at least
/// [`SIMILAR`] of its lines: the same module first, then the same file name, then the most similar.
fn best_successor(root: &Path, tree: &Tree, g: &Gone, candidates: &[(usize, &Head<'_>)], budget: &mut usize) -> Result<Option<usize>> {
    let name = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
    if candidates.is_empty() {
        return Ok(None);
    }
    let old = tree.open(&g.path)?.text;
    let old_lines = lines(&old);
    let mut best: Option<((bool, bool, f64), usize)> = None;
    for (i, h) in candidates {
        let same_name = name(h.path) == name(&g.path);
        if *budget == 0 && !same_name {
            continue;
        }
        *budget = budget.saturating_sub(1);
        let Ok(text) = std::fs::read_to_string(root.join(h.path)) else { continue };
        let score = similarity(&old_lines, &lines(&text));
        let key = (h.module == g.module, same_name, score);
        if score >= SIMILAR && best.as_ref().is_none_or(|(k, _)| key > *k) {
            best = Some((key, *i));
        }
    }
    Ok(best.map(|(_, i)| i))
}

/// The non-blank lines of a text, trimmed, counted.
fn lines(text: &str) -> HashMap<&str, usize> {
    let mut m = HashMap::new();
    for l in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        *m.entry(l).or_insert(0) += 1;
    }
    m
}

/// The share of lines two texts have in common (Sørensen–Dice over line multisets): 1 for the
/// same lines in any order, 0 for none in common. Linear in the texts' sizes.
fn similarity(a: &HashMap<&str, usize>, b: &HashMap<&str, usize>) -> f64 {
    let (na, nb): (usize, usize) = (a.values().sum(), b.values().sum());
    if na + nb == 0 {
        return 1.0;
    }
    let common: usize = a.iter().map(|(l, n)| (*n).min(b.get(l).copied().unwrap_or(0))).sum();
    2.0 * common as f64 / (na + nb) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similarity_counts_common_lines_in_any_order() {
        let a = lines("a\nb\nc\nd\n");
        assert_eq!(similarity(&a, &lines("d\nc\nb\na\n")), 1.0);
        assert_eq!(similarity(&a, &lines("a\nb\nx\ny\n")), 0.5);
        assert_eq!(similarity(&a, &lines("x\n")), 0.0);
        // Repeated lines count as often as they occur on both sides.
        assert_eq!(similarity(&lines("a\na\n"), &lines("a\n")), 2.0 / 3.0);
    }
}
