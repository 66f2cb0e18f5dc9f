//! placeholder
pub mod hash;
pub mod tree;
