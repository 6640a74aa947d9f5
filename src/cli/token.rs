//! `apidiff token`: mints an HS256 bearer token for `apidiff serve` with the secret in
//! `APIDIFF_JWT_SECRET`.

use super::context::{Exit, out};
use crate::error::Error;
use crate::server::auth::{self, Role};
use clap::{Args, ValueEnum};

/// Roles a token can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RoleArg {
    /// Read history, alerts, summaries and diffs.
    Viewer,
    /// Also register schemas, annotate and acknowledge alerts.
    Developer,
    /// Also roll back, export reports and read the audit log.
    Admin,
}

/// Arguments of `apidiff token`.
#[derive(Debug, Args)]
pub struct TokenArgs {
    /// The role.
    #[arg(long, value_enum)]
    pub role: RoleArg,
    /// Who the token is for (a person or a service).
    #[arg(long, value_name = "NAME")]
    pub subject: String,
    /// How long it is valid: seconds, or a number with s, m, h or d.
    #[arg(long, default_value = "1h")]
    pub ttl: String,
    /// A group the subject belongs to (repeatable; `@` optional): module owners naming it count
    /// the subject as an owner (approvals).
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
}

pub(super) fn run(args: TokenArgs) -> Result<Exit, Error> {
    let secret = std::env::var("APIDIFF_JWT_SECRET").ok().filter(|s| !s.is_empty()).ok_or_else(|| {
        Error::Usage("apidiff token needs APIDIFF_JWT_SECRET (the HS256 secret the server uses, at least 32 bytes)".into())
    })?;
    let issuer = std::env::var("APIDIFF_JWT_ISSUER").ok().filter(|s| !s.is_empty()).unwrap_or_else(|| auth::DEFAULT_ISSUER.into());
    let ttl = auth::parse_ttl(&args.ttl)
        .ok_or_else(|| Error::Usage(format!("--ttl {}: expected seconds or a number with s, m, h or d", args.ttl)))?;
    if args.subject.trim().is_empty() {
        return Err(Error::Usage("--subject is empty".into()));
    }
    let role = match args.role {
        RoleArg::Viewer => Role::Viewer,
        RoleArg::Developer => Role::Developer,
        RoleArg::Admin => Role::Admin,
    };
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs());
    let groups: Vec<String> = args.groups.iter().map(|g| g.trim().trim_start_matches('@').to_string()).filter(|g| !g.is_empty()).collect();
    let token = auth::mint_with_groups(secret.as_bytes(), &issuer, args.subject.trim(), role, &groups, ttl, now).map_err(Error::Usage)?;
    out(&format!("{token}\n"));
    Ok(Exit::Clean)
}
