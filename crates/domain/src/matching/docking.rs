//! The answers to a proposed match and the follow-up of an accepted one
//! (精准对接清单, 002 三(九)): each side — the demand's unit and the offer's
//! owner — accepts or declines with a reason code; both accepting puts the
//! match on the docking list, whose follow-up runs 已联系 → 洽谈中 → 已签约 →
//! 已落地 (stages may be skipped forward, never gone back) or stops with a reason.

use crate::FieldError;

string_enum! {
    /// Who answers.
    pub enum Side {
        /// The demand's unit (需求方).
        Demand => ("demand", "需求方"),
        /// The offer's owner: the result's unit, the center, the expert (供给方).
        Supply => ("supply", "供给方"),
    }
}

string_enum! {
    /// One side's answer.
    pub enum Answer {
        /// Not yet answered.
        Pending => ("pending", "待回应"),
        /// Accepted.
        Accepted => ("accepted", "接受"),
        /// Declined with a reason.
        Declined => ("declined", "婉拒"),
    }
}

string_enum! {
    /// Why a side declines a match or stops its follow-up.
    pub enum DeclineReason {
        /// The offer is not mature enough (技术成熟度不足).
        TooEarly => ("too_early", "技术成熟度不足"),
        /// The benefit is unclear (效益不明确).
        BenefitUnclear => ("benefit_unclear", "效益不明确"),
        /// The route to market is unclear (市场化路径不清晰).
        RouteUnclear => ("route_unclear", "市场化路径不清晰"),
        /// Price and budget do not meet (预算不匹配).
        BudgetMismatch => ("budget_mismatch", "预算不匹配"),
        /// Not the direction wanted (方向不符).
        OffTarget => ("off_target", "技术方向不符"),
        /// The demand is already met otherwise (需求已解决).
        AlreadyMet => ("already_met", "需求已另行解决"),
        /// Another reason, written in the note (其他).
        Other => ("other", "其他原因"),
    }
}

string_enum! {
    /// Where a match stands.
    pub enum MatchStage {
        /// One side has answered; the other has not.
        Proposed => ("proposed", "待双方确认"),
        /// A side declined.
        Declined => ("declined", "已婉拒"),
        /// Both accepted: on the docking list, not yet contacted.
        Docking => ("docking", "已对接"),
        /// The sides have been in contact.
        Contacted => ("contacted", "已联系"),
        /// Negotiating terms.
        Negotiating => ("negotiating", "洽谈中"),
        /// A contract is signed.
        Contract => ("contract", "已签约"),
        /// The result has landed (落地): counts as an outcome.
        Landed => ("landed", "已落地"),
        /// The follow-up stopped with a reason.
        Dropped => ("dropped", "已终止"),
    }
}

impl MatchStage {
    /// The follow-up stages in order (the docking list's).
    pub const FOLLOW_UP: [MatchStage; 5] = [MatchStage::Docking, MatchStage::Contacted, MatchStage::Negotiating, MatchStage::Contract, MatchStage::Landed];

    /// Whether the match is on the docking list (both accepted, ended or not).
    pub fn on_docking_list(self) -> bool {
        Self::FOLLOW_UP.contains(&self) || self == MatchStage::Dropped
    }

    /// Whether nothing more can happen.
    pub fn is_final(self) -> bool {
        matches!(self, MatchStage::Declined | MatchStage::Landed | MatchStage::Dropped)
    }

    fn rank(self) -> Option<usize> {
        Self::FOLLOW_UP.iter().position(|s| *s == self)
    }

    /// The stage after a side answers: a decline ends it; both accepting puts it on the docking list.
    pub fn after_answers(demand: Answer, supply: Answer) -> MatchStage {
        match (demand, supply) {
            (Answer::Declined, _) | (_, Answer::Declined) => MatchStage::Declined,
            (Answer::Accepted, Answer::Accepted) => MatchStage::Docking,
            _ => MatchStage::Proposed,
        }
    }

    /// Moves the follow-up to `to`: forward only (stages may be skipped), or
    /// stopped with a reason; a contract and a landing carry an amount.
    pub fn follow_up(self, to: MatchStage, reason: Option<DeclineReason>, amount_given: bool) -> Result<MatchStage, FieldError> {
        let Some(from) = self.rank().filter(|_| !self.is_final()) else {
            return Err(FieldError::new("stage", "not_on_docking_list", format!("此对接{}，不能再跟进", self.label_zh())));
        };
        if to == MatchStage::Dropped {
            return match reason {
                Some(_) => Ok(to),
                None => Err(FieldError::new("reason", "required", "终止对接须选择原因")),
            };
        }
        match to.rank() {
            Some(r) if r > from => {
                if matches!(to, MatchStage::Contract | MatchStage::Landed) && !amount_given && self != MatchStage::Contract {
                    return Err(FieldError::new("contract_yuan", "required", "签约或落地须填写合同金额（元）"));
                }
                Ok(to)
            }
            Some(_) => Err(FieldError::new("stage", "not_forward", format!("对接已到“{}”，不能回到“{}”", self.label_zh(), to.label_zh()))),
            None => Err(FieldError::new("stage", "unknown_value", "跟进状态只能是已联系、洽谈中、已签约、已落地或已终止")),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use MatchStage::*;

    #[test]
    fn answers_decide_the_stage() {
        use Answer::{Accepted as A, Declined as D, Pending as P};
        let cases = [
            (P, P, Proposed),
            (A, P, Proposed),
            (P, A, Proposed),
            (A, A, Docking),
            (D, A, MatchStage::Declined),
            (A, D, MatchStage::Declined),
            (D, P, MatchStage::Declined),
        ];
        for (d, s, stage) in cases {
            assert_eq!(MatchStage::after_answers(d, s), stage, "{d:?} {s:?}");
        }
    }

    #[test]
    fn follow_up_goes_forward_only_and_stops_with_a_reason() {
        // (from, to, reason, amount, Ok(stage) or Err(code))
        type Case = (MatchStage, MatchStage, Option<DeclineReason>, bool, Result<MatchStage, &'static str>);
        let cases: &[Case] = &[
            (Docking, Contacted, None, false, Ok(Contacted)),
            (Docking, Negotiating, None, false, Ok(Negotiating)),
            (Contacted, Contract, None, true, Ok(Contract)),
            (Contacted, Contract, None, false, Err("required")),
            (Contract, Landed, None, false, Ok(Landed)),
            (Negotiating, Landed, None, true, Ok(Landed)),
            (Negotiating, Contacted, None, false, Err("not_forward")),
            (Contacted, Contacted, None, false, Err("not_forward")),
            (Negotiating, Dropped, Some(DeclineReason::BudgetMismatch), false, Ok(Dropped)),
            (Negotiating, Dropped, None, false, Err("required")),
            (Proposed, Contacted, None, false, Err("not_on_docking_list")),
            (Landed, Dropped, Some(DeclineReason::Other), false, Err("not_on_docking_list")),
            (Dropped, Contacted, None, false, Err("not_on_docking_list")),
            (Docking, MatchStage::Declined, None, false, Err("unknown_value")),
        ];
        for (from, to, reason, amount, want) in cases {
            let got = from.follow_up(*to, *reason, *amount).map_err(|e| e.code);
            assert_eq!(got, want.map_err(|c| c), "{from:?} → {to:?}");
        }
    }

    #[test]
    fn the_docking_list_holds_accepted_matches_ended_or_not() {
        let on: Vec<&str> = MatchStage::ALL.iter().filter(|s| s.on_docking_list()).map(|s| s.as_str()).collect();
        assert_eq!(on, ["docking", "contacted", "negotiating", "contract", "landed", "dropped"]);
    }
}
