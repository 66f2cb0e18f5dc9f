//! The printed face of a signed document (签章文件的 PDF): a [`Certificate`]
//! typeset on A4 (the private `sheet` module places it), its QR code drawn as vector squares in
//! the last page's bottom-left corner beside the evidence footer, and the
//! signed bundle (`pocnet_evidence::SignedDocument` as JSON) attached to the
//! PDF as the embedded file [`BUNDLE_NAME`], which [`attached_bundle`] reads
//! back. The printed page is for people; the attached bundle is what
//! `pocnet verify` checks.
//!
//! The attachment is a standard PDF embedded file (ISO 32000-1 §7.11.4, in the
//! catalog's `/Names /EmbeddedFiles` tree, relationship `/Source`), so every
//! PDF reader lists it as an attachment. Its stream is stored uncompressed: the
//! JSON is a few kilobytes, and stored as is it stays visible to `strings` or
//! `grep` on the PDF; a reader decodes it the same either way.

mod attachment;
mod sheet;

pub use attachment::AttachmentError;

use crate::font;
use crate::pdf::{draw_pages, PrintError, Printed};
use krilla::embed::{AssociationKind, EmbeddedFile, MimeType};
use krilla::metadata::{DateTime, Metadata};
use krilla::text::Font;
use pocnet_domain::document::Certificate;

/// The name of the attached evidence bundle.
pub const BUNDLE_NAME: &str = "pocnet-bundle.json";

/// Typesets `c` as an A4 PDF with `qr_text` (normally `pocnet_evidence::qr::qr_payload`) as its
/// QR code and `bundle_json` (the serialized `SignedDocument`) attached as [`BUNDLE_NAME`].
///
/// Deterministic: the same three inputs give byte-identical PDFs. Nothing
/// depends on the clock or on chance — the creation date and the attachment's
/// date are `issued_on` (omitted when it is not `YYYY年M月D日`), the PDF's
/// document ID is derived from `document_sha256`, and krilla numbers objects
/// and hashes its instance ID from the content. A verifier holding the bundle
/// can therefore rebuild the certificate, re-render it and compare bytes — with
/// the same version of this crate (its font subset, krilla and the layout
/// rules); another version may print the same certificate with other bytes.
pub fn render(c: &Certificate, qr_text: &str, bundle_json: &[u8]) -> Result<Printed, PrintError> {
    let modules = pocnet_evidence::qr::qr_modules(qr_text).map_err(|e| PrintError::Qr(e.to_string()))?;
    let sheet = sheet::lay_out(c, &modules);
    let font = Font::new(font::DATA.into(), 0).ok_or(PrintError::Font)?;
    let mut pdf = krilla::Document::new();
    let shown = draw_pages(&mut pdf, &sheet.pages, &font)?;
    let date = c.issued_date().map(|(y, m, d)| DateTime::new(y).month(m).day(d).utc_offset_hour(8));
    let mut metadata = Metadata::new()
        .title(c.title.clone())
        .description(format!("{}　{}", c.kind_label, c.number))
        .authors(vec![c.issuer.clone()])
        .language("zh-CN".into())
        .creator("pocnet".into())
        .document_id(c.verification.document_sha256.clone());
    if let Some(date) = date {
        metadata = metadata.creation_date(date);
    }
    pdf.set_metadata(metadata);
    pdf.embed_file(EmbeddedFile {
        path: BUNDLE_NAME.into(),
        mime_type: MimeType::new("application/json"),
        description: Some("签章文件证据包：文档、签名、透明日志包含证明与检查点（pocnet verify 可离线核验）".into()),
        association_kind: AssociationKind::Source,
        data: bundle_json.to_vec().into(),
        modification_date: date,
        compress: Some(false),
        location: None,
    })
    .ok_or_else(|| PrintError::Pdf("attachment embedded twice".into()))?;
    let bytes = pdf.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))?;
    Ok(Printed { bytes, pages: sheet.pages.len(), missing: font::missing(&shown) })
}

/// The evidence bundle attached to a PDF printed by [`render`]: exactly the bytes given to it.
pub fn attached_bundle(pdf: &[u8]) -> Result<Vec<u8>, AttachmentError> {
    attachment::attached(pdf, BUNDLE_NAME)
}

#[cfg(test)]
mod tests;
