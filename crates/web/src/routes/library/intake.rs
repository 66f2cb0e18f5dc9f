//! Intake (成果入库申请): a researcher submits a result of its own unit to a
//! proof-of-concept center; a center operator enters one on behalf of an
//! owner unit. Bulk lists go through `pocnet import results`.

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
use pocnet_domain::FieldError;
use pocnet_store::library::intake::{self, NewResult};
use pocnet_store::{centers, orgs};
use serde::Deserialize;

/// The intake form page (`POST /results` and `POST /api/v1/results` share
/// their paths with the lists, so `routes::results` mounts them).
pub(crate) fn router() -> Router<AppState> {
    Router::new().route("/results/new", get(form_page))
}

/// A result as sent for intake.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct IntakeInput {
    /// The result's fields.
    #[serde(flatten)]
    pub result: ResultInput,
    /// The proof-of-concept center it is submitted to.
    pub center_id: i64,
    /// The owner unit (a center operator entering for it; a researcher's own unit otherwise).
    #[serde(default)]
    pub owner_org_id: Option<i64>,
}

/// Submits a result: a researcher to any active proof-of-concept center for
/// its own unit; a center operator to one of its own centers for a
/// registered owner unit. Every field error at once; nothing stored on error.
pub async fn create(state: &AppState, me: &CurrentUser, input: &IntakeInput) -> AppResult<i64> {
    me.require(&[Role::Researcher, Role::Center])?;
    let pool = state.store().pool();
    let center = pocnet_app::library::receiving_center(state.context(), &me.caller(), Some(input.center_id)).await?;
    let owner = match me.role() {
        Role::Researcher => me.user.org_id,
        _ => {
            if center.host_org_id != me.user.org_id {
                return Err(AppError::Forbidden);
            }
            let owner = input.owner_org_id.ok_or_else(|| FieldError::required("owner_org_id", "成果所属单位"))?;
            orgs::get(pool, owner).await.map_err(|e| match e {
                pocnet_store::StoreError::NotFound => AppError::from(FieldError::unknown_value("owner_org_id", "成果所属单位")),
                other => other.into(),
            })?;
            owner
        }
    };
    // Every profile has its own catalogue (issue 10): the receiving center's.
    let draft = input.result.parse_in(&crate::routes::registry::catalogue_of(state, &center))?;
    let mut tx = state.store().write().await?;
    let id = intake::create(
        &mut tx,
        &me.actor(),
        state.now(),
        &NewResult { draft: &draft, owner_org_id: owner, center_id: Some(center.id), submitted_on: state.today(), entered_by: Some(me.user.id) },
    )
    .await
    .map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => {
            AppError::Conflict { code: "duplicate", message: "该中心已有相同成果编号的成果".into(), field: Some("ref_no".into()) }
        }
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// Submits a research result to a proof-of-concept center (researchers for their unit; operators for an owner unit).
#[utoipa::path(post, path = "/api/v1/results", operation_id = "create_result", tag = "results", request_body = IntakeInput,
    responses((status = 201, description = "新成果的 id", body = crate::routes::Created), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_create(State(state): State<AppState>, me: CurrentUser, crate::extract::ApiJson(input): crate::extract::ApiJson<IntakeInput>) -> AppResult<Response> {
    let id = create(&state, &me, &input).await?;
    Ok((StatusCode::CREATED, Json(crate::routes::Created { id })).into_response())
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
    // Every PoC profile's catalogue (issue 10): the receiving center's own is checked on submission.
    let poc: Vec<&pocnet_domain::policy::Profile> = state.config().policies.iter().filter(|p| p.center_kind == CenterKind::PocCenter).collect();
    let fields = pocnet_domain::catalogue::Catalogue::union(poc)
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
        .collect();
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
        center_id: v.get("center_id").trim().parse().unwrap_or(0),
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
