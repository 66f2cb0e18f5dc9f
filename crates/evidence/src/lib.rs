//! pocnet's evidence log (存证): the cryptographic core of a transparency log of issued documents.
//!
//! Pure: no database, no HTTP, no async. The caller stores tiles and entries (in SQL), preloads the
//! few tiles an operation needs (the `tiles_needed_*` functions of [`tree`] name them) and calls
//! this crate; everything here is deterministic apart from key generation.
//!
//! | module | what it is for |
//! |---|---|
//! | [`hash`] | `Hash` (SHA-256) with hex/base64; RFC 9162 leaf and node hashes; the SM3 leaf digest kept beside them (GB/T 39786) |
//! | [`tree`] | the Merkle tree over C2SP tlog-tiles (height 8): append, root, inclusion and consistency proofs from a `TileSource`; RFC 9162 verifiers |
//! | [`note`] | C2SP signed notes, checkpoints and tlog-cosignature v1; Ed25519 and SM2 (SM3, ID `1234567812345678`) keys in `vkey` / `PRIVATE+KEY` form |
//! | [`canonical`] | canonical JSON (RFC 8785 ordering and escaping, integers only): the bytes that are signed and logged |
//! | [`bundle`] | the signed document as issued (document, signatures, inclusion proof, signed checkpoint) and its offline verification, with bilingual reasons |
//! | [`qr`] | the short text printed as a QR code (`pocnet:<origin>:<index>:<sha256>`) and its modules for vector drawing |
//!
//! Interoperability: the tree is RFC 9162 / C2SP with SHA-256, so Go's `sumdb/tlog`, Trillian,
//! Tessera and any CT tool can check its proofs; checkpoints are C2SP checkpoints that Go's
//! `sumdb/note` opens when signed with Ed25519.

#![deny(missing_docs)]

pub mod bundle;
pub mod canonical;
pub mod hash;
pub mod note;
pub mod qr;
pub mod tree;

pub use bundle::{sign_document, verify_bundle, SignedDocument, Verified, VerifyError};
pub use hash::{leaf_hash, node_hash, sm3_leaf_digest, Hash};
pub use note::{Algorithm, Checkpoint, Note, Signer, Verifier};
