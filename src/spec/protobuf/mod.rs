//! Protocol Buffers: a `.proto` entry file and everything it imports, compiled with protox and
//! lowered into a model of files, messages, fields, enums and services with source positions.
//!
//! Loading (import resolution through [`crate::source::Fetch`], error mapping and lowering) lives
//! in [`load`]; this file holds the model the comparator reads.

mod http;
mod load;
mod model;
mod roots;
mod shared;
mod tree;

pub use model::{
    Cardinality, Enum, EnumValue, Field, File, FileOption, HttpBinding, HttpRule, Kind, Message, Method, Oneof, Package, Pos, Service,
    default_json_name,
};

pub use load::{from_descriptor_set, load};
pub use roots::{buf_deps, roots};
pub use shared::{Shared, Stats, load_shared};
pub use tree::load_tree;
