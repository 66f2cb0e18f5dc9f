//! The QR code printed on an issued document: a short text naming the log entry, and its modules.
//!
//! A PDF cannot contain its own hash, so the code carries the log's origin, the entry's index and
//! the SHA-256 of the document's canonical JSON: `pocnet:<origin>:<index>:<64 hex digits>`. A
//! verifier fetches the bundle for that entry and checks it (see [`crate::bundle`]).

use crate::hash::Hash;

/// Why a QR code could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrError {
    /// The text does not fit in a QR code at error-correction level M.
    #[error("二维码内容过长 / text does not fit in a QR code: {0}")]
    Encode(String),
}

/// `pocnet:<origin>:<index>:<hex sha256>`.
pub fn qr_payload(origin: &str, index: u64, document_sha256: &Hash) -> String {
    format!("pocnet:{origin}:{index}:{}", document_sha256.to_hex())
}

/// Splits a [`qr_payload`] text back into origin, index and hash (the origin may itself contain
/// `:`; the index and hash are the last two fields).
pub fn parse_qr_payload(text: &str) -> Option<(String, u64, Hash)> {
    let rest = text.strip_prefix("pocnet:")?;
    let mut fields = rest.rsplitn(3, ':');
    let hash = fields.next()?;
    let index = fields.next()?;
    let origin = fields.next().filter(|o| !o.is_empty())?;
    if hash.len() != 64 || hash.bytes().any(|b| b.is_ascii_uppercase()) {
        return None;
    }
    if index.is_empty()
        || !index.bytes().all(|b| b.is_ascii_digit())
        || (index.len() > 1 && index.starts_with('0'))
    {
        return None;
    }
    Some((
        origin.to_owned(),
        index.parse().ok()?,
        Hash::from_hex(hash).ok()?,
    ))
}

/// The QR code's modules, row by row (`true` = dark), at error-correction level M, without the
/// quiet zone (leave 4 modules of margin when drawing).
pub fn qr_modules(text: &str) -> Result<Vec<Vec<bool>>, QrError> {
    let code = qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M)
        .map_err(|e| QrError::Encode(e.to_string()))?;
    let width = code.width();
    let colors = code.to_colors();
    Ok(colors
        .chunks(width)
        .map(|row| row.iter().map(|c| *c == qrcode::Color::Dark).collect())
        .collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::hash::sha256;

    #[test]
    fn payload_round_trip() {
        let h = sha256(b"doc");
        let p = qr_payload("pocnet.example.cn/evidence", 13, &h);
        assert_eq!(
            p,
            format!("pocnet:pocnet.example.cn/evidence:13:{}", h.to_hex())
        );
        assert_eq!(
            parse_qr_payload(&p),
            Some(("pocnet.example.cn/evidence".into(), 13, h))
        );
        let odd = qr_payload("host:8443/log", 0, &h);
        assert_eq!(parse_qr_payload(&odd), Some(("host:8443/log".into(), 0, h)));
        for bad in [
            "pocnet::1:00",
            "other:o:1:00",
            "pocnet:o:01:x",
            "pocnet:o:1:abcd",
        ] {
            assert_eq!(parse_qr_payload(bad), None, "{bad}");
        }
        assert_eq!(
            parse_qr_payload(&p.to_uppercase().replace("POCNET", "pocnet")),
            None
        );
    }

    #[test]
    fn modules_form_a_square_with_finder_patterns() {
        let text = qr_payload("pocnet.example.cn/evidence", 123_456, &sha256(b"doc"));
        let m = qr_modules(&text).unwrap();
        let n = m.len();
        assert!(n >= 21 && (n - 17).is_multiple_of(4), "width {n}");
        assert!(m.iter().all(|row| row.len() == n));
        // Finder patterns: dark 7×7 borders in three corners, light separators beside them.
        for (r0, c0) in [(0, 0), (0, n - 7), (n - 7, 0)] {
            for k in 0..7 {
                assert!(m[r0][c0 + k] && m[r0 + 6][c0 + k] && m[r0 + k][c0] && m[r0 + k][c0 + 6]);
            }
            assert!(m[r0 + 3][c0 + 3]);
            assert!(!m[r0 + 1][c0 + 1]);
        }
        assert!(qr_modules(&"x".repeat(5000)).is_err());
    }
}
