//! `apidiff rules` and `apidiff explain`.

use super::context::{Exit, out};
use crate::diff::{Category, Rule, registry};
use crate::error::Error;
use clap::{Args, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// Output formats of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    /// A table.
    Table,
    /// JSON array.
    Json,
    /// A Markdown table.
    Markdown,
}

/// Arguments of `apidiff rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Table)]
    pub format: RulesFormat,
    /// Only rules of this format (openapi, graphql, asyncapi, typescript, protobuf).
    #[arg(long)]
    pub only: Option<String>,
    /// Only protobuf rules of this category: buf's FILE, PACKAGE, WIRE_JSON or WIRE, or HTTP
    /// (apidiff's `google.api.http` rules, applied whatever buf category is chosen).
    #[arg(long)]
    pub category: Option<String>,
}

/// Arguments of `apidiff explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule id.
    pub id: String,
}

pub(super) fn run_rules(args: RulesArgs) -> Result<Exit, Error> {
    let category = match args.category.as_deref() {
        Some(c) => Some(
            Category::parse(c).ok_or_else(|| Error::Usage(format!("--category `{c}`: expected FILE, PACKAGE, WIRE_JSON, WIRE or HTTP")))?,
        ),
        None => None,
    };
    let rules: Vec<&Rule> = registry::all()
        .filter(|r| args.only.as_deref().is_none_or(|f| r.format.as_str() == f))
        .filter(|r| category.is_none_or(|c| r.categories.contains(&c)))
        .collect();
    match args.format {
        RulesFormat::Json => out(&format!("{}\n", serde_json::to_string_pretty(&rules).unwrap_or_default())),
        RulesFormat::Markdown => out(&rules_markdown(&rules)),
        RulesFormat::Table => {
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).force_no_tty();
            // Protobuf listings also show each rule's categories (buf's, or HTTP).
            let cats = !rules.is_empty() && rules.iter().all(|r| !r.categories.is_empty());
            let mut header = vec!["id", "format", "severity", "summary"];
            if cats {
                header.insert(3, "categories");
            }
            t.set_header(header);
            for r in &rules {
                let mut row = vec![r.id.to_string(), r.format.as_str().to_string(), r.severity.as_str().to_string(), r.summary.to_string()];
                if cats {
                    row.insert(3, r.categories.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(" "));
                }
                t.add_row(row);
            }
            out(&format!("{t}\n{} rules\n", rules.len()));
        }
    }
    Ok(Exit::Clean)
}

/// The rules as a Markdown table.
pub fn rules_markdown(rules: &[&Rule]) -> String {
    let mut s = String::from("| id | format | severity | direction | summary |\n|---|---|---|---|---|\n");
    for r in rules {
        s.push_str(
            &format!("| `{}` | {} | {} | {:?} | {} |\n", r.id, r.format.as_str(), r.severity.as_str(), r.direction, r.summary)
                .to_lowercase()
                .replacen(&r.summary.to_lowercase(), r.summary, 1),
        );
    }
    s
}

pub(super) fn run_explain(args: ExplainArgs) -> Result<Exit, Error> {
    let rule = registry::find(&args.id).ok_or_else(|| Error::Usage(format!("unknown rule id `{}` (see `apidiff rules`)", args.id)))?;
    out(&explain(rule));
    Ok(Exit::Clean)
}

/// A rule's full documentation, as `apidiff explain` prints it.
pub fn explain(rule: &Rule) -> String {
    let mut s = format!(
        "# {}\n\n{}\n\nformat: {} · default severity: {} · direction: {:?} · area: {} · kind: {:?}\n\n",
        rule.id,
        rule.summary,
        rule.format.as_str(),
        rule.severity.as_str(),
        rule.direction,
        rule.area,
        rule.kind
    );
    if !rule.categories.is_empty() {
        let names: Vec<&str> = rule.categories.iter().map(|c| c.as_str()).collect();
        s.insert_str(s.len() - 2, &format!(" · categories: {}", names.join(", ")));
    }
    for line in rule.docs.lines() {
        s.push_str(line.strip_prefix(' ').unwrap_or(line));
        s.push('\n');
    }
    s.push_str(&format!(
        "\n## How to suppress\nRe-level it with `--severity {id}=info` (or `off`), or in `apidiff.yaml` under `severity:`; silence one occurrence with an entry in `.apidiff-ignore.yaml`:\n\n```yaml\nignores:\n  - rule: {id}\n    location: <pointer from the report>   # or fingerprint: <fingerprint>\n    reason: <why this is acceptable>\n    expires: <YYYY-MM-DD>                 # optional\n```\n",
        id = rule.id
    ));
    s
}
