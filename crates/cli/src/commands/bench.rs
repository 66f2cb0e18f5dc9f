//! `pocnet bench http`: a small closed-loop load generator for pocnet's own
//! pages and endpoints (sends traffic only to the URL given, meant for loopback).

use super::progress_bar;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use std::time::{Duration, Instant};

/// Benchmarks.
#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Load a running server with N concurrent clients and report req/s and latency percentiles.
    Http(HttpArgs),
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
}

struct Report {
    requests: usize,
    errors: usize,
    elapsed: Duration,
    latencies_us: Vec<u64>,
}

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let idx = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[idx.min(sorted.len() - 1)] as f64 / 1000.0
}

async fn load(client: &reqwest::Client, url: String, token: &str, concurrency: usize, seconds: u64) -> anyhow::Result<Report> {
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let bar = progress_bar(seconds, &format!("{url:<40}"));
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
        let url = url.clone();
        let auth = format!("Bearer {token}");
        workers.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(4096);
            let mut errors = 0usize;
            while Instant::now() < deadline {
                let t = Instant::now();
                let ok = match client.get(&url).header("authorization", &auth).send().await {
                    Ok(resp) => resp.status().is_success() && resp.bytes().await.is_ok(),
                    Err(_) => false,
                };
                if ok {
                    lat.push(t.elapsed().as_micros() as u64);
                } else {
                    errors += 1;
                }
            }
            (lat, errors)
        }));
    }
    let mut latencies_us = Vec::new();
    let mut errors = 0;
    for w in workers {
        let (lat, e) = w.await?;
        latencies_us.extend(lat);
        errors += e;
    }
    let elapsed = start.elapsed();
    ticker.abort();
    bar.finish_and_clear();
    latencies_us.sort_unstable();
    Ok(Report { requests: latencies_us.len(), errors, elapsed, latencies_us })
}

/// Runs a bench subcommand.
pub async fn run(cmd: &BenchCommand) -> anyhow::Result<()> {
    let BenchCommand::Http(args) = cmd;
    if args.concurrency == 0 || args.seconds == 0 {
        bail!("--concurrency and --seconds must be at least 1");
    }
    let client = reqwest::Client::builder().pool_max_idle_per_host(args.concurrency).build()?;
    let password = std::env::var("POCNET_BENCH_PASSWORD").unwrap_or_else(|_| pocnet_store::demo::DEMO_PASSWORD.to_owned());
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
    println!("{:<24} {:>10} {:>10} {:>9} {:>9} {:>9} {:>9} {:>7}", "path", "requests", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors");
    for path in &args.paths {
        let r = load(&client, format!("{}{}", args.url, path), &token, args.concurrency, args.seconds).await?;
        let rps = r.requests as f64 / r.elapsed.as_secs_f64();
        println!(
            "{:<24} {:>10} {:>10.0} {:>9.2} {:>9.2} {:>9.2} {:>9.2} {:>7}",
            path,
            r.requests,
            rps,
            percentile(&r.latencies_us, 50.0),
            percentile(&r.latencies_us, 90.0),
            percentile(&r.latencies_us, 99.0),
            percentile(&r.latencies_us, 100.0),
            r.errors
        );
    }
    Ok(())
}
