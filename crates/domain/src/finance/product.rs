//! The catalogue of loans and insurance for verification and pilot work (金融产品目录): 001 概念验证
//! 12 “鼓励银行业金融机构…开发概念验证贷款等特色产品…鼓励保险机构设计发布支持概念验证的保险产品”;
//! 001 中试 15 “支持金融机构发展中试险、研发贷等业务…对符合条件的小微企业在中试平台实施中试活动过程中的
//! 融资需求，给予平均不高于0.8%的政府性融资担保费优惠费率”; 004 五(一) 概念验证贷款、保险产品. Banks
//! publish loans, insurers insurance; an enterprise applies; the provider approves or declines.

use super::returns::BasisPoints;
use crate::money::{parse_yuan, Yuan};
use crate::org::OrgKind;
use crate::validation::{collect, multiline, text};
use crate::FieldError;

string_enum! {
    /// What a product is.
    pub enum ProductKind {
        /// 概念验证贷款.
        PocLoan => ("poc_loan", "概念验证贷款"),
        /// 研发贷（含中试融资）.
        RdLoan => ("rd_loan", "研发贷"),
        /// 科技保险（概念验证保险）.
        TechInsurance => ("tech_insurance", "科技保险"),
        /// 中试险.
        PilotInsurance => ("pilot_insurance", "中试险"),
    }
}

impl ProductKind {
    /// Whether it is a loan (else insurance).
    pub fn is_loan(self) -> bool {
        matches!(self, ProductKind::PocLoan | ProductKind::RdLoan)
    }

    /// Whether a unit of `kind` may publish it: banks lend, insurers insure.
    pub fn published_by(self, kind: OrgKind) -> bool {
        if self.is_loan() {
            kind == OrgKind::Bank
        } else {
            kind == OrgKind::Insurer
        }
    }
}

/// The most a government guarantee may charge small firms for pilot financing, in basis points
/// (001 中试 15: 平均不高于0.8%).
pub const SMALL_FIRM_GUARANTEE_FEE_CAP_BP: u32 = 80;

string_enum! {
    /// Where an enterprise's application stands.
    pub enum ProductApplicationState {
        /// 已申请.
        Applied => ("applied", "已申请"),
        /// 已批准 (with the amount).
        Approved => ("approved", "已批准"),
        /// 未获批准 (with the reason).
        Declined => ("declined", "未获批准"),
        /// 已撤回.
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

/// A product as its provider wrote it (text fields, as a form sends them).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawProduct<'a> {
    /// Kind code.
    pub kind: &'a str,
    /// Name.
    pub name: &'a str,
    /// Terms in words (rate, collateral, claims).
    pub terms: &'a str,
    /// Most it lends or covers, yuan.
    pub max_amount_yuan: &'a str,
    /// Term in months.
    pub term_months: &'a str,
    /// Annual rate or premium rate in percent as text (e.g. "3.45").
    pub rate_percent: &'a str,
    /// Government guarantee fee in percent as text, if guaranteed.
    pub guarantee_fee_percent: &'a str,
    /// Whether it serves small and micro firms (小微企业).
    pub for_small_firms: bool,
    /// Who may apply.
    pub eligibility: &'a str,
    /// Contact.
    pub contact: &'a str,
}

/// A checked product.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProductDraft {
    /// Kind.
    pub kind: ProductKind,
    /// Name, 2–60 characters.
    pub name: String,
    /// Terms, 2–1,000 characters.
    pub terms: String,
    /// Most it lends or covers.
    pub max_amount: Yuan,
    /// Term in months (1–120).
    pub term_months: u32,
    /// Rate in basis points (3.45 % = 345).
    pub rate_bp: u32,
    /// Government guarantee fee in basis points, if guaranteed.
    pub guarantee_fee_bp: Option<u32>,
    /// Serves small and micro firms.
    pub for_small_firms: bool,
    /// Who may apply, 2–500 characters.
    pub eligibility: String,
    /// Contact, 2–100 characters.
    pub contact: String,
}

/// A percentage with up to two decimals, as basis points, at most `max_bp`.
fn percent_bp(field: &str, label: &str, raw: &str, max_bp: u32) -> Result<u32, FieldError> {
    let bp = BasisPoints::read(raw.trim().trim_end_matches('%'))
        .ok_or_else(|| FieldError::new(field, "not_percent", format!("{label}须为百分数，最多两位小数，例如3.45")))?;
    if bp > max_bp {
        return Err(FieldError::new(field, "out_of_range", format!("{label}不能超过{}%", max_bp / 100)));
    }
    Ok(bp)
}

impl ProductDraft {
    /// Checks a product, every field at once.
    pub fn parse(raw: &RawProduct<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = collect(&mut errors, ProductKind::parse(raw.kind.trim()).map_err(|_| FieldError::unknown_value("kind", "产品类别")));
        let name = collect(&mut errors, text("name", "产品名称", raw.name, 2, 60));
        let terms = collect(&mut errors, multiline("terms", "产品要素", raw.terms, 2, 1000));
        let max_amount = collect(&mut errors, parse_yuan("max_amount_yuan", "最高额度", raw.max_amount_yuan).and_then(|y| if y > Yuan::ZERO { Ok(y) } else { Err(FieldError::new("max_amount_yuan", "not_positive", "最高额度须大于0")) }));
        let term_months = collect(
            &mut errors,
            raw.term_months.trim().parse::<u32>().ok().filter(|m| (1..=120).contains(m)).ok_or_else(|| FieldError::new("term_months", "out_of_range", "期限须为1至120个月")),
        );
        let rate_bp = collect(&mut errors, percent_bp("rate_percent", "利率或费率", raw.rate_percent, 3600));
        let guarantee_fee_bp = if raw.guarantee_fee_percent.trim().is_empty() {
            Some(None)
        } else {
            collect(&mut errors, percent_bp("guarantee_fee_percent", "担保费率", raw.guarantee_fee_percent, 1000).map(Some))
        };
        if let (Some(Some(fee)), true) = (guarantee_fee_bp, raw.for_small_firms) {
            if fee > SMALL_FIRM_GUARANTEE_FEE_CAP_BP {
                errors.push(FieldError::new("guarantee_fee_percent", "above_small_firm_cap", "面向小微企业的政府性融资担保费率平均不高于0.8%（001 中试 15）"));
            }
        }
        if let (Some(k), Some(Some(_))) = (kind, guarantee_fee_bp) {
            if !k.is_loan() {
                errors.push(FieldError::new("guarantee_fee_percent", "not_a_loan", "担保费率只适用于贷款产品"));
            }
        }
        let eligibility = collect(&mut errors, multiline("eligibility", "申请条件", raw.eligibility, 2, 500));
        let contact = collect(&mut errors, text("contact", "联系方式", raw.contact, 2, 100));
        match (kind, name, terms, max_amount, term_months, rate_bp, guarantee_fee_bp, eligibility, contact) {
            (Some(kind), Some(name), Some(terms), Some(max_amount), Some(term_months), Some(rate_bp), Some(guarantee_fee_bp), Some(eligibility), Some(contact)) if errors.is_empty() => {
                Ok(Self { kind, name, terms, max_amount, term_months, rate_bp, guarantee_fee_bp, for_small_firms: raw.for_small_firms, eligibility, contact })
            }
            _ => Err(errors),
        }
    }
}

/// A basis-point rate as people read it ("3.45%").
pub fn percent_label(bp: u32) -> String {
    BasisPoints::new(bp).percent()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw<'a>(kind: &'a str, fee: &'a str, small: bool) -> RawProduct<'a> {
        RawProduct {
            kind,
            name: "中试贷",
            terms: "信用方式，随借随还",
            max_amount_yuan: "5000000",
            term_months: "36",
            rate_percent: "3.45",
            guarantee_fee_percent: fee,
            for_small_firms: small,
            eligibility: "在省级中试平台开展中试的科技型中小企业",
            contact: "0577-88888888",
        }
    }

    /// 001 中试 15: a government guarantee for small firms' pilot financing charges at most 0.8 %.
    #[test]
    fn the_small_firm_guarantee_fee_is_capped_at_point_eight_percent() {
        type Case<'a> = (&'a str, &'a str, bool, Result<Option<u32>, &'a str>);
        let cases: [Case<'_>; 7] = [
            ("rd_loan", "", true, Ok(None)),
            ("rd_loan", "0.8", true, Ok(Some(80))),
            ("rd_loan", "0.5", true, Ok(Some(50))),
            ("rd_loan", "0.81", true, Err("above_small_firm_cap")),
            ("rd_loan", "1.2", false, Ok(Some(120))),
            ("pilot_insurance", "0.5", false, Err("not_a_loan")),
            ("rd_loan", "0.805", true, Err("not_percent")),
        ];
        for (kind, fee, small, want) in cases {
            let got = ProductDraft::parse(&raw(kind, fee, small)).map(|d| d.guarantee_fee_bp).map_err(|e| e.first().map(|f| f.code).unwrap_or_default());
            assert_eq!(got, want, "{kind} {fee} small={small}");
        }
        assert_eq!(ProductDraft::parse(&raw("rd_loan", "", true)).map(|d| d.rate_bp), Ok(345));
        assert_eq!((percent_label(345), percent_label(80), percent_label(300), percent_label(50)), ("3.45%".into(), "0.8%".into(), "3%".into(), "0.5%".into()));
    }

    #[test]
    fn banks_lend_insurers_insure_and_every_error_is_named() {
        assert!(ProductKind::PocLoan.published_by(OrgKind::Bank) && !ProductKind::PocLoan.published_by(OrgKind::Insurer));
        assert!(ProductKind::PilotInsurance.published_by(OrgKind::Insurer) && !ProductKind::TechInsurance.published_by(OrgKind::Bank));
        let bad = RawProduct { kind: "gift", name: "x", terms: "", max_amount_yuan: "0", term_months: "0", rate_percent: "abc", ..RawProduct::default() };
        let fields: Vec<String> = ProductDraft::parse(&bad).err().unwrap_or_default().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["kind", "name", "terms", "max_amount_yuan", "term_months", "rate_percent", "eligibility", "contact"]);
    }
}
