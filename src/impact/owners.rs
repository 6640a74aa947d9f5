//! CODEOWNERS (GitHub and GitLab syntax): who owns a path. The last matching pattern wins;
//! GitLab `[Section]` headers are tolerated, and their default owners apply to entries of the
//! section that name none.

use std::path::Path;

/// Where CODEOWNERS may live, in the order GitHub looks.
pub const LOCATIONS: &[&str] = &[".github/CODEOWNERS", "CODEOWNERS", "docs/CODEOWNERS", ".gitlab/CODEOWNERS"];

/// A parsed CODEOWNERS file.
#[derive(Debug, Clone, Default)]
pub struct CodeOwners {
    rules: Vec<(globset::GlobMatcher, Vec<String>)>,
}

impl CodeOwners {
    /// Reads the first CODEOWNERS file found under `root`; empty when there is none.
    pub fn load(root: &Path) -> CodeOwners {
        let read = |l: &&str| crate::source::read_text_if_exists(&root.join(l), l, crate::source::MAX_SIDE_FILE_BYTES).ok().flatten();
        LOCATIONS.iter().find_map(read).map(|t| CodeOwners::parse(&t)).unwrap_or_default()
    }

    /// Parses CODEOWNERS text; lines it cannot understand are skipped (as GitHub does).
    pub fn parse(text: &str) -> CodeOwners {
        let mut rules = Vec::new();
        let mut section_owners: Vec<String> = Vec::new();
        for raw in text.lines() {
            let line = strip_comment(raw).trim().to_string();
            if line.is_empty() {
                continue;
            }
            // GitLab: `[Section]`, `^[Optional]`, `[Section][2] @default-owner`.
            let sec = line.strip_prefix('^').unwrap_or(&line);
            if sec.starts_with('[') {
                let rest = sec.rsplit_once(']').map_or("", |x| x.1);
                section_owners = rest.split_whitespace().map(str::to_string).collect();
                continue;
            }
            let mut parts = split_unescaped(&line);
            if parts.is_empty() {
                continue;
            }
            let pattern = parts.remove(0);
            let owners = if parts.is_empty() { section_owners.clone() } else { parts };
            if let Some(m) = matcher(&pattern) {
                rules.push((m, owners));
            }
        }
        CodeOwners { rules }
    }

    /// The owners of a path relative to the repository root (empty: nobody, or an entry that
    /// un-assigns it).
    pub fn owners(&self, path: &str) -> Vec<String> {
        let path = path.trim_start_matches("./");
        self.rules.iter().rev().find(|(m, _)| m.is_match(path)).map(|(_, o)| o.clone()).unwrap_or_default()
    }

    /// Whether any rule was read.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

fn strip_comment(line: &str) -> &str {
    let mut prev = '\0';
    for (i, c) in line.char_indices() {
        if c == '#' && prev != '\\' {
            return &line[..i];
        }
        prev = c;
    }
    line
}

/// Splits on whitespace that is not escaped with a backslash (`my\ file`).
fn split_unescaped(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut esc = false;
    for c in line.chars() {
        if esc {
            cur.push(c);
            esc = false;
        } else if c == '\\' {
            esc = true;
        } else if c.is_whitespace() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A gitignore-style pattern as a glob: `/x` anchored at the root, `x` (no inner slash) at any
/// depth, `dir/` everything under it, and a name that is a folder covers its contents.
fn matcher(pattern: &str) -> Option<globset::GlobMatcher> {
    let anchored = pattern.starts_with('/') || pattern.trim_end_matches('/').contains('/');
    let dir_only = pattern.ends_with('/');
    let p = pattern.trim_start_matches('/').trim_end_matches('/');
    if p.is_empty() {
        return None;
    }
    let base = if anchored || p.starts_with("**") { p.to_string() } else { format!("**/{p}") };
    let glob = if dir_only { format!("{base}/**") } else { format!("{{{base},{base}/**}}") };
    globset::GlobBuilder::new(&glob).literal_separator(true).build().ok().map(|g| g.compile_matcher())
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# comment\n* @everyone\n*.yaml @yaml-team\n/services/users/ @team-users alice@example.com\ndocs/ @docs\nopenapi.json @root-only\n\n[Billing][2] @billing-default\nservices/billing/\nservices/billing/legacy.yaml @legacy # trailing\n/services/users/internal.yaml\n";

    #[test]
    fn last_match_wins() {
        let c = CodeOwners::parse(TEXT);
        assert_eq!(c.owners("services/users/openapi.yaml"), ["@team-users", "alice@example.com"]);
        assert_eq!(c.owners("other/thing.yaml"), ["@yaml-team"]);
        assert_eq!(c.owners("README.md"), ["@everyone"]);
        assert_eq!(c.owners("x/docs/a.md"), ["@docs"], "a trailing slash alone does not anchor");
        assert_eq!(c.owners("docs/a/b.md"), ["@docs"]);
        assert_eq!(c.owners("deep/openapi.json"), ["@root-only"], "no slash: any depth");
    }

    #[test]
    fn gitlab_sections_and_empty_owners() {
        let c = CodeOwners::parse(TEXT);
        assert_eq!(c.owners("services/billing/api.yaml"), ["@billing-default"]);
        assert_eq!(c.owners("services/billing/legacy.yaml"), ["@legacy"]);
        // Inside the section, an entry without owners takes the section's default.
        assert_eq!(c.owners("services/users/internal.yaml"), ["@billing-default"]);
    }

    #[test]
    fn garbage_is_skipped_not_fatal() {
        let c = CodeOwners::parse("[unclosed\n{{{ @x\n\\#not-a-comment @y\n");
        assert_eq!(c.owners("#not-a-comment"), ["@y"]);
    }
}
