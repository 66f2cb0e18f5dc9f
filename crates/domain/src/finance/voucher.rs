//! Innovation vouchers (科技创新券): the bureau's yearly scheme pays part of what an
//! enterprise spends on proof-of-concept and pilot services (001 概念验证 四 “支持将企业
//! 概念验证费用纳入创新券兑付范围”; 001 中试 四(14) “通过创新券、服务券等方式提供中试费用
//! 补助”; 004 四(一) “将概念验证服务纳入科技创新券目录”). The Zhejiang flow: an enterprise
//! applies for the year's quota (申领额度) → asks a listed provider for a listed service
//! (申请使用) → the provider delivers → redemption (申请兑付) → the bureau pays.
//!
//! The seeds set no amounts: the limits are the bureau's, kept as data on the scheme
//! ([`VoucherRules`]) and changed by the bureau.

use crate::money::{parse_yuan, Yuan};
use crate::FieldError;

/// The bureau's limits for a year's vouchers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct VoucherRules {
    /// The year's budget (年度预算): what all redemptions and open reservations may add up to.
    pub budget: Yuan,
    /// Most a single use may be covered (单次兑付上限), e.g. 2万元.
    pub per_use_cap: Yuan,
    /// Most one enterprise's quota may be in the year (年度额度上限), e.g. 10万元.
    pub per_year_cap: Yuan,
    /// The share of the fee covered above the full-cover line, in percent (兑付比例), e.g. 50.
    pub share_percent: u8,
    /// A fee up to this amount (inclusive, “1万元（含）以下”) is covered in full (全额兑付).
    pub full_cover_up_to: Yuan,
}

/// The limits as typed in the bureau's form (yuan as text).
#[derive(Debug, Clone, Default)]
pub struct RawRules<'a> {
    /// Budget.
    pub budget: &'a str,
    /// Per use.
    pub per_use_cap: &'a str,
    /// Per enterprise and year.
    pub per_year_cap: &'a str,
    /// Share in percent.
    pub share_percent: &'a str,
    /// Full cover up to.
    pub full_cover_up_to: &'a str,
}

impl VoucherRules {
    /// Validates the limits, naming each field that fails: amounts in whole yuan, a share of
    /// 1–100 %, a use cap no larger than the yearly cap, the full-cover line no larger than
    /// the use cap, and a budget of at least one enterprise's yearly cap.
    pub fn parse(raw: &RawRules<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut money = |field: &str, label: &str, text: &str| parse_yuan(field, label, text).map_err(|e| errors.push(e)).ok();
        let budget = money("budget", "年度预算", raw.budget);
        let per_use_cap = money("per_use_cap", "单次兑付上限", raw.per_use_cap);
        let per_year_cap = money("per_year_cap", "每家企业年度额度上限", raw.per_year_cap);
        let full_cover_up_to = money("full_cover_up_to", "全额兑付线", raw.full_cover_up_to);
        let share_percent = match raw.share_percent.trim().trim_end_matches('%').parse::<u8>() {
            Ok(p) if (1..=100).contains(&p) => Some(p),
            _ => {
                errors.push(FieldError::new("share_percent", "out_of_range", "兑付比例须为1至100的整数（%）"));
                None
            }
        };
        let (Some(budget), Some(per_use_cap), Some(per_year_cap), Some(full_cover_up_to), Some(share_percent)) = (budget, per_use_cap, per_year_cap, full_cover_up_to, share_percent)
        else {
            return Err(errors);
        };
        let rules = Self { budget, per_use_cap, per_year_cap, share_percent, full_cover_up_to };
        rules.check().map(|()| rules)
    }

    /// The relations between the limits (see [`VoucherRules::parse`]).
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if self.per_use_cap == Yuan::ZERO {
            errors.push(FieldError::new("per_use_cap", "not_positive", "单次兑付上限须大于0"));
        }
        if self.per_use_cap > self.per_year_cap {
            errors.push(FieldError::new("per_use_cap", "above_year_cap", "单次兑付上限不能超过每家企业年度额度上限"));
        }
        if self.full_cover_up_to > self.per_use_cap {
            errors.push(FieldError::new("full_cover_up_to", "above_use_cap", "全额兑付线不能超过单次兑付上限"));
        }
        if self.budget < self.per_year_cap {
            errors.push(FieldError::new("budget", "below_year_cap", "年度预算不能少于一家企业的年度额度上限"));
        }
        if !(1..=100).contains(&self.share_percent) {
            errors.push(FieldError::new("share_percent", "out_of_range", "兑付比例须为1至100的整数（%）"));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// What the voucher covers of a fee: the whole fee up to the full-cover line; above it
    /// the share, rounded down to the yuan, and never more than the use cap.
    pub fn covered(&self, fee: Yuan) -> Yuan {
        if fee <= self.full_cover_up_to {
            return fee;
        }
        let share = i128::from(fee.get()) * i128::from(self.share_percent) / 100;
        Yuan::new(i64::try_from(share).unwrap_or(i64::MAX)).min(self.per_use_cap)
    }
}

string_enum! {
    /// Where an enterprise's quota for the year stands (申领额度).
    pub enum QuotaState {
        /// 待核定: applied for, waiting for the bureau.
        Applied => ("applied", "待核定"),
        /// 已核定: granted, possibly less than asked.
        Granted => ("granted", "已核定"),
        /// 不予核定: refused with a reason.
        Refused => ("refused", "不予核定"),
    }
}

string_enum! {
    /// Where one use of a voucher stands.
    pub enum UseState {
        /// 待服务机构确认: the enterprise asked; the covered amount is reserved.
        Requested => ("requested", "待服务机构确认"),
        /// 服务中: the provider accepted.
        Accepted => ("accepted", "服务中"),
        /// 已完成服务: the provider recorded the service and its final fee.
        Delivered => ("delivered", "已完成服务"),
        /// 待兑付: the enterprise applied for redemption with its invoice.
        Redeeming => ("redeeming", "待兑付"),
        /// 已兑付: the bureau paid.
        Paid => ("paid", "已兑付"),
        /// 服务机构婉拒.
        Declined => ("declined", "服务机构婉拒"),
        /// 已撤销: the enterprise withdrew before the service was delivered.
        Cancelled => ("cancelled", "已撤销"),
        /// 不予兑付: the bureau refused the redemption with a reason.
        Refused => ("refused", "不予兑付"),
    }
}

impl UseState {
    /// Whether the use still holds money of the quota and the budget (reserved or paid).
    pub fn holds_money(self) -> bool {
        matches!(self, UseState::Requested | UseState::Accepted | UseState::Delivered | UseState::Redeeming | UseState::Paid)
    }
}

string_enum! {
    /// A change to a use.
    pub enum UseStep {
        /// The provider accepts the order.
        Accept => ("accept", "接受"),
        /// The provider declines, with a reason.
        Decline => ("decline", "婉拒"),
        /// The enterprise withdraws before delivery.
        Cancel => ("cancel", "撤销"),
        /// The provider records the service as delivered, with the final fee.
        Deliver => ("deliver", "确认完成服务"),
        /// The enterprise applies for redemption with its invoice.
        Redeem => ("redeem", "申请兑付"),
        /// The bureau pays.
        Pay => ("pay", "兑付"),
        /// The bureau refuses the redemption, with a reason.
        Refuse => ("refuse", "不予兑付"),
    }
}

/// Who acts on a use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoucherParty {
    /// The enterprise holding the quota (申请企业).
    Enterprise,
    /// The provider's operators (服务机构).
    Provider,
    /// The bureau (科技局).
    Bureau,
}

/// The state `step` by `party` leads to from `from`, or why not.
pub fn next_use_state(from: UseState, step: UseStep, party: VoucherParty) -> Result<UseState, &'static str> {
    use UseState::*;
    use UseStep::*;
    let (to, who, allowed_from): (UseState, VoucherParty, &[UseState]) = match step {
        Accept => (Accepted, VoucherParty::Provider, &[Requested]),
        Decline => (Declined, VoucherParty::Provider, &[Requested]),
        Cancel => (Cancelled, VoucherParty::Enterprise, &[Requested, Accepted]),
        Deliver => (Delivered, VoucherParty::Provider, &[Accepted]),
        Redeem => (Redeeming, VoucherParty::Enterprise, &[Delivered]),
        Pay => (Paid, VoucherParty::Bureau, &[Redeeming]),
        Refuse => (Refused, VoucherParty::Bureau, &[Redeeming]),
    };
    if party != who {
        return Err(match who {
            VoucherParty::Provider => "只有服务机构可以接受、婉拒或确认完成服务",
            VoucherParty::Enterprise => "只有申请企业可以撤销或申请兑付",
            VoucherParty::Bureau => "只有科技局可以兑付或不予兑付",
        });
    }
    if allowed_from.contains(&from) {
        return Ok(to);
    }
    Err(match from {
        Requested => "服务机构尚未接受，只能接受、婉拒或撤销",
        Accepted => "服务进行中：待服务机构确认完成服务，或由企业撤销",
        Delivered => "服务已完成：待企业申请兑付",
        Redeeming => "已申请兑付：待科技局兑付或不予兑付",
        Paid | Declined | Cancelled | Refused => "该笔创新券使用已结束，不能再变更",
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn rules() -> VoucherRules {
        VoucherRules { budget: Yuan::new(5_000_000), per_use_cap: Yuan::new(20_000), per_year_cap: Yuan::new(100_000), share_percent: 50, full_cover_up_to: Yuan::new(10_000) }
    }

    /// The example limits: 2万 per use, 10万 a year, half the fee, full cover up to 1万.
    #[test]
    fn what_a_voucher_covers_of_a_fee() {
        let cases = [
            (0, 0),
            (8_000, 8_000),       // under the line: in full
            (10_000, 10_000),     // the line itself: in full (“1万元（含）以下”)
            (10_001, 5_000),      // above: half, rounded down
            (30_000, 15_000),     // half
            (40_000, 20_000),     // half reaches the cap
            (90_000, 20_000),     // capped
            (1_000_000_000_000, 20_000),
        ];
        for (fee, want) in cases {
            assert_eq!(rules().covered(Yuan::new(fee)), Yuan::new(want), "fee {fee}");
        }
        let full = VoucherRules { share_percent: 100, full_cover_up_to: Yuan::ZERO, ..rules() };
        assert_eq!(full.covered(Yuan::new(15_000)), Yuan::new(15_000));
    }

    #[test]
    fn limits_parse_and_each_bad_one_is_named() {
        let good = RawRules { budget: "5,000,000", per_use_cap: "20000", per_year_cap: "100000元", share_percent: "50%", full_cover_up_to: "10000" };
        assert_eq!(VoucherRules::parse(&good).unwrap(), rules());
        let cases = [
            (RawRules { budget: "", ..good.clone() }, "budget", "required"),
            (RawRules { budget: "50000", ..good.clone() }, "budget", "below_year_cap"),
            (RawRules { per_use_cap: "0", full_cover_up_to: "0", ..good.clone() }, "per_use_cap", "not_positive"),
            (RawRules { per_use_cap: "200000", ..good.clone() }, "per_use_cap", "above_year_cap"),
            (RawRules { full_cover_up_to: "30000", ..good.clone() }, "full_cover_up_to", "above_use_cap"),
            (RawRules { share_percent: "0", ..good.clone() }, "share_percent", "out_of_range"),
            (RawRules { share_percent: "120", ..good.clone() }, "share_percent", "out_of_range"),
            (RawRules { per_year_cap: "10万", ..good.clone() }, "per_year_cap", "not_whole_yuan"),
        ];
        for (raw, field, code) in cases {
            let errors = VoucherRules::parse(&raw).unwrap_err();
            assert!(errors.iter().any(|e| e.field == field && e.code == code), "{field}/{code}: {errors:?}");
        }
    }

    #[test]
    fn each_party_takes_only_its_steps_in_order() {
        use UseState::*;
        use UseStep::*;
        use VoucherParty::{Bureau, Enterprise, Provider};
        let table = [
            (Requested, Accept, Provider, Ok(Accepted)),
            (Requested, Decline, Provider, Ok(Declined)),
            (Requested, Cancel, Enterprise, Ok(Cancelled)),
            (Requested, Accept, Enterprise, Err(())),
            (Requested, Deliver, Provider, Err(())),
            (Accepted, Deliver, Provider, Ok(Delivered)),
            (Accepted, Cancel, Enterprise, Ok(Cancelled)),
            (Accepted, Decline, Provider, Err(())),
            (Delivered, Redeem, Enterprise, Ok(Redeeming)),
            (Delivered, Cancel, Enterprise, Err(())),
            (Delivered, Redeem, Provider, Err(())),
            (Redeeming, Pay, Bureau, Ok(Paid)),
            (Redeeming, Refuse, Bureau, Ok(Refused)),
            (Redeeming, Pay, Enterprise, Err(())),
            (Paid, Refuse, Bureau, Err(())),
            (Refused, Pay, Bureau, Err(())),
            (Cancelled, Accept, Provider, Err(())),
        ];
        for (from, step, party, want) in table {
            assert_eq!(next_use_state(from, step, party).map_err(|_| ()), want, "{from:?} {step:?} by {party:?}");
        }
        assert!(Requested.holds_money() && Paid.holds_money() && !Declined.holds_money() && !Cancelled.holds_money() && !Refused.holds_money());
    }
}
