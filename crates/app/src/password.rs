//! argon2id password hashing (OWASP parameters: m=19 MiB, t=2, p=1), run off
//! the async executor because one hash takes tens of milliseconds. Every
//! workflow that sets or checks a password (accounts, activation, applications
//! to join the expert library) and the console hash here.

use crate::{Error, Result};
use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;

/// Hashes a password on the current thread (CLI, start-up).
pub fn hash_blocking(password: &str) -> Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("argon2: {e}")))
}

/// Hashes a password on the blocking pool.
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password))
        .await
        .map_err(|e| Error::Internal(format!("hash task: {e}")))?
}

/// Checks a password against a stored hash on the blocking pool. An account
/// awaiting activation (a stored value starting with `!`) matches no password.
pub async fn verify(password: String, stored: String) -> Result<bool> {
    if stored.starts_with('!') {
        return Ok(false);
    }
    tokio::task::spawn_blocking(move || {
        let parsed = PasswordHash::new(&stored).map_err(|e| Error::Internal(format!("stored hash: {e}")))?;
        Ok(Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
    })
    .await
    .map_err(|e| Error::Internal(format!("verify task: {e}")))?
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() -> Result<()> {
        let h = hash("pocnet-demo".into()).await?;
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("pocnet-demo".into(), h.clone()).await?);
        assert!(!verify("pocnet-demo ".into(), h).await?);
        // An account awaiting activation signs in with nothing.
        let pending = pocnet_store::expert_accounts::PENDING_ACTIVATION.to_owned();
        assert!(!verify(String::new(), pending.clone()).await?);
        assert!(!verify(pending.clone(), pending).await?);
        Ok(())
    }
}
