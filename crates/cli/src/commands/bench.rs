//! `pocnet bench http`: a small closed-loop load generator for pocnet's own
//! pages and endpoints (sends traffic only to the URL given, meant for loopback).
//! `pocnet bench eligibility`: the eligibility of every center of a synthetic
//! province-size network, on a throw-away database.
//! `pocnet bench panels`: the panel assigner on a seeded synthetic instance.
//! `pocnet bench import`: `import results` of a seeded spreadsheet into a
//! throw-away database.
//! `pocnet bench pages`: every page and list API at province scale
//! ([`super::bench_pages`]).

use super::progress_bar;
use crate::Cli;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use pocnet_domain::eligibility;
use pocnet_domain::policy::{Profile, StageKind, SHIPPED};
use pocnet_store::{registry, scratch, Backend, Store};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Load a running server with N concurrent clients and report req/s and latency percentiles.
    Http(HttpArgs),
    /// Time the eligibility of every center of a synthetic network (target: 500 centers, 10^5 projects, < 1 s).
    ///
    /// Generates a seeded synthetic network (centers with host units, service
    /// teams, equipment, funds, advisory experts, declarations, evidence;
    /// research results with outcomes) in one transaction, then times (a) the
    /// grouped queries computing every center's records and (b) checking every
    /// center against the recognition stage of each shipped profile.
    ///
    /// Never touches existing data: by default it writes a temporary SQLite file
    /// (removed afterwards); with `--database-url postgres://USER@HOST/DB` it
    /// creates a fresh database `pocnet_bench_<random>` on that server, migrates
    /// it and drops it afterwards (the user needs CREATEDB). SQLite URLs are refused.
    Eligibility(EligibilityArgs),
    /// Time the panel assigner on a seeded synthetic instance; report objective, bound, gap, time and peak memory.
    ///
    /// The instance (the same as `pocnet panels generate` writes) has fields,
    /// sub-fields and Chinese keywords, organisations of Zipf-like sizes with
    /// owner units that employ experts, declared conflicts, team members,
    /// availability and a blacklist; kinds about 45 % academic, 35 % industry,
    /// 20 % investment. `--composition` adds ≥ 1 industry and ≥ 1 investment
    /// expert per panel and at most half of a panel from the host unit of the
    /// center running the review. Peak memory is the process's VmHWM, reset
    /// before each run (Linux).
    Panels(PanelsArgs),
    /// Time `import results` of a seeded N-row .xlsx list; report read, check and insert times, rows/s and peak memory.
    ///
    /// Writes a list of synthetic research results (Chinese titles, summaries,
    /// teams, patents, levels with their evidence, trade-secret marks; owners
    /// among 40 synthetic units) to a temporary .xlsx file, then imports it
    /// exactly as `pocnet import results` does (header, every row checked, all
    /// rows in one transaction) into a throw-away database: a temporary SQLite
    /// file by default, or a fresh database `pocnet_bench_<random>` on the
    /// PostgreSQL server of --database-url (dropped afterwards). Peak memory is
    /// the process's VmHWM, reset before the import (Linux).
    Import(ImportArgs),
    /// Every page and list API of every role at province scale (issue 13): req/s, p50, p99 against the goal.
    ///
    /// Builds a province-scale installation the way the product builds data —
    /// the demo (its logins), the synthetic network of `bench eligibility`
    /// (500 centers, 100,000 results) and 18,000 synthetic experts, through the
    /// store's functions — and keeps it (`--keep DIR` for SQLite; the
    /// PostgreSQL database of --database-url, created if missing), reusing it
    /// on later runs unless --rebuild. Then serves it in-process on a free
    /// loopback port, signs in as the demo's bureau, county, center, expert,
    /// researcher and investor through the JSON API, loads each path with N
    /// concurrent clients for a few seconds and prints a markdown table with a
    /// verdict against the goal (≥ 1,000 req/s and p99 ≤ 100 ms). Non-2xx
    /// answers, redirects and timeouts are errors.
    Pages(super::bench_pages::PagesArgs),
    /// Measure supply–demand matching against a plain SQLite FTS5 trigram baseline (issue 15).
    ///
    /// Loads the demo into a temporary SQLite file (plus `--distractors`
    /// synthetic results), builds pocnet's search index and an FTS5 trigram
    /// table of the same public text, ranks ten results for each demand of the
    /// labelled set (data/matching/labelled.json) with both, and prints
    /// Recall@10, nDCG@10, MRR and the time per demand of each.
    Matching(super::bench_matching::MatchingArgs),
    /// Time the evidence log on a scratch database: appends/s through the sequencer (SQLite with
    /// synchronous=FULL, or `--database-url postgres://…`), an inclusion proof made and verified,
    /// a signed report checked offline (bundle and PDF), and `log verify` of the whole log.
    Log(super::bench_log::LogArgs),
}

/// Options of `bench import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Rows of the list.
    #[arg(long, default_value_t = 50_000)]
    pub rows: usize,
    /// Seed of the generator (same seed, same list).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Options of `bench panels`.
#[derive(Debug, Args)]
pub struct PanelsArgs {
    /// Items to review.
    #[arg(long, default_value_t = 1000)]
    pub items: usize,
    /// Experts in the library.
    #[arg(long, default_value_t = 1500)]
    pub experts: usize,
    /// Panel size.
    #[arg(long, default_value_t = 5)]
    pub panel: u32,
    /// Composition rules (≥ 1 industry, ≥ 1 investment, ≤ half from the host unit).
    #[arg(long)]
    pub composition: bool,
    /// Seed of the generator (and of the draw with --q).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Dense scores: every pair gets an explicit random score (as a peer's score matrix), not a computed one.
    #[arg(long)]
    pub dense: bool,
    /// Randomised draw with this cap on any pair's probability.
    #[arg(long)]
    pub q: Option<f64>,
    /// Candidates per item in the sparse graph.
    #[arg(long, default_value_t = 50)]
    pub top_k: usize,
    /// Stop the composition search at this proven gap (0: until optimality is proven or time runs out).
    #[arg(long, default_value_t = 0.0001)]
    pub gap_target: f64,
    /// Runs on the same instance.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
}

/// Options of `bench eligibility`.
#[derive(Debug, Args)]
pub struct EligibilityArgs {
    /// Centers to generate.
    #[arg(long, default_value_t = 500)]
    pub centers: usize,
    /// Research results (projects) to generate, spread over the centers.
    #[arg(long, default_value_t = 100_000)]
    pub projects: usize,
    /// Seed of the generator (same seed, same data).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// How many times to time the records query and the evaluation on the same data.
    #[arg(long, default_value_t = 3)]
    pub repeat: usize,
    /// Keep the database afterwards (and print where it is), e.g. to EXPLAIN the queries.
    #[arg(long)]
    pub keep: bool,
}

/// Options of `bench http`.
#[derive(Debug, Args)]
pub struct HttpArgs {
    /// Base URL of a running pocnet (loopback).
    #[arg(long, default_value = "http://127.0.0.1:8080")]
    pub url: String,
    /// Paths to load, each measured on its own.
    #[arg(long = "path", default_values_t = vec!["/api/v1/me".to_owned(), "/dashboard".to_owned()])]
    pub paths: Vec<String>,
    /// Concurrent clients.
    #[arg(long, default_value_t = 50)]
    pub concurrency: usize,
    /// Seconds per path.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Account to sign in as (its password comes from POCNET_BENCH_PASSWORD, default the demo password).
    #[arg(long, default_value = "bureau")]
    pub username: String,
    /// A file of paths, one per line (`#` starts a comment): measured as one more row, each
    /// client taking the next path in turn — many different requests, as real users send,
    /// rather than one repeated.
    #[arg(long)]
    pub mix: Option<std::path::PathBuf>,
}

/// What one path's load measured.
pub(super) struct Report {
    /// Answers with a 2xx status, body read in full.
    pub(super) requests: usize,
    /// Everything else: other statuses, timeouts, broken connections.
    pub(super) errors: usize,
    /// Of the errors, requests that timed out (the client's timeout).
    pub(super) timeouts: usize,
    /// Of the errors, answers by status code.
    pub(super) statuses: BTreeMap<u16, usize>,
    /// From the first request to the last answer.
    pub(super) elapsed: Duration,
    /// Latencies of the 2xx answers, sorted.
    pub(super) latencies_us: Vec<u64>,
}

impl Report {
    /// 2xx answers per second.
    pub(super) fn rate(&self) -> f64 {
        self.requests as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }

    /// The errors, with their kinds: `0`, `12 (timeout 10, 500 ×2)`.
    pub(super) fn errors_text(&self) -> String {
        let mut kinds: Vec<String> = Vec::new();
        if self.timeouts > 0 {
            kinds.push(format!("timeout {}", self.timeouts));
        }
        kinds.extend(self.statuses.iter().map(|(code, n)| format!("{code} ×{n}")));
        let other = self.errors - self.timeouts - self.statuses.values().sum::<usize>();
        if other > 0 {
            kinds.push(format!("failed {other}"));
        }
        if kinds.is_empty() {
            self.errors.to_string()
        } else {
            format!("{} ({})", self.errors, kinds.join(", "))
        }
    }
}

/// The `p`th percentile of sorted microseconds, in milliseconds.
pub(super) fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[idx.min(sorted.len() - 1)] as f64 / 1000.0
}

#[derive(Default)]
struct Worker {
    latencies_us: Vec<u64>,
    errors: usize,
    timeouts: usize,
    statuses: BTreeMap<u16, usize>,
}

/// Closed loop: `concurrency` clients each send GET `url` (with the bearer
/// `token`, if any) one after the other for `duration`. Only a 2xx answer read
/// in full counts as a request; anything else is an error (a client built
/// without redirects sees a redirect as an error too).
pub(super) async fn load(client: &reqwest::Client, url: String, token: Option<&str>, concurrency: usize, duration: Duration) -> anyhow::Result<Report> {
    load_mix(client, vec![url], token, concurrency, duration).await
}

/// As [`load`], each request taking the next of `urls` in turn (one counter shared by all clients).
pub(super) async fn load_mix(client: &reqwest::Client, urls: Vec<String>, token: Option<&str>, concurrency: usize, duration: Duration) -> anyhow::Result<Report> {
    anyhow::ensure!(!urls.is_empty(), "nothing to load");
    let deadline = Instant::now() + duration;
    let ticks = duration.as_secs_f64().ceil().max(1.0) as u64;
    let label = if urls.len() == 1 { urls[0].clone() } else { format!("{} paths in turn", urls.len()) };
    let bar = progress_bar(ticks, &format!("{label:<40}"));
    let urls = std::sync::Arc::new(urls);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let ticker = {
        let bar = bar.clone();
        tokio::spawn(async move {
            while Instant::now() < deadline {
                tokio::time::sleep(Duration::from_secs(1)).await;
                bar.inc(1);
            }
        })
    };
    let start = Instant::now();
    let mut workers = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let client = client.clone();
        let (urls, next) = (urls.clone(), next.clone());
        let auth = token.map(|t| format!("Bearer {t}"));
        workers.push(tokio::spawn(async move {
            let mut w = Worker { latencies_us: Vec::with_capacity(4096), ..Worker::default() };
            while Instant::now() < deadline {
                let url = &urls[next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) % urls.len()];
                let t = Instant::now();
                let mut request = client.get(url);
                if let Some(auth) = &auth {
                    request = request.header("authorization", auth);
                }
                let ok = match request.send().await {
                    Ok(resp) if resp.status().is_success() => match resp.bytes().await {
                        Ok(_) => true,
                        Err(e) => {
                            w.timeouts += usize::from(e.is_timeout());
                            false
                        }
                    },
                    Ok(resp) => {
                        *w.statuses.entry(resp.status().as_u16()).or_default() += 1;
                        false
                    }
                    Err(e) => {
                        w.timeouts += usize::from(e.is_timeout());
                        false
                    }
                };
                if ok {
                    w.latencies_us.push(t.elapsed().as_micros() as u64);
                } else {
                    w.errors += 1;
                }
            }
            w
        }));
    }
    let mut all = Worker::default();
    for w in workers {
        let w = w.await?;
        all.latencies_us.extend(w.latencies_us);
        all.errors += w.errors;
        all.timeouts += w.timeouts;
        for (code, n) in w.statuses {
            *all.statuses.entry(code).or_default() += n;
        }
    }
    let elapsed = start.elapsed();
    ticker.abort();
    bar.finish_and_clear();
    all.latencies_us.sort_unstable();
    Ok(Report {
        requests: all.latencies_us.len(),
        errors: all.errors,
        timeouts: all.timeouts,
        statuses: all.statuses,
        elapsed,
        latencies_us: all.latencies_us,
    })
}

/// Runs a bench subcommand.
pub async fn run(cli: &Cli, cmd: &BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Http(args) => http(args).await,
        BenchCommand::Eligibility(args) => eligibility_bench(cli, args).await,
        BenchCommand::Panels(args) => panels_bench(args),
        BenchCommand::Import(args) => import_bench(cli, args).await,
        BenchCommand::Pages(args) => super::bench_pages::run(cli, args).await,
        BenchCommand::Matching(args) => super::bench_matching::run(cli, args).await,
        BenchCommand::Log(args) => super::bench_log::run(cli, args).await,
    }
}

async fn http(args: &HttpArgs) -> anyhow::Result<()> {
    if args.concurrency == 0 || args.seconds == 0 {
        bail!("--concurrency and --seconds must be at least 1");
    }
    let client = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency).build()?;
    let password = std::env::var("POCNET_BENCH_PASSWORD").unwrap_or_else(|_| pocnet_demo::DEMO_PASSWORD.to_owned());
    let login: serde_json::Value = client
        .post(format!("{}/api/v1/auth/login", args.url))
        .json(&serde_json::json!({"username": args.username, "password": password}))
        .send()
        .await
        .context("cannot reach the server")?
        .error_for_status()
        .context("login failed")?
        .json()
        .await?;
    let token = login["token"].as_str().context("no token in the login answer")?.to_owned();
    println!("{} clients, {} s per path, signed in as {}", args.concurrency, args.seconds, args.username);
    println!("{:<24} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>9} {:>7}", "path", "requests", "req/s", "p50 ms", "p90 ms", "p95 ms", "p99 ms", "max ms", "errors");
    let mut rows: Vec<(String, Vec<String>)> = args.paths.iter().map(|p| (p.clone(), vec![format!("{}{}", args.url, p)])).collect();
    if let Some(file) = &args.mix {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        let paths: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).map(|p| format!("{}{}", args.url, p)).collect();
        if paths.is_empty() {
            bail!("{} holds no paths", file.display());
        }
        rows.push((format!("mix: {} paths", paths.len()), paths));
    }
    for (path, urls) in rows {
        let r = load_mix(&client, urls, Some(&token), args.concurrency, Duration::from_secs(args.seconds)).await?;
        let rps = r.rate();
        println!(
            "{:<24} {:>10} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>7}",
            path,
            r.requests,
            rps,
            percentile(&r.latencies_us, 50.0),
            percentile(&r.latencies_us, 90.0),
            percentile(&r.latencies_us, 95.0),
            percentile(&r.latencies_us, 99.0),
            percentile(&r.latencies_us, 100.0),
            r.errors
        );
    }
    Ok(())
}

/// `postgres://user@host:port/db?opts` with the database replaced by `name`.
pub(super) fn with_database(url: &str, name: &str) -> String {
    let (main, query) = match url.split_once('?') {
        Some((m, q)) => (m, Some(q)),
        None => (url, None),
    };
    let start = main.find("://").map_or(0, |i| i + 3);
    let base = match main[start..].find('/') {
        Some(i) => &main[..start + i],
        None => main,
    };
    match query {
        Some(q) => format!("{base}/{name}?{q}"),
        None => format!("{base}/{name}"),
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub(super) fn thousands(n: usize) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, ch) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out
}

async fn eligibility_bench(cli: &Cli, args: &EligibilityArgs) -> anyhow::Result<()> {
    if args.centers == 0 || args.repeat == 0 {
        bail!("--centers and --repeat must be at least 1");
    }
    match cli.database_url.as_deref() {
        None => {
            let dir = tempfile::Builder::new().prefix("pocnet-bench-").tempdir().context("cannot create a temporary directory")?;
            let file = dir.path().join("bench.db");
            let store = Store::connect(&format!("sqlite://{}", file.display()), 4).await.context("cannot create the SQLite file")?;
            store.migrate().await?;
            let outcome = interruptible(measure(&store, args, &format!("SQLite, temporary file {}", file.display()))).await;
            store.close().await;
            if args.keep {
                let kept = dir.keep();
                println!("kept: sqlite://{}", kept.join("bench.db").display());
            }
            outcome
        }
        Some(url) if Backend::of_url(url).ok() == Some(Backend::Postgres) => {
            let name = format!("pocnet_bench_{}", &pocnet_store::sessions::new_token()[..12]);
            let admin = Store::connect(url, 1).await.context("cannot connect to the PostgreSQL server")?;
            scratch::create_database(&admin, &name).await.context("cannot create the benchmark database (CREATEDB needed)")?;
            let outcome = async {
                let store = Store::connect(&with_database(url, &name), 4).await.context("cannot connect to the benchmark database")?;
                let result = async {
                    store.migrate().await?;
                    interruptible(measure(&store, args, &format!("PostgreSQL, fresh database {name}"))).await
                }
                .await;
                store.close().await;
                result
            }
            .await;
            if args.keep {
                println!("kept: {}", with_database(url, &name));
            } else if let Err(e) = scratch::drop_database(&admin, &name).await {
                eprintln!("warning: could not drop the benchmark database {name}: {e:#}");
            }
            admin.close().await;
            outcome
        }
        Some(_) => bail!(
            "bench eligibility writes a synthetic network: it uses a temporary SQLite file when no --database-url is given \
             (unset POCNET_DATABASE_URL), or a fresh database on a PostgreSQL server (--database-url postgres://…)"
        ),
    }
}

/// Runs `work` unless Ctrl-C comes first (so the caller still cleans up).
pub(super) async fn interruptible(work: impl std::future::Future<Output = anyhow::Result<()>>) -> anyhow::Result<()> {
    tokio::select! {
        r = work => r,
        _ = tokio::signal::ctrl_c() => bail!("interrupted"),
    }
}

struct Run {
    records: Duration,
    evaluation: Duration,
    eligible: Vec<usize>,
}

async fn measure(store: &Store, args: &EligibilityArgs, target: &str) -> anyhow::Result<()> {
    let profiles: Vec<Profile> = SHIPPED
        .iter()
        .map(|(id, text)| Profile::parse(text, Some(id)).map_err(|e| anyhow::anyhow!("shipped profile {id}: {e:?}")))
        .collect::<anyhow::Result<Vec<_>>>()?
        .into_iter()
        .filter(|p| p.stage(StageKind::Recognition).is_some())
        .collect();
    println!(
        "synthetic network: {} centers, {} research results, seed {} — {target}",
        thousands(args.centers),
        thousands(args.projects),
        args.seed
    );

    let bar = progress_bar(0, "生成合成数据");
    let bar_ref = bar.clone();
    let progress = move |done: u64, total: u64| {
        bar_ref.set_length(total);
        bar_ref.set_position(done);
    };
    let spec = pocnet_demo::synthetic::Spec { centers: args.centers, results: args.projects, seed: args.seed };
    let t = Instant::now();
    let generated = pocnet_demo::synthetic::generate(store, spec, chrono::Utc::now(), &progress).await?;
    let generation = t.elapsed();
    bar.finish_and_clear();
    println!(
        "generated {} rows in {:.2} s: {} organisations, {} experts, {} staff, {} equipment, {} finances, {} advisors, \
         {} declarations, {} documents, {} results, {} outcomes",
        thousands(generated.rows()),
        generation.as_secs_f64(),
        thousands(generated.organisations),
        thousands(generated.experts),
        thousands(generated.staff),
        thousands(generated.equipment),
        thousands(generated.finances),
        thousands(generated.advisors),
        thousands(generated.declarations),
        thousands(generated.documents),
        thousands(generated.results),
        thousands(generated.outcomes),
    );

    let mut runs = Vec::with_capacity(args.repeat);
    let mut last = BTreeMap::new();
    for _ in 0..args.repeat {
        let t = Instant::now();
        let records = registry::records(store.pool(), None).await?;
        let records_time = t.elapsed();
        let t = Instant::now();
        let mut eligible = vec![0usize; profiles.len()];
        for r in records.values() {
            for (i, p) in profiles.iter().enumerate() {
                if eligibility::check(p, StageKind::Recognition, r).is_some_and(|e| e.eligible()) {
                    eligible[i] += 1;
                }
            }
        }
        let evaluation = t.elapsed();
        runs.push(Run { records: records_time, evaluation, eligible });
        last = records;
    }
    if last.len() < args.centers {
        bail!("the records query saw {} centers, {} were generated", last.len(), args.centers);
    }

    println!();
    println!("{:<5} {:>14} {:>12} {:>12}", "run", "records query", "evaluation", "total");
    for (i, r) in runs.iter().enumerate() {
        println!("{:<5} {:>14} {:>12} {:>12}", i + 1, ms(r.records), ms(r.evaluation), ms(r.records + r.evaluation));
    }
    let best = runs.iter().map(|r| r.records + r.evaluation).min().unwrap_or_default();
    let worst = runs.iter().map(|r| r.records + r.evaluation).max().unwrap_or_default();
    println!(
        "generation {:.2} s; eligibility of all {} centers × {} profiles: best {}, worst {} — target < 1 s: {}",
        generation.as_secs_f64(),
        last.len(),
        profiles.len(),
        ms(best),
        ms(worst),
        if worst < Duration::from_secs(1) { "met" } else { "NOT met" }
    );

    // Which criteria keep centers out (untimed).
    println!();
    println!("{:<30} {:>8} {:>9}  most often unmet", "profile (recognition)", "criteria", "eligible");
    let eligible = runs.last().map(|r| r.eligible.clone()).unwrap_or_default();
    for (i, p) in profiles.iter().enumerate() {
        let mut unmet: BTreeMap<String, usize> = BTreeMap::new();
        let mut criteria = 0;
        for r in last.values() {
            if let Some(e) = eligibility::check(p, StageKind::Recognition, r) {
                criteria = e.criteria.len();
                for c in e.unmet() {
                    *unmet.entry(c.code.clone()).or_default() += 1;
                }
            }
        }
        let mut top: Vec<(String, usize)> = unmet.into_iter().collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let top: Vec<String> = top.iter().take(3).map(|(c, n)| format!("{c} ({n})")).collect();
        println!(
            "{:<30} {:>8} {:>9}  {}",
            p.id,
            criteria,
            format!("{}/{}", eligible.get(i).copied().unwrap_or(0), last.len()),
            top.join(", ")
        );
    }
    Ok(())
}

/// A field of /proc/self/status in KiB (Linux), e.g. `VmHWM`.
fn proc_status_kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Resets VmHWM to the current resident size (Linux ≥ 4.0), so the next
/// reading is the peak of what follows.
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn mib(kib: Option<u64>) -> String {
    kib.map_or_else(|| "n/a".to_owned(), |k| format!("{:.0} MiB", k as f64 / 1024.0))
}

fn panels_bench(args: &PanelsArgs) -> anyhow::Result<()> {
    use pocnet_domain::panel::{self, synthetic, Randomize};
    if args.items == 0 || args.experts == 0 || args.panel == 0 || args.repeat == 0 {
        bail!("--items, --experts, --panel and --repeat must be at least 1");
    }
    let t = Instant::now();
    let mut instance = synthetic::generate(&synthetic::Spec {
        items: args.items,
        experts: args.experts,
        panel: args.panel,
        composition: args.composition,
        seed: args.seed,
        max_load: None,
        dense: args.dense,
    });
    instance.options.top_k = args.top_k;
    instance.options.gap_target = args.gap_target;
    instance.options.randomize = args.q.map(|q| Randomize { q, seed: args.seed });
    let generation = t.elapsed();
    let max_load = instance.experts.first().map_or(0, |e| e.max_load);
    println!(
        "synthetic instance: {} items × {} experts × panel {}, max load {max_load}, {}{}, seed {}{} — generated in {:.2} s",
        thousands(args.items),
        thousands(args.experts),
        args.panel,
        if args.composition {
            "composition ≥1 industry, ≥1 investment, ≤ half from the host unit"
        } else {
            "no composition rules"
        },
        if args.dense { ", dense explicit scores" } else { "" },
        args.seed,
        args.q.map_or(String::new(), |q| format!(", randomised q = {q}")),
        generation.as_secs_f64()
    );
    println!(
        "resident after generation: {} (binary and instance); peak memory below is the process peak during each run",
        mib(proc_status_kib("VmRSS:"))
    );
    println!();
    println!(
        "{:<4} {:>9} {:>16} {:>16} {:>10} {:>7} {:>11} {:>11} {:>10} {:>11}",
        "run", "time", "objective", "bound", "gap", "proven", "unstaffable", "graph pairs", "lagr. it.", "peak mem"
    );
    let mut last = None;
    let mut times = Vec::new();
    for run in 1..=args.repeat {
        let reset = reset_peak();
        let t = Instant::now();
        let sol = panel::assign(&instance).map_err(|e| anyhow::anyhow!("{e}"))?;
        let elapsed = t.elapsed();
        let peak = if reset { proc_status_kib("VmHWM:") } else { None };
        times.push(elapsed);
        println!(
            "{:<4} {:>7.3} s {:>16.6} {:>16.6} {:>9.4}% {:>7} {:>11} {:>11} {:>10} {:>11}",
            run,
            elapsed.as_secs_f64(),
            sol.objective,
            sol.bound,
            sol.gap * 100.0,
            if sol.proven_optimal { "yes" } else { "no" },
            sol.unstaffable.len(),
            thousands(sol.stats.graph_pairs as usize),
            sol.stats.lagrangian_iterations,
            mib(peak)
        );
        last = Some(sol);
    }
    if let Some(sol) = last {
        let s = &sol.stats;
        let all = (s.items * s.experts) as f64;
        println!();
        println!(
            "eligible pairs {} of {} ({:.1} %), non-zero affinity {} ({:.1} %); method {:?}; {} priced pairs in {} pricing rounds; \
             {} augmenting paths; {} items over their cap in the relaxation",
            thousands(s.eligible_pairs as usize),
            thousands(s.items * s.experts),
            s.eligible_pairs as f64 / all * 100.0,
            thousands(s.nonzero_pairs as usize),
            s.nonzero_pairs as f64 / all * 100.0,
            sol.method,
            thousands(s.priced_pairs as usize),
            s.pricing_rounds,
            thousands(s.augmentations as usize),
            s.cap_violations
        );
        let t = &sol.timings_ms;
        println!(
            "last run: prepare (conflicts, affinities, candidates) {:.1} ms, flow {:.1} ms, composition {:.1} ms, rounding {:.1} ms",
            t.prepare, t.flow, t.composition, t.rounding
        );
        if let Some(d) = &sol.randomization {
            println!(
                "randomised: q = {}, seed {}, expected objective {:.6} = {:.1} % of the deterministic bound {:.6}",
                d.q,
                d.seed,
                d.expected_objective,
                if d.deterministic_bound > 0.0 { d.expected_objective / d.deterministic_bound * 100.0 } else { 100.0 },
                d.deterministic_bound
            );
        }
        for u in sol.unstaffable.iter().take(5) {
            println!("unstaffable {}: {} [{}]", u.item, u.reason, u.code);
        }
    }
    let best = times.iter().min().copied().unwrap_or_default();
    let worst = times.iter().max().copied().unwrap_or_default();
    println!("best {:.3} s, worst {:.3} s over {} run(s)", best.as_secs_f64(), worst.as_secs_f64(), times.len());
    Ok(())
}

/// SplitMix64 for the generated list (stable across crate versions, like the synthetic network's).
struct Mix(u64);

impl Mix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[(self.next() % items.len().max(1) as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}

const TITLE_PREFIXES: &[&str] = &[
    "高效", "低成本", "高可靠", "基于深度学习的", "基于机器视觉的", "面向县域产业的", "绿色", "柔性", "高精度", "智能化", "微型化", "长寿命",
    "可回收", "自适应",
];
const TITLE_OBJECTS: &[&str] =
    &["关键技术", "制备方法", "检测系统", "控制装置", "集成平台", "工艺及装备", "评价方法", "材料及其应用", "监测系统", "核心部件"];
const EVIDENCE: &[&str] = &["第三方检测报告", "实验室测试报告", "用户试用报告", "样机测试记录", "中试运行记录", "查新报告及测试数据"];
const PROBLEMS: &[&str] = &["成本高", "稳定性差", "能耗大", "精度不足", "依赖进口", "寿命短", "工艺复杂"];
const BENCH_SURNAMES: &[&str] = &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "郑", "叶", "金"];
const BENCH_GIVEN: &[&str] = &["伟", "芳", "娜", "敏", "静", "磊", "洋", "勇", "杰", "涛", "明", "超", "霞", "平", "刚", "华", "丹", "宁", "昊", "琳", "晨", "瑶"];
const SECRET_PARTS: &[&str] = &["研发团队", "知识产权", "技术就绪度依据"];

/// The synthetic owning units of the list: (name, organisation kind, source label).
fn bench_owners() -> Vec<(String, &'static str, &'static str)> {
    let kinds = [
        ("university", "大学", "高校"),
        ("research_institute", "研究院", "科研院所"),
        ("hospital", "医院", "医院"),
        ("enterprise", "科技有限公司", "企业"),
    ];
    (0..40)
        .map(|i| {
            let (kind, suffix, source) = kinds[i % kinds.len()];
            (format!("合成{suffix}{:02}", i + 1), kind, source)
        })
        .collect()
}

/// Writes a seeded list of `rows` research results in the import layout.
fn write_bench_list(path: &std::path::Path, rows: usize, seed: u64, owners: &[(String, &str, &str)]) -> anyhow::Result<()> {
    use super::import::COLUMNS;
    use pocnet_domain::industry::WENZHOU;
    let mut rng = Mix(seed ^ 0x696D_706F_7274); // "import"
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    for (i, c) in COLUMNS.iter().enumerate() {
        ws.write_string(0, i as u16, c.zh)?;
    }
    let person = |rng: &mut Mix| {
        let mut n = (*rng.pick(BENCH_SURNAMES)).to_owned();
        for _ in 0..rng.range(1, 2) {
            let given: &&str = rng.pick(BENCH_GIVEN);
            n.push_str(given);
        }
        n
    };
    for n in 0..rows {
        let r = (n + 1) as u32;
        let field = rng.pick(WENZHOU);
        let sub = rng.pick(field.sub_fields);
        let (prefix, object) = (*rng.pick(TITLE_PREFIXES), *rng.pick(TITLE_OBJECTS));
        let (owner, _, owner_source) = rng.pick(owners);
        let source = if rng.chance(20) { *rng.pick(&["推送清单", "县域挖掘", "企业"]) } else { owner_source };
        let team: Vec<String> = (0..rng.range(2, 6)).map(|_| person(&mut rng)).collect();
        let patents: Vec<String> = (0..rng.range(0, 3))
            .map(|_| {
                let lead = *rng.pick(&["CN", "ZL", ""]);
                let status = *rng.pick(&[":已授权", ":申请中", "", ":已失效"]);
                format!("{lead}{}{}{:07}.{}{status}", rng.range(2018, 2025), rng.range(1, 2), rng.range(0, 9_999_999), rng.range(0, 9))
            })
            .collect();
        let trl = rng.range(1, 9);
        let stage = match trl {
            1..=3 => *rng.pick(&["实验室阶段", ""]),
            4 | 5 => *rng.pick(&["实验室阶段", "样品/样机阶段"]),
            6 | 7 => *rng.pick(&["样品/样机阶段", "中试阶段"]),
            _ => *rng.pick(&["中试阶段", "产业化阶段"]),
        };
        let evidence = if trl >= 4 || rng.chance(30) {
            format!("{}（{}年，{}项指标达标）", rng.pick(EVIDENCE), rng.range(2022, 2026), rng.range(3, 12))
        } else {
            String::new()
        };
        let secret_parts: Vec<&str> = SECRET_PARTS.iter().copied().filter(|_| rng.chance(25)).collect();
        let values = [
            format!("BENCH{seed}-{:06}", n + 1),
            format!("{prefix}{}{object}", sub.label),
            format!(
                "本成果面向{}产业{}方向，研发了一种{prefix}{}{object}，解决了现有技术{}、{}等问题，关键指标优于国内同类产品，具备概念验证与转化前景。",
                field.label,
                sub.label,
                sub.label,
                rng.pick(PROBLEMS),
                rng.pick(PROBLEMS)
            ),
            if rng.chance(50) { format!("核心工艺参数与配方比例（第{}版）", rng.range(1, 5)) } else { String::new() },
            field.label.to_owned(),
            sub.label.to_owned(),
            source.to_owned(),
            owner.clone(),
            team.join("、"),
            patents.join("；"),
            String::new(),
            evidence,
            stage.to_owned(),
            secret_parts.join("、"),
        ];
        for (c, v) in values.iter().enumerate() {
            if COLUMNS[c].code == "trl" {
                ws.write_number(r, c as u16, trl as f64)?;
            } else if !v.is_empty() {
                ws.write_string(r, c as u16, v)?;
            }
        }
    }
    wb.save(path)?;
    Ok(())
}

/// A throw-away database for a benchmark, and how to get rid of it.
pub(super) enum Scratch {
    Sqlite(tempfile::TempDir),
    Postgres { admin: Store, name: String },
}

pub(super) async fn scratch_store(cli: &Cli, what: &str) -> anyhow::Result<(Store, Scratch, String)> {
    match cli.database_url.as_deref() {
        None => {
            let dir = tempfile::Builder::new().prefix("pocnet-bench-").tempdir().context("cannot create a temporary directory")?;
            let file = dir.path().join("bench.db");
            let store = Store::connect(&format!("sqlite://{}", file.display()), 4).await.context("cannot create the SQLite file")?;
            store.migrate().await?;
            let label = format!("SQLite, temporary file {}", file.display());
            Ok((store, Scratch::Sqlite(dir), label))
        }
        Some(url) if Backend::of_url(url).ok() == Some(Backend::Postgres) => {
            let name = format!("pocnet_bench_{}", &pocnet_store::sessions::new_token()[..12]);
            let admin = Store::connect(url, 1).await.context("cannot connect to the PostgreSQL server")?;
            scratch::create_database(&admin, &name).await.context("cannot create the benchmark database (CREATEDB needed)")?;
            let store = match Store::connect(&with_database(url, &name), 4).await {
                Ok(s) => s,
                Err(e) => {
                    let _ = scratch::drop_database(&admin, &name).await;
                    return Err(anyhow::Error::from(e).context("cannot connect to the benchmark database"));
                }
            };
            let label = format!("PostgreSQL, fresh database {name}");
            let scratch = Scratch::Postgres { admin, name };
            if let Err(e) = store.migrate().await {
                drop_scratch(store, scratch).await;
                return Err(e.into());
            }
            Ok((store, scratch, label))
        }
        Some(_) => bail!(
            "bench {what} writes synthetic data: it uses a temporary SQLite file when no --database-url is given \
             (unset POCNET_DATABASE_URL), or a fresh database on a PostgreSQL server (--database-url postgres://…)"
        ),
    }
}

pub(super) async fn drop_scratch(store: Store, scratch: Scratch) {
    store.close().await;
    match scratch {
        Scratch::Sqlite(dir) => drop(dir),
        Scratch::Postgres { admin, name } => {
            // The server may still be ending the closed connections' backends.
            let mut attempt = 0;
            while let Err(e) = scratch::drop_database(&admin, &name).await {
                attempt += 1;
                if attempt == 10 {
                    eprintln!("warning: could not drop the benchmark database {name}: {e:#}");
                    break;
                }
                tokio::time::sleep(Duration::from_millis(500)).await;
            }
            admin.close().await;
        }
    }
}

async fn import_bench(cli: &Cli, args: &ImportArgs) -> anyhow::Result<()> {
    use super::import::{import_results, rate, Options, COLUMNS};
    use pocnet_domain::center::CenterKind;
    use pocnet_domain::org::OrgDraft;
    use pocnet_store::centers::{self, CenterDraft};
    use pocnet_store::{orgs, Actor};
    if args.rows == 0 {
        bail!("--rows must be at least 1");
    }
    let dir = tempfile::Builder::new().prefix("pocnet-bench-list-").tempdir().context("cannot create a temporary directory")?;
    let file = dir.path().join("results.xlsx");
    let owners = bench_owners();
    let t = Instant::now();
    write_bench_list(&file, args.rows, args.seed, &owners)?;
    let size = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
    println!(
        "list: {} rows × {} columns, seed {}, {:.1} MiB .xlsx, generated in {:.2} s",
        thousands(args.rows),
        COLUMNS.len(),
        args.seed,
        size as f64 / 1_048_576.0,
        t.elapsed().as_secs_f64()
    );

    let (store, scratch, label) = scratch_store(cli, "import").await?;
    let outcome = interruptible(async {
        let actor = Actor::system("bench");
        let now = chrono::Utc::now();
        let mut tx = store.write().await?;
        let mut host = pocnet_domain::id::OrgId::new(0);
        for (name, kind, _) in &owners {
            let o = orgs::create(&mut tx, &actor, now, &OrgDraft::parse(name, kind, "鹿城区")?).await?;
            host = o.id;
        }
        let draft = CenterDraft {
            name: "合成概念验证中心".into(),
            kind: CenterKind::PocCenter,
            fields: pocnet_domain::industry::WENZHOU.iter().map(|f| f.code.to_owned()).collect(),
            admin_director: "合成主任".into(),
            tech_director: "合成主任".into(),
            summary: "导入基准测试用合成中心".into(),
            floor_area_m2: None,
        };
        let center = centers::create(&mut tx, &actor, now, host, &draft).await?;
        tx.commit().await?;
        println!("importing into center {} — {label}", center.id);

        let reset = reset_peak();
        let options = Options { center_id: center.id, file: &file, dry_run: false, submitted_on: now.date_naive(), report: None };
        let t = import_results(&super::context(cli, &store)?, &options).await?;
        let peak = if reset { proc_status_kib("VmHWM:") } else { None };
        let stored = stored_results(&store).await?;
        if stored != args.rows as i64 {
            bail!("{stored} results stored, {} in the list", args.rows);
        }
        let parse = t.read + t.check;
        let total = parse + t.insert;
        println!();
        println!("{:<24} {:>10} {:>12}", "phase", "time", "rows/s");
        for (phase, d) in [
            ("read .xlsx", t.read),
            ("check rows", t.check),
            ("parse (read + check)", parse),
            ("insert + commit", t.insert),
            ("total", total),
        ] {
            println!("{:<24} {:>8.2} s {:>12.0}", phase, d.as_secs_f64(), rate(t.rows, d));
        }
        println!(
            "imported {} rows in {:.2} s: {:.0} rows/s; peak memory {} — target < 60 s: {}",
            thousands(t.written),
            total.as_secs_f64(),
            rate(t.written, total),
            mib(peak),
            if total < Duration::from_secs(60) { "met" } else { "NOT met" }
        );
        Ok(())
    })
    .await;
    drop_scratch(store, scratch).await;
    outcome
}

/// Results in the (throw-away) database.
async fn stored_results(store: &Store) -> anyhow::Result<i64> {
    let counts = pocnet_store::results::count_by_state(store.pool(), pocnet_store::results::ResultScope::All).await?;
    Ok(counts.iter().map(|(_, n)| n).sum())
}
