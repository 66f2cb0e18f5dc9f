//! Installations of a named size (issue 13): the demo, plus the synthetic
//! network of `bench eligibility` and a synthetic expert library, written
//! through the store's own functions (`pocnet_demo`), with progress bars.
//! `pocnet demo load --scale …` builds one to work on; `pocnet bench pages`
//! builds (or reuses) one to measure.
//!
//! The sizes are the mission's: a city (~50 centers, ~5,000 projects, ~2,000
//! experts), a province (~500 centers, ~10^5 results, ~2×10^4 experts) and the
//! national scale of issue 13 (5,000 centers, 10^6 results, 10^5 experts),
//! the demo's own records included.

use super::bench::thousands;
use super::progress_bar;
use anyhow::bail;
use pocnet_demo::synthetic;
use pocnet_store::{orgs, settings, Page, SortDir, Store};
use std::time::Instant;

/// The settings key recording which dataset a database holds.
const DATASET_FLAG: &str = "bench_pages_dataset";

/// A named size of installation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Scale {
    /// One city: ~50 centers, ~5,000 results, ~2,000 experts.
    City,
    /// One province: ~500 centers, ~10^5 results, ~2×10^4 experts.
    Province,
    /// The national scale: ~5,000 centers, ~10^6 results, ~10^5 experts.
    National,
}

/// What the generators add on top of the demo (15 centers, ~520 results, 80 experts).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sizes {
    /// Centers of the synthetic network.
    pub centers: usize,
    /// Research results of the synthetic network.
    pub results: usize,
    /// Experts added to the library (the network brings four per center besides).
    pub experts: usize,
}

impl Scale {
    /// What this scale adds to the demo.
    pub fn sizes(self) -> Sizes {
        match self {
            Scale::City => Sizes { centers: 35, results: 4_500, experts: 1_800 },
            Scale::Province => Sizes { centers: 500, results: 100_000, experts: 18_000 },
            Scale::National => Sizes { centers: 5_000, results: 1_000_000, experts: 80_000 },
        }
    }
}

/// The dataset a database holds (the settings flag's value).
fn dataset_key(sizes: Sizes, seed: u64) -> String {
    serde_json::json!({"demo": true, "centers": sizes.centers, "results": sizes.results, "experts": sizes.experts, "seed": seed}).to_string()
}

/// Builds the dataset unless the database already holds it; says which. A
/// database holding anything else is refused (nothing is written).
pub async fn prepare(store: &Store, sizes: Sizes, seed: u64) -> anyhow::Result<String> {
    let want = dataset_key(sizes, seed);
    match settings::get(store.pool(), DATASET_FLAG).await? {
        Some(have) if have == want => return Ok(format!("reusing the dataset it holds ({want})")),
        Some(have) => bail!("the database holds another dataset ({have}, not {want}): start from an empty one (bench pages: --rebuild)"),
        None => {}
    }
    let one = Page { number: 1, size: 1, ..Page::new(None, None) };
    if orgs::list(store.pool(), &orgs::OrgFilter::default(), "name", SortDir::Asc, one).await?.total > 0 {
        bail!("the database is not empty and was not built at a scale: start from an empty one (bench pages: --rebuild empties it)");
    }
    let started = Instant::now();

    let t = Instant::now();
    super::demo::load(store).await?;
    let demo = t.elapsed();

    let t = Instant::now();
    let bar = progress_bar(0, "生成合成网络");
    let g = {
        let bar = bar.clone();
        let progress = move |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        };
        synthetic::generate(store, synthetic::Spec { centers: sizes.centers, results: sizes.results, seed }, chrono::Utc::now(), &progress).await?
    };
    let network = t.elapsed();
    bar.finish_and_clear();
    println!(
        "synthetic network: {} rows in {:.1} s ({} centers, {} results, {} experts, {} organisations)",
        thousands(g.rows()),
        network.as_secs_f64(),
        thousands(g.centers),
        thousands(g.results),
        thousands(g.experts),
        thousands(g.organisations)
    );

    let t = Instant::now();
    let bar = progress_bar(0, "生成合成专家");
    let n = {
        let bar = bar.clone();
        let progress = move |done: u64, total: u64| {
            bar.set_length(total);
            bar.set_position(done);
        };
        synthetic::experts(store, synthetic::ExpertSpec { experts: sizes.experts, seed }, chrono::Utc::now(), &progress).await?
    };
    let experts = t.elapsed();
    bar.finish_and_clear();
    println!("synthetic experts: {} in {:.1} s", thousands(n), experts.as_secs_f64());

    // What a bulk load ends with: fresh planner statistics (autovacuum would do it on PostgreSQL in time).
    store.analyze().await?;
    let mut tx = store.write().await?;
    settings::set(&mut tx, DATASET_FLAG, &want).await?;
    tx.commit().await?;
    Ok(format!(
        "built in {:.1} s (demo {:.1} s, network {:.1} s, experts {:.1} s)",
        started.elapsed().as_secs_f64(),
        demo.as_secs_f64(),
        network.as_secs_f64(),
        experts.as_secs_f64()
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_scale_with_the_demo_is_the_size_the_mission_names() {
        // The demo brings 15 centers, ~520 results and 80 experts; the network four experts per center.
        for (scale, centers, results, experts) in [(Scale::City, 50, 5_000, 2_000), (Scale::Province, 500, 100_000, 20_000), (Scale::National, 5_000, 1_000_000, 100_000)] {
            let s = scale.sizes();
            let total_experts = 80 + 4 * s.centers + s.experts;
            assert!((s.centers + 15).abs_diff(centers) * 10 <= centers, "{scale:?} centers");
            assert!((s.results + 520).abs_diff(results) * 10 <= results, "{scale:?} results");
            assert!(total_experts.abs_diff(experts) * 10 <= experts, "{scale:?} experts: {total_experts}");
        }
    }

    #[test]
    fn a_kept_dataset_is_named_by_its_sizes_and_seed() {
        let p = Scale::Province.sizes();
        assert_eq!(dataset_key(p, 1), r#"{"centers":500,"demo":true,"experts":18000,"results":100000,"seed":1}"#);
        assert_ne!(dataset_key(p, 1), dataset_key(p, 2));
    }
}
