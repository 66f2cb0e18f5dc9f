//! Pages of the expert library: the searchable list, adding and editing an
//! expert (curators, or the expert itself), curation steps, Excel import.

use super::api::{read_file, ImportQuery};
use super::excel::{self, ImportReport};
use super::*;
use crate::extract::{ListParams, QueryParams};
use crate::views::{render, Chrome, Choice, Pager};
use askama::Template;
use axum::extract::{DefaultBodyLimit, State};
use crate::extract::{Multipart, Path};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use pocnet_domain::expert::{split_list, ExpertInput};


pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/experts", get(list_page))
        .route("/experts/new", get(new_page).post(create_form))
        .route("/experts/{id}", get(detail_page).post(update_form))
        .route("/experts/{id}/status", post(status_form))
        .route("/experts/import", get(import_page).post(import_form).layer(DefaultBodyLimit::max(16 * 1024 * 1024)))
        .route("/experts/import-template.xlsx", get(super::api::api_template))
        .route("/experts/export.xlsx", get(super::api::api_export))
        .route("/me/expert", get(own_page))
}

struct Row {
    id: ExpertId,
    name: String,
    kind: &'static str,
    org: String,
    title: String,
    fields: String,
    keywords: String,
    region: &'static str,
    status: &'static str,
}

#[derive(Template)]
#[template(path = "experts/experts.html")]
struct ExpertsPage {
    chrome: Chrome,
    rows: Vec<Row>,
    pager: Pager,
    kinds: Vec<Choice>,
    fields: Vec<Choice>,
    regions: Vec<Choice>,
    kind: String,
    field: String,
    region: String,
    q: String,
    curator: bool,
    bureau: bool,
    export_href: String,
}

fn status_of(e: &Expert) -> &'static str {
    if e.blacklisted.is_some() {
        "黑名单"
    } else if e.active {
        "可参评"
    } else {
        "暂停参评"
    }
}

async fn list_page(
    State(state): State<AppState>,
    me: CurrentUser,
    QueryParams(p): QueryParams<ListParams>,
    QueryParams(q): QueryParams<ExpertQuery>,
) -> AppResult<Response> {
    me.require(BROWSERS)?;
    let list = experts::list(state.store().pool(), &q.filter(&state)?, p.page()).await?;
    let keep = vec![
        ("kind", q.kind.clone().unwrap_or_default()),
        ("field", q.field.clone().unwrap_or_default()),
        ("region", q.region.clone().unwrap_or_default()),
        ("q", q.q.clone().unwrap_or_default()),
    ];
    Ok(render(&ExpertsPage {
        chrome: Chrome::signed_in(&me, "专家库", "experts"),
        rows: list
            .items
            .iter()
            .map(|e| Row {
                id: e.id,
                name: e.name.clone(),
                kind: e.kind.label_zh(),
                org: e.org_name.clone(),
                title: e.title.clone(),
                fields: crate::routes::registry::field_labels(&state, &e.fields),
                keywords: e.keywords.join("、"),
                region: e.region.label_zh(),
                status: status_of(e),
            })
            .collect(),
        pager: Pager::new("/experts", &list, &keep),
        kinds: ExpertKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        fields: crate::routes::registry::catalogue_labels(&state).into_iter().map(|(c, l)| Choice::new(c, l)).collect(),
        regions: crate::views::region_choices(),
        export_href: crate::views::url("/experts/export.xlsx", &keep),
        kind: q.kind.unwrap_or_default(),
        field: q.field.unwrap_or_default(),
        region: q.region.unwrap_or_default(),
        q: q.q.unwrap_or_default(),
        curator: CURATORS.contains(&me.role()),
        bureau: me.role() == Role::Bureau,
    }))
}

#[derive(Template)]
#[template(path = "experts/expert_form.html")]
struct FormPage {
    chrome: Chrome,
    id: Option<ExpertId>,
    input: ExpertInput,
    keywords: String,
    people: String,
    kinds: Vec<Choice>,
    fields: Vec<Choice>,
    sub_fields: Vec<Choice>,
    regions: Vec<Choice>,
    orgs: Vec<Choice>,
    conflict_orgs: Vec<i64>,
    error: Option<String>,
    curator: bool,
    is_self: bool,
    bureau: bool,
    status: &'static str,
    blacklist_reason: String,
    /// Whether the caller manages this expert's account (bureau; a center for its advisors).
    manage_account: bool,
    account: Option<pocnet_store::expert_accounts::LinkedAccount>,
    account_error: Option<String>,
}

async fn form_page(state: &AppState, me: &CurrentUser, id: Option<ExpertId>, input: ExpertInput, error: Option<String>, current: Option<&Expert>) -> AppResult<FormPage> {
    let orgs = pocnet_store::orgs::all_names(state.store().pool()).await?.into_iter().map(|(i, n)| Choice::new(i.to_string(), n)).collect();
    let mut subs = Vec::new();
    for p in state.config().policies.iter() {
        for f in &p.catalogue {
            for (c, l) in &f.sub_fields {
                if !subs.iter().any(|x: &Choice| x.code == *c) {
                    subs.push(Choice::new(c.clone(), format!("{}·{l}", f.label)));
                }
            }
        }
    }
    Ok(FormPage {
        chrome: Chrome::signed_in(me, if id.is_some() { "专家信息" } else { "新增专家" }, "experts"),
        id,
        keywords: input.keywords.join("、"),
        people: input.conflict_people.join("、"),
        conflict_orgs: input.conflict_orgs.clone(),
        input,
        kinds: ExpertKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        fields: crate::routes::registry::catalogue_labels(state).into_iter().map(|(c, l)| Choice::new(c, l)).collect(),
        sub_fields: subs,
        regions: crate::views::region_choices(),
        orgs,
        error,
        curator: CURATORS.contains(&me.role()),
        is_self: current.is_some_and(|e| e.user_id == Some(me.user.id)),
        bureau: me.role() == Role::Bureau,
        status: current.map_or("", status_of),
        blacklist_reason: current.and_then(|e| e.blacklisted.clone()).unwrap_or_default(),
        manage_account: false,
        account: None,
        account_error: None,
    })
}

fn input_of(e: &Expert) -> ExpertInput {
    ExpertInput {
        name: e.name.clone(),
        kind: e.kind.as_str().into(),
        org_id: e.org_id.get(),
        title: e.title.clone(),
        fields: e.fields.clone(),
        sub_fields: e.sub_fields.clone(),
        keywords: e.keywords.clone(),
        region: e.region.as_str().into(),
        bio: e.bio.clone(),
        unavailable: e.unavailable.iter().map(|w| format!("{}~{} {}", w.from, w.to, w.reason).trim().to_owned()).collect::<Vec<_>>().join("；"),
        conflict_orgs: e.conflict_orgs.iter().map(|o| o.get()).collect(),
        conflict_people: e.conflict_people.clone(),
        phone: e.phone.clone(),
        email: e.email.clone(),
        version: Some(e.version),
    }
}

/// The expert form as posted: repeated `fields`, `sub_fields`, `conflict_orgs` values.
fn parse_form(body: &[u8]) -> ExpertInput {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    let all = |k: &str| pairs.iter().filter(|(n, _)| n == k).map(|(_, v)| v.clone()).collect::<Vec<_>>();
    ExpertInput {
        name: get("name"),
        kind: get("kind"),
        org_id: get("org_id").trim().parse().unwrap_or_default(),
        title: get("title"),
        fields: all("fields"),
        sub_fields: all("sub_fields"),
        keywords: split_list(&get("keywords")),
        region: get("region"),
        bio: get("bio"),
        unavailable: get("unavailable"),
        conflict_orgs: all("conflict_orgs").iter().filter_map(|v| v.trim().parse().ok()).collect(),
        conflict_people: split_list(&get("conflict_people")),
        phone: get("phone"),
        email: get("email"),
        version: get("version").trim().parse().ok(),
    }
}

async fn new_page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    me.require(CURATORS)?;
    let input = ExpertInput { kind: "academic".into(), region: "市本级".into(), ..Default::default() };
    Ok(render(&form_page(&state, &me, None, input, None, None).await?))
}

fn form_error(e: AppError) -> Result<(axum::http::StatusCode, String), AppError> {
    match e {
        AppError::Validation(_) | AppError::Conflict { .. } => Ok((e.status(), e.body().message)),
        other => Err(other),
    }
}

async fn create_form(State(state): State<AppState>, me: CurrentUser, body: axum::body::Bytes) -> AppResult<Response> {
    let input = parse_form(&body);
    match create(&state, &me, &input).await {
        Ok(e) => Ok(Redirect::to(&format!("/experts/{}", e.id)).into_response()),
        Err(e) => {
            let (status, msg) = form_error(e)?;
            Ok((status, render(&form_page(&state, &me, None, input, Some(msg), None).await?)).into_response())
        }
    }
}

async fn detail_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ExpertId>) -> AppResult<Response> {
    detail(&state, &me, id, None).await
}

/// The expert page, with a refusal of an account action if one happened.
pub(super) async fn detail(state: &AppState, me: &CurrentUser, id: ExpertId, account_error: Option<String>) -> AppResult<Response> {
    let e = read(state, me, id).await?;
    let mut input = input_of(&e);
    if !sees_contact(me, &e) {
        input.phone.clear();
        input.email.clear();
    }
    let mut page = form_page(state, me, Some(id), input, None, Some(&e)).await?;
    if CURATORS.contains(&me.role()) && super::accounts::may_manage(state, me, id).await? {
        page.manage_account = true;
        page.account = pocnet_store::expert_accounts::account_of(state.store().pool(), id).await?;
        page.account_error = account_error;
    }
    Ok(render(&page))
}

async fn update_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ExpertId>, body: axum::body::Bytes) -> AppResult<Response> {
    let input = parse_form(&body);
    match update(&state, &me, id, &input).await {
        Ok(e) => Ok(Redirect::to(&format!("/experts/{}", e.id)).into_response()),
        Err(err) => {
            let (status, msg) = form_error(err)?;
            let current = read(&state, &me, id).await?;
            Ok((status, render(&form_page(&state, &me, Some(id), input, Some(msg), Some(&current)).await?)).into_response())
        }
    }
}

async fn status_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<ExpertId>, axum::Form(input): axum::Form<StatusInput>) -> AppResult<Response> {
    match set_status(&state, &me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/experts/{id}")).into_response()),
        Err(err) => {
            let (status, msg) = form_error(err)?;
            let current = read(&state, &me, id).await?;
            Ok((status, render(&form_page(&state, &me, Some(id), input_of(&current), Some(msg), Some(&current)).await?)).into_response())
        }
    }
}

async fn own_page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    let e = own(&state, &me).await?.ok_or(AppError::NotFound)?;
    Ok(Redirect::to(&format!("/experts/{}", e.id)).into_response())
}

#[derive(Template)]
#[template(path = "experts/expert_import.html")]
struct ImportPage {
    chrome: Chrome,
    columns: &'static [&'static str],
    report: Option<ImportReport>,
    error: Option<String>,
}

async fn import_page(me: CurrentUser) -> AppResult<Response> {
    me.require(CURATORS)?;
    Ok(render(&ImportPage { chrome: Chrome::signed_in(&me, "批量导入专家", "experts"), columns: excel::COLUMNS, report: None, error: None }))
}

async fn import_form(State(state): State<AppState>, me: CurrentUser, QueryParams(q): QueryParams<ImportQuery>, mp: Multipart) -> AppResult<Response> {
    me.require(CURATORS)?;
    let chrome = Chrome::signed_in(&me, "批量导入专家", "experts");
    let result = match read_file(mp).await {
        Ok(bytes) => excel::import(&state, &me, &bytes, q.dry()).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => {
            let status = if report.errors.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
            Ok((status, render(&ImportPage { chrome, columns: excel::COLUMNS, report: Some(report), error: None })).into_response())
        }
        Err(e @ (AppError::BadRequest { .. } | AppError::Validation(_) | AppError::Rule { .. })) => {
            Ok((e.status(), render(&ImportPage { chrome, columns: excel::COLUMNS, report: None, error: Some(e.body().message) })).into_response())
        }
        Err(e) => Err(e),
    }
}

