//! Roadshows (路演) as each role works them: the bureau, or a center's operators for their own
//! center, schedule one, choose verified projects (shown by their public face only), invite
//! investors, funds, banks and 链主 enterprises, record who came or cancel it; every signed-in
//! account reads the programme (a roadshow is an announcement); the guest list is the
//! organiser's and the bureau's, and each invited unit sees its own invitation.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::finance::roadshow::{self as rules, InviteeKind, RawRoadshow, RoadshowDraft, RoadshowKind, RoadshowMode, RoadshowState};
use pocnet_domain::id::{CenterId, OrgId, ResultId, RoadshowId};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::finance::roadshows::{self as store, Invitee, Roadshow, RoadshowFilter, ShownProject};
use pocnet_store::{Page, Paged};
use serde::{Deserialize, Serialize};

/// A roadshow as scheduled (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RoadshowInput {
    /// `verified_results` (验证成果专项路演) or `industry_demand` (产业需求专场路演).
    pub kind: String,
    /// Theme, 2–100 characters.
    pub theme: String,
    /// Industry field code; empty for every field.
    #[serde(default)]
    pub field: String,
    /// Day (YYYY-MM-DD), from today to a year ahead.
    pub held_on: String,
    /// `onsite`, `online` or `hybrid`.
    pub mode: String,
    /// Place (onsite and hybrid).
    #[serde(default)]
    pub place: String,
    /// Agenda, how to join online.
    #[serde(default)]
    pub note: String,
    /// The organising center, when a center's operators organise (one their unit hosts).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = Option<i64>)]
    pub center_id: Option<i64>,
}

/// Who organises, for a caller that may: the bureau's unit, or a center its unit hosts.
async fn organiser(ctx: &Context, caller: &Caller, center: Option<i64>) -> Result<(OrgId, Option<CenterId>)> {
    let u = caller.user().ok_or(Error::Forbidden)?;
    match u.role {
        Role::Bureau => Ok((u.org_id, None)),
        Role::Center => {
            let hosted = pocnet_store::centers::hosted_by(ctx.store().pool(), u.org_id).await?;
            let chosen = match center {
                Some(c) => hosted.iter().find(|h| h.id.get() == c),
                None if hosted.len() == 1 => hosted.first(),
                None => return Err(FieldError::required("center_id", "主办中心").into()),
            };
            match chosen {
                Some(c) if c.is_public() => Ok((u.org_id, Some(c.id))),
                Some(_) => Err(Error::Rule { code: "center_not_listed", message: "列入创建名单或已认定的中心才能主办路演".into() }),
                None => Err(FieldError::new("center_id", "not_hosted", "所选中心不由本单位运营").into()),
            }
        }
        Role::County | Role::Expert | Role::Researcher | Role::Investor | Role::Manager => Err(Error::Forbidden),
    }
}

/// Schedules a roadshow (the bureau, or a center's operators).
pub async fn create(ctx: &Context, caller: &Caller, input: &RoadshowInput) -> Result<Roadshow> {
    let (org, center) = organiser(ctx, caller, input.center_id).await?;
    let raw = RawRoadshow { kind: &input.kind, theme: &input.theme, field: &input.field, held_on: &input.held_on, mode: &input.mode, place: &input.place, note: &input.note };
    let draft = RoadshowDraft::parse(&raw, ctx.today()).map_err(Error::Invalid)?;
    let mut tx = ctx.store().write().await?;
    let id = store::create(&mut tx, &caller.actor(), ctx.now(), org, center, &draft).await?;
    let r = store::get(&mut *tx, id).await?;
    tx.commit().await?;
    Ok(r)
}

/// Whether the caller manages a roadshow: its organising unit's bureau or center operators, and the bureau for any.
fn manages(caller: &Caller, r: &Roadshow) -> bool {
    match caller.user() {
        None => true,
        Some(u) => u.role == Role::Bureau || (u.role == Role::Center && u.org_id == r.organiser_org_id),
    }
}

/// Reads a roadshow the caller manages (404 for one it may not know of, 403 for one it only reads).
async fn managed(ctx: &Context, caller: &Caller, id: RoadshowId) -> Result<Roadshow> {
    let r = read(ctx, caller, id).await?;
    if manages(caller, &r) {
        Ok(r)
    } else {
        Err(Error::Forbidden)
    }
}

/// A roadshow any signed-in account may read.
async fn read(ctx: &Context, caller: &Caller, id: RoadshowId) -> Result<Roadshow> {
    if caller.user().is_some_and(|u| u.role == Role::Expert) {
        // Experts review; they are neither organisers nor guests.
        return Err(Error::NotFound);
    }
    Ok(store::get(ctx.store().pool(), id).await?)
}

/// Which roadshows a list shows (query string or JSON).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// `coming` (from today, soonest first; the default) or `past` (latest first).
    #[serde(default)]
    pub when: Option<String>,
    /// One kind.
    #[serde(default)]
    pub kind: Option<String>,
    /// Only those the caller's unit organises.
    #[serde(default)]
    pub mine: Option<String>,
}

impl ListQuery {
    /// Whether the past ones are asked for.
    pub fn past(&self) -> bool {
        self.when.as_deref() == Some("past")
    }
}

/// A page of roadshows (every signed-in account but experts).
pub async fn list(ctx: &Context, caller: &Caller, q: &ListQuery, page: Page) -> Result<Paged<Roadshow>> {
    let u = caller.user();
    if u.is_some_and(|u| u.role == Role::Expert) {
        return Err(Error::Forbidden);
    }
    let kind = match q.kind.as_deref().filter(|k| !k.is_empty()) {
        Some(k) => Some(RoadshowKind::parse(k).map_err(|_| FieldError::unknown_value("kind", "路演类型"))?),
        None => None,
    };
    let today = ctx.today();
    let filter = RoadshowFilter {
        from: (!q.past()).then_some(today),
        before: q.past().then_some(today),
        organiser: if q.mine.as_deref().is_some_and(|m| !m.is_empty() && m != "0" && m != "false") { u.map(|u| u.org_id) } else { None },
        kind,
    };
    Ok(store::list(ctx.store().pool(), &filter, page).await?)
}

/// A roadshow's page as one caller may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoadshowView {
    /// The roadshow.
    pub roadshow: Roadshow,
    /// The projects it shows (public face only).
    pub projects: Vec<ShownProject>,
    /// The guests with their attendance (organiser and bureau only; empty otherwise).
    pub invitees: Vec<Invitee>,
    /// The caller's unit's own invitation, if invited.
    pub my_invitation: Option<Invitee>,
    /// Whether the caller manages it.
    pub may_manage: bool,
    /// Why its programme may not change now, if it may not.
    pub programme_closed: Option<String>,
    /// Why attendance may not be recorded now, if it may not.
    pub attendance_closed: Option<String>,
    /// Whether the caller may express interest in its projects (an investor).
    pub may_express_interest: bool,
}

/// A roadshow with its programme; guests for its managers; the caller's own invitation.
pub async fn view(ctx: &Context, caller: &Caller, id: RoadshowId) -> Result<RoadshowView> {
    let r = read(ctx, caller, id).await?;
    let pool = ctx.store().pool();
    let may_manage = manages(caller, &r);
    let all = store::invitees(pool, id).await?;
    let my_invitation = caller.user().and_then(|u| all.iter().find(|i| i.org_id == u.org_id).cloned());
    Ok(RoadshowView {
        projects: store::projects(pool, id).await?,
        invitees: if may_manage { all } else { Vec::new() },
        my_invitation,
        may_manage,
        programme_closed: rules::may_change_programme(r.state).err().map(str::to_owned),
        attendance_closed: rules::may_record_attendance(r.state, r.held_on, ctx.today()).err().map(str::to_owned),
        may_express_interest: caller.user().is_some_and(|u| u.role == Role::Investor) && r.state != RoadshowState::Cancelled,
        roadshow: r,
    })
}

/// The verified projects a roadshow's manager may still add, newest first (up to 200): a center's
/// own; for the bureau's, those with the fund's priority — both in the roadshow's field, if it has
/// one. None while the programme is closed or for a caller who does not manage it.
pub async fn candidates(ctx: &Context, v: &RoadshowView) -> Result<Vec<pocnet_store::results::ResultSummary>> {
    if !v.may_manage || v.programme_closed.is_some() {
        return Ok(Vec::new());
    }
    let r = &v.roadshow;
    let filter = pocnet_store::results::ResultFilter {
        center_id: r.center_id,
        fund_priority: r.center_id.is_none(),
        field: (!r.field.is_empty()).then(|| r.field.clone()),
        ..Default::default()
    };
    let page = Page::new(Some(1), Some(200));
    let found = pocnet_store::results::list(ctx.store().pool(), pocnet_store::results::ResultScope::Verified, &filter, "submitted_on", pocnet_store::SortDir::Desc, page).await?;
    Ok(found.items.into_iter().filter(|p| !v.projects.iter().any(|s| s.result_id == p.id)).collect())
}

/// A project to show (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProjectInput {
    /// The project: verified or handed off; a center shows its own projects.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub result_id: Option<i64>,
}

/// Adds a verified project to a planned roadshow (its managers).
pub async fn add_project(ctx: &Context, caller: &Caller, id: RoadshowId, input: &ProjectInput) -> Result<RoadshowView> {
    let r = managed(ctx, caller, id).await?;
    rules::may_change_programme(r.state).map_err(|m| Error::Conflict { code: "roadshow_not_planned", message: m.into(), field: None })?;
    let rid = ResultId::new(input.result_id.ok_or_else(|| FieldError::required("result_id", "项目"))?);
    let p = match pocnet_store::library::pipeline::get(ctx.store().pool(), rid).await {
        Ok(p) => p,
        Err(pocnet_store::StoreError::NotFound) => return Err(FieldError::new("result_id", "not_found", "没有这个项目").into()),
        Err(e) => return Err(e.into()),
    };
    if !p.state.verified_for_investors() {
        return Err(FieldError::new("result_id", "not_verified", "只有已完成验证（或已推送中试）的项目才能参加路演").into());
    }
    if let Some(c) = r.center_id {
        if p.center_id != Some(c) {
            return Err(FieldError::new("result_id", "not_this_centers", "中心主办的路演只能推介本中心验证的项目").into());
        }
    }
    let mut tx = ctx.store().write().await?;
    store::add_project(&mut tx, &caller.actor(), ctx.now(), id, rid).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict { code: "already_shown", message: "该项目已在本场路演中".into(), field: Some("result_id".into()) },
        e => e.into(),
    })?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Takes a project off a planned roadshow (its managers).
pub async fn remove_project(ctx: &Context, caller: &Caller, id: RoadshowId, result: ResultId) -> Result<RoadshowView> {
    let r = managed(ctx, caller, id).await?;
    rules::may_change_programme(r.state).map_err(|m| Error::Conflict { code: "roadshow_not_planned", message: m.into(), field: None })?;
    let mut tx = ctx.store().write().await?;
    store::remove_project(&mut tx, &caller.actor(), ctx.now(), id, result).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// A guest to invite (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct InviteInput {
    /// The unit.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub org_id: Option<i64>,
    /// `investor`, `fund`, `bank` or `chain_leader` (a unit of the matching kind).
    pub kind: String,
}

/// Invites a unit to a planned roadshow (its managers).
pub async fn invite(ctx: &Context, caller: &Caller, id: RoadshowId, input: &InviteInput) -> Result<RoadshowView> {
    let r = managed(ctx, caller, id).await?;
    rules::may_change_programme(r.state).map_err(|m| Error::Conflict { code: "roadshow_not_planned", message: m.into(), field: None })?;
    let kind = InviteeKind::parse(input.kind.trim()).map_err(|_| FieldError::unknown_value("kind", "嘉宾类别"))?;
    let org = OrgId::new(input.org_id.ok_or_else(|| FieldError::required("org_id", "受邀单位"))?);
    let unit = match pocnet_store::orgs::get(ctx.store().pool(), org).await {
        Ok(o) => o,
        Err(pocnet_store::StoreError::NotFound) => return Err(FieldError::new("org_id", "not_found", "没有这个单位").into()),
        Err(e) => return Err(e.into()),
    };
    if !kind.fits(unit.kind) {
        return Err(FieldError::new("kind", "kind_mismatch", format!("{}是{}，不能作为“{}”邀请", unit.name, unit.kind.label_zh(), kind.label_zh())).into());
    }
    let mut tx = ctx.store().write().await?;
    store::invite(&mut tx, &caller.actor(), ctx.now(), id, org, kind).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict { code: "already_invited", message: "该单位已受邀".into(), field: Some("org_id".into()) },
        e => e.into(),
    })?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Who came (JSON or form: the units that attended; every other guest is recorded absent).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AttendanceInput {
    /// The units that came.
    #[serde(default)]
    pub attended: Vec<i64>,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Records who came, on or after the day (its managers); the roadshow is then held.
pub async fn record_attendance(ctx: &Context, caller: &Caller, id: RoadshowId, input: &AttendanceInput) -> Result<RoadshowView> {
    let r = managed(ctx, caller, id).await?;
    let version = crate::input::version(input.version)?;
    rules::may_record_attendance(r.state, r.held_on, ctx.today()).map_err(|m| Error::Rule { code: "attendance_not_open", message: m.into() })?;
    let guests = store::invitees(ctx.store().pool(), id).await?;
    let came: Vec<OrgId> = input.attended.iter().map(|o| OrgId::new(*o)).collect();
    if let Some(stranger) = came.iter().find(|o| !guests.iter().any(|g| g.org_id == **o)) {
        return Err(FieldError::new("attended", "not_invited", format!("单位 {stranger} 未受邀参加本场路演")).into());
    }
    let mut tx = ctx.store().write().await?;
    store::record_attendance(&mut tx, &caller.actor(), ctx.now(), id, version, &came).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Cancelling a roadshow.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CancelInput {
    /// Why, 2–200 characters.
    pub reason: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Cancels a planned roadshow with its reason (its managers).
pub async fn cancel(ctx: &Context, caller: &Caller, id: RoadshowId, input: &CancelInput) -> Result<RoadshowView> {
    let r = managed(ctx, caller, id).await?;
    let reason = pocnet_domain::validation::text("reason", "取消原因", &input.reason, 2, 200)?;
    let version = crate::input::version(input.version)?;
    rules::may_change_programme(r.state).map_err(|m| Error::Conflict { code: "roadshow_not_planned", message: m.into(), field: None })?;
    let mut tx = ctx.store().write().await?;
    store::cancel(&mut tx, &caller.actor(), ctx.now(), id, version, &reason).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// The kinds, modes and guest kinds as forms offer them.
pub fn choices() -> (&'static [RoadshowKind], &'static [RoadshowMode], &'static [InviteeKind]) {
    (RoadshowKind::ALL, RoadshowMode::ALL, InviteeKind::ALL)
}
