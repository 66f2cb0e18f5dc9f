//! Scratch databases on a PostgreSQL server, for throw-away networks (the
//! load benchmarks): created, filled, dropped.

use crate::{Store, StoreError, StoreResult};

/// Whether `name` is safe as an unquoted PostgreSQL database name.
fn plain_name(name: &str) -> StoreResult<&str> {
    let ok = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.len() <= 63
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if ok {
        Ok(name)
    } else {
        Err(StoreError::Corrupt(format!("not a plain database name: {name}")))
    }
}

/// Creates a scratch database `name` (lower-case letters, digits, `_`) on the
/// PostgreSQL server `admin` is connected to, for a throw-away network.
pub async fn create_database(admin: &Store, name: &str) -> StoreResult<()> {
    sqlx::query(&format!("CREATE DATABASE {}", plain_name(name)?)).execute(admin.pool()).await?;
    Ok(())
}

/// Drops a scratch database made by [`create_database`] (no connection may remain open to it).
pub async fn drop_database(admin: &Store, name: &str) -> StoreResult<()> {
    sqlx::query(&format!("DROP DATABASE IF EXISTS {}", plain_name(name)?)).execute(admin.pool()).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_database_names_are_accepted() {
        assert!(plain_name("pocnet_bench_0a1b").is_ok());
        for bad in ["", "Pocnet", "a;drop database x", "1abc", "a-b"] {
            assert!(plain_name(bad).is_err(), "{bad}");
        }
    }
}
