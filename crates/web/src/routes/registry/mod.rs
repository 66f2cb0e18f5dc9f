//! A center's own record (中心档案): its details, service team, equipment,
//! funds, advisory experts, declarations and evidence documents, and the live
//! eligibility check against any loaded policy profile. Pages in [`html`],
//! JSON in [`api`]; both go through the functions here.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::AppState;
use axum::Router;
use pocnet_domain::center::CenterKind;
use pocnet_domain::eligibility::{self, Eligibility};
use pocnet_domain::policy::StageKind;
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::centers::{self, Center, CenterDraft};
use pocnet_store::registry::{self, FileEdit};
use serde::Deserialize;

pub(crate) fn router() -> Router<AppState> {
    Router::new().merge(api::router()).merge(html::router())
}

/// What a caller may do with a center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// See the public card (recognized, active centers).
    Public,
    /// See the whole file (the county department of its region).
    Read,
    /// Edit the file (its host unit's operators) — and, for the bureau, supervise.
    Manage,
}

/// The caller's access to a center; `NotFound` when it may not even know of it.
pub fn access(me: Option<&CurrentUser>, c: &Center) -> AppResult<Access> {
    let a = match me.map(|m| &m.user) {
        Some(u) if u.role == Role::Bureau => Access::Manage,
        Some(u) if u.role == Role::Center && u.org_id == c.host_org_id => Access::Manage,
        Some(u) if u.role == Role::County && u.org_region == c.region => Access::Read,
        _ if c.is_public() => Access::Public,
        _ => return Err(AppError::NotFound),
    };
    Ok(a)
}

/// Reads a center and requires `need` of the caller.
pub async fn load(state: &AppState, me: Option<&CurrentUser>, id: i64, need: Access) -> AppResult<(Center, Access)> {
    let c = centers::get(state.store().pool(), id).await?;
    let a = access(me, &c)?;
    if a < need {
        return Err(if a == Access::Public && me.is_some() { AppError::Forbidden } else { AppError::NotFound });
    }
    Ok((c, a))
}

/// The catalogue a center's fields and results are checked against: its
/// profile's own, or, under no profile yet, every loaded profile's of its kind.
pub fn catalogue_of(state: &AppState, c: &Center) -> pocnet_domain::catalogue::Catalogue {
    pocnet_domain::catalogue::for_center(&state.config().policies, c.kind, c.profile_id.as_deref())
}

/// Every catalogue code of the loaded profiles, with its label.
/// Sub-fields follow their field (`领域 · 细分领域`): a center may serve a
/// sub-field (000 二(一) 眼脑健康、人形机器人 …), which coverage counts.
pub fn catalogue_labels(state: &AppState) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in state.config().policies.iter() {
        for f in &p.catalogue {
            if !out.iter().any(|(c, _)| *c == f.code) {
                out.push((f.code.clone(), f.label.clone()));
            }
            for (code, label) in &f.sub_fields {
                if !out.iter().any(|(c, _)| c == code) {
                    out.push((code.clone(), format!("{} · {label}", f.label)));
                }
            }
        }
    }
    out
}

/// The label of a field code in any loaded catalogue.
pub fn field_label(state: &AppState, code: &str) -> String {
    for p in state.config().policies.iter() {
        for f in &p.catalogue {
            if f.code == code {
                return f.label.clone();
            }
            if let Some((_, l)) = f.sub_fields.iter().find(|(c, _)| c == code) {
                return l.clone();
            }
        }
    }
    code.to_owned()
}

/// Labels of several field codes.
pub fn field_labels(state: &AppState, codes: &[String]) -> String {
    codes.iter().map(|c| field_label(state, c)).collect::<Vec<_>>().join("、")
}

/// A center's details as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CenterInput {
    /// Name (the official one is assigned on recognition).
    pub name: String,
    /// `poc_center` or `pilot_platform`.
    pub kind: String,
    /// Industry field codes (at least one).
    #[serde(default)]
    pub fields: Vec<String>,
    /// Administrative director (行政主任).
    pub admin_director: String,
    /// Technical director (技术主任).
    pub tech_director: String,
    /// What it verifies.
    pub summary: String,
    /// Floor area in m² (declared).
    pub floor_area_m2: Option<i64>,
    /// Host unit (bureau only; operators register for their own unit).
    pub host_org_id: Option<i64>,
    /// When editing: the version read.
    pub version: Option<i64>,
}

impl CenterInput {
    /// Parses the input; the fields (and sub-fields) must be in the catalogue
    /// of the profile the center is under (`profile_id`), or in any loaded
    /// catalogue of its kind before it is under one.
    fn parse(&self, state: &AppState, profile_id: Option<&str>) -> AppResult<CenterDraft> {
        let name = text("name", "中心名称", &self.name, 4, 60)?;
        let kind = CenterKind::parse(&self.kind).map_err(|_| FieldError::unknown_value("kind", "平台类型"))?;
        let known = pocnet_domain::catalogue::for_center(&state.config().policies, kind, profile_id);
        if self.fields.is_empty() {
            return Err(FieldError::required("fields", "服务产业领域").into());
        }
        let mut fields = Vec::new();
        for f in &self.fields {
            if !known.contains(f) {
                return Err(FieldError::new("fields", "unknown_value", format!("服务产业领域“{f}”不在适用的产业目录中")).into());
            }
            if !fields.contains(f) {
                fields.push(f.clone());
            }
        }
        if let Some(a) = self.floor_area_m2 {
            if !(0..=10_000_000).contains(&a) {
                return Err(FieldError::new("floor_area_m2", "out_of_range", "场地面积须在0至10,000,000平方米之间").into());
            }
        }
        Ok(CenterDraft {
            name,
            kind,
            fields,
            admin_director: text("admin_director", "行政主任", &self.admin_director, 0, 30)?,
            tech_director: text("tech_director", "技术主任", &self.tech_director, 0, 30)?,
            summary: text("summary", "简介", &self.summary, 0, 2000)?,
            floor_area_m2: self.floor_area_m2,
        })
    }
}

/// Registers a center: an operator for its own unit, the bureau for any.
pub async fn create(state: &AppState, me: &CurrentUser, input: &CenterInput) -> AppResult<Center> {
    me.require(&[Role::Center, Role::Bureau])?;
    let draft = input.parse(state, None)?;
    let host = match (me.role(), input.host_org_id) {
        (Role::Bureau, Some(h)) => h,
        (Role::Bureau, None) => return Err(FieldError::required("host_org_id", "依托单位").into()),
        _ => me.user.org_id,
    };
    let mut tx = state.store().write().await?;
    let c = centers::create(&mut tx, &me.actor(), state.now(), host, &draft).await?;
    tx.commit().await?;
    Ok(c)
}

/// Edits a center's details (its operators, the bureau).
pub async fn update(state: &AppState, me: &CurrentUser, id: i64, input: &CenterInput) -> AppResult<Center> {
    let (c, _) = load(state, Some(me), id, Access::Manage).await?;
    let draft = input.parse(state, c.profile_id.as_deref())?;
    let version = input.version.ok_or_else(|| FieldError::required("version", "版本号"))?;
    let mut tx = state.store().write().await?;
    let c = centers::update(&mut tx, &me.actor(), state.now(), id, version, &draft).await?;
    tx.commit().await?;
    Ok(c)
}

/// One edit of a center's file, as sent by a form or the API.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct FileInput {
    /// `add_staff`, `add_equipment`, `add_special_funds`, `add_fund`, `add_advisor`, `declare` or `remove`.
    pub op: String,
    /// Name (staff, equipment, fund).
    pub name: Option<String>,
    /// Position (staff).
    pub position: Option<String>,
    /// Full-time (staff): `true`/`1`/`on`.
    pub fulltime: Option<String>,
    /// Technology manager (staff).
    pub tech_manager: Option<String>,
    /// Amount or value in yuan (equipment, funds).
    pub amount_yuan: Option<String>,
    /// Year (special funds).
    pub year: Option<i64>,
    /// Expert id (advisor).
    pub expert_id: Option<i64>,
    /// Criterion code (declare).
    pub code: Option<String>,
    /// `yes` or `no` (declare).
    pub value: Option<String>,
    /// `staff`, `equipment`, `finance`, `advisor` or `document` (remove).
    pub list: Option<String>,
    /// Row id (remove; expert id for advisors).
    pub id: Option<i64>,
    /// The center's version read (optional; when given, a stale one is a conflict).
    pub version: Option<i64>,
}

fn flag(v: &Option<String>) -> bool {
    matches!(v.as_deref().map(str::trim), Some("true" | "1" | "on" | "yes"))
}

impl FileInput {
    fn parse(&self, state: &AppState) -> AppResult<FileEdit> {
        let name = |label: &str| text("name", label, self.name.as_deref().unwrap_or(""), 1, 100);
        let amount = |label: &str| pocnet_domain::money::parse_yuan("amount_yuan", label, self.amount_yuan.as_deref().unwrap_or(""));
        Ok(match self.op.as_str() {
            "add_staff" => FileEdit::AddStaff {
                name: name("姓名")?,
                position: text("position", "岗位", self.position.as_deref().unwrap_or(""), 0, 60)?,
                fulltime: flag(&self.fulltime),
                tech_manager: flag(&self.tech_manager),
            },
            "add_equipment" => FileEdit::AddEquipment { name: name("设备名称")?, value_yuan: amount("设备原值")? },
            "add_special_funds" => {
                let year = self.year.ok_or_else(|| FieldError::required("year", "年度"))?;
                if !(2000..=2100).contains(&year) {
                    return Err(FieldError::new("year", "out_of_range", "年度须在2000至2100之间").into());
                }
                FileEdit::AddFinance {
                    kind: "special_funds",
                    year: Some(year),
                    name: text("name", "说明", self.name.as_deref().unwrap_or(""), 0, 100)?,
                    amount_yuan: amount("专项资金")?,
                }
            }
            "add_fund" => FileEdit::AddFinance { kind: "fund", year: None, name: name("基金名称")?, amount_yuan: amount("基金规模")? },
            "add_advisor" => FileEdit::AddAdvisor { expert_id: self.expert_id.ok_or_else(|| FieldError::required("expert_id", "专家"))? },
            "declare" => {
                let code = self.code.clone().unwrap_or_default();
                let known = state.config().policies.iter().flat_map(|p| p.stages.iter()).flat_map(|s| s.criteria.iter()).any(|c| c.declaration && c.code == code);
                if !known {
                    return Err(FieldError::unknown_value("code", "声明事项").into());
                }
                let value = match self.value.as_deref() {
                    Some("yes" | "true" | "1") => true,
                    Some("no" | "false" | "0") => false,
                    _ => return Err(FieldError::unknown_value("value", "声明（是/否）").into()),
                };
                FileEdit::Declare { code, value }
            }
            "remove" => {
                let list = match self.list.as_deref() {
                    Some("staff") => "staff",
                    Some("equipment") => "equipment",
                    Some("finance") => "finance",
                    Some("advisor") => "advisor",
                    Some("document") => "document",
                    _ => return Err(FieldError::unknown_value("list", "删除的列表").into()),
                };
                FileEdit::Remove { list, id: self.id.ok_or_else(|| FieldError::required("id", "记录编号"))? }
            }
            _ => return Err(FieldError::unknown_value("op", "操作").into()),
        })
    }
}

/// Applies one edit of a center's file.
pub async fn edit_file(state: &AppState, me: &CurrentUser, id: i64, input: &FileInput) -> AppResult<()> {
    load(state, Some(me), id, Access::Manage).await?;
    let edit = input.parse(state)?;
    let mut tx = state.store().write().await?;
    registry::edit(&mut tx, &me.actor(), state.now(), id, input.version, &edit).await?;
    tx.commit().await?;
    Ok(())
}

/// Evidence types accepted, by magic number: PDF, PNG, JPEG.
pub fn sniff_mime(content: &[u8]) -> Option<&'static str> {
    if content.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if content.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if content.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Checks and stores an uploaded evidence document.
pub async fn upload(state: &AppState, me: &CurrentUser, id: i64, topic: &str, filename: &str, content: &[u8]) -> AppResult<registry::Document> {
    load(state, Some(me), id, Access::Manage).await?;
    let topic = topic.trim();
    if !evidence_topics(state).iter().any(|(c, _)| c == topic) {
        return Err(FieldError::unknown_value("topic", "证明事项").into());
    }
    let filename = text("file", "文件名", filename, 1, 200)?;
    if content.is_empty() {
        return Err(FieldError::required("file", "文件").into());
    }
    if content.len() > state.config().max_upload_bytes {
        return Err(FieldError::new("file", "too_large", format!("文件不能超过{}MB", state.config().max_upload_bytes / 1024 / 1024)).into());
    }
    let mime = sniff_mime(content).ok_or_else(|| FieldError::new("file", "unsupported_type", "只接受PDF、PNG或JPEG文件"))?;
    let mut tx = state.store().write().await?;
    let doc = registry::attach_document(&mut tx, &me.actor(), state.now(), id, topic, &filename, mime, content).await?;
    tx.commit().await?;
    Ok(doc)
}

/// What evidence can be about: declared facts and declaration criteria of the loaded profiles.
pub fn evidence_topics(state: &AppState) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in state.config().policies.iter() {
        for s in &p.stages {
            for c in &s.criteria {
                if c.declaration {
                    if !out.iter().any(|(k, _)| *k == c.code) {
                        out.push((c.code.clone(), c.label.clone()));
                    }
                } else {
                    for cond in &c.any_of {
                        if !cond.fact.from_records() && !out.iter().any(|(k, _)| k == cond.fact.as_str()) {
                            out.push((cond.fact.as_str().to_owned(), cond.fact.label_zh().to_owned()));
                        }
                    }
                }
            }
        }
    }
    out
}

/// Checks a center against a profile's stage.
pub async fn check(state: &AppState, center_id: i64, profile_id: &str, kind: StageKind) -> AppResult<Eligibility> {
    let profile = state.profile(profile_id).ok_or_else(|| FieldError::unknown_value("profile", "政策配置"))?;
    let records = registry::records_of(state.store().pool(), center_id).await?;
    eligibility::check(profile, kind, &records)
        .ok_or_else(|| FieldError::new("kind", "stage_missing", format!("该政策配置没有“{}”阶段", kind.label_zh())).into())
}

/// The profile a center is checked against by default: the one it was
/// recognized under, else the first of its kind.
pub fn default_profile<'a>(state: &'a AppState, c: &Center) -> Option<&'a pocnet_domain::policy::Profile> {
    pocnet_domain::policy::governing(&state.config().policies, c.kind, c.level, c.profile_id.as_deref())
}
