//! The recognition workflow (创建/认定): calls (申报通知), applications and
//! their review chain, the expert panel, site visits, the public notice with
//! objections, and recognition with its certificate. The functions here are
//! the workflow; [`api`] and [`html`] are thin shells over them.

pub mod api;
pub mod html;

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::routes::registry::{self, Access};
use crate::AppState;
use axum::Router;
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use pocnet_domain::center::CenterKind;
use pocnet_domain::eligibility::Eligibility;
use pocnet_domain::policy::{Profile, SiteVisitRule, StageKind};
use pocnet_domain::next_step::AvailableAction;
use pocnet_domain::recognition::{ActorKind, ApplicationState, Bar, Guards, ReviewAction};
use pocnet_domain::role::Role;
use pocnet_domain::validation::{self, text, DayRange};
use pocnet_domain::FieldError;
use pocnet_store::applications::{self, Application, ApplicationScope, Objection, PanelReview, SiteVisit, Step, StepEffects, StepRecord};
use pocnet_store::calls::{self, Call, CallDraft};
use pocnet_store::{centers, experts, format_ts, parse_ts, read_day, read_ts};
use serde::{Deserialize, Serialize};

pub(crate) fn router() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router().merge(html::router().into())
}

/// Parses a day typed strictly as YYYY-MM-DD, between 2000 and ten years
/// ahead (domain::validation::day).
pub fn parse_day(field: &str, label: &str, raw: &str, today: NaiveDate) -> AppResult<NaiveDate> {
    Ok(validation::day(field, label, raw, DayRange::records(today))?)
}

/// A deadline typed as a day means the end of that day in China (23:59:59 UTC+8);
/// an RFC 3339 instant is taken as it is. Either way its day lies in range.
pub fn parse_deadline(raw: &str, today: NaiveDate) -> AppResult<chrono::DateTime<Utc>> {
    let raw = raw.trim();
    if let Some(t) = parse_ts(raw) {
        DayRange::records(today).check("deadline", "截止日期", (t + chrono::Duration::hours(8)).date_naive())?;
        return Ok(t);
    }
    let day = parse_day("deadline", "截止日期", raw, today)?;
    let local = day.and_time(NaiveTime::from_hms_opt(23, 59, 59).unwrap_or_default());
    Ok(Utc.from_utc_datetime(&(local - chrono::Duration::hours(8))))
}

/// A new call, as typed.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CallInput {
    /// Title.
    pub title: String,
    /// Policy profile id.
    pub profile_id: String,
    /// `creation` or `recognition`.
    pub kind: String,
    /// The call's text.
    #[serde(default)]
    pub body: String,
    /// First day (YYYY-MM-DD); default today.
    pub opens_on: Option<String>,
    /// Deadline: a day (YYYY-MM-DD, end of day China time) or an RFC 3339 time.
    pub deadline: String,
}

/// Publishes a call (bureau).
pub async fn publish_call(state: &AppState, me: &CurrentUser, input: &CallInput) -> AppResult<Call> {
    me.require(&[Role::Bureau])?;
    let title = text("title", "通知标题", &input.title, 4, 120)?;
    let profile = state.profile(&input.profile_id).ok_or_else(|| FieldError::unknown_value("profile_id", "政策配置"))?;
    let kind = StageKind::parse(&input.kind).map_err(|_| FieldError::unknown_value("kind", "申报类型"))?;
    if profile.stage(kind).is_none() {
        return Err(FieldError::new("kind", "stage_missing", format!("“{}”没有{}阶段", profile.title, kind.label_zh())).into());
    }
    let opens_on = match input.opens_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => parse_day("opens_on", "开始日期", d, state.today())?,
        None => state.today(),
    };
    let deadline = parse_deadline(&input.deadline, state.today())?;
    if deadline <= state.now() {
        return Err(FieldError::new("deadline", "in_the_past", "截止时间须晚于当前时间").into());
    }
    let deadline_day = (deadline + chrono::Duration::hours(8)).date_naive();
    if deadline_day < opens_on {
        return Err(FieldError::new("deadline", "before_opening", "截止日期不能早于开始日期").into());
    }
    // A call lies within its profile's validity (e.g. Wenzhou 2025-11-17 至 2027-12-31, 000 方案 四).
    profile.check_call_dates(opens_on, deadline_day).map_err(|(field, m)| FieldError::new(field, "outside_policy_validity", m))?;
    let draft = CallDraft {
        title,
        profile_id: profile.id.clone(),
        kind,
        body: text("body", "通知正文", &input.body, 0, 20_000)?,
        opens_on: opens_on.to_string(),
        deadline_at: format_ts(deadline),
    };
    let mut tx = state.store().write().await?;
    let call = calls::create(&mut tx, &me.actor(), state.now(), &draft).await?;
    tx.commit().await?;
    Ok(call)
}

/// The profile of a call (an error if a bureau removed the file since).
pub fn profile_of<'a>(state: &'a AppState, profile_id: &str) -> AppResult<&'a Profile> {
    state
        .profile(profile_id)
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("policy profile {profile_id} is not loaded")))
}

/// The expert-library id of an expert account, if linked.
pub async fn expert_id(state: &AppState, me: &CurrentUser) -> AppResult<Option<i64>> {
    if me.role() != Role::Expert {
        return Ok(None);
    }
    Ok(experts::of_user(state.store().pool(), me.user.id).await?.map(|e| e.id))
}

/// Which applications a caller sees.
pub async fn scope_for(state: &AppState, me: &CurrentUser) -> AppResult<ApplicationScope> {
    Ok(match me.role() {
        Role::Bureau => ApplicationScope::All,
        Role::County => ApplicationScope::Region(me.user.org_region),
        Role::Center => ApplicationScope::Host(me.user.org_id),
        Role::Expert => ApplicationScope::Expert(expert_id(state, me).await?.ok_or(AppError::Forbidden)?),
        _ => return Err(AppError::Forbidden),
    })
}

/// What a caller's role makes it in the workflow of one application, if anything.
pub fn actor_kind(me: &CurrentUser, a: &Application) -> Option<ActorKind> {
    match me.role() {
        Role::Bureau => Some(ActorKind::Bureau),
        Role::County if me.user.org_region == a.region => Some(ActorKind::County),
        Role::Center if me.user.org_id == a.host_org_id => Some(ActorKind::Applicant),
        _ => None,
    }
}

/// Reads an application the caller may see (404 otherwise).
pub async fn load(state: &AppState, me: &CurrentUser, id: i64) -> AppResult<Application> {
    let a = applications::get(state.store().pool(), id).await?;
    let visible = match me.role() {
        Role::Bureau => true,
        // Only what was submitted: a draft, even one withdrawn unsent, stays the applicant's.
        Role::County => me.user.org_region == a.region && a.submitted_at.is_some(),
        Role::Center => me.user.org_id == a.host_org_id,
        Role::Expert => match expert_id(state, me).await? {
            Some(e) => applications::panel(state.store().pool(), id).await?.iter().any(|p| p.expert_id == e),
            None => false,
        },
        _ => false,
    };
    if visible {
        Ok(a)
    } else {
        Err(AppError::NotFound)
    }
}

/// Refuses a host unit barred by a revocation (两年内不得重新申报).
async fn check_bar(state: &AppState, host_org_id: i64) -> AppResult<()> {
    let today = state.today().to_string();
    if let Some(bar) = pocnet_store::supervision::bar_on(state.store().pool(), host_org_id, &today).await? {
        return Err(AppError::rule(
            "barred",
            format!(
                "申报单位于{}因“{}”被取消资格（依据：{}），{}起方可重新申报",
                bar.revoked_on, bar.reason_label, bar.article, bar.may_apply_from
            ),
        ));
    }
    Ok(())
}

/// Checks a name against the profile's naming pattern (命名规则).
fn check_name(profile: &Profile, raw: &str) -> AppResult<String> {
    let name = text("proposed_name", "申报名称", raw, 4, 60)?;
    profile.check_name(&name).map_err(|m| FieldError::new("proposed_name", "naming_rule", m))?;
    Ok(name)
}

/// Opening an application.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ApplyInput {
    /// The call.
    pub call_id: i64,
    /// The center applying (one of the caller's unit).
    pub center_id: i64,
    /// The name applied for, following the profile's naming pattern.
    pub proposed_name: String,
}

/// Opens a draft application (the host unit's operator).
pub async fn apply(state: &AppState, me: &CurrentUser, input: &ApplyInput) -> AppResult<Application> {
    me.require(&[Role::Center])?;
    let call = calls::get(state.store().pool(), input.call_id).await?;
    let (center, _) = registry::load(state, Some(me), input.center_id, Access::Manage).await?;
    if center.host_org_id != me.user.org_id {
        return Err(AppError::NotFound);
    }
    let profile = profile_of(state, &call.profile_id)?;
    if profile.center_kind != center.kind {
        return Err(FieldError::new(
            "center_id",
            "wrong_kind",
            format!("本通知面向{}，所选平台为{}", profile.center_kind.label_zh(), center.kind.label_zh()),
        )
        .into());
    }
    if state.now() > read_ts("call deadline", &call.deadline_at)? {
        return Err(AppError::rule("deadline_passed", "申报截止时间已过"));
    }
    check_bar(state, center.host_org_id).await?;
    let name = check_name(profile, &input.proposed_name)?;
    let mut tx = state.store().write().await?;
    let a = applications::create(&mut tx, &me.actor(), state.now(), call.id, center.id, &name).await?;
    tx.commit().await?;
    Ok(a)
}

/// Renames a draft or returned application.
pub async fn rename(state: &AppState, me: &CurrentUser, id: i64, name: &str, version: i64) -> AppResult<Application> {
    let a = load(state, me, id).await?;
    if actor_kind(me, &a) != Some(ActorKind::Applicant) || !a.state.editable() {
        return Err(AppError::Forbidden);
    }
    let name = check_name(profile_of(state, &a.profile_id)?, name)?;
    let mut tx = state.store().write().await?;
    let a = applications::rename(&mut tx, &me.actor(), state.now(), id, version, &name).await?;
    tx.commit().await?;
    Ok(a)
}

/// Everything about an application a caller may see.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApplicationDetail {
    /// The application.
    pub application: Application,
    /// Eligibility: live while the applicant edits, frozen at submission after.
    #[schema(value_type = Option<Object>)]
    pub eligibility: Option<Eligibility>,
    /// The review chain.
    pub steps: Vec<StepRecord>,
    /// The expert panel and its scores.
    pub panel: Vec<PanelReview>,
    /// Mean of the scores given, if any.
    pub mean_score: Option<f64>,
    /// Mean, trimmed mean, spread and disagreement flag of the weighted totals.
    #[schema(value_type = Option<Object>)]
    pub aggregate: Option<pocnet_domain::review::Aggregate>,
    /// For an expert on the panel: `pending`, `no_conflict` or `recused`.
    pub my_declaration: Option<String>,
    /// Site visits.
    pub site_visits: Vec<SiteVisit>,
    /// Objections (contacts only for the bureau).
    pub objections: Vec<Objection>,
    /// The steps the caller may take now.
    pub actions: Vec<ReviewAction>,
    /// Every step the caller's role may take from the current state: available
    /// now, or not yet with the reason and what is still needed (the same
    /// decision the step itself enforces).
    pub available_actions: Vec<AvailableAction>,
    /// Whether the profile's stage requires a site visit (`none`, `optional`, `required`).
    #[schema(value_type = String)]
    pub site_visit_rule: SiteVisitRule,
}

/// The eligibility an application shows: frozen once submitted, else live.
pub async fn eligibility_of(state: &AppState, a: &Application) -> AppResult<Option<Eligibility>> {
    if !a.state.editable() {
        if let Some(json) = &a.eligibility_json {
            return Ok(serde_json::from_str(json).ok());
        }
    }
    if a.state.is_final() {
        return Ok(None);
    }
    Ok(Some(registry::check(state, a.center_id, &a.profile_id, a.kind).await?))
}

/// The guards of an application now: every fact the workflow's steps
/// depend on, read once, so that the steps offered
/// ([`ApplicationState::available_actions`]) and the step taken
/// ([`ApplicationState::apply`]) are decided on the same facts.
pub async fn guards(state: &AppState, a: &Application, eligible: bool) -> AppResult<Guards> {
    let pool = state.store().pool();
    let profile = profile_of(state, &a.profile_id)?;
    let stage = profile.stage(a.kind).ok_or_else(|| AppError::Internal(anyhow::anyhow!("stage missing")))?;
    let panel = applications::panel(pool, a.id).await?;
    let objections = applications::objections(pool, a.id).await?;
    let today = state.today();
    let notice_end = a.notice_end.as_deref().and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
    // Submission is the only step the call's opening and a revocation bar decide.
    let (not_open_until, bar) = if a.state.editable() {
        let call = calls::get(pool, a.call_id).await?;
        let opens_on = NaiveDate::parse_from_str(&call.opens_on, "%Y-%m-%d").ok().filter(|d| *d > today);
        let bar = match pocnet_store::supervision::bar_on(pool, a.host_org_id, &today.to_string()).await? {
            Some(b) => Some(Bar {
                revoked_on: read_day("bar revoked_on", &b.revoked_on)?,
                reason: b.reason_label,
                article: b.article,
                may_apply_from: read_day("bar may_apply_from", &b.may_apply_from)?,
            }),
            None => None,
        };
        (opens_on, bar)
    } else {
        (None, None)
    };
    Ok(Guards {
        county_review: stage.county_review,
        before_deadline: state.now() <= read_ts("application deadline", &a.deadline_at)?,
        not_open_until,
        bar,
        eligible,
        site_visit_required: stage.site_visit == SiteVisitRule::Required,
        site_visit_recorded: !applications::site_visits(pool, a.id).await?.is_empty(),
        panel_scores: panel.iter().filter(|p| p.score.is_some()).count(),
        notice_ended: notice_end.is_some_and(|end| today > end),
        notice_end,
        open_objections: objections.iter().filter(|o| o.status == "open").count(),
        upheld_objections: objections.iter().filter(|o| o.status == "upheld").count(),
    })
}

/// Reads an application with all a caller may see.
pub async fn detail(state: &AppState, me: &CurrentUser, id: i64) -> AppResult<ApplicationDetail> {
    let a = load(state, me, id).await?;
    let pool = state.store().pool();
    let eligibility = eligibility_of(state, &a).await?;
    let g = guards(state, &a, eligibility.as_ref().is_some_and(Eligibility::eligible)).await?;
    let available_actions = actor_kind(me, &a).map(|k| a.state.available_actions(k, &g)).unwrap_or_default();
    let actions = available_actions.iter().filter(|x| x.available).filter_map(|x| ReviewAction::parse(x.action).ok()).collect();
    let panel = applications::panel(pool, id).await?;
    let scores: Vec<i64> = panel.iter().filter_map(|p| p.score).collect();
    let mean_score = (!scores.is_empty()).then(|| scores.iter().sum::<i64>() as f64 / scores.len() as f64);
    // The panel's result as written back with the last score.
    let aggregate = a.panel_result.clone();
    // An expert scores independently and sees the materials only after declaring no conflict.
    let me_expert = expert_id(state, me).await?;
    let my_declaration = me_expert.and_then(|e| panel.iter().find(|p| p.expert_id == e)).map(|p| p.conflict_status.clone());
    // Reduced after access control: an expert never sees the others' result, nor the
    // frozen eligibility before its declaration of no conflict (issue 11 §4).
    let a = match (me_expert, me.role()) {
        (Some(_), _) | (None, Role::Expert) => a.reduced_for_panel_member(my_declaration.as_deref() == Some("no_conflict")),
        _ => a,
    };
    let (panel, eligibility, aggregate) = match me_expert {
        Some(e) => (
            panel.into_iter().filter(|p| p.expert_id == e).collect(),
            if my_declaration.as_deref() == Some("no_conflict") { eligibility } else { None },
            None,
        ),
        None => (panel, eligibility, aggregate),
    };
    // Reviewers stay anonymous to the applicant (评审专家信息保密): it sees the mean only.
    let panel = if actor_kind(me, &a) == Some(ActorKind::Applicant) { Vec::new() } else { panel };
    let mut objections = applications::objections(pool, id).await?;
    if me.role() != Role::Bureau {
        for o in &mut objections {
            o.contact.clear();
        }
    }
    let profile = profile_of(state, &a.profile_id)?;
    let site_visit_rule = profile.stage(a.kind).map_or(SiteVisitRule::Optional, |s| s.site_visit);
    Ok(ApplicationDetail {
        steps: applications::steps(pool, id).await?,
        panel,
        mean_score,
        aggregate,
        my_declaration,
        site_visits: applications::site_visits(pool, id).await?,
        objections,
        actions,
        available_actions,
        eligibility,
        site_visit_rule,
        application: a,
    })
}

/// A step, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ApplicationStepInput)]
pub struct StepInput {
    /// The step, e.g. `submit`, `county_approve`, `publish_notice`, `approve`.
    pub action: String,
    /// Reasons and comments (required when returning or rejecting).
    #[serde(default)]
    pub comments: String,
    /// The application's version as read.
    pub version: i64,
    /// For `publish_notice`: the notice's first day (default today).
    pub notice_start: Option<String>,
    /// For `publish_notice`: the notice's length in the profile's unit (working
    /// or calendar days); default the profile's. Longer only where the profile
    /// says "不少于" (`at_least`, e.g. 003 五(一)5), never shorter (code `notice_period`).
    #[serde(default, deserialize_with = "crate::extract::empty_as_none")]
    pub notice_days: Option<i64>,
}

/// Takes a step of the review chain.
pub async fn take_step(state: &AppState, me: &CurrentUser, id: i64, input: &StepInput) -> AppResult<Application> {
    let action = ReviewAction::parse(input.action.trim()).map_err(|_| FieldError::unknown_value("action", "操作"))?;
    let a = load(state, me, id).await?;
    let kind = actor_kind(me, &a).ok_or(AppError::Forbidden)?;
    let comments = text("comments", "意见", &input.comments, usize::from(action.needs_comment()), 2000)?;
    let profile = profile_of(state, &a.profile_id)?;
    let mut effects = StepEffects::default();
    let mut eligible = false;
    if action == ReviewAction::Submit {
        // The call's opening and a revocation bar are guards of the step (see `guards`).
        check_name(profile, &a.proposed_name)?;
        let e = registry::check(state, a.center_id, &a.profile_id, a.kind).await?;
        eligible = e.eligible();
        effects.eligibility_json = Some(serde_json::to_string(&e).map_err(|e| AppError::Internal(e.into()))?);
    }
    let g = guards(state, &a, eligible).await?;
    if a.version != input.version {
        return Err(pocnet_store::StoreError::VersionConflict { expected: input.version }.into());
    }
    let to = a.state.apply(action, kind, &g)?;
    if action == ReviewAction::PublishNotice {
        let start = match input.notice_start.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => parse_day("notice_start", "公示开始日期", d, state.today())?,
            None => state.today(),
        };
        if start < state.today() {
            return Err(FieldError::new("notice_start", "in_the_past", "公示开始日期不能早于今天").into());
        }
        let asked = input
            .notice_days
            .map(|d| u32::try_from(d).map_err(|_| FieldError::new("notice_days", "notice_period", "公示天数须为正整数")))
            .transpose()?;
        let days = profile.notice_days(asked).map_err(|m| FieldError::new("notice_days", "notice_period", m))?;
        let calendar = crate::routes::calendar::effective(state).await?;
        let end = profile.notice_end_for(start, days, &calendar).map_err(|e| AppError::rule("calendar_not_covered", e.to_string()))?;
        effects.notice = Some((start.to_string(), end.to_string()));
    }
    if to.is_final() {
        effects.decided_on = Some(state.today().to_string());
    }
    let mut tx = state.store().write().await?;
    let step = Step { action, actor_kind: kind, from: a.state, to, version: input.version, comments: &comments };
    let after = applications::take_step(&mut tx, &me.actor(), state.now(), id, &step, &effects).await?;
    if to == ApplicationState::Approved {
        pocnet_store::supervision::apply_approval(&mut tx, &me.actor(), state.now(), &after, profile, state.today()).await?;
    }
    tx.commit().await?;
    Ok(after)
}

/// Why an expert may not sit on an application's panel, if any (checked
/// before anyone is invited): inactive, blacklisted, same unit as the host,
/// a declared conflict with the host, on the center's advisory team, or
/// unavailable today.
pub async fn conflict_of(state: &AppState, a: &Application, expert_id: i64) -> AppResult<Option<String>> {
    let pool = state.store().pool();
    let e = library_expert(state, expert_id).await?;
    let owner = Owner { org_id: a.host_org_id, org_name: &a.host_org_name, role: "申报单位" };
    if let Some(reason) = unfit(&e, &owner) {
        return Ok(Some(reason));
    }
    if pocnet_store::registry::file(pool, a.center_id).await?.advisors.iter().any(|x| x.expert_id == expert_id) {
        return Ok(Some(format!("{}是该中心顾问专家团队成员", e.name)));
    }
    Ok(unavailable(&e, state.today()))
}

/// A library expert to be invited (an unknown id names the field).
pub async fn library_expert(state: &AppState, expert_id: i64) -> AppResult<experts::Expert> {
    experts::get(state.store().pool(), expert_id).await.map_err(|e| match e {
        pocnet_store::StoreError::NotFound => AppError::from(FieldError::unknown_value("expert_id", "专家")),
        other => other.into(),
    })
}

/// The unit whose item an expert would review.
pub struct Owner<'a> {
    /// Its id.
    pub org_id: i64,
    /// Its name.
    pub org_name: &'a str,
    /// What it is to the item, e.g. 申报单位, 成果所属单位.
    pub role: &'a str,
}

/// Why an expert may not review anything of `owner`, if any: blacklisted,
/// paused, of the same unit, or a declared conflict with it.
pub fn unfit(e: &experts::Expert, owner: &Owner<'_>) -> Option<String> {
    if let Some(r) = &e.blacklisted {
        Some(format!("{}已被列入黑名单（{r}）", e.name))
    } else if !e.active {
        Some(format!("{}已暂停参评", e.name))
    } else if e.org_id == owner.org_id {
        Some(format!("{}与{}同属{}", e.name, owner.role, e.org_name))
    } else if e.conflict_orgs.contains(&owner.org_id) {
        Some(format!("{}已申报与{}存在利益关系，须回避", e.name, owner.org_name))
    } else {
        None
    }
}

/// The expert's declared unavailability covering `today`, if any.
pub fn unavailable(e: &experts::Expert, today: NaiveDate) -> Option<String> {
    e.unavailable.iter().find(|w| w.covers(today)).map(|w| format!("{}在{}至{}期间不可参评（{}）", e.name, w.from, w.to, w.reason))
}

/// Puts a library expert on an application's panel (bureau, during bureau
/// review), after the conflict checks; with `replaces`, into the seat of an
/// expert who recused or declined (once per vacated seat).
pub async fn assign_expert(state: &AppState, me: &CurrentUser, id: i64, expert_id: i64, replaces: Option<i64>) -> AppResult<()> {
    me.require(&[Role::Bureau])?;
    let a = load(state, me, id).await?;
    if a.state != ApplicationState::BureauReview {
        return Err(AppError::Conflict { code: "illegal_transition", message: "只有市级评审阶段可以组建专家组".into(), field: None });
    }
    if let Some(reason) = conflict_of(state, &a, expert_id).await? {
        return Err(AppError::rule("conflict_of_interest", format!("不能邀请：{reason}")));
    }
    if let Some(left) = replaces {
        let panel = applications::panel(state.store().pool(), id).await?;
        if !panel.iter().any(|p| p.expert_id == left && p.vacated()) {
            return Err(FieldError::new("replaces", "not_vacated", "被替换的专家须为本组已回避或谢绝的专家").into());
        }
        if panel.iter().any(|p| p.replaces_expert_id == Some(left)) {
            return Err(AppError::Conflict { code: "seat_filled", message: "该席位已有替补专家".into(), field: Some("replaces".into()) });
        }
    }
    let mut tx = state.store().write().await?;
    applications::assign_expert(&mut tx, &me.actor(), state.now(), id, expert_id, replaces).await?;
    tx.commit().await?;
    Ok(())
}

/// An expert's declaration before seeing the materials, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DeclarationInput {
    /// `no_conflict` (declares no conflict and accepts the confidentiality
    /// pledge), `recuse` (a conflict of interest) or `decline` (cannot take part).
    pub decision: String,
    /// For `no_conflict`: must be `true` (保密承诺).
    #[serde(default)]
    pub pledge: Option<String>,
    /// For `recuse` and `decline`: why.
    #[serde(default)]
    pub reason: String,
}

/// Reads a declaration: the status it records (`no_conflict`, `recused`,
/// `declined`) and the reason kept with a recusal or a refusal. No conflict
/// needs the confidentiality pledge.
pub fn parse_declaration(input: &DeclarationInput) -> AppResult<(&'static str, String)> {
    Ok(match input.decision.as_str() {
        "no_conflict" => {
            if !matches!(input.pledge.as_deref(), Some("true" | "1" | "on" | "yes")) {
                return Err(FieldError::new("pledge", "pledge_required", "须签署保密承诺后方可查看材料").into());
            }
            ("no_conflict", String::new())
        }
        "recuse" => ("recused", text("reason", "回避理由", &input.reason, 2, 500)?),
        "decline" => ("declined", text("reason", "谢绝理由", &input.reason, 2, 500)?),
        _ => return Err(FieldError::unknown_value("decision", "声明").into()),
    })
}

/// The calling expert declares no conflict (with the pledge) or recuses.
pub async fn declare(state: &AppState, me: &CurrentUser, id: i64, input: &DeclarationInput) -> AppResult<()> {
    me.require(&[Role::Expert])?;
    let expert = expert_id(state, me).await?.ok_or(AppError::Forbidden)?;
    let a = load(state, me, id).await?;
    if a.state != ApplicationState::BureauReview {
        return Err(AppError::Conflict { code: "illegal_transition", message: "评审阶段已结束".into(), field: None });
    }
    let (status, reason) = parse_declaration(input)?;
    let declaration = match status {
        "recused" => applications::Declaration::Recuse(&reason),
        "declined" => applications::Declaration::Decline(&reason),
        _ => applications::Declaration::NoConflict,
    };
    let mut tx = state.store().write().await?;
    applications::declare(&mut tx, &me.actor(), state.now(), id, expert, declaration).await.map_err(|e| match e {
        pocnet_store::StoreError::VersionConflict { .. } => AppError::Conflict { code: "already_declared", message: "已作出声明，不能更改".into(), field: None },
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(())
}

/// A score, as sent by an expert: per dimension of the application-review
/// sheet (`scores`), or one overall score 0–100 (`score`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScoreInput {
    /// Overall score 0–100 (when no dimensions are given).
    pub score: Option<i64>,
    /// Scores per dimension code, 0–100 each.
    #[serde(default)]
    pub scores: std::collections::BTreeMap<String, i64>,
    /// Comments.
    #[serde(default)]
    pub comments: String,
}

/// Records the calling expert's score (only experts on the panel who declared no conflict, during bureau review).
pub async fn score(state: &AppState, me: &CurrentUser, id: i64, input: &ScoreInput) -> AppResult<()> {
    me.require(&[Role::Expert])?;
    let expert = expert_id(state, me).await?.ok_or(AppError::Forbidden)?;
    let a = load(state, me, id).await?;
    if a.state != ApplicationState::BureauReview {
        return Err(AppError::Conflict { code: "illegal_transition", message: "评审阶段已结束，不能再评分".into(), field: None });
    }
    let mine = applications::panel(state.store().pool(), id).await?.into_iter().find(|p| p.expert_id == expert).ok_or(AppError::NotFound)?;
    if mine.conflict_status != "no_conflict" {
        return Err(AppError::rule("declaration_required", "须先声明无利益冲突并签署保密承诺"));
    }
    let sheet = pocnet_domain::review::sheet(pocnet_domain::review::ReviewPurpose::ApplicationReview);
    let (json, total) = if input.scores.is_empty() {
        let s = input.score.ok_or_else(|| FieldError::required("scores", "评分"))?;
        if !(0..=100).contains(&s) {
            return Err(FieldError::new("score", "out_of_range", "评分须在0至100之间").into());
        }
        ("{}".to_owned(), s * 100)
    } else {
        let mut card = Vec::new();
        for (k, v) in &input.scores {
            let v = u32::try_from(*v).map_err(|_| FieldError::new(format!("scores.{k}"), "out_of_range", "评分须在0至100之间"))?;
            card.push((k.clone(), v));
        }
        let total = sheet.total(&card).map_err(|e| FieldError::new("scores", "invalid_scores", e.to_string()))?;
        (serde_json::to_string(&input.scores).unwrap_or_else(|_| "{}".into()), i64::from(total))
    };
    let comments = text("comments", "评审意见", &input.comments, 0, 2000)?;
    let mut tx = state.store().write().await?;
    applications::score(&mut tx, &me.actor(), state.now(), id, expert, &json, total, &comments).await?;
    applications::refresh_panel_result(&mut tx, id, pocnet_domain::review::sheet(pocnet_domain::review::ReviewPurpose::ApplicationReview)).await?;
    tx.commit().await?;
    Ok(())
}

/// A site visit, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SiteVisitInput {
    /// Day (YYYY-MM-DD).
    pub visited_on: String,
    /// Who visited.
    pub visitors: String,
    /// What they found.
    pub findings: String,
}

/// Records a site visit (bureau, or the county during its review).
pub async fn add_site_visit(state: &AppState, me: &CurrentUser, id: i64, input: &SiteVisitInput) -> AppResult<()> {
    let a = load(state, me, id).await?;
    let kind = actor_kind(me, &a).ok_or(AppError::Forbidden)?;
    let allowed = matches!(
        (kind, a.state),
        (ActorKind::Bureau, ApplicationState::BureauReview | ApplicationState::Submitted) | (ActorKind::County, ApplicationState::Submitted)
    );
    if !allowed {
        return Err(AppError::Forbidden);
    }
    let day = parse_day("visited_on", "考察日期", &input.visited_on, state.today())?;
    if day > state.today() {
        return Err(FieldError::new("visited_on", "in_the_future", "考察日期不能晚于今天").into());
    }
    let visitors = text("visitors", "考察人员", &input.visitors, 2, 200)?;
    let findings = text("findings", "考察意见", &input.findings, 2, 4000)?;
    let mut tx = state.store().write().await?;
    applications::add_site_visit(&mut tx, &me.actor(), state.now(), id, &day.to_string(), &visitors, &findings).await?;
    tx.commit().await?;
    Ok(())
}

/// An objection, as filed on the public page.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ObjectionInput {
    /// Name of the person or unit (实名).
    pub name: String,
    /// Telephone or e-mail.
    pub contact: String,
    /// The objection and its grounds.
    pub content: String,
}

/// Files an objection while the notice runs (anyone).
pub async fn file_objection(state: &AppState, ip: Option<String>, id: i64, input: &ObjectionInput) -> AppResult<Objection> {
    let a = applications::get(state.store().pool(), id).await?;
    let today = state.today().to_string();
    let running = a.state == ApplicationState::InNotice
        && a.notice_start.as_deref().is_some_and(|s| s <= today.as_str())
        && a.notice_end.as_deref().is_some_and(|e| today.as_str() <= e);
    if a.notice_start.is_none() {
        return Err(AppError::NotFound);
    }
    if !running {
        return Err(AppError::rule("notice_not_running", "不在公示期内，不能提出异议"));
    }
    let name = text("name", "异议人姓名或单位", &input.name, 2, 60)?;
    let contact = text("contact", "联系方式", &input.contact, 5, 100)?;
    let content = text("content", "异议内容", &input.content, 10, 4000)?;
    let address = ip.clone().unwrap_or_default();
    let actor = pocnet_store::Actor { user_id: None, label: "public".into(), ip };
    let now = state.now();
    let mut tx = state.store().write().await?;
    // Counted in the filing's own transaction, the notice's row locked: the limits hold under concurrency.
    let (on_notice, from_ip, from_ip_on_notice) = applications::recent_objections(&mut tx, id, &address, now - chrono::Duration::hours(1)).await?;
    let filed = pocnet_domain::objection::Filed { on_notice_last_hour: on_notice, from_address_last_hour: from_ip, from_address_on_notice: from_ip_on_notice };
    if let Err((code, message)) = pocnet_domain::objection::may_file(filed) {
        return Err(AppError::TooMany { code, message });
    }
    let o = applications::file_objection(&mut tx, &actor, now, id, &name, &contact, &content).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => AppError::Conflict {
            code: "duplicate_objection",
            message: "相同内容的异议已经提出，市科技局会一并核查，无需重复提交".into(),
            field: Some("content".into()),
        },
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(o)
}

/// A resolution, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ResolutionInput {
    /// `upheld` (成立) or `dismissed` (不成立).
    pub status: String,
    /// How it was looked into and decided.
    pub resolution: String,
    /// The objection's version as read.
    pub version: i64,
}

/// Resolves an objection (bureau).
pub async fn resolve_objection(state: &AppState, me: &CurrentUser, oid: i64, input: &ResolutionInput) -> AppResult<Objection> {
    me.require(&[Role::Bureau])?;
    let status = match input.status.as_str() {
        "upheld" => "upheld",
        "dismissed" => "dismissed",
        _ => return Err(FieldError::unknown_value("status", "处理结论").into()),
    };
    let resolution = text("resolution", "处理意见", &input.resolution, 2, 4000)?;
    let mut tx = state.store().write().await?;
    let o = applications::resolve_objection(&mut tx, &me.actor(), state.now(), oid, input.version, status, &resolution).await?;
    tx.commit().await?;
    Ok(o)
}

/// One resolution for several objections of an application, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BatchResolutionInput {
    /// The objections (ids); empty: every open objection of the application.
    #[serde(default)]
    pub ids: Vec<i64>,
    /// `upheld` (成立) or `dismissed` (不成立).
    pub status: String,
    /// How they were looked into and decided (one reason for all).
    pub resolution: String,
}

/// The answer to a batch resolution.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BatchResolved {
    /// How many objections were resolved.
    pub resolved: usize,
}

/// Resolves several open objections of an application with one reason (bureau), all or none.
pub async fn resolve_objections(state: &AppState, me: &CurrentUser, id: i64, input: &BatchResolutionInput) -> AppResult<BatchResolved> {
    me.require(&[Role::Bureau])?;
    applications::get(state.store().pool(), id).await?;
    let status = match input.status.as_str() {
        "upheld" => "upheld",
        "dismissed" => "dismissed",
        _ => return Err(FieldError::unknown_value("status", "处理结论").into()),
    };
    let resolution = text("resolution", "处理意见", &input.resolution, 2, 4000)?;
    if input.ids.len() > 1000 {
        return Err(FieldError::new("ids", "too_many", "一次最多处理1000条异议").into());
    }
    let mut tx = state.store().write().await?;
    let resolved = applications::resolve_open_objections(&mut tx, &me.actor(), state.now(), id, &input.ids, status, &resolution).await?;
    tx.commit().await?;
    Ok(BatchResolved { resolved })
}

/// The experts the bureau may put on a panel.
pub async fn expert_choices(state: &AppState) -> AppResult<Vec<experts::Expert>> {
    Ok(experts::list(state.store().pool(), &experts::ExpertFilter { available_only: true, ..Default::default() }, pocnet_store::Page::new(Some(1), Some(200))).await?.items)
}

/// The centers of the caller's unit that may apply to a call.
pub async fn own_centers(state: &AppState, me: &CurrentUser, kind: CenterKind) -> AppResult<Vec<centers::Center>> {
    Ok(centers::hosted_by(state.store().pool(), me.user.org_id).await?.into_iter().filter(|c| c.kind == kind).collect())
}
