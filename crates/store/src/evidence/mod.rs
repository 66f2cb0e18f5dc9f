//! Evidence (存证·确权·登记, issue 16): the transparency log of every audit
//! event, stored file and signed document ([`log`]), its signed checkpoints and
//! witnesses' cosignatures ([`checkpoints`]), the keys this installation signs
//! with and those it trusts ([`keys`]), and the signed documents ([`documents`]).
//! The tree's arithmetic and the signatures are `pocnet-evidence`'s (pure); this
//! module stores and reads.

pub mod checkpoints;
pub mod data_sets;
pub mod documents;
pub mod keys;
pub mod log;
pub mod recognized;
