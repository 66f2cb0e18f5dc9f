//! The log itself (存证日志, migration 0026): the queue the triggers fill, the
//! sequencer that turns it into leaves and tiles, and the reads that proofs and
//! the full verification need.
//!
//! A leaf commits to its record's *entry*: the record as canonical JSON, rebuilt
//! from the record's own table whenever it is needed ([`entries`]) — so a row
//! changed behind pocnet's back no longer hashes to its leaf.

use crate::batch::{Cell, Rows};
use crate::{format_ts, Backend, Store, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_evidence::tree::{self, TileId, TileMap};
use pocnet_evidence::{leaf_hash, sm3_leaf_digest, Hash};
use serde_json::{json, Value};
use sqlx::{AnyConnection, AnyPool, FromRow};

/// What a leaf is of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LeafKind {
    /// A row of the audit trail (every change, score sheet and decision).
    Audit,
    /// A stored file (evidence, attachments), by its SHA-256.
    Blob,
    /// A signed document (report, certificate, evaluation result, registration).
    Document,
}

impl LeafKind {
    /// The stored code.
    pub fn as_str(self) -> &'static str {
        match self {
            LeafKind::Audit => "audit",
            LeafKind::Blob => "blob",
            LeafKind::Document => "document",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> StoreResult<Self> {
        match code {
            "audit" => Ok(LeafKind::Audit),
            "blob" => Ok(LeafKind::Blob),
            "document" => Ok(LeafKind::Document),
            other => Err(StoreError::Corrupt(format!("log kind {other}"))),
        }
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            LeafKind::Audit => "审计记录",
            LeafKind::Blob => "存储文件",
            LeafKind::Document => "签章文件",
        }
    }
}

/// The tree now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Head {
    /// Leaves in the tree.
    pub size: u64,
    /// Its root (SHA-256 of nothing for the empty tree).
    pub root: Hash,
}

/// One leaf as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    /// Its index (from 0).
    pub index: u64,
    /// What it is of.
    pub kind: LeafKind,
    /// Which record: an audit event's id, a blob's SHA-256, a document's id.
    pub reference: String,
    /// SHA-256(0x00 ‖ entry).
    pub leaf_hash: Hash,
    /// SM3(0x00 ‖ entry).
    pub sm3: [u8; 32],
    /// When it was appended (UTC, RFC 3339).
    pub sequenced_at: String,
}

#[derive(FromRow)]
struct LeafRow {
    idx: i64,
    kind: String,
    r#ref: String,
    leaf_hash: Vec<u8>,
    sm3: Vec<u8>,
    sequenced_at: String,
}

impl TryFrom<LeafRow> for Leaf {
    type Error = StoreError;
    fn try_from(r: LeafRow) -> StoreResult<Self> {
        Ok(Leaf {
            index: u64::try_from(r.idx).map_err(|_| StoreError::Corrupt(format!("log_leaves.idx {}", r.idx)))?,
            kind: LeafKind::parse(&r.kind)?,
            reference: r.r#ref,
            leaf_hash: Hash::from_slice(&r.leaf_hash).map_err(|e| StoreError::Corrupt(format!("log_leaves.leaf_hash: {e}")))?,
            sm3: r.sm3.as_slice().try_into().map_err(|_| StoreError::Corrupt("log_leaves.sm3".to_owned()))?,
            sequenced_at: r.sequenced_at,
        })
    }
}

fn to_i64(n: u64, what: &str) -> StoreResult<i64> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{what} {n}")))
}

fn stored_hash(bytes: &[u8], what: &str) -> StoreResult<Hash> {
    Hash::from_slice(bytes).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn tree_failed(e: tree::TreeError) -> StoreError {
    StoreError::Corrupt(format!("log tiles: {e}"))
}

/// The tree now.
pub async fn head(pool: &AnyPool) -> StoreResult<Head> {
    let (size, root): (i64, Vec<u8>) = sqlx::query_as("SELECT size, root FROM log_head WHERE id = 1").fetch_one(pool).await?;
    Ok(Head { size: u64::try_from(size).map_err(|_| StoreError::Corrupt(format!("log_head.size {size}")))?, root: stored_hash(&root, "log_head.root")? })
}

/// Records waiting to be appended.
pub async fn queued(pool: &AnyPool) -> StoreResult<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM log_queue").fetch_one(pool).await?)
}

/// `$a, $b, …` (PostgreSQL) or `?, ?, …` (SQLite) for `n` values after `before` others.
fn placeholders(sqlite: bool, before: usize, n: usize) -> String {
    (0..n).map(|i| if sqlite { "?".to_owned() } else { format!("${}", before + i + 1) }).collect::<Vec<_>>().join(", ")
}

/// Values bound per `IN (…)` list.
const IN_CHUNK: usize = 500;

/// The entries of `items` (kind, reference), in order: `None` for a record that is no longer there.
///
/// An audit event's entry is its row, with the JSON it stored kept as the text it stored; a
/// blob's, its SHA-256, type and size (the verification also hashes its content); a signed
/// document's, the canonical JSON that was signed.
pub async fn entries(conn: &mut AnyConnection, sqlite: bool, items: &[(LeafKind, String)]) -> StoreResult<Vec<Option<Vec<u8>>>> {
    use std::collections::HashMap;
    // Keyed by the reference as the queue writes it (`CAST(id AS TEXT)`, a blob's hash).
    let mut found: HashMap<(LeafKind, String), Vec<u8>> = HashMap::new();
    for kind in [LeafKind::Audit, LeafKind::Blob, LeafKind::Document] {
        let refs: Vec<&str> = items.iter().filter(|(k, _)| *k == kind).map(|(_, r)| r.as_str()).collect();
        for chunk in refs.chunks(IN_CHUNK) {
            match kind {
                LeafKind::Audit => {
                    #[derive(FromRow)]
                    struct Row {
                        id: i64,
                        at: String,
                        actor_id: Option<i64>,
                        actor_label: String,
                        action: String,
                        entity_type: String,
                        entity_id: String,
                        before_json: Option<String>,
                        after_json: Option<String>,
                        reason: Option<String>,
                        ip: Option<String>,
                    }
                    let sql = format!(
                        "SELECT id, at, actor_id, actor_label, action, entity_type, entity_id, before_json, after_json, reason, ip \
                         FROM audit_events WHERE id IN ({})",
                        placeholders(sqlite, 0, chunk.len())
                    );
                    let mut q = sqlx::query_as::<_, Row>(&sql);
                    for r in chunk {
                        q = q.bind(r.parse::<i64>().map_err(|_| StoreError::Corrupt(format!("log audit ref {r}")))?);
                    }
                    for row in q.fetch_all(&mut *conn).await? {
                        let entry = json!({
                            "type": "audit", "id": row.id, "at": row.at, "actor_id": row.actor_id, "actor": row.actor_label,
                            "action": row.action, "entity_type": row.entity_type, "entity_id": row.entity_id,
                            "before": row.before_json, "after": row.after_json, "reason": row.reason, "ip": row.ip,
                        });
                        found.insert((kind, row.id.to_string()), canonical(&entry)?);
                    }
                }
                LeafKind::Blob => {
                    let sql = format!("SELECT sha256, mime, size FROM blobs WHERE sha256 IN ({})", placeholders(sqlite, 0, chunk.len()));
                    let mut q = sqlx::query_as::<_, (String, String, i64)>(&sql);
                    for r in chunk {
                        q = q.bind(*r);
                    }
                    for (sha, mime, size) in q.fetch_all(&mut *conn).await? {
                        let entry = canonical(&json!({"type": "blob", "sha256": sha, "mime": mime, "size": size}))?;
                        found.insert((kind, sha), entry);
                    }
                }
                LeafKind::Document => {
                    let sql = format!("SELECT id, canonical FROM signed_documents WHERE id IN ({})", placeholders(sqlite, 0, chunk.len()));
                    let mut q = sqlx::query_as::<_, (i64, String)>(&sql);
                    for r in chunk {
                        q = q.bind(r.parse::<i64>().map_err(|_| StoreError::Corrupt(format!("log document ref {r}")))?);
                    }
                    for (id, text) in q.fetch_all(&mut *conn).await? {
                        found.insert((kind, id.to_string()), text.into_bytes());
                    }
                }
            }
        }
    }
    Ok(items.iter().map(|(k, r)| found.get(&(*k, r.clone())).cloned()).collect())
}

fn canonical(v: &Value) -> StoreResult<Vec<u8>> {
    pocnet_evidence::canonical::canonical_json(v).map_err(|e| StoreError::Corrupt(format!("log entry: {e}")))
}

/// The tiles named (at their stored widths), as a map the tree reads.
pub async fn tiles(conn: &mut AnyConnection, sqlite: bool, ids: &[TileId]) -> StoreResult<TileMap> {
    let mut map = TileMap::new();
    for chunk in ids.chunks(IN_CHUNK / 2) {
        if chunk.is_empty() {
            continue;
        }
        let conds: Vec<String> = (0..chunk.len())
            .map(|i| if sqlite { "(level = ? AND idx = ?)".to_owned() } else { format!("(level = ${} AND idx = ${})", 2 * i + 1, 2 * i + 2) })
            .collect();
        let sql = format!("SELECT level, idx, hashes FROM log_tiles WHERE {}", conds.join(" OR "));
        let mut q = sqlx::query_as::<_, (i32, i64, Vec<u8>)>(&sql);
        for id in chunk {
            q = q.bind(i32::from(id.level)).bind(to_i64(id.index, "tile index")?);
        }
        for (level, idx, hashes) in q.fetch_all(&mut *conn).await? {
            let width = u16::try_from(hashes.len() / 32).map_err(|_| StoreError::Corrupt(format!("log tile {level}/{idx}")))?;
            let id = TileId { level: u8::try_from(level).map_err(|_| StoreError::Corrupt(format!("log tile level {level}")))?, index: u64::try_from(idx).unwrap_or(0), width };
            map.insert(id, hashes);
        }
    }
    Ok(map)
}

/// Every stored tile of a level, in index order, from `after` (exclusive) — for the full verification.
pub async fn tiles_of_level(pool: &AnyPool, level: u8, after: i64, limit: i64) -> StoreResult<Vec<(i64, Vec<u8>)>> {
    Ok(sqlx::query_as("SELECT idx, hashes FROM log_tiles WHERE level = $1 AND idx > $2 ORDER BY idx LIMIT $3")
        .bind(i32::from(level))
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?)
}

/// What a sequencer run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sequenced {
    /// Leaves appended.
    pub appended: u64,
    /// Queued records that were gone when their turn came (deleted behind pocnet's back); each
    /// is reported in the server log and left out.
    pub missing: u64,
    /// The tree after the run.
    pub head: Head,
}

/// Appends up to `max` queued records to the tree, oldest first, in one transaction: their
/// leaves, the tiles they change, the new head; the queue rows go in the same transaction, so a
/// record is appended exactly once whoever runs the sequencer (the head row is locked on
/// PostgreSQL; SQLite has one writer).
pub async fn sequence(store: &Store, now: DateTime<Utc>, max: usize) -> StoreResult<Sequenced> {
    let sqlite = store.backend() == Backend::Sqlite;
    let mut tx = store.write().await?;
    let lock = if sqlite { "" } else { " FOR UPDATE" };
    let (size, root): (i64, Vec<u8>) = sqlx::query_as(&format!("SELECT size, root FROM log_head WHERE id = 1{lock}")).fetch_one(&mut *tx).await?;
    let old = Head { size: u64::try_from(size).map_err(|_| StoreError::Corrupt(format!("log_head.size {size}")))?, root: stored_hash(&root, "log_head.root")? };
    let queue: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, kind, ref FROM log_queue ORDER BY id LIMIT $1").bind(to_i64(max as u64, "batch")?).fetch_all(&mut *tx).await?;
    if queue.is_empty() {
        return Ok(Sequenced { appended: 0, missing: 0, head: old });
    }
    let items: Vec<(LeafKind, String)> = queue.iter().map(|(_, k, r)| Ok((LeafKind::parse(k)?, r.clone()))).collect::<StoreResult<_>>()?;
    let found = entries(&mut tx, sqlite, &items).await?;
    let mut leaves: Vec<(LeafKind, &str, Hash, [u8; 32])> = Vec::with_capacity(items.len());
    let mut missing = 0;
    for ((kind, reference), entry) in items.iter().zip(&found) {
        match entry {
            Some(bytes) => leaves.push((*kind, reference.as_str(), leaf_hash(bytes), sm3_leaf_digest(bytes))),
            None => {
                missing += 1;
                tracing::error!(kind = kind.as_str(), reference = %reference, "a queued record is gone: not appended to the evidence log");
            }
        }
    }
    let mut head = old;
    if !leaves.is_empty() {
        let map = tiles(&mut tx, sqlite, &tree::tiles_needed_for_append(old.size)).await?;
        let hashes: Vec<Hash> = leaves.iter().map(|l| l.2).collect();
        let appended = tree::append(&map, old.size, &hashes).map_err(tree_failed)?;
        for (id, data) in &appended.tiles {
            sqlx::query("INSERT INTO log_tiles (level, idx, hashes) VALUES ($1, $2, $3) ON CONFLICT (level, idx) DO UPDATE SET hashes = excluded.hashes")
                .bind(i32::from(id.level))
                .bind(to_i64(id.index, "tile index")?)
                .bind(data.clone())
                .execute(&mut *tx)
                .await?;
        }
        let ts = format_ts(now);
        let mut rows = Rows::new("log_leaves", &["idx", "kind", "ref", "leaf_hash", "sm3", "sequenced_at"], sqlite);
        for (i, (kind, reference, hash, sm3)) in leaves.iter().enumerate() {
            rows.push(vec![
                Cell::I(to_i64(old.size + i as u64, "leaf index")?),
                Cell::T(kind.as_str().to_owned()),
                Cell::T((*reference).to_owned()),
                Cell::B(hash.as_bytes().to_vec()),
                Cell::B(sm3.to_vec()),
                Cell::T(ts.clone()),
            ]);
            rows.flush_if_full(&mut tx).await?;
        }
        rows.flush(&mut tx).await?;
        head = Head { size: appended.new_size, root: appended.root };
        sqlx::query("UPDATE log_head SET size = $1, root = $2, updated_at = $3 WHERE id = 1")
            .bind(to_i64(head.size, "log size")?)
            .bind(head.root.as_bytes().to_vec())
            .bind(&ts)
            .execute(&mut *tx)
            .await?;
    }
    let ids: Vec<i64> = queue.iter().map(|(id, _, _)| *id).collect();
    for chunk in ids.chunks(IN_CHUNK) {
        let sql = format!("DELETE FROM log_queue WHERE id IN ({})", placeholders(sqlite, 0, chunk.len()));
        let mut q = sqlx::query(&sql);
        for id in chunk {
            q = q.bind(*id);
        }
        q.execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(Sequenced { appended: head.size - old.size, missing, head })
}

/// The leaf at `index`.
pub async fn leaf(pool: &AnyPool, index: u64) -> StoreResult<Leaf> {
    // An index beyond what a stored index can be is simply not in the log.
    let index = i64::try_from(index).map_err(|_| StoreError::NotFound)?;
    let row: Option<LeafRow> = sqlx::query_as("SELECT idx, kind, ref, leaf_hash, sm3, sequenced_at FROM log_leaves WHERE idx = $1")
        .bind(index)
        .fetch_optional(pool)
        .await?;
    row.ok_or(StoreError::NotFound)?.try_into()
}

/// The leaf of a record, if it has been appended.
pub async fn leaf_of(pool: &AnyPool, kind: LeafKind, reference: &str) -> StoreResult<Option<Leaf>> {
    let row: Option<LeafRow> = sqlx::query_as("SELECT idx, kind, ref, leaf_hash, sm3, sequenced_at FROM log_leaves WHERE kind = $1 AND ref = $2")
        .bind(kind.as_str())
        .bind(reference)
        .fetch_optional(pool)
        .await?;
    row.map(Leaf::try_from).transpose()
}

/// Up to `limit` leaves from index `from` on, in order (the full verification reads them all).
pub async fn leaves_from(pool: &AnyPool, from: u64, limit: i64) -> StoreResult<Vec<Leaf>> {
    let rows: Vec<LeafRow> = sqlx::query_as("SELECT idx, kind, ref, leaf_hash, sm3, sequenced_at FROM log_leaves WHERE idx >= $1 ORDER BY idx LIMIT $2")
        .bind(to_i64(from, "leaf index")?)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.into_iter().map(Leaf::try_from).collect()
}

/// A blob's content hashed again (the verification's check of a stored file), if it is there.
pub async fn blob_digest(pool: &AnyPool, sha256: &str) -> StoreResult<Option<String>> {
    use sha2::{Digest, Sha256};
    let content: Option<Vec<u8>> = sqlx::query_scalar("SELECT content FROM blobs WHERE sha256 = $1").bind(sha256).fetch_optional(pool).await?;
    Ok(content.map(|c| hex::encode(Sha256::digest(&c))))
}

/// Reads the tiles named from the pool (proofs outside a transaction).
pub async fn tiles_of(pool: &AnyPool, backend: Backend, ids: &[TileId]) -> StoreResult<TileMap> {
    let mut conn = pool.acquire().await?;
    tiles(&mut conn, backend == Backend::Sqlite, ids).await
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::testing::{fixture, fresh};
    use pocnet_evidence::tree::{inclusion_proof, tiles_needed_for_inclusion, verify_inclusion};

    /// The root of leaf hashes as RFC 9162 defines it (MTH), computed apart from the tiles.
    fn mth(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => pocnet_evidence::hash::sha256(&[]),
            1 => leaves[0],
            n => {
                let k = n.next_power_of_two() / 2;
                pocnet_evidence::node_hash(&mth(&leaves[..k]), &mth(&leaves[k..]))
            }
        }
    }

    #[tokio::test]
    async fn every_write_becomes_one_leaf_in_order_and_the_tiles_prove_it() {
        let (store, _dir) = fresh().await;
        fixture(&store).await; // an organisation and a center: audit events, queued by trigger
        let queued_first = queued(store.pool()).await.unwrap();
        assert!(queued_first >= 2, "the writes were queued in their transactions");
        // Small batches across tile boundaries, then the rest at once.
        let mut runs = 0;
        loop {
            let s = sequence(&store, Utc::now(), 1).await.unwrap();
            runs += 1;
            if s.appended == 0 {
                break;
            }
        }
        assert_eq!(runs as i64, queued_first + 1);
        let actor = crate::Actor::system("test");
        for i in 0..600 {
            let mut tx = store.write().await.unwrap();
            crate::audit::record(&mut tx, &actor, Utc::now(), crate::audit::Change { action: "test.write", entity_type: "thing", entity_id: i.to_string(), before: None,
                after: Some(json!({"n": i, "名称": "概念验证"})), reason: None }).await.unwrap();
            tx.commit().await.unwrap();
        }
        sequence(&store, Utc::now(), 250).await.unwrap();
        let s = sequence(&store, Utc::now(), 10_000).await.unwrap();
        assert_eq!(queued(store.pool()).await.unwrap(), 0);
        let leaves = leaves_from(store.pool(), 0, 10_000).await.unwrap();
        assert_eq!(leaves.len() as u64, s.head.size);
        assert!(leaves.iter().enumerate().all(|(i, l)| l.index == i as u64), "no gap, no repeat");
        // Each leaf commits to its record as it is now.
        let items: Vec<(LeafKind, String)> = leaves.iter().map(|l| (l.kind, l.reference.clone())).collect();
        let mut conn = store.pool().acquire().await.unwrap();
        let sqlite = store.backend() == Backend::Sqlite;
        let now_entries = entries(&mut conn, sqlite, &items).await.unwrap();
        assert!(leaves.iter().zip(&now_entries).all(|(l, e)| leaf_hash(e.as_ref().unwrap()) == l.leaf_hash));
        // The head is the RFC 9162 root of the leaves, and every leaf's inclusion proof verifies.
        let hashes: Vec<Hash> = leaves.iter().map(|l| l.leaf_hash).collect();
        assert_eq!(s.head.root, mth(&hashes));
        assert_eq!(head(store.pool()).await.unwrap(), s.head);
        for index in [0, 1, 255, 256, 257, s.head.size - 1] {
            let map = tiles(&mut conn, sqlite, &tiles_needed_for_inclusion(index, s.head.size).unwrap()).await.unwrap();
            let proof = inclusion_proof(&map, index, s.head.size).unwrap();
            verify_inclusion(&hashes[index as usize], index, s.head.size, &proof, &s.head.root).unwrap();
        }
        // A record appended once is never appended again, and nothing is left to do.
        assert_eq!(sequence(&store, Utc::now(), 10).await.unwrap().appended, 0);
        assert!(leaf_of(store.pool(), LeafKind::Audit, &leaves[3].reference).await.unwrap().is_some());
    }
}
