//! Search (全文检索) as a workflow: what each record looks like in the index
//! (its public face, and the keys of everyone who may see it — the same rules
//! as the result lists' scopes), keeping the index current from the outbox,
//! rebuilding it, and answering a caller's query within what the caller may read.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::research_result::ResultState;
use pocnet_search::{Doc, Hits, Query, SearchIndex};
use pocnet_domain::id::CenterId;
use pocnet_domain::matching::DemandState;
use pocnet_domain::role::Role;
use pocnet_store::centers::{self, Center};
use pocnet_store::experts::Expert;
use pocnet_store::matching::demands::{self, Demand};
use pocnet_store::results::ResultScope;
use pocnet_store::search_faces::{self, ResultFace};
use pocnet_store::search_outbox;
use serde::Deserialize;

/// The segmenter of the loaded profiles: the shipped dictionary plus every catalogue label.
pub fn segmenter(policies: &[pocnet_domain::policy::Profile]) -> pocnet_search::Segmenter {
    let labels: Vec<&str> = policies
        .iter()
        .flat_map(|p| p.catalogue.iter().flat_map(|f| std::iter::once(f.label.as_str()).chain(f.sub_fields.iter().map(|(_, l)| l.as_str()))))
        .collect();
    pocnet_search::Segmenter::with_words(labels)
}

/// Changes applied per batch.
const BATCH: i64 = 500;

fn failed(e: pocnet_search::SearchError) -> Error {
    Error::Internal(e.to_string())
}

/// The visibility keys of a result: the bureau; the regions of its owner and its center
/// (county departments); its center's host (the operator); its owner (researchers);
/// investors once verified; the experts invited to screen it.
pub fn result_keys(f: &ResultFace) -> Vec<String> {
    let mut keys = vec!["bureau".to_owned(), format!("region:{}", f.owner_region), format!("owner:{}", f.owner_org_id)];
    if let Some(r) = &f.center_region {
        keys.push(format!("region:{r}"));
    }
    if let Some(h) = f.center_host {
        keys.push(format!("host:{h}"));
    }
    if matches!(ResultState::parse(&f.state), Ok(ResultState::Verified | ResultState::HandedOff)) {
        keys.push("verified".to_owned());
    }
    keys.extend(f.reviewers.iter().map(|e| format!("reviewer:{e}")));
    keys.sort();
    keys.dedup();
    keys
}

/// The keys a caller's result scope opens.
pub fn scope_keys(scope: ResultScope) -> Vec<String> {
    vec![match scope {
        ResultScope::All => "bureau".to_owned(),
        ResultScope::Region(r) => format!("region:{}", r.as_str()),
        ResultScope::HostOrg(o) => format!("host:{o}"),
        ResultScope::OwnerOrg(o) => format!("owner:{o}"),
        ResultScope::Verified => "verified".to_owned(),
        ResultScope::Reviewer(e) => format!("reviewer:{e}"),
        // No document carries it: a manager finds its projects in its portfolio (/managers), not the index.
        ResultScope::Managed(m) => format!("managed:{m}"),
    }]
}

/// The keys of every record kind a caller opens: its result scope's, every
/// signed-in account's (`everyone`: open demands), its unit's (`org:`: its own
/// demands, withdrawn too), and the registry's (`public` centers; a county its
/// region's, an operator its own, the bureau all).
pub async fn caller_keys(ctx: &Context, caller: &Caller) -> Result<Vec<String>> {
    let mut keys = scope_keys(crate::library::scope_for(ctx, caller).await?);
    keys.push("everyone".to_owned());
    match caller.user() {
        None => keys.push("bureau".to_owned()),
        Some(u) => {
            keys.push(format!("org:{}", u.org_id));
            keys.push("public".to_owned());
            match u.role {
                Role::Bureau => keys.push("bureau".to_owned()),
                Role::County => keys.push(format!("region:{}", u.org_region.as_str())),
                Role::Center => keys.push(format!("host:{}", u.org_id)),
                Role::Expert | Role::Researcher | Role::Investor | Role::Manager => {}
            }
            if crate::experts::BROWSERS.contains(&u.role) {
                keys.push("experts".to_owned());
            }
            if u.role == Role::Center {
                // Every issued report, for mutual recognition (验证报告互认).
                keys.push("operators".to_owned());
            }
        }
    }
    keys.sort();
    keys.dedup();
    Ok(keys)
}

/// A demand as the index holds it: open ones are read by every signed-in
/// account; a withdrawn one by the bureau, its county and its unit.
pub fn demand_doc(d: &Demand) -> Doc {
    let visible_to = if d.state == DemandState::Withdrawn {
        vec!["bureau".to_owned(), format!("region:{}", d.region.as_str()), format!("org:{}", d.org_id)]
    } else {
        vec!["everyone".to_owned()]
    };
    let mut fields = vec![d.field.clone()];
    if !d.sub_field.is_empty() {
        fields.push(d.sub_field.clone());
    }
    Doc {
        kind: "demand",
        id: d.id.get(),
        title: d.title.clone(),
        body: format!("{}\n{}", d.problem, d.org_name),
        fields,
        region: d.region.as_str().to_owned(),
        stage: d.state.as_str().to_owned(),
        trl: u64::try_from(d.target_trl).unwrap_or(0),
        visible_to,
    }
}

/// A center as the index holds it: its public card (name, summary, host unit);
/// read by everyone when public, else by the bureau, its county and its operator.
pub fn center_doc(c: &Center) -> Doc {
    let mut visible_to = vec!["bureau".to_owned(), format!("region:{}", c.region.as_str()), format!("host:{}", c.host_org_id)];
    if c.is_public() {
        visible_to.push("public".to_owned());
    }
    Doc {
        kind: "center",
        id: c.id.get(),
        title: c.name.clone(),
        body: format!("{}\n{}", c.summary, c.host_org_name),
        fields: c.fields.clone(),
        region: c.region.as_str().to_owned(),
        stage: c.stage.as_str().to_owned(),
        trl: 0,
        visible_to,
    }
}

/// An expert as the index holds it: name, title, unit, key words and profile — never
/// the phone or e-mail — read by those who browse the library (bureau, county, operators).
pub fn expert_doc(e: &Expert) -> Doc {
    let mut fields = e.fields.clone();
    fields.extend(e.sub_fields.iter().cloned());
    Doc {
        kind: "expert",
        id: e.id.get(),
        title: format!("{} {}", e.name, e.title),
        body: format!("{}\n{}\n{}", e.org_name, e.keywords.join("、"), e.bio),
        fields,
        region: e.region.as_str().to_owned(),
        stage: if e.active { "active".to_owned() } else { "inactive".to_owned() },
        trl: 0,
        visible_to: vec!["bureau".to_owned(), "experts".to_owned()],
    }
}

/// An issued verification report as the index holds it (by its result's id): number, result
/// title, issuing center and summary — never the findings — read by the bureau and every
/// center's operator, who may accept it instead of verifying again (验证报告互认).
pub fn report_doc(r: &pocnet_store::library::reports::ReportRecord) -> Doc {
    Doc {
        kind: "report",
        id: r.result_id.get(),
        title: format!("{} {}", r.report_no, r.title),
        body: format!("{}\n{}", r.summary, r.center_name),
        fields: Vec::new(),
        region: String::new(),
        stage: r.recommendation.as_str().to_owned(),
        trl: u64::try_from(r.trl_after).unwrap_or(0),
        visible_to: vec!["bureau".to_owned(), "operators".to_owned()],
    }
}

/// A shared resource as the index holds it (验证能力、仪器设备、中试线、试验环境、应用场景):
/// name, what it does, its conditions and its center; read by everyone when listed by a
/// public center, else by the bureau, its county and its center's operators.
pub fn offer_doc(o: &pocnet_store::sharing::offers::Offer, center_public: bool) -> Doc {
    let mut visible_to = vec!["bureau".to_owned(), format!("region:{}", o.region.as_str()), format!("host:{}", o.host_org_id)];
    if o.is_listed(center_public) {
        visible_to.push("public".to_owned());
    }
    Doc {
        kind: "offer",
        id: o.id.get(),
        title: format!("{}（{}）", o.name, o.kind.label_zh()),
        body: format!("{}\n{}\n{}", o.description, o.conditions, o.center_name),
        fields: vec![o.field.clone()],
        region: o.region.as_str().to_owned(),
        stage: o.state.as_str().to_owned(),
        trl: 0,
        visible_to,
    }
}

/// A result as the index holds it: title, public summary and owner unit — never the secret summary.
pub fn result_doc(f: &ResultFace) -> Doc {
    let mut fields = vec![f.field.clone()];
    if !f.sub_field.is_empty() {
        fields.push(f.sub_field.clone());
    }
    Doc {
        kind: "result",
        id: f.id,
        title: f.title.clone(),
        body: format!("{}\n{}", f.summary, f.owner_name),
        fields,
        region: f.center_region.clone().unwrap_or_else(|| f.owner_region.clone()),
        stage: f.state.clone(),
        trl: u64::try_from(f.trl).unwrap_or(0),
        visible_to: result_keys(f),
    }
}

/// The index's documents of the named records of `kind`, and the ids no longer there.
async fn docs_of(ctx: &Context, kind: &str, ids: &[i64]) -> Result<(Vec<Doc>, Vec<i64>)> {
    let pool = ctx.store().pool();
    let docs: Vec<Doc> = match kind {
        "result" => search_faces::results(pool, ids).await?.iter().map(result_doc).collect(),
        "demand" => demands::faces(pool, ids).await?.iter().map(demand_doc).collect(),
        "expert" => pocnet_store::experts::many(pool, ids).await?.iter().map(expert_doc).collect(),
        "report" => pocnet_store::library::reports::many(pool, ids).await?.iter().map(report_doc).collect(),
        "offer" => {
            let offers = pocnet_store::sharing::offers::many(pool, ids).await?;
            // Each center once: a batch holds several offers of most centers.
            let mut public: std::collections::HashMap<CenterId, bool> = std::collections::HashMap::new();
            let mut docs = Vec::with_capacity(offers.len());
            for o in &offers {
                let listed = match public.get(&o.center_id) {
                    Some(p) => *p,
                    None => *public.entry(o.center_id).or_insert(centers::get(pool, o.center_id).await?.is_public()),
                };
                docs.push(offer_doc(o, listed));
            }
            docs
        }
        "center" => {
            let mut docs = Vec::with_capacity(ids.len());
            for id in ids {
                match centers::get(pool, CenterId::new(*id)).await {
                    Ok(c) => docs.push(center_doc(&c)),
                    Err(pocnet_store::StoreError::NotFound) => {}
                    Err(e) => return Err(e.into()),
                }
            }
            docs
        }
        _ => Vec::new(),
    };
    let gone = ids.iter().copied().filter(|id| !docs.iter().any(|d| d.id == *id)).collect();
    Ok((docs, gone))
}

/// The kinds of record the index holds.
pub const KINDS: [&str; 6] = ["result", "demand", "center", "expert", "report", "offer"];

/// Re-reads the named records and writes them to the index (those gone are deleted), committing `cursor`.
async fn refresh(ctx: &Context, index: &SearchIndex, changed: &[(&str, Vec<i64>)], cursor: Option<i64>) -> Result<usize> {
    let mut docs = Vec::new();
    let mut gone: Vec<(&str, i64)> = Vec::new();
    // A center's change reaches its offers' visibility (listed only while it is public).
    let centers_changed: Vec<i64> = changed.iter().filter(|(k, _)| *k == "center").flat_map(|(_, ids)| ids.iter().copied()).collect();
    let mut offers_changed = pocnet_store::sharing::offers::ids_of_centers(ctx.store().pool(), &centers_changed).await?;
    offers_changed.retain(|id| !changed.iter().any(|(k, ids)| *k == "offer" && ids.contains(id)));
    let extra = [("offer", offers_changed)];
    for (kind, ids) in changed.iter().chain(extra.iter().filter(|(_, ids)| !ids.is_empty())) {
        let (d, g) = docs_of(ctx, kind, ids).await?;
        docs.extend(d);
        gone.extend(g.into_iter().map(|id| (*kind, id)));
    }
    index.apply(&docs, &gone, cursor).map_err(failed)?;
    Ok(docs.len())
}

/// Applies the outbox changes after the index's cursor; returns how many records were
/// written. Run every second by each web node; harmless to run twice.
pub async fn catch_up(ctx: &Context, index: &SearchIndex) -> Result<usize> {
    // The common case, nothing new: one read of the outbox's newest id.
    if search_outbox::latest(ctx.store().pool()).await? <= index.cursor().map_err(failed)? {
        return Ok(0);
    }
    let mut written = 0;
    loop {
        let cursor = index.cursor().map_err(failed)?;
        let changes = search_outbox::after(ctx.store().pool(), cursor, BATCH).await?;
        let fresh: Vec<&search_outbox::Change> = changes.iter().filter(|c| c.id > cursor).collect();
        let Some(last) = fresh.last().map(|c| c.id) else { return Ok(written) };
        let changed: Vec<(&str, Vec<i64>)> = KINDS
            .iter()
            .map(|kind| {
                let mut ids: Vec<i64> = changes.iter().filter(|c| c.kind == *kind).map(|c| c.entity_id).collect();
                ids.sort_unstable();
                ids.dedup();
                (*kind, ids)
            })
            .collect();
        written += refresh(ctx, index, &changed, Some(last)).await?;
        if (changes.len() as i64) < BATCH {
            return Ok(written);
        }
    }
}

/// When a node looks at the outbox before answering a search (索引时效). Each query used to
/// read the outbox's newest id first (one database round trip, a sixth of a cached query's
/// time); now a node reads it once per `window` and whenever a write has gone through it
/// since — so what a user saves through this node is found by the next search at once, and
/// what is saved elsewhere (another node, the CLI) within the window, or at the latest by the
/// indexer's next pass (every second).
#[derive(Debug)]
pub struct Freshness {
    window: std::time::Duration,
    /// Writes that went through this node.
    writes: std::sync::atomic::AtomicU64,
    /// When the outbox was last read, and the writes counted just before.
    checked: std::sync::Mutex<Option<(std::time::Instant, u64)>>,
}

impl Freshness {
    /// Reads the outbox at most once per `window` while nothing is written through this node
    /// (a zero window: before every search).
    pub fn new(window: std::time::Duration) -> Self {
        Self { window, writes: std::sync::atomic::AtomicU64::new(0), checked: std::sync::Mutex::new(None) }
    }

    /// A write went through this node (called once its transaction has committed).
    pub fn wrote(&self) {
        self.writes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }

    fn checked(&self) -> std::sync::MutexGuard<'_, Option<(std::time::Instant, u64)>> {
        self.checked.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Applies the outbox before a search unless it was read within the window with no write
    /// through this node since.
    pub async fn catch_up(&self, ctx: &Context, index: &SearchIndex) -> Result<()> {
        // Both taken before the read: a write counted after this is seen by the next search.
        let (now, writes) = (std::time::Instant::now(), self.writes.load(std::sync::atomic::Ordering::SeqCst));
        if let Some((at, seen)) = *self.checked() {
            if seen == writes && now.saturating_duration_since(at) < self.window {
                return Ok(());
            }
        }
        catch_up(ctx, index).await?;
        let mut checked = self.checked();
        if checked.is_none_or(|(at, _)| at < now) {
            *checked = Some((now, writes));
        }
        Ok(())
    }
}

/// Adds the named records of `kind` to the index without committing (a rebuild's batches:
/// one commit at the end, not one per batch).
async fn stage(ctx: &Context, index: &SearchIndex, kind: &str, ids: &[i64]) -> Result<u64> {
    let (docs, _) = docs_of(ctx, kind, ids).await?;
    index.add(&docs).map_err(failed)?;
    Ok(docs.len() as u64)
}

/// Rebuilds the index from the records, reporting `(done, total)` as it goes; returns how
/// many records it holds. The cursor is the outbox's newest change when the rebuild began,
/// so changes made meanwhile are applied by the next catch-up. The records are committed
/// once, at the end.
pub async fn rebuild(ctx: &Context, index: &SearchIndex, progress: &(dyn Fn(u64, u64) + Sync)) -> Result<u64> {
    let pool = ctx.store().pool();
    let start = search_outbox::latest(pool).await?;
    let total = u64::try_from(search_faces::result_count(pool).await?).unwrap_or(0);
    index.clear().map_err(failed)?;
    let (mut after, mut done) = (0, 0u64);
    loop {
        let ids = search_faces::result_ids(pool, after, 1000).await?;
        let Some(last) = ids.last().copied() else { break };
        done += stage(ctx, index, "result", &ids).await?;
        after = last;
        progress(done, total);
    }
    for kind in ["demand", "center", "expert", "report", "offer"] {
        let mut after = 0;
        loop {
            let ids = match kind {
                "demand" => demands::ids_after(pool, after, 1000).await?,
                "expert" => pocnet_store::experts::ids_after(pool, after, 1000).await?,
                "report" => pocnet_store::library::reports::ids_after(pool, after, 1000).await?,
                "offer" => pocnet_store::sharing::offers::ids_after(pool, after, 1000).await?,
                _ => search_faces::center_ids(pool, after, 1000).await?,
            };
            let Some(last) = ids.last().copied() else { break };
            done += stage(ctx, index, kind, &ids).await?;
            after = last;
        }
    }
    index.apply(&[], &[], Some(start)).map_err(failed)?;
    Ok(done)
}

/// A search as asked.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchInput {
    /// The words (Chinese or Latin).
    pub q: Option<String>,
    /// A field or sub-field code.
    pub field: Option<String>,
    /// A region, e.g. `瑞安市`.
    pub region: Option<String>,
    /// A state code, e.g. `verified`.
    pub state: Option<String>,
    /// Only this kind: `result`, `demand`, `center`, `expert`, `report` or `offer` (a shared resource) (default: all).
    pub kind: Option<String>,
    /// Lowest TRL (1–9).
    pub trl_min: Option<u64>,
    /// Highest TRL (1–9).
    pub trl_max: Option<u64>,
    /// Page (from 1).
    pub page: Option<usize>,
    /// Hits per page (1–100, default 20).
    pub per_page: Option<usize>,
    /// `exact`: count every hit; otherwise the count stops past 1,000 and `total` is a lower bound (`total_exact` false).
    pub count: Option<String>,
}

/// Searches the records the caller may see. A first page is answered from the index's
/// cache of this generation when the same query with the same keys was asked since the
/// last change (the caller's keys are part of the cache key: nothing is shared between
/// callers who may see different records).
pub async fn search_results(ctx: &Context, index: &SearchIndex, caller: &Caller, input: &SearchInput) -> Result<Hits> {
    let keys = caller_keys(ctx, caller).await?;
    // No kind asked: no kind filter (every record in the index is of one of the KINDS, and a
    // filter of all six would be checked on every candidate for nothing).
    let kinds: &[&str] = match input.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => &[],
        Some(k) => match KINDS.iter().position(|x| *x == k) {
            Some(i) => &KINDS[i..=i],
            None => return Err(pocnet_domain::FieldError::unknown_value("kind", "类别").into()),
        },
    };
    let per_page = input.per_page.unwrap_or(20);
    if !(1..=100).contains(&per_page) {
        return Err(pocnet_domain::FieldError::new("per_page", "out_of_range", "每页条数须在1至100之间").into());
    }
    let page = input.page.unwrap_or(1).max(1);
    let trl = match (input.trl_min, input.trl_max) {
        (None, None) => None,
        (from, to) => {
            let (from, to) = (from.unwrap_or(1), to.unwrap_or(9));
            if !(1..=9).contains(&from) || !(1..=9).contains(&to) || from > to {
                return Err(pocnet_domain::FieldError::new("trl_min", "out_of_range", "技术就绪度须在1至9之间，且下限不高于上限").into());
            }
            Some((from, to))
        }
    };
    let q = Query {
        text: input.q.as_deref().unwrap_or(""),
        kinds,
        field: input.field.as_deref(),
        region: input.region.as_deref(),
        stage: input.state.as_deref(),
        trl,
        visible: &keys,
        limit: per_page,
        offset: (page - 1).saturating_mul(per_page),
        exact_total: input.count.as_deref() == Some("exact"),
    };
    index.search_cached(&q).map_err(failed)
}
