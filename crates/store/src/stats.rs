//! Counts for dashboards.

use crate::StoreResult;
use sqlx::AnyPool;

/// Headline counts of the whole network.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct NetworkCounts {
    /// Organisations.
    pub organisations: i64,
    /// Active accounts.
    pub active_users: i64,
    /// Experts in the library.
    pub experts: i64,
    /// Research results.
    pub results: i64,
}

/// Reads the headline counts.
pub async fn network(pool: &AnyPool) -> StoreResult<NetworkCounts> {
    let (organisations, active_users, experts, results): (i64, i64, i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM organisations), (SELECT COUNT(*) FROM users WHERE is_active = TRUE), \
         (SELECT COUNT(*) FROM experts), (SELECT COUNT(*) FROM research_results)",
    )
    .fetch_one(pool)
    .await?;
    Ok(NetworkCounts { organisations, active_users, experts, results })
}

/// Experts per kind code.
pub async fn experts_by_kind(pool: &AnyPool) -> StoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as("SELECT kind, COUNT(*) FROM experts GROUP BY kind ORDER BY kind").fetch_all(pool).await?)
}
