//! Maintained counts (计数): the figures dashboards and list totals show,
//! kept by database triggers in the same transaction as every write that
//! changes them (migration 0015), so reading one costs an index lookup
//! whatever the size of the network. [`drift`] recounts them from the rows.

use crate::StoreResult;
use sqlx::AnyPool;

/// Research results by state (key: state code).
pub const RESULTS_BY_STATE: &str = "results.state";
/// Research results by field and state (key: `field|state`).
pub const RESULTS_BY_FIELD_STATE: &str = "results.field_state";
/// Research results by region and state (key: `region|state`): a result counts in
/// its owner's region and in its center's (once when they agree).
pub const RESULTS_BY_REGION_STATE: &str = "results.region_state";
/// Experts by kind (key: kind code).
pub const EXPERTS_BY_KIND: &str = "experts.kind";
/// Organisations (key: empty).
pub const ORGANISATIONS: &str = "organisations";
/// Accounts that may sign in (key: empty).
pub const ACTIVE_USERS: &str = "users.active";

/// Changes to the registry (any center, or a host unit's kind or name), key empty: what a
/// cache of the registry's figures is valid for (migration 0016).
pub const CENTERS_GENERATION: &str = "centers.generation";

/// The tallies [`drift`] recounts from rows (every tally but generations).
const COUNTED: [&str; 6] = [RESULTS_BY_STATE, RESULTS_BY_FIELD_STATE, RESULTS_BY_REGION_STATE, EXPERTS_BY_KIND, ORGANISATIONS, ACTIVE_USERS];

/// The current generation of the registry (see [`CENTERS_GENERATION`]).
pub async fn centers_generation(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT n FROM tallies WHERE name = $1 AND key = ''").bind(CENTERS_GENERATION).fetch_optional(pool).await?.unwrap_or(0))
}

/// Every (key, count) of the tally `name`.
pub async fn read(pool: &AnyPool, name: &str) -> StoreResult<Vec<(String, i64)>> {
    Ok(sqlx::query_as("SELECT key, n FROM tallies WHERE name = $1 ORDER BY key").bind(name).fetch_all(pool).await?)
}

/// The sum of the tally `name` over `keys` (0 for a key never counted).
pub async fn sum(pool: &AnyPool, name: &str, keys: &[String]) -> StoreResult<i64> {
    if keys.is_empty() {
        return Ok(0);
    }
    let placeholders = (0..keys.len()).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
    let sql = format!("SELECT CAST(COALESCE(SUM(n), 0) AS BIGINT) FROM tallies WHERE name = $1 AND key IN ({placeholders})");
    let mut q = sqlx::query_scalar::<_, i64>(&sql).bind(name);
    for k in keys {
        q = q.bind(k);
    }
    Ok(q.fetch_one(pool).await?)
}

/// The tallies recounted from the rows (what migration 0015 first wrote).
const RECOUNT: &str = "SELECT 'results.state' AS name, state AS key, COUNT(*) AS n FROM research_results GROUP BY state \
    UNION ALL SELECT 'results.field_state', field || '|' || state, COUNT(*) FROM research_results GROUP BY field, state \
    UNION ALL SELECT 'results.region_state', region || '|' || state, COUNT(*) FROM ( \
        SELECT r.id, o.region, r.state FROM research_results r JOIN organisations o ON o.id = r.owner_org_id \
        UNION SELECT r.id, c.region, r.state FROM research_results r JOIN centers c ON c.id = r.center_id) AS regions \
        GROUP BY region, state \
    UNION ALL SELECT 'experts.kind', kind, COUNT(*) FROM experts GROUP BY kind \
    UNION ALL SELECT 'organisations', '', COUNT(*) FROM organisations \
    UNION ALL SELECT 'users.active', '', COUNT(*) FROM users WHERE is_active = TRUE";

/// Where a tally disagrees with its rows: (tally, key, kept, recounted). Empty when all agree.
/// A full recount: for checks and tests, not for pages.
pub async fn drift(pool: &AnyPool) -> StoreResult<Vec<(String, String, i64, i64)>> {
    let kept: Vec<(String, String, i64)> = sqlx::query_as::<_, (String, String, i64)>("SELECT name, key, n FROM tallies")
        .fetch_all(pool)
        .await?
        .into_iter()
        .filter(|(name, _, _)| COUNTED.contains(&name.as_str()))
        .collect();
    let actual: Vec<(String, String, i64)> = sqlx::query_as(RECOUNT).fetch_all(pool).await?;
    let mut out = Vec::new();
    for (name, key, n) in &actual {
        let k = kept.iter().find(|(kn, kk, _)| kn == name && kk == key).map_or(0, |t| t.2);
        if k != *n {
            out.push((name.clone(), key.clone(), k, *n));
        }
    }
    for (name, key, n) in &kept {
        if *n != 0 && !actual.iter().any(|(an, ak, _)| an == name && ak == key) {
            out.push((name.clone(), key.clone(), *n, 0));
        }
    }
    out.sort();
    Ok(out)
}
