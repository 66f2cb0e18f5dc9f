//! `pocnet bench log`: the evidence log's four figures (issue 16) on a scratch
//! database — appends per second through the sequencer (SQLite with
//! `synchronous=FULL`, or PostgreSQL), an inclusion proof made and verified
//! (from tiles in memory, and from the database), a signed report checked
//! offline (bundle and PDF), and the full verification of the log.

use super::bench::{drop_scratch, scratch_store};
use super::progress_bar;
use crate::Cli;
use clap::Args;
use pocnet_app::evidence::Notary;
use pocnet_evidence::tree;
use pocnet_store::evidence::log as store_log;
use pocnet_store::Backend;
use std::time::{Duration, Instant};

/// Options of `bench log`.
#[derive(Debug, Args)]
pub struct LogArgs {
    /// Audit events written, then appended to the log.
    #[arg(long, default_value_t = 100_000)]
    pub leaves: u64,
    /// Records appended per sequencer transaction.
    #[arg(long, default_value_t = 5_000)]
    pub batch: usize,
    /// Inclusion proofs timed.
    #[arg(long, default_value_t = 2_000)]
    pub proofs: u64,
}

/// Writes `n` synthetic audit events (queued by the trigger), `per` to a transaction.
async fn write_events(store: &pocnet_store::Store, n: u64, per: u64) -> anyhow::Result<()> {
    let sqlite = store.backend() == Backend::Sqlite;
    let bar = progress_bar(n, "events");
    let mut done = 0;
    while done < n {
        let rows = per.min(n - done);
        let mut tx = store.write().await?;
        let mut left = rows;
        while left > 0 {
            let k = left.min(500);
            let mut sql = String::from("INSERT INTO audit_events (at, actor_label, action, entity_type, entity_id, after_json) VALUES ");
            for i in 0..k {
                if i > 0 {
                    sql.push_str(", ");
                }
                if sqlite {
                    sql.push_str("(?, ?, ?, ?, ?, ?)");
                } else {
                    let b = i * 6;
                    sql.push_str(&format!("(${}, ${}, ${}, ${}, ${}, ${})", b + 1, b + 2, b + 3, b + 4, b + 5, b + 6));
                }
            }
            let mut q = sqlx::query(&sql);
            for i in 0..k {
                let id = done + rows - left + i;
                q = q
                    .bind(format!("2026-12-03T08:{:02}:{:02}.{:06}Z", (id / 60) % 60, id % 60, id % 1_000_000))
                    .bind("system:bench")
                    .bind("result.milestone.accept")
                    .bind("result")
                    .bind((id % 100_000).to_string())
                    .bind(format!("{{\"milestone\":{id},\"finding\":\"中试样品性能达标，循环寿命 {} 次\"}}", 2000 + id % 997));
            }
            q.execute(&mut *tx).await?;
            left -= k;
        }
        tx.commit().await?;
        done += rows;
        bar.set_position(done);
    }
    bar.finish_and_clear();
    Ok(())
}

fn per_op(d: Duration, n: u64) -> String {
    let us = d.as_secs_f64() * 1e6 / n.max(1) as f64;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.1} µs")
    }
}

/// Runs `bench log`.
pub async fn run(cli: &Cli, args: &LogArgs) -> anyhow::Result<()> {
    let (store, scratch, label) = scratch_store(cli, "log").await?;
    let outcome = measure(cli, &store, args, &label).await;
    drop_scratch(store, scratch).await;
    outcome
}

async fn measure(cli: &Cli, store: &pocnet_store::Store, args: &LogArgs, label: &str) -> anyhow::Result<()> {
    println!("database: {label}{}", if store.backend() == Backend::Sqlite { " (journal WAL, synchronous=FULL)" } else { "" });
    let ctx = super::context(cli, store)?.with_notary(Notary::ephemeral("bench.pocnet.localhost/log").map_err(|e| anyhow::anyhow!("{e}"))?);
    let started = Instant::now();
    write_events(store, args.leaves, 10_000).await?;
    let queued = store_log::queued(store.pool()).await?;
    println!("{} audit events written in {:.1} s ({} queued for the log by trigger)", args.leaves, started.elapsed().as_secs_f64(), queued);

    // 1. Appends: the sequencer's batches until the queue is empty.
    let bar = progress_bar(u64::try_from(queued).unwrap_or(0), "append");
    let started = Instant::now();
    let mut appended = 0;
    loop {
        let s = store_log::sequence(store, chrono::Utc::now(), args.batch).await?;
        if s.appended == 0 {
            break;
        }
        appended += s.appended;
        bar.set_position(appended);
    }
    let took = started.elapsed();
    bar.finish_and_clear();
    let head = store_log::head(store.pool()).await?;
    println!(
        "append: {appended} leaves in {:.2} s = {:.0} appends/s (batches of {}; leaves, tiles and head in one transaction each)",
        took.as_secs_f64(),
        appended as f64 / took.as_secs_f64().max(1e-9),
        args.batch
    );
    pocnet_app::evidence::log::checkpoint(&ctx).await.map_err(|e| anyhow::anyhow!("{e}"))?;

    // 2. Inclusion proofs: made from tiles already in memory, and from the database; each verified.
    let size = head.size;
    let indices: Vec<u64> = (0..args.proofs).map(|i| (i.wrapping_mul(2_654_435_761)) % size.max(1)).collect();
    let mut all_tiles = tree::TileMap::new();
    for i in &indices {
        let needed = tree::tiles_needed_for_inclusion(*i, size)?;
        let map = store_log::tiles_of(store.pool(), store.backend(), &needed).await?;
        for id in needed {
            if let Some(data) = map.get(id.level, id.index) {
                all_tiles.insert(id, data.to_vec());
            }
        }
    }
    let leaves: Vec<pocnet_evidence::Hash> = {
        let mut out = Vec::with_capacity(indices.len());
        for i in &indices {
            out.push(store_log::leaf(store.pool(), *i).await?.leaf_hash);
        }
        out
    };
    let started = Instant::now();
    for (i, leaf) in indices.iter().zip(&leaves) {
        let proof = tree::inclusion_proof(&all_tiles, *i, size)?;
        tree::verify_inclusion(leaf, *i, size, &proof, &head.root)?;
    }
    let in_memory = started.elapsed();
    let started = Instant::now();
    for (i, leaf) in indices.iter().zip(&leaves) {
        let proof = pocnet_app::evidence::log::inclusion(&ctx, *i, size).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let hashes: Vec<pocnet_evidence::Hash> = proof.hashes.iter().map(|h| pocnet_evidence::Hash::from_base64(h)).collect::<Result<_, _>>()?;
        tree::verify_inclusion(leaf, *i, size, &hashes, &head.root)?;
    }
    let from_db = started.elapsed();
    println!("inclusion proof + verify, tree of {size}: {} (tiles in memory), {} (tiles read from the database each time), {} proofs", per_op(in_memory, args.proofs), per_op(from_db, args.proofs), args.proofs);

    // 3. A signed report checked offline: its bundle, and its PDF (which is re-printed and compared).
    let face = pocnet_app::evidence::documents::certificate_face_for_bench();
    let mut tx = store.write().await?;
    let id = pocnet_app::evidence::documents::sign_in(&mut tx, &ctx, &pocnet_store::Actor::system("bench"), "verification_report", "result", "1".to_owned(), &face, serde_json::json!({"result_id": 1})).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    tx.commit().await?;
    let d = pocnet_store::evidence::documents::get(store.pool(), id).await?;
    let b = pocnet_app::evidence::documents::bundle(&ctx, &d).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let json = pocnet_app::evidence::documents::bundle_bytes(&b).map_err(|e| anyhow::anyhow!("{e}"))?;
    let pdf = pocnet_app::evidence::documents::print(&b).map_err(|e| anyhow::anyhow!("{e}"))?;
    let keys = ctx.notary().map_err(|e| anyhow::anyhow!("{e}"))?.verifiers();
    let rounds = 200u64;
    let started = Instant::now();
    for _ in 0..rounds {
        pocnet_app::evidence::documents::verify_file(&json, &keys).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let bundle_time = started.elapsed();
    let pdf_rounds = 20u64;
    let started = Instant::now();
    for _ in 0..pdf_rounds {
        pocnet_app::evidence::documents::verify_file(&pdf, &keys).map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    let pdf_time = started.elapsed();
    println!(
        "offline verification of a signed report: {} the bundle ({} bytes: Ed25519 + SM2 signatures, inclusion proof, checkpoint), {} the PDF ({} bytes: the same, plus re-printing it and comparing bytes)",
        per_op(bundle_time, rounds),
        json.len(),
        per_op(pdf_time, pdf_rounds),
        pdf.len()
    );

    // 4. The full verification, from the records up.
    let started = Instant::now();
    let report = pocnet_app::evidence::log::verify(&ctx, &|_, _| {}).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "log verify: {} leaves and {} checkpoints in {:.1} s ({} problems)",
        report.leaves,
        report.checkpoints,
        started.elapsed().as_secs_f64(),
        report.problems.len()
    );
    Ok(())
}
