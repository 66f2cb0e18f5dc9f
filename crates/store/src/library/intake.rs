//! Storing results at intake: one from a form, or a spreadsheet's rows in a
//! single transaction.
//!
//! A result enters in state `submitted` with its first pipeline step
//! (`submit`, from nothing to `submitted`). [`create`] writes one result and
//! its own audit record; [`import`] writes a whole list in multi-row
//! `INSERT`s inside the caller's transaction, with one audit record for the
//! import, so a list either goes in whole or not at all. The audit trail
//! never carries the confidential content (保密内容).

use crate::audit::{self, Change};
use crate::{format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, NaiveDate, Utc};
use pocnet_domain::id::{CenterId, OrgId, ResultId, UserId};
use pocnet_domain::library::intake::ResultDraft;
use pocnet_domain::research_result::ResultState;
use sqlx::{AnyConnection, AnyPool};
use std::collections::HashSet;
use std::fmt::Write as _;

/// A checked result to store, with where it goes and who it belongs to.
#[derive(Debug, Clone)]
pub struct NewResult<'a> {
    /// The parsed fields.
    pub draft: &'a ResultDraft,
    /// The owning unit (所属单位); must be a registered organisation.
    pub owner_org_id: OrgId,
    /// The center whose intake receives it; `None` for a result no center
    /// has received yet (待承接: a unit's own entry, a pushed list's row).
    pub center_id: Option<CenterId>,
    /// The day it was submitted.
    pub submitted_on: NaiveDate,
    /// The user who entered it (a researcher or a center operator), if a user did.
    pub entered_by: Option<UserId>,
}

/// The columns written at intake, in bind order.
const COLUMNS: &[&str] = &[
    "id",
    "title",
    "summary",
    "secret_summary",
    "field",
    "sub_field",
    "source",
    "owner_org_id",
    "center_id",
    "state",
    "trl",
    "team",
    "patents",
    "submitted_on",
    "created_at",
    "updated_at",
    "trl_evidence",
    "stage",
    "secret_parts",
    "ref_no",
    "entered_by",
];

const STEP_COLUMNS: &[&str] = &["result_id", "action", "from_state", "to_state", "actor_id", "actor_label", "comments", "at"];

/// One value to bind.
enum V<'a> {
    I(i64),
    N(Option<i64>),
    T(&'a str),
    O(String),
    S(Option<&'a str>),
}

fn json<T: serde::Serialize>(value: &T) -> StoreResult<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The values of one result, after its id, in [`COLUMNS`] order.
fn values<'a>(id: i64, r: &NewResult<'a>, ts: &'a str) -> StoreResult<Vec<V<'a>>> {
    let d = r.draft;
    Ok(vec![
        V::I(id),
        V::T(&d.title),
        V::T(&d.summary),
        V::T(&d.secret_summary),
        V::T(&d.field),
        V::T(&d.sub_field),
        V::T(d.source.as_str()),
        V::I(r.owner_org_id.get()),
        V::N(r.center_id.map(CenterId::get)),
        V::T(ResultState::Submitted.as_str()),
        V::I(i64::from(d.trl.level())),
        V::O(json(&d.team)?),
        V::O(json(&d.patents)?),
        V::O(r.submitted_on.to_string()),
        V::T(ts),
        V::T(ts),
        V::T(&d.trl_evidence),
        V::T(d.stage.as_str()),
        V::O(json(&d.secret_parts)?),
        V::S(d.ref_no.as_deref()),
        V::N(r.entered_by.map(UserId::get)),
    ])
}

/// What the audit trail keeps of a result: no trade secret content.
fn snapshot(id: i64, r: &NewResult<'_>) -> serde_json::Value {
    let d = r.draft;
    serde_json::json!({
        "id": id, "ref_no": d.ref_no, "title": d.title, "field": d.field, "sub_field": d.sub_field,
        "source": d.source, "owner_org_id": r.owner_org_id, "center_id": r.center_id, "state": ResultState::Submitted,
        "trl": d.trl.level(), "stage": d.stage, "secret_parts": d.secret_parts, "patents": d.patents.len(),
        "team": d.team.len(), "submitted_on": r.submitted_on.to_string(), "entered_by": r.entered_by,
    })
}

fn map_insert_error(e: sqlx::Error) -> StoreError {
    match &e {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "ref_no" },
        sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
        _ => StoreError::Db(e),
    }
}

/// Whether the connection speaks SQLite (else PostgreSQL).
fn is_sqlite(conn: &AnyConnection) -> bool {
    conn.backend_name().eq_ignore_ascii_case("sqlite")
}

/// Stores one result in state `submitted` with its first step and an audit
/// record; returns its id. A `ref_no` the center already has is
/// [`StoreError::Duplicate`] on `ref_no`; an unknown owner or center is
/// [`StoreError::NotFound`].
pub async fn create(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, r: &NewResult<'_>) -> StoreResult<ResultId> {
    let ts = format_ts(now);
    let placeholders: Vec<String> = (2..=COLUMNS.len()).map(|i| format!("${}", i - 1)).collect();
    let sql = format!(
        "INSERT INTO research_results ({}) VALUES ({}) RETURNING id",
        COLUMNS[1..].join(", "),
        placeholders.join(", ")
    );
    let mut q = sqlx::query_scalar::<_, i64>(&sql);
    for v in values(0, r, &ts)?.into_iter().skip(1) {
        q = match v {
            V::I(i) => q.bind(i),
            V::N(i) => q.bind(i),
            V::T(s) => q.bind(s),
            V::O(s) => q.bind(s),
            V::S(s) => q.bind(s),
        };
    }
    let id = q.fetch_one(&mut *conn).await.map_err(map_insert_error)?;
    sqlx::query(&format!(
        "INSERT INTO result_steps ({}) VALUES ($1, 'submit', '', $2, $3, $4, $5, $6)",
        STEP_COLUMNS.join(", ")
    ))
    .bind(id)
    .bind(ResultState::Submitted.as_str())
    .bind(actor.user_column())
    .bind(&actor.label)
    .bind("提交成果入库申请")
    .bind(&ts)
    .execute(&mut *conn)
    .await?;
    let change = Change {
        action: "result.submit",
        entity_type: "research_result",
        entity_id: id.to_string(),
        before: None,
        after: Some(snapshot(id, r)),
        reason: None,
    };
    audit::record(conn, actor, now, change).await?;
    Ok(ResultId::new(id))
}

/// The `ref_no`s a center already holds (to report duplicates before importing).
pub async fn ref_nos(pool: &AnyPool, center_id: CenterId) -> StoreResult<HashSet<String>> {
    let rows: Vec<String> =
        sqlx::query_scalar("SELECT ref_no FROM research_results WHERE center_id = $1 AND ref_no IS NOT NULL")
            .bind(center_id.get())
            .fetch_all(pool)
            .await?;
    Ok(rows.into_iter().collect())
}

/// Rows of one multi-row `INSERT`: SQLite binds at most 32,766 parameters a
/// statement, PostgreSQL 65,535; 1,000 rows keep statements of a few hundred KiB.
fn rows_per_statement(width: usize) -> usize {
    (30_000 / width).clamp(1, 1_000)
}

/// `INSERT INTO table (cols) VALUES (…), (…)` for `rows` rows. SQLite gets
/// plain `?` (it looks numbered parameters up in a list, so `$n` costs O(n²)
/// to bind), PostgreSQL `$n`.
fn insert_sql(table: &str, cols: &[&str], rows: usize, sqlite: bool) -> String {
    let mut sql = format!("INSERT INTO {table} ({}) VALUES ", cols.join(", "));
    let mut p = 0;
    for r in 0..rows {
        sql.push_str(if r == 0 { "(" } else { ", (" });
        for c in 0..cols.len() {
            p += 1;
            let sep = if c == 0 { "" } else { ", " };
            if sqlite {
                let _ = write!(sql, "{sep}?");
            } else {
                let _ = write!(sql, "{sep}${p}");
            }
        }
        sql.push(')');
    }
    sql
}

async fn execute_rows(conn: &mut AnyConnection, sql: &str, values: Vec<V<'_>>) -> StoreResult<()> {
    let mut q = sqlx::query(sql);
    for v in values {
        q = match v {
            V::I(i) => q.bind(i),
            V::N(i) => q.bind(i),
            V::T(s) => q.bind(s),
            V::O(s) => q.bind(s),
            V::S(s) => q.bind(s),
        };
    }
    q.execute(&mut *conn).await.map_err(map_insert_error)?;
    Ok(())
}

/// Ids for `n` new results. PostgreSQL hands them out from the table's
/// identity sequence (safe beside concurrent writers); on SQLite the caller's
/// write transaction is the only writer, so the ids after the largest are free.
async fn reserve_ids(conn: &mut AnyConnection, n: usize) -> StoreResult<Vec<i64>> {
    if is_sqlite(conn) {
        let max: Option<i64> = sqlx::query_scalar("SELECT MAX(id) FROM research_results").fetch_one(&mut *conn).await?;
        let base = max.unwrap_or(0);
        Ok((1..=n as i64).map(|i| base + i).collect())
    } else {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT nextval(pg_get_serial_sequence('research_results', 'id')) FROM generate_series(1, $1)",
        )
        .bind(n as i64)
        .fetch_all(&mut *conn)
        .await?;
        Ok(ids)
    }
}

/// Stores a list of results for `center_id` in state `submitted`, each with
/// its first step, and one audit record naming the import (`file_name`, the
/// count and the ids). Runs in the caller's transaction: commit it to keep
/// the list, drop it to keep nothing. `progress(done)` is told how many rows
/// are written after each statement. Returns the number stored.
///
/// A `ref_no` already taken in the center (or given twice in `rows`) is
/// [`StoreError::Duplicate`] on `ref_no`; a row for another center is refused.
pub async fn import(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center_id: CenterId,
    file_name: &str,
    rows: &[NewResult<'_>],
    mut progress: impl FnMut(usize),
) -> StoreResult<usize> {
    if let Some(other) = rows.iter().find(|r| r.center_id != Some(center_id)) {
        return Err(StoreError::Corrupt(format!(
            "an import into center {center_id} holds a row for center {:?}",
            other.center_id
        )));
    }
    if rows.is_empty() {
        return Ok(0);
    }
    let comments = format!("批量导入：{file_name}");
    let ids = write_rows(conn, actor, now, rows, &comments, &mut progress).await?;
    let first = ids.iter().min().copied();
    let last = ids.iter().max().copied();
    let change = Change {
        action: "result.import",
        entity_type: "center",
        entity_id: center_id.to_string(),
        before: None,
        after: Some(serde_json::json!({
            "file": file_name, "count": rows.len(), "first_id": first, "last_id": last,
            "ref_nos": rows.iter().filter(|r| r.draft.ref_no.is_some()).count(),
        })),
        reason: Some(&comments),
    };
    audit::record(conn, actor, now, change).await?;
    Ok(rows.len())
}

/// Stores a batch of results the platform writes itself across centers —
/// the demo's and the load benchmark's networks — in state `submitted`,
/// each with its first step, in the same chunked `INSERT`s as [`import`];
/// rows may go to different centers or to none. One audit record names the
/// batch (`label`, the count, the ids). Runs in the caller's transaction.
/// Returns the new ids in row order.
pub async fn import_batch(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    label: &str,
    rows: &[NewResult<'_>],
    mut progress: impl FnMut(usize),
) -> StoreResult<Vec<ResultId>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = write_rows(conn, actor, now, rows, label, &mut progress).await?;
    let centers: HashSet<Option<CenterId>> = rows.iter().map(|r| r.center_id).collect();
    let change = Change {
        action: "result.import",
        entity_type: "dataset",
        entity_id: label.to_owned(),
        before: None,
        after: Some(serde_json::json!({
            "count": rows.len(), "centers": centers.iter().flatten().count(),
            "first_id": ids.iter().min(), "last_id": ids.iter().max(),
        })),
        reason: Some(label),
    };
    audit::record(conn, actor, now, change).await?;
    Ok(ids.into_iter().map(ResultId::new).collect())
}

/// Writes `rows` and their first steps (commented `comments`) in chunked
/// `INSERT`s; returns their ids in row order.
async fn write_rows(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    rows: &[NewResult<'_>],
    comments: &str,
    progress: &mut impl FnMut(usize),
) -> StoreResult<Vec<i64>> {
    let sqlite = is_sqlite(conn);
    let ts = format_ts(now);
    let ids = reserve_ids(conn, rows.len()).await?;
    let per_result = rows_per_statement(COLUMNS.len());
    let per_step = rows_per_statement(STEP_COLUMNS.len());
    let full_sql = insert_sql("research_results", COLUMNS, per_result, sqlite);
    let mut done = 0;
    for (chunk, chunk_ids) in rows.chunks(per_result).zip(ids.chunks(per_result)) {
        let mut vals = Vec::with_capacity(chunk.len() * COLUMNS.len());
        for (r, id) in chunk.iter().zip(chunk_ids) {
            vals.extend(values(*id, r, &ts)?);
        }
        let sql = if chunk.len() == per_result {
            full_sql.clone()
        } else {
            insert_sql("research_results", COLUMNS, chunk.len(), sqlite)
        };
        execute_rows(conn, &sql, vals).await?;
        done += chunk.len();
        progress(done);
    }
    for chunk_ids in ids.chunks(per_step) {
        let mut vals = Vec::with_capacity(chunk_ids.len() * STEP_COLUMNS.len());
        for id in chunk_ids {
            vals.extend([
                V::I(*id),
                V::T("submit"),
                V::T(""),
                V::T(ResultState::Submitted.as_str()),
                V::N(actor.user_column()),
                V::T(&actor.label),
                V::T(comments),
                V::T(&ts),
            ]);
        }
        let sql = insert_sql("result_steps", STEP_COLUMNS, chunk_ids.len(), sqlite);
        execute_rows(conn, &sql, vals).await?;
    }
    Ok(ids)
}

#[cfg(test)]
#[allow(clippy::expect_used, clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn statements_stay_under_both_parameter_limits() {
        for width in [COLUMNS.len(), STEP_COLUMNS.len()] {
            let rows = rows_per_statement(width);
            assert!(rows * width <= 32_766, "{width} columns × {rows} rows");
        }
        assert_eq!(insert_sql("t", &["a", "b"], 2, true), "INSERT INTO t (a, b) VALUES (?, ?), (?, ?)");
        assert_eq!(insert_sql("t", &["a", "b"], 2, false), "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $4)");
    }

    use crate::testing::{fixture, fresh};
    use crate::Store;
    use pocnet_domain::library::intake::ResultInput;

    fn draft(ref_no: &str) -> ResultDraft {
        ResultInput {
            ref_no: ref_no.into(),
            title: "高安全固态锂电池电解质".into(),
            summary: "一种高离子电导率的硫化物固态电解质及其制备方法。".into(),
            secret_summary: "配方比例。".into(),
            field: "新能源".into(),
            sub_field: "前沿电池".into(),
            source: "高校".into(),
            team: vec!["张伟、李娜".into()],
            patents: vec!["CN202511140438.4:已授权".into()],
            trl: "5".into(),
            trl_evidence: "第三方检测报告".into(),
            stage: "样机".into(),
            secret_parts: vec!["研发团队".into()],
        }
        .parse()
        .unwrap()
    }

    async fn count(store: &Store, sql: &str) -> i64 {
        sqlx::query_scalar(sql).fetch_one(store.pool()).await.unwrap()
    }

    #[tokio::test]
    async fn create_stores_a_submitted_result_with_its_step_and_audit_and_refuses_a_taken_ref_no() {
        let (store, _dir) = fresh().await;
        let (univ, center) = fixture(&store).await;
        let d = draft("WZU-001");
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let new = NewResult { draft: &d, owner_org_id: univ, center_id: Some(center), submitted_on: day, entered_by: None };
        let mut tx = store.write().await.unwrap();
        let id = create(&mut tx, &Actor::system("test"), Utc::now(), &new).await.unwrap();
        tx.commit().await.unwrap();
        let (state, stage, patents, team, secret_parts, ref_no): (String, String, String, String, String, Option<String>) =
            sqlx::query_as("SELECT state, stage, patents, team, secret_parts, ref_no FROM research_results WHERE id = $1")
                .bind(id.get())
                .fetch_one(store.pool())
                .await
                .unwrap();
        assert_eq!((state.as_str(), stage.as_str()), ("submitted", "prototype"));
        assert_eq!(patents, r#"[{"number":"CN202511140438.4","status":"granted"}]"#);
        assert_eq!((team.as_str(), secret_parts.as_str()), (r#"["张伟","李娜"]"#, r#"["team"]"#));
        assert_eq!(ref_no.as_deref(), Some("WZU-001"));
        assert_eq!(count(&store, "SELECT COUNT(*) FROM result_steps WHERE action = 'submit' AND to_state = 'submitted'").await, 1);
        let audit: String = sqlx::query_scalar("SELECT after_json FROM audit_events WHERE action = 'result.submit'")
            .fetch_one(store.pool())
            .await
            .unwrap();
        assert!(audit.contains("WZU-001") && !audit.contains("配方"), "no secret in the trail: {audit}");

        let mut tx = store.write().await.unwrap();
        let again = create(&mut tx, &Actor::system("test"), Utc::now(), &new).await;
        assert!(matches!(again, Err(StoreError::Duplicate { field: "ref_no" })), "{again:?}");
        drop(tx);
        assert_eq!(ref_nos(store.pool(), center).await.unwrap().len(), 1);
        store.close().await;
    }

    #[tokio::test]
    async fn import_writes_every_row_in_chunks_with_one_audit_record_or_nothing() {
        let (store, _dir) = fresh().await;
        let (univ, center) = fixture(&store).await;
        let drafts: Vec<ResultDraft> = (0..2_345).map(|n| draft(&format!("R{n:05}"))).collect();
        let day = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let rows: Vec<NewResult<'_>> = drafts
            .iter()
            .map(|d| NewResult { draft: d, owner_org_id: univ, center_id: Some(center), submitted_on: day, entered_by: None })
            .collect();
        let mut seen = Vec::new();
        let mut tx = store.write().await.unwrap();
        let n = import(&mut tx, &Actor::system("test"), Utc::now(), center, "list.xlsx", &rows, |d| seen.push(d)).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(n, 2_345);
        assert_eq!(seen.last(), Some(&2_345));
        assert!(seen.len() >= 3, "{seen:?}");
        assert_eq!(count(&store, "SELECT COUNT(*) FROM research_results WHERE state = 'submitted'").await, 2_345);
        assert_eq!(count(&store, "SELECT COUNT(DISTINCT result_id) FROM result_steps").await, 2_345);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM audit_events WHERE action = 'result.import'").await, 1);

        // A single result afterwards gets the next id (PostgreSQL's sequence moved on).
        let one = draft("LATER");
        let new = NewResult { draft: &one, owner_org_id: univ, center_id: Some(center), submitted_on: day, entered_by: None };
        let mut tx = store.write().await.unwrap();
        create(&mut tx, &Actor::system("test"), Utc::now(), &new).await.unwrap();
        tx.commit().await.unwrap();

        // The same list again: refused, nothing of it kept.
        let mut tx = store.write().await.unwrap();
        let again = import(&mut tx, &Actor::system("test"), Utc::now(), center, "list.xlsx", &rows, |_| {}).await;
        assert!(matches!(again, Err(StoreError::Duplicate { field: "ref_no" })), "{again:?}");
        drop(tx);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM research_results").await, 2_346);
        assert_eq!(count(&store, "SELECT COUNT(*) FROM result_steps").await, 2_346);
        store.close().await;
    }
}
