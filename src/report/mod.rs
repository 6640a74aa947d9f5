//! The versioned Report every output is rendered from, and one pure renderer per format.

pub mod ai;
mod approval;
mod format;
pub mod github;
pub mod gitlab;
mod group;
pub mod html;
pub mod junit;
pub mod markdown;
mod model;
pub mod pdf;
pub mod safe;
pub mod sarif;
pub mod summary;
pub mod text;

pub use model::{
    Ai, AlertDelivery, ApprovalNote, ClientUse, Gate, ImpactedModule, MAX_CLIENTS, Meta, Report, ReportChange, SCHEMA_VERSION, Seg,
    SpecError, SpecPair, Summary, TimelineItem, Tool, anchor, first_members, json_schema, modules, pair_index, plain, primary_location,
    reach, repo_path, rule_docs, usage_line,
};

pub use format::{RenderOptions, ReportFormat};
pub use group::{GROUP_SHOWN, Group, approval_line, places, thousands};
