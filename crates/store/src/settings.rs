//! Facts about this data directory, as key/value pairs.

use crate::StoreResult;
use sqlx::{AnyConnection, AnyPool};

/// Reads a setting.
pub async fn get(pool: &AnyPool, key: &str) -> StoreResult<Option<String>> {
    Ok(sqlx::query_scalar("SELECT value FROM settings WHERE key = $1").bind(key).fetch_optional(pool).await?)
}

/// Writes a setting (inside the caller's transaction).
pub async fn set(conn: &mut AnyConnection, key: &str, value: &str) -> StoreResult<()> {
    sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = $2")
        .bind(key)
        .bind(value)
        .execute(conn)
        .await?;
    Ok(())
}
