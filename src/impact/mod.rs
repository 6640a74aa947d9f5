//! Who a change reaches, apart from how they are told: the dependency graph between modules
//! (declared `depends_on` and shared GraphQL `@key` entities, [`graph`]), who owns what
//! (module owners and CODEOWNERS, [`owners`]), the client operations in the repository that use
//! a changed GraphQL element ([`operations`]), and the step that annotates a report with all of
//! it ([`annotate()`]). Delivery to channels is [`crate::notify`].

pub mod annotate;
pub mod graph;
pub mod operations;
pub mod owners;
pub mod risk;

pub use annotate::{Base, Compared, Owners, annotate};
