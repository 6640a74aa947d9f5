//! `apidiff approve` and `apidiff approvals list|revoke`: thin adapters over
//! [`crate::pipeline::approvals`]. The approver is git's committer identity (else the login
//! name), as for notes.

use super::context::{Common, Exit, actor, now_ms, out};
use crate::error::Error;
use crate::pipeline::approvals::{self, ApproveRequest, Approver};
use crate::store::approvals::Standing;
use clap::{Args, Subcommand, ValueEnum};
use comfy_table::{ContentArrangement, Table, presets::UTF8_FULL_CONDENSED};

/// Where an approval applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScopeArg {
    /// Every run that checks the module (until it expires or is revoked).
    Module,
    /// Only runs that check the pull request `--pr` names.
    Pr,
}

/// Arguments of `apidiff approve`.
#[derive(Debug, Args)]
pub struct ApproveArgs {
    #[command(flatten)]
    pub common: Common,
    /// A change's fingerprint (16 hex digits) or a group key (12), from the report.
    #[arg(value_name = "FINGERPRINT|GROUP", required_unless_present = "rule", conflicts_with = "rule")]
    pub key: Option<String>,
    /// Approve every change of this rule on `--operation` instead.
    #[arg(long, value_name = "RULE", requires = "operation")]
    pub rule: Option<String>,
    /// The operation (`GET /pets/{}`, `Query.user`) for `--rule`.
    #[arg(long, value_name = "OPERATION", requires = "rule")]
    pub operation: Option<String>,
    /// Why the break is acceptable.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
    /// Last day the approval applies (`YYYY-MM-DD`).
    #[arg(long, value_name = "DATE")]
    pub expires: Option<String>,
    /// Where it applies.
    #[arg(long, value_enum, default_value_t = ScopeArg::Module)]
    pub scope: ScopeArg,
    /// The module (may be left out when the configuration has exactly one).
    #[arg(long, short = 'm', value_name = "NAME")]
    pub module: Option<String>,
    /// The pull request number, for `--scope pr`.
    #[arg(long, value_name = "N")]
    pub pr: Option<u64>,
}

/// Arguments of `apidiff approvals`.
#[derive(Debug, Args)]
pub struct ApprovalsArgs {
    /// What to do.
    #[command(subcommand)]
    pub action: ApprovalsAction,
}

/// `apidiff approvals` subcommands.
#[derive(Debug, Subcommand)]
pub enum ApprovalsAction {
    /// Every approval with where it stands (active, expired, revoked).
    List {
        #[command(flatten)]
        common: Common,
        /// Only this module.
        #[arg(long, short = 'm')]
        module: Option<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Withdraw an approval: the changes it covered block again.
    Revoke {
        #[command(flatten)]
        common: Common,
        /// The approval's id (or a prefix of at least 4 characters).
        id: String,
        /// Why.
        #[arg(long, value_name = "TEXT")]
        reason: Option<String>,
    },
}

fn cli_approver(root: &std::path::Path) -> Approver {
    Approver { by: actor(root), groups: Vec::new(), owners_only: false, via: "cli" }
}

pub(super) fn run_approve(args: ApproveArgs) -> Result<Exit, Error> {
    let ctx = args.common.context()?;
    if !ctx.archive.exists()? {
        ctx.archive.create()?;
    }
    let pr = match (args.scope, args.pr) {
        (ScopeArg::Pr, None) => return Err(Error::Usage("--scope pr needs --pr N".into())),
        (ScopeArg::Module, Some(_)) => return Err(Error::Usage("--pr needs --scope pr".into())),
        (_, pr) => pr,
    };
    let req = ApproveRequest {
        approves: approvals::target(args.key.as_deref(), args.rule.as_deref(), args.operation.as_deref())?,
        reason: args.reason,
        expires: args.expires,
        module: args.module,
        pr,
        approver: cli_approver(&ctx.root),
        label: None,
        now: now_ms(),
    };
    let a = approvals::approve(&ctx.archive, &ctx.root, &ctx.config, req)?.approval;
    let until = a.expires.as_ref().map(|e| format!(" until {e}")).unwrap_or_default();
    let scope = a.pr.map(|n| format!(" in pull request {n}")).unwrap_or_default();
    out(&format!(
        "Approved {} in module `{}`{scope}{until} (approval {}; `apidiff approvals revoke {}` withdraws it)\n",
        a.approves.describe(),
        a.module,
        a.id,
        a.id
    ));
    Ok(Exit::Clean)
}

pub(super) fn run_approvals(args: ApprovalsArgs) -> Result<Exit, Error> {
    match args.action {
        ApprovalsAction::List { common, module, json } => {
            let ctx = common.context()?;
            ctx.archive.require()?;
            let listed = approvals::list(&ctx.archive, &ctx.config, module.as_deref(), now_ms())?;
            if json {
                out(&format!("{}\n", serde_json::to_string_pretty(&listed).unwrap_or_default()));
                return Ok(Exit::Clean);
            }
            let mut t = Table::new();
            t.load_style(UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic).force_no_tty();
            t.set_header(vec!["id", "module", "approves", "by", "on", "until", "state", "reason"]);
            for l in &listed {
                let a = &l.approval;
                let state = match &l.standing {
                    Standing::Active => "active".to_string(),
                    Standing::Expired { on } => format!("expired {on}"),
                    Standing::Revoked { time, .. } => format!("revoked {}", &time[..10.min(time.len())]),
                };
                let module = a.pr.map_or(a.module.clone(), |n| format!("{} (PR {n})", a.module));
                let row =
                    [&a.id, &module, &a.approves.describe(), a.by.as_deref().unwrap_or(""), a.on(), a.expires.as_deref().unwrap_or("")];
                let mut row: Vec<String> = row.iter().map(|s| s.to_string()).collect();
                row.extend([state, a.reason.clone()]);
                t.add_row(row);
            }
            out(&format!("{t}\n"));
            Ok(Exit::Clean)
        }
        ApprovalsAction::Revoke { common, id, reason } => {
            let ctx = common.context()?;
            ctx.archive.require()?;
            let r = approvals::revoke(&ctx.archive, &ctx.root, &ctx.config, &id, reason, &cli_approver(&ctx.root), now_ms())?;
            out(&format!("Revoked approval {}: the changes it covered block again\n", r.approval));
            Ok(Exit::Clean)
        }
    }
}
