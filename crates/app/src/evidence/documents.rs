//! Signed documents (签章文件): a verification report, a recognition certificate
//! or an evaluation result issued as canonical JSON — what its page shows and
//! the facts a machine reads — signed with the installation's Ed25519 and SM2
//! keys, stored in the issuing transaction, appended to the log and covered by
//! a signed checkpoint at once; handed out as a bundle (document, signatures,
//! inclusion proof, checkpoint) and as an A4 PDF that carries the bundle and a
//! QR code. Anyone holding either can check it offline ([`verify_file`]).

use crate::{Caller, Context, Error, Result};
use pocnet_domain::document::{Certificate, VerificationFooter};
use pocnet_domain::role::Role;
use pocnet_evidence::bundle::{LogProof, SignedDocument};
use pocnet_evidence::note::Verifier;
use pocnet_evidence::{sign_document, verify_bundle, Hash};
use pocnet_store::evidence::documents::{self, NewDocument, StoredDocument};
use pocnet_store::evidence::log::LeafKind;
use pocnet_store::{evidence, Actor};
use serde::Serialize;
use serde_json::{json, Value};

/// The version tag of a document of `kind`.
fn type_tag(kind: &str) -> String {
    format!("pocnet.{kind}/v1")
}

/// How a reader checks a printed document (printed in its footer).
const HOW_TO_VERIFY: &str = "扫码或使用 pocnet verify 离线核验：核对签名、透明日志包含证明与检查点。";

/// What is signed: the face without its footer (the footer names the log position, known only
/// once the document is appended), the issuing log and the machine-readable subject.
fn document_value(origin: &str, kind: &str, face: &Certificate, subject: Value) -> Result<Value> {
    let mut shown = serde_json::to_value(face).map_err(|e| Error::Internal(e.to_string()))?;
    if let Some(o) = shown.as_object_mut() {
        o.remove("verification");
    }
    Ok(json!({"type": type_tag(kind), "origin": origin, "face": shown, "subject": subject}))
}

/// Signs a document and stores it in the caller's transaction; returns its id. The caller
/// commits, then calls [`seal`] so that a checkpoint covers it.
#[allow(clippy::too_many_arguments)]
pub async fn sign_in(
    tx: &mut pocnet_store::Write,
    ctx: &Context,
    actor: &Actor,
    kind: &str,
    subject_type: &str,
    subject_id: String,
    face: &Certificate,
    subject: Value,
) -> Result<i64> {
    let notary = ctx.notary()?;
    let value = document_value(notary.origin(), kind, face, subject)?;
    let (bytes, signatures) = sign_document(&value, &notary.signers()).map_err(|e| Error::Internal(e.to_string()))?;
    let canonical = String::from_utf8(bytes).map_err(|e| Error::Internal(e.to_string()))?;
    let sha256 = pocnet_evidence::hash::sha256(canonical.as_bytes()).to_hex();
    let signatures = serde_json::to_string(&signatures).map_err(|e| Error::Internal(e.to_string()))?;
    let d = NewDocument { kind, subject_type, subject_id, number: &face.number, title: &face.title, canonical: &canonical, sha256: &sha256, signatures: &signatures };
    Ok(documents::insert(tx, actor, ctx.now(), &d).await?)
}

/// Appends what was issued and signs a checkpoint over it (after the issuing commit). A failure
/// here loses nothing — the document is stored and queued; the server's sequencer seals it.
pub async fn seal(ctx: &Context) {
    if let Err(e) = crate::evidence::log::checkpoint(ctx).await {
        tracing::warn!(error = %e, "sealing an issued document failed; the sequencer will");
    }
}

/// A signed document as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DocumentView {
    /// Id.
    pub id: i64,
    /// `verification_report`, `certificate`, `evaluation_result`.
    pub kind: String,
    /// Number.
    pub number: String,
    /// Title.
    pub title: String,
    /// SHA-256 of the canonical JSON (hex).
    pub sha256: String,
    /// When issued (UTC).
    pub issued_at: String,
}

impl From<&StoredDocument> for DocumentView {
    fn from(d: &StoredDocument) -> Self {
        Self { id: d.id, kind: d.kind.clone(), number: d.number.clone(), title: d.title.clone(), sha256: d.sha256.clone(), issued_at: d.issued_at.clone() }
    }
}

/// The documents issued about a subject, newest first (the caller's right to the subject is the
/// calling workflow's to check).
pub async fn of_subject(ctx: &Context, subject_type: &str, subject_id: &str) -> Result<Vec<DocumentView>> {
    Ok(documents::of_subject(ctx.store().pool(), subject_type, subject_id).await?.iter().map(DocumentView::from).collect())
}

/// Loads a document the caller may read: certificates are public; a verification report is
/// read by the bureau, every center's operators (mutual recognition) and whoever may read its
/// project; an evaluation result by the bureau and the center's operators.
pub async fn load(ctx: &Context, caller: &Caller, id: i64) -> Result<StoredDocument> {
    let d = documents::get(ctx.store().pool(), id).await?;
    let role = caller.user().map(|u| u.role);
    let allowed = match d.kind.as_str() {
        "certificate" => true,
        _ if caller.user().is_none() || role == Some(Role::Bureau) => true,
        "verification_report" => {
            role == Some(Role::Center)
                || match d.subject_id.parse::<i64>() {
                    Ok(rid) => caller.user().is_some() && crate::library::pipeline::load(ctx, caller, pocnet_domain::id::ResultId::new(rid)).await.is_ok(),
                    Err(_) => false,
                }
        }
        "data_registration" => match d.subject_id.parse::<i64>() {
            Ok(id) => crate::evidence::registration::may_read(ctx, caller, id).await,
            Err(_) => false,
        },
        "evaluation_result" => match (caller.user(), d.subject_id.parse::<i64>()) {
            (Some(u), Ok(center)) if u.role == Role::Center => pocnet_store::centers::get(ctx.store().pool(), pocnet_domain::id::CenterId::new(center)).await.is_ok_and(|c| c.host_org_id == u.org_id),
            _ => false,
        },
        _ => false,
    };
    if allowed {
        Ok(d)
    } else {
        Err(Error::NotFound)
    }
}

/// The bundle of a document: the document, its signatures, its inclusion proof in the newest
/// checkpoint and that checkpoint (sealing first if the document is not yet covered).
pub async fn bundle(ctx: &Context, d: &StoredDocument) -> Result<SignedDocument> {
    let pool = ctx.store().pool();
    let covered = |leaf: &Option<evidence::log::Leaf>, cp: &Option<evidence::checkpoints::StoredCheckpoint>| match (leaf, cp) {
        (Some(l), Some(c)) => c.size > l.index,
        _ => false,
    };
    let mut leaf = evidence::log::leaf_of(pool, LeafKind::Document, &d.id.to_string()).await?;
    let mut cp = evidence::checkpoints::latest(pool).await?;
    if !covered(&leaf, &cp) {
        cp = crate::evidence::log::checkpoint(ctx).await?;
        leaf = evidence::log::leaf_of(pool, LeafKind::Document, &d.id.to_string()).await?;
    }
    let (Some(leaf), Some(cp)) = (leaf, cp) else { return Err(Error::Internal("the document is not in the log yet".to_owned())) };
    let proof = crate::evidence::log::inclusion(ctx, leaf.index, cp.size).await?;
    let document: Value = serde_json::from_str(&d.canonical).map_err(|e| Error::Internal(e.to_string()))?;
    let signatures = serde_json::from_str(&d.signatures).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(SignedDocument {
        document,
        signatures,
        log: LogProof { origin: ctx.notary()?.origin().to_owned(), index: leaf.index, tree_size: cp.size, inclusion: proof.hashes, checkpoint: cp.note },
    })
}

/// A bundle's bytes as handed out (pretty JSON).
pub fn bundle_bytes(b: &SignedDocument) -> Result<Vec<u8>> {
    serde_json::to_vec_pretty(b).map_err(|e| Error::Internal(e.to_string()))
}

/// The printed face of a bundle: the signed face with the footer of its log position.
fn face_of(b: &SignedDocument) -> std::result::Result<Certificate, String> {
    let mut face = b.document.get("face").cloned().ok_or("the document has no face")?;
    let sha = pocnet_evidence::hash::sha256(&pocnet_evidence::canonical::canonical_json(&b.document).map_err(|e| e.to_string())?).to_hex();
    let footer = VerificationFooter { origin: b.log.origin.clone(), index: b.log.index, document_sha256: sha, checkpoint_size: b.log.tree_size, how_to_verify: HOW_TO_VERIFY.to_owned() };
    face.as_object_mut().ok_or("the face is not an object")?.insert("verification".to_owned(), serde_json::to_value(footer).map_err(|e| e.to_string())?);
    serde_json::from_value(face).map_err(|e| e.to_string())
}

/// Prints a bundle: A4, Chinese, the QR code of its log position, the bundle attached. The same
/// bundle always prints the same bytes (what [`verify_file`] relies on).
pub fn print(b: &SignedDocument) -> Result<Vec<u8>> {
    let face = face_of(b).map_err(Error::Internal)?;
    let sha = Hash::from_hex(&face.verification.document_sha256).map_err(|e| Error::Internal(e.to_string()))?;
    let qr = pocnet_evidence::qr::qr_payload(&b.log.origin, b.log.index, &sha);
    let json = bundle_bytes(b)?;
    Ok(pocnet_print::certificate::render(&face, &qr, &json).map_err(|e| Error::Internal(e.to_string()))?.bytes)
}

/// What checking a file established.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FileVerification {
    /// `pdf` or `json`.
    pub format: String,
    /// The issuing log.
    pub origin: String,
    /// The document's leaf index.
    pub index: u64,
    /// The checkpoint's size the proof is for.
    pub checkpoint_size: u64,
    /// SHA-256 of the document (hex).
    pub document_sha256: String,
    /// The keys whose signatures verified.
    pub signed_by: Vec<String>,
    /// The document's type (e.g. `pocnet.verification_report/v1`).
    pub document_type: String,
    /// The number and title printed on it.
    pub number: String,
    /// Title.
    pub title: String,
}

/// Why a file does not verify: a stable code and the reason in Chinese and English.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{code}: {message}")]
pub struct FileRejected {
    /// Stable code.
    pub code: &'static str,
    /// Reason.
    pub message: String,
}

/// Checks a PDF or a JSON bundle offline against `trusted` public keys: the bundle's document
/// signatures, its inclusion proof, the checkpoint's signature; for a PDF also that its pages are
/// exactly what the attached bundle prints (a changed byte anywhere fails).
pub fn verify_file(bytes: &[u8], trusted: &[Verifier]) -> std::result::Result<FileVerification, FileRejected> {
    let pdf = bytes.starts_with(b"%PDF");
    let bundle_json = if pdf {
        pocnet_print::certificate::attached_bundle(bytes).map_err(|e| FileRejected { code: "no_bundle", message: format!("PDF 中没有可读的证据包 / no evidence bundle in the PDF: {e}") })?
    } else {
        bytes.to_vec()
    };
    let v = verify_bundle(&bundle_json, trusted).map_err(|e| FileRejected { code: "bundle_invalid", message: e.to_string() })?;
    let b: SignedDocument = serde_json::from_slice(&bundle_json).map_err(|e| FileRejected { code: "bundle_invalid", message: e.to_string() })?;
    if pdf {
        let again = print(&b).map_err(|e| FileRejected { code: "reprint_failed", message: e.to_string() })?;
        if again != bytes {
            return Err(FileRejected { code: "pdf_altered", message: "PDF 与其所载签章文件不符：版面或文件被改动 / the PDF is not the print of its signed document".to_owned() });
        }
    }
    let face = b.document.get("face");
    let text = |k: &str| face.and_then(|f| f.get(k)).and_then(Value::as_str).unwrap_or_default().to_owned();
    Ok(FileVerification {
        format: if pdf { "pdf" } else { "json" }.to_owned(),
        origin: v.origin,
        index: v.index,
        checkpoint_size: v.checkpoint_size,
        document_sha256: v.document_sha256.to_hex(),
        signed_by: v.signed_by,
        document_type: b.document.get("type").and_then(Value::as_str).unwrap_or_default().to_owned(),
        number: text("number"),
        title: text("title"),
    })
}

/// The keys this installation checks files against: every key it ever published and the keys of
/// the installations on the bureau's trust list.
pub async fn trusted_keys(ctx: &Context) -> Result<Vec<Verifier>> {
    let pool = ctx.store().pool();
    let mut keys: Vec<Verifier> = evidence::keys::published(pool).await?.iter().filter_map(|k| Verifier::parse(&k.vkey).ok()).collect();
    if keys.is_empty() {
        keys = ctx.notary()?.verifiers();
    }
    for t in evidence::keys::trusted(pool).await? {
        keys.extend(t.vkeys.lines().map(str::trim).filter(|l| !l.is_empty()).filter_map(|l| Verifier::parse(l).ok()));
    }
    Ok(keys)
}

/// `2026年12月3日`.
pub fn chinese_date(d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", d.year(), d.month(), d.day())
}

fn unplaced() -> VerificationFooter {
    VerificationFooter { origin: String::new(), index: 0, document_sha256: String::new(), checkpoint_size: 0, how_to_verify: String::new() }
}

/// The face of a verification report (概念验证报告).
pub fn report_face(r: &pocnet_store::library::reports::ReportRecord, owner: &str, findings: &[(String, String)]) -> Certificate {
    let mut paragraphs = vec![format!("结论：{}", r.summary)];
    paragraphs.extend(findings.iter().map(|(m, f)| format!("{m}：{f}")));
    Certificate {
        kind_label: "概念验证报告".to_owned(),
        title: "概念验证报告".to_owned(),
        number: r.report_no.clone(),
        recipient: vec![format!("{owner}：")],
        fields: vec![
            ("项目名称".to_owned(), r.title.clone()),
            ("成果持有单位".to_owned(), owner.to_owned()),
            ("验证机构".to_owned(), r.center_name.clone()),
            ("验证后技术就绪度".to_owned(), format!("TRL {}", r.trl_after)),
            ("建议".to_owned(), r.recommendation.label_zh().to_owned()),
        ],
        paragraphs,
        issuer: r.center_name.clone(),
        issued_on: chinese_date(r.issued_on),
        verification: unplaced(),
    }
}

/// The place an issuer governs: `温州市科学技术局` → `温州市`; the first of several issuers.
fn issuing_place(issuer: &str) -> String {
    let first = issuer.split(['、', '，', '（']).next().unwrap_or(issuer);
    match first.find(['市', '省']) {
        Some(i) => first[..i + '市'.len_utf8()].to_owned(),
        None => String::new(),
    }
}

/// The face of a recognition certificate (认定证书).
pub fn certificate_face(c: &pocnet_store::centers::Center, profile: &pocnet_domain::policy::Profile, on: chrono::NaiveDate) -> Certificate {
    let fields: Vec<String> = c.fields.iter().map(|f| pocnet_domain::industry::label(f).to_owned()).collect();
    let mut rows = vec![
        ("中心名称".to_owned(), c.name.clone()),
        ("依托单位".to_owned(), c.host_org_name.clone()),
        ("服务领域".to_owned(), fields.join("、")),
        ("认定类别".to_owned(), format!("{}{}（{}）", c.level.label_zh(), c.kind.label_zh(), c.stage.label_zh())),
    ];
    if let Some(due) = c.reevaluation_due {
        rows.push(("复评期限".to_owned(), chinese_date(due)));
    }
    Certificate {
        kind_label: "认定证书".to_owned(),
        title: format!("{}{}认定证书", issuing_place(&profile.issuer), c.kind.label_zh()),
        number: c.certificate_no.clone().unwrap_or_default(),
        recipient: vec![format!("{}：", c.host_org_name)],
        fields: rows,
        paragraphs: vec![format!("经申报、审核推荐、专家评审和公示，认定你单位建设的{}为{}{}。特发此证。", c.name, c.level.label_zh(), c.kind.label_zh())],
        issuer: profile.issuer.clone(),
        issued_on: chinese_date(on),
        verification: unplaced(),
    }
}

/// Signs a verification report in the caller's transaction: its face (conclusion, each
/// milestone's finding) and its facts.
pub async fn sign_report(
    tx: &mut pocnet_store::Write,
    ctx: &Context,
    actor: &Actor,
    record: &pocnet_store::library::reports::ReportRecord,
    owner: &str,
    milestones: &[pocnet_store::library::verification::Milestone],
) -> Result<i64> {
    let findings: Vec<(String, String)> = serde_json::from_str::<Vec<Value>>(&record.findings_json)
        .unwrap_or_default()
        .iter()
        .map(|f| {
            let mid = f.get("milestone_id").and_then(Value::as_i64).unwrap_or_default();
            let title = milestones.iter().find(|m| m.id.get() == mid).map_or_else(|| format!("里程碑#{mid}"), |m| format!("{}“{}”", m.kind.label_zh(), m.title));
            (title, f.get("finding").and_then(Value::as_str).unwrap_or_default().to_owned())
        })
        .collect();
    let face = report_face(record, owner, &findings);
    let subject = json!({
        "result_id": record.result_id.get(), "center_id": record.center_id.get(), "report_no": record.report_no, "title": record.title,
        "trl_after": record.trl_after, "recommendation": record.recommendation.as_str(), "issued_on": record.issued_on.to_string(),
    });
    sign_in(tx, ctx, actor, "verification_report", "result", record.result_id.get().to_string(), &face, subject).await
}

/// Signs a recognition certificate in the caller's transaction.
pub async fn sign_certificate(
    tx: &mut pocnet_store::Write,
    ctx: &Context,
    actor: &Actor,
    center: &pocnet_store::centers::Center,
    profile: &pocnet_domain::policy::Profile,
    on: chrono::NaiveDate,
    application_id: Option<i64>,
) -> Result<i64> {
    let face = certificate_face(center, profile, on);
    let subject = json!({
        "center_id": center.id.get(), "name": center.name, "certificate_no": center.certificate_no, "host": center.host_org_name,
        "level": center.level.as_str(), "stage": center.stage.as_str(), "kind": center.kind.as_str(), "profile": profile.id,
        "recognized_on": on.to_string(), "application_id": application_id,
    });
    sign_in(tx, ctx, actor, "certificate", "center", center.id.get().to_string(), &face, subject).await
}

/// Issues the signed documents that records made before the log existed lack (an upgraded
/// installation, the demo's story): each verification report, each center's current
/// certificate and each version of a registered data set, signed now with their own dates on their faces. Returns how many were signed.
pub async fn backfill(ctx: &Context) -> Result<u64> {
    let pool = ctx.store().pool();
    let actor = Actor::system("evidence-backfill");
    let mut signed = 0;
    let mut after = 0;
    loop {
        let ids = documents::unsigned_reports(pool, after, 200).await?;
        let Some(last) = ids.last().copied() else { break };
        after = last;
        let mut tx = ctx.store().write().await?;
        for rid in &ids {
            let id = pocnet_domain::id::ResultId::new(*rid);
            let Some(record) = pocnet_store::library::reports::report(pool, id).await? else { continue };
            let project = pocnet_store::library::pipeline::get(pool, id).await?;
            let milestones = pocnet_store::library::verification::milestones(pool, id).await?;
            sign_report(&mut tx, ctx, &actor, &record, &project.owner_org_name, &milestones).await?;
            signed += 1;
        }
        tx.commit().await?;
    }
    let mut after = 0;
    loop {
        let ids = documents::uncertified_centers(pool, after, 200).await?;
        let Some(last) = ids.last().copied() else { break };
        after = last;
        let mut tx = ctx.store().write().await?;
        for cid in &ids {
            let center = pocnet_store::centers::get(pool, pocnet_domain::id::CenterId::new(*cid)).await?;
            let Some(profile) = center.profile_id.as_deref().and_then(|p| ctx.profile(p)) else {
                // A certificate under a profile no longer loaded: signed under a placeholder issuer would mislead; skip.
                tracing::warn!(center = cid, "no loaded profile for the center's certificate: not signed");
                continue;
            };
            let on = center.recognized_on.unwrap_or_else(|| ctx.today());
            sign_certificate(&mut tx, ctx, &actor, &center, profile, on, None).await?;
            signed += 1;
        }
        tx.commit().await?;
    }
    signed += crate::evidence::registration::backfill(ctx).await?;
    if signed > 0 {
        seal(ctx).await;
    }
    Ok(signed)
}

/// The face of one center's annual evaluation result (年度绩效评价结果).
#[allow(clippy::too_many_arguments)]
pub fn evaluation_face(year: i64, round: i64, seq: usize, center: &str, total: Option<&str>, grade: &str, issuer: &str, on: chrono::NaiveDate) -> Certificate {
    let mut fields = vec![("中心名称".to_owned(), center.to_owned()), ("评价年度".to_owned(), format!("{year}年度"))];
    if let Some(t) = total {
        fields.push(("评价总分".to_owned(), t.to_owned()));
    }
    fields.push(("评价等次".to_owned(), grade.to_owned()));
    Certificate {
        kind_label: "年度绩效评价结果".to_owned(),
        title: format!("{year}年度绩效评价结果通知书"),
        number: format!("评〔{year}〕{round}-{seq:03}号"),
        recipient: vec![format!("{center}：")],
        fields,
        paragraphs: vec![match total {
            Some(t) => format!("经年度运行报告审核与专家评价，你中心{year}年度绩效评价总分{t}分，等次为“{grade}”。"),
            None => format!("你中心{year}年度绩效评价结果为“{grade}”。"),
        }],
        issuer: issuer.to_owned(),
        issued_on: chinese_date(on),
        verification: unplaced(),
    }
}

/// A verification report's face with sample text (for `pocnet bench log`).
pub fn certificate_face_for_bench() -> Certificate {
    Certificate {
        kind_label: "概念验证报告".to_owned(),
        title: "概念验证报告".to_owned(),
        number: "概验报〔2026〕1-001号".to_owned(),
        recipient: vec!["温州大学：".to_owned()],
        fields: vec![
            ("项目名称".to_owned(), "高镍三元前驱体连续共沉淀工艺".to_owned()),
            ("成果持有单位".to_owned(), "温州大学".to_owned()),
            ("验证机构".to_owned(), "温州市新能源材料概念验证中心".to_owned()),
            ("验证后技术就绪度".to_owned(), "TRL 6".to_owned()),
            ("建议".to_owned(), "建议进入中试".to_owned()),
        ],
        paragraphs: vec!["结论：连续共沉淀工艺在百公斤级装置上稳定运行，振实密度与粒径分布达到设计指标。".to_owned(), "工艺验证“连续共沉淀”：三批次一致性良好。".to_owned()],
        issuer: "温州市新能源材料概念验证中心".to_owned(),
        issued_on: "2026年12月3日".to_owned(),
        verification: unplaced(),
    }
}
