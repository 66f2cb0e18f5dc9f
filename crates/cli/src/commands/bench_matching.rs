//! `pocnet bench matching`: the quality and speed of supply–demand matching
//! (issue 15), pocnet's ranking against a plain SQLite FTS5 trigram baseline
//! in one run.
//!
//! The corpus is the demo's research results (`pocnet_demo::load_once`: 150
//! written results and the centers' follow-up variants), optionally with
//! synthetic results as distractors (`--distractors`, province scale 10^5).
//! The labelled set (`data/matching/labelled.json`, shipped in the binary; see
//! its README for how it was labelled) gives, per demand, graded relevance
//! (3, 2, 1) of demo results by key; a variant of a labelled result (its title
//! followed by a bracketed variant) counts at its base's grade less one.
//!
//! For each demand both rankers return ten results: pocnet's
//! [`pocnet_app::matching::propose::rank`] (index candidates rescored by
//! terms, field, TRL, region, budget) with the bureau's visibility, and the
//! baseline — an FTS5 table of the same titles and public summaries with the
//! `trigram` tokenizer, queried with every trigram of the demand's title and
//! problem OR-ed together, ordered by `bm25()`. Reported: Recall@10 (grade ≥ 1),
//! nDCG@10 (gain 2^grade − 1), MRR (first result of grade ≥ 2), and each
//! ranker's time per demand.

use super::bench::percentile;
use crate::Cli;
use anyhow::{bail, Context as _};
use clap::Args;
use pocnet_app::matching::propose;
use pocnet_domain::id::{DemandId, OrgId};
use pocnet_domain::matching::DemandState;
use pocnet_domain::region::Region;
use pocnet_store::matching::demands::Demand;
use pocnet_store::Store;
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

/// The labelled set shipped with pocnet.
const SHIPPED_LABELS: &str = include_str!("../../../../data/matching/labelled.json");
/// The demo's results (keys and titles of what the labels name).
const DEMO: &str = include_str!("../../../../data/demo/wenzhou.json");
/// Results returned per demand.
const K: usize = 10;

/// Options of `bench matching`.
#[derive(Debug, Args)]
pub struct MatchingArgs {
    /// Synthetic results added to the demo's as distractors (e.g. 100000 for province scale).
    #[arg(long, default_value_t = 0)]
    pub distractors: usize,
    /// A labelled set other than the shipped one.
    #[arg(long)]
    pub labels: Option<PathBuf>,
    /// Times each demand is ranked for the latency figures.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Seed of the distractors.
    #[arg(long, default_value_t = 15)]
    pub seed: u64,
}

#[derive(Deserialize)]
struct Labels {
    demands: Vec<Labelled>,
}

#[derive(Deserialize)]
struct Labelled {
    key: String,
    title: String,
    problem: String,
    field: String,
    #[serde(default)]
    sub_field: String,
    target_trl: i64,
    budget_yuan: Option<i64>,
    region: String,
    relevant: BTreeMap<String, u8>,
}

#[derive(Deserialize)]
struct DemoResults {
    results: Vec<DemoResult>,
}

#[derive(Deserialize)]
struct DemoResult {
    key: String,
    title: String,
}

/// Quality of one ranker over the set.
#[derive(Default)]
struct Quality {
    recall: f64,
    ndcg: f64,
    mrr: f64,
    times_us: Vec<u64>,
}

impl Quality {
    fn add(&mut self, ranked: &[u8], ideal: &[u8]) {
        let relevant = ideal.iter().filter(|g| **g > 0).count().max(1);
        self.recall += ranked.iter().filter(|g| **g > 0).count() as f64 / relevant as f64;
        let dcg = |gs: &[u8]| gs.iter().take(K).enumerate().map(|(i, g)| (2f64.powi(i32::from(*g)) - 1.0) / (i as f64 + 2.0).log2()).sum::<f64>();
        let best = dcg(ideal);
        self.ndcg += if best > 0.0 { dcg(ranked) / best } else { 0.0 };
        self.mrr += ranked.iter().position(|g| *g >= 2).map_or(0.0, |i| 1.0 / (i as f64 + 1.0));
    }
}

/// The grade of a result title: a labelled base title, or a variant of one at a grade less.
fn grade_of(title: &str, by_title: &HashMap<&str, u8>) -> u8 {
    if let Some(g) = by_title.get(title) {
        return *g;
    }
    match title.rfind('（') {
        Some(i) if title.ends_with('）') => by_title.get(&title[..i]).map_or(0, |g| g.saturating_sub(1)),
        _ => 0,
    }
}

/// The baseline's query: every trigram of the text (letters and digits only), quoted, OR-ed.
fn trigram_query(text: &str) -> String {
    let chars: Vec<char> = text.chars().filter(|c| c.is_alphanumeric()).collect();
    let mut seen = std::collections::BTreeSet::new();
    let mut terms = Vec::new();
    for w in chars.windows(3) {
        let t: String = w.iter().collect();
        if seen.insert(t.clone()) {
            terms.push(format!("\"{t}\""));
        }
    }
    terms.join(" OR ")
}

/// Runs the benchmark.
pub async fn run(cli: &Cli, args: &MatchingArgs) -> anyhow::Result<()> {
    if args.repeat == 0 {
        bail!("--repeat must be at least 1");
    }
    let labels: Labels = match &args.labels {
        Some(p) => serde_json::from_str(&std::fs::read_to_string(p).with_context(|| format!("cannot read {}", p.display()))?)?,
        None => serde_json::from_str(SHIPPED_LABELS)?,
    };
    let demo: DemoResults = serde_json::from_str(DEMO)?;
    let title_of: HashMap<&str, &str> = demo.results.iter().map(|r| (r.key.as_str(), r.title.as_str())).collect();
    let dir = tempfile::Builder::new().prefix("pocnet-bench-").tempdir().context("cannot create a temporary directory")?;
    let file = dir.path().join("bench.db");
    let store = Store::connect(&format!("sqlite://{}", file.display()), 4).await.context("cannot create the SQLite file")?;
    store.migrate().await?;
    let now = chrono::Utc::now();
    let bar = super::progress_bar(0, "demo");
    pocnet_demo::load_once(&store, now, "bench-no-login", &|d, t| {
        bar.set_length(t);
        bar.set_position(d);
    })
    .await?;
    bar.finish_and_clear();
    if args.distractors > 0 {
        let bar = super::progress_bar(0, "distractors");
        let spec = pocnet_demo::synthetic::Spec { centers: 40, results: args.distractors, seed: args.seed };
        pocnet_demo::synthetic::generate(&store, spec, now, &|d, t| {
            bar.set_length(t);
            bar.set_position(d);
        })
        .await?;
        bar.finish_and_clear();
    }
    store.analyze().await?;
    let ctx = super::context(cli, &store)?;
    let corpus: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM research_results").fetch_one(store.pool()).await?;

    // pocnet's index, and the baseline's FTS5 table of the same public text.
    let started = Instant::now();
    let index = pocnet_search::SearchIndex::open(&dir.path().join("search"), pocnet_app::search::segmenter(ctx.policies()))?;
    let bar = super::progress_bar(0, "index");
    pocnet_app::search::rebuild(&ctx, &index, &|d, t| {
        bar.set_length(t);
        bar.set_position(d);
    })
    .await
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    bar.finish_and_clear();
    let index_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    sqlx::query("CREATE VIRTUAL TABLE bench_fts USING fts5(title, summary, tokenize = 'trigram')").execute(store.pool()).await?;
    sqlx::query("INSERT INTO bench_fts (rowid, title, summary) SELECT id, title, summary FROM research_results").execute(store.pool()).await?;
    let fts_s = started.elapsed().as_secs_f64();
    let titles: HashMap<i64, String> = sqlx::query_as::<_, (i64, String)>("SELECT id, title FROM research_results").fetch_all(store.pool()).await?.into_iter().collect();

    let keys = vec!["bureau".to_owned()];
    let (mut ours, mut base) = (Quality::default(), Quality::default());
    let today = (now + chrono::Duration::hours(8)).date_naive();
    for l in &labels.demands {
        let mut by_title: HashMap<&str, u8> = HashMap::new();
        for (key, g) in &l.relevant {
            let t = title_of.get(key.as_str()).with_context(|| format!("{}: unknown result {key}", l.key))?;
            by_title.insert(t, *g);
        }
        // The ideal ranking: every labelled result and its variants in the corpus, best first.
        let mut ideal: Vec<u8> = titles.values().map(|t| grade_of(t, &by_title)).filter(|g| *g > 0).collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        let d = Demand {
            id: DemandId::new(0),
            title: l.title.clone(),
            problem: l.problem.clone(),
            field: l.field.clone(),
            sub_field: l.sub_field.clone(),
            target_trl: l.target_trl,
            budget_yuan: l.budget_yuan,
            region: Region::parse(&l.region).with_context(|| format!("{}: unknown region {}", l.key, l.region))?,
            deadline: today,
            org_id: OrgId::new(0),
            org_name: String::new(),
            state: DemandState::Published,
            listed_year: None,
            version: 1,
            created_at: now,
            updated_at: now,
        };
        let mut ranked = Vec::new();
        for _ in 0..args.repeat {
            let t = Instant::now();
            let wanted = propose::demand_words(&index, &d);
            ranked = propose::rank(&ctx, &index, &d, &wanted, "result", &keys, K).await.map_err(|e| anyhow::anyhow!("{e}"))?;
            ours.times_us.push(t.elapsed().as_micros() as u64);
        }
        let grades: Vec<u8> = ranked.iter().map(|p| grade_of(titles.get(&p.id).map_or("", String::as_str), &by_title)).collect();
        ours.add(&grades, &ideal);
        let query = trigram_query(&format!("{}{}", l.title, l.problem));
        let mut found: Vec<i64> = Vec::new();
        for _ in 0..args.repeat {
            let t = Instant::now();
            found = sqlx::query_scalar("SELECT rowid FROM bench_fts WHERE bench_fts MATCH $1 ORDER BY bm25(bench_fts) LIMIT 10")
                .bind(&query)
                .fetch_all(store.pool())
                .await?;
            base.times_us.push(t.elapsed().as_micros() as u64);
        }
        let grades: Vec<u8> = found.iter().map(|id| grade_of(titles.get(id).map_or("", String::as_str), &by_title)).collect();
        base.add(&grades, &ideal);
    }
    let n = labels.demands.len() as f64;
    println!("matching benchmark: {} labelled demands against {corpus} results ({} distractors), SQLite", labels.demands.len(), args.distractors);
    println!("index build: pocnet (tantivy + jieba) {index_s:.1} s, baseline (FTS5 trigram) {fts_s:.1} s");
    println!("{:<34} {:>10} {:>9} {:>7} {:>12} {:>12}", "ranker", "Recall@10", "nDCG@10", "MRR", "p50 ms", "p95 ms");
    for (name, q) in [("pocnet (terms+field+TRL+region+budget)", &mut ours), ("baseline (SQLite FTS5 trigram, bm25)", &mut base)] {
        q.times_us.sort_unstable();
        println!(
            "{:<34} {:>10.3} {:>9.3} {:>7.3} {:>12.1} {:>12.1}",
            name,
            q.recall / n,
            q.ndcg / n,
            q.mrr / n,
            percentile(&q.times_us, 50.0),
            percentile(&q.times_us, 95.0)
        );
    }
    store.close().await;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_count_a_grade_less_and_trigrams_are_quoted_once() {
        let by_title: HashMap<&str, u8> = [("高镍三元正极", 3), ("微流控芯片", 1)].into_iter().collect();
        assert_eq!(grade_of("高镍三元正极", &by_title), 3);
        assert_eq!(grade_of("高镍三元正极（耐久性提升）", &by_title), 2);
        assert_eq!(grade_of("微流控芯片（成本优化）", &by_title), 0);
        assert_eq!(grade_of("别的成果", &by_title), 0);
        assert_eq!(trigram_query("高镍高镍高"), "\"高镍高\" OR \"镍高镍\"");
    }

    #[test]
    fn a_perfect_ranking_scores_one_and_an_empty_one_zero() {
        let mut q = Quality::default();
        q.add(&[3, 2, 1], &[3, 2, 1]);
        assert!((q.recall - 1.0).abs() < 1e-9 && (q.ndcg - 1.0).abs() < 1e-9 && (q.mrr - 1.0).abs() < 1e-9);
        let mut q = Quality::default();
        q.add(&[0, 0], &[3]);
        assert_eq!((q.recall, q.ndcg, q.mrr), (0.0, 0.0, 0.0));
        let mut q = Quality::default();
        q.add(&[0, 2], &[2]);
        assert!((q.mrr - 0.5).abs() < 1e-9);
    }
}
