//! TypeScript declarations (`.d.ts`, and the exported declarations of `.ts` entry points) lowered
//! into an exported-surface model: qualified names mapped to functions, classes, interfaces, type
//! aliases, enums, namespaces and variables, with types kept as normalised text.

mod lower;
mod model;
mod nesting;
pub mod typetext;

pub use model::{EnumMember, Member, MemberKind, Param, Pos, Shape, Signature, Surface, Symbol, SymbolKind, TypeParam, scope_of};

use crate::error::Result;
use crate::source::Input;
pub use typetext::{Relation, TypeText, relate};

/// Loads a declaration file and the relative files it re-exports from.
pub fn load(input: &Input) -> Result<Surface> {
    lower::load(input)
}
