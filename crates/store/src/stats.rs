//! Counts for dashboards, read in one round trip (a dashboard is the most
//! requested page of the bureau).

use crate::StoreResult;
use sqlx::AnyPool;

/// Headline counts of the whole network.
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct NetworkOverview {
    /// Organisations.
    pub organisations: i64,
    /// Active accounts.
    pub active_users: i64,
    /// Experts per kind code.
    pub experts_by_kind: Vec<(String, i64)>,
    /// Research results per state code.
    pub results_by_state: Vec<(String, i64)>,
}

impl NetworkOverview {
    /// Experts in the library.
    pub fn experts(&self) -> i64 {
        self.experts_by_kind.iter().map(|(_, n)| n).sum()
    }

    /// Research results.
    pub fn results(&self) -> i64 {
        self.results_by_state.iter().map(|(_, n)| n).sum()
    }
}

/// Reads the headline counts with one query.
pub async fn network(pool: &AnyPool) -> StoreResult<NetworkOverview> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT 'org', '', COUNT(*) FROM organisations \
         UNION ALL SELECT 'user', '', COUNT(*) FROM users WHERE is_active = TRUE \
         UNION ALL SELECT 'expert', kind, COUNT(*) FROM experts GROUP BY kind \
         UNION ALL SELECT 'result', state, COUNT(*) FROM research_results GROUP BY state",
    )
    .fetch_all(pool)
    .await?;
    let mut o = NetworkOverview::default();
    for (what, key, n) in rows {
        match what.as_str() {
            "org" => o.organisations = n,
            "user" => o.active_users = n,
            "expert" => o.experts_by_kind.push((key, n)),
            _ => o.results_by_state.push((key, n)),
        }
    }
    Ok(o)
}
