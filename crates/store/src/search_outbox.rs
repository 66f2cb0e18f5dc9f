//! The search outbox (migration 0022): triggers append `(kind, id)` for every
//! insert, update or delete of a result, a center or an expert, in the writing
//! transaction. An indexer reads the rows after the last it applied and
//! re-reads each record's current public face, so applying a row twice is
//! harmless.
//!
//! On PostgreSQL an id can become visible after a higher one (two transactions
//! commit out of order); a reader therefore re-reads a margin of the rows just
//! before its cursor ([`REREAD`]), which costs a few idempotent updates.

use crate::StoreResult;
use sqlx::AnyPool;

/// Rows before the cursor read again, for ids that committed late.
pub const REREAD: i64 = 256;

/// One change: its outbox id, the record's kind (`result`, `center`, `expert`) and id.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Change {
    /// Outbox id.
    pub id: i64,
    /// Kind of record.
    pub kind: String,
    /// The record's id.
    pub entity_id: i64,
}

/// Up to `limit` changes after `cursor` (less the re-read margin), oldest first.
pub async fn after(pool: &AnyPool, cursor: i64, limit: i64) -> StoreResult<Vec<Change>> {
    Ok(sqlx::query_as("SELECT id, kind, entity_id FROM search_outbox WHERE id > $1 ORDER BY id LIMIT $2")
        .bind(cursor - REREAD)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// The newest outbox id (0 when empty): where a full rebuild leaves its cursor.
pub async fn latest(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar::<_, Option<i64>>("SELECT MAX(id) FROM search_outbox").fetch_one(pool).await?.unwrap_or(0))
}

/// Deletes the changes up to `id` (every index has applied them); returns how many.
pub async fn prune_through(pool: &AnyPool, id: i64) -> StoreResult<u64> {
    Ok(sqlx::query("DELETE FROM search_outbox WHERE id <= $1").bind(id).execute(pool).await?.rows_affected())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testing::{fixture, fresh};

    #[tokio::test]
    async fn every_write_of_a_searchable_record_leaves_a_change_in_its_transaction() {
        let (store, _dir) = fresh().await;
        let before = latest(store.pool()).await.unwrap();
        let (_org, center) = fixture(&store).await;
        let changes = after(store.pool(), before + REREAD, 100).await.unwrap();
        assert!(changes.iter().any(|c| c.kind == "center" && c.entity_id == center.get()), "{changes:?}");
        // A rolled-back write leaves nothing.
        let n = latest(store.pool()).await.unwrap();
        let mut tx = store.write().await.unwrap();
        sqlx::query("UPDATE centers SET summary = 'x' WHERE id = $1").bind(center.get()).execute(&mut *tx).await.unwrap();
        drop(tx); // dropped without commit: rolled back
        assert_eq!(latest(store.pool()).await.unwrap(), n);
        // A committed one does; pruning removes what was applied.
        let mut tx = store.write().await.unwrap();
        sqlx::query("UPDATE centers SET summary = 'y' WHERE id = $1").bind(center.get()).execute(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        let last = latest(store.pool()).await.unwrap();
        assert!(last > n);
        assert!(prune_through(store.pool(), last).await.unwrap() >= 2);
        assert!(after(store.pool(), last + REREAD, 100).await.unwrap().is_empty());
    }
}
