//! Mutual recognition across installations (验证报告互认, 000 二(三), 002 三(三)):
//! a center's operator presents another installation's signed verification
//! report (its PDF or bundle); pocnet checks it against the bureau's trust list
//! — signatures, inclusion proof, checkpoint — and only then records it in the
//! center's library as a recognized result, so the verification is not repeated.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::CenterId;
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_evidence::bundle::SignedDocument;
use pocnet_store::evidence::recognized::{self, NewRecognized, RecognizedReport};
use serde_json::Value;

/// Accepts another installation's signed verification report for `center` (its operators).
pub async fn accept(ctx: &Context, caller: &Caller, center: CenterId, file: &[u8], note: &str) -> Result<i64> {
    super::operated(ctx, caller, center).await?;
    let note = note.trim();
    if note.chars().count() > 500 {
        return Err(FieldError::new("note", "too_long", "采信说明不超过500字").into());
    }
    let keys = crate::evidence::documents::trusted_keys(ctx).await?;
    let checked = {
        let file = file.to_vec();
        tokio::task::spawn_blocking(move || crate::evidence::documents::verify_file(&file, &keys)).await.map_err(|e| Error::Internal(e.to_string()))?
    };
    let v = checked.map_err(|r| Error::from(FieldError::new("file", r.code, format!("报告核验未通过：{}", r.message))))?;
    if ctx.notary().is_ok_and(|n| n.origin() == v.origin) {
        return Err(FieldError::new("file", "own_report", "这是本平台签发的报告，请在项目库的报告页直接采信").into());
    }
    let bundle_json = if file.starts_with(b"%PDF") {
        pocnet_print::certificate::attached_bundle(file).map_err(|e| Error::Internal(e.to_string()))?
    } else {
        file.to_vec()
    };
    let b: SignedDocument = serde_json::from_slice(&bundle_json).map_err(|e| Error::Internal(e.to_string()))?;
    if b.document.get("type").and_then(Value::as_str) != Some("pocnet.verification_report/v1") {
        return Err(FieldError::new("file", "not_a_report", "只能采信概念验证报告（此文件是其他类型的签章文件）").into());
    }
    let subject = b.document.get("subject").cloned().unwrap_or(Value::Null);
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or_default().to_owned();
    let face = b.document.get("face").cloned().unwrap_or(Value::Null);
    let bundle = String::from_utf8(bundle_json).map_err(|e| Error::Internal(e.to_string()))?;
    let r = NewRecognized {
        origin: &v.origin,
        log_index: i64::try_from(v.index).unwrap_or(i64::MAX),
        document_sha256: &v.document_sha256,
        report_no: &text(&subject, "report_no"),
        title: &text(&subject, "title"),
        issuer: &text(&face, "issuer"),
        trl_after: subject.get("trl_after").and_then(Value::as_i64),
        recommendation: &text(&subject, "recommendation"),
        bundle: &bundle,
        note,
    };
    recognized::accept(ctx.store(), &caller.actor(), ctx.now(), center, &r).await.map_err(|e| match e {
        pocnet_store::StoreError::Duplicate { .. } => Error::Conflict { code: "already_recognized", message: "本中心已采信这份报告".into(), field: Some("file".to_owned()) },
        e => e.into(),
    })
}

/// A center's recognized reports (its operators and the bureau).
pub async fn list(ctx: &Context, caller: &Caller, center: CenterId) -> Result<Vec<RecognizedReport>> {
    let bureau = caller.user().is_none_or(|u| u.role == Role::Bureau);
    if !bureau {
        super::operated(ctx, caller, center).await?;
    }
    Ok(recognized::of_center(ctx.store().pool(), center).await?)
}
