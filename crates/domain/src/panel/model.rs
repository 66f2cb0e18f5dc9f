//! The input of the panel assigner: the JSON read by `pocnet panels assign`
//! (documented with a full example in `docs/PANELS.md`).
//!
//! Parse with serde, then call [`Instance::validate`] (done by
//! [`super::assign`]): every error names the JSON path of the value at fault,
//! e.g. `items[3].min_per_kind.investment`.

use crate::expert::ExpertKind;
use crate::validation::FieldError;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap, HashSet};

/// One assignment problem: items to review, the experts who may review them,
/// the conflicts and the options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Instance {
    /// What is reviewed (projects, applications, centers).
    pub items: Vec<Item>,
    /// The expert library (or the part of it eligible for this review).
    pub experts: Vec<Expert>,
    /// Conflicts known to the bureau for one expert and one item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conflicts: Vec<PairConflict>,
    /// Experts the bureau excluded from all reviews.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blacklist: Vec<BlacklistEntry>,
    /// Affinity scores given explicitly; they replace the computed score of the pair.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub affinities: Vec<AffinityOverride>,
    /// How to solve.
    #[serde(default)]
    pub options: Options,
}

/// One item to review and the rules its panel must follow.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Unique id of the item.
    pub id: String,
    /// Number of experts on its panel.
    pub panel_size: u32,
    /// The unit that owns or applies with the item: its experts are in conflict.
    pub owner_org: String,
    /// Host unit of the center that runs the review (for `max_internal_share`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_org: Option<String>,
    /// Person ids (expert ids among them) of team members and co-applicants: in conflict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub team: Vec<String>,
    /// Fields of the item (from the profile catalogue).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Sub-fields of the item.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_fields: Vec<String>,
    /// Keywords of the item (Chinese or English).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Day of the review meeting; experts not available that day are ineligible.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub review_date: Option<NaiveDate>,
    /// At least this many experts of each kind, e.g. `{"industry": 1, "investment": 1}`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub min_per_kind: BTreeMap<ExpertKind, u32>,
    /// At most this share of the panel from `host_org` (0.5: at most half, rounded down).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_internal_share: Option<f64>,
}

/// One expert of the library.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = PanelExpert)]
pub struct Expert {
    /// Unique id of the expert (also their person id in `team` and declared conflicts).
    pub id: String,
    /// Academic, industry or investment.
    pub kind: ExpertKind,
    /// The expert's organisation.
    pub org: String,
    /// Fields of expertise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub fields: Vec<String>,
    /// Sub-fields of expertise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sub_fields: Vec<String>,
    /// Keywords of the expert's profile.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub keywords: Vec<String>,
    /// Fewest items this expert should review (honoured whenever it can be).
    #[serde(default)]
    pub min_load: u32,
    /// Most items this expert may review.
    pub max_load: u32,
    /// Conflicts the expert declared.
    #[serde(default, skip_serializing_if = "DeclaredConflicts::is_empty")]
    pub conflicts: DeclaredConflicts,
    /// Date windows when the expert is available; absent: always available.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub availability: Option<Vec<Window>>,
}

/// Conflicts an expert declared (申报回避).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeclaredConflicts {
    /// Organisations: items owned by them are in conflict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub orgs: Vec<String>,
    /// Persons (or expert ids): items whose team includes one of them are in conflict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub persons: Vec<String>,
    /// Items named directly.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
}

impl DeclaredConflicts {
    /// Nothing declared.
    pub fn is_empty(&self) -> bool {
        self.orgs.is_empty() && self.persons.is_empty() && self.items.is_empty()
    }
}

/// Inclusive date window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Window {
    /// First day.
    pub from: NaiveDate,
    /// Last day (inclusive).
    pub to: NaiveDate,
}

/// A conflict between one expert and one item, known to the bureau.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PairConflict {
    /// Expert id.
    pub expert: String,
    /// Item id.
    pub item: String,
    /// Why (kept in the audit record).
    #[serde(default)]
    pub reason: String,
}

/// An expert excluded by the bureau.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BlacklistEntry {
    /// Expert id.
    pub expert: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
}

/// An explicit affinity for one pair, replacing the computed one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AffinityOverride {
    /// Item id.
    pub item: String,
    /// Expert id.
    pub expert: String,
    /// Score in [0, 1].
    pub score: f64,
}

/// How to solve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Draw a randomised assignment (Jecmen et al. 2020) instead of the optimal one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub randomize: Option<Randomize>,
    /// Candidates per item kept in the sparse graph (the solver proves optimality on all pairs anyway).
    #[serde(default = "default_top_k")]
    pub top_k: usize,
    /// Time budget of the composition search (the flow itself always runs to the end).
    #[serde(default = "default_time_limit_ms")]
    pub time_limit_ms: u64,
    /// Stop the composition search once the proven gap is at most this (0.0001 = 0.01 %).
    #[serde(default = "default_gap_target")]
    pub gap_target: f64,
    /// Weights of the affinity components.
    #[serde(default)]
    pub weights: Weights,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            randomize: None,
            top_k: default_top_k(),
            time_limit_ms: default_time_limit_ms(),
            gap_target: default_gap_target(),
            weights: Weights::default(),
        }
    }
}

fn default_top_k() -> usize {
    50
}
fn default_time_limit_ms() -> u64 {
    10_000
}
fn default_gap_target() -> f64 {
    0.0001
}

/// Randomised assignment: no pair gets a probability above `q`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Randomize {
    /// Cap on the probability of any expert landing on any item, in (0, 1], resolved to 0.001.
    pub q: f64,
    /// Seed of the draw (recorded in the output; the same seed gives the same draw).
    pub seed: u64,
}

/// Weights of the affinity components; the score is their weighted mean.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Weights {
    /// Share of the item's fields the expert covers.
    pub field: f64,
    /// Share of the item's sub-fields the expert covers.
    pub sub_field: f64,
    /// Cosine similarity of keywords and their Chinese character bigrams.
    pub text: f64,
}

impl Default for Weights {
    fn default() -> Self {
        Self { field: 0.3, sub_field: 0.3, text: 0.4 }
    }
}

fn err(field: String, code: &'static str, message: String) -> FieldError {
    FieldError::new(field, code, message)
}

impl Instance {
    /// Checks every rule the solver relies on; each error names its JSON path.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut item_ids: HashMap<&str, usize> = HashMap::new();
        for (i, item) in self.items.iter().enumerate() {
            let p = format!("items[{i}]");
            if item.id.trim().is_empty() {
                errors.push(err(format!("{p}.id"), "required", "项目编号不能为空".into()));
            } else if item_ids.insert(item.id.as_str(), i).is_some() {
                errors.push(err(format!("{p}.id"), "duplicate", format!("项目编号 {} 重复", item.id)));
            }
            if item.panel_size == 0 {
                errors.push(err(format!("{p}.panel_size"), "out_of_range", "专家组人数至少为1".into()));
            }
            if item.owner_org.trim().is_empty() {
                errors.push(err(format!("{p}.owner_org"), "required", "项目所属单位不能为空".into()));
            }
            let mins: u32 = item.min_per_kind.values().sum();
            if mins > item.panel_size {
                errors.push(err(
                    format!("{p}.min_per_kind"),
                    "out_of_range",
                    format!("各类专家最少人数之和（{mins}）超过专家组人数（{}）", item.panel_size),
                ));
            }
            if let Some(share) = item.max_internal_share {
                if !(0.0..=1.0).contains(&share) || share.is_nan() {
                    errors.push(err(format!("{p}.max_internal_share"), "out_of_range", "内部专家比例上限应在0到1之间".into()));
                }
                if item.host_org.is_none() {
                    errors.push(err(format!("{p}.host_org"), "required", "设置内部专家比例上限时须给出依托单位".into()));
                }
            }
        }
        let mut expert_ids: HashSet<&str> = HashSet::new();
        for (j, e) in self.experts.iter().enumerate() {
            let p = format!("experts[{j}]");
            if e.id.trim().is_empty() {
                errors.push(err(format!("{p}.id"), "required", "专家编号不能为空".into()));
            } else if !expert_ids.insert(e.id.as_str()) {
                errors.push(err(format!("{p}.id"), "duplicate", format!("专家编号 {} 重复", e.id)));
            }
            if e.org.trim().is_empty() {
                errors.push(err(format!("{p}.org"), "required", "专家所在单位不能为空".into()));
            }
            if e.min_load > e.max_load {
                errors.push(err(
                    format!("{p}.min_load"),
                    "out_of_range",
                    format!("最少评审数（{}）大于最多评审数（{}）", e.min_load, e.max_load),
                ));
            }
            if let Some(windows) = &e.availability {
                for (w, win) in windows.iter().enumerate() {
                    if win.from > win.to {
                        errors.push(err(format!("{p}.availability[{w}]"), "out_of_range", "档期的开始日期晚于结束日期".into()));
                    }
                }
            }
            for (k, item) in e.conflicts.items.iter().enumerate() {
                if !item_ids.contains_key(item.as_str()) {
                    errors.push(err(format!("{p}.conflicts.items[{k}]"), "unknown_item", format!("未知项目 {item}")));
                }
            }
        }
        for (c, pc) in self.conflicts.iter().enumerate() {
            if !expert_ids.contains(pc.expert.as_str()) {
                errors.push(err(format!("conflicts[{c}].expert"), "unknown_expert", format!("未知专家 {}", pc.expert)));
            }
            if !item_ids.contains_key(pc.item.as_str()) {
                errors.push(err(format!("conflicts[{c}].item"), "unknown_item", format!("未知项目 {}", pc.item)));
            }
        }
        for (b, entry) in self.blacklist.iter().enumerate() {
            if !expert_ids.contains(entry.expert.as_str()) {
                errors.push(err(format!("blacklist[{b}].expert"), "unknown_expert", format!("未知专家 {}", entry.expert)));
            }
        }
        for (a, ov) in self.affinities.iter().enumerate() {
            if !expert_ids.contains(ov.expert.as_str()) {
                errors.push(err(format!("affinities[{a}].expert"), "unknown_expert", format!("未知专家 {}", ov.expert)));
            }
            if !item_ids.contains_key(ov.item.as_str()) {
                errors.push(err(format!("affinities[{a}].item"), "unknown_item", format!("未知项目 {}", ov.item)));
            }
            if !(0.0..=1.0).contains(&ov.score) || ov.score.is_nan() {
                errors.push(err(format!("affinities[{a}].score"), "out_of_range", "匹配度应在0到1之间".into()));
            }
        }
        let o = &self.options;
        if o.top_k == 0 {
            errors.push(err("options.top_k".into(), "out_of_range", "候选专家数至少为1".into()));
        }
        if !(0.0..1.0).contains(&o.gap_target) || o.gap_target.is_nan() {
            errors.push(err("options.gap_target".into(), "out_of_range", "目标间隙应在0到1之间".into()));
        }
        if let Some(r) = &o.randomize {
            if !(r.q > 0.0 && r.q <= 1.0) || (r.q * 1000.0).round() < 1.0 {
                errors.push(err("options.randomize.q".into(), "out_of_range", "概率上限q应在0.001到1之间".into()));
            }
        }
        let w = &o.weights;
        for (name, v) in [("field", w.field), ("sub_field", w.sub_field), ("text", w.text)] {
            if !(v >= 0.0 && v.is_finite()) {
                errors.push(err(format!("options.weights.{name}"), "out_of_range", "权重不能为负".into()));
            }
        }
        let total = w.field + w.sub_field + w.text;
        if total.is_nan() || total <= 0.0 {
            errors.push(err("options.weights".into(), "out_of_range", "权重之和须大于0".into()));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }
}

impl Item {
    /// Most experts from the host unit this item's panel may have (`None`: no cap).
    pub fn internal_cap(&self) -> Option<u32> {
        let share = self.max_internal_share?;
        self.host_org.as_ref()?;
        // 1e-9 so that 0.6 × 5 = 2.9999999999999996 still gives 3.
        Some(((share * f64::from(self.panel_size)) + 1e-9).floor() as u32)
    }

    /// Minimum of one kind (0 when unset).
    pub fn min_of(&self, kind: ExpertKind) -> u32 {
        self.min_per_kind.get(&kind).copied().unwrap_or(0)
    }
}

impl Expert {
    /// Whether the expert is available on `date`.
    pub fn available_on(&self, date: NaiveDate) -> bool {
        match &self.availability {
            None => true,
            Some(windows) => windows.iter().any(|w| w.from <= date && date <= w.to),
        }
    }
}
