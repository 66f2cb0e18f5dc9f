//! The OpenAPI 3 document of every endpoint, served at `/api/v1/openapi.json`.

use crate::AppState;
use axum::Json;
use std::sync::LazyLock;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::openapi::schema::{OneOfBuilder, Schema};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, ResponseBuilder};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// What the document says besides its operations: the info, the tags, the
/// error envelope. The operations come from the routers
/// ([`crate::routes::routes`]): each `/api/v1` handler is registered there
/// with `routes!`, which takes its path and method from its
/// `#[utoipa::path]`, so what is routed and what is documented are one list.
#[derive(OpenApi)]
#[openapi(
    info(title = "pocnet API", description = "概念验证中心与中试平台管理平台 JSON API。错误统一为 {\"error\": {\"code\", \"message\", \"field\"}}。"),
    components(schemas(crate::error::ErrorEnvelope, crate::error::ErrorBody)),
    tags(
        (name = "auth", description = "登录、会话与本人账号"),
        (name = "dashboard", description = "工作台与待办事项"),
        (name = "registry", description = "中心名录与中心档案（团队、设备、资金、顾问专家、证明材料、条件核验）"),
        (name = "policies", description = "政策配置（认定条件、命名规则、公示期、等次、撤销规则）"),
        (name = "recognition", description = "申报通知、申报、审核推荐、专家评审、公示与异议、认定"),
        (name = "panels", description = "专家组智能分配（无冲突、最优、可复现）"),
        (name = "supervision", description = "重大变化报告、撤销资格、中试平台复评、级别与阶段调整"),
        (name = "evaluation", description = "年度运行报告、年度绩效评价、动态管理、评价结果公布"),
        (name = "white_paper", description = "年度科技成果转化白皮书（网页、PDF、Excel）"),
        (name = "organisations", description = "单位管理（市科技局）"),
        (name = "users", description = "账号管理（市科技局）"),
        (name = "audit", description = "审计日志（市科技局）"),
        (name = "experts", description = "专家库"),
        (name = "results", description = "科技成果与项目库"),
        (name = "system", description = "运行状态"),
        (name = "calendar", description = "工作日历（国务院节假日安排，市科技局上传）"),
        (name = "evidence", description = "存证日志：默克尔树、签名检查点、包含证明与一致性证明、见证联署、公钥"),
        (name = "finance", description = "金融联动：科技创新券（年度方案、服务机构目录、额度申领与核定、使用预留、完成服务、兑付与台账、报表），中心收益，路演、投资意向与市科创基金优先项目"),
        (name = "pilot", description = "中试平台：中试项目（移交或直接申请、可行性论证、中试方案与节点费用、确认、实施、中试报告与反馈需求），中试线、设备和试验环境的按日预约（容量、不重复预约）与月历"),
        (name = "seeds", description = "早期成果池与种子清单：高校、科研院所和医院的早期概念入池，概念验证平台定期批量论证（技术可行性与市场前景评分），发布种子清单并进入项目库（004 三(二)）"),
        (name = "key_projects", description = "重点推进项目清单：市科技局体系化布局的概念验证平台建设项目，建设主体五项条件具备后启动建设（成熟一个、启动一个），建成后关联概念验证中心（004 二(二)(四)）"),
        (name = "managers", description = "项目经理人：平台为项目库项目指派项目经理人，贯穿项目决策、推进和退出全流程记录任务分解、进度控制和资源协调；平台按“技术价值+商业价值”进行年度双重考核，建议分由项目记录算出（004 三(三)(五)）"),
        (name = "competitions", description = "概念验证竞赛：市科技局发布竞赛与奖项名额，科研团队和企业报名，结束报名后评审评分，按排名公布获奖结果（004 四(四)）"),
        (name = "sharing", description = "资源共享：验证能力互补清单、仪器设备共享、中试平台服务资源目录清单、使用申请、四张清单与配套政策"),
    )
)]
pub(crate) struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme("bearer", SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()));
        components.add_security_scheme(
            "cookie",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::session::SESSION_COOKIE,
                "会话 Cookie；以 Cookie 调用修改类接口时须带 X-CSRF-Token 头",
            ))),
        );
    }
}

/// The errors every operation can answer besides those it declares itself,
/// read from what it takes: any signed-in call can be refused (401, 403),
/// an id in the path can name nothing (404) or not be a number (400), a
/// query or a body can be malformed (400) or break a rule (422), a body can
/// be too large (413) or not JSON (415), a signed-in write can meet a
/// changed record, a taken value or a state that refuses it (409). Every one
/// answers the error envelope. The integration suite checks every response
/// it receives against the document, so a status missing here fails a test.
struct ErrorResponses;

const ERRORS: &[(&str, &str)] = &[
    ("400", "请求格式不正确（路径、查询参数或请求体）"),
    ("401", "未登录或登录已过期"),
    ("403", "无权访问此记录或执行此操作，或 CSRF 校验未通过"),
    ("404", "记录不存在或对调用者不可见"),
    ("409", "记录已被他人修改、取值重复或当前状态不允许此操作"),
    ("413", "请求体过大"),
    ("415", "请求体须为 JSON"),
    ("422", "输入不符合规则"),
];

fn errors_of(path: &str, write: bool, op: &Operation) -> Vec<&'static str> {
    let signed_in = op.security.as_ref().is_some_and(|s| !s.is_empty());
    let has_path_param = path.contains('{');
    let has_query = op.parameters.iter().flatten().any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let json_body = op.request_body.as_ref().is_some_and(|b| b.content.contains_key("application/json"));
    let body = op.request_body.is_some();
    let mut codes = Vec::new();
    if has_path_param || has_query || body {
        codes.push("400");
    }
    if signed_in {
        codes.extend(["401", "403"]);
    }
    if has_path_param {
        codes.push("404");
    }
    if signed_in && write {
        codes.push("409");
    }
    if body {
        codes.push("413");
    }
    if json_body {
        codes.push("415");
    }
    if has_query || body {
        codes.push("422");
    }
    codes
}

impl Modify for ErrorResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        for (path, item) in openapi.paths.paths.iter_mut() {
            let ops = [(false, &mut item.get), (true, &mut item.post), (true, &mut item.put), (true, &mut item.delete), (true, &mut item.patch)];
            for (write, op) in ops {
                let Some(op) = op.as_mut() else { continue };
                for code in errors_of(path, write, op) {
                    let description = ERRORS.iter().find(|(c, _)| *c == code).map_or("", |(_, d)| *d);
                    let envelope = || RefOr::Ref(Ref::from_schema_name("ErrorEnvelope"));
                    match op.responses.responses.get_mut(code) {
                        None => {
                            let content = ContentBuilder::new().schema(Some(envelope())).build();
                            let response = ResponseBuilder::new().description(description).content("application/json", content).build();
                            op.responses.responses.insert(code.to_owned(), RefOr::T(response));
                        }
                        // A status declared with its own body (an import's row report) can
                        // also answer the error envelope: either one.
                        Some(RefOr::T(response)) => {
                            if let Some(content) = response.content.get_mut("application/json") {
                                let own = content.schema.take();
                                content.schema = match own {
                                    Some(RefOr::Ref(r)) if r.ref_location.ends_with("/ErrorEnvelope") => Some(RefOr::Ref(r)),
                                    Some(own) => Some(RefOr::T(Schema::OneOf(OneOfBuilder::new().item(own).item(envelope()).build()))),
                                    None => None,
                                };
                            }
                        }
                        Some(RefOr::Ref(_)) => {}
                    }
                }
            }
        }
    }
}

/// A multipart upload of one file (part `file`). Documents the form; the
/// handlers read it part by part.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct FileForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// An evidence document upload (PDF, PNG or JPEG, at most 10 MB).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct DocumentForm {
    /// The criterion or declared figure it proves, e.g. `service_staff`.
    topic: String,
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// A university's result list (.xlsx in the template's layout).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct ResultListForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// The proof-of-concept center (overrides the query's).
    center_id: Option<i64>,
    /// `1`, `true` or `on`: check only (overrides the query's).
    dry_run: Option<String>,
}

/// The OpenAPI document: the operations of every feature's router, with
/// the security schemes and the errors each operation can answer. Built once.
pub fn openapi_document() -> utoipa::openapi::OpenApi {
    static DOCUMENT: LazyLock<utoipa::openapi::OpenApi> = LazyLock::new(|| {
        let (_, mut doc) = crate::routes::routes().split_for_parts();
        Security.modify(&mut doc);
        ErrorResponses.modify(&mut doc);
        doc
    });
    DOCUMENT.clone()
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "system", responses((status = 200, description = "本文档（OpenAPI 3.1）", body = Object)))]
async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(openapi_document())
}

pub(crate) fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(document))
}

/// A signed document to check (a PDF printed by pocnet, or its JSON evidence bundle).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct VerifyForm {
    /// The file.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
}

/// Another installation's signed verification report, presented for mutual recognition.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct RecognizeForm {
    /// The report: its PDF or its JSON evidence bundle.
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Why the center accepts it (optional, ≤ 500 characters).
    note: Option<String>,
}

/// A data set to register (数据登记).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub(crate) struct DataSetForm {
    /// The data file (≤ 16 MB).
    #[schema(value_type = String, format = Binary)]
    file: Vec<u8>,
    /// Title.
    title: String,
    /// What it holds.
    description: Option<String>,
    /// Who may use it, on what terms.
    access_terms: String,
    /// The center's project it came from.
    result_id: Option<i64>,
    /// The rights holders: a JSON array of `{name, role, share_percent}`.
    holders: String,
}
