//! Proposals (匹配推荐): for a demand, the results and centers that fit it; for
//! a result, the open demands it fits. Candidates come from the search index
//! (the demand's words, within what the caller may see plus verified results'
//! public faces, the 全球创新资源清单), and each is scored by
//! [`pocnet_domain::matching::fit::score`], so every proposal shows why.

use super::demands::{self as demand_flow, DemandAccess};
use super::field_label;
use crate::search::caller_keys;
use crate::{Caller, Context, Error, Result};
use pocnet_domain::id::{CenterId, DemandId, ResultId};
use pocnet_domain::matching::fit::{self, Fit, Need, Offer, Terms};
use pocnet_domain::money::Yuan;
use pocnet_domain::region::Region;
use pocnet_search::{Cut, Query, SearchIndex};
use pocnet_store::centers;
use pocnet_store::matching::demands::{self, Demand};
use pocnet_store::matching::matches::{self, MatchRecord};
use pocnet_store::search_faces::{self, ResultFace};
use serde::Serialize;

/// Candidates read from the index before scoring.
const CANDIDATES: usize = 60;
/// Words of a demand sought at most.
const MAX_WORDS: usize = 32;

/// Words that say nothing about the technology asked for.
const STOP: &[&str] = &[
    "需要", "现有", "目前", "实现", "进行", "提高", "提升", "问题", "技术", "方案", "研发", "开发", "希望", "要求", "企业", "我们", "公司",
    "一种", "以及", "通过", "可以", "能够", "存在", "相关", "方面", "情况", "导致", "其中", "主要", "解决", "寻求", "合作", "以上", "以下",
    "不足", "达到", "工作", "过程", "具有", "用于", "基于", "面向", "已经", "没有", "如何", "对于", "进一步", "应用",
];

/// The words of a demand (or any text) worth seeking: the coarse cut, two
/// characters or more, no stop words, each once, in order, at most [`MAX_WORDS`].
pub fn wanted_words(index: &SearchIndex, text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in index.segmenter().terms(text, Cut::Coarse) {
        let long_enough = w.chars().count() >= 2;
        let numeric = w.chars().all(|c| c.is_ascii_digit() || c == '.' || c == '%');
        if long_enough && !numeric && !STOP.contains(&w.as_str()) && !out.contains(&w) {
            out.push(w);
            if out.len() == MAX_WORDS {
                break;
            }
        }
    }
    out
}

/// A proposed match.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Proposal {
    /// `result`, `center` or `demand`.
    pub kind: String,
    /// Its id.
    pub id: i64,
    /// Its title or name.
    pub title: String,
    /// The best passage, HTML-escaped, the words found in `<b>`.
    pub snippet: String,
    /// Its unit (owner, host or publisher).
    pub unit: String,
    /// The score with its components.
    pub fit: Fit,
    /// The answers so far, if either side answered.
    pub answered: Option<MatchRecord>,
    /// Who answers for the offer: a result's owner unit, a center's host unit (none for experts and demands).
    pub supply_org_id: Option<i64>,
    /// The host unit of a result's center, whose operator may also answer for it.
    pub supply_host_org_id: Option<i64>,
}

fn need_of(d: &Demand) -> Need<'_> {
    Need {
        field: &d.field,
        sub_field: &d.sub_field,
        target_trl: u8::try_from(d.target_trl).unwrap_or(1),
        region: d.region,
        budget: d.budget_yuan.map(Yuan::new),
    }
}

fn found_in(wanted: &[String], text: &str) -> Vec<String> {
    let text = text.to_lowercase();
    wanted.iter().filter(|w| text.contains(w.as_str())).cloned().collect()
}

fn result_fields(f: &ResultFace) -> Vec<String> {
    let mut v = vec![f.field.clone()];
    if !f.sub_field.is_empty() {
        v.push(f.sub_field.clone());
    }
    v
}

fn result_region(f: &ResultFace) -> Option<Region> {
    Region::parse(f.center_region.as_deref().unwrap_or(&f.owner_region)).ok()
}

/// Scores a result against a demand.
pub fn score_result(ctx: &Context, d: &Demand, wanted: &[String], f: &ResultFace, relevance: f64) -> Fit {
    let fields = result_fields(f);
    let offer = Offer { fields: &fields, trl: u8::try_from(f.trl).ok().filter(|t| *t > 0), region: result_region(f), price: None };
    let terms = Terms { wanted: wanted.to_vec(), matched: found_in(wanted, &format!("{}\n{}", f.title, f.summary)), relevance };
    fit::score(&need_of(d), &offer, &terms, &|c| field_label(ctx, c))
}

/// Scores a center against a demand.
pub fn score_center(ctx: &Context, d: &Demand, wanted: &[String], c: &centers::Center, relevance: f64) -> Fit {
    let offer = Offer { fields: &c.fields, trl: None, region: Some(c.region), price: None };
    let terms = Terms { wanted: wanted.to_vec(), matched: found_in(wanted, &format!("{}\n{}", c.name, c.summary)), relevance };
    fit::score(&need_of(d), &offer, &terms, &|x| field_label(ctx, x))
}

/// Scores an expert against a demand (the fields and sub-fields of the expert's profile).
pub fn score_expert(ctx: &Context, d: &Demand, wanted: &[String], e: &pocnet_store::experts::Expert, relevance: f64) -> Fit {
    let mut fields = e.fields.clone();
    fields.extend(e.sub_fields.iter().cloned());
    let offer = Offer { fields: &fields, trl: None, region: Some(e.region), price: None };
    let text = format!("{} {}\n{}\n{}", e.name, e.title, e.keywords.join("、"), e.bio);
    let terms = Terms { wanted: wanted.to_vec(), matched: found_in(wanted, &text), relevance };
    fit::score(&need_of(d), &offer, &terms, &|x| field_label(ctx, x))
}

/// The kinds a demand is matched with: results and centers (both sides may answer), and
/// experts (advice to those who browse the library; an expert is no party to a match).
pub const OFFER_KINDS: [&str; 3] = ["result", "center", "expert"];

/// The keys matching reads candidates under: the caller's, plus verified results' public faces.
async fn matching_keys(ctx: &Context, caller: &Caller) -> Result<Vec<String>> {
    let mut keys = caller_keys(ctx, caller).await?;
    keys.push("verified".to_owned());
    Ok(keys)
}

/// The words sought for a demand: those of its title and problem ([`wanted_words`]).
pub fn demand_words(index: &SearchIndex, d: &Demand) -> Vec<String> {
    wanted_words(index, &format!("{}\n{}", d.title, d.problem))
}

/// Ranks the offers of each kind asked for (`result`, `center` or `expert`, with how many) for a
/// demand, best first, each with the answers so far. The demand, the caller's keys, the demand's
/// words and its answered matches are read once for every kind.
pub async fn for_demand(ctx: &Context, index: &SearchIndex, caller: &Caller, id: DemandId, asked: &[(&str, usize)]) -> Result<(Demand, DemandAccess, Vec<Vec<Proposal>>)> {
    let (d, access) = demand_flow::load(ctx, caller, id).await?;
    if asked.iter().any(|(kind, _)| !OFFER_KINDS.contains(kind)) {
        return Err(pocnet_domain::FieldError::unknown_value("kind", "匹配类别").into());
    }
    let keys = matching_keys(ctx, caller).await?;
    let wanted = demand_words(index, &d);
    let answered = matches::of_demand(ctx.store().pool(), id).await?;
    let mut lists = Vec::with_capacity(asked.len());
    for (kind, limit) in asked {
        let proposals = rank(ctx, index, &d, &wanted, kind, &keys, *limit).await?;
        lists.push(
            proposals
                .into_iter()
                .map(|mut p| {
                    p.answered = answered.iter().find(|m| m.subject_kind == p.kind && m.subject_id == p.id).cloned();
                    p
                })
                .collect(),
        );
    }
    Ok((d, access, lists))
}

/// The ranking itself for the demand's words `wanted` ([`demand_words`]), under `keys` (the bench runs it with the bureau's).
pub async fn rank(ctx: &Context, index: &SearchIndex, d: &Demand, wanted: &[String], kind: &str, keys: &[String], limit: usize) -> Result<Vec<Proposal>> {
    let text = wanted.join(" ");
    let kinds = [kind];
    let q = Query { text: &text, kinds: &kinds, visible: keys, limit: CANDIDATES, ..Query::default() };
    let mut hits = index.search(&q).map_err(|e| Error::Internal(e.to_string()))?;
    let best = hits.items.first().map(|h| f64::from(h.score)).unwrap_or(1.0).max(f64::MIN_POSITIVE);
    if kind == "center" || kind == "expert" {
        // A center or an expert is defined by the fields it serves: those of the demand's
        // field are candidates even when the card shares no word with the demand.
        let by_field = Query { text: "", kinds: &kinds, field: Some(&d.field), visible: keys, limit: CANDIDATES, ..Query::default() };
        for mut h in index.search(&by_field).map_err(|e| Error::Internal(e.to_string()))?.items {
            if !hits.items.iter().any(|x| x.id == h.id) {
                h.score = 0.0;
                hits.items.push(h);
            }
        }
    }
    let ids: Vec<i64> = hits.items.iter().map(|h| h.id).collect();
    let mut out = Vec::with_capacity(ids.len());
    match kind {
        "result" => {
            let faces = search_faces::results(ctx.store().pool(), &ids).await?;
            for h in &hits.items {
                let Some(f) = faces.iter().find(|f| f.id == h.id) else { continue };
                let fit = score_result(ctx, d, wanted, f, f64::from(h.score) / best);
                out.push((h.score, Proposal { kind: "result".into(), id: h.id, title: f.title.clone(), snippet: h.snippet.clone(), unit: f.owner_name.clone(), fit, answered: None, supply_org_id: Some(f.owner_org_id), supply_host_org_id: f.center_host }));
            }
        }
        "expert" => {
            let found = pocnet_store::experts::many(ctx.store().pool(), &ids).await?;
            for h in &hits.items {
                let Some(e) = found.iter().find(|e| e.id.get() == h.id && e.active) else { continue };
                let fit = score_expert(ctx, d, wanted, e, f64::from(h.score) / best);
                out.push((h.score, Proposal { kind: "expert".into(), id: h.id, title: format!("{} {}", e.name, e.title), snippet: h.snippet.clone(), unit: e.org_name.clone(), fit, answered: None, supply_org_id: None, supply_host_org_id: None }));
            }
        }
        _ => {
            for h in &hits.items {
                let c = match centers::get(ctx.store().pool(), CenterId::new(h.id)).await {
                    Ok(c) => c,
                    Err(pocnet_store::StoreError::NotFound) => continue,
                    Err(e) => return Err(e.into()),
                };
                let fit = score_center(ctx, d, wanted, &c, f64::from(h.score) / best);
                out.push((h.score, Proposal { kind: "center".into(), id: h.id, title: c.name.clone(), snippet: h.snippet.clone(), unit: c.host_org_name.clone(), fit, answered: None, supply_org_id: Some(c.host_org_id.get()), supply_host_org_id: None }));
            }
        }
    }
    out.sort_by(|(sa, a), (sb, b)| b.fit.total.total_cmp(&a.fit.total).then(sb.total_cmp(sa)).then(a.id.cmp(&b.id)));
    Ok(out.into_iter().take(limit).map(|(_, p)| p).collect())
}

/// The open demands a result fits, best first, at most `limit` (whoever may see the result).
pub async fn for_result(ctx: &Context, index: &SearchIndex, caller: &Caller, id: ResultId, limit: usize) -> Result<Vec<Proposal>> {
    crate::library::load(ctx, caller, id).await?;
    let pool = ctx.store().pool();
    let face = search_faces::results(pool, &[id.get()]).await?.into_iter().next().ok_or(Error::NotFound)?;
    let words = wanted_words(index, &format!("{}\n{}", face.title, face.summary));
    let text = words.join(" ");
    let keys = ["everyone".to_owned()];
    let kinds = ["demand"];
    let q = Query { text: &text, kinds: &kinds, visible: &keys, limit: CANDIDATES, ..Query::default() };
    let hits = index.search(&q).map_err(|e| Error::Internal(e.to_string()))?;
    let best = hits.items.first().map(|h| f64::from(h.score)).unwrap_or(1.0).max(f64::MIN_POSITIVE);
    let found = demands::faces(pool, &hits.items.iter().map(|h| h.id).collect::<Vec<_>>()).await?;
    let today = ctx.today();
    let mut out = Vec::new();
    for h in &hits.items {
        let Some(d) = found.iter().find(|d| d.id.get() == h.id) else { continue };
        if !d.state.open() || d.deadline < today {
            continue;
        }
        let fit = score_result(ctx, d, &demand_words(index, d), &face, f64::from(h.score) / best);
        let answered = matches::find(pool, d.id, "result", id.get()).await?;
        out.push((h.score, Proposal { kind: "demand".into(), id: h.id, title: d.title.clone(), snippet: h.snippet.clone(), unit: d.org_name.clone(), fit, answered, supply_org_id: Some(face.owner_org_id), supply_host_org_id: face.center_host }));
    }
    out.sort_by(|(sa, a), (sb, b)| b.fit.total.total_cmp(&a.fit.total).then(sb.total_cmp(sa)).then(a.id.cmp(&b.id)));
    Ok(out.into_iter().take(limit).map(|(_, p)| p).collect())
}
