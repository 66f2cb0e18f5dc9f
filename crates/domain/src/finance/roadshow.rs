//! Roadshows (路演): 000 二(十一) “定期组织‘验证成果专项路演’，推动经验证项目与专业投资机构、
//! 产业链龙头企业直接对接”; 002 三(九) 每年组织“温州产业需求专场路演”5场. The bureau or a
//! center schedules one — its kind, theme, industry, day, and where (a place, online, or
//! both) — shows verified projects by their public face, invites investors, funds, banks
//! and 链主 enterprises, and records who came once the day has come.

use crate::org::OrgKind;
use crate::validation::{collect, multiline, text, DayRange};
use crate::FieldError;
use chrono::NaiveDate;

string_enum! {
    /// What kind of roadshow (路演).
    pub enum RoadshowKind {
        /// 验证成果专项路演 (000 二(十一)): verified projects before investors.
        VerifiedResults => ("verified_results", "验证成果专项路演"),
        /// 产业需求专场路演 (002 三(九)): an industry's demands before research teams.
        IndustryDemand => ("industry_demand", "产业需求专场路演"),
    }
}

string_enum! {
    /// Who is invited to a roadshow, by the kind of unit.
    pub enum InviteeKind {
        /// 投资机构.
        Investor => ("investor", "投资机构"),
        /// 基金（含市科创基金）.
        Fund => ("fund", "基金"),
        /// 银行.
        Bank => ("bank", "银行"),
        /// 产业链龙头企业（链主）.
        ChainLeader => ("chain_leader", "链主企业"),
    }
}

impl InviteeKind {
    /// Whether a unit of `kind` may be invited as this kind of guest.
    pub fn fits(self, kind: OrgKind) -> bool {
        match self {
            InviteeKind::Investor | InviteeKind::Fund => kind == OrgKind::InvestmentFund,
            InviteeKind::Bank => kind == OrgKind::Bank,
            InviteeKind::ChainLeader => kind == OrgKind::Enterprise,
        }
    }
}

string_enum! {
    /// Where a roadshow is held.
    pub enum RoadshowMode {
        /// 线下.
        Onsite => ("onsite", "线下"),
        /// 线上.
        Online => ("online", "线上"),
        /// 线上线下同步.
        Hybrid => ("hybrid", "线上线下同步"),
    }
}

impl RoadshowMode {
    /// Whether the roadshow needs a place.
    pub fn needs_place(self) -> bool {
        self != RoadshowMode::Online
    }
}

string_enum! {
    /// Where a roadshow stands.
    pub enum RoadshowState {
        /// 筹备中: projects and guests may still be added.
        Planned => ("planned", "筹备中"),
        /// 已举办: attendance recorded.
        Held => ("held", "已举办"),
        /// 已取消, with the reason.
        Cancelled => ("cancelled", "已取消"),
    }
}

string_enum! {
    /// Whether an invited unit came.
    pub enum Attendance {
        /// 已邀请 (the day has not come or nothing recorded yet).
        Invited => ("invited", "已邀请"),
        /// 出席.
        Attended => ("attended", "出席"),
        /// 未出席.
        Absent => ("absent", "未出席"),
    }
}

/// A roadshow as the organiser wrote it (text fields, as a form sends them).
#[derive(Debug, Clone, Copy, Default)]
pub struct RawRoadshow<'a> {
    /// Kind code.
    pub kind: &'a str,
    /// Theme.
    pub theme: &'a str,
    /// Industry field code ("" = every field).
    pub field: &'a str,
    /// Day (YYYY-MM-DD).
    pub held_on: &'a str,
    /// Mode code.
    pub mode: &'a str,
    /// Place (for onsite and hybrid).
    pub place: &'a str,
    /// A note (agenda, how to join online).
    pub note: &'a str,
}

/// A checked roadshow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoadshowDraft {
    /// Kind.
    pub kind: RoadshowKind,
    /// Theme, 2–100 characters.
    pub theme: String,
    /// Industry field code, or "" for every field.
    pub field: String,
    /// Day.
    pub held_on: NaiveDate,
    /// Mode.
    pub mode: RoadshowMode,
    /// Place ("" when online only).
    pub place: String,
    /// Note, up to 1,000 characters.
    pub note: String,
}

impl RoadshowDraft {
    /// Checks a roadshow scheduled on `today`: a new one is not in the past (an organiser
    /// records a past one only by holding a planned one), at most a year ahead.
    pub fn parse(raw: &RawRoadshow<'_>, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let kind = collect(&mut errors, RoadshowKind::parse(raw.kind.trim()).map_err(|_| FieldError::unknown_value("kind", "路演类型")));
        let theme = collect(&mut errors, text("theme", "路演主题", raw.theme, 2, 100));
        let field = raw.field.trim();
        let field = collect(&mut errors, if field.is_empty() || crate::industry::field(field).is_some() { Ok(field.to_owned()) } else { Err(FieldError::unknown_value("field", "产业领域")) });
        let latest = today.checked_add_months(chrono::Months::new(12)).unwrap_or(today);
        let held_on = collect(&mut errors, crate::validation::day("held_on", "路演日期", raw.held_on, DayRange { earliest: today, latest }));
        let mode = collect(&mut errors, RoadshowMode::parse(raw.mode.trim()).map_err(|_| FieldError::unknown_value("mode", "举办方式")));
        let place = match mode {
            Some(m) if m.needs_place() => collect(&mut errors, text("place", "举办地点", raw.place, 2, 100)),
            _ => Some(raw.place.trim().chars().take(100).collect()),
        };
        let note = collect(&mut errors, multiline("note", "说明", raw.note, 0, 1000));
        match (kind, theme, field, held_on, mode, place, note) {
            (Some(kind), Some(theme), Some(field), Some(held_on), Some(mode), Some(place), Some(note)) if errors.is_empty() => {
                Ok(Self { kind, theme, field, held_on, mode, place, note })
            }
            _ => Err(errors),
        }
    }
}

/// Whether attendance may be recorded on `today` for a roadshow held on `held_on` in `state`.
pub fn may_record_attendance(state: RoadshowState, held_on: NaiveDate, today: NaiveDate) -> Result<(), &'static str> {
    match state {
        RoadshowState::Cancelled => Err("路演已取消"),
        _ if today < held_on => Err("路演举办日当天及以后才能登记出席情况"),
        _ => Ok(()),
    }
}

/// Whether projects and guests may still be added or removed.
pub fn may_change_programme(state: RoadshowState) -> Result<(), &'static str> {
    match state {
        RoadshowState::Planned => Ok(()),
        RoadshowState::Held => Err("路演已举办，项目和嘉宾不能再变更"),
        RoadshowState::Cancelled => Err("路演已取消"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        crate::validation::strict_day(s).unwrap_or_default()
    }

    fn raw<'a>(held_on: &'a str, mode: &'a str, place: &'a str) -> RawRoadshow<'a> {
        RawRoadshow { kind: "verified_results", theme: "新材料验证成果专项路演", field: "new_materials", held_on, mode, place, note: "" }
    }

    /// 000 二(十一): a roadshow has a day ahead (within a year), a theme and, unless online, a place.
    #[test]
    fn a_roadshow_needs_a_day_ahead_and_a_place_unless_online() {
        let today = day("2026-05-01");
        let cases: [(&str, &str, &str, Result<(), &str>); 6] = [
            ("2026-05-20", "onsite", "温州市科技大厦", Ok(())),
            ("2026-05-20", "online", "", Ok(())),
            ("2026-05-20", "hybrid", "", Err("place")),
            ("2026-04-30", "onsite", "温州市科技大厦", Err("held_on")),
            ("2027-06-01", "onsite", "温州市科技大厦", Err("held_on")),
            ("2026-05-20", "boat", "", Err("mode")),
        ];
        for (held_on, mode, place, want) in cases {
            let got = RoadshowDraft::parse(&raw(held_on, mode, place), today).map(|_| ()).map_err(|e| e.first().map(|f| f.field.clone()).unwrap_or_default());
            assert_eq!(got, want.map_err(str::to_owned), "{held_on} {mode} {place:?}");
        }
        let bad_field = RawRoadshow { field: "astrology", ..raw("2026-05-20", "online", "") };
        assert!(RoadshowDraft::parse(&bad_field, today).is_err_and(|e| e.iter().any(|f| f.field == "field")));
        let every_field = RawRoadshow { field: "", ..raw("2026-05-20", "online", "") };
        assert_eq!(RoadshowDraft::parse(&every_field, today).map(|d| d.field), Ok(String::new()));
    }

    #[test]
    fn guests_fit_their_kind_and_attendance_waits_for_the_day() {
        assert!(InviteeKind::Bank.fits(OrgKind::Bank) && !InviteeKind::Bank.fits(OrgKind::Enterprise));
        assert!(InviteeKind::ChainLeader.fits(OrgKind::Enterprise) && InviteeKind::Fund.fits(OrgKind::InvestmentFund));
        assert!(!InviteeKind::Investor.fits(OrgKind::University));
        let held = day("2026-05-20");
        assert!(may_record_attendance(RoadshowState::Planned, held, day("2026-05-19")).is_err());
        assert!(may_record_attendance(RoadshowState::Planned, held, held).is_ok());
        assert!(may_record_attendance(RoadshowState::Held, held, day("2026-05-21")).is_ok(), "a correction after the day");
        assert!(may_record_attendance(RoadshowState::Cancelled, held, day("2026-05-21")).is_err());
        assert!(may_change_programme(RoadshowState::Planned).is_ok() && may_change_programme(RoadshowState::Held).is_err());
    }
}
