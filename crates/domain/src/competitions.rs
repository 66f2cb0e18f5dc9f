//! Concept-verification competitions (概念验证竞赛, 004 四(四) “支持举办专业化、品牌化的专题论坛、概念验证竞赛、
//! 成果路演等活动，挖掘应用场景”) as the bureau runs them: it announces a competition with its entry
//! window and prizes, teams and enterprises enter, the jury's scores rank the entries, and the
//! prizes go down the ranking.

use crate::validation::{collect, day, multiline, text, DayRange};
use crate::FieldError;
use chrono::NaiveDate;

string_enum! {
    /// Where a competition stands.
    pub enum CompetitionState {
        /// 报名中: entries are taken within the window.
        Open => ("open", "报名中"),
        /// 评审中: entries closed, the jury scores.
        Judging => ("judging", "评审中"),
        /// 已公布: the prizes are announced.
        Announced => ("announced", "已公布结果"),
    }
}

string_enum! {
    /// Where an entry stands.
    pub enum EntryState {
        /// 已报名.
        Entered => ("entered", "已报名"),
        /// 已撤回: its entrant took it back before entries closed.
        Withdrawn => ("withdrawn", "已撤回"),
        /// 获奖.
        Awarded => ("awarded", "获奖"),
        /// 未获奖.
        NotAwarded => ("not_awarded", "未获奖"),
    }
}

string_enum! {
    /// A prize.
    pub enum Prize {
        /// 一等奖.
        First => ("first", "一等奖"),
        /// 二等奖.
        Second => ("second", "二等奖"),
        /// 三等奖.
        Third => ("third", "三等奖"),
        /// 优秀奖.
        Merit => ("merit", "优秀奖"),
    }
}

/// How many of each prize a competition gives, in the order of [`Prize::ALL`].
pub type Prizes = [u32; 4];

/// The most of one prize.
pub const MAX_PRIZE_COUNT: u32 = 50;

/// A competition as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawCompetition<'a> {
    /// 竞赛名称.
    pub title: &'a str,
    /// 竞赛说明 (themes, who may enter, what is judged).
    pub description: &'a str,
    /// Field code (optional: every field).
    pub field: &'a str,
    /// 报名开始.
    pub opens_on: &'a str,
    /// 报名截止.
    pub closes_on: &'a str,
    /// How many of each prize (一等奖, 二等奖, 三等奖, 优秀奖), as typed.
    pub prizes: [&'a str; 4],
}

/// A checked competition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompetitionDraft {
    /// 竞赛名称, 2–60 characters.
    pub title: String,
    /// 竞赛说明, 10–4,000 characters.
    pub description: String,
    /// Field code, empty for every field.
    pub field: String,
    /// 报名开始 (from today on a new competition).
    pub opens_on: NaiveDate,
    /// 报名截止 (not before the start, within a year of it).
    pub closes_on: NaiveDate,
    /// How many of each prize; at least one prize in all.
    pub prizes: Prizes,
}

impl CompetitionDraft {
    /// Checks every field on `today`, naming each that fails.
    pub fn parse(raw: &RawCompetition<'_>, today: NaiveDate) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = collect(&mut errors, text("title", "竞赛名称", raw.title, 2, 60));
        let description = collect(&mut errors, multiline("description", "竞赛说明", raw.description, 10, 4000));
        let field = raw.field.trim();
        let field = collect(
            &mut errors,
            if field.is_empty() || crate::industry::field(field).is_some() { Ok(field.to_owned()) } else { Err(FieldError::unknown_value("field", "产业领域")) },
        );
        let year = chrono::Months::new(12);
        let opens_on = collect(&mut errors, day("opens_on", "报名开始日期", raw.opens_on, DayRange { earliest: today, latest: today.checked_add_months(year).unwrap_or(today) }));
        let closes_on = opens_on.and_then(|o| {
            collect(&mut errors, day("closes_on", "报名截止日期", raw.closes_on, DayRange { earliest: o, latest: o.checked_add_months(year).unwrap_or(o) }))
        });
        let mut prizes: Prizes = [0; 4];
        for (i, (p, raw)) in Prize::ALL.iter().zip(raw.prizes).enumerate() {
            let f = format!("prizes.{}", p.as_str());
            match raw.trim() {
                "" => {}
                t => match t.parse::<u32>() {
                    Ok(n) if n <= MAX_PRIZE_COUNT => prizes[i] = n,
                    _ => errors.push(FieldError::new(f, "out_of_range", format!("{}名额须为0至{MAX_PRIZE_COUNT}的整数", p.label_zh()))),
                },
            }
        }
        if errors.is_empty() && prizes.iter().all(|n| *n == 0) {
            errors.push(FieldError::new("prizes", "required", "至少设置一个奖项名额"));
        }
        match (title, description, field, opens_on, closes_on) {
            (Some(title), Some(description), Some(field), Some(opens_on), Some(closes_on)) if errors.is_empty() => {
                Ok(Self { title, description, field, opens_on, closes_on, prizes })
            }
            _ => Err(errors),
        }
    }
}

/// Whether entries are taken on `today`, or why not.
pub fn accepts_entries(state: CompetitionState, opens_on: NaiveDate, closes_on: NaiveDate, today: NaiveDate) -> Result<(), String> {
    match state {
        CompetitionState::Open if today < opens_on => Err(format!("报名将于{opens_on}开始")),
        CompetitionState::Open if today > closes_on => Err(format!("报名已于{closes_on}截止")),
        CompetitionState::Open => Ok(()),
        s => Err(format!("竞赛{}，不再接受报名", s.label_zh())),
    }
}

/// An entry as typed.
#[derive(Debug, Clone, Copy, Default)]
pub struct RawEntry<'a> {
    /// 参赛项目名称.
    pub title: &'a str,
    /// 项目简介 (public once it wins).
    pub summary: &'a str,
    /// 团队 (names, `、`-separated).
    pub team: &'a str,
    /// 应用场景.
    pub scenario: &'a str,
}

/// A checked entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryDraft {
    /// 参赛项目名称, 2–100 characters.
    pub title: String,
    /// 项目简介, 10–2,000 characters.
    pub summary: String,
    /// 团队, 2–200 characters.
    pub team: String,
    /// 应用场景, up to 1,000 characters.
    pub scenario: String,
}

impl EntryDraft {
    /// Checks every field, naming each that fails.
    pub fn parse(raw: &RawEntry<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let title = collect(&mut errors, text("title", "参赛项目名称", raw.title, 2, 100));
        let summary = collect(&mut errors, multiline("summary", "项目简介", raw.summary, 10, 2000));
        let team = collect(&mut errors, text("team", "团队成员", raw.team, 2, 200));
        let scenario = collect(&mut errors, multiline("scenario", "应用场景", raw.scenario, 0, 1000));
        match (title, summary, team, scenario) {
            (Some(title), Some(summary), Some(team), Some(scenario)) if errors.is_empty() => Ok(Self { title, summary, team, scenario }),
            _ => Err(errors),
        }
    }
}

/// The prizes of entries ranked by their scores: `scored` holds each entry's id and score (0–100)
/// in the order entered; the best score takes the first prize left, ties keep the order entered
/// (the earlier entry ranks first), and entries beyond the prizes get none. Answers each entry's
/// prize in the order given.
pub fn award(scored: &[(i64, i32)], prizes: Prizes) -> Vec<(i64, Option<Prize>)> {
    let mut order: Vec<usize> = (0..scored.len()).collect();
    order.sort_by(|a, b| scored[*b].1.cmp(&scored[*a].1).then(a.cmp(b)));
    let mut ladder = Prize::ALL.iter().zip(prizes).flat_map(|(p, n)| std::iter::repeat_n(*p, n as usize));
    let mut out: Vec<(i64, Option<Prize>)> = scored.iter().map(|(id, _)| (*id, None)).collect();
    for i in order {
        out[i].1 = ladder.next();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn competition_rules() {
        let today = d("2026-12-03");
        let ok = RawCompetition { title: "2027温州概念验证大赛", description: "面向未来产业的早期成果，评审技术创新性、市场前景和团队", field: "", opens_on: "2026-12-10", closes_on: "2027-02-28", prizes: ["1", "2", "3", ""] };
        assert_eq!(CompetitionDraft::parse(&ok, today).map(|c| c.prizes), Ok([1, 2, 3, 0]));
        type Case = (&'static str, fn(&mut RawCompetition<'static>), &'static str, &'static str);
        let cases: &[Case] = &[
            ("opens in the past", |r| r.opens_on = "2026-12-02", "opens_on", "out_of_range"),
            ("closes before it opens", |r| r.closes_on = "2026-12-09", "closes_on", "out_of_range"),
            ("window over a year", |r| r.closes_on = "2027-12-11", "closes_on", "out_of_range"),
            ("unknown field", |r| r.field = "alchemy", "field", "unknown_value"),
            ("no prizes", |r| r.prizes = ["0", "", "0", ""], "prizes", "required"),
            ("prize not a number", |r| r.prizes = ["一", "", "", ""], "prizes.first", "out_of_range"),
            ("too many of a prize", |r| r.prizes = ["", "", "", "51"], "prizes.merit", "out_of_range"),
            ("no title", |r| r.title = "", "title", "required"),
        ];
        for (name, edit, field, code) in cases {
            let mut r = ok;
            edit(&mut r);
            let Err(es) = CompetitionDraft::parse(&r, today) else { panic!("{name}: accepted") };
            assert!(es.iter().any(|e| e.field == *field && e.code == *code), "{name}: {es:?}");
        }
    }

    #[test]
    fn the_entry_window() {
        let (o, c) = (d("2026-12-10"), d("2027-02-28"));
        let cases = [
            (CompetitionState::Open, "2026-12-09", false),
            (CompetitionState::Open, "2026-12-10", true),
            (CompetitionState::Open, "2027-02-28", true),
            (CompetitionState::Open, "2027-03-01", false),
            (CompetitionState::Judging, "2027-01-01", false),
            (CompetitionState::Announced, "2027-01-01", false),
        ];
        for (state, today, ok) in cases {
            assert_eq!(accepts_entries(state, o, c, d(today)).is_ok(), ok, "{state:?} {today}");
        }
    }

    #[test]
    fn prizes_go_down_the_ranking() {
        use Prize::*;
        type Case = (Vec<(i64, i32)>, Prizes, Vec<(i64, Option<Prize>)>);
        let cases: Vec<Case> = vec![
            (vec![(1, 70), (2, 90), (3, 80)], [1, 1, 0, 0], vec![(1, None), (2, Some(First)), (3, Some(Second))]),
            // A tie: the earlier entry ranks first.
            (vec![(1, 85), (2, 85), (3, 60)], [1, 1, 1, 0], vec![(1, Some(First)), (2, Some(Second)), (3, Some(Third))]),
            // More prizes than entries: every entry wins.
            (vec![(1, 10)], [1, 2, 3, 4], vec![(1, Some(First))]),
            // Only merit prizes.
            (vec![(1, 50), (2, 60), (3, 40)], [0, 0, 0, 2], vec![(1, Some(Merit)), (2, Some(Merit)), (3, None)]),
            (vec![], [1, 0, 0, 0], vec![]),
        ];
        for (scored, prizes, want) in cases {
            assert_eq!(award(&scored, prizes), want, "{scored:?} {prizes:?}");
        }
    }

    #[test]
    fn entry_rules() {
        let ok = RawEntry { title: "柔性叠层光伏组件", summary: "钙钛矿与晶硅叠层的柔性组件，效率超过三成", team: "张伟、李娜", scenario: "建筑光伏" };
        assert!(EntryDraft::parse(&ok).is_ok());
        let bad = RawEntry { title: "光", summary: "短", team: "", scenario: "" };
        let Err(es) = EntryDraft::parse(&bad) else { panic!("accepted") };
        let fields: Vec<&str> = es.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["title", "summary", "team"]);
    }
}
