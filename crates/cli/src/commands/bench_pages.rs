//! `pocnet bench pages`: every page and list API of every role, measured on a
//! province-scale installation (issue 13).
//!
//! The installation is built the way the product builds data: the demo
//! (`pocnet_demo::load_once`, whose logins the benchmark signs in with), the
//! synthetic network of `bench eligibility` (`pocnet_demo::synthetic::generate`)
//! and a synthetic expert library (`pocnet_demo::synthetic::experts`), all
//! through the store's public functions. It takes a while, so it is kept: a
//! SQLite data directory with `--keep DIR`, or the PostgreSQL database of
//! `--database-url` (created if missing), reused when a settings flag says it
//! holds the same dataset; `--rebuild` starts over.
//!
//! The server runs in-process as `pocnet serve --demo` builds it, on a free
//! loopback port, and `bench http`'s closed-loop load generator loads each
//! path in turn. Between paths the benchmark waits until `/healthz` answers
//! quickly again, so a slow page's abandoned requests do not bill the next.

use super::bench::{interruptible, load, percentile, thousands, with_database, Report};
use super::scale::{self, Scale, Sizes};
use crate::Cli;
use anyhow::{bail, Context};
use clap::Args;
use pocnet_store::{orgs, scratch, Backend, Page, SortDir, Store};
use pocnet_web::clock::SystemClock;
use pocnet_web::config::WebConfig;
use pocnet_web::AppState;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Issue 13's goal for every page and list API at province scale.
const GOAL_RPS: f64 = 1_000.0;
/// Issue 13's goal: p99 at most this, in milliseconds.
const GOAL_P99_MS: f64 = 100.0;

/// Options of `bench pages`.
#[derive(Debug, Args)]
pub struct PagesArgs {
    /// The size of the installation (`demo load --scale`'s); the three counts below change it.
    #[arg(long, value_enum, default_value = "province")]
    pub scale: Scale,
    /// Centers of the synthetic network (on top of the demo's 15); default: the scale's.
    #[arg(long)]
    pub centers: Option<usize>,
    /// Research results of the synthetic network (on top of the demo's ~520); default: the scale's.
    #[arg(long)]
    pub results: Option<usize>,
    /// Experts added to the library (on top of the demo's 80 and the network's four per center); default: the scale's.
    #[arg(long)]
    pub experts: Option<usize>,
    /// Seed of the generators (same seed, same data).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Concurrent clients.
    #[arg(long, default_value_t = 100)]
    pub connections: usize,
    /// Seconds of load per path (fractions allowed).
    #[arg(long, default_value_t = 3.0)]
    pub seconds: f64,
    /// Seconds after which a request is abandoned and counted as an error (wrk's default is 2).
    #[arg(long, default_value_t = 5.0)]
    pub timeout: f64,
    /// Only the paths containing this text (repeat for several).
    #[arg(long)]
    pub only: Vec<String>,
    /// Keep the SQLite installation in this data directory (reused on the next run). Without it and
    /// without --database-url, a temporary directory is used and removed.
    #[arg(long, value_name = "DIR")]
    pub keep: Option<PathBuf>,
    /// Build the dataset afresh even if the kept database holds it (empties it first).
    #[arg(long)]
    pub rebuild: bool,
    /// The server's database pool size (as `serve --db-connections`).
    #[arg(long, default_value_t = 8)]
    pub db_connections: u32,
    /// Print the paths measured (with their roles) and exit.
    #[arg(long)]
    pub list: bool,
}

/// Who a path is requested as: a demo login, or nobody.
type Login = Option<&'static str>;

/// Every page and list API of issue 13's table and goals, with the role
/// requesting it (a demo login; `None`: the public). Deep, sorted, filtered
/// and keyword variants of the big lists; every role's dashboard and to-do.
/// `after=@` stands for the row a reader paging on from the page before
/// would pass (the list API's `next_after` there), found before the load.
pub const PATHS: &[(&str, Login)] = &[
    // The public.
    ("/", None),
    ("/centers", None),
    ("/notices", None),
    ("/calls", None),
    // The results list and its API (the bureau sees all of them).
    ("/results", Some("bureau")),
    ("/results?page=500", Some("bureau")),
    ("/results?page=500&after=@", Some("bureau")),
    ("/results?sort=title", Some("bureau")),
    ("/results?sort=trl&dir=desc&page=200", Some("bureau")),
    ("/results?state=verifying", Some("bureau")),
    ("/results?field=new_energy&region=瑞安市", Some("bureau")),
    ("/results?q=电池", Some("bureau")),
    ("/api/v1/results", Some("bureau")),
    ("/api/v1/results?page=500", Some("bureau")),
    ("/api/v1/results?page=500&after=@", Some("bureau")),
    ("/api/v1/results?sort=title&dir=desc", Some("bureau")),
    ("/api/v1/results?state=verified&trl_min=6", Some("bureau")),
    ("/api/v1/results?q=电池", Some("bureau")),
    // Every role's dashboard and to-do list.
    ("/dashboard", Some("bureau")),
    ("/api/v1/dashboard", Some("bureau")),
    ("/dashboard", Some("county")),
    ("/dashboard", Some("center")),
    ("/dashboard", Some("expert")),
    ("/dashboard", Some("researcher")),
    ("/dashboard", Some("investor")),
    ("/todo", Some("bureau")),
    ("/todo", Some("county")),
    ("/todo", Some("center")),
    ("/todo", Some("expert")),
    ("/todo", Some("researcher")),
    ("/api/v1/me/todo", Some("bureau")),
    ("/api/v1/me", Some("bureau")),
    // Each role's own results list.
    ("/results", Some("county")),
    ("/results", Some("center")),
    ("/results?page=50", Some("center")),
    ("/results", Some("researcher")),
    ("/results", Some("investor")),
    // The expert library.
    ("/experts", Some("bureau")),
    ("/experts?page=500", Some("bureau")),
    ("/experts?page=500&after=@", Some("bureau")),
    ("/experts?q=电池", Some("bureau")),
    ("/experts?kind=industry&field=new_energy", Some("bureau")),
    ("/api/v1/experts", Some("bureau")),
    ("/api/v1/experts?q=电池", Some("bureau")),
    // An expert's review tasks.
    ("/results", Some("expert")),
    ("/api/v1/me/reviews", Some("expert")),
    ("/api/v1/me/expert", Some("expert")),
    // Centers, applications, organisations, accounts, the audit trail.
    ("/centers", Some("bureau")),
    ("/api/v1/centers", Some("bureau")),
    ("/applications", Some("bureau")),
    ("/applications", Some("county")),
    ("/applications", Some("center")),
    ("/api/v1/applications", Some("bureau")),
    ("/audit", Some("bureau")),
    ("/audit?page=500", Some("bureau")),
    ("/audit?page=500&after=@", Some("bureau")),
    ("/api/v1/audit", Some("bureau")),
    ("/admin/orgs", Some("bureau")),
    ("/api/v1/organisations", Some("bureau")),
    ("/admin/users", Some("bureau")),
    ("/handoffs", Some("center")),
    ("/reports", Some("bureau")),
    ("/api/v1/changes", Some("bureau")),
    // Issue 15: demands, the docking list, the service map and resource sharing.
    ("/demands", Some("bureau")),
    ("/docking", Some("bureau")),
    ("/service-map", None),
    ("/resources", None),
    ("/resources?page=100", None),
    ("/resources?page=100&after=@", None),
    ("/resources?kind=capability", None),
    ("/resources?center_kind=pilot_platform&qualification=cma", None),
    ("/api/v1/resources?field=new_energy", None),
    ("/four-lists", None),
    ("/api/v1/four-lists", None),
    ("/resource-requests", Some("center")),
    ("/resources", Some("bureau")),
    // Issue 16: the evidence log, signed documents, data registration.
    ("/log", None),
    ("/api/v1/log", None),
    ("/api/v1/log/checkpoints", None),
    ("/.well-known/pocnet-log-keys", None),
    ("/verify", None),
    ("/api/v1/documents?subject_type=center&subject_id=1", Some("bureau")),
    ("/centers/1", Some("bureau")),
    ("/api/v1/centers/1/data-sets", Some("bureau")),
    // Issue 17: innovation vouchers.
    ("/vouchers", None),
    ("/vouchers", Some("bureau")),
    ("/vouchers", Some("enterprise")),
    ("/vouchers/uses", Some("center")),
    ("/api/v1/voucher-uses", Some("bureau")),
    ("/api/v1/voucher-schemes", None),
    // Issue 17: roadshows, interests, the fund's view, grants, the loans and insurance catalogue.
    ("/roadshows", Some("investor")),
    ("/roadshows?when=past", Some("bureau")),
    ("/interests", Some("bureau")),
    ("/interests", Some("investor")),
    ("/fund", Some("investor")),
    ("/fund?page=100", Some("investor")),
    ("/api/v1/fund/priority-projects?page=100&after=@", Some("investor")),
    ("/api/v1/fund/priority-projects?field=new_energy", Some("investor")),
    ("/grants", Some("bureau")),
    ("/finance-products", Some("enterprise")),
    ("/finance-applications", Some("bureau")),
    // Issue 18: the pilot platforms' catalogue, pilot projects and booking calendars
    // (`{line}`: a synthetic platform's line with a year of bookings; `{platform}`: its platform).
    ("/resources?center_kind=pilot_platform&kind=line", None),
    ("/api/v1/resources/export.xlsx?center_kind=pilot_platform&kind=line", None),
    ("/resources/{line}/calendar", None),
    ("/resources/{line}/calendar", Some("bureau")),
    ("/api/v1/resources/{line}/calendar", None),
    ("/centers/{platform}/pilot-calendar", None),
    ("/centers/{platform}/pilot-calendar", Some("bureau")),
    ("/pilot-projects", Some("bureau")),
    ("/pilot-projects", Some("platform")),
    ("/pilot-projects?page=20&after=@", Some("bureau")),
    // Issue 18 (004 三(二)): the early-result pools, the batch reviews and the public seed list.
    ("/seeds", None),
    ("/seeds?field=new_energy", None),
    ("/seeds?q=人工智能", None),
    ("/seeds?page=50&after=@", None),
    ("/api/v1/seeds/export.xlsx?field=new_energy", None),
    ("/concepts", Some("bureau")),
    ("/concepts?state=pooled", Some("bureau")),
    ("/concepts", Some("center")),
    ("/seed-batches", Some("bureau")),
    // Issue 18 (004 三(三)(五)): project managers' assignments and assessments.
    ("/managers", Some("bureau")),
    ("/managers?state=active", Some("bureau")),
    ("/managers?page=50", Some("bureau")),
    ("/api/v1/manager-assignments?page=50&after=@", Some("bureau")),
    ("/managers", Some("center")),
    ("/managers", Some("manager")),
    ("/manager-assessments", Some("bureau")),
    ("/api/v1/manager-assignments?q=合成", Some("bureau")),
    ("/dashboard", Some("manager")),
];

impl PagesArgs {
    /// The sizes to build: the scale's, with any count given overriding it.
    fn sizes(&self) -> Sizes {
        let base = self.scale.sizes();
        Sizes { centers: self.centers.unwrap_or(base.centers), results: self.results.unwrap_or(base.results), experts: self.experts.unwrap_or(base.experts) }
    }
}

/// Runs `bench pages`.
pub async fn run(cli: &Cli, args: &PagesArgs) -> anyhow::Result<()> {
    let paths: Vec<(&str, Login)> =
        PATHS.iter().copied().filter(|(p, _)| args.only.is_empty() || args.only.iter().any(|o| p.contains(o.as_str()))).collect();
    if args.list {
        for (path, login) in &paths {
            println!("{path}\t{}", login.unwrap_or("-"));
        }
        return Ok(());
    }
    if paths.is_empty() {
        bail!("no path contains {:?}; `--list` shows them", args.only);
    }
    let positive = |x: f64| x.is_finite() && x > 0.0;
    if args.connections == 0 || !positive(args.seconds) || !positive(args.timeout) || args.db_connections == 0 {
        bail!("--connections, --seconds, --timeout and --db-connections must be positive");
    }
    let (store, place, _temporary) = open(cli, args).await?;
    let outcome = interruptible(async {
        let built = scale::prepare(&store, args.sizes(), args.seed).await?;
        println!("installation: {place}; {built}");
        measure(&store, args, &paths).await
    })
    .await;
    store.close().await;
    outcome
}

/// Opens (and migrates) the benchmark's database: the PostgreSQL database of
/// --database-url (created if missing; dropped and created again with
/// --rebuild), the SQLite file in --keep's directory, or a temporary one.
async fn open(cli: &Cli, args: &PagesArgs) -> anyhow::Result<(Store, String, Option<tempfile::TempDir>)> {
    // The server's pool, as `serve --db-connections` (the benchmark's own few reads come before the load).
    let pool = args.db_connections;
    match cli.database_url.as_deref() {
        Some(url) if Backend::of_url(url).ok() == Some(Backend::Postgres) => {
            if args.keep.is_some() {
                bail!("--keep is for a SQLite data directory; with --database-url the PostgreSQL database itself is kept");
            }
            let name = database_name(url).context("--database-url names no database")?;
            if args.rebuild {
                let admin = Store::connect(&with_database(url, "postgres"), 1).await.context("cannot connect to the PostgreSQL server")?;
                scratch::drop_database(&admin, &name).await.with_context(|| format!("cannot drop {name}"))?;
                scratch::create_database(&admin, &name).await.with_context(|| format!("cannot create {name}"))?;
                admin.close().await;
            }
            let store = match Store::connect(url, pool).await {
                Ok(s) => s,
                Err(first) => {
                    // Most likely the database does not exist yet: create it.
                    let admin = Store::connect(&with_database(url, "postgres"), 1).await.context("cannot connect to the PostgreSQL server")?;
                    let created = scratch::create_database(&admin, &name).await;
                    admin.close().await;
                    created.with_context(|| format!("cannot open {url} ({first}) nor create database {name}"))?;
                    Store::connect(url, pool).await.with_context(|| format!("cannot open {url}"))?
                }
            };
            store.migrate().await?;
            Ok((store, format!("PostgreSQL {url}"), None))
        }
        Some(_) => bail!("bench pages keeps a SQLite installation with --keep DIR; --database-url is for PostgreSQL"),
        None => {
            let (dir, temporary) = match &args.keep {
                Some(dir) => (dir.clone(), None),
                None => {
                    let t = tempfile::Builder::new().prefix("pocnet-bench-pages-").tempdir().context("cannot create a temporary directory")?;
                    (t.path().to_path_buf(), Some(t))
                }
            };
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            let file = dir.join("pocnet.db");
            if args.rebuild {
                remove_sqlite(&file)?;
            }
            let store = Store::connect(&format!("sqlite://{}", file.display()), pool).await.context("cannot open the SQLite file")?;
            store.migrate().await?;
            let what = if temporary.is_some() { "SQLite, temporary" } else { "SQLite, kept" };
            Ok((store, format!("{what} {}", file.display()), temporary))
        }
    }
}

/// The database of a `postgres://…/DB?…` URL.
fn database_name(url: &str) -> Option<String> {
    let main = url.split('?').next().unwrap_or(url);
    let rest = &main[main.find("://")? + 3..];
    let name = &rest[rest.find('/')? + 1..];
    (!name.is_empty()).then(|| name.to_owned())
}

fn remove_sqlite(file: &Path) -> anyhow::Result<()> {
    for suffix in ["", "-wal", "-shm"] {
        let f = PathBuf::from(format!("{}{suffix}", file.display()));
        match std::fs::remove_file(&f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", f.display())),
        }
    }
    Ok(())
}

/// Serves the installation in-process and loads every path; prints the table.
async fn measure(store: &Store, args: &PagesArgs, paths: &[(&str, Login)]) -> anyhow::Result<()> {
    let config = WebConfig { demo: true, ..WebConfig::default() };
    let state = AppState::new(store.clone(), config, Arc::new(SystemClock))?;
    // What a running server's sequencer has done by now: every record in the log, a checkpoint signed.
    let started = std::time::Instant::now();
    if let Some(c) = pocnet_app::evidence::log::checkpoint(state.context()).await? {
        println!("evidence log: {} leaves, checkpoint signed in {:.1} s", c.size, started.elapsed().as_secs_f64());
    }
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.context("cannot listen on the loopback")?;
    let base = format!("http://{}", listener.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(pocnet_web::serve(listener, state, async {
        let _ = stopped.await;
    }));
    let outcome = async {
        let client = reqwest::Client::builder()
            .pool_max_idle_per_host(args.connections)
            .timeout(Duration::from_secs_f64(args.timeout))
            .redirect(reqwest::redirect::Policy::none())
            .build()?;
        let mut tokens: BTreeMap<&str, String> = BTreeMap::new();
        for login in paths.iter().filter_map(|(_, l)| *l) {
            if !tokens.contains_key(login) {
                tokens.insert(login, sign_in(&client, &base, login).await?);
            }
        }
        let counts = counts(store).await?;
        println!(
            "dataset: {counts}; {} clients, {} s per path, timeout {} s; goal ≥ {} req/s and p99 ≤ {} ms",
            args.connections, args.seconds, args.timeout, GOAL_RPS, GOAL_P99_MS
        );
        println!();
        println!("| path | role | req/s | p50 ms | p99 ms | max ms | errors | goal |");
        println!("|---|---|---:|---:|---:|---:|---:|---|");
        let mut missed = 0;
        for (path, login) in paths {
            let token = login.and_then(|l| tokens.get(l)).map(String::as_str);
            // The table names the path as listed (`after=@`); the load reads the row it stands for.
            let resolved = resolve_cursor(&client, &base, path, token).await?;
            let r = load(&client, format!("{base}{resolved}"), token, args.connections, Duration::from_secs_f64(args.seconds)).await?;
            let verdict = verdict(&r);
            missed += usize::from(verdict != "met");
            println!(
                "| `{path}` | {} | {:.0} | {:.1} | {:.1} | {:.1} | {} | {verdict} |",
                login.unwrap_or("public"),
                r.rate(),
                percentile(&r.latencies_us, 50.0),
                percentile(&r.latencies_us, 99.0),
                percentile(&r.latencies_us, 100.0),
                r.errors_text()
            );
            settle(&client, &base, Duration::from_secs_f64(args.timeout * 3.0)).await;
        }
        println!();
        println!("{} of {} paths meet the goal (≥ {GOAL_RPS} req/s, p99 ≤ {GOAL_P99_MS} ms, no errors)", paths.len() - missed, paths.len());
        Ok(())
    }
    .await;
    let _ = stop.send(());
    match tokio::time::timeout(Duration::from_secs(30), server).await {
        Ok(Ok(Err(e))) => eprintln!("warning: the server ended with {e}"),
        Err(_) => eprintln!("warning: the server did not stop within 30 s"),
        _ => {}
    }
    outcome
}

/// `path` with `{line}` and `{platform}` replaced by a line of a synthetic pilot platform (the
/// tenth the catalogue lists, with a year of bookings) and its platform.
async fn resolve_line(client: &reqwest::Client, base: &str, path: &str) -> anyhow::Result<String> {
    if !path.contains("{line}") && !path.contains("{platform}") {
        return Ok(path.to_owned());
    }
    let url = format!("{base}/api/v1/resources?center_kind=pilot_platform&kind=line&per_page=10");
    let body: serde_json::Value = client.get(&url).send().await?.error_for_status()?.json().await?;
    let items = body["items"].as_array().context("the catalogue's lines")?;
    let line = items.last().context("no pilot line in the catalogue")?;
    let (id, platform) = (line["id"].as_i64().context("line id")?, line["center_id"].as_i64().context("platform id")?);
    Ok(path.replace("{line}", &id.to_string()).replace("{platform}", &platform.to_string()))
}

/// `path` with `after=@` replaced by the `next_after` of the page before it, read from the list's API.
async fn resolve_cursor(client: &reqwest::Client, base: &str, path: &str, token: Option<&str>) -> anyhow::Result<String> {
    let path = &resolve_line(client, base, path).await?;
    if !path.contains("after=@") {
        return Ok(path.to_owned());
    }
    let (list, query) = path.split_once('?').unwrap_or((path, ""));
    let api = if list.starts_with("/api/") { list.to_owned() } else { format!("/api/v1{list}") };
    let mut pairs: Vec<(String, String)> = Vec::new();
    for pair in query.split('&').filter(|p| !p.is_empty() && *p != "after=@") {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let v = if k == "page" { (v.parse::<u32>().context("page in a cursor path")?.max(2) - 1).to_string() } else { v.to_owned() };
        pairs.push((k.to_owned(), v));
    }
    let url = format!("{base}{api}?{}", pairs.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&"));
    let mut req = client.get(&url);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    let body: serde_json::Value = req.send().await?.error_for_status()?.json().await?;
    Ok(match body.get("next_after").and_then(serde_json::Value::as_i64) {
        Some(after) => path.replace("after=@", &format!("after={after}")),
        // A list too short for that page (a small dataset): the page by number.
        None => path.replace("&after=@", "").replace("after=@", ""),
    })
}

/// `met`, or what misses the goal.
fn verdict(r: &Report) -> String {
    let p99 = percentile(&r.latencies_us, 99.0);
    let mut missed = Vec::new();
    if r.requests == 0 {
        missed.push("no answer".to_owned());
    } else {
        if r.rate() < GOAL_RPS {
            missed.push("req/s".to_owned());
        }
        if p99 > GOAL_P99_MS {
            missed.push("p99".to_owned());
        }
    }
    if r.errors > 0 {
        missed.push("errors".to_owned());
    }
    if missed.is_empty() {
        "met".to_owned()
    } else {
        format!("**missed** ({})", missed.join(", "))
    }
}

/// Signs a demo login in through the JSON API; its bearer token.
async fn sign_in(client: &reqwest::Client, base: &str, username: &str) -> anyhow::Result<String> {
    let answer: serde_json::Value = client
        .post(format!("{base}/api/v1/auth/login"))
        .json(&serde_json::json!({"username": username, "password": pocnet_demo::DEMO_PASSWORD}))
        .send()
        .await
        .with_context(|| format!("cannot sign in as {username}"))?
        .error_for_status()
        .with_context(|| format!("the demo login {username} was refused"))?
        .json()
        .await?;
    Ok(answer["token"].as_str().with_context(|| format!("no token for {username}"))?.to_owned())
}

/// Waits (at most `limit`) until `/healthz` answers within 50 ms: the
/// requests the last path left behind have drained.
async fn settle(client: &reqwest::Client, base: &str, limit: Duration) {
    let until = Instant::now() + limit;
    while Instant::now() < until {
        let t = Instant::now();
        let ok = client.get(format!("{base}/healthz")).send().await.is_ok_and(|r| r.status().is_success());
        if ok && t.elapsed() < Duration::from_millis(50) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

/// What the installation holds, for the report.
async fn counts(store: &Store) -> anyhow::Result<String> {
    use pocnet_store::centers::{self, CenterScope};
    use pocnet_store::{experts, results};
    let pool = store.pool();
    let one = Page { number: 1, size: 1, ..Page::new(None, None) };
    let centers = centers::list(pool, CenterScope::All, &centers::CenterFilter::default(), "name", SortDir::Asc, one).await?.total;
    let results: i64 = results::count_by_state(pool, results::ResultScope::All).await?.iter().map(|(_, n)| n).sum();
    let experts = experts::list(pool, &experts::ExpertFilter::default(), one).await?.total;
    let orgs = orgs::list(pool, &orgs::OrgFilter::default(), "name", SortDir::Asc, one).await?.total;
    let n = |v: i64| thousands(usize::try_from(v).unwrap_or(0));
    Ok(format!("{} centers, {} results, {} experts, {} organisations", n(centers), n(results), n(experts), n(orgs)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url() {
        assert_eq!(database_name("postgres://postgres@127.0.0.1:5432/pocnet_bench").as_deref(), Some("pocnet_bench"));
        assert_eq!(database_name("postgres://u@h/db?sslmode=disable").as_deref(), Some("db"));
        assert_eq!(database_name("postgres://u@h"), None);
        assert_eq!(database_name("postgres://u@h/"), None);
    }

    #[test]
    fn every_path_is_listed_once_per_role() {
        let mut seen = std::collections::BTreeSet::new();
        for (path, login) in PATHS {
            assert!(path.starts_with('/'), "{path}");
            assert!(seen.insert((path, login)), "{path} {login:?} twice");
        }
    }
}
