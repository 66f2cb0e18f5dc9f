//! Evidence (存证, issue 16) as workflows: the installation's keys
//! ([`notary`]), the log — appending what the triggers queued, signing
//! checkpoints, proofs, witnesses' cosignatures, the full verification — ([`log`]).

pub mod documents;
pub mod log;
pub mod mutual;
pub mod notary;
pub mod registration;
pub mod trust;
pub mod witness;

pub use notary::Notary;
