//! Reading a certificate's evidence bundle back out of its PDF: the catalog's
//! `/Names /EmbeddedFiles` name tree (ISO 32000-1 §7.7.4, §7.11.4) is walked
//! for the file specification named [`super::BUNDLE_NAME`], and its embedded
//! file stream is decoded. Parsing is hayro-syntax's (bounded, no panics on
//! crafted input); this module only follows the dictionaries.

use hayro_syntax::object::{Array, Dict, Object, Stream};
use hayro_syntax::Pdf;

/// How deep a name tree may nest before we give up (a crafted file may loop).
const MAX_DEPTH: u8 = 32;

/// Why the bundle could not be read from a PDF.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AttachmentError {
    /// The bytes are not a PDF we can read (or it is encrypted).
    #[error("不是可读的 PDF 文件 / not a readable PDF")]
    NotPdf,
    /// The PDF has no attached file of that name.
    #[error("PDF 中没有附件 {0} / the PDF has no attached file {0}")]
    Missing(&'static str),
    /// The attached file's stream does not decode.
    #[error("附件 {0} 无法解码 / the attached file {0} does not decode")]
    Decode(&'static str),
    /// The attached file's length differs from the size its parameters declare.
    #[error("附件长度 {actual} 与声明的 {declared} 不符 / the attached file is {actual} bytes, its parameters say {declared}")]
    Size {
        /// The size in `/Params /Size`.
        declared: i64,
        /// The decoded length.
        actual: usize,
    },
}

/// The bytes of the file attached to `pdf` under `name`.
pub(super) fn attached(pdf: &[u8], name: &'static str) -> Result<Vec<u8>, AttachmentError> {
    let pdf = Pdf::new(pdf.to_vec()).map_err(|_| AttachmentError::NotPdf)?;
    let xref = pdf.xref();
    let catalog: Dict<'_> = xref.get(xref.root_id()).ok_or(AttachmentError::NotPdf)?;
    let tree = catalog.get::<Dict<'_>>(b"Names").and_then(|names| names.get::<Dict<'_>>(b"EmbeddedFiles")).ok_or(AttachmentError::Missing(name))?;
    let spec = find(&tree, name.as_bytes(), 0).ok_or(AttachmentError::Missing(name))?;
    let ef = spec.get::<Dict<'_>>(b"EF").ok_or(AttachmentError::Missing(name))?;
    let stream = ef.get::<Stream<'_>>(b"UF").or_else(|| ef.get::<Stream<'_>>(b"F")).ok_or(AttachmentError::Missing(name))?;
    let data = stream.decoded().map_err(|_| AttachmentError::Decode(name))?.into_owned();
    if let Some(declared) = stream.dict().get::<Dict<'_>>(b"Params").and_then(|p| p.get::<i64>(b"Size")) {
        if usize::try_from(declared).ok() != Some(data.len()) {
            return Err(AttachmentError::Size { declared, actual: data.len() });
        }
    }
    Ok(data)
}

/// The value for `key` in the name tree under `node`: a leaf's `/Names [key value …]`, or a kid's.
fn find<'a>(node: &Dict<'a>, key: &[u8], depth: u8) -> Option<Dict<'a>> {
    if depth > MAX_DEPTH {
        return None;
    }
    if let Some(names) = node.get::<Array<'a>>(b"Names") {
        // Pairs read as whole objects, so that a value of the wrong type cannot shift them.
        let mut items = names.flex_iter();
        while let (Some(k), Some(value)) = (items.next::<Object<'a>>(), items.next::<Object<'a>>()) {
            if k.into_string().is_some_and(|k| k.as_bytes() == key) {
                return value.into_dict();
            }
        }
    }
    let kids = node.get::<Array<'a>>(b"Kids")?;
    kids.iter::<Dict<'a>>().find_map(|kid| find(&kid, key, depth + 1))
}
