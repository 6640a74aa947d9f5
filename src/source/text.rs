//! JSON or YAML text to a `serde_json::Value`, with located errors, and positions of pointers.

use super::{json_pos, json_strict, yaml};
use crate::error::Located;
use serde_json::Value;
use std::collections::{HashMap, HashSet};

pub use super::pointer::{MAX_DEPTH, escape_segment, unescape_segment};

/// Which syntax a text was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// JSON.
    Json,
    /// YAML (1.2, with 1.1 merge keys).
    Yaml,
}

/// Parses JSON (when the text starts with `{` or `[`) or YAML.
pub fn parse(name: &str, text: &str) -> Result<(Value, Syntax), Located> {
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') || trimmed.starts_with('[') {
        match json_strict::from_str(text) {
            Ok(v) => return Ok((v, Syntax::Json)),
            Err(e) => {
                // Flow-style YAML also starts with `{`; only report the JSON error if YAML fails too.
                if let Ok(v) = yaml::parse(name, text) {
                    return Ok((v, Syntax::Yaml));
                }
                let msg = e.to_string();
                let msg = msg.split(" at line ").next().unwrap_or(&msg).to_string();
                let msg = if msg.contains("recursion limit") {
                    format!("nesting deeper than {MAX_DEPTH} levels")
                } else if msg.starts_with(json_strict::DUPLICATE) {
                    msg
                } else {
                    format!("invalid JSON: {msg}")
                };
                return Err(Located::new(name, Some(e.line() as u32), Some(e.column() as u32), msg));
            }
        }
    }
    yaml::parse(name, text).map(|v| (v, Syntax::Yaml))
}

/// Positions of pointers in one text, each resolved to itself or its deepest located ancestor.
#[derive(Debug, Default)]
pub struct Positions(HashMap<String, (u32, u32)>);

impl Positions {
    /// Finds every pointer of `pointers` (and their ancestors, for fallback) in one pass.
    pub fn find<'a>(text: &str, syntax: Syntax, pointers: impl IntoIterator<Item = &'a str>) -> Positions {
        let mut wanted = HashSet::new();
        for p in pointers {
            let mut p = p;
            loop {
                if !wanted.insert(p.to_string()) {
                    break;
                }
                match p.rfind('/') {
                    Some(i) => p = &p[..i],
                    None => break,
                }
            }
        }
        let map = match syntax {
            Syntax::Json => json_pos::locate(text, &wanted),
            Syntax::Yaml => yaml::locate(text, &wanted),
        };
        Positions(map)
    }

    /// The position of `pointer`, or of its deepest located ancestor.
    pub fn get(&self, pointer: &str) -> Option<(u32, u32)> {
        let mut p = pointer;
        loop {
            if let Some(&pos) = self.0.get(p) {
                return Some(pos);
            }
            p = &p[..p.rfind('/')?];
        }
    }
}
