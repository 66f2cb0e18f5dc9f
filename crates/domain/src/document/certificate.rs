//! What the printed face of a signed document shows (签章文件): a verification
//! report (验证报告), a recognition certificate (认定证书), an annual evaluation
//! result (年度评价结果) or a data registration certificate (数据登记证书). All
//! four are the same shape — a title and number, whom it concerns, a table of
//! facts, a few paragraphs, the issuer and date — plus the footer that says
//! where the signed document sits in the transparency log. Pure data: the PDF
//! is `pocnet_print::certificate::render`.

use serde::{Deserialize, Serialize};

/// One signed document as printed on A4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Certificate {
    /// The kind, printed in the running head (e.g. 概念验证报告, 认定证书, 年度评价结果, 数据登记证书).
    pub kind_label: String,
    /// The title, centred at the top (e.g. 温州市概念验证中心认定证书).
    pub title: String,
    /// The document number (文号, e.g. 概验报〔2026〕3-001号).
    pub number: String,
    /// Whom or what it concerns, one line each (e.g. 申请单位：温州大学).
    pub recipient: Vec<String>,
    /// Facts as (label, value), printed as a two-column table; values may be long.
    pub fields: Vec<(String, String)>,
    /// Body paragraphs in order.
    pub paragraphs: Vec<String>,
    /// The issuing authority (e.g. 温州市科学技术局).
    pub issuer: String,
    /// The date of issue as printed, `YYYY年M月D日` (e.g. 2026年12月3日).
    pub issued_on: String,
    /// Where the signed document is logged.
    pub verification: VerificationFooter,
}

/// The evidence footer printed beside the QR code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VerificationFooter {
    /// The transparency log's origin (e.g. pocnet.example.cn/evidence).
    pub origin: String,
    /// The document's leaf index in the log.
    pub index: u64,
    /// SHA-256 of the document's canonical JSON, 64 lower-case hex digits.
    pub document_sha256: String,
    /// The size of the checkpoint the bundle's inclusion proof is for.
    pub checkpoint_size: u64,
    /// How to check it (e.g. 扫码或使用 pocnet verify 离线核验).
    pub how_to_verify: String,
}

impl Certificate {
    /// The date of issue as (year, month, day), if `issued_on` is `YYYY年M月D日`.
    pub fn issued_date(&self) -> Option<(u16, u8, u8)> {
        let (year, rest) = self.issued_on.split_once('年')?;
        let (month, rest) = rest.split_once('月')?;
        let day = rest.strip_suffix('日')?;
        let number = |s: &str, max: u16| -> Option<u16> {
            if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            let n: u16 = s.parse().ok()?;
            (1..=max).contains(&n).then_some(n)
        };
        let (y, m, d) = (number(year, 9999)?, number(month, 12)?, number(day, 31)?);
        Some((y, u8::try_from(m).ok()?, u8::try_from(d).ok()?))
    }

    /// Every character the certificate shows but the footer's fixed wording
    /// (what a printed font must cover).
    pub fn text(&self) -> String {
        let mut out = format!("{}{}{}{}{}", self.kind_label, self.title, self.number, self.issuer, self.issued_on);
        self.recipient.iter().for_each(|r| out.push_str(r));
        for (label, value) in &self.fields {
            out.push_str(label);
            out.push_str(value);
        }
        self.paragraphs.iter().for_each(|p| out.push_str(p));
        let v = &self.verification;
        out.push_str(&format!("{}{}{}{}{}", v.origin, v.index, v.document_sha256, v.checkpoint_size, v.how_to_verify));
        out
    }
}

impl VerificationFooter {
    /// The SHA-256 in groups of `size` characters separated by spaces, for reading aloud.
    pub fn sha256_groups(&self, size: usize) -> String {
        let chars: Vec<char> = self.document_sha256.chars().collect();
        chars.chunks(size.max(1)).map(|g| g.iter().collect::<String>()).collect::<Vec<_>>().join(" ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn certificate(issued_on: &str) -> Certificate {
        Certificate {
            kind_label: "认定证书".into(),
            title: "温州市概念验证中心认定证书".into(),
            number: "温科认〔2026〕12号".into(),
            recipient: vec!["温州大学：".into()],
            fields: vec![("中心名称".into(), "温州市新能源材料概念验证中心".into())],
            paragraphs: vec!["特发此证。".into()],
            issuer: "温州市科学技术局".into(),
            issued_on: issued_on.into(),
            verification: VerificationFooter {
                origin: "pocnet.example.cn/evidence".into(),
                index: 13,
                document_sha256: "0123456789abcdef".repeat(4),
                checkpoint_size: 20,
                how_to_verify: "扫码或使用 pocnet verify 离线核验".into(),
            },
        }
    }

    #[test]
    fn the_date_of_issue_is_read_from_its_chinese_form() {
        let cases = [
            ("2026年12月3日", Some((2026, 12, 3))),
            ("2026年1月31日", Some((2026, 1, 31))),
            ("2026年01月09日", Some((2026, 1, 9))),
            ("2026年13月3日", None),
            ("2026年12月0日", None),
            ("2026-12-03", None),
            ("2026年12月3", None),
            ("年月日", None),
            ("2026年+1月3日", None),
        ];
        for (text, want) in cases {
            assert_eq!(certificate(text).issued_date(), want, "{text}");
        }
    }

    #[test]
    fn the_hash_is_grouped_and_the_text_covers_what_is_printed() {
        let c = certificate("2026年12月3日");
        assert_eq!(c.verification.sha256_groups(4).split(' ').count(), 16);
        assert!(c.verification.sha256_groups(4).starts_with("0123 4567 89ab cdef 0123"));
        for part in ["认定证书", "〔2026〕", "温州大学：", "中心名称", "特发此证。", "2026年12月3日", "pocnet verify"] {
            assert!(c.text().contains(part), "{part}");
        }
    }

    #[test]
    fn a_certificate_is_json_with_fields_as_pairs_and_no_unknown_keys() {
        let c = certificate("2026年12月3日");
        let json = serde_json::to_value(&c).unwrap_or_default();
        assert_eq!(json["fields"][0][0], "中心名称");
        assert_eq!(serde_json::from_value::<Certificate>(json.clone()).ok(), Some(c));
        let mut extra = json;
        extra["seal"] = "x".into();
        assert!(serde_json::from_value::<Certificate>(extra).is_err());
    }
}
