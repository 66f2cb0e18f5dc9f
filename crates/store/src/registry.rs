//! A center's registry records (中心档案): service team, equipment, funds,
//! advisory experts, declarations and evidence documents — and the summary
//! of everything the platform holds about a center that the eligibility
//! criteria read ([`records`]).

use crate::audit::{self, Change};
use crate::batch::{Cell, Rows};
use crate::column::{Code, Instant};
use crate::{centers, format_ts, Actor, StoreError, StoreResult};
use chrono::{DateTime, Utc};
use pocnet_domain::eligibility::CenterRecords;
use pocnet_domain::id::{CenterId, DocumentId, EquipmentId, ExpertId, FinanceId, StaffId};
use pocnet_domain::money::Yuan;
use serde::Serialize;
use pocnet_domain::research_result::ResultState;
use sha2::{Digest, Sha256};
use sqlx::{AnyConnection, AnyPool, FromRow};
use std::collections::BTreeMap;

/// A member of the service team.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct StaffMember {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: StaffId,
    /// Name.
    pub name: String,
    /// Position (岗位).
    pub position: String,
    /// 1 if full-time (专职).
    pub fulltime: i64,
    /// 1 if a technology manager (技术经理人).
    pub tech_manager: i64,
}

/// An instrument, piece of equipment or software.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Equipment {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: EquipmentId,
    /// Name.
    pub name: String,
    /// Original value.
    #[sqlx(try_from = "i64")]
    pub value_yuan: Yuan,
}

/// Special funds of a year (kind `special_funds`) or an own/partner fund (kind `fund`).
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Finance {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: FinanceId,
    // No domain enum names these two (the edit's kind is a &'static str too).
    /// `special_funds` or `fund`.
    pub kind: String,
    /// Year, for special funds.
    pub year: Option<i64>,
    /// Name of the fund (or a note).
    pub name: String,
    /// Amount.
    #[sqlx(try_from = "i64")]
    pub amount_yuan: Yuan,
}

/// An advisory expert of the center.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Advisor {
    /// Expert id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub expert_id: ExpertId,
    /// Name.
    pub name: String,
    /// Kind code.
    #[sqlx(try_from = "Code<pocnet_domain::expert::ExpertKind>")]
    #[schema(value_type = String)]
    pub kind: pocnet_domain::expert::ExpertKind,
    /// Organisation name.
    pub org_name: String,
    /// 1 if from outside the host unit.
    pub external: i64,
}

/// An evidence document.
#[derive(Debug, Clone, Serialize, FromRow, utoipa::ToSchema)]
pub struct Document {
    /// Id.
    #[sqlx(try_from = "i64")]
    #[schema(value_type = i64)]
    pub id: DocumentId,
    /// Fact or criterion code it supports.
    pub topic: String,
    /// File name as uploaded.
    pub filename: String,
    /// SHA-256 of the content (content address).
    pub sha256: String,
    /// Media type.
    pub mime: String,
    /// Size in bytes.
    pub size: i64,
    /// When (UTC).
    #[sqlx(try_from = "Instant")]
    #[serde(serialize_with = "crate::time::serde_ts::instant")]
    #[schema(value_type = String)]
    pub uploaded_at: DateTime<Utc>,
}

/// Everything of a center's file, for its page and the API.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CenterFile {
    /// Service team.
    pub staff: Vec<StaffMember>,
    /// Equipment.
    pub equipment: Vec<Equipment>,
    /// Funds.
    pub finances: Vec<Finance>,
    /// Advisory experts.
    pub advisors: Vec<Advisor>,
    /// Declarations: criterion code → 1 yes / 0 no.
    pub declarations: BTreeMap<String, i64>,
    /// Evidence documents.
    pub documents: Vec<Document>,
}

/// Reads a center's file.
pub async fn file(pool: &AnyPool, center_id: CenterId) -> StoreResult<CenterFile> {
    let center_id = center_id.get();
    let staff = sqlx::query_as("SELECT id, name, position, fulltime, tech_manager FROM center_staff WHERE center_id = $1 ORDER BY id")
        .bind(center_id)
        .fetch_all(pool)
        .await?;
    let equipment = sqlx::query_as("SELECT id, name, value_yuan FROM center_equipment WHERE center_id = $1 ORDER BY id")
        .bind(center_id)
        .fetch_all(pool)
        .await?;
    let finances = sqlx::query_as(
        "SELECT id, kind, year, name, amount_yuan FROM center_finances WHERE center_id = $1 ORDER BY kind, year, id",
    )
    .bind(center_id)
    .fetch_all(pool)
    .await?;
    let advisors = sqlx::query_as(
        "SELECT e.id AS expert_id, e.name, e.kind, o.name AS org_name, \
         CASE WHEN e.org_id <> c.host_org_id THEN 1 ELSE 0 END AS external \
         FROM center_advisors a JOIN experts e ON e.id = a.expert_id JOIN organisations o ON o.id = e.org_id \
         JOIN centers c ON c.id = a.center_id WHERE a.center_id = $1 ORDER BY e.name",
    )
    .bind(center_id)
    .fetch_all(pool)
    .await?;
    let declarations: Vec<(String, i64)> =
        sqlx::query_as("SELECT criterion_code, value FROM center_declarations WHERE center_id = $1")
            .bind(center_id)
            .fetch_all(pool)
            .await?;
    let documents = sqlx::query_as(
        "SELECT d.id, d.topic, d.filename, d.sha256, b.mime, b.size, d.uploaded_at FROM center_documents d \
         JOIN blobs b ON b.sha256 = d.sha256 WHERE d.center_id = $1 ORDER BY d.topic, d.id",
    )
    .bind(center_id)
    .fetch_all(pool)
    .await?;
    Ok(CenterFile { staff, equipment, finances, advisors, declarations: declarations.into_iter().collect(), documents })
}

/// One edit of a center's file.
#[derive(Debug, Clone)]
pub enum FileEdit {
    /// Adds a team member.
    AddStaff {
        /// Name.
        name: String,
        /// Position.
        position: String,
        /// Full-time.
        fulltime: bool,
        /// Technology manager.
        tech_manager: bool,
    },
    /// Adds equipment.
    AddEquipment {
        /// Name.
        name: String,
        /// Original value.
        value_yuan: Yuan,
    },
    /// Adds a year's special funds or a fund.
    AddFinance {
        /// `special_funds` or `fund`.
        kind: &'static str,
        /// Year (special funds).
        year: Option<i64>,
        /// Name.
        name: String,
        /// Amount.
        amount_yuan: Yuan,
    },
    /// Adds a library expert to the advisory team.
    AddAdvisor {
        /// Expert id.
        expert_id: ExpertId,
    },
    /// Answers a declaration criterion.
    Declare {
        /// Criterion code.
        code: String,
        /// Yes or no.
        value: bool,
    },
    /// Removes a row (`staff`, `equipment`, `finance`, `advisor`, `document`) by id.
    Remove {
        /// Which list.
        list: &'static str,
        /// Row id of that list (an expert id for advisors: the lists'
        /// ids are of different kinds, so this one stays a plain integer).
        id: i64,
    },
}

impl FileEdit {
    fn action(&self) -> &'static str {
        match self {
            FileEdit::AddStaff { .. } => "center.staff.add",
            FileEdit::AddEquipment { .. } => "center.equipment.add",
            FileEdit::AddFinance { .. } => "center.finance.add",
            FileEdit::AddAdvisor { .. } => "center.advisor.add",
            FileEdit::Declare { .. } => "center.declare",
            FileEdit::Remove { .. } => "center.file.remove",
        }
    }

    fn describe(&self) -> serde_json::Value {
        match self {
            FileEdit::AddStaff { name, position, fulltime, tech_manager } => {
                serde_json::json!({"name": name, "position": position, "fulltime": fulltime, "tech_manager": tech_manager})
            }
            FileEdit::AddEquipment { name, value_yuan } => serde_json::json!({"name": name, "value_yuan": value_yuan}),
            FileEdit::AddFinance { kind, year, name, amount_yuan } => {
                serde_json::json!({"kind": kind, "year": year, "name": name, "amount_yuan": amount_yuan})
            }
            FileEdit::AddAdvisor { expert_id } => serde_json::json!({"expert_id": expert_id}),
            FileEdit::Declare { code, value } => serde_json::json!({"code": code, "value": value}),
            FileEdit::Remove { list, id } => serde_json::json!({"list": list, "id": id}),
        }
    }
}

/// Applies one edit to a center's file (with its audit record); `expected_version`
/// (when given) must be the center's current version, else a conflict.
pub async fn edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center: CenterId,
    expected_version: Option<i64>,
    e: &FileEdit,
) -> StoreResult<()> {
    centers::touch(&mut *conn, center, expected_version, now).await?;
    let center_id = center.get();
    let ts = format_ts(now);
    match e {
        FileEdit::AddStaff { name, position, fulltime, tech_manager } => {
            sqlx::query("INSERT INTO center_staff (center_id, name, position, fulltime, tech_manager, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(center_id)
                .bind(name)
                .bind(position)
                .bind(i64::from(*fulltime))
                .bind(i64::from(*tech_manager))
                .bind(&ts)
                .execute(&mut *conn)
                .await?;
        }
        FileEdit::AddEquipment { name, value_yuan } => {
            sqlx::query("INSERT INTO center_equipment (center_id, name, value_yuan, created_at) VALUES ($1, $2, $3, $4)")
                .bind(center_id)
                .bind(name)
                .bind(value_yuan.get())
                .bind(&ts)
                .execute(&mut *conn)
                .await?;
        }
        FileEdit::AddFinance { kind, year, name, amount_yuan } => {
            if *kind == "special_funds" {
                let dup: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM center_finances WHERE center_id = $1 AND kind = 'special_funds' AND year = $2")
                    .bind(center_id)
                    .bind(year)
                    .fetch_one(&mut *conn)
                    .await?;
                if dup > 0 {
                    return Err(StoreError::Duplicate { field: "year" });
                }
            }
            sqlx::query("INSERT INTO center_finances (center_id, kind, year, name, amount_yuan, created_at) VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(center_id)
                .bind(*kind)
                .bind(year)
                .bind(name)
                .bind(amount_yuan.get())
                .bind(&ts)
                .execute(&mut *conn)
                .await?;
        }
        FileEdit::AddAdvisor { expert_id } => {
            sqlx::query("INSERT INTO center_advisors (center_id, expert_id, added_at) VALUES ($1, $2, $3)")
                .bind(center_id)
                .bind(expert_id.get())
                .bind(&ts)
                .execute(&mut *conn)
                .await
                .map_err(|e| match &e {
                    sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Duplicate { field: "expert_id" },
                    sqlx::Error::Database(db) if db.is_foreign_key_violation() => StoreError::NotFound,
                    _ => StoreError::Db(e),
                })?;
        }
        FileEdit::Declare { code, value } => {
            sqlx::query("DELETE FROM center_declarations WHERE center_id = $1 AND criterion_code = $2")
                .bind(center_id)
                .bind(code)
                .execute(&mut *conn)
                .await?;
            sqlx::query("INSERT INTO center_declarations (center_id, criterion_code, value, updated_at) VALUES ($1, $2, $3, $4)")
                .bind(center_id)
                .bind(code)
                .bind(i64::from(*value))
                .bind(&ts)
                .execute(&mut *conn)
                .await?;
        }
        FileEdit::Remove { list, id } => {
            let sql = match *list {
                "staff" => "DELETE FROM center_staff WHERE center_id = $1 AND id = $2",
                "equipment" => "DELETE FROM center_equipment WHERE center_id = $1 AND id = $2",
                "finance" => "DELETE FROM center_finances WHERE center_id = $1 AND id = $2",
                "advisor" => "DELETE FROM center_advisors WHERE center_id = $1 AND expert_id = $2",
                "document" => "DELETE FROM center_documents WHERE center_id = $1 AND id = $2",
                _ => return Err(StoreError::NotFound),
            };
            let done = sqlx::query(sql).bind(center_id).bind(id).execute(&mut *conn).await?;
            if done.rows_affected() == 0 {
                return Err(StoreError::NotFound);
            }
        }
    }
    audit::record(
        conn,
        actor,
        now,
        Change { action: e.action(), entity_type: "center", entity_id: center_id.to_string(), before: None, after: Some(e.describe()), reason: None },
    )
    .await
}

/// Keeps a file's bytes once under their SHA-256 (the same bytes attached
/// twice are stored once); returns the digest.
pub(crate) async fn keep_blob(conn: &mut AnyConnection, mime: &str, content: &[u8], ts: &str) -> StoreResult<String> {
    let sha = hex::encode(Sha256::digest(content));
    let exists: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM blobs WHERE sha256 = $1").bind(&sha).fetch_one(&mut *conn).await?;
    if exists == 0 {
        sqlx::query("INSERT INTO blobs (sha256, mime, size, content, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(&sha)
            .bind(mime)
            .bind(content.len() as i64)
            .bind(content.to_vec())
            .bind(ts)
            .execute(&mut *conn)
            .await?;
    }
    Ok(sha)
}

/// Stores `content` content-addressed and attaches it to a center as evidence on `topic`.
#[allow(clippy::too_many_arguments)]
pub async fn attach_document(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    center: CenterId,
    topic: &str,
    filename: &str,
    mime: &str,
    content: &[u8],
) -> StoreResult<Document> {
    centers::touch(&mut *conn, center, None, now).await?;
    let center_id = center.get();
    let ts = format_ts(now);
    let sha = keep_blob(&mut *conn, mime, content, &ts).await?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO center_documents (center_id, topic, filename, sha256, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(center_id)
    .bind(topic)
    .bind(filename)
    .bind(&sha)
    .bind(actor.user_column())
    .bind(&ts)
    .fetch_one(&mut *conn)
    .await?;
    let doc = Document {
        id: DocumentId::new(id),
        topic: topic.to_owned(),
        filename: filename.to_owned(),
        sha256: sha.clone(),
        mime: mime.to_owned(),
        size: content.len() as i64,
        uploaded_at: now,
    };
    audit::record(
        conn,
        actor,
        now,
        Change {
            action: "center.document.attach",
            entity_type: "center",
            entity_id: center_id.to_string(),
            before: None,
            after: Some(serde_json::json!({"document_id": id, "topic": topic, "filename": filename, "sha256": sha, "size": content.len()})),
            reason: None,
        },
    )
    .await?;
    Ok(doc)
}

/// Adds to many centers' files at once, for a network the platform writes
/// itself (the load benchmark's 500 centers): the rows go in chunked
/// multi-row `INSERT`s, each center's version moves on once, and one audit
/// record names the batch (`label` and the count per kind). Additions and
/// declarations only (a declaration replaces the center's earlier answer);
/// a removal is refused. Runs in the caller's transaction.
pub async fn edit_many(conn: &mut AnyConnection, actor: &Actor, now: DateTime<Utc>, label: &str, edits: &[(CenterId, FileEdit)]) -> StoreResult<usize> {
    let ts = format_ts(now);
    let sqlite = conn.backend_name().eq_ignore_ascii_case("sqlite");
    let mut staff = Rows::new("center_staff", &["center_id", "name", "position", "fulltime", "tech_manager", "created_at"], sqlite);
    let mut equipment = Rows::new("center_equipment", &["center_id", "name", "value_yuan", "created_at"], sqlite);
    let mut finances = Rows::new("center_finances", &["center_id", "kind", "year", "name", "amount_yuan", "created_at"], sqlite);
    let mut advisors = Rows::new("center_advisors", &["center_id", "expert_id", "added_at"], sqlite);
    let mut declarations = Rows::new("center_declarations", &["center_id", "criterion_code", "value", "updated_at"], sqlite);
    let mut centers: Vec<CenterId> = edits.iter().map(|(c, _)| *c).collect();
    centers.sort_unstable();
    centers.dedup();
    let mut declared: BTreeMap<CenterId, Vec<&str>> = BTreeMap::new();
    for c in &centers {
        centers::touch(&mut *conn, *c, None, now).await?;
    }
    for (center, e) in edits {
        if let FileEdit::Declare { code, .. } = e {
            declared.entry(*center).or_default().push(code);
        }
    }
    // A declaration replaces the center's earlier answer.
    for (center, codes) in &declared {
        for chunk in codes.chunks(500) {
            let marks: Vec<String> = (0..chunk.len()).map(|i| if sqlite { "?".to_owned() } else { format!("${}", i + 2) }).collect();
            let sql = format!("DELETE FROM center_declarations WHERE center_id = {} AND criterion_code IN ({})", if sqlite { "?" } else { "$1" }, marks.join(", "));
            let mut q = sqlx::query(&sql).bind(center.get());
            for code in chunk {
                q = q.bind(*code);
            }
            q.execute(&mut *conn).await?;
        }
    }
    for (center, e) in edits {
        let center = &center.get();
        match e {
            FileEdit::AddStaff { name, position, fulltime, tech_manager } => staff.push(vec![
                Cell::I(*center),
                Cell::T(name.clone()),
                Cell::T(position.clone()),
                Cell::I(i64::from(*fulltime)),
                Cell::I(i64::from(*tech_manager)),
                Cell::T(ts.clone()),
            ]),
            FileEdit::AddEquipment { name, value_yuan } => {
                equipment.push(vec![Cell::I(*center), Cell::T(name.clone()), Cell::I(value_yuan.get()), Cell::T(ts.clone())])
            }
            FileEdit::AddFinance { kind, year, name, amount_yuan } => finances.push(vec![
                Cell::I(*center),
                Cell::T((*kind).to_owned()),
                Cell::N(*year),
                Cell::T(name.clone()),
                Cell::I(amount_yuan.get()),
                Cell::T(ts.clone()),
            ]),
            FileEdit::AddAdvisor { expert_id } => advisors.push(vec![Cell::I(*center), Cell::I(expert_id.get()), Cell::T(ts.clone())]),
            FileEdit::Declare { code, value } => {
                declarations.push(vec![Cell::I(*center), Cell::T(code.clone()), Cell::I(i64::from(*value)), Cell::T(ts.clone())])
            }
            FileEdit::Remove { .. } => return Err(StoreError::Corrupt("a batch of file edits only adds".into())),
        }
        for t in [&mut staff, &mut equipment, &mut finances, &mut advisors, &mut declarations] {
            t.flush_if_full(&mut *conn).await?;
        }
    }
    let mut counts = serde_json::Map::new();
    for t in [&mut staff, &mut equipment, &mut finances, &mut advisors, &mut declarations] {
        t.flush(&mut *conn).await?;
        counts.insert(t.table.to_owned(), serde_json::json!(t.written));
    }
    counts.insert("centers".into(), serde_json::json!(centers.len()));
    let change = Change {
        action: "center.file.batch",
        entity_type: "dataset",
        entity_id: label.to_owned(),
        before: None,
        after: Some(serde_json::Value::Object(counts)),
        reason: Some(label),
    };
    audit::record(conn, actor, now, change).await?;
    Ok(edits.len())
}

/// Attaches the same evidence (`content`, stored once, content-addressed) to
/// many centers at once as `(center, topic, filename)`, for a network the
/// platform writes itself; chunked `INSERT`s, each center's version moved on
/// once, one audit record naming the batch. Runs in the caller's transaction.
pub async fn attach_many(
    conn: &mut AnyConnection,
    actor: &Actor,
    now: DateTime<Utc>,
    label: &str,
    mime: &str,
    content: &[u8],
    documents: &[(CenterId, String, String)],
) -> StoreResult<usize> {
    let ts = format_ts(now);
    let sqlite = conn.backend_name().eq_ignore_ascii_case("sqlite");
    let sha = keep_blob(&mut *conn, mime, content, &ts).await?;
    let mut centers: Vec<CenterId> = documents.iter().map(|(c, _, _)| *c).collect();
    centers.sort_unstable();
    centers.dedup();
    for c in &centers {
        centers::touch(&mut *conn, *c, None, now).await?;
    }
    let mut rows = Rows::new("center_documents", &["center_id", "topic", "filename", "sha256", "uploaded_by", "uploaded_at"], sqlite);
    for (center, topic, filename) in documents {
        rows.push(vec![Cell::I(center.get()), Cell::T(topic.clone()), Cell::T(filename.clone()), Cell::T(sha.clone()), Cell::N(actor.user_column()), Cell::T(ts.clone())]);
        rows.flush_if_full(&mut *conn).await?;
    }
    rows.flush(&mut *conn).await?;
    let change = Change {
        action: "center.document.batch",
        entity_type: "dataset",
        entity_id: label.to_owned(),
        before: None,
        after: Some(serde_json::json!({"documents": rows.written, "centers": centers.len(), "sha256": sha, "size": content.len()})),
        reason: Some(label),
    };
    audit::record(conn, actor, now, change).await?;
    Ok(rows.written)
}

/// A document's content, if it belongs to the center.
pub async fn document_content(pool: &AnyPool, center_id: CenterId, document_id: DocumentId) -> StoreResult<(Document, Vec<u8>)> {
    #[derive(FromRow)]
    struct Full {
        id: i64,
        topic: String,
        filename: String,
        sha256: String,
        mime: String,
        size: i64,
        #[sqlx(try_from = "Instant")]
        uploaded_at: DateTime<Utc>,
        content: Vec<u8>,
    }
    let f: Full = sqlx::query_as(
        "SELECT d.id, d.topic, d.filename, d.sha256, b.mime, b.size, d.uploaded_at, b.content FROM center_documents d \
         JOIN blobs b ON b.sha256 = d.sha256 WHERE d.center_id = $1 AND d.id = $2",
    )
    .bind(center_id.get())
    .bind(document_id.get())
    .fetch_optional(pool)
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((
        Document { id: DocumentId::new(f.id), topic: f.topic, filename: f.filename, sha256: f.sha256, mime: f.mime, size: f.size, uploaded_at: f.uploaded_at },
        f.content,
    ))
}

/// `sql` for one center (`$1` bound to its id): each `($1 IS NULL OR x = $1)` becomes `(x = $1)`, so
/// SQLite's planner (which plans before it sees `$1`) searches the center's index instead of walking
/// every center's rows; for every center (`one` false) the statement is unchanged.
fn for_one(sql: &str, one: bool) -> String {
    const OPEN: &str = "($1 IS NULL OR ";
    if !one {
        return sql.to_owned();
    }
    let (mut out, mut rest) = (String::with_capacity(sql.len()), sql);
    while let Some(i) = rest.find(OPEN) {
        out.push_str(&rest[..i]);
        let after = &rest[i + OPEN.len()..];
        let Some(j) = after.find(')') else { return sql.to_owned() };
        out.push('(');
        out.push_str(&after[..j]);
        out.push(')');
        rest = &after[j + 1..];
    }
    out.push_str(rest);
    out
}

/// The summary the eligibility criteria read, for one center or (with `None`)
/// every center, in a fixed number of grouped queries whatever the count.
pub async fn records(pool: &AnyPool, center: Option<CenterId>) -> StoreResult<BTreeMap<CenterId, CenterRecords>> {
    let mut conn = pool.acquire().await?;
    records_in(&mut conn, center).await
}

/// [`records`] on one connection, e.g. inside the transaction that is
/// writing them (the demo's history freezes eligibility as it goes).
pub async fn records_in(conn: &mut AnyConnection, center: Option<CenterId>) -> StoreResult<BTreeMap<CenterId, CenterRecords>> {
    let mut by_id: BTreeMap<i64, CenterRecords> = BTreeMap::new();
    let out = &mut by_id;
    let center = center.map(CenterId::get);
    let one = center.is_some();
    let base: Vec<(i64, String, Option<i64>, String, String)> =
        sqlx::query_as(&for_one("SELECT id, fields, floor_area_m2, stage, status FROM centers WHERE ($1 IS NULL OR id = $1)", one))
            .bind(center)
            .fetch_all(&mut *conn)
            .await?;
    for (id, fields, area, stage, status) in base {
        let fields: Vec<String> = serde_json::from_str(&fields).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // 已纳入创建名单 (003 四(二)1): the creation list is a record — a creation
        // approved (创建中) or a later stage — of a center still active.
        let on_creation_list = status == "active" && !matches!(stage.as_str(), "applying");
        out.insert(id, CenterRecords { fields, floor_area_m2: area, on_creation_list, ..Default::default() });
    }
    // 累计入库: the states of ResultState::ever_in_library, the one definition every count uses.
    let ever: Vec<String> = ResultState::ALL.iter().filter(|s| s.ever_in_library()).map(|s| format!("'{}'", s.as_str())).collect();
    let library: Vec<(i64, i64)> = sqlx::query_as(&for_one(&format!(
        "SELECT center_id, COUNT(*) FROM research_results WHERE center_id IS NOT NULL AND ($1 IS NULL OR center_id = $1) \
         AND state IN ({}) GROUP BY center_id",
        ever.join(", ")
    ), one))
    .bind(center)
    .fetch_all(&mut *conn)
    .await?;
    for (id, n) in library {
        if let Some(r) = out.get_mut(&id) {
            r.library_projects = n;
        }
    }
    let outcomes: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(&for_one(
        "SELECT r.center_id, \
         COUNT(DISTINCT CASE WHEN o.kind IN ('prototype', 'product') THEN r.id END), \
         COUNT(DISTINCT CASE WHEN o.kind = 'landed_transfer' THEN r.id END), \
         COUNT(DISTINCT CASE WHEN r.state IN ('verified', 'handed_off') AND o.kind IN ('service_contract', \
             'patent_after_prototype', 'equity_financing', 'licence_transfer', 'company_incubated') THEN r.id END), \
         CAST(COALESCE(SUM(CASE WHEN o.kind = 'service_contract' THEN o.amount_yuan ELSE 0 END), 0) AS BIGINT) \
         FROM result_outcomes o JOIN research_results r ON r.id = o.result_id \
         WHERE r.center_id IS NOT NULL AND ($1 IS NULL OR r.center_id = $1) GROUP BY r.center_id",
        one,
    ))
    .bind(center)
    .fetch_all(&mut *conn)
    .await?;
    for (id, proto, landed, qualifying, income) in outcomes {
        if let Some(r) = out.get_mut(&id) {
            r.prototyped_or_productized = proto;
            r.landed_projects = landed;
            r.qualifying_completed_verifications = qualifying;
            r.service_income_yuan = income;
        }
    }
    let advisors: Vec<(i64, i64, i64)> = sqlx::query_as(&for_one(
        "SELECT a.center_id, COUNT(*), CAST(SUM(CASE WHEN e.org_id <> c.host_org_id THEN 1 ELSE 0 END) AS BIGINT) \
         FROM center_advisors a JOIN experts e ON e.id = a.expert_id JOIN centers c ON c.id = a.center_id \
         WHERE ($1 IS NULL OR a.center_id = $1) GROUP BY a.center_id",
        one,
    ))
    .bind(center)
    .fetch_all(&mut *conn)
    .await?;
    for (id, n, external) in advisors {
        if let Some(r) = out.get_mut(&id) {
            r.advisory_experts = n;
            r.advisory_external = external;
        }
    }
    let staff: Vec<(i64, i64, i64, i64, i64)> = sqlx::query_as(&for_one(
        "SELECT center_id, COUNT(*), CAST(SUM(fulltime) AS BIGINT), CAST(SUM(tech_manager) AS BIGINT), \
         CAST(SUM(fulltime * tech_manager) AS BIGINT) FROM center_staff WHERE ($1 IS NULL OR center_id = $1) GROUP BY center_id",
        one,
    ))
    .bind(center)
    .fetch_all(&mut *conn)
    .await?;
    for (id, n, fulltime, tm, ft_tm) in staff {
        if let Some(r) = out.get_mut(&id) {
            r.staff = n;
            r.fulltime_staff = fulltime;
            r.tech_managers = tm;
            r.fulltime_tech_managers = ft_tm;
        }
    }
    let equipment: Vec<(i64, i64)> = sqlx::query_as(&for_one(
        "SELECT center_id, CAST(SUM(value_yuan) AS BIGINT) FROM center_equipment WHERE ($1 IS NULL OR center_id = $1) GROUP BY center_id",
        one,
    ))
    .bind(center)
    .fetch_all(&mut *conn)
    .await?;
    for (id, v) in equipment {
        if let Some(r) = out.get_mut(&id) {
            r.equipment_value_yuan = v;
        }
    }
    let finances: Vec<(i64, String, Option<i64>, i64)> = sqlx::query_as(&for_one(
        "SELECT center_id, kind, year, amount_yuan FROM center_finances WHERE ($1 IS NULL OR center_id = $1)",
        one,
    ))
    .bind(center)
    .fetch_all(&mut *conn)
    .await?;
    for (id, kind, year, amount) in finances {
        if let Some(r) = out.get_mut(&id) {
            match (kind.as_str(), year) {
                ("special_funds", Some(y)) => {
                    *r.special_funds_by_year.entry(y as i32).or_default() += amount;
                }
                ("fund", _) => r.fund_size_yuan = Some(r.fund_size_yuan.unwrap_or(0) + amount),
                _ => {}
            }
        }
    }
    let topics: Vec<(i64, String)> =
        sqlx::query_as(&for_one("SELECT DISTINCT center_id, topic FROM center_documents WHERE ($1 IS NULL OR center_id = $1)", one))
            .bind(center)
            .fetch_all(&mut *conn)
            .await?;
    for (id, topic) in topics {
        if let Some(r) = out.get_mut(&id) {
            r.evidence_topics.insert(topic);
        }
    }
    let declared: Vec<(i64, String, i64)> =
        sqlx::query_as(&for_one("SELECT center_id, criterion_code, value FROM center_declarations WHERE ($1 IS NULL OR center_id = $1)", one))
            .bind(center)
            .fetch_all(&mut *conn)
            .await?;
    for (id, code, value) in declared {
        if let Some(r) = out.get_mut(&id) {
            r.declarations.insert(code, value != 0);
        }
    }
    Ok(by_id.into_iter().map(|(id, r)| (CenterId::new(id), r)).collect())
}

/// The summary for one center.
pub async fn records_of(pool: &AnyPool, center_id: CenterId) -> StoreResult<CenterRecords> {
    records(pool, Some(center_id)).await?.remove(&center_id).ok_or(StoreError::NotFound)
}
