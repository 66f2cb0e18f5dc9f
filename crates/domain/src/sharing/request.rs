//! A request to use a shared resource (资源使用申请): another center, a
//! university or an enterprise asks to use an instrument, have a test run for
//! it (委托检测/“代工”, 000 二(九)) or verify a project jointly (项目联合验证);
//! the offering center accepts or declines with a reason; an accepted request
//! is completed or cancelled. Every change names who may make it.

use crate::validation::multiline;
use crate::FieldError;
use chrono::NaiveDate;

string_enum! {
    /// What the requester wants.
    pub enum RequestPurpose {
        /// 仪器使用: use the instrument, line or environment itself.
        Use => ("use", "使用设备设施"),
        /// 委托检测/代工: the provider runs the test or trial for the requester.
        Commission => ("commission", "委托检测（代工）"),
        /// 联合验证: verify a project together (跨地区、跨领域联合验证).
        Joint => ("joint", "项目联合验证"),
    }
}

string_enum! {
    /// Where a request stands.
    pub enum RequestState {
        /// 待答复: waiting for the provider.
        Requested => ("requested", "待答复"),
        /// 已同意: the provider accepted; the use is under way or planned.
        Accepted => ("accepted", "已同意"),
        /// 已婉拒: the provider declined with a reason.
        Declined => ("declined", "已婉拒"),
        /// 已撤回: the requester withdrew it before an answer.
        Withdrawn => ("withdrawn", "已撤回"),
        /// 已完成: the provider recorded the use as done.
        Completed => ("completed", "已完成"),
        /// 已取消: either side cancelled an accepted request, with a reason.
        Cancelled => ("cancelled", "已取消"),
    }
}

impl RequestState {
    /// Whether the request still holds the requester's one open place for this offer.
    pub fn open(self) -> bool {
        matches!(self, RequestState::Requested | RequestState::Accepted)
    }
}

string_enum! {
    /// A change to a request.
    pub enum RequestStep {
        /// The provider accepts.
        Accept => ("accept", "同意"),
        /// The provider declines, with a reason.
        Decline => ("decline", "婉拒"),
        /// The requester withdraws before an answer.
        Withdraw => ("withdraw", "撤回"),
        /// The provider records the use as done.
        Complete => ("complete", "完成"),
        /// Either side cancels an accepted request, with a reason.
        Cancel => ("cancel", "取消"),
    }
}

string_enum! {
    /// Why a provider declines (or a side cancels).
    pub enum RequestDecline {
        /// 档期已满.
        FullyBooked => ("fully_booked", "档期已满"),
        /// 不符合使用条件.
        ConditionsUnmet => ("conditions_unmet", "不符合使用条件"),
        /// 超出服务范围.
        OutOfScope => ("out_of_scope", "超出服务范围"),
        /// 其他原因 (written in the note).
        Other => ("other", "其他原因"),
    }
}

/// Which side of a request acts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    /// The offering center's operators (供给方).
    Provider,
    /// The requesting unit (申请方).
    Requester,
}

/// The state `step` by `party` leads to from `from`, or why it may not be taken.
pub fn next_state(from: RequestState, step: RequestStep, party: Party) -> Result<RequestState, &'static str> {
    use RequestState::*;
    use RequestStep::*;
    let to = match (step, party) {
        (Accept, Party::Provider) => Accepted,
        (Decline, Party::Provider) => Declined,
        (Withdraw, Party::Requester) => Withdrawn,
        (Complete, Party::Provider) => Completed,
        (Cancel, _) => Cancelled,
        (Accept | Decline | Complete, Party::Requester) => return Err("只有提供资源的中心可以同意、婉拒或完成申请"),
        (Withdraw, Party::Provider) => return Err("只有申请单位可以撤回申请"),
    };
    let allowed = match to {
        Accepted | Declined | Withdrawn => from == Requested,
        Completed | Cancelled => from == Accepted,
        Requested => false,
    };
    if allowed {
        Ok(to)
    } else {
        Err(match from {
            Requested => "申请尚未同意，不能完成或取消；可以撤回",
            Accepted => "申请已同意，只能完成或取消",
            Declined | Withdrawn | Completed | Cancelled => "申请已结束，不能再变更",
        })
    }
}

/// A request as typed.
#[derive(Debug, Clone, Default)]
pub struct RawRequest<'a> {
    /// Purpose code.
    pub purpose: &'a str,
    /// 需求说明: what is to be tested or verified, samples, quantity.
    pub description: &'a str,
    /// 期望开始日期 (YYYY-MM-DD).
    pub wanted_from: &'a str,
    /// 期望结束日期 (YYYY-MM-DD).
    pub wanted_to: &'a str,
}

/// A validated request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestDraft {
    /// What is wanted.
    pub purpose: RequestPurpose,
    /// 需求说明 (10–1000 characters).
    pub description: String,
    /// First day wanted: today or later, within a year.
    pub wanted_from: NaiveDate,
    /// Last day wanted: not before the first, at most a year after it.
    pub wanted_to: NaiveDate,
}

impl RequestDraft {
    /// Validates every field, naming each that fails.
    pub fn parse(raw: &RawRequest<'_>, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let purpose = match raw.purpose.trim() {
            "" => {
                errors.push(FieldError::required("purpose", "申请事项"));
                None
            }
            p => RequestPurpose::parse(p).map_err(|_| errors.push(FieldError::unknown_value("purpose", "申请事项"))).ok(),
        };
        let description = multiline("description", "需求说明", raw.description, 10, 1000).map_err(|e| errors.push(e)).ok();
        let day = |field: &str, label: &str, raw: &str, errors: &mut Vec<FieldError>| match raw.trim() {
            "" => {
                errors.push(FieldError::required(field, label));
                None
            }
            r => crate::validation::strict_day(r).or_else(|| {
                errors.push(FieldError::new(field, "invalid_date", format!("{label}须为“年-月-日”格式的日期，例如2027-03-15")));
                None
            }),
        };
        let from = day("wanted_from", "期望开始日期", raw.wanted_from, &mut errors);
        let to = day("wanted_to", "期望结束日期", raw.wanted_to, &mut errors);
        if let Some(f) = from {
            if f < today {
                errors.push(FieldError::new("wanted_from", "in_past", "期望开始日期不能早于今天"));
            } else if f > today + chrono::Duration::days(366) {
                errors.push(FieldError::new("wanted_from", "too_far", "期望开始日期须在一年之内"));
            }
        }
        if let (Some(f), Some(t)) = (from, to) {
            if t < f {
                errors.push(FieldError::new("wanted_to", "before_start", "期望结束日期不能早于开始日期"));
            } else if t > f + chrono::Duration::days(366) {
                errors.push(FieldError::new("wanted_to", "too_long", "一次申请的使用期不超过一年"));
            }
        }
        match (purpose, description, from, to) {
            (Some(purpose), Some(description), Some(wanted_from), Some(wanted_to)) if errors.is_empty() => {
                Ok(Self { purpose, description, wanted_from, wanted_to })
            }
            _ => Err(errors),
        }
    }
}

/// The reason a decline or cancellation needs: a code, and a note of at least
/// two characters when the code is 其他原因.
pub fn check_reason(step: RequestStep, reason: &str, note: &str) -> Result<Option<RequestDecline>, FieldError> {
    if !matches!(step, RequestStep::Decline | RequestStep::Cancel) {
        return Ok(None);
    }
    let r = match reason.trim() {
        "" => return Err(FieldError::required("reason", "原因")),
        r => RequestDecline::parse(r).map_err(|_| FieldError::unknown_value("reason", "原因"))?,
    };
    if r == RequestDecline::Other && note.trim().chars().count() < 2 {
        return Err(FieldError::new("note", "required", "选择“其他原因”时须写明原因"));
    }
    Ok(Some(r))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use Party::{Provider, Requester};
    use RequestState::*;
    use RequestStep::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
    }

    fn good() -> RawRequest<'static> {
        RawRequest { purpose: "commission", description: "正极材料样品20个，需做SEM形貌与EDS成分分析。", wanted_from: "2026-12-10", wanted_to: "2026-12-20" }
    }

    #[test]
    fn each_side_takes_only_its_own_steps_and_ended_requests_stay_ended() {
        let table = [
            (Requested, Accept, Provider, Ok(Accepted)),
            (Requested, Decline, Provider, Ok(Declined)),
            (Requested, Withdraw, Requester, Ok(Withdrawn)),
            (Requested, Accept, Requester, Err(())),
            (Requested, Withdraw, Provider, Err(())),
            (Requested, Complete, Provider, Err(())),
            (Requested, Cancel, Requester, Err(())),
            (Accepted, Complete, Provider, Ok(Completed)),
            (Accepted, Cancel, Provider, Ok(Cancelled)),
            (Accepted, Cancel, Requester, Ok(Cancelled)),
            (Accepted, Withdraw, Requester, Err(())),
            (Accepted, Decline, Provider, Err(())),
            (Declined, Accept, Provider, Err(())),
            (Completed, Cancel, Requester, Err(())),
            (Cancelled, Complete, Provider, Err(())),
            (Withdrawn, Accept, Provider, Err(())),
        ];
        for (from, step, party, want) in table {
            assert_eq!(next_state(from, step, party).map_err(|_| ()), want, "{from:?} {step:?} by {party:?}");
        }
        assert!(Requested.open() && Accepted.open() && !Declined.open() && !Completed.open());
    }

    #[test]
    fn a_good_request_parses_and_each_bad_field_is_named() {
        let r = RequestDraft::parse(&good(), today()).unwrap();
        assert_eq!((r.purpose, r.wanted_from.to_string()), (RequestPurpose::Commission, "2026-12-10".to_owned()));
        let cases = [
            (RawRequest { purpose: "", ..good() }, "purpose", "required"),
            (RawRequest { purpose: "borrow", ..good() }, "purpose", "unknown_value"),
            (RawRequest { description: "测一下", ..good() }, "description", "too_short"),
            (RawRequest { wanted_from: "2026-12-02", ..good() }, "wanted_from", "in_past"),
            (RawRequest { wanted_from: "2028-01-10", wanted_to: "2028-01-20", ..good() }, "wanted_from", "too_far"),
            (RawRequest { wanted_from: "12/10/2026", ..good() }, "wanted_from", "invalid_date"),
            (RawRequest { wanted_to: "2026-12-09", ..good() }, "wanted_to", "before_start"),
            (RawRequest { wanted_to: "2028-12-20", ..good() }, "wanted_to", "too_long"),
        ];
        for (raw, field, code) in cases {
            let errors = RequestDraft::parse(&raw, today()).unwrap_err();
            assert!(errors.iter().any(|e| e.field == field && e.code == code), "{field}/{code}: {errors:?}");
        }
    }

    #[test]
    fn a_decline_needs_a_reason_and_other_needs_a_note() {
        assert_eq!(check_reason(Accept, "", "").unwrap(), None);
        assert_eq!(check_reason(Decline, "fully_booked", "").unwrap(), Some(RequestDecline::FullyBooked));
        assert_eq!(check_reason(Decline, "", "").unwrap_err().code, "required");
        assert_eq!(check_reason(Cancel, "later", "").unwrap_err().code, "unknown_value");
        assert_eq!(check_reason(Cancel, "other", "").unwrap_err().field, "note");
        assert!(check_reason(Cancel, "other", "样品未到").is_ok());
    }
}
