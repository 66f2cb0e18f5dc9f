//! Assigning a project manager to a library project, the log it keeps, and its exit.
//!
//! Who stands where: the operators of the platform whose project it is assign, record and exit; the
//! manager records and exits while it carries the project (and sees the project's trade secrets
//! then, [`pocnet_domain::library::secrecy::Standing::ProjectManager`]); the bureau reads every
//! assignment; nobody else learns of one (404).

use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::{CenterId, ResultId};
use pocnet_domain::library::secrecy::Standing;
use pocnet_domain::managers::assignment::{AssignmentState, EntryDraft, ExitDraft, ExitRoute, RawEntry};
use pocnet_domain::research_result::ResultState;
use pocnet_domain::role::Role;
use pocnet_domain::validation::multiline;
use pocnet_domain::FieldError;
use pocnet_store::managers::assignments::{self as store, ManagerAssignment, AssignmentFilter, ManagerEntry, NewAssignment};
use pocnet_store::managers::ManagerScope;
use pocnet_store::users::User;
use pocnet_store::{Page, Paged, StoreError};
use serde::{Deserialize, Serialize};

/// How a caller stands to one assignment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    /// The bureau: reads.
    Authority,
    /// The platform's operators (or the console): read, record, exit.
    Platform,
    /// The manager itself: reads; records and exits while it carries the project.
    Manager,
}

fn side(caller: &Caller, a: &ManagerAssignment) -> Option<Side> {
    let Some(u) = caller.user() else { return Some(Side::Platform) };
    match u.role {
        Role::Bureau => Some(Side::Authority),
        Role::Center => (a.center_host_org_id == u.org_id.get()).then_some(Side::Platform),
        Role::Manager => (a.manager_id == u.id.get()).then_some(Side::Manager),
        Role::County | Role::Expert | Role::Researcher | Role::Investor => None,
    }
}

/// The library states in which a project may get a manager: from screening (入库决策) until its
/// verification is done (a project handed off, stopped or turned down has no course left to steer).
pub fn may_be_managed(state: ResultState) -> bool {
    matches!(state, ResultState::Screening | ResultState::Admitted | ResultState::Verifying | ResultState::Verified)
}

/// An assignment as sent (JSON or form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct AssignInput {
    /// The project (library result id).
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub result_id: Option<i64>,
    /// The manager's login name (an active 项目经理人 account).
    #[serde(default)]
    pub manager: String,
    /// 任务说明: what the platform asks of the manager (up to 500 characters).
    #[serde(default)]
    pub brief: String,
}

/// A log entry as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EntryInput {
    /// `decision`, `task`, `progress` or `resource`.
    #[serde(default)]
    pub kind: String,
    /// For a decision: `advance`, `adjust` or `pause`.
    #[serde(default)]
    pub decision: String,
    /// 内容, 2–1,000 characters.
    #[serde(default)]
    pub body: String,
}

/// An exit as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ExitInput {
    /// `pilot_handoff`, `transfer`, `financed`, `stopped` or `reassigned`.
    #[serde(default)]
    pub route: String,
    /// 退出说明, 2–500 characters.
    #[serde(default)]
    pub reason: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// An assignment's page for one caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssignmentView {
    /// The assignment.
    pub assignment: ManagerAssignment,
    /// Its log, oldest first.
    pub entries: Vec<ManagerEntry>,
    /// Whether the caller may add to the log and exit now.
    pub may_work: bool,
    /// What happens next, or why nothing may be done, in words.
    pub next: String,
}

fn next_words(a: &ManagerAssignment, s: Side) -> String {
    match (a.state, s) {
        (AssignmentState::Exited, _) => format!(
            "已于{}退出（{}）：{}",
            a.exited_on.map(|d| d.to_string()).unwrap_or_default(),
            a.exit_route.map(ExitRoute::label_zh).unwrap_or_default(),
            a.exit_reason
        ),
        (AssignmentState::Active, Side::Authority) => "跟进中。由平台和项目经理人记录决策、任务分解、进度和资源协调；市科技局只读。".into(),
        (AssignmentState::Active, _) => format!(
            "跟进中，上次记录于{}。请及时记录项目决策、任务分解、进度控制和资源协调；项目转入中试、转化落地、获得投资或终止时办理退出。",
            a.last_entry_on
        ),
    }
}

async fn load(ctx: &Context, caller: &Caller, id: i64) -> Result<(ManagerAssignment, Side)> {
    let a = store::get(ctx.store().pool(), id).await?;
    match side(caller, &a) {
        Some(s) => Ok((a, s)),
        None => Err(Error::NotFound),
    }
}

/// One assignment with its log.
pub async fn view(ctx: &Context, caller: &Caller, id: i64) -> Result<AssignmentView> {
    let (a, s) = load(ctx, caller, id).await?;
    let entries = store::entries(ctx.store().pool(), id).await?;
    Ok(AssignmentView { may_work: s != Side::Authority && a.state == AssignmentState::Active, next: next_words(&a, s), entries, assignment: a })
}

/// The active manager account of login name `raw`, or why it is not one.
pub(crate) async fn manager_account(ctx: &Context, raw: &str) -> Result<std::result::Result<User, FieldError>> {
    let name = raw.trim();
    if name.is_empty() {
        return Ok(Err(FieldError::required("manager", "项目经理人账号")));
    }
    Ok(match pocnet_store::users::by_username(ctx.store().pool(), name).await? {
        Some(u) if u.role == Role::Manager && u.is_active => Ok(u),
        Some(_) => Err(FieldError::new("manager", "not_a_manager", format!("“{name}”不是在用的项目经理人账号"))),
        None => Err(FieldError::unknown_value("manager", "项目经理人账号")),
    })
}

/// Assigns a manager to a project of the caller's platform (its operators).
pub async fn assign(ctx: &Context, caller: &Caller, input: &AssignInput) -> Result<AssignmentView> {
    caller.require(&[Role::Center])?;
    let rid = input.result_id.ok_or_else(|| FieldError::required("result_id", "项目"))?;
    let (p, access) = match crate::library::pipeline::load(ctx, caller, ResultId::new(rid)).await {
        Err(Error::NotFound) => return Err(FieldError::unknown_value("result_id", "项目").into()),
        r => r?,
    };
    let center = match (access.standing, p.center_id) {
        (Standing::OwningCenter | Standing::Authority, Some(c)) => c,
        _ => return Err(FieldError::new("result_id", "not_your_project", "只能为本平台项目库中的项目指派项目经理人").into()),
    };
    if !may_be_managed(p.state) {
        let message = format!("项目{}，不能再指派项目经理人（入库遴选起至验证完成前可以指派）", p.state.label_zh());
        return Err(Error::Conflict { code: "illegal_transition", message, field: Some("result_id".into()) });
    }
    let mut errors = Vec::new();
    let manager = manager_account(ctx, &input.manager).await?.map_err(|e| errors.push(e)).ok();
    let brief = multiline("brief", "任务说明", &input.brief, 0, 500).map_err(|e| errors.push(e)).ok();
    let (Some(manager), Some(brief)) = (manager, brief) else {
        return Err(errors.into());
    };
    let new = NewAssignment { result: p.id, center, manager: manager.id, trl: p.trl_after.unwrap_or(p.trl), brief: &brief };
    let mut tx = ctx.store().write().await?;
    let id = store::assign(&mut tx, &caller.actor(), ctx.now(), ctx.today(), &new).await.map_err(|e| match e {
        StoreError::Duplicate { .. } => Error::Conflict { code: "duplicate", message: "该项目已有跟进中的项目经理人；原项目经理人退出（更换项目经理人）后才能重新指派".into(), field: Some("result_id".into()) },
        e => e.into(),
    })?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

fn working(a: &ManagerAssignment, s: Side) -> Result<()> {
    if s == Side::Authority {
        return Err(Error::Forbidden);
    }
    if a.state != AssignmentState::Active {
        return Err(Error::Conflict { code: "illegal_transition", message: "项目经理人已退出该项目，不能再记录或退出".into(), field: None });
    }
    Ok(())
}

/// Adds an entry to the log (the platform's operators, or the manager while it carries the project).
pub async fn record(ctx: &Context, caller: &Caller, id: i64, input: &EntryInput) -> Result<AssignmentView> {
    let (a, s) = load(ctx, caller, id).await?;
    working(&a, s)?;
    let entry = EntryDraft::parse(&RawEntry { kind: &input.kind, decision: &input.decision, body: &input.body }).map_err(Error::from)?;
    let mut tx = ctx.store().write().await?;
    store::record(&mut tx, &caller.actor(), ctx.now(), ctx.today(), id, &entry).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Ends the assignment with its route and reason (the platform's operators, or the manager).
pub async fn exit(ctx: &Context, caller: &Caller, id: i64, input: &ExitInput) -> Result<AssignmentView> {
    let (a, s) = load(ctx, caller, id).await?;
    working(&a, s)?;
    let draft = ExitDraft::parse(&input.route, &input.reason).map_err(Error::from)?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::exit(&mut tx, &caller.actor(), ctx.now(), ctx.today(), id, version, &draft).await?;
    tx.commit().await?;
    view(ctx, caller, id).await
}

/// Which assignments (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssignmentQuery {
    /// `active` or `exited`.
    #[serde(default)]
    pub state: Option<String>,
    /// One platform's.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[param(value_type = Option<i64>)]
    pub center_id: Option<i64>,
    /// Words in the project's title.
    #[serde(default)]
    pub q: Option<String>,
}

/// Whose assignments and assessments the caller lists: the bureau every platform's, an operator its
/// platforms', a manager its own; other roles none.
pub(crate) fn scope_of(caller: &Caller) -> Result<ManagerScope> {
    let Some(u) = caller.user() else { return Ok(ManagerScope::All) };
    match u.role {
        Role::Bureau => Ok(ManagerScope::All),
        Role::Center => Ok(ManagerScope::HostOrg(u.org_id)),
        Role::Manager => Ok(ManagerScope::Manager(u.id)),
        Role::County | Role::Expert | Role::Researcher | Role::Investor => Err(Error::Forbidden),
    }
}

/// The caller's list of assignments, newest first.
pub async fn list(ctx: &Context, caller: &Caller, q: &AssignmentQuery, page: Page) -> Result<Paged<ManagerAssignment>> {
    let scope = scope_of(caller)?;
    let state = match q.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => Some(AssignmentState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    let filter = AssignmentFilter { scope, state, center: q.center_id.map(CenterId::new), q: q.q.as_deref() };
    Ok(store::list(ctx.store().pool(), &filter, page).await?)
}
