//! Investor interest and fund priority (000 二(十一) “定期组织‘验证成果专项路演’，
//! 推动经验证项目与专业投资机构、产业链龙头企业直接对接…将经市级及以上概念验证中心验证通过的
//! 项目，优先纳入市科创基金直接投资范围，建立‘验证-孵化-产业化’基金接力机制”; 002 三(九)
//! 每年“温州产业需求专场路演”5场). The rules here are pure: where an
//! investor's interest in a project stands and who moves it, which projects carry the fund's
//! priority flag, and where a project is on the relay. Roadshows are in [`super::roadshow`].

use crate::center::CenterLevel;
use crate::outcome::OutcomeKind;
use crate::research_result::ResultState;

string_enum! {
    /// Where an investor's interest in a project stands (表达意向 → 对接 → 投资).
    pub enum InterestState {
        /// 已表达意向: waiting for the project's owner and its center.
        Expressed => ("expressed", "已表达意向"),
        /// 双方同意对接: the owner and the center accepted; the investor may sign the pledge.
        Accepted => ("accepted", "已同意对接"),
        /// 已签保密承诺: the investor signed the confidentiality pledge and reads what its standing allows.
        Pledged => ("pledged", "已签保密承诺"),
        /// 尽职调查.
        DueDiligence => ("due_diligence", "尽职调查"),
        /// 已签投资意向书 (term sheet), with the amount.
        TermSheet => ("term_sheet", "已签投资意向书"),
        /// 已投资, with the amount.
        Invested => ("invested", "已投资"),
        /// 已婉拒: the owner or the center declined, with a reason.
        Declined => ("declined", "已婉拒"),
        /// 已撤回: the investor withdrew, with a reason.
        Withdrawn => ("withdrawn", "已撤回"),
    }
}

impl InterestState {
    /// Whether the interest is still going (neither invested nor declined nor withdrawn); one
    /// unit has at most one such interest in a project.
    pub fn is_open(self) -> bool {
        !matches!(self, InterestState::Invested | InterestState::Declined | InterestState::Withdrawn)
    }

    /// Whether the investor signed the pledge and still follows the project or invested in it:
    /// then it reads the project's trade secrets.
    pub fn reads_secrets(self) -> bool {
        matches!(self, InterestState::Pledged | InterestState::DueDiligence | InterestState::TermSheet | InterestState::Invested)
    }
}

string_enum! {
    /// A change to an interest.
    pub enum InterestStep {
        /// The owner or the center accepts (both must).
        Accept => ("accept", "同意对接"),
        /// The owner or the center declines.
        Decline => ("decline", "婉拒"),
        /// The investor signs the confidentiality pledge.
        Pledge => ("pledge", "签署保密承诺"),
        /// The investor starts due diligence.
        Diligence => ("diligence", "开始尽职调查"),
        /// The investor records the term sheet with its amount.
        SignTermSheet => ("term_sheet", "签署投资意向书"),
        /// The investor records the investment with its amount.
        Invest => ("invest", "完成投资"),
        /// The investor withdraws.
        Withdraw => ("withdraw", "撤回"),
    }
}

/// Who acts on an interest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterestParty {
    /// The investor that expressed it.
    Investor,
    /// The project's owner unit.
    Owner,
    /// The project's center.
    Center,
}

impl InterestParty {
    /// The code the steps record (`investor`, `owner`, `center`).
    pub fn code(self) -> &'static str {
        match self {
            InterestParty::Investor => "investor",
            InterestParty::Owner => "owner",
            InterestParty::Center => "center",
        }
    }

    /// This party's own acceptance and the one [`next_interest_state`] asks about: for the owner
    /// and the center, each other's; for the investor, whether both accepted.
    pub fn sides(self, owner_accepted: bool, center_accepted: bool) -> (bool, bool) {
        match self {
            InterestParty::Owner => (owner_accepted, center_accepted),
            InterestParty::Center => (center_accepted, owner_accepted),
            InterestParty::Investor => (false, owner_accepted && center_accepted),
        }
    }

    /// The owner's and the center's acceptance after this party takes `step`.
    pub fn acceptances_after(self, step: InterestStep, owner_accepted: bool, center_accepted: bool) -> (bool, bool) {
        let accepts = step == InterestStep::Accept;
        (owner_accepted || (accepts && self == InterestParty::Owner), center_accepted || (accepts && self == InterestParty::Center))
    }
}

/// The state `step` by `party` leads to from `from`, given whether the other of owner and center
/// has already accepted; or why not. Both must accept before the pledge; the amount-bearing steps
/// and the pledge are the investor's; any open interest can be withdrawn by the investor.
pub fn next_interest_state(from: InterestState, step: InterestStep, party: InterestParty, other_accepted: bool) -> Result<InterestState, &'static str> {
    use InterestState::*;
    use InterestStep::*;
    let ended = matches!(from, Invested | Declined | Withdrawn);
    if ended {
        return Err("对接已结束，不能再变更");
    }
    match (step, party) {
        (Accept, InterestParty::Owner | InterestParty::Center) if from == Expressed => Ok(if other_accepted { Accepted } else { Expressed }),
        (Decline, InterestParty::Owner | InterestParty::Center) if from == Expressed => Ok(Declined),
        (Accept | Decline, InterestParty::Owner | InterestParty::Center) => Err("意向已处理，不能再同意或婉拒"),
        (Accept | Decline, InterestParty::Investor) => Err("同意或婉拒由项目所有单位和概念验证中心作出"),
        (Pledge, InterestParty::Investor) if from == Accepted => Ok(Pledged),
        (Diligence, InterestParty::Investor) if from == Pledged => Ok(DueDiligence),
        (SignTermSheet, InterestParty::Investor) if matches!(from, Pledged | DueDiligence) => Ok(TermSheet),
        (Invest, InterestParty::Investor) if matches!(from, DueDiligence | TermSheet) => Ok(Invested),
        (Withdraw, InterestParty::Investor) => Ok(Withdrawn),
        (Pledge | Diligence | SignTermSheet | Invest | Withdraw, InterestParty::Owner | InterestParty::Center) => Err("该步骤由投资机构办理"),
        (Pledge, InterestParty::Investor) => Err("项目所有单位和中心都同意对接后才能签署保密承诺"),
        (Diligence | SignTermSheet | Invest, InterestParty::Investor) => Err("请按 签署保密承诺 → 尽职调查 → 投资意向书 → 投资 的顺序办理"),
    }
}

/// Whether a step records an amount (the term sheet's and the investment's).
pub fn needs_amount(step: InterestStep) -> bool {
    matches!(step, InterestStep::SignTermSheet | InterestStep::Invest)
}

/// The 市科创基金 priority flag (000 二(十一)): a project verified (verified or handed off) by a
/// center of municipal level or higher. Every recognized center is at least municipal; a center
/// still being created (no level yet) does not confer it.
pub fn fund_priority(state: ResultState, verifying_center_level: Option<CenterLevel>) -> bool {
    matches!(state, ResultState::Verified | ResultState::HandedOff) && verifying_center_level.is_some()
}

string_enum! {
    /// Where a project stands on the fund relay (基金接力: 验证 → 孵化 → 产业化).
    pub enum RelayStage {
        /// 验证: verified by a center.
        Verified => ("verified", "验证"),
        /// 孵化: a company incubated on it.
        Incubated => ("incubated", "孵化"),
        /// 产业化: a product, a transfer landed, or equity financing raised.
        Industrialised => ("industrialised", "产业化"),
    }
}

/// The furthest stage of the relay a project has reached, from its state and its outcomes.
pub fn relay_stage(state: ResultState, outcomes: &[OutcomeKind]) -> Option<RelayStage> {
    if outcomes.iter().any(|o| matches!(o, OutcomeKind::Product | OutcomeKind::LandedTransfer | OutcomeKind::EquityFinancing)) {
        return Some(RelayStage::Industrialised);
    }
    if outcomes.contains(&OutcomeKind::CompanyIncubated) {
        return Some(RelayStage::Incubated);
    }
    matches!(state, ResultState::Verified | ResultState::HandedOff).then_some(RelayStage::Verified)
}

#[cfg(test)]
mod tests {
    use super::*;
    use InterestParty::{Center, Investor, Owner};
    use InterestState::*;
    use InterestStep::*;

    #[test]
    fn an_interest_needs_both_owner_and_center_then_goes_the_investors_way() {
        let table = [
            (Expressed, Accept, Owner, false, Ok(Expressed)),
            (Expressed, Accept, Center, true, Ok(Accepted)),
            (Expressed, Decline, Center, false, Ok(Declined)),
            (Expressed, Accept, Investor, false, Err(())),
            (Expressed, Pledge, Investor, false, Err(())),
            (Accepted, Pledge, Investor, true, Ok(Pledged)),
            (Accepted, Pledge, Owner, true, Err(())),
            (Accepted, Accept, Owner, true, Err(())),
            (Pledged, Diligence, Investor, true, Ok(DueDiligence)),
            (Pledged, SignTermSheet, Investor, true, Ok(TermSheet)),
            (Pledged, Invest, Investor, true, Err(())),
            (DueDiligence, Invest, Investor, true, Ok(Invested)),
            (TermSheet, Invest, Investor, true, Ok(Invested)),
            (TermSheet, Withdraw, Investor, true, Ok(Withdrawn)),
            (Expressed, Withdraw, Investor, false, Ok(Withdrawn)),
            (Invested, Withdraw, Investor, true, Err(())),
            (Declined, Accept, Owner, true, Err(())),
        ];
        for (from, step, party, other, want) in table {
            assert_eq!(next_interest_state(from, step, party, other).map_err(|_| ()), want, "{from:?} {step:?} by {party:?}");
        }
        assert!(needs_amount(SignTermSheet) && needs_amount(Invest) && !needs_amount(Pledge));
        // The open states are those of migration 0031's partial unique index (one open interest per unit and project).
        let open: Vec<InterestState> = InterestState::ALL.iter().copied().filter(|s| s.is_open()).collect();
        assert_eq!(open, [Expressed, Accepted, Pledged, DueDiligence, TermSheet]);
        assert!(Invested.reads_secrets() && Pledged.reads_secrets() && !Accepted.reads_secrets() && !Withdrawn.reads_secrets());
        assert_eq!(Owner.sides(true, false), (true, false));
        assert_eq!(Center.sides(true, false), (false, true));
        assert_eq!(Investor.sides(true, true), (false, true));
        assert_eq!(Center.acceptances_after(Accept, true, false), (true, true));
        assert_eq!(Owner.acceptances_after(Decline, false, true), (false, true));
    }

    /// 000 二(十一): verified by a municipal-or-higher center → the fund's priority.
    #[test]
    fn the_fund_priority_follows_the_verifying_centers_level() {
        let cases = [
            (ResultState::Verified, Some(CenterLevel::Municipal), true),
            (ResultState::HandedOff, Some(CenterLevel::Provincial), true),
            (ResultState::Verified, None, false),
            (ResultState::Verifying, Some(CenterLevel::National), false),
            (ResultState::Submitted, Some(CenterLevel::Municipal), false),
        ];
        for (state, level, want) in cases {
            assert_eq!(fund_priority(state, level), want, "{state:?} {level:?}");
        }
    }

    #[test]
    fn the_relay_stage_is_the_furthest_reached() {
        use OutcomeKind::*;
        let cases: [(ResultState, &[OutcomeKind], Option<RelayStage>); 5] = [
            (ResultState::Verifying, &[], None),
            (ResultState::Verified, &[], Some(RelayStage::Verified)),
            (ResultState::Verified, &[Prototype, CompanyIncubated], Some(RelayStage::Incubated)),
            (ResultState::HandedOff, &[CompanyIncubated, EquityFinancing], Some(RelayStage::Industrialised)),
            (ResultState::Verified, &[LandedTransfer], Some(RelayStage::Industrialised)),
        ];
        for (state, outcomes, want) in cases {
            assert_eq!(relay_stage(state, outcomes), want, "{state:?} {outcomes:?}");
        }
    }
}
