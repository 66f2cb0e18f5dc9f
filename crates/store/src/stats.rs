//! Counts for dashboards, read in one round trip (a dashboard is the most
//! requested page of the bureau).

use crate::{tallies, StoreError, StoreResult};
use pocnet_domain::center::{CenterKind, CenterLevel};
use pocnet_domain::org::OrgKind;
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

/// Reads the headline counts from the tallies (one indexed query, whatever the
/// size of the network).
pub async fn network(pool: &AnyPool) -> StoreResult<NetworkOverview> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as("SELECT name, key, n FROM tallies WHERE name IN ($1, $2, $3, $4) ORDER BY name, key")
        .bind(tallies::ORGANISATIONS)
        .bind(tallies::ACTIVE_USERS)
        .bind(tallies::EXPERTS_BY_KIND)
        .bind(tallies::RESULTS_BY_STATE)
        .fetch_all(pool)
        .await?;
    let mut o = NetworkOverview::default();
    for (name, key, n) in rows {
        match name.as_str() {
            tallies::ORGANISATIONS => o.organisations = n,
            tallies::ACTIVE_USERS => o.active_users = n,
            tallies::EXPERTS_BY_KIND => o.experts_by_kind.push((key, n)),
            _ => o.results_by_state.push((key, n)),
        }
    }
    Ok(o)
}

/// The registry counted one way for the home page, the dashboard and the
/// center pages: recognized means a recognized stage, a recognition on record
/// and an active status ([`pocnet_domain::center::counts_as_recognized`]).
#[derive(Debug, Clone, Default)]
pub struct RegistryCounts {
    /// Recognized centers: (kind, level, host organisation kind, field codes), one per center.
    pub recognized: Vec<(CenterKind, CenterLevel, OrgKind, Vec<String>)>,
    /// Active centers on a creation list (创建中).
    pub creating: i64,
    /// Active centers whose re-evaluation (复评) is overdue.
    pub reevaluation_overdue: i64,
}

impl RegistryCounts {
    /// Recognized centers of `kind` at `level` or above.
    pub fn recognized(&self, kind: CenterKind, level: CenterLevel) -> i64 {
        self.recognized.iter().filter(|(k, l, _, _)| *k == kind && *l >= level).count() as i64
    }

    /// Every recognized center and platform.
    pub fn recognized_total(&self) -> i64 {
        self.recognized.len() as i64
    }
}

/// Reads the registry counts with three indexed queries (stage and status;
/// re-evaluation due), whatever the size of the network. `region` narrows to
/// one county-level region.
pub async fn registry(pool: &AnyPool, today: &str, region: Option<&str>) -> StoreResult<RegistryCounts> {
    let rows: Vec<(String, String, String, String)> = sqlx::query_as(
        "SELECT c.kind, c.level, o.kind, c.fields FROM centers c JOIN organisations o ON o.id = c.host_org_id \
         WHERE c.stage IN ('recognized', 'key_cultivation') AND c.status = 'active' AND c.recognized_on IS NOT NULL \
         AND ($1 IS NULL OR c.region = $1)",
    )
    .bind(region)
    .fetch_all(pool)
    .await?;
    let mut out = RegistryCounts::default();
    for (kind, level, host, fields) in rows {
        let fields: Vec<String> = serde_json::from_str(&fields).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        out.recognized.push((
            CenterKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            CenterLevel::parse(&level).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            OrgKind::parse(&host).map_err(|e| StoreError::Corrupt(e.to_string()))?,
            fields,
        ));
    }
    out.creating = sqlx::query_scalar("SELECT COUNT(*) FROM centers WHERE stage = 'creating' AND status = 'active' AND ($1 IS NULL OR region = $1)")
        .bind(region)
        .fetch_one(pool)
        .await?;
    out.reevaluation_overdue = sqlx::query_scalar(
        "SELECT COUNT(*) FROM centers WHERE reevaluation_due < $1 AND status = 'active' AND ($2 IS NULL OR region = $2)",
    )
    .bind(today)
    .bind(region)
    .fetch_one(pool)
    .await?;
    Ok(out)
}

/// Every center's host kind (one indexed join), for documents that count the whole registry.
pub async fn host_kinds(pool: &AnyPool) -> StoreResult<std::collections::HashMap<pocnet_domain::id::CenterId, OrgKind>> {
    let rows: Vec<(i64, String)> = sqlx::query_as("SELECT c.id, o.kind FROM centers c JOIN organisations o ON o.id = c.host_org_id").fetch_all(pool).await?;
    rows.into_iter()
        .map(|(id, kind)| Ok((pocnet_domain::id::CenterId::new(id), OrgKind::parse(&kind).map_err(|e| StoreError::Corrupt(e.to_string()))?)))
        .collect()
}
