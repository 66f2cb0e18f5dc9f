//! Intake (成果入库申请) in the web: the form and the JSON call by which a
//! researcher submits a result of its own unit to a proof-of-concept center,
//! or a center operator enters one on behalf of an owner unit; the workflow is
//! `pocnet_app::library::intake`. Bulk lists go through `pocnet import results`.

use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::views::{render, Chrome, Choice};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use pocnet_domain::center::CenterKind;
use pocnet_domain::library::intake::{ResultInput, ResultStage, SecretPart};
use pocnet_domain::research_result::ResultSource;
use pocnet_domain::role::Role;
use pocnet_domain::supervision::CenterStatus;
pub use pocnet_app::library::intake::IntakeInput;
use pocnet_store::{centers, orgs};

/// The intake form page (`POST /results` and `POST /api/v1/results` share
/// their paths with the lists, so `routes::results` mounts them).
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/results/new", get(form_page))
}

/// Submits a result (`pocnet_app::library::intake::create`): a researcher
/// for its own unit, a center operator for a registered owner unit.
pub async fn create(state: &AppState, me: &CurrentUser, input: &IntakeInput) -> AppResult<pocnet_domain::id::ResultId> {
    Ok(pocnet_app::library::intake::create(state.context(), &me.caller(), input).await?)
}

/// Submits a research result to a proof-of-concept center (researchers for their unit; operators for an owner unit).
#[utoipa::path(post, path = "/api/v1/results", operation_id = "create_result", tag = "results", request_body = IntakeInput,
    responses((status = 201, description = "新成果的 id", body = crate::routes::Created), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, crate::extract::ApiJson(input): crate::extract::ApiJson<IntakeInput>) -> AppResult<Response> {
    let id = create(&state, &me, &input).await?;
    Ok((StatusCode::CREATED, Json(crate::routes::Created { id: id.get() })).into_response())
}

#[derive(Template)]
#[template(path = "library/result_new.html")]
struct NewPage {
    chrome: Chrome,
    centers: Vec<Choice>,
    owners: Vec<Choice>,
    fields: Vec<(String, Vec<Choice>)>,
    sources: Vec<Choice>,
    stages: Vec<Choice>,
    parts: Vec<Choice>,
    v: BTreeValues,
    error: Option<String>,
}

/// What the user typed, kept when a form comes back with errors.
#[derive(Default)]
struct BTreeValues(Vec<(String, String)>);

impl BTreeValues {
    fn get(&self, k: &str) -> &str {
        self.0.iter().find(|(key, _)| key == k).map_or("", |(_, v)| v.as_str())
    }
    fn has(&self, k: &str, v: &str) -> bool {
        self.0.iter().any(|(key, val)| key == k && val == v)
    }
}

/// The `field/sub_field` choices of a form that sends a result or a concept to a PoC center,
/// grouped by field: every PoC profile's catalogue (issue 10) — the receiving center's own is
/// checked on submission. A field without sub-fields is one choice `field/`.
pub(crate) fn field_sub_choices(state: &AppState) -> Vec<(String, Vec<Choice>)> {
    state
        .context()
        .catalogue_for(CenterKind::PocCenter, None)
        .fields()
        .iter()
        .map(|f| {
            let choices = if f.sub_fields.is_empty() {
                vec![Choice::new(format!("{}/", f.code), f.label.clone())]
            } else {
                f.sub_fields.iter().map(|(code, label)| Choice::new(format!("{}/{code}", f.code), format!("{} · {label}", f.label))).collect()
            };
            (f.label.clone(), choices)
        })
        .collect()
}

async fn render_form(state: &AppState, me: &CurrentUser, v: BTreeValues, error: Option<String>) -> AppResult<Response> {
    me.require(&[Role::Researcher, Role::Center])?;
    let pool = state.store().pool();
    let all = centers::all(pool).await?;
    let centers = all
        .iter()
        .filter(|c| c.kind == CenterKind::PocCenter && c.status == CenterStatus::Active)
        .filter(|c| me.role() == Role::Researcher || c.host_org_id == me.user.org_id)
        .map(|c| Choice::new(c.id.to_string(), c.name.clone()))
        .collect();
    let owners = if me.role() == Role::Center {
        orgs::all_names(pool).await?.into_iter().map(|(id, name)| Choice::new(id.to_string(), name)).collect()
    } else {
        Vec::new()
    };
    let fields = field_sub_choices(state);
    let page = NewPage {
        chrome: Chrome::signed_in(me, "登记科技成果", "results"),
        centers,
        owners,
        fields,
        sources: ResultSource::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        stages: ResultStage::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        parts: SecretPart::ALL.iter().map(|s| Choice::new(s.as_str(), s.label_zh())).collect(),
        v,
        error,
    };
    Ok(render(&page))
}

async fn form_page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    render_form(&state, &me, BTreeValues::default(), None).await
}

/// The intake form: `field_sub` is `field/sub_field`; team and patents one per line; `secret_parts` repeated.
pub(crate) async fn form_submit(State(state): State<AppState>, me: CurrentUser, body: axum::body::Bytes) -> AppResult<Response> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).unwrap_or_default();
    let v = BTreeValues(pairs);
    let (field, sub_field) = v.get("field_sub").split_once('/').map_or((String::new(), String::new()), |(a, b)| (a.to_owned(), b.to_owned()));
    let lines = |k: &str| v.get(k).lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect::<Vec<_>>();
    let input = IntakeInput {
        result: ResultInput {
            ref_no: v.get("ref_no").to_owned(),
            title: v.get("title").to_owned(),
            summary: v.get("summary").to_owned(),
            secret_summary: v.get("secret_summary").to_owned(),
            field,
            sub_field,
            source: v.get("source").to_owned(),
            team: lines("team"),
            patents: lines("patents"),
            trl: v.get("trl").to_owned(),
            trl_evidence: v.get("trl_evidence").to_owned(),
            stage: v.get("stage").to_owned(),
            secret_parts: v.0.iter().filter(|(k, _)| k == "secret_parts").map(|(_, x)| x.clone()).collect(),
        },
        center_id: v.get("center_id").trim().parse().unwrap_or(pocnet_domain::id::CenterId::new(0)),
        owner_org_id: v.get("owner_org_id").trim().parse().ok(),
    };
    match create(&state, &me, &input).await {
        Ok(id) => Ok(Redirect::to(&format!("/results/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Invalid(_) | AppError::Conflict { .. } | AppError::Rule { .. })) => {
            let status = e.status();
            Ok((status, render_form(&state, &me, v, Some(e.body().message)).await?).into_response())
        }
        Err(e) => Err(e),
    }
}
