//! Pages of a center's record: the public card, the operator's and the
//! bureau's full file with its forms, registration and editing, the live
//! eligibility table, and the certificate (认定证书).

use super::api::{read_upload, resolve_check, EligibilityQuery};
use super::{check, create, edit_file, evidence_topics, field_labels, load, update, upload, Access, CenterInput, FileInput};
use crate::auth::session::Auth;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::extract::QueryParams;
use crate::views::{render, Chrome, Choice};
use crate::AppState;
use askama::Template;
use axum::extract::{DefaultBodyLimit, State};
use crate::extract::{Multipart, Path};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use pocnet_domain::center::CenterKind;
use pocnet_domain::eligibility::Eligibility;
use pocnet_domain::id::CenterId;
use pocnet_domain::money::wan;
use pocnet_domain::role::Role;
use pocnet_domain::supervision::{ChangeKind, CenterStatus};
use pocnet_store::centers::Center;
use pocnet_store::registry::{self, CenterFile};
use pocnet_store::supervision::{self, CenterEvent, ChangeReport, Reevaluation, RevocationRecord};

pub(crate) fn router() -> Router<AppState> {
    Router::new()
        .route("/centers/new", get(new_page).post(create_form))
        .route("/centers/{id}", get(detail_page))
        .route("/centers/{id}/edit", get(edit_page).post(update_form))
        .route("/centers/{id}/file", post(file_form))
        .route("/centers/{id}/documents", post(upload_form).layer(DefaultBodyLimit::max(16 * 1024 * 1024)))
        .route("/centers/{id}/recognized-reports", post(recognize_form))
        .route("/centers/{id}/documents/{doc}", get(super::api::api_document))
        .route("/centers/{id}/certificate", get(certificate_page))
}

/// One row of the eligibility table.
pub struct CriterionRow {
    pub label: String,
    pub outcome: &'static str,
    pub outcome_code: &'static str,
    pub figures: String,
    pub reading: String,
    pub article: String,
}

/// The eligibility table as shown.
pub fn criterion_rows(e: &Eligibility) -> Vec<CriterionRow> {
    e.criteria
        .iter()
        .map(|c| CriterionRow {
            label: c.label.clone(),
            outcome: c.outcome.label_zh(),
            outcome_code: match c.outcome {
                pocnet_domain::policy::Outcome::Met => "ok",
                pocnet_domain::policy::Outcome::NotMet => "danger",
                pocnet_domain::policy::Outcome::MissingEvidence => "warn",
            },
            figures: if c.figures.is_empty() {
                "承诺与证明材料".into()
            } else {
                c.figures
                    .iter()
                    .map(|(fact, value, op, threshold)| {
                        let show = |v: i64| if fact.as_str().ends_with("_yuan") { wan(v) } else { v.to_string() };
                        format!(
                            "{}：{}（要求{}{}）",
                            fact.label_zh(),
                            value.map_or_else(|| "未填报".to_owned(), show),
                            op.label_zh(),
                            show(*threshold)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("；或 ")
            },
            reading: c.reading.clone(),
            article: c.article.clone(),
        })
        .collect()
}

struct DeclarationRow {
    code: String,
    label: String,
    answer: String,
}

#[derive(Template)]
#[template(path = "registry/center.html")]
struct CenterPage {
    chrome: Chrome,
    c: Center,
    kind: &'static str,
    level: &'static str,
    stage: &'static str,
    status: &'static str,
    active: bool,
    public: bool,
    fields: String,
    full: bool,
    manage: bool,
    bureau: bool,
    file: Option<CenterFile>,
    equipment_total: String,
    declarations: Vec<DeclarationRow>,
    topics: Vec<Choice>,
    profiles: Vec<Choice>,
    profile: String,
    stage_kind: String,
    eligibility: Option<(String, Vec<CriterionRow>, usize, usize, usize, bool)>,
    events: Vec<CenterEvent>,
    revocations: Vec<RevocationRecord>,
    changes: Vec<ChangeReport>,
    change_kinds: Vec<Choice>,
    revocation_reasons: Vec<Choice>,
    reevaluations: Vec<Reevaluation>,
    is_pilot: bool,
    error: Option<String>,
    experts: Vec<Choice>,
    today: String,
    /// Other installations' reports this center accepted (互认), for its operators and the bureau.
    recognized: Option<Vec<pocnet_store::evidence::recognized::RecognizedReport>>,
    /// Its registered data sets (数据登记), for its operators and the bureau.
    data_sets: Option<crate::routes::data_sets::DataSetSection>,
    /// Investors' interest in its projects and the deals made (its operators and the bureau).
    investment: Option<pocnet_store::finance::interests::CenterInvestment>,
}

fn money_rows(f: &CenterFile) -> String {
    f.equipment.iter().map(|e| e.value_yuan).sum::<pocnet_domain::money::Yuan>().wan()
}

async fn render_detail(state: &AppState, auth: &Auth, id: CenterId, q: &EligibilityQuery, error: Option<String>) -> AppResult<Response> {
    let me = auth.current.as_ref();
    let (c, a) = load(state, me, id, Access::Public).await?;
    let pool = state.store().pool();
    let full = a >= Access::Read;
    let file = if full { Some(registry::file(pool, id).await?) } else { None };
    let (profile_id, kind) = resolve_check(state, &c, q).unwrap_or_default_pair();
    let eligibility = if full && !profile_id.is_empty() {
        match check(state, id, &profile_id, kind).await {
            Ok(e) => Some((
                state.profile(&profile_id).map(|p| p.title.clone()).unwrap_or_default(),
                criterion_rows(&e),
                e.met,
                e.not_met,
                e.missing_evidence,
                e.eligible(),
            )),
            Err(_) => None,
        }
    } else {
        None
    };
    let profile = state.profile(&profile_id);
    let declarations = match (profile.and_then(|p| p.stage(kind)), &file) {
        (Some(stage), Some(f)) => stage
            .criteria
            .iter()
            .filter(|cr| cr.declaration)
            .map(|cr| DeclarationRow {
                code: cr.code.clone(),
                label: format!("{}（{}）", cr.label, cr.article),
                answer: match f.declarations.get(&cr.code) {
                    Some(1) => "是".into(),
                    Some(_) => "否".into(),
                    None => "未声明".into(),
                },
            })
            .collect(),
        _ => Vec::new(),
    };
    let bureau = me.is_some_and(|m| m.role() == Role::Bureau);
    let experts = if a == Access::Manage {
        pocnet_store::experts::available_choices(pool, 200)
            .await?
            .into_iter()
            .map(|(id, name, org, kind)| {
                let kind = pocnet_domain::expert::ExpertKind::parse(&kind).map(|k| k.label_zh()).unwrap_or_default();
                Choice::new(id.to_string(), format!("{name}（{org}，{kind}）"))
            })
            .collect()
    } else {
        Vec::new()
    };
    let governing = super::default_profile(state, &c);
    let recognized = match me {
        Some(m) if c.kind == pocnet_domain::center::CenterKind::PocCenter => pocnet_app::evidence::mutual::list(state.context(), &m.caller(), id).await.ok(),
        _ => None,
    };
    let data_sets = crate::routes::data_sets::section(state, me, id).await;
    let investment = if a == Access::Manage || bureau { Some(pocnet_app::finance::interests::of_center(state.context(), id).await?) } else { None };
    let page = CenterPage {
        investment,
        recognized,
        data_sets,
        chrome: Chrome::public(Some(auth), c.name.clone(), "centers"),
        kind: c.kind.label_zh(),
        level: c.level.label_zh(),
        stage: c.stage.label_zh(),
        status: c.status.label_zh(),
        active: c.status == CenterStatus::Active,
        public: c.is_public(),
        fields: field_labels(state, &c.fields),
        full,
        manage: a == Access::Manage,
        bureau,
        equipment_total: file.as_ref().map(money_rows).unwrap_or_default(),
        file,
        declarations,
        topics: evidence_topics(state).into_iter().map(|(c, l)| Choice::new(c, l)).collect(),
        profiles: state
            .config()
            .policies
            .iter()
            .filter(|p| p.center_kind == c.kind)
            .map(|p| Choice::new(p.id.clone(), format!("{}（{}）", p.title, p.jurisdiction)))
            .collect(),
        profile: profile_id,
        stage_kind: kind.as_str().into(),
        eligibility,
        events: supervision::events(pool, id).await?,
        revocations: supervision::revocations(pool, id).await?,
        changes: if full { supervision::changes(pool, Some(id)).await? } else { Vec::new() },
        change_kinds: ChangeKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        revocation_reasons: governing
            .map(|p| p.revocations.iter().map(|r| Choice::new(r.code.clone(), format!("{}（{}，{}年内不得重新申报）", r.label, r.article, r.bar_years))).collect())
            .unwrap_or_default(),
        reevaluations: supervision::reevaluations(pool, id).await?,
        is_pilot: c.kind == CenterKind::PilotPlatform,
        error,
        experts,
        today: state.today().to_string(),
        c,
    };
    Ok(render(&page))
}

trait OrDefaultPair {
    fn unwrap_or_default_pair(self) -> (String, pocnet_domain::policy::StageKind);
}

impl OrDefaultPair for AppResult<(String, pocnet_domain::policy::StageKind)> {
    fn unwrap_or_default_pair(self) -> (String, pocnet_domain::policy::StageKind) {
        self.unwrap_or((String::new(), pocnet_domain::policy::StageKind::Recognition))
    }
}

async fn detail_page(State(state): State<AppState>, auth: Auth, Path(id): Path<CenterId>, QueryParams(q): QueryParams<EligibilityQuery>) -> AppResult<Response> {
    render_detail(&state, &auth, id, &q, None).await
}

/// After a failed form on the detail page: show the page with the error, keeping its status.
pub(crate) async fn detail_with_error(state: &AppState, auth: &Auth, id: CenterId, e: AppError) -> AppResult<Response> {
    match e {
        AppError::Validation(_) | AppError::Conflict { .. } | AppError::Rule { .. } => {
            let status = e.status();
            let page = render_detail(state, auth, id, &EligibilityQuery::default(), Some(e.body().message)).await?;
            Ok((status, page).into_response())
        }
        other => Err(other),
    }
}

async fn file_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<CenterId>, Form(input): Form<FileInput>) -> AppResult<Response> {
    match edit_file(&state, &me, id, &input).await {
        Ok(()) => Ok(Redirect::to(&format!("/centers/{id}#file")).into_response()),
        Err(e) => detail_with_error(&state, &auth, id, e).await,
    }
}

/// The operator's form: accept another installation's signed report (互认).
async fn recognize_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<CenterId>, mut mp: Multipart) -> AppResult<Response> {
    let (mut file, mut note) = (Vec::new(), String::new());
    while let Ok(Some(field)) = mp.next_field().await {
        match field.name() {
            Some("file") => file = field.bytes().await.map(|b| b.to_vec()).unwrap_or_default(),
            Some("note") => note = field.text().await.unwrap_or_default(),
            _ => {}
        }
    }
    let outcome = if file.is_empty() {
        Err(pocnet_app::Error::from(pocnet_domain::FieldError::required("file", "报告文件")))
    } else {
        pocnet_app::evidence::mutual::accept(state.context(), &me.caller(), id, &file, &note).await
    };
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/centers/{id}#recognized")).into_response()),
        Err(pocnet_app::Error::Validation(e)) => render_detail(&state, &auth, id, &EligibilityQuery::default(), Some(e.message)).await,
        Err(pocnet_app::Error::Conflict { message, .. }) => render_detail(&state, &auth, id, &EligibilityQuery::default(), Some(message)).await,
        Err(e) => Err(e.into()),
    }
}

async fn upload_form(State(state): State<AppState>, auth: Auth, me: CurrentUser, Path(id): Path<CenterId>, mp: Multipart) -> AppResult<Response> {
    let result = match read_upload(mp).await {
        Ok((topic, filename, content)) => upload(&state, &me, id, &topic, &filename, &content).await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/centers/{id}#documents")).into_response()),
        Err(e) => detail_with_error(&state, &auth, id, e).await,
    }
}

#[derive(Template)]
#[template(path = "registry/center_form.html")]
struct FormPage {
    chrome: Chrome,
    id: Option<CenterId>,
    input: CenterInput,
    kinds: Vec<Choice>,
    fields: Vec<Choice>,
    error: Option<String>,
    bureau: bool,
    orgs: Vec<Choice>,
    area: String,
}

async fn form_page(state: &AppState, me: &CurrentUser, id: Option<CenterId>, input: CenterInput, error: Option<String>) -> AppResult<FormPage> {
    let bureau = me.role() == Role::Bureau;
    let orgs = if bureau {
        pocnet_store::orgs::all_names(state.store().pool()).await?.into_iter().map(|(i, n)| Choice::new(i.to_string(), n)).collect()
    } else {
        Vec::new()
    };
    Ok(FormPage {
        chrome: Chrome::signed_in(me, if id.is_some() { "编辑中心信息" } else { "登记概念验证中心或中试平台" }, "centers"),
        id,
        area: input.floor_area_m2.map(|a| a.to_string()).unwrap_or_default(),
        input,
        kinds: CenterKind::ALL.iter().map(|k| Choice::new(k.as_str(), k.label_zh())).collect(),
        fields: super::catalogue_labels(state).into_iter().map(|(c, l)| Choice::new(c, l)).collect(),
        error,
        bureau,
        orgs,
    })
}

async fn new_page(State(state): State<AppState>, me: CurrentUser) -> AppResult<Response> {
    me.require(&[Role::Center, Role::Bureau])?;
    let input = CenterInput { kind: "poc_center".into(), ..Default::default() };
    Ok(render(&form_page(&state, &me, None, input, None).await?))
}

/// The center form as posted: repeated `fields` values and a floor area typed as text.
fn parse_form(body: &[u8]) -> CenterInput {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body).unwrap_or_default();
    let get = |k: &str| pairs.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).unwrap_or_default();
    CenterInput {
        name: get("name"),
        kind: get("kind"),
        fields: pairs.iter().filter(|(n, _)| n == "fields").map(|(_, v)| v.clone()).collect(),
        admin_director: get("admin_director"),
        tech_director: get("tech_director"),
        summary: get("summary"),
        floor_area_m2: get("floor_area_m2").trim().parse().ok(),
        host_org_id: get("host_org_id").trim().parse().ok(),
        version: get("version").trim().parse().ok(),
    }
}

async fn create_form(State(state): State<AppState>, me: CurrentUser, body: axum::body::Bytes) -> AppResult<Response> {
    let input = parse_form(&body);
    match create(&state, &me, &input).await {
        Ok(c) => Ok(Redirect::to(&format!("/centers/{}", c.id)).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = e.status();
            Ok((status, render(&form_page(&state, &me, None, input, Some(e.body().message)).await?)).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn edit_page(State(state): State<AppState>, me: CurrentUser, Path(id): Path<CenterId>) -> AppResult<Response> {
    let (c, _) = load(&state, Some(&me), id, Access::Manage).await?;
    let input = CenterInput {
        name: c.name,
        kind: c.kind.as_str().into(),
        fields: c.fields,
        admin_director: c.admin_director,
        tech_director: c.tech_director,
        summary: c.summary,
        floor_area_m2: c.floor_area_m2,
        host_org_id: Some(c.host_org_id.get()),
        version: Some(c.version),
    };
    Ok(render(&form_page(&state, &me, Some(id), input, None).await?))
}

async fn update_form(State(state): State<AppState>, me: CurrentUser, Path(id): Path<CenterId>, body: axum::body::Bytes) -> AppResult<Response> {
    let input = parse_form(&body);
    match update(&state, &me, id, &input).await {
        Ok(_) => Ok(Redirect::to(&format!("/centers/{id}")).into_response()),
        Err(e @ (AppError::Validation(_) | AppError::Conflict { .. })) => {
            let status = e.status();
            Ok((status, render(&form_page(&state, &me, Some(id), input, Some(e.body().message)).await?)).into_response())
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "registry/certificate.html")]
struct CertificatePage {
    chrome: Chrome,
    c: Center,
    title: String,
    issuer: String,
    level: &'static str,
    stage: &'static str,
    kind: &'static str,
    fields: String,
    valid: bool,
    status: &'static str,
    /// The certificate issued signed (存证), newest first.
    signed: Vec<pocnet_app::evidence::documents::DocumentView>,
}

async fn certificate_page(State(state): State<AppState>, auth: Auth, Path(id): Path<CenterId>) -> AppResult<Response> {
    let (c, _) = load(&state, auth.current.as_ref(), id, Access::Public).await?;
    if c.certificate_no.is_none() {
        return Err(AppError::NotFound);
    }
    let profile = c.profile_id.as_deref().and_then(|p| state.profile(p));
    let page = CertificatePage {
        chrome: Chrome::public(Some(&auth), format!("{} 证书", c.name), "centers"),
        title: profile.map(|p| p.title.clone()).unwrap_or_default(),
        issuer: profile.map(|p| p.issuer.clone()).unwrap_or_default(),
        level: c.level.label_zh(),
        stage: c.stage.label_zh(),
        kind: c.kind.label_zh(),
        fields: field_labels(&state, &c.fields),
        valid: c.status == CenterStatus::Active,
        status: c.status.label_zh(),
        signed: pocnet_app::evidence::documents::of_subject(state.context(), "center", &c.id.get().to_string())
            .await?
            .into_iter()
            .filter(|d| d.kind == "certificate")
            .collect(),
        c,
    };
    Ok(render(&page))
}
