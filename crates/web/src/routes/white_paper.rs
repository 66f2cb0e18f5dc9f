//! The annual white paper on the web (科技成果转化白皮书, 002 四(四)), public:
//! the page (`/white-paper/{year}`), its PDF and its Excel workbook, and the
//! same document as JSON (`/api/v1/white-papers/{year}`). All three render the
//! one document `pocnet_app::white_paper::compose` reads from the records.
//! Printing runs off the async threads, one document at a time.

use crate::auth::session::Auth;
use crate::error::{AppError, AppResult};
use crate::extract::Path;
use crate::views::{render, Chrome};
use crate::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Json, Router};
use pocnet_app::white_paper as workflow;
use pocnet_domain::document::{section_number, Block, Document};
use serde::Serialize;
use std::sync::{Arc, LazyLock};
use tokio::sync::Semaphore;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// At most one white paper is printed at a time: printing is CPU work and the pages are public.
static PRINTING: LazyLock<Semaphore> = LazyLock::new(|| Semaphore::new(1));

/// How long a composed white paper is served before its figures are read again (its
/// `as_of` says when they were read); a change of the registry or of the year's
/// published rounds makes it stale at once.
pub const KEPT_FOR: chrono::Duration = chrono::Duration::minutes(10);

/// A composed white paper with its printed forms, made once each.
pub struct Composed {
    signature: String,
    read_at: chrono::DateTime<chrono::Utc>,
    /// The document.
    pub doc: Arc<Document>,
    pdf: tokio::sync::OnceCell<Arc<Vec<u8>>>,
    xlsx: tokio::sync::OnceCell<Arc<Vec<u8>>>,
}

/// The white papers composed, by year (one per year), and the lock one composition holds so that
/// requests arriving together wait for it instead of each composing the same paper.
#[derive(Default)]
pub struct WhitePapers(std::sync::Mutex<std::collections::HashMap<i32, Arc<Composed>>>, tokio::sync::Mutex<()>);

impl WhitePapers {
    fn current(&self, year: i32, signature: &str, now: chrono::DateTime<chrono::Utc>) -> Option<Arc<Composed>> {
        let kept = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).get(&year).cloned();
        kept.filter(|c| c.signature == signature && now - c.read_at < KEPT_FOR && now >= c.read_at)
    }
}

/// The white paper of `year`: the one kept if still current, else composed now (and kept).
async fn composed(state: &AppState, year: i32) -> AppResult<Arc<Composed>> {
    let signature = workflow::signature(state.context(), year).await?;
    let now = state.now();
    if let Some(c) = state.white_papers().current(year, &signature, now) {
        return Ok(c);
    }
    let _composing = state.white_papers().1.lock().await;
    if let Some(c) = state.white_papers().current(year, &signature, now) {
        return Ok(c);
    }
    let doc = workflow::compose(state.context(), year).await?;
    let c = Arc::new(Composed { signature, read_at: now, doc: Arc::new(doc), pdf: Default::default(), xlsx: Default::default() });
    state.white_papers().0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).insert(year, c.clone());
    Ok(c)
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    let html: Router<AppState> = Router::new()
        .route("/white-paper", get(latest_page))
        .route("/white-paper/{year}", get(page))
        .route("/white-paper/{year}/pdf", get(api_pdf))
        .route("/white-paper/{year}/xlsx", get(api_xlsx));
    OpenApiRouter::new().routes(routes!(api_years)).routes(routes!(api_document)).routes(routes!(api_pdf)).routes(routes!(api_xlsx)).merge(html.into())
}

/// The years a white paper can be read for.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Years {
    /// Every year with a published evaluation round, and this one, latest first.
    pub years: Vec<i32>,
    /// The year shown by default: the latest with a published round, else this one.
    pub default_year: i32,
}

async fn years(state: &AppState) -> AppResult<Years> {
    let (years, default_year) = workflow::years(state.context()).await?;
    Ok(Years { years, default_year })
}

/// The years a white paper can be read for (public).
#[utoipa::path(get, path = "/api/v1/white-papers", operation_id = "list_white_papers", tag = "white_paper", responses((status = 200, body = Years)))]
pub async fn api_years(State(state): State<AppState>) -> AppResult<Json<Years>> {
    Ok(Json(years(&state).await?))
}

/// The white paper of a year as a document: sections of headings, paragraphs, tables and charts (public).
#[utoipa::path(get, path = "/api/v1/white-papers/{year}", operation_id = "get_white_paper", tag = "white_paper",
    params(("year" = i32, Path, description = "年份")),
    responses((status = 200, body = Document), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_document(State(state): State<AppState>, Path(year): Path<i32>) -> AppResult<Response> {
    let c = composed(&state, year).await?;
    Ok(Json(c.doc.as_ref()).into_response())
}

/// Runs `print` on the paper on a blocking thread, one at a time.
async fn print(c: &Arc<Composed>, print: fn(&Document) -> Result<Vec<u8>, String>) -> AppResult<Arc<Vec<u8>>> {
    let _permit = PRINTING.acquire().await.map_err(|e| AppError::Internal(anyhow::anyhow!("print queue: {e}")))?;
    let c = c.clone();
    tokio::task::spawn_blocking(move || print(&c.doc).map(Arc::new))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("print: {e}")))?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("print: {e}")))
}

fn print_pdf(doc: &Document) -> Result<Vec<u8>, String> {
    let printed = pocnet_print::pdf(doc).map_err(|e| e.to_string())?;
    if !printed.missing.is_empty() {
        let missing: String = printed.missing.iter().collect();
        tracing::warn!(%missing, "white paper: characters the shipped font lacks print as boxes");
    }
    Ok(printed.bytes)
}

fn print_xlsx(doc: &Document) -> Result<Vec<u8>, String> {
    pocnet_print::xlsx(doc).map_err(|e| e.to_string())
}

/// The white paper of a year as an A4 PDF with Chinese text (public).
#[utoipa::path(get, path = "/api/v1/white-papers/{year}/pdf", operation_id = "white_paper_pdf", tag = "white_paper",
    params(("year" = i32, Path, description = "年份")),
    responses((status = 200, description = "白皮书 PDF（A4）", content(("application/pdf"))), (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_pdf(State(state): State<AppState>, Path(year): Path<i32>) -> AppResult<Response> {
    let c = composed(&state, year).await?;
    let bytes = c.pdf.get_or_try_init(|| print(&c, print_pdf)).await?;
    Ok(crate::routes::experts::api::attachment(bytes.as_ref().clone(), "application/pdf", &format!("{}.pdf", c.doc.title)))
}

/// The white paper of a year as an Excel workbook, one sheet per table (public).
#[utoipa::path(get, path = "/api/v1/white-papers/{year}/xlsx", operation_id = "white_paper_xlsx", tag = "white_paper",
    params(("year" = i32, Path, description = "年份")),
    responses((status = 200, description = "白皮书各表（Excel 工作簿）", content(("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 422, body = crate::error::ErrorEnvelope)))]
pub async fn api_xlsx(State(state): State<AppState>, Path(year): Path<i32>) -> AppResult<Response> {
    let c = composed(&state, year).await?;
    let bytes = c.xlsx.get_or_try_init(|| print(&c, print_xlsx)).await?;
    Ok(crate::routes::experts::api::xlsx(bytes.as_ref().clone(), &format!("{}.xlsx", c.doc.title)))
}

async fn latest_page(State(state): State<AppState>) -> AppResult<Response> {
    let y = years(&state).await?;
    Ok(Redirect::to(&format!("/white-paper/{}", y.default_year)).into_response())
}

/// A block as the page shows it.
struct BlockView {
    heading: Option<String>,
    paragraph: Option<String>,
    table: Option<TableView>,
    chart: Option<String>,
}

struct TableView {
    caption: String,
    columns: Vec<String>,
    /// Cells as shown, each with whether it is a number (right-aligned).
    rows: Vec<Vec<(String, bool)>>,
    note: String,
}

struct SectionView {
    anchor: String,
    heading: String,
    blocks: Vec<BlockView>,
}

#[derive(Template)]
#[template(path = "white_paper/page.html")]
struct WhitePaperPage {
    chrome: Chrome,
    year: i32,
    years: Vec<i32>,
    doc: Arc<Document>,
    sections: Vec<SectionView>,
}

fn sections(doc: &Document) -> Vec<SectionView> {
    let (mut tables, mut charts) = (0, 0);
    doc.sections
        .iter()
        .enumerate()
        .map(|(i, s)| SectionView {
            anchor: format!("s{}", i + 1),
            heading: format!("{}、{}", section_number(i + 1), s.heading),
            blocks: s
                .blocks
                .iter()
                .map(|b| {
                    let mut v = BlockView { heading: None, paragraph: None, table: None, chart: None };
                    match b {
                        Block::Heading { text } => v.heading = Some(text.clone()),
                        Block::Paragraph { text } => v.paragraph = Some(text.clone()),
                        Block::Table(t) => {
                            tables += 1;
                            v.table = Some(TableView {
                                caption: format!("表{tables} {}", t.title),
                                columns: t.columns.clone(),
                                rows: t.rows.iter().map(|r| r.iter().map(|c| (c.shown(), c.is_number())).collect()).collect(),
                                note: t.note.clone(),
                            });
                        }
                        Block::Chart(c) => {
                            charts += 1;
                            v.chart = Some(crate::charts::bar_chart_with_target(&format!("图{charts} {}", c.title), &c.bars, c.target));
                        }
                    }
                    v
                })
                .collect(),
        })
        .collect()
}

async fn page(State(state): State<AppState>, auth: Auth, Path(year): Path<i32>) -> AppResult<Response> {
    let c = composed(&state, year).await?;
    let doc = c.doc.clone();
    let y = years(&state).await?;
    let page = WhitePaperPage { chrome: Chrome::public(Some(&auth), doc.title.clone(), "white_paper"), year, years: y.years, sections: sections(&doc), doc };
    Ok(render(&page))
}
