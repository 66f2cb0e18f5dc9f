//! A supporting policy (配套政策): one entry of the fourth of Shanghai's four
//! lists (004 四(一) 服务领域、服务内容、场景应用、配套政策) — a policy a center
//! or an enterprise using its services can draw on (vouchers, subsidies,
//! fund priority), with its issuer, date, article and what it offers.

use crate::validation::{multiline, text, DayRange};
use crate::FieldError;
use chrono::NaiveDate;

string_enum! {
    /// Whether a policy entry is listed.
    pub enum PolicyItemState {
        /// 有效: listed.
        Active => ("active", "有效"),
        /// 已失效: kept on record, no longer listed to the public.
        Expired => ("expired", "已失效"),
    }
}

/// A policy entry as typed.
#[derive(Debug, Clone, Default)]
pub struct RawPolicyItem<'a> {
    /// 政策名称.
    pub title: &'a str,
    /// 发文单位.
    pub issuer: &'a str,
    /// 发文日期 (YYYY-MM-DD).
    pub issued_on: &'a str,
    /// 条款 (e.g. “四(二)”).
    pub article: &'a str,
    /// 支持内容.
    pub summary: &'a str,
    /// Field code ('' = every field).
    pub field: &'a str,
}

/// A validated policy entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyItemDraft {
    /// 政策名称 (4–100 characters).
    pub title: String,
    /// 发文单位 (2–60 characters).
    pub issuer: String,
    /// 发文日期 (2000 – today).
    pub issued_on: NaiveDate,
    /// 条款 (0–40 characters).
    pub article: String,
    /// 支持内容 (10–2000 characters).
    pub summary: String,
    /// Field code, '' for every field.
    pub field: String,
}

impl PolicyItemDraft {
    /// Validates every field, naming each that fails.
    pub fn parse(raw: &RawPolicyItem<'_>, today: NaiveDate, is_field: impl Fn(&str) -> bool) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = text("title", "政策名称", raw.title, 4, 100).map_err(|e| errors.push(e)).ok();
        let issuer = text("issuer", "发文单位", raw.issuer, 2, 60).map_err(|e| errors.push(e)).ok();
        let range = DayRange { latest: today, ..DayRange::records(today) };
        let issued_on = crate::validation::day("issued_on", "发文日期", raw.issued_on, range).map_err(|e| errors.push(e)).ok();
        let article = text("article", "条款", raw.article, 0, 40).map_err(|e| errors.push(e)).ok();
        let summary = multiline("summary", "支持内容", raw.summary, 10, 2000).map_err(|e| errors.push(e)).ok();
        let field = raw.field.trim();
        if !field.is_empty() && !is_field(field) {
            errors.push(FieldError::unknown_value("field", "产业领域"));
        }
        match (title, issuer, issued_on, article, summary) {
            (Some(title), Some(issuer), Some(issued_on), Some(article), Some(summary)) if errors.is_empty() => {
                Ok(Self { title, issuer, issued_on, article, summary, field: field.to_owned() })
            }
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn good() -> RawPolicyItem<'static> {
        RawPolicyItem {
            title: "关于加快概念验证平台建设的若干措施",
            issuer: "上海市科学技术委员会",
            issued_on: "2024-05-20",
            article: "四(一)",
            summary: "概念验证服务纳入科技创新券目录，科技型中小企业采购概念验证服务可使用创新券。",
            field: "",
        }
    }

    #[test]
    fn a_good_entry_parses_and_each_bad_field_is_named() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
        let p = PolicyItemDraft::parse(&good(), today, |f| f == "biomedicine").unwrap();
        assert_eq!((p.article.as_str(), p.field.as_str()), ("四(一)", ""));
        let cases = [
            (RawPolicyItem { title: "措施", ..good() }, "title", "too_short"),
            (RawPolicyItem { issuer: "", ..good() }, "issuer", "required"),
            (RawPolicyItem { issued_on: "2027-01-01", ..good() }, "issued_on", "out_of_range"),
            (RawPolicyItem { issued_on: "2024/5/20", ..good() }, "issued_on", "invalid_date"),
            (RawPolicyItem { summary: "创新券", ..good() }, "summary", "too_short"),
            (RawPolicyItem { field: "space", ..good() }, "field", "unknown_value"),
        ];
        for (raw, field, code) in cases {
            let errors = PolicyItemDraft::parse(&raw, today, |f| f == "biomedicine").unwrap_err();
            assert!(errors.iter().any(|e| e.field == field && e.code == code), "{field}/{code}: {errors:?}");
        }
    }
}
