//! Applications to join the expert library (专家入库申请): anyone may apply
//! with a profile and the account it wants; the application stays pending —
//! nobody can sign in with it, no panel can draw it — until the bureau
//! approves it (the account and the library expert are created and linked in
//! one transaction) or rejects it with a reason.

use super::*;
use crate::auth::session::Auth;
use crate::extract::{ApiJson, ListParams, QueryParams};
use crate::views::{public_form_chrome, render, with_cookie, Chrome, Choice, Pager};
use askama::Template;
use axum::extract::State;
use crate::extract::Path;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Json;
use pocnet_domain::expert::split_list;
use pocnet_app::expert_accounts as workflow;
pub use pocnet_app::expert_accounts::DecisionInput;
use pocnet_domain::expert_account::{RegistrationInput, RegistrationStatus};
use pocnet_domain::org::OrgKind;
use pocnet_store::expert_accounts::{self, Registration};
use pocnet_store::{orgs, Paged};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .route("/experts/join", get(join_page).post(join_form))
        .route("/experts/registrations", get(list_page))
        .route("/experts/registrations/{id}/decision", post(decision_form))
        .routes(routes!(api_list, api_submit))
        .routes(routes!(api_decide))
}

/// Checks and stores an application from `ip` (at most
/// [`pocnet_domain::expert_account::REGISTRATIONS_PER_ADDRESS_PER_HOUR`] an hour from one address).
pub async fn submit(state: &AppState, ip: &str, input: &RegistrationInput) -> AppResult<Registration> {
    Ok(workflow::submit(state.context(), ip, input).await?)
}

/// Approves or rejects a pending application (bureau).
pub async fn decide(state: &AppState, me: &CurrentUser, id: RegistrationId, input: &DecisionInput) -> AppResult<Registration> {
    Ok(workflow::decide(state.context(), &me.caller(), id, input).await?)
}

/// Filter of the applications list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegistrationQuery {
    /// `pending` (default), `approved` or `rejected`.
    pub status: Option<String>,
}

impl RegistrationQuery {
    fn status(&self) -> AppResult<RegistrationStatus> {
        match crate::extract::non_empty(&self.status) {
            None => Ok(RegistrationStatus::Pending),
            Some(s) => RegistrationStatus::parse(s).map_err(|_| FieldError::unknown_value("status", "申请状态").into()),
        }
    }
}

/// Applies to join the expert library (no login). Codes: field rules,
/// `username_taken`, `too_many_registrations`.
#[utoipa::path(post, path = "/api/v1/expert-registrations", tag = "experts", request_body = RegistrationInput,
    responses((status = 201, body = Registration), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_submit(State(state): State<AppState>, auth: Auth, ApiJson(input): ApiJson<RegistrationInput>) -> AppResult<Response> {
    Ok((StatusCode::CREATED, Json(submit(&state, &auth.ip, &input).await?)).into_response())
}

/// Lists applications to join the library (bureau).
#[utoipa::path(get, path = "/api/v1/expert-registrations", operation_id = "list_expert_registrations", tag = "experts", params(ListParams, RegistrationQuery),
    responses((status = 200, body = Paged<Registration>), (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_list(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<RegistrationQuery>,
) -> AppResult<Json<Paged<Registration>>> {
    me.require(&[Role::Bureau])?;
    Ok(Json(expert_accounts::registrations(state.store().pool(), q.status()?, p.page()).await?))
}

/// Approves or rejects an application (bureau). Codes: `already_decided`, `username_taken`.
#[utoipa::path(post, path = "/api/v1/expert-registrations/{id}/decision", operation_id = "decide_expert_registration", tag = "experts", request_body = DecisionInput,
    responses((status = 200, body = Registration), (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_decide(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<DecisionInput>) -> AppResult<Json<Registration>> {
    let id = RegistrationId::new(id);
    Ok(Json(decide(&state, &me, id, &input).await?))
}

#[derive(Template)]
#[template(path = "experts/expert_join.html")]
struct JoinPage {
    chrome: Chrome,
    input: RegistrationInput,
    keywords: String,
    kinds: Vec<Choice>,
    org_kinds: Vec<Choice>,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    errors: Vec<FieldError>,
    submitted: bool,
}

fn join_view(state: &AppState, chrome: Chrome, input: RegistrationInput, errors: Vec<FieldError>, submitted: bool) -> JoinPage {
    JoinPage {
        chrome,
        keywords: input.profile.keywords.join("、"),
        input,
        kinds: ExpertKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        org_kinds: OrgKind::ALL
            .iter()
            .filter(|k| !matches!(k, OrgKind::Bureau | OrgKind::CountyDepartment))
            .map(|k| Choice::new(k.as_str(), k.label_zh()))
            .collect(),
        fields: crate::routes::registry::catalogue_labels(state).into_iter().map(|(c, l)| Choice::new(c, l)).collect(),
        regions: crate::views::region_choices(),
        errors,
        submitted,
    }
}

async fn join_page(State(state): State<AppState>, auth: Auth) -> Response {
    let (chrome, cookie) = public_form_chrome(&state, &auth, "申请加入专家库", "");
    let mut input = RegistrationInput { org_kind: "university".into(), ..Default::default() };
    input.profile.kind = "academic".into();
    input.profile.region = "市本级".into();
    with_cookie(render(&join_view(&state, chrome, input, Vec::new(), false)), cookie)
}

/// The form as posted: repeated `fields` values, keywords as one line.
fn parse_join(body: &[u8]) -> RegistrationInput {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let mut input = RegistrationInput {
        username: get("username"),
        password: get("password"),
        org_name: get("org_name"),
        org_kind: get("org_kind"),
        ..Default::default()
    };
    input.profile = ExpertInput {
        name: get("name"),
        kind: get("kind"),
        title: get("title"),
        fields: pairs.iter().filter(|(n, _)| n == "fields").map(|(_, v)| v.clone()).collect(),
        keywords: split_list(&get("keywords")),
        region: get("region"),
        bio: get("bio"),
        phone: get("phone"),
        email: get("email"),
        ..Default::default()
    };
    input
}

async fn join_form(State(state): State<AppState>, auth: Auth, body: axum::body::Bytes) -> AppResult<Response> {
    let mut input = parse_join(&body);
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let confirm = pairs.iter().find(|(n, _)| n == "password_confirm").map(|(_, v)| v.as_str()).unwrap_or_default();
    let (chrome, cookie) = public_form_chrome(&state, &auth, "申请加入专家库", "");
    let result = if confirm != input.password {
        Err(AppError::from(FieldError::new("password_confirm", "mismatch", "两次输入的密码不一致")))
    } else {
        submit(&state, &auth.ip, &input).await
    };
    match result {
        Ok(_) => Ok(with_cookie(render(&join_view(&state, chrome, RegistrationInput::default(), Vec::new(), true)), cookie)),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            let errors = match e {
                AppError::Invalid(list) => list,
                AppError::Validation(one) => vec![one],
                other => vec![FieldError::new("form", "refused", other.body().message)],
            };
            input.password.clear();
            Ok((status, with_cookie(render(&join_view(&state, chrome, input, errors, false)), cookie)).into_response())
        }
        Err(e) => Err(e),
    }
}

struct RegRow {
    r: Registration,
    kind: &'static str,
    org_kind: &'static str,
    fields: String,
    region: String,
    submitted: String,
    existing_org: bool,
}

#[derive(Template)]
#[template(path = "experts/expert_registrations.html")]
struct ListPage {
    chrome: Chrome,
    rows: Vec<RegRow>,
    pager: Pager,
    status: String,
    statuses: Vec<Choice>,
    error: Option<String>,
}

async fn list_view(state: &AppState, me: &CurrentUser, p: &ListParams, q: &RegistrationQuery, error: Option<String>) -> AppResult<ListPage> {
    me.require(&[Role::Bureau])?;
    let status = q.status()?;
    let list = expert_accounts::registrations(state.store().pool(), status, p.page()).await?;
    let mut rows = Vec::with_capacity(list.items.len());
    for r in &list.items {
        let existing_org = orgs::find_by_name(state.store().pool(), &r.org_name).await?.is_some();
        rows.push(RegRow {
            kind: pocnet_domain::expert::parse_kind(&r.profile.kind).map_or("", |k| k.label_zh()),
            org_kind: r.org_kind.label_zh(),
            fields: crate::routes::registry::field_labels(state, &r.profile.fields),
            region: Region::parse(&r.profile.region).map_or_else(|_| r.profile.region.clone(), |g| g.label_zh().to_owned()),
            submitted: r.created_at.date_naive().to_string(),
            existing_org,
            r: r.clone(),
        });
    }
    Ok(ListPage {
        chrome: Chrome::signed_in(me, "专家入库申请", "experts"),
        rows,
        pager: Pager::new("/experts/registrations", &list, &[("status", status.as_str().to_owned())]),
        status: status.as_str().to_owned(),
        statuses: RegistrationStatus::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        error,
    })
}

async fn list_page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<RegistrationQuery>,
) -> AppResult<Response> {
    Ok(render(&list_view(&state, &me, &p, &q, None).await?))
}

async fn decision_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<RegistrationId>, axum::Form(input): axum::Form<DecisionInput>) -> AppResult<Response> {
    match decide(&state, &me, id, &input).await {
        Ok(r) => Ok(Redirect::to(&match r.expert_id {
            Some(e) => format!("/experts/{e}"),
            None => "/experts/registrations".to_owned(),
        })
        .into_response()),
        Err(e) if e.is_user_error() => {
            let status = e.status();
            let page = list_view(&state, &me, &ListParams::default(), &RegistrationQuery::default(), Some(e.body().message)).await?;
            Ok((status, render(&page)).into_response())
        }
        Err(e) => Err(e),
    }
}
