//! apidiff finds the changes between two versions of an API description and says which of them
//! break clients.
//!
//! The pipeline runs one way: [`source`] turns a locator (a path, stdin bytes, `<git-ref>:<path>`)
//! into text; [`spec`] detects the format and lowers the text into a typed model with source
//! positions; [`diff`] compares two models with the rules of the [`diff::registry`], producing
//! [`diff::Change`]s; [`policy`] applies severity overrides, ignores and the `--fail-on` gate; and
//! [`report`] renders the result. [`pipeline`] holds every use case (check, diff, rollback,
//! summary, export, tests, watch) as a library function; only `cli` prints, reads the
//! environment or exits, and `cli` and `server` only translate.
#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod deep;
pub mod diff;
pub mod discover;
pub mod docs;
pub mod error;
pub mod files;
pub mod hurl;
pub mod ids;
pub mod impact;
pub mod llm;
pub mod notify;
pub mod pipeline;
pub mod policy;
pub mod progress;
pub mod report;
#[cfg(feature = "server")]
pub mod server;
pub mod source;
pub mod spec;
pub mod store;
pub mod time;
pub mod usage;
pub mod witness;

pub use error::{Error, ErrorKind, Located, Result};
