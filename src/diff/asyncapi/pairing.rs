//! How two AsyncAPI descriptions pair up: channels by address then id, items by successive
//! keys, and which side of the wire an action is on. Every rule family reads it.

use crate::diff::openapi::Dir;
use crate::spec::asyncapi::{Action, Api, Channel};
use std::collections::HashMap;

pub(super) fn dir_of(a: Action) -> Dir {
    match a {
        Action::Send => Dir::Response,
        Action::Receive => Dir::Request,
    }
}

/// Pairs items of two lists by successive keys; each key function may decline (`None`), and a
/// key shared by several items on one side pairs nothing.
pub(super) fn pair_by<B, R, K: Eq + std::hash::Hash>(
    bfree: &mut Vec<usize>,
    rfree: &mut Vec<usize>,
    out: &mut Vec<(usize, usize)>,
    bkey: impl Fn(&B) -> Option<K>,
    rkey: impl Fn(&R) -> Option<K>,
    bs: &[B],
    rs: &[R],
) {
    let count = |keys: Vec<Option<K>>| {
        let mut m: HashMap<K, usize> = HashMap::new();
        for k in keys.into_iter().flatten() {
            *m.entry(k).or_default() += 1;
        }
        m
    };
    let bcount = count(bfree.iter().filter_map(|&i| bs.get(i)).map(&bkey).collect());
    let rcount = count(rfree.iter().filter_map(|&i| rs.get(i)).map(&rkey).collect());
    let mut matched_b = Vec::new();
    for &bi in bfree.iter() {
        let Some(k) = bs.get(bi).and_then(&bkey) else { continue };
        if bcount.get(&k) != Some(&1) || rcount.get(&k) != Some(&1) {
            continue;
        }
        if let Some(pos) = rfree.iter().position(|&ri| rs.get(ri).and_then(&rkey).as_ref() == Some(&k)) {
            out.push((bi, rfree.remove(pos)));
            matched_b.push(bi);
        }
    }
    bfree.retain(|i| !matched_b.contains(i));
}

pub(super) struct Pairing {
    pub(super) pairs: Vec<(usize, usize)>,
    pub(super) removed: Vec<usize>,
    pub(super) added: Vec<usize>,
}

impl Pairing {
    pub(super) fn rev_of(&self, b: usize) -> Option<usize> {
        self.pairs.iter().find(|(x, _)| *x == b).map(|(_, r)| *r)
    }
}

/// Channels pair by id within one generation first (a 3.x address change keeps the id), and
/// by address first across generations (2.x has no ids besides the address).
pub(super) fn pair_channels(base: &Api, rev: &Api) -> Pairing {
    let mut bfree: Vec<usize> = (0..base.channels.len()).collect();
    let mut rfree: Vec<usize> = (0..rev.channels.len()).collect();
    let mut pairs = Vec::new();
    let by_id = |ch: &Channel| Some(ch.id.clone());
    let by_addr = |ch: &Channel| ch.address.clone();
    let (bc, rc) = (&base.channels, &rev.channels);
    if base.version == rev.version {
        pair_by(&mut bfree, &mut rfree, &mut pairs, by_id, by_id, bc, rc);
        pair_by(&mut bfree, &mut rfree, &mut pairs, by_addr, by_addr, bc, rc);
    } else {
        pair_by(&mut bfree, &mut rfree, &mut pairs, by_addr, by_addr, bc, rc);
        pair_by(&mut bfree, &mut rfree, &mut pairs, by_id, by_id, bc, rc);
    }
    Pairing { pairs, removed: bfree, added: rfree }
}

pub(super) fn channel_label(ch: &Channel) -> String {
    format!("channel `{}`", ch.display())
}
