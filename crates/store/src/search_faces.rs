//! What the search index holds of each record: its public face and who may
//! see it, read in one grouped query per batch of ids. Never a trade secret
//! (`secret_summary` is not read here).

use crate::StoreResult;
use sqlx::AnyPool;
use std::collections::BTreeMap;

/// A research result's public face with the facts its visibility follows.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ResultFace {
    /// Id.
    pub id: i64,
    /// Title.
    pub title: String,
    /// Public summary.
    pub summary: String,
    /// Field code.
    pub field: String,
    /// Sub-field code ('' when none).
    pub sub_field: String,
    /// TRL (0 when none).
    pub trl: i64,
    /// State code.
    pub state: String,
    /// Owner unit.
    pub owner_org_id: i64,
    /// Owner unit's region.
    pub owner_region: String,
    /// Owner unit's name.
    pub owner_name: String,
    /// Its center, if any.
    pub center_id: Option<i64>,
    /// The center's region.
    pub center_region: Option<String>,
    /// The center's host unit.
    pub center_host: Option<i64>,
    /// The experts invited to screen it.
    #[sqlx(skip)]
    pub reviewers: Vec<i64>,
}

/// The faces of the results among `ids` that still exist (at most a thousand ids a call).
pub async fn results(pool: &AnyPool, ids: &[i64]) -> StoreResult<Vec<ResultFace>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let list = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    let mut faces: Vec<ResultFace> = sqlx::query_as(&format!(
        "SELECT r.id, r.title, r.summary, r.field, COALESCE(r.sub_field, '') AS sub_field, CAST(COALESCE(r.trl, 0) AS BIGINT) AS trl, r.state, \
         r.owner_org_id, o.region AS owner_region, o.name AS owner_name, r.center_id, c.region AS center_region, c.host_org_id AS center_host \
         FROM research_results r JOIN organisations o ON o.id = r.owner_org_id LEFT JOIN centers c ON c.id = r.center_id \
         WHERE r.id IN ({list}) ORDER BY r.id"
    ))
    .fetch_all(pool)
    .await?;
    let seats: Vec<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT subject_id, expert_id FROM panel_seats WHERE subject_kind = 'result' AND subject_id IN ({list})"
    ))
    .fetch_all(pool)
    .await?;
    let mut by_result: BTreeMap<i64, Vec<i64>> = BTreeMap::new();
    for (r, e) in seats {
        by_result.entry(r).or_default().push(e);
    }
    for f in &mut faces {
        f.reviewers = by_result.remove(&f.id).unwrap_or_default();
    }
    Ok(faces)
}

/// The ids of every result after `after`, in order, at most `limit` (a rebuild's batches).
pub async fn result_ids(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM research_results WHERE id > $1 ORDER BY id LIMIT $2").bind(after).bind(limit).fetch_all(pool).await?)
}

/// How many results there are.
pub async fn result_count(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM research_results").fetch_one(pool).await?)
}

/// The ids of every center after `after`, in order, at most `limit` (a rebuild's batches).
pub async fn center_ids(pool: &AnyPool, after: i64, limit: i64) -> StoreResult<Vec<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM centers WHERE id > $1 ORDER BY id LIMIT $2").bind(after).bind(limit).fetch_all(pool).await?)
}
