//! Data registration (数据登记·确权) on the web: a center's registered data sets on its page,
//! the operator's forms to register one and to change its rights holders, and the JSON API.
//! The workflow is `pocnet_app::evidence::registration`; every version is a signed certificate.

use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::{ApiJson, Multipart, Path};
use crate::views::Choice;
use crate::AppState;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Json, Router};
use pocnet_app::evidence::registration::{self as workflow, DataSetView, RegisterInput, RightsInput};
use pocnet_domain::data_rights::{HolderRole, RightsHolder};
use pocnet_domain::id::CenterId;
use pocnet_domain::FieldError;
use pocnet_store::evidence::data_sets::DataSet;
use std::collections::HashMap;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;

/// Largest data set file accepted here (larger ones: register a manifest of their hashes).
const DATA_SET_MAX: usize = 16 * 1024 * 1024;

/// Holder rows a form offers (an agreement rarely names more; the API takes up to 20).
const FORM_ROWS: usize = 5;

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let limit = || DefaultBodyLimit::max(DATA_SET_MAX + 64 * 1024);
    let html: Router<AppState> = Router::new()
        .route("/centers/{id}/data-sets", post(register_form).layer(limit()))
        .route("/data-sets/{id}/rights", post(rights_form));
    OpenApiRouter::new()
        .routes(routes!(api_data_sets, api_register).layer(limit()))
        .routes(routes!(api_change_rights))
        .merge(html.into())
}

/// One holder row of a form (blank rows stay blank).
pub struct HolderRow {
    pub name: String,
    pub role: &'static str,
    pub share: String,
}

/// One version of a data set's holders as shown.
pub struct VersionRow {
    pub version: i64,
    pub holders: String,
    pub reason: String,
    pub recorded: String,
    /// Its signed certificate, if issued.
    pub certificate: Option<i64>,
}

/// A registered data set as its center's page shows it.
pub struct DataSetRow {
    pub data_set: DataSet,
    pub size: String,
    pub registered: String,
    pub holders: String,
    /// The current holders, in rows for the change form.
    pub rows: Vec<HolderRow>,
    pub versions: Vec<VersionRow>,
}

/// The section of a center's page (its operators and the bureau).
pub struct DataSetSection {
    pub rows: Vec<DataSetRow>,
    /// Empty rows for the registration form.
    pub blank: Vec<HolderRow>,
    pub roles: Vec<Choice>,
}

fn holders_label(h: &[RightsHolder]) -> String {
    h.iter()
        .map(|h| match h.share_percent {
            Some(s) => format!("{}（{}，{s}%）", h.name, h.role.label_zh()),
            None => format!("{}（{}）", h.name, h.role.label_zh()),
        })
        .collect::<Vec<_>>()
        .join("、")
}

fn rows_of(h: &[RightsHolder]) -> Vec<HolderRow> {
    let mut rows: Vec<HolderRow> =
        h.iter().map(|h| HolderRow { name: h.name.clone(), role: h.role.as_str(), share: h.share_percent.map(|s| s.to_string()).unwrap_or_default() }).collect();
    while rows.len() < FORM_ROWS.max(h.len() + 1) {
        rows.push(HolderRow { name: String::new(), role: "", share: String::new() });
    }
    rows
}

fn row(v: DataSetView) -> DataSetRow {
    let current = v.rights.last().map(|r| r.holders.clone()).unwrap_or_default();
    // Certificates are newest first, one per version: the n-th from the end is version n.
    let certificate_of = |version: i64| usize::try_from(version - 1).ok().and_then(|i| v.certificates.iter().rev().nth(i)).map(|d| d.id);
    let versions = v
        .rights
        .iter()
        .rev()
        .map(|r| VersionRow {
            version: r.version,
            holders: holders_label(&r.holders),
            reason: r.reason.clone(),
            recorded: pocnet_domain::display::beijing_time(&r.recorded_at),
            certificate: certificate_of(r.version),
        })
        .collect();
    DataSetRow {
        size: pocnet_domain::display::file_size(v.data_set.size),
        registered: pocnet_domain::display::beijing_time(&v.data_set.registered_at),
        holders: holders_label(&current),
        rows: rows_of(&current),
        versions,
        data_set: v.data_set,
    }
}

/// The section for `center`, if the caller may read its registrations (its operators, the bureau).
pub(crate) async fn section(state: &AppState, me: Option<&CurrentUser>, center: CenterId) -> Option<DataSetSection> {
    let me = me?;
    let list = workflow::list(state.context(), &me.caller(), center).await.ok()?;
    Some(DataSetSection {
        rows: list.into_iter().map(row).collect(),
        blank: rows_of(&[]),
        roles: HolderRole::ALL.iter().map(|r| Choice::new(r.as_str(), r.label_zh())).collect(),
    })
}

/// Holders from a form's rows (`holder_name_N`, `holder_role_N`, `holder_share_N`, N from 1);
/// rows without a name are skipped.
fn holders_from_rows(fields: &HashMap<String, String>) -> Result<Vec<RightsHolder>, FieldError> {
    let mut out = Vec::new();
    for n in 1..=20 {
        let get = |what: &str| fields.get(&format!("holder_{what}_{n}")).map(|s| s.trim()).unwrap_or("");
        let name = get("name");
        if name.is_empty() {
            continue;
        }
        let role = HolderRole::parse(get("role")).map_err(|_| FieldError::new("holders", "holder_role", format!("请为权利人“{name}”选择类型")))?;
        let share = match get("share").trim_end_matches('%') {
            "" => None,
            s => Some(s.parse::<u8>().ok().filter(|p| *p <= 100).ok_or_else(|| FieldError::new("holders", "holder_share", format!("权利人“{name}”的份额须为0至100的整数")))?),
        };
        out.push(RightsHolder { name: name.to_owned(), role, share_percent: share });
    }
    Ok(out)
}

/// What a registration upload carried.
struct Upload {
    input: RegisterInput,
    filename: String,
    content: Vec<u8>,
}

/// Reads a registration: the API's `holders` (a JSON array) or the form's holder rows.
async fn read_upload(mut mp: Multipart) -> AppResult<Upload> {
    let mut up = Upload { input: RegisterInput::default(), filename: String::new(), content: Vec::new() };
    let mut fields = HashMap::new();
    let mut holders_json = None;
    while let Ok(Some(field)) = mp.next_field().await {
        let name = field.name().unwrap_or_default().to_owned();
        if name == "file" {
            up.filename = field.file_name().unwrap_or_default().to_owned();
            up.content = match field.bytes().await {
                Ok(b) => b.to_vec(),
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(FieldError::new("file", "too_large", "文件过大（不超过16MB）").into()),
                Err(_) => return Err(FieldError::required("file", "数据文件").into()),
            };
            continue;
        }
        let text = field.text().await.unwrap_or_default();
        match name.as_str() {
            "title" => up.input.title = text,
            "description" => up.input.description = text,
            "access_terms" => up.input.access_terms = text,
            "result_id" if !text.trim().is_empty() => {
                up.input.result_id = Some(text.trim().parse().map_err(|_| FieldError::new("result_id", "not_a_number", "项目编号须为数字"))?);
            }
            "holders" => holders_json = Some(text),
            _ => {
                fields.insert(name, text);
            }
        }
    }
    up.input.holders = match holders_json {
        Some(t) => serde_json::from_str(&t).map_err(|e| FieldError::new("holders", "invalid_holders", format!("权利人格式不正确：{e}")))?,
        None => holders_from_rows(&fields)?,
    };
    Ok(up)
}

async fn register_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<CenterId>, mp: Multipart) -> AppResult<Response> {
    let outcome = match read_upload(mp).await {
        Ok(up) => workflow::register(state.context(), &me.caller(), id, &up.input, &up.filename, &up.content).await.map_err(AppError::from),
        Err(e) => Err(e),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/centers/{id}#data-sets")).into_response()),
        Err(e) => crate::routes::registry::html::detail_with_error(&state, &auth, id, e).await,
    }
}

async fn rights_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<i64>, Form(fields): Form<HashMap<String, String>>) -> AppResult<Response> {
    let d = pocnet_store::evidence::data_sets::get(state.store().pool(), id).await?;
    let center = CenterId::new(d.center_id);
    let outcome = match holders_from_rows(&fields) {
        Ok(holders) => {
            let version = fields.get("version").and_then(|v| v.trim().parse().ok()).unwrap_or(0);
            let input = RightsInput { holders, reason: fields.get("reason").cloned().unwrap_or_default(), version };
            workflow::change_rights(state.context(), &me.caller(), id, &input).await.map_err(AppError::from)
        }
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/centers/{center}#data-set-{id}")).into_response()),
        Err(e) => crate::routes::registry::html::detail_with_error(&state, &auth, center, e).await,
    }
}

/// A center's registered data sets with every version of their rights holders and their signed
/// certificates (its operators and the bureau).
#[utoipa::path(get, path = "/api/v1/centers/{id}/data-sets", tag = "evidence", params(("id" = i64, Path, description = "Center id")),
    responses((status = 200, body = Vec<DataSetView>), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_data_sets(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> AppResult<Json<Vec<DataSetView>>> {
    Ok(Json(workflow::list(state.context(), &me.caller(), CenterId::new(id)).await?))
}

/// Registers a data set (数据登记·确权; the center's operators). Multipart: `file` (≤ 16 MB), `title`,
/// `description`, `access_terms`, `result_id` (optional), `holders` (JSON array of
/// `{name, role: research_unit|center|enterprise|other, share_percent}`). Issues the signed
/// registration certificate (see `/api/v1/documents?subject_type=data_set`).
#[utoipa::path(post, path = "/api/v1/centers/{id}/data-sets", tag = "evidence", params(("id" = i64, Path, description = "Center id")),
    request_body(content = crate::openapi::DataSetForm, content_type = "multipart/form-data"),
    responses((status = 201, body = DataSet), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_register(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, mp: Multipart) -> AppResult<Response> {
    let up = read_upload(mp).await?;
    let d = workflow::register(state.context(), &me.caller(), CenterId::new(id), &up.input, &up.filename, &up.content).await?;
    Ok((StatusCode::CREATED, Json(d)).into_response())
}

/// Records a new version of a data set's rights holders with the reason (its center's operators);
/// issues the new signed certificate. A stale `version` is a conflict (409).
#[utoipa::path(post, path = "/api/v1/data-sets/{id}/rights", tag = "evidence", params(("id" = i64, Path, description = "Data set id")),
    request_body = RightsInput,
    responses((status = 200, body = DataSet), (status = 403, body = crate::error::ErrorEnvelope), (status = 404, body = crate::error::ErrorEnvelope),
        (status = 409, body = crate::error::ErrorEnvelope), (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = []), ("cookie" = [])))]
pub async fn api_change_rights(State(state): State<AppState>, me: CurrentUser, Path(id): Path<i64>, ApiJson(input): ApiJson<RightsInput>) -> AppResult<Json<DataSet>> {
    Ok(Json(workflow::change_rights(state.context(), &me.caller(), id, &input).await?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect()
    }

    /// The holders a form should give, or the error code.
    type Expected = Result<Vec<(&'static str, HolderRole, Option<u8>)>, &'static str>;

    #[test]
    fn holder_rows_become_holders() {
        let cases: Vec<(HashMap<String, String>, Expected)> = vec![
            (form(&[]), Ok(vec![])),
            (
                form(&[("holder_name_1", " 温州大学 "), ("holder_role_1", "research_unit"), ("holder_share_1", "60"), ("holder_name_3", "瑞安锂电"), ("holder_role_3", "enterprise"), ("holder_share_3", "40%")]),
                Ok(vec![("温州大学", HolderRole::ResearchUnit, Some(60)), ("瑞安锂电", HolderRole::Enterprise, Some(40))]),
            ),
            (form(&[("holder_name_2", ""), ("holder_role_2", "center"), ("holder_share_2", "30")]), Ok(vec![])),
            (form(&[("holder_name_1", "温州大学"), ("holder_role_1", "")]), Err("holder_role")),
            (form(&[("holder_name_1", "温州大学"), ("holder_role_1", "center"), ("holder_share_1", "101")]), Err("holder_share")),
            (form(&[("holder_name_1", "温州大学"), ("holder_role_1", "center"), ("holder_share_1", "六十")]), Err("holder_share")),
        ];
        for (fields, want) in cases {
            match (holders_from_rows(&fields), want) {
                (Ok(got), Ok(want)) => {
                    let got: Vec<_> = got.iter().map(|h| (h.name.as_str(), h.role, h.share_percent)).collect();
                    assert_eq!(got, want, "{fields:?}");
                }
                (Err(e), Err(code)) => assert_eq!(e.code, code, "{fields:?}"),
                (got, want) => panic!("{fields:?}: {got:?} vs {want:?}"),
            }
        }
    }
}
