//! Replacing an expert who declined, without moving anyone else.

use super::model::Instance;
use super::output::{Components, Solution, SCALE};
use super::prepare::{eligibility_reason, Prepared};
use super::PanelError;
use crate::expert::ExpertKind;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One item's current panel (expert ids), as stored by the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Assignment {
    /// Item id.
    pub item: String,
    /// Expert ids on its panel.
    pub experts: Vec<String>,
}

impl Solution {
    /// The panels as plain assignments (input of [`replace`]).
    pub fn assignments(&self) -> Vec<Assignment> {
        self.panels
            .iter()
            .map(|p| Assignment { item: p.item.clone(), experts: p.experts.iter().map(|s| s.expert.clone()).collect() })
            .collect()
    }
}

/// An expert who could take the seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Candidate {
    /// Expert id.
    pub expert: String,
    /// Kind.
    pub kind: ExpertKind,
    /// Affinity in [0, 1].
    pub affinity: f64,
    /// Affinity in millionths.
    pub affinity_micro: i64,
    /// How the affinity was computed.
    pub components: Components,
    /// From the host unit.
    pub internal: bool,
    /// Load before taking the seat.
    pub load: u32,
    /// Why the expert is eligible.
    pub reason: String,
}

/// The proposal for one declined seat.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Replacement {
    /// Item id.
    pub item: String,
    /// The expert who declined.
    pub declined: String,
    /// The best replacement keeping every rule, if any.
    pub proposed: Option<Candidate>,
    /// The next best ones (up to 5).
    pub alternatives: Vec<Candidate>,
    /// What the replacement had to respect, or why nobody fits, in Chinese.
    pub explanation: String,
    /// The same in English.
    pub explanation_en: String,
}

/// Proposes the best eligible replacement for `declined` on `item_id`: it keeps
/// every hard rule, its own maximum load, the item's kind minimums and
/// internal cap, and moves nobody else. The declined expert is not proposed
/// again for this item.
pub fn replace(instance: &Instance, current: &[Assignment], item_id: &str, declined: &str) -> Result<Replacement, PanelError> {
    instance.validate().map_err(PanelError::Invalid)?;
    let unknown = |what: &'static str, id: &str| PanelError::Unknown { what, id: id.chars().take(64).collect() };
    let i = instance.items.iter().position(|x| x.id == item_id).ok_or_else(|| unknown("item", item_id))?;
    let index: HashMap<&str, usize> = instance.experts.iter().enumerate().map(|(j, e)| (e.id.as_str(), j)).collect();
    let j0 = *index.get(declined).ok_or_else(|| unknown("expert", declined))?;
    let item = &instance.items[i];
    let mut loads = vec![0u32; instance.experts.len()];
    let mut panel: Vec<usize> = Vec::new();
    for a in current {
        for e in &a.experts {
            let j = *index.get(e.as_str()).ok_or_else(|| unknown("expert", e))?;
            loads[j] += 1;
            if a.item == item_id {
                panel.push(j);
            }
        }
    }
    if !panel.contains(&j0) {
        return Err(PanelError::Unknown { what: "panel member", id: declined.chars().take(64).collect() });
    }
    let prep = Prepared::new(instance);
    let rest: Vec<usize> = panel.iter().copied().filter(|&j| j != j0).collect();
    let mut kind_count = [0u32; 3];
    let mut internal = 0u32;
    for &j in &rest {
        kind_count[prep.kind[j] as usize] += 1;
        if prep.internal(i, j) {
            internal += 1;
        }
    }
    let required: Option<usize> =
        ExpertKind::ALL.iter().enumerate().find(|(k, kind)| kind_count[*k] < item.min_of(**kind)).map(|(k, _)| k);
    let cap = item.internal_cap();
    let internal_blocked = cap.is_some_and(|c| internal + 1 > c);

    let mut sc = prep.scratch();
    prep.mark_conflicts(i, &mut sc);
    let (mut eligible, mut full, mut wrong_kind, mut blocked) = (0u32, 0u32, 0u32, 0u32);
    let mut fits: Vec<(i64, usize)> = Vec::new();
    for (j, (e, &load)) in instance.experts.iter().zip(&loads).enumerate() {
        if j == j0 || rest.contains(&j) || !sc.eligible(j) {
            continue;
        }
        eligible += 1;
        if load >= e.max_load {
            full += 1;
            continue;
        }
        if required.is_some_and(|k| prep.kind[j] as usize != k) {
            wrong_kind += 1;
            continue;
        }
        if internal_blocked && prep.internal(i, j) {
            blocked += 1;
            continue;
        }
        let (micro, _) = prep.components(i, j);
        fits.push((micro, j));
    }
    fits.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    let candidate = |&(micro, j): &(i64, usize)| {
        let (_, components) = prep.components(i, j);
        let e = &instance.experts[j];
        let inside = prep.internal(i, j);
        Candidate {
            expert: e.id.clone(),
            kind: e.kind,
            affinity: micro as f64 / SCALE as f64,
            affinity_micro: micro,
            components,
            internal: inside,
            load: loads[j],
            reason: eligibility_reason(item, inside),
        }
    };
    let mut rules_zh = vec!["无利益冲突".to_owned(), "未达评审上限".to_owned()];
    let mut rules_en = vec!["no conflict".to_owned(), "below the maximum load".to_owned()];
    if let Some(k) = required {
        rules_zh.push(format!("须为{}（最少人数要求）", ExpertKind::ALL[k].label_zh()));
        rules_en.push(format!("must be {} (kind minimum)", ExpertKind::ALL[k].as_str()));
    }
    if let (Some(c), true) = (cap, internal_blocked) {
        rules_zh.push(format!("须为依托单位外部专家（内部专家至多{c}人）"));
        rules_en.push(format!("must be external to the host unit (at most {c} internal)"));
    }
    let (explanation, explanation_en) = if fits.is_empty() {
        let mut zh = format!("没有可替换的专家：其余无利益冲突的{eligible}名专家中，{full}名已达评审上限");
        let mut en = format!("no replacement: of the other {eligible} eligible experts, {full} are at their maximum load");
        if let Some(k) = required {
            zh.push_str(&format!("，{wrong_kind}名不是所需的{}", ExpertKind::ALL[k].label_zh()));
            en.push_str(&format!(", {wrong_kind} are not {} experts as the kind minimum requires", ExpertKind::ALL[k].as_str()));
        }
        if internal_blocked {
            zh.push_str(&format!("，{blocked}名为依托单位内部专家（内部专家已达上限）"));
            en.push_str(&format!(", {blocked} are from the host unit whose cap is reached"));
        }
        (zh, en)
    } else {
        (format!("替换条件：{}；其他专家不作调整", rules_zh.join("、")), format!("the replacement keeps: {}; nobody else moves", rules_en.join(", ")))
    };
    Ok(Replacement {
        item: item.id.clone(),
        declined: declined.to_owned(),
        proposed: fits.first().map(candidate),
        alternatives: fits.iter().skip(1).take(5).map(candidate).collect(),
        explanation,
        explanation_en,
    })
}
