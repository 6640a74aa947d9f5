//! How a report shows an approved breaking change ([`ApprovalNote`]): one sentence every
//! renderer uses.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Who approved a breaking change, when and why: the change stays in the report but no longer
/// blocks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ApprovalNote {
    /// The approval's id (`apidiff approvals revoke <id>`).
    pub id: String,
    /// Who approved (the approvers, comma-separated, when the gate requires several).
    pub by: String,
    /// The day it was approved (`YYYY-MM-DD`).
    pub on: String,
    /// Why.
    pub reason: String,
    /// The last day it applies, when it expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

impl ApprovalNote {
    /// `approved by X on DATE: reason` (with `until DATE` when it expires), as every renderer
    /// shows it.
    pub fn sentence(&self) -> String {
        let until = self.expires.as_ref().map(|e| format!(" (until {e})")).unwrap_or_default();
        format!("approved by {} on {}{until}: {}", self.by, self.on, self.reason.replace('\n', " "))
    }
}
