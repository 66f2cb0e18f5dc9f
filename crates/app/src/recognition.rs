//! The recognition workflow (创建/认定): calls (申报通知), applications and
//! their review chain, site visits, the public notice with objections, and
//! recognition with its certificate. The application's expert panel is
//! [`crate::panels`]; who may see and do what is one rule, [`standing`].

use crate::{Caller, Context, Error, Result};
use chrono::{NaiveDate, NaiveTime, TimeZone, Utc};
use pocnet_domain::center::CenterKind;
use pocnet_domain::eligibility::Eligibility;
use pocnet_domain::id::{ApplicationId, CallId, CenterId, ExpertId, ObjectionId, OrgId};
use pocnet_domain::next_step::AvailableAction;
use pocnet_domain::objection::{ObjectionFinding, ObjectionStatus};
use pocnet_domain::panel::seat::SeatStatus;
use pocnet_domain::policy::{Profile, SiteVisitRule, StageKind};
use pocnet_domain::recognition::{ActorKind, ApplicationState, Bar, Guards, ReviewAction};
use pocnet_domain::role::Role;
use pocnet_domain::validation::{self, text, DayRange};
use pocnet_domain::FieldError;
use pocnet_store::applications::{self, Application, ApplicationScope, Objection, SiteVisit, Step, StepEffects, StepRecord};
use pocnet_store::calls::{self, Call, CallDraft};
use pocnet_store::panels::{self, Seat, Subject};
use pocnet_store::{centers, parse_ts};
use serde::{Deserialize, Serialize};

/// Parses a day typed strictly as YYYY-MM-DD, between 2000 and ten years
/// ahead (domain::validation::day).
pub fn parse_day(field: &str, label: &str, raw: &str, today: NaiveDate) -> Result<NaiveDate> {
    Ok(validation::day(field, label, raw, DayRange::records(today))?)
}

/// A deadline typed as a day means the end of that day in China (23:59:59 UTC+8);
/// an RFC 3339 instant is taken as it is. Either way its day lies in range.
pub fn parse_deadline(raw: &str, today: NaiveDate) -> Result<chrono::DateTime<Utc>> {
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
pub async fn publish_call(ctx: &Context, caller: &Caller, input: &CallInput) -> Result<Call> {
    caller.require(&[Role::Bureau])?;
    let title = text("title", "通知标题", &input.title, 4, 120)?;
    let profile = ctx.profile(&input.profile_id).ok_or_else(|| FieldError::unknown_value("profile_id", "政策配置"))?;
    let kind = StageKind::parse(&input.kind).map_err(|_| FieldError::unknown_value("kind", "申报类型"))?;
    if profile.stage(kind).is_none() {
        return Err(FieldError::new("kind", "stage_missing", format!("“{}”没有{}阶段", profile.title, kind.label_zh())).into());
    }
    let opens_on = match input.opens_on.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(d) => parse_day("opens_on", "开始日期", d, ctx.today())?,
        None => ctx.today(),
    };
    let deadline = parse_deadline(&input.deadline, ctx.today())?;
    if deadline <= ctx.now() {
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
        opens_on,
        deadline_at: deadline,
    };
    let mut tx = ctx.store().write().await?;
    let call = calls::create(&mut tx, &caller.actor(), ctx.now(), &draft).await?;
    tx.commit().await?;
    Ok(call)
}

/// The profile of a call (an error if a bureau removed the file since).
pub fn profile_of<'a>(ctx: &'a Context, profile_id: &str) -> Result<&'a Profile> {
    ctx.profile(profile_id).ok_or_else(|| Error::Internal(format!("policy profile {profile_id} is not loaded")))
}

/// How a caller stands to one application — the one rule its reading, its
/// steps, its panel and the lists all follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// The bureau (or the console): reviews, decides, sees everything.
    Bureau,
    /// The county department of the application's region, once it is submitted.
    County,
    /// The host unit's operator: the applicant (a draft stays its own).
    Applicant,
    /// An expert invited to the application's panel, with its seat's status.
    PanelExpert {
        /// Its library id.
        expert_id: ExpertId,
        /// Where its seat stands (the materials only after the pledge).
        status: SeatStatus,
    },
}

impl Standing {
    /// What the caller acts as in the review chain, if anything.
    pub fn actor_kind(self) -> Option<ActorKind> {
        match self {
            Standing::Bureau => Some(ActorKind::Bureau),
            Standing::County => Some(ActorKind::County),
            Standing::Applicant => Some(ActorKind::Applicant),
            Standing::PanelExpert { .. } => None,
        }
    }

    /// The expert's library id, when on the panel.
    pub fn expert_id(self) -> Option<ExpertId> {
        match self {
            Standing::PanelExpert { expert_id, .. } => Some(expert_id),
            Standing::Bureau | Standing::County | Standing::Applicant => None,
        }
    }
}

/// The caller's standing toward `a`; `None` when it may not know of it.
/// Every role is named: a new role does not compile until it is given its
/// standing here (and in [`scope_for`], the same rule over a list).
pub async fn standing(ctx: &Context, caller: &Caller, a: &Application) -> Result<Option<Standing>> {
    let user = match caller {
        Caller::Console { .. } => return Ok(Some(Standing::Bureau)),
        Caller::User { user, .. } => user,
    };
    Ok(match user.role {
        Role::Bureau => Some(Standing::Bureau),
        // Only what was submitted: a draft, even one withdrawn unsent, stays the applicant's.
        Role::County => (user.org_region == a.region && a.submitted_at.is_some()).then_some(Standing::County),
        Role::Center => (user.org_id == a.host_org_id).then_some(Standing::Applicant),
        Role::Expert => match crate::panels::expert_of(ctx, caller).await? {
            Some(e) => panels::seat(ctx.store().pool(), Subject::application(a.id), e)
                .await?
                .map(|s| Standing::PanelExpert { expert_id: e, status: s.conflict_status }),
            None => None,
        },
        Role::Researcher | Role::Investor | Role::Manager => None,
    })
}

/// Which applications a caller's list shows: those it has a standing toward.
pub async fn scope_for(ctx: &Context, caller: &Caller) -> Result<ApplicationScope> {
    let user = match caller {
        Caller::Console { .. } => return Ok(ApplicationScope::All),
        Caller::User { user, .. } => user,
    };
    Ok(match user.role {
        Role::Bureau => ApplicationScope::All,
        Role::County => ApplicationScope::Region(user.org_region),
        Role::Center => ApplicationScope::Host(user.org_id),
        Role::Expert => ApplicationScope::Expert(crate::panels::expert_of(ctx, caller).await?.ok_or(Error::Forbidden)?),
        Role::Researcher | Role::Investor | Role::Manager => return Err(Error::Forbidden),
    })
}

/// Reads an application the caller may see, with its standing (404 otherwise).
pub async fn load(ctx: &Context, caller: &Caller, id: ApplicationId) -> Result<(Application, Standing)> {
    let a = applications::get(ctx.store().pool(), id).await?;
    match standing(ctx, caller, &a).await? {
        Some(s) => Ok((a, s)),
        None => Err(Error::NotFound),
    }
}

/// Refuses a host unit barred by a revocation (两年内不得重新申报).
async fn check_bar(ctx: &Context, host_org_id: OrgId) -> Result<()> {
    if let Some(bar) = pocnet_store::supervision::bar_on(ctx.store().pool(), host_org_id, ctx.today()).await? {
        return Err(Error::rule(
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
fn check_name(profile: &Profile, raw: &str) -> Result<String> {
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
pub async fn apply(ctx: &Context, caller: &Caller, input: &ApplyInput) -> Result<Application> {
    caller.require(&[Role::Center])?;
    let call = calls::get(ctx.store().pool(), CallId::new(input.call_id)).await?;
    let (center, _) = crate::registry::load(ctx, Some(caller), CenterId::new(input.center_id), crate::registry::Access::Manage).await?;
    if caller.user().is_some_and(|u| u.org_id != center.host_org_id) {
        return Err(Error::NotFound);
    }
    let profile = profile_of(ctx, &call.profile_id)?;
    if profile.center_kind != center.kind {
        return Err(FieldError::new(
            "center_id",
            "wrong_kind",
            format!("本通知面向{}，所选平台为{}", profile.center_kind.label_zh(), center.kind.label_zh()),
        )
        .into());
    }
    if ctx.now() > call.deadline_at {
        return Err(Error::rule("deadline_passed", "申报截止时间已过"));
    }
    check_bar(ctx, center.host_org_id).await?;
    let name = check_name(profile, &input.proposed_name)?;
    let mut tx = ctx.store().write().await?;
    let a = applications::create(&mut tx, &caller.actor(), ctx.now(), call.id, center.id, &name).await?;
    tx.commit().await?;
    Ok(a)
}

/// Renames a draft or returned application.
pub async fn rename(ctx: &Context, caller: &Caller, id: ApplicationId, name: &str, version: i64) -> Result<Application> {
    let (a, standing) = load(ctx, caller, id).await?;
    if standing != Standing::Applicant || !a.state.editable() {
        return Err(Error::Forbidden);
    }
    let name = check_name(profile_of(ctx, &a.profile_id)?, name)?;
    let mut tx = ctx.store().write().await?;
    let a = applications::rename(&mut tx, &caller.actor(), ctx.now(), id, version, &name).await?;
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
    pub panel: Vec<Seat>,
    /// Mean of the scores given, if any.
    pub mean_score: Option<f64>,
    /// Mean, trimmed mean, spread and disagreement flag of the weighted totals.
    #[schema(value_type = Option<Object>)]
    pub aggregate: Option<pocnet_domain::review::Aggregate>,
    /// For an expert on the panel: `pending`, `no_conflict`, `recused` or `declined`.
    pub my_declaration: Option<SeatStatus>,
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
pub async fn eligibility_of(ctx: &Context, a: &Application) -> Result<Option<Eligibility>> {
    if !a.state.editable() {
        if let Some(json) = &a.eligibility_json {
            return Ok(serde_json::from_str(json).ok());
        }
    }
    if a.state.is_final() {
        return Ok(None);
    }
    Ok(Some(crate::registry::check(ctx, a.center_id, &a.profile_id, a.kind).await?))
}

/// The guards of an application now: every fact the workflow's steps
/// depend on, read once, so that the steps offered
/// ([`ApplicationState::available_actions`]) and the step taken
/// ([`ApplicationState::apply`]) are decided on the same facts.
pub async fn guards(ctx: &Context, a: &Application, eligible: bool) -> Result<Guards> {
    let pool = ctx.store().pool();
    let profile = profile_of(ctx, &a.profile_id)?;
    let stage = profile.stage(a.kind).ok_or_else(|| Error::Internal("stage missing".into()))?;
    let panel = panels::seats(pool, Subject::application(a.id)).await?;
    let objections = applications::objections(pool, a.id).await?;
    let today = ctx.today();
    let notice_end = a.notice_end;
    // Submission is the only step the call's opening and a revocation bar decide.
    let (not_open_until, bar) = if a.state.editable() {
        let call = calls::get(pool, a.call_id).await?;
        let opens_on = Some(call.opens_on).filter(|d| *d > today);
        let bar = match pocnet_store::supervision::bar_on(pool, a.host_org_id, today).await? {
            Some(b) => Some(Bar {
                revoked_on: b.revoked_on,
                reason: b.reason_label,
                article: b.article,
                may_apply_from: b.may_apply_from,
            }),
            None => None,
        };
        (opens_on, bar)
    } else {
        (None, None)
    };
    Ok(Guards {
        county_review: stage.county_review,
        before_deadline: ctx.now() <= a.deadline_at,
        not_open_until,
        bar,
        eligible,
        site_visit_required: stage.site_visit == SiteVisitRule::Required,
        site_visit_recorded: !applications::site_visits(pool, a.id).await?.is_empty(),
        panel_scores: panel.iter().filter(|p| p.scored()).count(),
        notice_ended: notice_end.is_some_and(|end| today > end),
        notice_end,
        open_objections: objections.iter().filter(|o| o.status == ObjectionStatus::Open).count(),
        upheld_objections: objections.iter().filter(|o| o.status == ObjectionStatus::Upheld).count(),
    })
}

/// Reads an application with all a caller may see, reduced to the caller's
/// standing after access control.
pub async fn detail(ctx: &Context, caller: &Caller, id: ApplicationId) -> Result<ApplicationDetail> {
    let (a, standing) = load(ctx, caller, id).await?;
    let pool = ctx.store().pool();
    let eligibility = eligibility_of(ctx, &a).await?;
    let g = guards(ctx, &a, eligibility.as_ref().is_some_and(Eligibility::eligible)).await?;
    let available_actions = standing.actor_kind().map(|k| a.state.available_actions(k, &g)).unwrap_or_default();
    let actions = available_actions.iter().filter(|x| x.available).filter_map(|x| ReviewAction::parse(x.action).ok()).collect();
    let panel = panels::seats(pool, Subject::application(id)).await?;
    let scores: Vec<i64> = panel.iter().filter_map(|p| p.score).collect();
    let mean_score = (!scores.is_empty()).then(|| scores.iter().sum::<i64>() as f64 / scores.len() as f64);
    // The panel's result as written back with the last score.
    let aggregate = a.panel_result.clone();
    let (a, panel, eligibility, aggregate, my_declaration) = match standing {
        // An expert scores independently: never the others' seats or result, and the
        // materials (the frozen eligibility) only after declaring no conflict (issue 11 §4).
        Standing::PanelExpert { expert_id, status } => (
            a.reduced_for_panel_member(status.pledged()),
            panel.into_iter().filter(|p| p.expert_id == expert_id).collect(),
            if status.pledged() { eligibility } else { None },
            None,
            Some(status),
        ),
        // Reviewers stay anonymous to the applicant (评审专家信息保密): it sees the mean only.
        Standing::Applicant => (a, Vec::new(), eligibility, aggregate, None),
        Standing::Bureau | Standing::County => (a, panel, eligibility, aggregate, None),
    };
    let mut objections = applications::objections(pool, id).await?;
    if standing != Standing::Bureau {
        for o in &mut objections {
            o.contact.clear();
        }
    }
    let profile = profile_of(ctx, &a.profile_id)?;
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
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    pub notice_days: Option<i64>,
}

/// Takes a step of the review chain.
pub async fn take_step(ctx: &Context, caller: &Caller, id: ApplicationId, input: &StepInput) -> Result<Application> {
    let action = ReviewAction::parse(input.action.trim()).map_err(|_| FieldError::unknown_value("action", "操作"))?;
    let (a, standing) = load(ctx, caller, id).await?;
    let kind = standing.actor_kind().ok_or(Error::Forbidden)?;
    let comments = text("comments", "意见", &input.comments, usize::from(action.needs_comment()), 2000)?;
    let profile = profile_of(ctx, &a.profile_id)?;
    let mut effects = StepEffects::default();
    let mut eligible = false;
    if action == ReviewAction::Submit {
        // The call's opening and a revocation bar are guards of the step (see `guards`).
        check_name(profile, &a.proposed_name)?;
        let e = crate::registry::check(ctx, a.center_id, &a.profile_id, a.kind).await?;
        eligible = e.eligible();
        effects.eligibility_json = Some(serde_json::to_string(&e).map_err(|e| Error::Internal(e.to_string()))?);
    }
    let g = guards(ctx, &a, eligible).await?;
    if a.version != input.version {
        return Err(pocnet_store::StoreError::VersionConflict { expected: input.version }.into());
    }
    let transition = a.state.step(action, kind, &g)?;
    let to = transition.to();
    if action == ReviewAction::PublishNotice {
        let start = match input.notice_start.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(d) => parse_day("notice_start", "公示开始日期", d, ctx.today())?,
            None => ctx.today(),
        };
        if start < ctx.today() {
            return Err(FieldError::new("notice_start", "in_the_past", "公示开始日期不能早于今天").into());
        }
        let asked = input
            .notice_days
            .map(|d| u32::try_from(d).map_err(|_| FieldError::new("notice_days", "notice_period", "公示天数须为正整数")))
            .transpose()?;
        let days = profile.notice_days(asked).map_err(|m| FieldError::new("notice_days", "notice_period", m))?;
        let calendar = crate::calendar::effective(ctx).await?;
        let end = profile.notice_end_for(start, days, &calendar).map_err(|e| Error::rule("calendar_not_covered", e.to_string()))?;
        effects.notice = Some((start, end));
    }
    if to.is_final() {
        effects.decided_on = Some(ctx.today());
    }
    let mut tx = ctx.store().write().await?;
    let step = Step { transition, version: input.version, comments: &comments };
    let after = applications::take_step(&mut tx, &caller.actor(), ctx.now(), id, &step, &effects).await?;
    let approved = to == ApplicationState::Approved;
    if approved {
        let center = pocnet_store::supervision::apply_approval(&mut tx, &caller.actor(), ctx.now(), &after, profile, ctx.today()).await?;
        // The certificate is issued signed (存证): its face and facts, signed and logged with the decision.
        crate::evidence::documents::sign_certificate(&mut tx, ctx, &caller.actor(), &center, profile, ctx.today(), Some(after.id.get())).await?;
    }
    tx.commit().await?;
    if approved {
        crate::evidence::documents::seal(ctx).await;
    }
    Ok(after)
}

/// The application's panel as the panel rules need it: the one whose
/// experts may not sit on it (the host unit, the center's advisory team), the
/// sheet, and whether it is in the phase that takes panel work (市级评审).
pub async fn judged(ctx: &Context, a: &Application) -> Result<crate::panels::Judged> {
    let advisors = pocnet_store::registry::file(ctx.store().pool(), a.center_id).await?.advisors.iter().map(|x| x.expert_id).collect();
    Ok(crate::panels::Judged {
        subject: Subject::application(a.id),
        owner: crate::panels::Owner { org_id: a.host_org_id, org_name: a.host_org_name.clone(), role: "申报单位" },
        excluded: crate::panels::Excluded::Advisors(advisors),
        sheet: pocnet_domain::review::sheet(pocnet_domain::review::ReviewPurpose::ApplicationReview).clone(),
        overall_score: true,
        open: a.state == ApplicationState::BureauReview,
    })
}

/// An application's panel for the bureau to staff (市级评审 only).
pub async fn panel_to_manage(ctx: &Context, caller: &Caller, id: ApplicationId, replacing: bool) -> Result<crate::panels::Judged> {
    caller.require(&[Role::Bureau])?;
    let (a, _) = load(ctx, caller, id).await?;
    if a.state != ApplicationState::BureauReview {
        let message = if replacing { "只有市级评审阶段可以替换专家" } else { "只有市级评审阶段可以组建专家组" };
        return Err(Error::Conflict { code: "illegal_transition", message: message.into(), field: None });
    }
    judged(ctx, &a).await
}

/// An application's panel for the calling expert to declare on or score
/// (市级评审 only), with its seat.
pub async fn panel_to_sit(ctx: &Context, caller: &Caller, id: ApplicationId, scoring: bool) -> Result<(crate::panels::Judged, Seat)> {
    caller.require(&[Role::Expert])?;
    let expert = crate::panels::expert_of(ctx, caller).await?.ok_or(Error::Forbidden)?;
    let (a, _) = load(ctx, caller, id).await?;
    if a.state != ApplicationState::BureauReview {
        let message = if scoring { "评审阶段已结束，不能再评分" } else { "评审阶段已结束" };
        return Err(Error::Conflict { code: "illegal_transition", message: message.into(), field: None });
    }
    let seat = panels::seat(ctx.store().pool(), Subject::application(id), expert).await?.ok_or(Error::NotFound)?;
    Ok((judged(ctx, &a).await?, seat))
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
pub async fn add_site_visit(ctx: &Context, caller: &Caller, id: ApplicationId, input: &SiteVisitInput) -> Result<()> {
    let (a, standing) = load(ctx, caller, id).await?;
    let kind = standing.actor_kind().ok_or(Error::Forbidden)?;
    let allowed = matches!(
        (kind, a.state),
        (ActorKind::Bureau, ApplicationState::BureauReview | ApplicationState::Submitted) | (ActorKind::County, ApplicationState::Submitted)
    );
    if !allowed {
        return Err(Error::Forbidden);
    }
    let day = parse_day("visited_on", "考察日期", &input.visited_on, ctx.today())?;
    if day > ctx.today() {
        return Err(FieldError::new("visited_on", "in_the_future", "考察日期不能晚于今天").into());
    }
    let visitors = text("visitors", "考察人员", &input.visitors, 2, 200)?;
    let findings = text("findings", "考察意见", &input.findings, 2, 4000)?;
    let mut tx = ctx.store().write().await?;
    applications::add_site_visit(&mut tx, &caller.actor(), ctx.now(), id, day, &visitors, &findings).await?;
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
pub async fn file_objection(ctx: &Context, ip: Option<String>, id: ApplicationId, input: &ObjectionInput) -> Result<Objection> {
    let a = applications::get(ctx.store().pool(), id).await?;
    let today = ctx.today();
    let running = a.state == ApplicationState::InNotice
        && a.notice_start.is_some_and(|s| s <= today)
        && a.notice_end.is_some_and(|e| today <= e);
    if a.notice_start.is_none() {
        return Err(Error::NotFound);
    }
    if !running {
        return Err(Error::rule("notice_not_running", "不在公示期内，不能提出异议"));
    }
    let name = text("name", "异议人姓名或单位", &input.name, 2, 60)?;
    let contact = text("contact", "联系方式", &input.contact, 5, 100)?;
    let content = text("content", "异议内容", &input.content, 10, 4000)?;
    let address = ip.clone().unwrap_or_default();
    let actor = pocnet_store::Actor { user_id: None, label: "public".into(), ip };
    let now = ctx.now();
    let mut tx = ctx.store().write().await?;
    // Counted in the filing's own transaction, the notice's row locked: the limits hold under concurrency.
    let (on_notice, from_ip, from_ip_on_notice) = applications::recent_objections(&mut tx, id, &address, now - chrono::Duration::hours(1)).await?;
    let filed = pocnet_domain::objection::Filed { on_notice_last_hour: on_notice, from_address_last_hour: from_ip, from_address_on_notice: from_ip_on_notice };
    if let Err((code, message)) = pocnet_domain::objection::may_file(filed) {
        return Err(Error::TooMany { code, message });
    }
    let o = applications::file_objection(&mut tx, &actor, now, id, &name, &contact, &content).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict {
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
pub async fn resolve_objection(ctx: &Context, caller: &Caller, oid: ObjectionId, input: &ResolutionInput) -> Result<Objection> {
    caller.require(&[Role::Bureau])?;
    let finding = ObjectionFinding::parse(input.status.trim()).map_err(|_| FieldError::unknown_value("status", "处理结论"))?;
    let resolution = text("resolution", "处理意见", &input.resolution, 2, 4000)?;
    let mut tx = ctx.store().write().await?;
    let o = applications::resolve_objection(&mut tx, &caller.actor(), ctx.now(), oid, input.version, finding, &resolution).await?;
    tx.commit().await?;
    Ok(o)
}

/// One resolution for several objections of an application, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct BatchResolutionInput {
    /// The objections (ids); empty: every open objection of the application.
    #[serde(default)]
    #[schema(value_type = Vec<i64>)]
    pub ids: Vec<ObjectionId>,
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
pub async fn resolve_objections(ctx: &Context, caller: &Caller, id: ApplicationId, input: &BatchResolutionInput) -> Result<BatchResolved> {
    caller.require(&[Role::Bureau])?;
    applications::get(ctx.store().pool(), id).await?;
    let finding = ObjectionFinding::parse(input.status.trim()).map_err(|_| FieldError::unknown_value("status", "处理结论"))?;
    let resolution = text("resolution", "处理意见", &input.resolution, 2, 4000)?;
    if input.ids.len() > 1000 {
        return Err(FieldError::new("ids", "too_many", "一次最多处理1000条异议").into());
    }
    let mut tx = ctx.store().write().await?;
    let resolved = applications::resolve_open_objections(&mut tx, &caller.actor(), ctx.now(), id, &input.ids, finding, &resolution).await?;
    tx.commit().await?;
    Ok(BatchResolved { resolved })
}

/// The experts the bureau may put on a panel.
pub async fn expert_choices(ctx: &Context) -> Result<Vec<pocnet_store::experts::Expert>> {
    use pocnet_store::experts;
    Ok(experts::list(ctx.store().pool(), &experts::ExpertFilter { available_only: true, ..Default::default() }, pocnet_store::Page::new(Some(1), Some(200))).await?.items)
}

/// The centers of the caller's unit that may apply to a call.
pub async fn own_centers(ctx: &Context, caller: &Caller, kind: CenterKind) -> Result<Vec<centers::Center>> {
    let Some(user) = caller.user() else { return Ok(Vec::new()) };
    Ok(centers::hosted_by(ctx.store().pool(), user.org_id).await?.into_iter().filter(|c| c.kind == kind).collect())
}
