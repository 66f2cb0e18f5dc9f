//! The centers' returns (中心收益, “反哺”): Wenzhou 000 二(四) — 通过成果转化收益、优先认股权、
//! 未来可转股权、企业孵化投资等多种反哺方式，形成可持续发展的模式; Shanghai 004 四(二) — 拓展
//! “服务换股权”、孵化跟投、与概念验证成果利益绑定等收益途径. Per project, the agreement
//! between the center, the owner unit and the enterprise: the instrument, its share or
//! amount, the trigger and the term; what it yields is recorded when it happens.

use crate::money::{parse_yuan, Yuan};
use crate::validation::{multiline, strict_day, text};
use crate::FieldError;
use chrono::NaiveDate;

string_enum! {
    /// How a center is paid back for a project (收益方式).
    pub enum ReturnInstrument {
        /// 服务费: a fee for the verification service.
        ServiceFee => ("service_fee", "服务费"),
        /// 成果转化收益分成: a share of what the result's transfer or licence yields.
        TransferShare => ("transfer_share", "成果转化收益分成"),
        /// 优先认股权: the right to buy into the enterprise first, on terms agreed.
        PreemptiveRight => ("preemptive_right", "优先认股权"),
        /// 未来可转股权: a claim convertible into equity later (e.g. at the next round).
        FutureEquity => ("future_equity", "未来可转股权"),
        /// 服务换股权: equity in exchange for the service.
        ServiceForEquity => ("service_for_equity", "服务换股权"),
        /// 孵化跟投: the center (or its fund) invests alongside.
        CoInvestment => ("co_investment", "孵化跟投"),
    }
}

impl ReturnInstrument {
    /// Whether the instrument is a stake (share of equity) rather than money.
    pub fn is_equity(self) -> bool {
        matches!(self, Self::PreemptiveRight | Self::FutureEquity | Self::ServiceForEquity | Self::CoInvestment)
    }

    /// What the agreement must state besides the counterparty and term: (a share, an amount, a trigger).
    pub fn needs(self) -> (bool, bool, bool) {
        match self {
            Self::ServiceFee => (false, true, false),
            Self::TransferShare => (true, false, true),
            Self::PreemptiveRight | Self::FutureEquity => (true, false, true),
            Self::ServiceForEquity => (true, true, false),
            Self::CoInvestment => (false, true, false),
        }
    }
}

string_enum! {
    /// The form of a realised return.
    pub enum ReturnForm {
        /// 现金.
        Cash => ("cash", "现金"),
        /// 股权（按入股或评估价值计）.
        Equity => ("equity", "股权"),
    }
}

/// A share in basis points (1/100 of a percent): 2.5 % is 250.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct BasisPoints(u32);

impl BasisPoints {
    /// This many basis points.
    pub const fn new(bp: u32) -> Self {
        Self(bp)
    }

    /// The basis points.
    pub const fn get(self) -> u32 {
        self.0
    }

    /// As people read it: "2.5%", "10%", "0.25%".
    pub fn percent(self) -> String {
        let (whole, frac) = (self.0 / 100, self.0 % 100);
        match frac {
            0 => format!("{whole}%"),
            f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
            f => format!("{whole}.{f:02}%"),
        }
    }

    /// Reads a percent written as digits with at most two decimals ("2.5", "10", "0.85") as basis
    /// points; `None` for anything else (a sign, a third decimal, no digits, too large).
    pub fn read(percent: &str) -> Option<u32> {
        let (whole, frac) = percent.split_once('.').unwrap_or((percent, ""));
        if whole.is_empty() || !whole.chars().all(|c| c.is_ascii_digit()) || frac.len() > 2 || !frac.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let whole: u32 = whole.parse().ok()?;
        let frac: u32 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
        whole.checked_mul(100)?.checked_add(frac)
    }

    /// Parses a percent typed by a user ("2.5", "2.5%", "10"): above 0, at most 100, at most two decimals.
    pub fn parse(field: &str, label: &str, raw: &str) -> Result<Self, FieldError> {
        let t = raw.trim().trim_end_matches(['%', '％']).trim();
        let bad = || FieldError::new(field, "not_a_share", format!("{label}须为大于0、不超过100的百分数，最多两位小数，如 2.5"));
        if t.split('.').next().is_some_and(|whole| whole.len() > 3) {
            return Err(bad());
        }
        match Self::read(t) {
            Some(bp) if bp > 0 && bp <= 10_000 => Ok(Self(bp)),
            _ => Err(bad()),
        }
    }
}

/// An agreement as typed (form or JSON).
#[derive(Debug, Clone, Default)]
pub struct RawAgreement<'a> {
    /// Instrument code.
    pub instrument: &'a str,
    /// The enterprise (or other party) paying back.
    pub counterparty: &'a str,
    /// Share in percent, where the instrument has one.
    pub share_percent: &'a str,
    /// Amount in yuan, where the instrument has one.
    pub amount_yuan: &'a str,
    /// What triggers the return (e.g. 成果转让合同签订、下一轮融资).
    pub trigger: &'a str,
    /// First day (YYYY-MM-DD).
    pub starts_on: &'a str,
    /// Last day (YYYY-MM-DD), if the term ends.
    pub ends_on: &'a str,
    /// Anything else.
    pub note: &'a str,
}

/// A validated agreement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgreementDraft {
    /// How the center is paid back.
    pub instrument: ReturnInstrument,
    /// Who pays back (2–100 characters).
    pub counterparty: String,
    /// The share, where the instrument has one.
    pub share: Option<BasisPoints>,
    /// The amount: the fee, the service's value exchanged for equity, the sum invested.
    pub amount: Option<Yuan>,
    /// What triggers the return, where the instrument has one (2–200 characters).
    pub trigger: String,
    /// The term's first day.
    pub starts_on: NaiveDate,
    /// The term's last day, if it ends; not before the first.
    pub ends_on: Option<NaiveDate>,
    /// A note (≤ 500 characters).
    pub note: String,
}

impl AgreementDraft {
    /// Validates every field, naming each that fails; what the instrument needs is required,
    /// what it does not have is refused (a share on a fee, say).
    pub fn parse(raw: &RawAgreement<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let instrument = match raw.instrument.trim() {
            "" => {
                errors.push(FieldError::required("instrument", "收益方式"));
                None
            }
            i => ReturnInstrument::parse(i).map_err(|_| errors.push(FieldError::unknown_value("instrument", "收益方式"))).ok(),
        };
        let counterparty = text("counterparty", "协议企业", raw.counterparty, 2, 100).map_err(|e| errors.push(e)).ok();
        let note = multiline("note", "备注", raw.note, 0, 500).map_err(|e| errors.push(e)).ok();
        let day = |field: &str, label: &str, raw: &str, errors: &mut Vec<FieldError>| match raw.trim() {
            "" => None,
            r => strict_day(r).or_else(|| {
                errors.push(FieldError::new(field, "invalid_date", format!("{label}须为“年-月-日”格式的日期，例如2027-03-15")));
                None
            }),
        };
        let starts_on = day("starts_on", "起始日期", raw.starts_on, &mut errors);
        if raw.starts_on.trim().is_empty() {
            errors.push(FieldError::required("starts_on", "起始日期"));
        }
        let ends_on = day("ends_on", "终止日期", raw.ends_on, &mut errors);
        if let (Some(s), Some(e)) = (starts_on, ends_on) {
            if e < s {
                errors.push(FieldError::new("ends_on", "before_start", "终止日期不能早于起始日期"));
            }
        }
        let (mut share, mut amount, mut trigger) = (None, None, String::new());
        if let Some(i) = instrument {
            let (needs_share, needs_amount, needs_trigger) = i.needs();
            match (needs_share, raw.share_percent.trim()) {
                (true, "") => errors.push(FieldError::new("share_percent", "required", format!("{}须写明比例", i.label_zh()))),
                (true, s) => share = BasisPoints::parse("share_percent", "比例", s).map_err(|e| errors.push(e)).ok(),
                (false, "") => {}
                (false, _) => errors.push(FieldError::new("share_percent", "not_applicable", format!("{}不设比例", i.label_zh()))),
            }
            match (needs_amount, raw.amount_yuan.trim()) {
                (true, "") => errors.push(FieldError::new("amount_yuan", "required", format!("{}须写明金额", i.label_zh()))),
                (true, a) => match parse_yuan("amount_yuan", "金额", a) {
                    Ok(y) if y > Yuan::ZERO => amount = Some(y),
                    Ok(_) => errors.push(FieldError::new("amount_yuan", "not_positive", "金额须大于0")),
                    Err(e) => errors.push(e),
                },
                (false, "") => {}
                (false, _) => errors.push(FieldError::new("amount_yuan", "not_applicable", format!("{}不设金额", i.label_zh()))),
            }
            match (needs_trigger, raw.trigger.trim()) {
                (true, "") => errors.push(FieldError::new("trigger", "required", format!("{}须写明触发条件", i.label_zh()))),
                (_, t) if !t.is_empty() => trigger = text("trigger", "触发条件", t, 2, 200).map_err(|e| errors.push(e)).unwrap_or_default(),
                _ => {}
            }
        }
        match (instrument, counterparty, note, starts_on) {
            (Some(instrument), Some(counterparty), Some(note), Some(starts_on)) if errors.is_empty() => {
                Ok(Self { instrument, counterparty, share, amount, trigger, starts_on, ends_on, note })
            }
            _ => Err(errors),
        }
    }
}

/// A realised return as typed.
#[derive(Debug, Clone, Default)]
pub struct RawRealised<'a> {
    /// Day received (YYYY-MM-DD).
    pub received_on: &'a str,
    /// Amount in yuan (for equity: its value at entry).
    pub amount_yuan: &'a str,
    /// `cash` or `equity`.
    pub form: &'a str,
    /// What it was (e.g. 转让合同首期款分成、A轮按投后估值入股).
    pub note: &'a str,
}

/// A validated realised return.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RealisedDraft {
    /// Day received: within the agreement's term and not after today.
    pub received_on: NaiveDate,
    /// Amount (> 0).
    pub amount: Yuan,
    /// Cash or equity.
    pub form: ReturnForm,
    /// What it was (2–200 characters).
    pub note: String,
}

impl RealisedDraft {
    /// Validates a realised return of an agreement whose term is `starts_on`–`ends_on`, received by `today`.
    pub fn parse(raw: &RawRealised<'_>, starts_on: NaiveDate, ends_on: Option<NaiveDate>, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let received_on = match raw.received_on.trim() {
            "" => {
                errors.push(FieldError::required("received_on", "到账日期"));
                None
            }
            r => strict_day(r).or_else(|| {
                errors.push(FieldError::new("received_on", "invalid_date", "到账日期须为“年-月-日”格式的日期，例如2027-03-15"));
                None
            }),
        };
        if let Some(d) = received_on {
            if d > today {
                errors.push(FieldError::new("received_on", "in_future", "到账日期不能晚于今天"));
            } else if d < starts_on || ends_on.is_some_and(|e| d > e) {
                errors.push(FieldError::new("received_on", "outside_term", "到账日期须在协议期限之内"));
            }
        }
        let amount = match parse_yuan("amount_yuan", "金额", raw.amount_yuan) {
            Ok(y) if y > Yuan::ZERO => Some(y),
            Ok(_) => {
                errors.push(FieldError::new("amount_yuan", "not_positive", "金额须大于0"));
                None
            }
            Err(e) => {
                errors.push(e);
                None
            }
        };
        let form = match raw.form.trim() {
            "" => {
                errors.push(FieldError::required("form", "收益形式"));
                None
            }
            f => ReturnForm::parse(f).map_err(|_| errors.push(FieldError::unknown_value("form", "收益形式"))).ok(),
        };
        let note = text("note", "说明", raw.note, 2, 200).map_err(|e| errors.push(e)).ok();
        match (received_on, amount, form, note) {
            (Some(received_on), Some(amount), Some(form), Some(note)) if errors.is_empty() => Ok(Self { received_on, amount, form, note }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn shares_parse_as_people_write_them() {
        let cases: &[(&str, Result<u32, ()>)] = &[
            ("2.5", Ok(250)),
            ("2.5%", Ok(250)),
            ("10", Ok(1000)),
            ("0.25", Ok(25)),
            ("100", Ok(10_000)),
            ("0", Err(())),
            ("100.01", Err(())),
            ("2.555", Err(())),
            ("-1", Err(())),
            ("两成", Err(())),
            ("", Err(())),
        ];
        for (raw, want) in cases {
            assert_eq!(BasisPoints::parse("s", "比例", raw).map(BasisPoints::get).map_err(|_| ()), *want, "{raw}");
        }
        assert_eq!((BasisPoints::new(250).percent(), BasisPoints::new(1000).percent(), BasisPoints::new(25).percent()), ("2.5%".into(), "10%".into(), "0.25%".into()));
    }

    fn good(instrument: &'static str) -> RawAgreement<'static> {
        RawAgreement { instrument, counterparty: "瓯博智能机器人有限公司", starts_on: "2026-03-01", ends_on: "2031-02-28", ..RawAgreement::default() }
    }

    /// 000 二(四), 004 四(二): each instrument states what it is — a share, an amount, a trigger.
    #[test]
    fn each_instrument_states_what_it_needs_and_nothing_it_has_not() {
        let ok = [
            RawAgreement { amount_yuan: "60000", ..good("service_fee") },
            RawAgreement { share_percent: "5", trigger: "成果转让或许可合同签订", ..good("transfer_share") },
            RawAgreement { share_percent: "3", trigger: "企业下一轮股权融资", ..good("preemptive_right") },
            RawAgreement { share_percent: "2.5", trigger: "A轮融资完成时按投后估值转股", ..good("future_equity") },
            RawAgreement { share_percent: "1.5", amount_yuan: "300000", ..good("service_for_equity") },
            RawAgreement { amount_yuan: "2000000", ..good("co_investment") },
        ];
        for raw in ok {
            let d = AgreementDraft::parse(&raw).unwrap_or_else(|e| panic!("{raw:?}: {e:?}"));
            assert_eq!(d.instrument.is_equity(), !matches!(d.instrument, ReturnInstrument::ServiceFee | ReturnInstrument::TransferShare));
        }
        let bad = [
            (RawAgreement { ..good("service_fee") }, "amount_yuan", "required"),
            (RawAgreement { amount_yuan: "60000", share_percent: "5", ..good("service_fee") }, "share_percent", "not_applicable"),
            (RawAgreement { share_percent: "5", ..good("transfer_share") }, "trigger", "required"),
            (RawAgreement { trigger: "合同签订", ..good("transfer_share") }, "share_percent", "required"),
            (RawAgreement { share_percent: "120", trigger: "合同签订", ..good("transfer_share") }, "share_percent", "not_a_share"),
            (RawAgreement { amount_yuan: "0", ..good("co_investment") }, "amount_yuan", "not_positive"),
            (RawAgreement { amount_yuan: "1000", ends_on: "2025-01-01", ..good("service_fee") }, "ends_on", "before_start"),
            (RawAgreement { amount_yuan: "1000", starts_on: "", ..good("service_fee") }, "starts_on", "required"),
            (RawAgreement { amount_yuan: "1000", counterparty: "", ..good("service_fee") }, "counterparty", "required"),
            (RawAgreement { instrument: "dividend", ..good("service_fee") }, "instrument", "unknown_value"),
        ];
        for (raw, field, code) in bad {
            let errors = AgreementDraft::parse(&raw).unwrap_err();
            assert!(errors.iter().any(|e| e.field == field && e.code == code), "{field}/{code}: {errors:?}");
        }
    }

    #[test]
    fn a_realised_return_falls_within_the_term_and_not_in_the_future() {
        let (from, to, today) = (day("2026-03-01"), Some(day("2031-02-28")), day("2026-12-03"));
        let raw = RawRealised { received_on: "2026-11-20", amount_yuan: "45000", form: "cash", note: "转让合同首期款分成" };
        let r = RealisedDraft::parse(&raw, from, to, today).unwrap();
        assert_eq!((r.amount, r.form), (Yuan::new(45_000), ReturnForm::Cash));
        let bad = [
            (RawRealised { received_on: "2026-12-04", ..raw.clone() }, "received_on", "in_future"),
            (RawRealised { received_on: "2026-02-28", ..raw.clone() }, "received_on", "outside_term"),
            (RawRealised { amount_yuan: "0", ..raw.clone() }, "amount_yuan", "not_positive"),
            (RawRealised { form: "bond", ..raw.clone() }, "form", "unknown_value"),
            (RawRealised { note: "", ..raw.clone() }, "note", "required"),
        ];
        for (raw, field, code) in bad {
            let errors = RealisedDraft::parse(&raw, from, to, today).unwrap_err();
            assert!(errors.iter().any(|e| e.field == field && e.code == code), "{field}/{code}: {errors:?}");
        }
    }
}
