//! A seat on an expert panel (评审专家席位), whatever the panel judges: an
//! application for creation or recognition, a result's admission screening,
//! and — next — a center's annual evaluation. The seat's life is one small
//! state machine: invited (`pending`) → declares no conflict with the
//! confidentiality pledge (`no_conflict`, then sees the materials and scores)
//! or recuses for a conflict (`recused`) or declines (`declined`); a
//! declaration once made stays (回避 and 谢绝 are kept for the record). A seat
//! left by a recusal or a refusal may be filled once, by a replacement.
//!
//! Storage accepts only a [`SeatStep`] made here, so no caller can write a
//! status the machine would not reach.

use crate::id::ExpertId;
use crate::validation::FieldError;

string_enum! {
    /// What a panel judges (评审对象).
    pub enum PanelSubject {
        /// 创建/认定申报评审 (000 三; 003 五).
        Application => ("application", "申报评审"),
        /// 成果入库评价遴选 (000 二(三); 002 三(三)).
        Result => ("result", "入库遴选"),
        /// 年度绩效评价 (000 四; 003 六(三)).
        Evaluation => ("evaluation", "年度绩效评价"),
    }
}

string_enum! {
    /// Where an invited expert stands.
    pub enum SeatStatus {
        /// Invited; must declare before seeing the materials.
        Pending => ("pending", "待声明"),
        /// Declared no conflict of interest and signed the pledge (保密承诺).
        NoConflict => ("no_conflict", "已声明无利益冲突"),
        /// Recused for a conflict of interest (回避).
        Recused => ("recused", "已回避"),
        /// Declined the invitation (谢绝).
        Declined => ("declined", "已谢绝"),
    }
}

/// What an invited expert declares, with the reason kept for a recusal or a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Declaration {
    /// No conflict, with the confidentiality pledge.
    NoConflict,
    /// A conflict of interest: the expert stands down.
    Recuse(String),
    /// Cannot take part (e.g. not available).
    Decline(String),
}

impl Declaration {
    /// The status the declaration leads to.
    pub fn status(&self) -> SeatStatus {
        match self {
            Declaration::NoConflict => SeatStatus::NoConflict,
            Declaration::Recuse(_) => SeatStatus::Recused,
            Declaration::Decline(_) => SeatStatus::Declined,
        }
    }

    /// The reason kept with a recusal or a refusal ("" for no conflict).
    pub fn reason(&self) -> &str {
        match self {
            Declaration::NoConflict => "",
            Declaration::Recuse(r) | Declaration::Decline(r) => r,
        }
    }

    /// The audit action's last part: `no_conflict`, `recuse` or `decline`.
    pub fn verb(&self) -> &'static str {
        match self {
            Declaration::NoConflict => "no_conflict",
            Declaration::Recuse(_) => "recuse",
            Declaration::Decline(_) => "decline",
        }
    }
}

/// Why a seat refuses a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SeatRefusal {
    /// A declaration was already made; it stays.
    #[error("已作出声明，不能更改")]
    AlreadyDeclared,
    /// Scoring needs the declaration of no conflict with the pledge first.
    #[error("须先声明无利益冲突并签署保密承诺")]
    DeclarationRequired,
}

impl SeatRefusal {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            SeatRefusal::AlreadyDeclared => "already_declared",
            SeatRefusal::DeclarationRequired => "declaration_required",
        }
    }
}

/// A step of a seat the machine allows; the only way storage changes a status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeatStep {
    from: SeatStatus,
    declaration: Declaration,
}

impl SeatStep {
    /// The status the seat had (the compare-and-set's expectation).
    pub fn from(&self) -> SeatStatus {
        self.from
    }

    /// The status it gets.
    pub fn to(&self) -> SeatStatus {
        self.declaration.status()
    }

    /// The declaration made.
    pub fn declaration(&self) -> &Declaration {
        &self.declaration
    }
}

impl SeatStatus {
    /// The step `declaration` takes from this status, or why not: only an
    /// invited expert declares, once.
    pub fn declare(self, declaration: Declaration) -> Result<SeatStep, SeatRefusal> {
        match self {
            SeatStatus::Pending => Ok(SeatStep { from: self, declaration }),
            SeatStatus::NoConflict | SeatStatus::Recused | SeatStatus::Declined => Err(SeatRefusal::AlreadyDeclared),
        }
    }

    /// Whether the seat may score: only after no conflict was declared.
    pub fn may_score(self) -> Result<(), SeatRefusal> {
        match self {
            SeatStatus::NoConflict => Ok(()),
            SeatStatus::Pending | SeatStatus::Recused | SeatStatus::Declined => Err(SeatRefusal::DeclarationRequired),
        }
    }

    /// Whether the expert left the panel (recused or declined), leaving a seat to fill.
    pub fn vacated(self) -> bool {
        matches!(self, SeatStatus::Recused | SeatStatus::Declined)
    }

    /// Whether the expert may see the materials (and, for a result, its trade secrets).
    pub fn pledged(self) -> bool {
        self == SeatStatus::NoConflict
    }
}

/// A seat as the replacement rule reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occupancy {
    /// The expert (library id).
    pub expert_id: ExpertId,
    /// Its status.
    pub status: SeatStatus,
    /// The vacated seat this expert fills, if a replacement.
    pub replaces: Option<ExpertId>,
}

/// Why a seat cannot be filled by a replacement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum VacancyError {
    /// The expert named is not on the panel.
    #[error("该专家不在本专家组中")]
    NotOnPanel,
    /// The expert named has not left the panel.
    #[error("被替换的专家须为本组已回避或谢绝的专家")]
    NotVacated,
    /// Somebody already fills that seat.
    #[error("该席位已有替补专家")]
    SeatFilled,
}

impl VacancyError {
    /// Stable code.
    pub fn code(self) -> &'static str {
        match self {
            VacancyError::NotOnPanel => "not_on_panel",
            VacancyError::NotVacated => "not_vacated",
            VacancyError::SeatFilled => "seat_filled",
        }
    }

    /// As a field error on `field` (a conflict for a filled seat is the caller's to map).
    pub fn on(self, field: &str) -> FieldError {
        FieldError::new(field, self.code(), self.to_string())
    }
}

/// Checks that `left` vacated a seat of `panel` nobody fills yet; returns the
/// seats the panel has once it is filled (those still on it, plus one).
pub fn open_seat(panel: &[Occupancy], left: ExpertId) -> Result<u32, VacancyError> {
    let seat = panel.iter().find(|s| s.expert_id == left).ok_or(VacancyError::NotOnPanel)?;
    if !seat.status.vacated() {
        return Err(VacancyError::NotVacated);
    }
    if panel.iter().any(|s| s.replaces == Some(left)) {
        return Err(VacancyError::SeatFilled);
    }
    Ok(u32::try_from(panel.iter().filter(|s| !s.status.vacated()).count()).unwrap_or(u32::MAX).saturating_add(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    use SeatStatus::*;

    #[test]
    fn a_declaration_is_made_once_from_the_invitation() {
        // 000 三 / 001 概念验证 13: experts declare conflicts and sign the pledge before the materials.
        let cases: &[(SeatStatus, Declaration, Result<SeatStatus, SeatRefusal>)] = &[
            (Pending, Declaration::NoConflict, Ok(NoConflict)),
            (Pending, Declaration::Recuse("同单位".into()), Ok(Recused)),
            (Pending, Declaration::Decline("出差".into()), Ok(Declined)),
            (NoConflict, Declaration::Recuse("改口".into()), Err(SeatRefusal::AlreadyDeclared)),
            (Recused, Declaration::NoConflict, Err(SeatRefusal::AlreadyDeclared)),
            (Declined, Declaration::NoConflict, Err(SeatRefusal::AlreadyDeclared)),
        ];
        for (from, d, want) in cases {
            let got = from.declare(d.clone()).map(|s| {
                assert_eq!(s.from(), *from);
                s.to()
            });
            assert_eq!(&got, want, "{from:?} + {d:?}");
        }
    }

    #[test]
    fn only_a_pledged_seat_scores() {
        for (status, may) in [(Pending, false), (NoConflict, true), (Recused, false), (Declined, false)] {
            assert_eq!(status.may_score().is_ok(), may, "{status:?}");
            assert_eq!(status.pledged(), may, "{status:?}");
        }
    }

    #[test]
    fn a_vacated_seat_is_filled_once() {
        let seat = |expert_id, status, replaces: Option<i64>| Occupancy { expert_id: ExpertId::new(expert_id), status, replaces: replaces.map(ExpertId::new) };
        let panel = [seat(1, NoConflict, None), seat(2, Recused, None), seat(3, Declined, None), seat(4, Pending, Some(3)), seat(5, Pending, None)];
        let cases: &[(i64, Result<u32, VacancyError>)] = &[
            (2, Ok(4)), // 1, 4, 5 stay; 2's seat gets one more
            (3, Err(VacancyError::SeatFilled)),
            (1, Err(VacancyError::NotVacated)),
            (5, Err(VacancyError::NotVacated)),
            (9, Err(VacancyError::NotOnPanel)),
        ];
        for (left, want) in cases {
            assert_eq!(&open_seat(&panel, ExpertId::new(*left)), want, "left {left}");
        }
    }
}
