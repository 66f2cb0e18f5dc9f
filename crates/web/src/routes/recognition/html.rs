//! Pages of the recognition workflow: calls, applications with their review
//! chain and the forms of each role, the public notices with the objection form.

use super::api::{notice_entry, notices, ApplicationQuery, AssignInput, NoticeEntry, RenameInput};
use super::*;
use crate::error::AppError;
use pocnet_domain::recognition::{ActorKind, ApplicationState, ReviewAction};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::applications::{self, Application, Objection, SiteVisit};
use pocnet_store::calls::{self, Call};
use pocnet_store::experts;
use serde::Deserialize;
use crate::auth::session::Auth;
use crate::extract::{ListParams, QueryParams};
use crate::routes::registry::html::{criterion_rows, CriterionRow};
use crate::views::{render, Chrome, Choice, Pager};
use askama::Template;
use axum::extract::State;
use crate::extract::Path;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Form;

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/calls", get(calls_page).post(publish_form))
        .route("/calls/{id}", get(call_page))
        .route("/applications", get(applications_page).post(apply_form))
        .route("/applications/{id}", get(application_page).post(rename_form))
        .route("/applications/{id}/form", get(application_form_page))
        .route("/applications/{id}/steps", post(step_form))
        .route("/applications/{id}/panel", post(assign_form))
        .route("/applications/{id}/scores", post(score_form))
        .route("/applications/{id}/declaration", post(declaration_form))
        .route("/applications/{id}/site-visits", post(site_visit_form))
        .route("/objections/{id}/resolution", post(resolve_form))
        .route("/applications/{id}/objections/resolution", post(resolve_batch_form))
        .route("/notices", get(notices_page))
        .route("/notices/{id}", get(notice_page).post(object_form))
}

struct CallRow {
    id: CallId,
    title: String,
    profile: String,
    kind: &'static str,
    opens_on: String,
    deadline: String,
    open: bool,
    applications: i64,
}

fn local(t: chrono::DateTime<chrono::Utc>) -> String {
    pocnet_domain::display::beijing(t)
}

fn call_row(state: &AppState, c: &Call) -> CallRow {
    CallRow {
        id: c.id,
        title: c.title.clone(),
        profile: state.profile(&c.profile_id).map(|p| p.title.clone()).unwrap_or_else(|| c.profile_id.clone()),
        kind: c.kind.label_zh(),
        opens_on: c.opens_on.to_string(),
        deadline: local(c.deadline_at),
        open: state.now() <= c.deadline_at,
        applications: c.applications,
    }
}

#[derive(Template)]
#[template(path = "recognition/calls.html")]
struct CallsPage {
    chrome: Chrome,
    rows: Vec<CallRow>,
    bureau: bool,
    profiles: Vec<Choice>,
    error: Option<String>,
    input: CallInput,
}

async fn render_calls(state: &AppState, auth: &Auth, input: CallInput, error: Option<String>) -> AppResult<Response> {
    let list = calls::list(state.store().pool()).await?;
    let bureau = auth.current.as_ref().is_some_and(|m| m.role() == Role::Bureau);
    Ok(render(&CallsPage {
        chrome: Chrome::public(Some(auth), "申报通知", "calls"),
        rows: list.iter().map(|c| call_row(state, c)).collect(),
        bureau,
        profiles: state.config().policies.iter().map(|p| Choice::new(p.id.clone(), format!("{}（{}）", p.title, p.jurisdiction))).collect(),
        error,
        input,
    }))
}

async fn calls_page(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    render_calls(&state, &auth, CallInput { kind: "recognition".into(), ..Default::default() }, None).await
}

async fn publish_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Form(input): Form<CallInput>) -> AppResult<Response> {
    match publish_call(&state, &me, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/calls/{}", c.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. })) => {
            let status = e.status();
            Ok((status, render_calls(&state, &auth, input, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "recognition/call.html")]
struct CallPage {
    chrome: Chrome,
    call: CallRow,
    body: String,
    stage_label: String,
    criteria: Vec<(String, String, String)>,
    naming: String,
    notice: String,
    centers: Vec<Choice>,
    can_apply: bool,
    error: Option<String>,
    name: String,
    bureau: bool,
    runs: Vec<pocnet_store::assignments::Run>,
}

async fn render_call(state: &AppState, auth: &Auth, id: CallId, error: Option<String>, name: String) -> AppResult<Response> {
    let call = calls::get(state.store().pool(), id).await?;
    let profile = profile_of(state, &call.profile_id)?;
    let stage = profile.stage(call.kind);
    let centers = match auth.current.as_ref() {
        Some(me) if me.role() == Role::Center => {
            own_centers(state, me, profile.center_kind).await?.into_iter().map(|c| Choice::new(c.id.to_string(), c.name)).collect()
        }
        _ => Vec::new(),
    };
    let row = call_row(state, &call);
    let bureau = auth.current.as_ref().is_some_and(|m| m.role() == Role::Bureau);
    let runs = if bureau { pocnet_store::assignments::of_call(state.store().pool(), id).await? } else { Vec::new() };
    Ok(render(&CallPage {
        bureau,
        runs,
        chrome: Chrome::public(Some(auth), call.title.clone(), "calls"),
        can_apply: row.open && auth.current.as_ref().is_some_and(|m| m.role() == Role::Center),
        call: row,
        body: call.body.clone(),
        stage_label: stage.map(|s| s.label.clone()).unwrap_or_default(),
        criteria: stage
            .map(|s| s.criteria.iter().map(|c| (c.label.clone(), c.reading.clone(), c.article.clone())).collect())
            .unwrap_or_default(),
        naming: format!("{}（{}）", profile.naming.rule, profile.naming.article),
        notice: profile.notice.reading.clone(),
        centers,
        error,
        name: if name.is_empty() { format!("{}××{}", profile.naming.prefix, profile.naming.suffix) } else { name },
    }))
}

async fn call_page(State(state): State<AppState>, auth: Auth, Path(id): Path<CallId>) -> AppResult<Response> {
    render_call(&state, &auth, id, None, String::new()).await
}

async fn apply_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Form(input): Form<ApplyInput>) -> AppResult<Response> {
    match apply(&state, &me, &input).await {
        Ok(a) => Ok(Redirect::to(&format!("/applications/{}", a.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::Conflict { .. })) => {
            let status = e.status();
            Ok((status, render_call(&state, &auth, CallId::new(input.call_id), Some(e.body().message), input.proposed_name.clone()).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

struct AppRow {
    id: ApplicationId,
    name: String,
    host: String,
    region: &'static str,
    call: String,
    kind: &'static str,
    state: &'static str,
    state_code: &'static str,
    submitted: String,
    /// For an expert: its own seat (待声明 / 待评分 / 已评分 …), not the application's state.
    my_seat: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "recognition/applications.html")]
struct ApplicationsPage {
    chrome: Chrome,
    rows: Vec<AppRow>,
    pager: Pager,
    states: Vec<Choice>,
    state: String,
    /// The list is an expert's review tasks (shows its own seat).
    expert: bool,
    calls: Vec<Choice>,
    call_id: String,
    regions: Vec<Choice>,
    region: String,
}

async fn applications_page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ApplicationQuery>,
) -> AppResult<Response> {
    let scope = scope_for(&state, &me).await?;
    let list = applications::list(state.store().pool(), scope, &q.filter()?, p.page()).await?;
    let keep = vec![
        ("state", q.state.clone().unwrap_or_default()),
        ("call_id", q.call_id.map(|c| c.to_string()).unwrap_or_default()),
        ("region", q.region.clone().unwrap_or_default()),
    ];
    let calls = pocnet_store::calls::list(state.store().pool()).await?.into_iter().map(|c| Choice::new(c.id.to_string(), c.title)).collect();
    let under_review: std::collections::HashMap<ApplicationId, bool> = list.items.iter().map(|a| (a.id, a.state == ApplicationState::BureauReview)).collect();
    let seats = crate::routes::todo::application_seats(&state, &me, |id| under_review.get(&id).copied().unwrap_or(false)).await?;
    Ok(render(&ApplicationsPage {
        expert: me.role() == Role::Expert,
        chrome: Chrome::signed_in(&me, if me.role() == Role::Expert { "评审任务" } else { "申报与审核" }, "applications"),
        rows: list
            .items
            .iter()
            .map(|a| AppRow {
                id: a.id,
                name: a.proposed_name.clone(),
                host: a.host_org_name.clone(),
                region: a.region.label_zh(),
                call: a.call_title.clone(),
                kind: a.kind.label_zh(),
                state: a.state.label_zh(),
                state_code: a.state.as_str(),
                submitted: a.submitted_at.map(local).unwrap_or_else(|| "—".into()),
                my_seat: seats.get(&a.id).map(|s| s.label_zh()),
            })
            .collect(),
        pager: Pager::new("/applications", &list, &keep),
        states: ApplicationState::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        state: q.state.unwrap_or_default(),
        calls,
        call_id: q.call_id.map(|c| c.to_string()).unwrap_or_default(),
        regions: crate::views::region_choices(),
        region: q.region.unwrap_or_default(),
    }))
}

/// A vacated seat and the assigner's proposals for it.
struct ReplacementBlock {
    left_id: ExpertId,
    left: String,
    explanation: String,
    candidates: Vec<(String, String)>,
}

struct ActionButton {
    code: &'static str,
    label: &'static str,
    needs_comment: bool,
    primary: bool,
}

/// How the notice form asks for the length: a field only where the profile
/// says "不少于" (a longer notice is allowed), else the fixed period with its article.
struct NoticeRule {
    days: u32,
    at_least: bool,
    unit: &'static str,
    article: String,
}

impl NoticeRule {
    fn of(p: &pocnet_domain::policy::Profile) -> Self {
        let unit = if p.notice.counting == "working_days" { "个工作日" } else { "天" };
        Self { days: p.notice.days, at_least: p.notice.at_least, unit, article: p.notice.article.clone() }
    }
}

#[derive(Template)]
#[template(path = "recognition/application.html")]
struct ApplicationPage {
    chrome: Chrome,
    a: Application,
    state_label: &'static str,
    kind_label: &'static str,
    deadline: String,
    eligibility: Option<(Vec<CriterionRow>, usize, usize, usize, bool)>,
    steps: Vec<(String, String, String, String, String)>,
    panel: Vec<pocnet_store::panels::Seat>,
    mean: String,
    aggregate: Option<pocnet_domain::review::Aggregate>,
    my_declaration: String,
    dimensions: Vec<(&'static str, &'static str, u32, String)>,
    site_visits: Vec<SiteVisit>,
    site_visit_rule: &'static str,
    objections: Vec<Objection>,
    open_objections: usize,
    actions: Vec<ActionButton>,
    /// Steps of this state the caller may not take yet: (label, why and until when).
    blocked: Vec<(&'static str, String)>,
    bureau: bool,
    is_expert_on_panel: bool,
    my_comments: String,
    editable: bool,
    picker: Option<Picker>,
    replacements: Vec<ReplacementBlock>,
    can_visit: bool,
    error: Option<String>,
    today: String,
    notice_rule: NoticeRule,
}

/// One expert found by the panel picker, with the reason it may not be invited.
struct PickRow {
    id: ExpertId,
    name: String,
    org: String,
    kind: &'static str,
    fields: String,
    blocked: Option<String>,
}

/// The bureau's searchable panel picker (添加评审专家).
struct Picker {
    q: String,
    rows: Vec<PickRow>,
    total: i64,
}

/// Finds experts for an application's panel: by `q` (name, unit, keyword),
/// else those serving the center's first field; each with why it is blocked.
async fn picker(state: &AppState, a: &Application, panel: &[pocnet_store::panels::Seat], q: Option<&str>) -> AppResult<Picker> {
    let pool = state.store().pool();
    let q = q.map(str::trim).filter(|q| !q.is_empty()).map(|q| q.chars().take(50).collect::<String>());
    let center = pocnet_store::centers::get(pool, a.center_id).await?;
    let filter = experts::ExpertFilter { q: q.clone(), field: if q.is_none() { center.fields.first().cloned() } else { None }, ..Default::default() };
    let found = experts::list(pool, &filter, pocnet_store::Page::new(Some(1), Some(20))).await?;
    let judged = pocnet_app::recognition::judged(state.context(), a).await?;
    let rows = found
        .items
        .iter()
        .filter(|e| !panel.iter().any(|p| p.expert_id == e.id))
        .map(|e| PickRow {
            id: e.id,
            name: e.name.clone(),
            org: e.org_name.clone(),
            kind: e.kind.label_zh(),
            fields: crate::routes::registry::field_labels(state, &e.fields),
            blocked: pocnet_app::panels::reason_against(e, &judged, state.today()),
        })
        .collect();
    Ok(Picker { q: q.unwrap_or_default(), rows, total: found.total })
}

async fn render_application(state: &AppState, me: &CurrentUser, id: ApplicationId, error: Option<String>) -> AppResult<Response> {
    render_application_with(state, me, id, error, None).await
}

async fn render_application_with(state: &AppState, me: &CurrentUser, id: ApplicationId, error: Option<String>, expert_q: Option<&str>) -> AppResult<Response> {
    let d = detail(state, me, id).await?;
    let a = d.application;
    let notice_rule = NoticeRule::of(profile_of(state, &a.profile_id)?);
    let my_expert = expert_id(state, me).await?;
    let mine = my_expert.and_then(|e| d.panel.iter().find(|p| p.expert_id == e));
    let bureau = me.role() == Role::Bureau;
    let kind = actor_kind(state, me, &a).await?;
    let picker = if bureau && a.state == ApplicationState::BureauReview { Some(picker(state, &a, &d.panel, expert_q).await?) } else { None };
    let mut replacements = Vec::new();
    if bureau && a.state == ApplicationState::BureauReview {
        for p in d.panel.iter().filter(|p| p.vacated() && !d.panel.iter().any(|q| q.replaces_expert_id == Some(p.expert_id))) {
            let block = match crate::routes::assignment::replacement(state, me, id, p.expert_id).await {
                Ok(v) => {
                    let r = v.replacement;
                    let label = |c: &pocnet_domain::panel::Candidate| {
                        format!(
                            "{}，{}，匹配度 {:.3}，已参评 {} 项",
                            v.names.get(&c.expert).cloned().unwrap_or_else(|| c.expert.clone()),
                            c.kind.label_zh(),
                            c.affinity,
                            c.load
                        )
                    };
                    let candidates = r.proposed.iter().chain(r.alternatives.iter()).map(|c| (c.expert.clone(), label(c))).collect();
                    ReplacementBlock { left_id: p.expert_id, left: p.name.clone(), explanation: r.explanation, candidates }
                }
                Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::Conflict { .. })) => {
                    ReplacementBlock { left_id: p.expert_id, left: p.name.clone(), explanation: e.body().message, candidates: Vec::new() }
                }
                Err(e) => return Err(e),
            };
            replacements.push(block);
        }
    }
    let can_visit = matches!(
        (kind, a.state),
        (Some(ActorKind::Bureau), ApplicationState::BureauReview | ApplicationState::Submitted) | (Some(ActorKind::County), ApplicationState::Submitted)
    );
    let page = ApplicationPage {
        chrome: Chrome::signed_in(me, a.proposed_name.clone(), "applications"),
        state_label: a.state.label_zh(),
        kind_label: a.kind.label_zh(),
        deadline: local(a.deadline_at),
        eligibility: d.eligibility.as_ref().map(|e| (criterion_rows(e), e.met, e.not_met, e.missing_evidence, e.eligible())),
        steps: d
            .steps
            .iter()
            .map(|s| {
                (local(s.at), format!("{}（{}）", s.actor_label, s.actor_kind.label_zh()), s.action.label_zh().to_owned(), format!("{} → {}", s.from_state.label_zh(), s.to_state.label_zh()), s.comments.clone())
            })
            .collect(),
        mean: d.mean_score.map(|m| format!("{m:.1}")).unwrap_or_else(|| "—".into()),
        aggregate: d.aggregate.clone(),
        my_declaration: d.my_declaration.map(|s| s.as_str().to_owned()).unwrap_or_default(),
        dimensions: {
            let mine: std::collections::BTreeMap<String, i64> =
                mine.map(|p| serde_json::from_str(&p.scores_json).unwrap_or_default()).unwrap_or_default();
            pocnet_domain::review::sheet(pocnet_domain::review::ReviewPurpose::ApplicationReview)
                .dimensions
                .iter()
                .map(|dm| (dm.code.as_ref(), dm.label.as_ref(), dm.weight, mine.get(dm.code.as_ref()).map(|v| v.to_string()).unwrap_or_default()))
                .collect()
        },
        site_visit_rule: d.site_visit_rule.label_zh(),
        is_expert_on_panel: mine.is_some(),
        my_comments: mine.map(|p| p.comments.clone()).unwrap_or_default(),
        panel: d.panel,
        site_visits: d.site_visits,
        open_objections: d.objections.iter().filter(|o| o.status == pocnet_domain::objection::ObjectionStatus::Open).count(),
        objections: d.objections,
        actions: d
            .actions
            .iter()
            .map(|x| ActionButton {
                code: x.as_str(),
                label: x.label_zh(),
                needs_comment: x.needs_comment(),
                primary: !x.needs_comment() && *x != ReviewAction::Withdraw,
            })
            .collect(),
        blocked: d.available_actions.iter().filter(|x| !x.available).map(|x| (x.label, x.reason.clone().unwrap_or_default())).collect(),
        bureau,
        replacements,
        editable: kind == Some(ActorKind::Applicant) && a.state.editable(),
        picker,
        can_visit,
        error,
        today: state.today().to_string(),
        notice_rule,
        a,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "recognition/application_form.html")]
struct ApplicationFormPage {
    chrome: Chrome,
    a: Application,
    kind_label: &'static str,
    state_label: &'static str,
    region: &'static str,
    center_kind: &'static str,
    center_level: &'static str,
    fields: String,
    directors: String,
    summary: String,
    policy_title: String,
    submitted: String,
    frozen: bool,
    rows: Vec<CriterionRow>,
}

/// The application form (申报书) as a printable A4 document: the applicant,
/// its center and the eligibility check (frozen at submission). For the
/// bureau, the county of the region and the applicant — not for experts.
async fn application_form_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>) -> AppResult<Response> {
    me.require(&[Role::Bureau, Role::County, Role::Center])?;
    let d = detail(&state, &me, id).await?;
    let a = d.application;
    let c = pocnet_store::centers::get(state.store().pool(), a.center_id).await?;
    let page = ApplicationFormPage {
        chrome: Chrome::signed_in(&me, format!("申报书：{}", a.proposed_name), "applications"),
        kind_label: a.kind.label_zh(),
        state_label: a.state.label_zh(),
        region: a.region.label_zh(),
        center_kind: c.kind.label_zh(),
        center_level: c.level.label_zh(),
        fields: crate::routes::registry::field_labels(&state, &c.fields),
        directors: format!("{} / {}", c.admin_director, c.tech_director),
        summary: c.summary.clone(),
        policy_title: state.profile(&a.profile_id).map(|p| p.title.clone()).unwrap_or_else(|| a.profile_id.clone()),
        submitted: a.submitted_at.map(local).unwrap_or_else(|| "尚未提交".into()),
        frozen: a.eligibility_json.is_some(),
        rows: d.eligibility.as_ref().map(criterion_rows).unwrap_or_default(),
        a,
    };
    Ok(render(&page))
}

#[derive(Debug, Default, Deserialize)]
struct PickerQuery {
    expert_q: Option<String>,
}

async fn application_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>, QueryParams(q): QueryParams<PickerQuery>) -> AppResult<Response> {
    render_application_with(&state, &me, id, None, q.expert_q.as_deref()).await
}

async fn back<T>(state: &AppState, me: &CurrentUser, id: ApplicationId, r: AppResult<T>) -> AppResult<Response> {
    match r {
        Ok(_) => Ok(Redirect::to(&format!("/applications/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::Conflict { .. })) => {
            let status = e.status();
            Ok((status, render_application(state, me, id, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn rename_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>, Form(input): Form<RenameInput>) -> AppResult<Response> {
    let r = rename(&state, &me, id, &input.proposed_name, input.version).await;
    back(&state, &me, id, r).await
}

async fn step_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>, Form(input): Form<StepInput>) -> AppResult<Response> {
    let r = take_step(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

async fn assign_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>, Form(input): Form<AssignInput>) -> AppResult<Response> {
    let r = assign_expert(&state, &me, id, ExpertId::new(input.expert_id), input.replaces.map(ExpertId::new)).await;
    back(&state, &me, id, r).await
}

/// The score form: one `score.<dimension>` field per dimension of the sheet, and comments.
async fn score_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>, body: axum::body::Bytes) -> AppResult<Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let mut input = ScoreInput::default();
    for (k, v) in pairs {
        if let Some(dim) = k.strip_prefix("score.") {
            let n = v.trim().parse::<i64>().map_err(|_| FieldError::new(format!("scores.{dim}"), "not_a_number", "评分须为0至100的整数"));
            match n {
                Ok(n) => {
                    input.scores.insert(dim.to_owned(), n);
                }
                Err(e) => return back(&state, &me, id, Err::<(), AppError>(e.into())).await,
            }
        } else if k == "comments" {
            input.comments = v;
        }
    }
    let r = score(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

async fn declaration_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>, Form(input): Form<DeclarationInput>) -> AppResult<Response> {
    let r = declare(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

async fn site_visit_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>, Form(input): Form<SiteVisitInput>) -> AppResult<Response> {
    let r = add_site_visit(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

async fn resolve_form(State(state): State<AppState>, me: CurrentUser, Path(oid): Path<ObjectionId>, Form(input): Form<ResolutionInput>) -> AppResult<Response> {
    me.require(&[Role::Bureau])?;
    let app = applications::objection(state.store().pool(), oid).await?.application_id;
    let r = resolve_objection(&state, &me, oid, &input).await;
    back(&state, &me, app, r).await
}

/// The batch form: checked `ids` (repeated), one conclusion and one reason.
async fn resolve_batch_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ApplicationId>, body: axum::body::Bytes) -> AppResult<Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let ids: Vec<ObjectionId> = pairs.iter().filter(|(n, _)| n == "ids").filter_map(|(_, v)| v.trim().parse().ok()).collect();
    if ids.is_empty() {
        return back(&state, &me, id, Err::<(), _>(FieldError::new("ids", "required", "请勾选要一并处理的异议").into())).await;
    }
    let input = BatchResolutionInput { ids, status: get("status"), resolution: get("resolution") };
    let r = resolve_objections(&state, &me, id, &input).await;
    back(&state, &me, id, r).await
}

#[derive(Template)]
#[template(path = "recognition/notices.html")]
struct NoticesPage {
    chrome: Chrome,
    rows: Vec<NoticeEntry>,
}

async fn notices_page(State(state): State<AppState>, auth: Auth) -> AppResult<Response> {
    Ok(render(&NoticesPage { chrome: Chrome::public(Some(&auth), "公示公告", "notices"), rows: notices(&state).await? }))
}

#[derive(Template)]
#[template(path = "recognition/notice.html")]
struct NoticePage {
    chrome: Chrome,
    n: NoticeEntry,
    reading: String,
    error: Option<String>,
    filed: bool,
    input: ObjectionInput,
}

async fn render_notice(state: &AppState, auth: &Auth, id: ApplicationId, error: Option<String>, filed: bool, input: ObjectionInput) -> AppResult<Response> {
    let a = applications::get(state.store().pool(), id).await?;
    let profile_id = a.profile_id.clone();
    let n = notice_entry(state, a).ok_or(AppError::NotFound)?;
    let reading = state.profile(&profile_id).map(|p| format!("{}（{}）", p.notice.reading, p.notice.article)).unwrap_or_default();
    // Without a login, the objection form carries the pre-login CSRF token (cookie + field).
    let (chrome, cookie) = crate::views::public_form_chrome(state, auth, &format!("公示：{}", n.proposed_name), "notices");
    Ok(crate::views::with_cookie(render(&NoticePage { chrome, n, reading, error, filed, input }), cookie))
}

#[derive(Deserialize)]
struct NoticeQuery {
    filed: Option<String>,
}

async fn notice_page(State(state): State<AppState>, auth: Auth, Path(id): Path<ApplicationId>, QueryParams(q): QueryParams<NoticeQuery>) -> AppResult<Response> {
    render_notice(&state, &auth, id, None, q.filed.is_some(), ObjectionInput::default()).await
}

async fn object_form(
    State(state): State<AppState>,
    auth: Auth,
    Path(id): Path<ApplicationId>,
    Form(input): Form<ObjectionInput>,
) -> AppResult<Response> {
    match file_objection(&state, Some(auth.ip.clone()), id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/notices/{id}?filed=1")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Rule { .. } | AppError::TooMany { .. } | AppError::Conflict { .. })) => {
            let status = e.status();
            Ok((status, render_notice(&state, &auth, id, Some(e.body().message), false, input).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
