//! SHA-256 hashes and the RFC 9162 (Certificate Transparency 2.0) Merkle hashing rules.
//!
//! The log's tree is SHA-256 throughout, as C2SP tlog-tiles and tlog-checkpoint fix it, so that any
//! RFC 9162 / tlog client can check our proofs. [`sm3_leaf_digest`] is kept beside it for records
//! that must also carry an SM3 digest (GB/T 39786): it is not part of the tree.

use std::fmt;
use std::str::FromStr;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};
use sm3::Sm3;

/// Length of a [`Hash`] in bytes.
pub const HASH_LEN: usize = 32;

/// A SHA-256 hash: a leaf hash, an interior node hash, or a tree root.
///
/// `Display`, `Debug` and `FromStr` use lowercase hex; [`Hash::to_base64`] and
/// [`Hash::from_base64`] give the base64 form that checkpoints and tiles' neighbours use.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Hash(pub [u8; HASH_LEN]);

/// Why a string or byte slice is not a [`Hash`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HashParseError {
    /// The text is not valid hex.
    #[error("hash is not valid hex")]
    Hex,
    /// The text is not valid (standard, padded) base64.
    #[error("hash is not valid base64")]
    Base64,
    /// The decoded bytes are not 32 long.
    #[error("hash has {0} bytes, expected 32")]
    Length(usize),
}

impl Hash {
    /// The hash of the empty tree: SHA-256 of the empty string (RFC 9162 §2.1.1).
    pub const EMPTY_TREE: Hash = Hash([
        0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99, 0x6f, 0xb9,
        0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b, 0x78, 0x52,
        0xb8, 0x55,
    ]);

    /// Takes a hash from exactly 32 bytes.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, HashParseError> {
        <[u8; HASH_LEN]>::try_from(bytes)
            .map(Hash)
            .map_err(|_| HashParseError::Length(bytes.len()))
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(text: &str) -> Result<Self, HashParseError> {
        let bytes = hex::decode(text).map_err(|_| HashParseError::Hex)?;
        Self::from_slice(&bytes)
    }

    /// Parses standard padded base64 (RFC 4648 §4), rejecting non-canonical trailing bits.
    pub fn from_base64(text: &str) -> Result<Self, HashParseError> {
        let bytes = BASE64.decode(text).map_err(|_| HashParseError::Base64)?;
        Self::from_slice(&bytes)
    }

    /// Lowercase hex, 64 characters.
    pub fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Standard padded base64, 44 characters.
    pub fn to_base64(&self) -> String {
        BASE64.encode(self.0)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; HASH_LEN] {
        &self.0
    }
}

impl fmt::Display for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Hash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hash({})", self.to_hex())
    }
}

impl FromStr for Hash {
    type Err = HashParseError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::from_hex(s)
    }
}

impl AsRef<[u8]> for Hash {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<tlog_tiles::Hash> for Hash {
    fn from(h: tlog_tiles::Hash) -> Self {
        Hash(h.0)
    }
}

impl From<Hash> for tlog_tiles::Hash {
    fn from(h: Hash) -> Self {
        tlog_tiles::Hash(h.0)
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> Hash {
    Hash(Sha256::digest(data).into())
}

/// RFC 9162 §2.1.1 leaf hash: `SHA-256(0x00 ‖ data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0x00]);
    h.update(data);
    Hash(h.finalize().into())
}

/// RFC 9162 §2.1.1 interior node hash: `SHA-256(0x01 ‖ left ‖ right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([0x01]);
    h.update(left.0);
    h.update(right.0);
    Hash(h.finalize().into())
}

/// `SM3(0x00 ‖ data)`: the same domain-separated leaf digest as [`leaf_hash`], with SM3
/// (GM/T 0004-2012, GB/T 32905-2016). Recorded beside the SHA-256 tree for GB/T 39786 assessments;
/// the tree itself stays SHA-256 for interoperability.
pub fn sm3_leaf_digest(data: &[u8]) -> [u8; 32] {
    let mut h = <Sm3 as sm3::Digest>::new();
    sm3::Digest::update(&mut h, [0x00]);
    sm3::Digest::update(&mut h, data);
    sm3::Digest::finalize(h).into()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn empty_tree_is_sha256_of_nothing() {
        assert_eq!(sha256(b""), Hash::EMPTY_TREE);
        assert_eq!(
            Hash::EMPTY_TREE.to_hex(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn leaf_and_node_hashes_match_rfc6962_reference_values() {
        // transparency-dev/merkle testonly/constants.go: leaf 0 ("") and leaf 1 (0x00), and the
        // level-1 node over them.
        assert_eq!(
            leaf_hash(b"").to_hex(),
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"
        );
        assert_eq!(
            leaf_hash(&[0x00]).to_hex(),
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7"
        );
        assert_eq!(
            node_hash(&leaf_hash(b""), &leaf_hash(&[0x00])).to_hex(),
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"
        );
    }

    #[test]
    fn sm3_of_abc_matches_the_standard() {
        // GB/T 32905-2016 example 1: SM3("abc").
        let mut h = <Sm3 as sm3::Digest>::new();
        sm3::Digest::update(&mut h, b"abc");
        let d: [u8; 32] = sm3::Digest::finalize(h).into();
        assert_eq!(
            hex::encode(d),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
        // The leaf digest is domain separated: it is not SM3(data).
        assert_ne!(sm3_leaf_digest(b"abc"), d);
    }

    #[test]
    fn hex_and_base64_round_trip_and_reject_bad_input() {
        let h = leaf_hash(b"x");
        assert_eq!(Hash::from_hex(&h.to_hex()).unwrap(), h);
        assert_eq!(h.to_hex().parse::<Hash>().unwrap(), h);
        assert_eq!(Hash::from_base64(&h.to_base64()).unwrap(), h);
        assert_eq!(Hash::from_hex("abcd"), Err(HashParseError::Length(2)));
        assert_eq!(Hash::from_hex("zz"), Err(HashParseError::Hex));
        assert_eq!(Hash::from_base64("!!"), Err(HashParseError::Base64));
        // 47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU= is the empty tree; change a trailing bit.
        assert_eq!(
            Hash::from_base64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=").unwrap(),
            Hash::EMPTY_TREE
        );
        assert!(Hash::from_base64("47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFV=").is_err());
    }
}
