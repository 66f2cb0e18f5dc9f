//! The installation's signing keys (签名密钥): one Ed25519 and one SM2 key
//! (GB/T 39786: government systems are assessed on SM2/SM3) named by the log's
//! origin, kept as files under `<data-dir>/keys/` that only the owner may read
//! — pocnet refuses to start on keys others can read — generated at install and
//! rotated by command (the old public keys stay published so what they signed
//! still verifies).

use crate::{Error, Result};
use pocnet_evidence::note::{Algorithm, Checkpoint, Signer, Verifier};
use pocnet_evidence::Hash;
use std::path::{Path, PathBuf};

/// The keys' files, by algorithm.
const FILES: [(&str, Algorithm); 2] = [("log-ed25519.key", Algorithm::Ed25519), ("log-sm2.key", Algorithm::Sm2)];

/// Signs checkpoints and documents for this installation.
#[derive(Clone)]
pub struct Notary {
    origin: String,
    signers: Vec<Signer>,
}

impl std::fmt::Debug for Notary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Notary").field("origin", &self.origin).field("keys", &self.signers.len()).finish()
    }
}

fn key_error(what: impl std::fmt::Display) -> Error {
    Error::Internal(format!("signing keys: {what}"))
}

/// A log origin as C2SP asks: a schema-less URL-like name, no spaces or `+`.
pub fn check_origin(origin: &str) -> Result<()> {
    let ok = !origin.is_empty() && origin.len() <= 200 && !origin.contains(['+', ' ', '\n', '\t']) && !origin.contains("://");
    if ok {
        Ok(())
    } else {
        Err(pocnet_domain::FieldError::new("origin", "invalid_origin", "日志标识须为不含空格、加号和协议头的网址式名称，如 kjj.wenzhou.gov.cn/pocnet").into())
    }
}

impl Notary {
    /// Keys made now and kept in memory only (tests, a throwaway server).
    pub fn ephemeral(origin: &str) -> Result<Self> {
        check_origin(origin)?;
        let signers = FILES.iter().map(|(_, alg)| Signer::generate(origin, *alg).map_err(key_error)).collect::<Result<_>>()?;
        Ok(Self { origin: origin.to_owned(), signers })
    }

    /// The keys under `dir`, made there first (with `origin`) if there are none; returns whether
    /// they were made now. Refuses keys that others than the owner may read or write.
    pub fn open_or_create(dir: &Path, origin: &str) -> Result<(Self, bool)> {
        if FILES.iter().all(|(f, _)| !dir.join(f).exists()) {
            check_origin(origin)?;
            let notary = Self::ephemeral(origin)?;
            notary.write(dir)?;
            return Ok((notary, true));
        }
        Ok((Self::open(dir)?, false))
    }

    /// The keys under `dir`.
    pub fn open(dir: &Path) -> Result<Self> {
        check_private(dir, true)?;
        let mut signers = Vec::new();
        for (file, alg) in FILES {
            let path = dir.join(file);
            check_private(&path, false)?;
            let text = std::fs::read_to_string(&path).map_err(|e| key_error(format!("{}: {e}", path.display())))?;
            let signer = Signer::from_private_key(text.trim()).map_err(|e| key_error(format!("{}: {e}", path.display())))?;
            if signer.verifier().algorithm() != alg {
                return Err(key_error(format!("{} holds a key of another algorithm", path.display())));
            }
            signers.push(signer);
        }
        let origin = signers[0].name().to_owned();
        if signers.iter().any(|s| s.name() != origin) {
            return Err(key_error("the keys name different logs"));
        }
        Ok(Self { origin, signers })
    }

    /// Replaces the keys under `dir` with new ones of the same origin; the old files move to
    /// `dir/retired/` (named by `stamp`).
    pub fn rotate(dir: &Path, stamp: &str) -> Result<Self> {
        let old = Self::open(dir)?;
        let retired = dir.join("retired");
        create_private_dir(&retired)?;
        for (file, _) in FILES {
            std::fs::rename(dir.join(file), retired.join(format!("{stamp}-{file}"))).map_err(|e| key_error(format!("{file}: {e}")))?;
        }
        let new = Self::ephemeral(&old.origin)?;
        new.write(dir)?;
        Ok(new)
    }

    fn write(&self, dir: &Path) -> Result<()> {
        create_private_dir(dir)?;
        for ((file, _), signer) in FILES.iter().zip(&self.signers) {
            write_private(&dir.join(file), &format!("{}\n", signer.to_private_key()))?;
        }
        Ok(())
    }

    /// The log's origin (the keys' name).
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The public keys, Ed25519 first.
    pub fn verifiers(&self) -> Vec<Verifier> {
        self.signers.iter().map(|s| s.verifier().clone()).collect()
    }

    /// The public keys as published: (vkey, `ed25519` | `sm2`).
    pub fn published(&self) -> Vec<(String, &'static str)> {
        self.signers.iter().map(|s| (s.verifier().to_vkey(), alg_code(s.verifier().algorithm()))).collect()
    }

    /// The signers, Ed25519 first.
    pub fn signers(&self) -> Vec<&Signer> {
        self.signers.iter().collect()
    }

    /// A checkpoint of the tree at `size` with `root`, signed with every key (a C2SP signed note).
    pub fn sign_checkpoint(&self, size: u64, root: Hash) -> Result<String> {
        Checkpoint { origin: self.origin.clone(), size, root, extensions: Vec::new() }.sign(&self.signers()).map_err(key_error)
    }
}

/// `ed25519`, `sm2` or `cosignature/v1`.
pub fn alg_code(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::Ed25519 => "ed25519",
        Algorithm::Sm2 => "sm2",
        Algorithm::CosignatureV1 => "cosignature/v1",
    }
}

/// The default data-directory place of the keys.
pub fn keys_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("keys")
}

#[cfg(unix)]
fn create_private_dir(dir: &Path) -> Result<()> {
    use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
    if !dir.exists() {
        std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir).map_err(|e| key_error(format!("{}: {e}", dir.display())))?;
    }
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(|e| key_error(format!("{}: {e}", dir.display())))
}

#[cfg(not(unix))]
fn create_private_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|e| key_error(format!("{}: {e}", dir.display())))
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path).map_err(|e| key_error(format!("{}: {e}", path.display())))?;
    f.write_all(text.as_bytes()).and_then(|()| f.sync_all()).map_err(|e| key_error(format!("{}: {e}", path.display())))
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).map_err(|e| key_error(format!("{}: {e}", path.display())))
}

/// Refuses a key file (or its directory) that the group or others may read or write.
#[cfg(unix)]
fn check_private(path: &Path, is_dir: bool) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let meta = std::fs::metadata(path).map_err(|e| key_error(format!("{}: {e}", path.display())))?;
    let mode = meta.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        let fix = if is_dir { "chmod 700" } else { "chmod 600" };
        return Err(key_error(format!(
            "{} may be read or written by others (mode {mode:o}); the signing keys must be the owner's alone: {fix} {}",
            path.display(),
            path.display()
        )));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_private(_path: &Path, _is_dir: bool) -> Result<()> {
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_made_once_kept_private_reopened_and_rotated() {
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        let (made, fresh) = Notary::open_or_create(&keys, "kjj.example.cn/pocnet").unwrap();
        assert!(fresh);
        let (again, fresh) = Notary::open_or_create(&keys, "another.example/ignored").unwrap();
        assert!(!fresh, "existing keys are used, never replaced");
        assert_eq!(again.origin(), "kjj.example.cn/pocnet");
        assert_eq!(again.published(), made.published());
        // A checkpoint signed with them opens with their public keys (both algorithms).
        let note = made.sign_checkpoint(3, pocnet_evidence::hash::sha256(b"x")).unwrap();
        let (cp, opened) = Checkpoint::open(&note, &again.verifiers()).unwrap();
        assert_eq!((cp.size, opened.verified.len()), (3, 2));
        // Rotation: new keys, same origin, old files kept aside; old signatures still open with old keys.
        let rotated = Notary::rotate(&keys, "20261203T0700").unwrap();
        assert_eq!(rotated.origin(), made.origin());
        assert_ne!(rotated.published(), made.published());
        assert!(keys.join("retired").join("20261203T0700-log-ed25519.key").exists());
        assert!(Checkpoint::open(&note, &rotated.verifiers()).is_err());
        assert!(Checkpoint::open(&note, &made.verifiers()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn keys_others_can_read_are_refused_with_the_fix() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("keys");
        Notary::open_or_create(&keys, "kjj.example.cn/pocnet").unwrap();
        let file = keys.join("log-sm2.key");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
        let e = Notary::open(&keys).unwrap_err().to_string();
        assert!(e.contains("chmod 600") && e.contains("log-sm2.key"), "{e}");
    }

    #[test]
    fn an_origin_is_a_plain_name() {
        for (origin, ok) in [("kjj.wenzhou.gov.cn/pocnet", true), ("https://x.cn", false), ("a b", false), ("a+b", false), ("", false)] {
            assert_eq!(check_origin(origin).is_ok(), ok, "{origin}");
        }
    }
}
