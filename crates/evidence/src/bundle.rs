//! Signed documents as issued, and their offline verification.
//!
//! A bundle is JSON:
//!
//! ```json
//! {
//!   "document": { … },
//!   "signatures": [ { "key": "<name>+<hex id>", "alg": "ed25519" | "sm2", "sig": "<base64>" } ],
//!   "log": { "origin": "…", "index": 13, "tree_size": 20,
//!            "inclusion": ["<base64 hash>", …], "checkpoint": "<signed checkpoint note>" }
//! }
//! ```
//!
//! The log entry is the document's canonical JSON bytes ([`crate::canonical`]); its leaf hash is
//! `SHA-256(0x00 ‖ bytes)`. Each signature is over the same bytes. The checkpoint must carry a
//! verified signature by a trusted key whose name is the log's origin (the log's own key);
//! cosignatures and signatures by other keys may be present too. Unknown fields anywhere in the
//! bundle are rejected, so that a renamed field cannot slip through.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::canonical::{canonical_json, CanonicalError};
use crate::hash::{leaf_hash, sha256, Hash};
use crate::note::{open_note, Algorithm, Checkpoint, Note, NoteError, Signer, Verifier};
use crate::tree::{verify_inclusion, ProofError};

/// A signed, logged document.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SignedDocument {
    /// The document; its canonical JSON bytes are the log entry.
    pub document: Value,
    /// Signatures over the document's canonical bytes.
    pub signatures: Vec<DocumentSignature>,
    /// Where the document is in the log, and the proof of it.
    pub log: LogProof,
}

/// One signature over a document's canonical bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSignature {
    /// The signing key as `<name>+<8 hex digits of key ID>` (see [`Verifier::key_string`]).
    pub key: String,
    /// `ed25519` or `sm2`.
    pub alg: String,
    /// The signature, base64.
    pub sig: String,
}

/// The document's place in the log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LogProof {
    /// The log's origin (its checkpoint's first line).
    pub origin: String,
    /// The document's leaf index.
    pub index: u64,
    /// The tree size the proof is for (the checkpoint's size).
    pub tree_size: u64,
    /// The RFC 9162 inclusion proof, base64 hashes from the leaf's sibling upward.
    pub inclusion: Vec<String>,
    /// The signed checkpoint note for `tree_size`.
    pub checkpoint: String,
}

/// Signs a document's canonical bytes with each signer (Ed25519 or SM2), returning the canonical
/// bytes (the log entry) and the signatures.
pub fn sign_document(
    document: &Value,
    signers: &[&Signer],
) -> Result<(Vec<u8>, Vec<DocumentSignature>), BundleError> {
    let bytes = canonical_json(document)?;
    let mut signatures = Vec::new();
    for s in signers {
        signatures.push(DocumentSignature {
            key: s.verifier().key_string(),
            alg: s.algorithm().name().to_owned(),
            sig: BASE64.encode(s.sign(&bytes)?),
        });
    }
    Ok((bytes, signatures))
}

/// Errors while issuing a bundle.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleError {
    /// The document has no canonical form.
    #[error("文档无法规范化 / document cannot be canonicalised: {0}")]
    Canonical(#[from] CanonicalError),
    /// A key could not sign.
    #[error("签名失败 / signing failed: {0}")]
    Sign(#[from] NoteError),
}

/// What a successful verification established.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verified {
    /// The log's origin.
    pub origin: String,
    /// The document's leaf index.
    pub index: u64,
    /// SHA-256 of the document's canonical bytes (what the QR code carries).
    pub document_sha256: Hash,
    /// The keys (`<name>+<hex id>`) whose document signatures verified.
    pub signed_by: Vec<String>,
    /// The size of the tree in the verified checkpoint.
    pub checkpoint_size: u64,
}

/// Why a bundle did not verify: each check has its own variant, with a Chinese and English message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    /// The bundle is not JSON of the expected shape.
    #[error("证据包格式无效 / bundle is not valid JSON of the expected shape: {0}")]
    Json(String),
    /// The document has no canonical form.
    #[error("文档无法规范化 / document cannot be canonicalised: {0}")]
    Canonical(CanonicalError),
    /// The document carries no signature.
    #[error("文档没有签名 / document has no signature")]
    NoDocumentSignature,
    /// A document signature names a key outside the trusted set.
    #[error("文档签名密钥不受信任 / document signed by a key that is not trusted: {0}")]
    UntrustedSigner(String),
    /// A document signature's `alg` does not match its key.
    #[error("签名算法与密钥不符 / signature algorithm {alg:?} does not match key {key}")]
    AlgorithmMismatch {
        /// The key named.
        key: String,
        /// The algorithm claimed.
        alg: String,
    },
    /// A document signature is not valid base64.
    #[error("文档签名编码无效 / document signature is not valid base64 ({0})")]
    SignatureEncoding(String),
    /// A document signature does not verify over the canonical bytes.
    #[error("文档签名无效 / document signature invalid ({0})")]
    DocumentSignatureInvalid(String),
    /// The checkpoint is not a well-formed signed checkpoint note.
    #[error("检查点格式无效 / checkpoint malformed: {0}")]
    CheckpointMalformed(NoteError),
    /// The bundle's tree size differs from the checkpoint's.
    #[error("树大小与检查点不符 / tree size {bundle} does not match checkpoint size {checkpoint}")]
    TreeSizeMismatch {
        /// The bundle's `tree_size`.
        bundle: u64,
        /// The checkpoint's size.
        checkpoint: u64,
    },
    /// An inclusion-proof hash is not 32 bytes of base64.
    #[error("包含证明编码无效 / inclusion proof hash {0} is not valid base64 of 32 bytes")]
    InclusionEncoding(usize),
    /// The inclusion proof does not lead from the document's leaf to the checkpoint's root.
    #[error("包含证明无效 / inclusion proof invalid: {0}")]
    InclusionInvalid(ProofError),
    /// A trusted key's signature on the checkpoint does not verify.
    #[error("检查点签名无效 / checkpoint signature invalid: {0}")]
    CheckpointSignatureInvalid(NoteError),
    /// No trusted key named as the log's origin signed the checkpoint.
    #[error("检查点未经受信任的日志密钥签名 / checkpoint is not signed by a trusted log key")]
    CheckpointUntrusted,
    /// The bundle's origin differs from the checkpoint's.
    #[error(
        "日志来源不符 / log origin {bundle:?} does not match checkpoint origin {checkpoint:?}"
    )]
    OriginMismatch {
        /// The bundle's `origin`.
        bundle: String,
        /// The checkpoint's origin.
        checkpoint: String,
    },
}

/// Verifies a bundle against trusted keys (document signers and log keys together), checking in
/// order: the JSON parses; the document has canonical bytes; every document signature is by a
/// trusted key and verifies; the leaf hash of the canonical bytes is included, by the proof, in
/// the checkpoint's root at the bundle's tree size; the checkpoint is signed by a trusted key named
/// as its origin (and no trusted signature on it fails); the bundle's origin is the checkpoint's.
pub fn verify_bundle(bundle: &[u8], trusted: &[Verifier]) -> Result<Verified, VerifyError> {
    let b: SignedDocument =
        serde_json::from_slice(bundle).map_err(|e| VerifyError::Json(e.to_string()))?;
    let bytes = canonical_json(&b.document).map_err(VerifyError::Canonical)?;

    if b.signatures.is_empty() {
        return Err(VerifyError::NoDocumentSignature);
    }
    let mut signed_by = Vec::new();
    for s in &b.signatures {
        let v = trusted
            .iter()
            .find(|v| v.algorithm() != Algorithm::CosignatureV1 && v.key_string() == s.key)
            .ok_or_else(|| VerifyError::UntrustedSigner(s.key.clone()))?;
        if v.algorithm().name() != s.alg {
            return Err(VerifyError::AlgorithmMismatch {
                key: s.key.clone(),
                alg: s.alg.clone(),
            });
        }
        let sig = BASE64
            .decode(&s.sig)
            .map_err(|_| VerifyError::SignatureEncoding(s.key.clone()))?;
        if !v.verify(&bytes, &sig) {
            return Err(VerifyError::DocumentSignatureInvalid(s.key.clone()));
        }
        signed_by.push(s.key.clone());
    }

    let leaf = leaf_hash(&bytes);
    let note = Note::parse(&b.log.checkpoint).map_err(VerifyError::CheckpointMalformed)?;
    let checkpoint = Checkpoint::parse(&note.text).map_err(VerifyError::CheckpointMalformed)?;
    if checkpoint.size != b.log.tree_size {
        return Err(VerifyError::TreeSizeMismatch {
            bundle: b.log.tree_size,
            checkpoint: checkpoint.size,
        });
    }
    let proof = b
        .log
        .inclusion
        .iter()
        .enumerate()
        .map(|(i, h)| Hash::from_base64(h).map_err(|_| VerifyError::InclusionEncoding(i)))
        .collect::<Result<Vec<_>, _>>()?;
    verify_inclusion(
        &leaf,
        b.log.index,
        b.log.tree_size,
        &proof,
        &checkpoint.root,
    )
    .map_err(VerifyError::InclusionInvalid)?;

    let opened = match open_note(&b.log.checkpoint, trusted) {
        Ok(o) => o,
        Err(NoteError::NoTrustedSignature) => return Err(VerifyError::CheckpointUntrusted),
        Err(e) => return Err(VerifyError::CheckpointSignatureInvalid(e)),
    };
    if !opened
        .verified
        .iter()
        .any(|s| s.name == checkpoint.origin && s.algorithm != Algorithm::CosignatureV1)
    {
        return Err(VerifyError::CheckpointUntrusted);
    }
    if b.log.origin != checkpoint.origin {
        return Err(VerifyError::OriginMismatch {
            bundle: b.log.origin,
            checkpoint: checkpoint.origin,
        });
    }
    Ok(Verified {
        origin: checkpoint.origin,
        index: b.log.index,
        document_sha256: sha256(&bytes),
        signed_by,
        checkpoint_size: checkpoint.size,
    })
}

#[cfg(test)]
#[path = "bundle_tests.rs"]
mod tests;
