//! What every command shares, by concern: the repository and its configuration ([`repo`]),
//! the store ([`store`]), what is written to the terminal ([`output`]) and live sources and
//! alerts ([`live`]). Commands import from here, never from each other.

mod live;
mod output;
mod repo;
mod store;

pub use live::LiveArgs;
pub(super) use live::{interval, live_identity, send_alerts, watcher};
pub(super) use output::{Bar, plural, render_options, use_color};
pub use output::{ColorChoice, Exit};
pub(crate) use output::{out, out_bytes};
pub use repo::Common;
pub(super) use repo::{Ctx, actor, discovery, proto_category, ref_root_flags};
pub(super) use store::{checked_urls, open, open_configured, settings};

pub(super) use crate::ids::short;
pub(super) use crate::time::{now_ms, today};
