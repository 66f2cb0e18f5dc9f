//! The registry's figures as every page shows them — home page, dashboards,
//! center lists — from one reading ([`pocnet_store::stats::registry`]) and one
//! definition of "recognized" (a recognized stage, a recognition on record,
//! active; [`pocnet_domain::center::counts_as_recognized`]), so the pages agree.
//! Coverage follows 000 一: the industries and their sub-fields of the
//! network's catalogue, and the host types.

use crate::error::AppResult;
use crate::routes::dashboard::{Card, Chart};
use crate::AppState;
use pocnet_domain::catalogue::{self, Catalogue};
use pocnet_domain::center::{CenterKind, CenterLevel};
use pocnet_store::stats::RegistryCounts;

/// The registry's figures for the whole network or one region.
pub struct Figures {
    /// The counts.
    pub counts: std::sync::Arc<RegistryCounts>,
    /// The catalogue coverage is measured against.
    pub catalogue: Catalogue,
    /// The network's targets (the profile's `[[goal]]`s, e.g. 30 municipal centers by 2027).
    pub goals: Vec<pocnet_domain::policy::profile::Goal>,
}

/// Reads the figures (three indexed queries, once per change of the registry and day). The
/// catalogue and targets are those of the network's own profile (the one the white paper uses).
pub async fn load(state: &AppState, region: Option<&str>) -> AppResult<Figures> {
    let counts = state.registry_figures(region, &state.today().to_string()).await?;
    let all = state.all_centers().await?;
    let profile = pocnet_app::white_paper::network_profile(state.context(), &all).ok();
    Ok(Figures {
        counts,
        catalogue: profile.map_or_else(|| catalogue::wenzhou().clone(), Catalogue::of),
        goals: profile.map(|p| p.goals.clone()).unwrap_or_default(),
    })
}

fn card(label: &str, value: i64, target: Option<i64>, hint: &str) -> Card {
    Card { label: label.into(), value, target, hint: hint.into() }
}

impl Figures {
    /// The recognized centers' field codes.
    fn fields(&self) -> Vec<Vec<String>> {
        self.counts.recognized.iter().map(|(_, _, _, f)| f.clone()).collect()
    }

    /// The target a goal of the network's profile sets for recognized centers of `kind` at `level`, with its wording.
    fn goal(&self, kind: CenterKind, level: CenterLevel) -> (Option<i64>, String) {
        use pocnet_domain::policy::profile::GoalMeasure;
        self.goals
            .iter()
            .find(|g| g.measure == GoalMeasure::RecognizedCenters { center_kind: kind, level })
            .map_or((None, "已认定且资格有效".to_owned()), |g| (g.target, format!("目标：{}（{}年）；仅计已认定且资格有效的中心", g.article, g.by_year)))
    }

    /// The registry's headline cards of the bureau.
    pub fn bureau_cards(&self) -> Vec<Card> {
        let c = &self.counts;
        let (municipal, municipal_hint) = self.goal(CenterKind::PocCenter, CenterLevel::Municipal);
        let (provincial, provincial_hint) = self.goal(CenterKind::PocCenter, CenterLevel::Provincial);
        vec![
            card("市级及以上概念验证中心", c.recognized(CenterKind::PocCenter, CenterLevel::Municipal), municipal, &municipal_hint),
            card("省级及以上概念验证中心", c.recognized(CenterKind::PocCenter, CenterLevel::Provincial), provincial, &provincial_hint),
            card("中试平台", c.recognized(CenterKind::PilotPlatform, CenterLevel::Municipal), None, "已认定且资格有效"),
            card("创建中", c.creating, None, "已列入创建名单、尚未认定（先创建后认定）"),
            card("复评逾期", c.reevaluation_overdue, None, "中试平台“两年一复评”已过期未复评（浙江省现代化中试平台实施方案五）"),
        ]
    }

    /// Centers per field and sub-field of the catalogue (000 一、二(一)).
    pub fn field_chart(&self, title: &str) -> Chart {
        let rows = catalogue::coverage(&self.catalogue, &self.fields());
        Chart { title: title.into(), bars: rows.into_iter().map(|r| (r.label, r.centers)).collect() }
    }

    /// Centers per host type (000 一: 重点高校、省级新型研发机构、研究型医院、孵化器).
    pub fn host_chart(&self) -> Chart {
        let hosts: Vec<_> = self.counts.recognized.iter().map(|(_, _, h, _)| *h).collect();
        Chart { title: "按依托单位类型的已认定中心数".into(), bars: catalogue::host_coverage(&hosts) }
    }

    /// What the bureau should see: fields, sub-fields and host types not yet
    /// covered by a recognized center, and overdue re-evaluations.
    pub fn notes(&self) -> Vec<String> {
        let mut notes = Vec::new();
        let rows = catalogue::coverage(&self.catalogue, &self.fields());
        let uncovered: Vec<&str> = rows.iter().filter(|r| r.centers == 0).map(|r| r.label.as_str()).collect();
        if !uncovered.is_empty() {
            notes.push(format!("尚无已认定中心覆盖的产业领域或细分领域：{}", uncovered.join("、")));
        }
        let hosts: Vec<_> = self.counts.recognized.iter().map(|(_, _, h, _)| *h).collect();
        let missing: Vec<String> = catalogue::host_coverage(&hosts).into_iter().filter(|(_, n)| *n == 0).map(|(l, _)| l).collect();
        if !missing.is_empty() {
            notes.push(format!("尚无已认定中心的依托单位类型：{}", missing.join("、")));
        }
        if self.counts.reevaluation_overdue > 0 {
            notes.push(format!("{}个中试平台复评已逾期，请在中心名录中按“复评到期”排序查看", self.counts.reevaluation_overdue));
        }
        notes
    }

    /// The catalogue's top-level fields covered by a recognized center, and their number.
    pub fn fields_covered(&self) -> (usize, usize) {
        let rows = catalogue::coverage(&self.catalogue, &self.fields());
        let top: Vec<_> = rows.iter().filter(|r| r.parent.is_none()).collect();
        (top.iter().filter(|r| r.centers > 0).count(), top.len())
    }
}

/// One note per center whose re-evaluation (复评, 001 中试 五 两年一复评) is overdue.
pub fn overdue_notes(list: &[&pocnet_store::centers::Center], today: chrono::NaiveDate) -> Vec<String> {
    list.iter()
        .filter(|c| c.reevaluation_overdue(today))
        .map(|c| format!("{}复评已逾期：应于{}前复评（两年一复评）", c.name, c.reevaluation_due.map(|d| d.to_string()).unwrap_or_default()))
        .collect()
}
