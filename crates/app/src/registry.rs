//! A center's own record (中心档案): registering a center, its details, its
//! file (service team, equipment, funds, advisory experts, declarations),
//! evidence documents, and the live eligibility check against a policy
//! profile — and who may see or change which (one rule, [`standing`]).

use crate::{Caller, Context, Error, Result};
use pocnet_domain::center::CenterKind;
use pocnet_domain::eligibility::{self, Eligibility};
use pocnet_domain::id::{CenterId, ExpertId, OrgId};
use pocnet_domain::policy::StageKind;
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::centers::{self, Center, CenterDraft, CenterScope};
use pocnet_store::registry::{self, FileEdit};
use serde::Deserialize;

/// What a caller may do with a center.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Access {
    /// See the public card (recognized or listed, active centers).
    Public,
    /// See the whole file (the county department of its region).
    Read,
    /// Edit the file (its host unit's operators) — and, for the bureau, supervise.
    Manage,
}

/// The caller's standing toward a center; `NotFound` when it may not even
/// know of it. Every role is named: a new role does not compile until it is
/// given its standing here.
pub fn standing(caller: Option<&Caller>, c: &Center) -> Result<Access> {
    let public = || if c.is_public() { Ok(Access::Public) } else { Err(Error::NotFound) };
    let user = match caller {
        None => return public(),
        Some(Caller::Console { .. }) => return Ok(Access::Manage),
        Some(Caller::User { user, .. }) => user,
    };
    match user.role {
        Role::Bureau => Ok(Access::Manage),
        Role::Center if user.org_id == c.host_org_id => Ok(Access::Manage),
        Role::County if user.org_region == c.region => Ok(Access::Read),
        Role::Center | Role::County | Role::Expert | Role::Researcher | Role::Investor | Role::Manager => public(),
    }
}

/// Which centers a caller's registry list shows — the list form of
/// [`standing`]: the public (and every role without more) the recognized and
/// listed ones; a county department also its region's; an operator also its
/// own; the bureau and the console all. Every role is named.
pub fn scope_for(caller: Option<&Caller>) -> CenterScope {
    let user = match caller {
        None => return CenterScope::Public,
        Some(Caller::Console { .. }) => return CenterScope::All,
        Some(Caller::User { user, .. }) => user,
    };
    match user.role {
        Role::Bureau => CenterScope::All,
        Role::County => CenterScope::PublicAndRegion(user.org_region),
        Role::Center => CenterScope::PublicAndHost(user.org_id),
        Role::Expert | Role::Researcher | Role::Investor | Role::Manager => CenterScope::Public,
    }
}

/// Reads a center and requires `need` of the caller.
pub async fn load(ctx: &Context, caller: Option<&Caller>, id: CenterId, need: Access) -> Result<(Center, Access)> {
    let c = centers::get(ctx.store().pool(), id).await?;
    let a = standing(caller, &c)?;
    if a < need {
        return Err(if a == Access::Public && caller.is_some() { Error::Forbidden } else { Error::NotFound });
    }
    Ok((c, a))
}

/// The catalogue a center's fields and results are checked against: its
/// profile's own, or, under no profile yet, every loaded profile's of its kind.
pub fn catalogue_of(ctx: &Context, c: &Center) -> pocnet_domain::catalogue::Catalogue {
    ctx.catalogue_for(c.kind, c.profile_id.as_deref())
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
    fn parse(&self, ctx: &Context, profile_id: Option<&str>) -> Result<CenterDraft> {
        let name = text("name", "中心名称", &self.name, 4, 60)?;
        let kind = CenterKind::parse(&self.kind).map_err(|_| FieldError::unknown_value("kind", "平台类型"))?;
        let known = ctx.catalogue_for(kind, profile_id);
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

/// Registers a center: an operator for its own unit, the bureau (or the console) for any.
pub async fn create(ctx: &Context, caller: &Caller, input: &CenterInput) -> Result<Center> {
    caller.require(&[Role::Center, Role::Bureau])?;
    let draft = input.parse(ctx, None)?;
    let host = match (caller.user(), input.host_org_id) {
        (Some(u), _) if u.role == Role::Center => u.org_id,
        (_, Some(h)) => OrgId::new(h),
        (_, None) => return Err(FieldError::required("host_org_id", "依托单位").into()),
    };
    let mut tx = ctx.store().write().await?;
    let c = centers::create(&mut tx, &caller.actor(), ctx.now(), host, &draft).await?;
    tx.commit().await?;
    Ok(c)
}

/// Edits a center's details (its operators, the bureau).
pub async fn update(ctx: &Context, caller: &Caller, id: CenterId, input: &CenterInput) -> Result<Center> {
    let (c, _) = load(ctx, Some(caller), id, Access::Manage).await?;
    let draft = input.parse(ctx, c.profile_id.as_deref())?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    let c = centers::update(&mut tx, &caller.actor(), ctx.now(), id, version, &draft).await?;
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
    fn parse(&self, ctx: &Context) -> Result<FileEdit> {
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
            "add_advisor" => FileEdit::AddAdvisor { expert_id: ExpertId::new(self.expert_id.ok_or_else(|| FieldError::required("expert_id", "专家"))?) },
            "declare" => {
                let code = self.code.clone().unwrap_or_default();
                let known = ctx.policies().iter().flat_map(|p| p.stages.iter()).flat_map(|s| s.criteria.iter()).any(|c| c.declaration && c.code == code);
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
pub async fn edit_file(ctx: &Context, caller: &Caller, id: CenterId, input: &FileInput) -> Result<()> {
    load(ctx, Some(caller), id, Access::Manage).await?;
    let edit = input.parse(ctx)?;
    let mut tx = ctx.store().write().await?;
    registry::edit(&mut tx, &caller.actor(), ctx.now(), id, input.version, &edit).await?;
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

/// An evidence document as uploaded.
#[derive(Debug, Clone, Copy)]
pub struct Evidence<'a> {
    /// What it proves (a declared fact or a declaration criterion).
    pub topic: &'a str,
    /// The file's name.
    pub filename: &'a str,
    /// The file.
    pub content: &'a [u8],
    /// The largest document accepted, in bytes (the installation's setting).
    pub max_bytes: usize,
}

/// Checks and stores an uploaded evidence document.
pub async fn upload(ctx: &Context, caller: &Caller, id: CenterId, e: Evidence<'_>) -> Result<registry::Document> {
    let Evidence { topic, filename, content, max_bytes } = e;
    load(ctx, Some(caller), id, Access::Manage).await?;
    let topic = topic.trim();
    if !evidence_topics(ctx).iter().any(|(c, _)| c == topic) {
        return Err(FieldError::unknown_value("topic", "证明事项").into());
    }
    let filename = text("file", "文件名", filename, 1, 200)?;
    if content.is_empty() {
        return Err(FieldError::required("file", "文件").into());
    }
    if content.len() > max_bytes {
        return Err(FieldError::new("file", "too_large", format!("文件不能超过{}MB", max_bytes / 1024 / 1024)).into());
    }
    let mime = sniff_mime(content).ok_or_else(|| FieldError::new("file", "unsupported_type", "只接受PDF、PNG或JPEG文件"))?;
    let mut tx = ctx.store().write().await?;
    let doc = registry::attach_document(&mut tx, &caller.actor(), ctx.now(), id, topic, &filename, mime, content).await?;
    tx.commit().await?;
    Ok(doc)
}

/// What evidence can be about: declared facts and declaration criteria of the loaded profiles.
pub fn evidence_topics(ctx: &Context) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for p in ctx.policies() {
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
pub async fn check(ctx: &Context, center_id: CenterId, profile_id: &str, kind: StageKind) -> Result<Eligibility> {
    let profile = ctx.profile(profile_id).ok_or_else(|| FieldError::unknown_value("profile", "政策配置"))?;
    let records = registry::records_of(ctx.store().pool(), center_id).await?;
    eligibility::check(profile, kind, &records)
        .ok_or_else(|| FieldError::new("kind", "stage_missing", format!("该政策配置没有“{}”阶段", kind.label_zh())).into())
}

/// The profile a center is checked against by default: the one it was
/// recognized under, else the first of its kind.
pub fn default_profile<'a>(ctx: &'a Context, c: &Center) -> Option<&'a pocnet_domain::policy::Profile> {
    pocnet_domain::policy::governing(ctx.policies(), c.kind, c.level, c.profile_id.as_deref())
}
