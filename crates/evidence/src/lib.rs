//! placeholder
pub mod hash;
pub mod note;
pub mod tree;
