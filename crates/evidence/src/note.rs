//! Signed notes (C2SP signed-note), checkpoints (C2SP tlog-checkpoint) and witness cosignatures
//! (C2SP tlog-cosignature v1), with Ed25519 and SM2 keys.
//!
//! # Formats
//! A signed note is its text (ending in a newline), a blank line, and one line per signature:
//! `— <key name> <base64(4-byte key ID ‖ signature)>`. A key's ID is the first four bytes of
//! `SHA-256(name ‖ 0x0A ‖ key material)`, where the *key material* is the signature type followed by
//! the public key:
//!
//! | algorithm | key material (type ‖ public key) | signature |
//! |---|---|---|
//! | Ed25519 (signed-note type `0x01`) | `0x01 ‖ 32-byte RFC 8032 key` | 64-byte RFC 8032 signature over the note text |
//! | SM2 with SM3 (type `0xff`, see below) | `0xff ‖ 06 08 2A 81 1C CF 55 01 83 75 ‖ 65-byte SEC1 uncompressed point` | 64-byte `r ‖ s` (GB/T 32918.2), distinguishing ID `1234567812345678` |
//! | Ed25519 cosignature v1 (type `0x04`) | `0x04 ‖ 32-byte RFC 8032 key` | 8-byte big-endian timestamp ‖ 64-byte signature over `cosignature/v1\ntime <t>\n` ‖ note text |
//!
//! The signed-note spec assigns no type byte to SM2; it reserves `0xff` "for signature types without
//! an identifier byte assigned by this specification", recommending that it "be followed by a longer
//! identifier that is unlikely to collide". Ours is the DER encoding of the OID
//! `1.2.156.10197.1.501` (SM2 signature with SM3, GM/T 0006), which is self-delimiting.
//!
//! Verifier keys use the Go / C2SP `vkey` form `<name>+<8 hex digits of key ID>+<base64(key
//! material)>`. Private keys use Go's matching form `PRIVATE+KEY+<name>+<hex key ID>+<base64(type ‖
//! secret)>`, the secret being the 32-byte Ed25519 seed or the 32-byte big-endian SM2 scalar; a
//! [`Signer`]'s `Debug` never shows it.

use std::fmt;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use sha2::{Digest as _, Sha256};

use crate::hash::Hash;

/// The SM2 distinguishing identifier (user ID) used for every SM2 signature here: the default of
/// GB/T 35276-2017 and GM/T 0009.
pub const SM2_DISTID: &str = "1234567812345678";

/// Signature type for SM2: `0xff` followed by the DER-encoded OID 1.2.156.10197.1.501.
const SM2_TYPE: &[u8] = &[
    0xff, 0x06, 0x08, 0x2a, 0x81, 0x1c, 0xcf, 0x55, 0x01, 0x83, 0x75,
];
const ED25519_TYPE: &[u8] = &[0x01];
const COSIGNATURE_V1_TYPE: &[u8] = &[0x04];
const PRIVATE_PREFIX: &str = "PRIVATE+KEY+";
/// Notes with more signatures than this are rejected (the spec asks for at least 16).
pub const MAX_SIGNATURES: usize = 100;

/// A signature algorithm a key is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Ed25519 note signatures (signed-note type 0x01).
    Ed25519,
    /// SM2 with SM3 note signatures (type 0xff ‖ OID 1.2.156.10197.1.501).
    Sm2,
    /// Ed25519 timestamped checkpoint cosignatures (tlog-cosignature v1, type 0x04).
    CosignatureV1,
}

impl Algorithm {
    fn type_bytes(self) -> &'static [u8] {
        match self {
            Algorithm::Ed25519 => ED25519_TYPE,
            Algorithm::Sm2 => SM2_TYPE,
            Algorithm::CosignatureV1 => COSIGNATURE_V1_TYPE,
        }
    }

    /// Short name: `ed25519`, `sm2` or `cosignature/v1` (the `alg` of a bundle's signatures).
    pub fn name(self) -> &'static str {
        match self {
            Algorithm::Ed25519 => "ed25519",
            Algorithm::Sm2 => "sm2",
            Algorithm::CosignatureV1 => "cosignature/v1",
        }
    }

    /// Splits key material into algorithm and key bytes.
    fn split(material: &[u8]) -> Option<(Algorithm, &[u8])> {
        [Algorithm::Sm2, Algorithm::Ed25519, Algorithm::CosignatureV1]
            .into_iter()
            .find_map(|a| material.strip_prefix(a.type_bytes()).map(|rest| (a, rest)))
    }
}

/// Errors about keys, notes, checkpoints and their signatures.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// A key name that is empty or has a space, a `+`, or a control character.
    #[error("invalid key name {0:?}")]
    BadName(String),
    /// A verifier or private key string that does not parse, or whose ID does not match its key.
    #[error("malformed key: {0}")]
    BadKey(&'static str),
    /// The operation needs a different kind of key (e.g. a cosigner key used as a note signer).
    #[error("key {name} is a {actual} key; this needs {wanted}")]
    WrongAlgorithm {
        /// The key's name.
        name: String,
        /// The key's algorithm.
        actual: &'static str,
        /// What the operation needs.
        wanted: &'static str,
    },
    /// The note is not in the signed-note format.
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    /// The note has more than [`MAX_SIGNATURES`] signatures.
    #[error("note has too many signatures")]
    TooManySignatures,
    /// A signature from a trusted key did not verify: the whole note is rejected.
    #[error("signature by {name} ({key_id:08x}) does not verify")]
    BadSignature {
        /// The key's name.
        name: String,
        /// The key's ID.
        key_id: u32,
    },
    /// No signature from a trusted key.
    #[error("note has no signature from a trusted key")]
    NoTrustedSignature,
    /// The note text is not a valid checkpoint.
    #[error("malformed checkpoint: {0}")]
    Checkpoint(&'static str),
}

/// Checks a key name: non-empty, no Unicode spaces, no `+`, no control characters.
pub fn check_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty()
        || name
            .chars()
            .any(|c| c.is_whitespace() || c == '+' || c.is_control())
    {
        return Err(NoteError::BadName(name.to_owned()));
    }
    Ok(())
}

/// `SHA-256(name ‖ 0x0A ‖ key material)[:4]` as a big-endian integer.
pub fn key_id(name: &str, key_material: &[u8]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n']);
    h.update(key_material);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

#[derive(Clone)]
enum SecretKey {
    Ed25519(Box<ed25519_dalek::SigningKey>),
    Sm2(Box<sm2::dsa::SigningKey>),
}

#[derive(Clone)]
enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    Sm2(Box<sm2::dsa::VerifyingKey>),
}

/// A private key with its name: signs notes, checkpoints, documents, or (for
/// [`Algorithm::CosignatureV1`]) cosigns checkpoints. `Debug` shows name, ID and algorithm only.
#[derive(Clone)]
pub struct Signer {
    name: String,
    key_id: u32,
    algorithm: Algorithm,
    key: SecretKey,
    verifier: Verifier,
}

/// A public key with its name and ID, as given by a `vkey` string.
#[derive(Clone)]
pub struct Verifier {
    name: String,
    key_id: u32,
    algorithm: Algorithm,
    material: Vec<u8>,
    key: PublicKey,
}

fn sm2_secret(bytes: &[u8]) -> Option<sm2::dsa::SigningKey> {
    sm2::dsa::SigningKey::from_slice(SM2_DISTID, bytes).ok()
}

fn sm2_public_bytes(key: &sm2::dsa::VerifyingKey) -> Vec<u8> {
    key.to_sec1_bytes().to_vec()
}

impl Signer {
    /// A new key from the operating system's random number generator.
    pub fn generate(name: &str, algorithm: Algorithm) -> Result<Signer, NoteError> {
        use rand::RngCore as _;
        check_name(name)?;
        loop {
            let mut seed = [0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut seed);
            // An SM2 scalar must be in [1, n-1]; a random 32-byte string almost always is.
            if let Ok(signer) = Self::from_secret(name, algorithm, &seed) {
                return Ok(signer);
            }
        }
    }

    /// A key from its algorithm and 32 secret bytes (Ed25519 seed, or SM2 big-endian scalar).
    pub fn from_secret(
        name: &str,
        algorithm: Algorithm,
        secret: &[u8],
    ) -> Result<Signer, NoteError> {
        check_name(name)?;
        let (key, public) = match algorithm {
            Algorithm::Ed25519 | Algorithm::CosignatureV1 => {
                let seed: [u8; 32] = secret
                    .try_into()
                    .map_err(|_| NoteError::BadKey("Ed25519 seed is not 32 bytes"))?;
                let sk = ed25519_dalek::SigningKey::from_bytes(&seed);
                let pk = sk.verifying_key();
                (SecretKey::Ed25519(Box::new(sk)), PublicKey::Ed25519(pk))
            }
            Algorithm::Sm2 => {
                if secret.len() != 32 {
                    return Err(NoteError::BadKey("SM2 secret is not 32 bytes"));
                }
                let sk = sm2_secret(secret).ok_or(NoteError::BadKey("SM2 secret out of range"))?;
                let pk = sk.verifying_key().clone();
                (SecretKey::Sm2(Box::new(sk)), PublicKey::Sm2(Box::new(pk)))
            }
        };
        let verifier = Verifier::from_public(name, algorithm, public);
        Ok(Signer {
            name: name.to_owned(),
            key_id: verifier.key_id,
            algorithm,
            key,
            verifier,
        })
    }

    /// Parses `PRIVATE+KEY+<name>+<hex id>+<base64(type ‖ secret)>`, checking the ID.
    pub fn from_private_key(text: &str) -> Result<Signer, NoteError> {
        let rest = text
            .strip_prefix(PRIVATE_PREFIX)
            .ok_or(NoteError::BadKey("no PRIVATE+KEY+ prefix"))?;
        let (name, id, material) = split_key_string(rest)?;
        let (algorithm, secret) =
            Algorithm::split(&material).ok_or(NoteError::BadKey("unknown key type"))?;
        let signer = Self::from_secret(name, algorithm, secret)?;
        if signer.key_id != id {
            return Err(NoteError::BadKey("key ID does not match the key"));
        }
        Ok(signer)
    }

    /// The private key string (`PRIVATE+KEY+…`). It is the secret: store it as one.
    pub fn to_private_key(&self) -> String {
        let mut material = self.algorithm.type_bytes().to_vec();
        match &self.key {
            SecretKey::Ed25519(k) => material.extend_from_slice(k.as_bytes()),
            SecretKey::Sm2(k) => material.extend_from_slice(&k.to_bytes()),
        }
        format!(
            "{PRIVATE_PREFIX}{}+{:08x}+{}",
            self.name,
            self.key_id,
            BASE64.encode(material)
        )
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// The matching public key.
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// Signs `message` (Ed25519 or SM2 keys; a cosigner key signs only through
    /// [`Note::cosign`]).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, NoteError> {
        match (&self.key, self.algorithm) {
            (SecretKey::Ed25519(k), Algorithm::Ed25519) => {
                Ok(ed25519_dalek::Signer::sign(k.as_ref(), message)
                    .to_bytes()
                    .to_vec())
            }
            (SecretKey::Sm2(k), Algorithm::Sm2) => {
                let sig: sm2::dsa::Signature =
                    sm2::dsa::signature::Signer::try_sign(k.as_ref(), message)
                        .map_err(|_| NoteError::BadKey("SM2 signing failed"))?;
                Ok(sig.to_bytes().to_vec())
            }
            _ => Err(NoteError::WrongAlgorithm {
                name: self.name.clone(),
                actual: self.algorithm.name(),
                wanted: "a note signing key (ed25519 or sm2)",
            }),
        }
    }

    fn cosign_bytes(&self, message: &[u8]) -> Result<Vec<u8>, NoteError> {
        match (&self.key, self.algorithm) {
            (SecretKey::Ed25519(k), Algorithm::CosignatureV1) => {
                Ok(ed25519_dalek::Signer::sign(k.as_ref(), message)
                    .to_bytes()
                    .to_vec())
            }
            _ => Err(NoteError::WrongAlgorithm {
                name: self.name.clone(),
                actual: self.algorithm.name(),
                wanted: "a cosignature/v1 key",
            }),
        }
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Signer")
            .field("name", &self.name)
            .field("key_id", &format_args!("{:08x}", self.key_id))
            .field("algorithm", &self.algorithm)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// Splits `<name>+<8 lowercase hex>+<base64>` into its parts.
fn split_key_string(text: &str) -> Result<(&str, u32, Vec<u8>), NoteError> {
    let mut parts = text.splitn(3, '+');
    let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(NoteError::BadKey("expected name+id+key"));
    };
    check_name(name).map_err(|_| NoteError::BadKey("invalid name"))?;
    if id.len() != 8
        || !id
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(NoteError::BadKey("key ID is not 8 lowercase hex digits"));
    }
    let id = u32::from_str_radix(id, 16).map_err(|_| NoteError::BadKey("key ID"))?;
    let material = BASE64
        .decode(b64)
        .map_err(|_| NoteError::BadKey("key is not base64"))?;
    Ok((name, id, material))
}

impl Verifier {
    fn from_public(name: &str, algorithm: Algorithm, key: PublicKey) -> Verifier {
        let mut material = algorithm.type_bytes().to_vec();
        match &key {
            PublicKey::Ed25519(k) => material.extend_from_slice(k.as_bytes()),
            PublicKey::Sm2(k) => material.extend_from_slice(&sm2_public_bytes(k)),
        }
        Verifier {
            name: name.to_owned(),
            key_id: key_id(name, &material),
            algorithm,
            material,
            key,
        }
    }

    /// Parses a `vkey` string `<name>+<hex id>+<base64(type ‖ public key)>`, checking the ID.
    pub fn parse(vkey: &str) -> Result<Verifier, NoteError> {
        let (name, id, material) = split_key_string(vkey)?;
        let (algorithm, public) =
            Algorithm::split(&material).ok_or(NoteError::BadKey("unknown key type"))?;
        let key = match algorithm {
            Algorithm::Ed25519 | Algorithm::CosignatureV1 => {
                let bytes: [u8; 32] = public
                    .try_into()
                    .map_err(|_| NoteError::BadKey("Ed25519 key is not 32 bytes"))?;
                PublicKey::Ed25519(
                    ed25519_dalek::VerifyingKey::from_bytes(&bytes)
                        .map_err(|_| NoteError::BadKey("invalid Ed25519 key"))?,
                )
            }
            Algorithm::Sm2 => {
                if public.len() != 65 || public[0] != 0x04 {
                    return Err(NoteError::BadKey(
                        "SM2 key is not a 65-byte uncompressed point",
                    ));
                }
                PublicKey::Sm2(Box::new(
                    sm2::dsa::VerifyingKey::from_sec1_bytes(SM2_DISTID, public)
                        .map_err(|_| NoteError::BadKey("invalid SM2 key"))?,
                ))
            }
        };
        let v = Verifier::from_public(name, algorithm, key);
        if v.key_id != id || v.material != material {
            return Err(NoteError::BadKey("key ID does not match the key"));
        }
        Ok(v)
    }

    /// The `vkey` string.
    pub fn to_vkey(&self) -> String {
        format!(
            "{}+{:08x}+{}",
            self.name,
            self.key_id,
            BASE64.encode(&self.material)
        )
    }

    /// `<name>+<hex id>`: how a bundle names the key that signed a document.
    pub fn key_string(&self) -> String {
        format!("{}+{:08x}", self.name, self.key_id)
    }

    /// The key's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The key's ID.
    pub fn key_id(&self) -> u32 {
        self.key_id
    }

    /// The key's algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.algorithm
    }

    /// Checks an Ed25519 (strict RFC 8032 verification) or SM2 signature over `message`. A
    /// cosignature key verifies only through [`open_note`].
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        match (&self.key, self.algorithm) {
            (PublicKey::Ed25519(k), Algorithm::Ed25519) => ed25519_verify(k, message, signature),
            (PublicKey::Sm2(k), Algorithm::Sm2) => sm2_verify(k, message, signature),
            _ => false,
        }
    }

    /// Checks a cosignature v1 over a note text; returns its timestamp.
    fn verify_cosignature(&self, text: &str, signature: &[u8]) -> Option<u64> {
        let PublicKey::Ed25519(k) = &self.key else {
            return None;
        };
        if self.algorithm != Algorithm::CosignatureV1 || signature.len() != 72 {
            return None;
        }
        let (ts, sig) = signature.split_at(8);
        let ts = u64::from_be_bytes(ts.try_into().ok()?);
        if ts > i64::MAX as u64 {
            return None;
        }
        ed25519_verify(k, &cosignature_message(ts, text), sig).then_some(ts)
    }
}

fn ed25519_verify(k: &ed25519_dalek::VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    let Ok(sig) = ed25519_dalek::Signature::from_slice(signature) else {
        return false;
    };
    k.verify_strict(message, &sig).is_ok()
}

fn sm2_verify(k: &sm2::dsa::VerifyingKey, message: &[u8], signature: &[u8]) -> bool {
    if signature.len() != 64 {
        return false;
    }
    let Ok(sig) = sm2::dsa::Signature::from_slice(signature) else {
        return false;
    };
    sm2::dsa::signature::Verifier::verify(k, message, &sig).is_ok()
}

fn cosignature_message(timestamp: u64, text: &str) -> Vec<u8> {
    format!("cosignature/v1\ntime {timestamp}\n{text}").into_bytes()
}

impl fmt::Debug for Verifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Verifier({})", self.to_vkey())
    }
}

impl PartialEq for Verifier {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name && self.key_id == other.key_id && self.material == other.material
    }
}

impl Eq for Verifier {}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// The signing key's name.
    pub name: String,
    /// The signing key's ID.
    pub key_id: u32,
    /// The signature bytes (without the key ID).
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// The line `— <name> <base64(id ‖ signature)>\n`.
    pub fn line(&self) -> String {
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.signature);
        format!("\u{2014} {} {}\n", self.name, BASE64.encode(bytes))
    }
}

/// A note: its text and signatures, as parsed (nothing verified yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// The note text, ending in a newline.
    pub text: String,
    /// The signatures, in order.
    pub signatures: Vec<NoteSignature>,
}

fn check_text(text: &str) -> Result<(), NoteError> {
    if text.is_empty() || !text.ends_with('\n') {
        return Err(NoteError::Malformed("text must end with a newline"));
    }
    if text.chars().any(|c| c != '\n' && (c as u32) < 0x20) {
        return Err(NoteError::Malformed("control character in note"));
    }
    Ok(())
}

impl Note {
    /// A note with `text` (which must end with a newline) and no signatures yet.
    pub fn new(text: &str) -> Result<Note, NoteError> {
        check_text(text)?;
        Ok(Note {
            text: text.to_owned(),
            signatures: Vec::new(),
        })
    }

    /// Parses a signed note. The text ends at the last blank line; every line after it must be a
    /// well-formed signature line.
    pub fn parse(note: &str) -> Result<Note, NoteError> {
        if note.chars().any(|c| c != '\n' && (c as u32) < 0x20) {
            return Err(NoteError::Malformed("control character in note"));
        }
        let split = note
            .rfind("\n\n")
            .ok_or(NoteError::Malformed("no blank line before signatures"))?;
        let (text, sigs) = (&note[..=split], &note[split + 2..]);
        check_text(text)?;
        if sigs.is_empty() || !sigs.ends_with('\n') {
            return Err(NoteError::Malformed(
                "signature block must end with a newline",
            ));
        }
        let mut signatures = Vec::new();
        for line in sigs[..sigs.len() - 1].split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::TooManySignatures);
            }
            let rest = line
                .strip_prefix("\u{2014} ")
                .ok_or(NoteError::Malformed("signature line"))?;
            let (name, b64) = rest
                .split_once(' ')
                .ok_or(NoteError::Malformed("signature line"))?;
            check_name(name).map_err(|_| NoteError::Malformed("signature key name"))?;
            let bytes = BASE64
                .decode(b64)
                .map_err(|_| NoteError::Malformed("signature base64"))?;
            if bytes.len() < 5 {
                return Err(NoteError::Malformed("signature too short"));
            }
            let (id, sig) = bytes.split_at(4);
            signatures.push(NoteSignature {
                name: name.to_owned(),
                key_id: u32::from_be_bytes([id[0], id[1], id[2], id[3]]),
                signature: sig.to_vec(),
            });
        }
        Ok(Note {
            text: text.to_owned(),
            signatures,
        })
    }

    /// Adds a signature by `signer` (Ed25519 or SM2).
    pub fn sign(&mut self, signer: &Signer) -> Result<(), NoteError> {
        let signature = signer.sign(self.text.as_bytes())?;
        self.signatures.push(NoteSignature {
            name: signer.name.clone(),
            key_id: signer.key_id,
            signature,
        });
        Ok(())
    }

    /// Adds a tlog-cosignature v1 by `cosigner` at `timestamp` (POSIX seconds, ≤ 2^63−1).
    pub fn cosign(&mut self, cosigner: &Signer, timestamp: u64) -> Result<(), NoteError> {
        if timestamp > i64::MAX as u64 {
            return Err(NoteError::Malformed("cosignature timestamp beyond 2^63-1"));
        }
        let sig = cosigner.cosign_bytes(&cosignature_message(timestamp, &self.text))?;
        let mut signature = timestamp.to_be_bytes().to_vec();
        signature.extend_from_slice(&sig);
        self.signatures.push(NoteSignature {
            name: cosigner.name.clone(),
            key_id: cosigner.key_id,
            signature,
        });
        Ok(())
    }

    /// The signed note: text, blank line, signature lines.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for s in &self.signatures {
            out.push_str(&s.line());
        }
        out
    }
}

/// A signature that verified against a trusted key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedSignature {
    /// The key's name.
    pub name: String,
    /// The key's ID.
    pub key_id: u32,
    /// The key's algorithm.
    pub algorithm: Algorithm,
    /// For a cosignature, its timestamp (POSIX seconds).
    pub timestamp: Option<u64>,
}

/// A note whose signatures were checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OpenedNote {
    /// The note text.
    pub text: String,
    /// The signatures that verified, in note order (one per key).
    pub verified: Vec<VerifiedSignature>,
    /// How many signatures were from keys not in the trusted set (ignored, as the spec requires).
    pub unknown: usize,
}

/// Parses a signed note and checks it against `trusted` keys: signatures from unknown keys (name
/// and ID not both matching a trusted key) are ignored; a signature from a trusted key that does
/// not verify rejects the whole note; at least one trusted signature must verify.
pub fn open_note(note: &str, trusted: &[Verifier]) -> Result<OpenedNote, NoteError> {
    let parsed = Note::parse(note)?;
    let mut verified: Vec<VerifiedSignature> = Vec::new();
    let mut unknown = 0;
    for sig in &parsed.signatures {
        let Some(v) = trusted
            .iter()
            .find(|v| v.name == sig.name && v.key_id == sig.key_id)
        else {
            unknown += 1;
            continue;
        };
        // Some(timestamp) when the signature verifies (a timestamp only for cosignatures).
        let outcome: Option<Option<u64>> = match v.algorithm {
            Algorithm::CosignatureV1 => {
                v.verify_cosignature(&parsed.text, &sig.signature).map(Some)
            }
            _ => v
                .verify(parsed.text.as_bytes(), &sig.signature)
                .then_some(None),
        };
        let Some(timestamp) = outcome else {
            return Err(NoteError::BadSignature {
                name: sig.name.clone(),
                key_id: sig.key_id,
            });
        };
        if !verified
            .iter()
            .any(|s| s.name == sig.name && s.key_id == sig.key_id)
        {
            verified.push(VerifiedSignature {
                name: v.name.clone(),
                key_id: v.key_id,
                algorithm: v.algorithm,
                timestamp,
            });
        }
    }
    if verified.is_empty() {
        return Err(NoteError::NoTrustedSignature);
    }
    Ok(OpenedNote {
        text: parsed.text,
        verified,
        unknown,
    })
}

/// A log checkpoint (C2SP tlog-checkpoint): origin, tree size, root hash, optional extension lines.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's origin line, e.g. `pocnet.example.cn/evidence/2026`.
    pub origin: String,
    /// Number of leaves.
    pub size: u64,
    /// Root hash at `size`.
    pub root: Hash,
    /// Extension lines (non-empty each; not recommended by the spec).
    pub extensions: Vec<String>,
}

impl Checkpoint {
    /// The note text: `<origin>\n<size>\n<base64 root>\n` followed by extension lines.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            self.root.to_base64()
        );
        for e in &self.extensions {
            out.push_str(e);
            out.push('\n');
        }
        out
    }

    /// Parses a checkpoint note text (without its signatures).
    pub fn parse(text: &str) -> Result<Checkpoint, NoteError> {
        check_text(text)
            .map_err(|_| NoteError::Checkpoint("text must be lines ending in a newline"))?;
        let mut lines = text[..text.len() - 1].split('\n');
        let origin = lines
            .next()
            .filter(|o| !o.is_empty())
            .ok_or(NoteError::Checkpoint("empty origin"))?;
        let size = lines.next().ok_or(NoteError::Checkpoint("no size line"))?;
        if size.is_empty()
            || !size.bytes().all(|b| b.is_ascii_digit())
            || (size.len() > 1 && size.starts_with('0'))
        {
            return Err(NoteError::Checkpoint(
                "size is not a decimal without leading zeros",
            ));
        }
        let size = size
            .parse::<u64>()
            .map_err(|_| NoteError::Checkpoint("size out of range"))?;
        let root = lines.next().ok_or(NoteError::Checkpoint("no root line"))?;
        let root = Hash::from_base64(root)
            .map_err(|_| NoteError::Checkpoint("root is not a base64 hash"))?;
        let extensions: Vec<String> = lines.map(str::to_owned).collect();
        if extensions.iter().any(String::is_empty) {
            return Err(NoteError::Checkpoint("empty extension line"));
        }
        Ok(Checkpoint {
            origin: origin.to_owned(),
            size,
            root,
            extensions,
        })
    }

    /// Signs the checkpoint with each signer, returning the signed note.
    pub fn sign(&self, signers: &[&Signer]) -> Result<String, NoteError> {
        let mut note = Note::new(&self.to_text())?;
        for s in signers {
            note.sign(s)?;
        }
        Ok(note.to_text())
    }

    /// Opens a signed checkpoint note against `trusted` keys (see [`open_note`]) and parses it.
    pub fn open(note: &str, trusted: &[Verifier]) -> Result<(Checkpoint, OpenedNote), NoteError> {
        let opened = open_note(note, trusted)?;
        Ok((Checkpoint::parse(&opened.text)?, opened))
    }
}

#[cfg(test)]
#[path = "note_tests.rs"]
mod tests;
