//! Data registration (数据登记·确权, 000 二(十), 001 概念验证 13): a center's operator
//! registers a data set produced in verification — the file (kept by its hash,
//! so it is in the evidence log), what it holds, the terms of access, and its
//! rights holders per the agreement; every change of the holders is a new version.
//! Each version is issued as a signed registration certificate (签章文件).

use super::operated;
use crate::{Caller, Context, Error, Result};
use pocnet_domain::data_rights::{check_holders, RightsHolder};
use pocnet_domain::document::Certificate;
use pocnet_domain::id::CenterId;
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::evidence::data_sets::{self, DataSet, NewDataSet, RightsVersion};
use serde::{Deserialize, Serialize};

/// A data set as registered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RegisterInput {
    /// Title.
    pub title: String,
    /// What it holds.
    #[serde(default)]
    pub description: String,
    /// Who may use it, on what terms.
    pub access_terms: String,
    /// The project it came from (one of the center's), if any.
    #[serde(default)]
    pub result_id: Option<i64>,
    /// The rights holders.
    pub holders: Vec<RightsHolder>,
}

/// A change of the holders.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct RightsInput {
    /// The new holders.
    pub holders: Vec<RightsHolder>,
    /// Why (e.g. 转让协议).
    pub reason: String,
    /// The version the caller read.
    pub version: i64,
}

/// A data set with every version of its holders.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DataSetView {
    /// The data set.
    pub data_set: DataSet,
    /// Its holders, each version.
    pub rights: Vec<RightsVersion>,
    /// Its signed registration certificates, newest first (one per version).
    pub certificates: Vec<crate::evidence::documents::DocumentView>,
}

fn face(d: &DataSet, center: &str, holders: &[RightsHolder], reason: &str, on: chrono::NaiveDate) -> Certificate {
    let who: Vec<String> = holders
        .iter()
        .map(|h| match h.share_percent {
            Some(s) => format!("{}（{}，{s}%）", h.name, h.role.label_zh()),
            None => format!("{}（{}）", h.name, h.role.label_zh()),
        })
        .collect();
    Certificate {
        kind_label: "数据登记证书".to_owned(),
        title: "数据登记证书".to_owned(),
        number: format!("数登〔{}〕{}-{:04}-{}号", chrono::Datelike::year(&on), d.center_id, d.id, d.rights_version),
        recipient: holders.iter().map(|h| format!("{}：", h.name)).collect(),
        fields: vec![
            ("数据名称".to_owned(), d.title.clone()),
            ("文件".to_owned(), format!("{}（{} 字节）", d.filename, d.size)),
            ("文件 SHA-256".to_owned(), d.sha256.clone()),
            ("登记机构".to_owned(), center.to_owned()),
            ("权利人".to_owned(), who.join("、")),
            ("使用条件".to_owned(), d.access_terms.clone()),
            ("确权版本".to_owned(), format!("第 {} 版（{}）", d.rights_version, reason)),
        ],
        paragraphs: if d.description.is_empty() { Vec::new() } else { vec![d.description.clone()] },
        issuer: center.to_owned(),
        issued_on: crate::evidence::documents::chinese_date(on),
        verification: pocnet_domain::document::VerificationFooter { origin: String::new(), index: 0, document_sha256: String::new(), checkpoint_size: 0, how_to_verify: String::new() },
    }
}

fn subject(d: &DataSet, holders: &[RightsHolder], reason: &str) -> serde_json::Value {
    serde_json::json!({"data_set_id": d.id, "center_id": d.center_id, "result_id": d.result_id, "title": d.title, "filename": d.filename,
        "sha256": d.sha256, "size": d.size, "access_terms": d.access_terms, "rights_version": d.rights_version, "holders": holders, "reason": reason})
}

/// Issues the signed registration certificate of the data set's current version (`d.rights_version`)
/// in the caller's transaction.
#[allow(clippy::too_many_arguments)]
async fn certify(tx: &mut pocnet_store::Write, ctx: &Context, actor: &pocnet_store::Actor, d: &DataSet, center: &str, holders: &[RightsHolder], reason: &str, on: chrono::NaiveDate) -> Result<()> {
    let f = face(d, center, holders, reason, on);
    crate::evidence::documents::sign_in(tx, ctx, actor, "data_registration", "data_set", d.id.to_string(), &f, subject(d, holders, reason)).await?;
    Ok(())
}

/// Issues the registration certificates data sets lack (registered before the log, or by the
/// demo's loader), one per version of their holders, in order, dated as recorded. Returns how many.
pub(crate) async fn backfill(ctx: &Context) -> Result<u64> {
    let pool = ctx.store().pool();
    let actor = pocnet_store::Actor::system("evidence-backfill");
    let (mut signed, mut after) = (0, 0);
    loop {
        let page = pocnet_store::evidence::documents::data_set_certificates(pool, after, 200).await?;
        let Some(&(last, _, _)) = page.last() else { break };
        after = last;
        let mut tx = ctx.store().write().await?;
        for (id, version, certified) in page.into_iter().filter(|(_, v, s)| s < v) {
            let d = data_sets::get(pool, id).await?;
            let center = pocnet_store::centers::get(pool, CenterId::new(d.center_id)).await?;
            for r in data_sets::rights(pool, id).await?.into_iter().filter(|r| r.version > certified && r.version <= version) {
                let on = pocnet_store::parse_ts(&r.recorded_at).map_or_else(|| ctx.today(), |t| (t + chrono::Duration::hours(8)).date_naive());
                let at_version = DataSet { rights_version: r.version, ..d.clone() };
                certify(&mut tx, ctx, &actor, &at_version, &center.name, &r.holders, &r.reason, on).await?;
                signed += 1;
            }
        }
        tx.commit().await?;
    }
    Ok(signed)
}

/// Registers a data set for `center` (its operators) and issues its signed certificate.
pub async fn register(ctx: &Context, caller: &Caller, center: CenterId, input: &RegisterInput, filename: &str, content: &[u8]) -> Result<DataSet> {
    let c = operated(ctx, caller, center).await?;
    let mut errors = Vec::new();
    let title = text("title", "数据名称", &input.title, 1, 200).map_err(|e| errors.push(e)).ok();
    let description = text("description", "数据说明", &input.description, 0, 2000).map_err(|e| errors.push(e)).ok();
    let terms = text("access_terms", "使用条件", &input.access_terms, 1, 1000).map_err(|e| errors.push(e)).ok();
    let holders = check_holders(&input.holders).map_err(|e| errors.push(e)).ok();
    if content.is_empty() {
        errors.push(FieldError::required("file", "数据文件"));
    }
    let filename = filename.trim();
    if filename.is_empty() || filename.chars().count() > 200 {
        errors.push(FieldError::new("file", "filename", "文件须有名称（200字以内）"));
    }
    if let Some(rid) = input.result_id {
        match pocnet_store::library::pipeline::get(ctx.store().pool(), pocnet_domain::id::ResultId::new(rid)).await {
            Ok(p) if p.center_id == Some(center) => {}
            _ => errors.push(FieldError::new("result_id", "not_this_centers", "所选项目不在本中心的项目库中")),
        }
    }
    let (Some(title), Some(description), Some(terms), Some(holders)) = (title, description, terms, holders) else { return Err(errors.into()) };
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let mut tx = ctx.store().write().await?;
    let d = data_sets::register(
        &mut tx,
        &caller.actor(),
        ctx.now(),
        &NewDataSet { center_id: center, result_id: input.result_id, title: &title, description: &description, filename, mime: "application/octet-stream", content, access_terms: &terms, holders: &holders },
    )
    .await?;
    certify(&mut tx, ctx, &caller.actor(), &d, &c.name, &holders, "登记", ctx.today()).await?;
    tx.commit().await?;
    crate::evidence::documents::seal(ctx).await;
    Ok(d)
}

/// Records a new version of a data set's holders (its center's operators) and issues the new
/// certificate; a stale `version` is a conflict.
pub async fn change_rights(ctx: &Context, caller: &Caller, id: i64, input: &RightsInput) -> Result<DataSet> {
    let d = data_sets::get(ctx.store().pool(), id).await?;
    let c = operated(ctx, caller, CenterId::new(d.center_id)).await?;
    let holders = check_holders(&input.holders)?;
    let reason = text("reason", "变更原因", &input.reason, 2, 500)?;
    let mut tx = ctx.store().write().await?;
    let d = data_sets::change_rights(&mut tx, &caller.actor(), ctx.now(), id, input.version, &holders, &reason).await.map_err(|e| match e {
        pocnet_store::StoreError::VersionConflict { .. } => Error::Conflict { code: "stale_version", message: "权利人已被他人变更，请刷新后再改".into(), field: Some("version".to_owned()) },
        e => e.into(),
    })?;
    certify(&mut tx, ctx, &caller.actor(), &d, &c.name, &holders, &reason, ctx.today()).await?;
    tx.commit().await?;
    crate::evidence::documents::seal(ctx).await;
    Ok(d)
}

/// A center's data sets with their holders' versions (its operators and the bureau).
pub async fn list(ctx: &Context, caller: &Caller, center: CenterId) -> Result<Vec<DataSetView>> {
    if caller.user().is_some_and(|u| u.role != Role::Bureau) {
        operated(ctx, caller, center).await?;
    }
    let pool = ctx.store().pool();
    let mut out = Vec::new();
    for d in data_sets::of_center(pool, center).await? {
        let rights = data_sets::rights(pool, d.id).await?;
        let certificates = crate::evidence::documents::of_subject(ctx, "data_set", &d.id.to_string()).await?;
        out.push(DataSetView { data_set: d, rights, certificates });
    }
    Ok(out)
}

/// Whether the caller may read a data set's registration (its center's operators, the bureau).
pub async fn may_read(ctx: &Context, caller: &Caller, id: i64) -> bool {
    let Ok(d) = data_sets::get(ctx.store().pool(), id).await else { return false };
    caller.user().is_none_or(|u| u.role == Role::Bureau) || operated(ctx, caller, CenterId::new(d.center_id)).await.is_ok()
}
