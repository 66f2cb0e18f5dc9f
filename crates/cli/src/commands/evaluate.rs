//! `pocnet evaluate --year Y --profile P [--dry-run]`: every covered center's
//! indicators for the year computed from the records, the total where the
//! panel has scored, and the grade the bands propose. Without `--dry-run` the
//! round is opened (as the console) if it is not yet, and every pending
//! evaluation's scorecard is written again from the records and the scores.

use super::{context, open_store, progress_bar};
use crate::Cli;
use clap::Args;
use pocnet_app::evaluation::{self, RoundInput};
use pocnet_app::Caller;
use pocnet_domain::evaluation::{IndicatorSource, Scorecard};
use pocnet_store::evaluations::{self as store, EvaluationOrder, EvaluationScope};
use pocnet_store::Page;

/// Arguments of `pocnet evaluate`.
#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// The evaluation year (the data year: 2026 evaluates the window ending in 2026).
    #[arg(long)]
    pub year: i32,
    /// The policy profile whose plan runs (e.g. wenzhou-municipal-2025).
    #[arg(long)]
    pub profile: String,
    /// Compute and print only; write nothing.
    #[arg(long)]
    pub dry_run: bool,
}

fn points(card: &Scorecard, source: IndicatorSource) -> i64 {
    card.components.iter().filter(|c| c.source == source).filter_map(|c| c.points_hundredths).sum()
}

fn hundredths(v: Option<i64>) -> String {
    v.map_or_else(|| "—".to_owned(), pocnet_domain::evaluation::scoring::shown)
}

/// Runs the command.
pub async fn run(cli: &Cli, args: &EvaluateArgs) -> anyhow::Result<()> {
    let store = open_store(cli, 4).await?;
    let ctx = context(cli, &store)?;
    let profile = evaluation::profile_to_run(&ctx, &args.profile).map_err(|e| anyhow::anyhow!("{e}"))?.clone();
    anyhow::ensure!((2000..=2100).contains(&args.year), "--year must lie between 2000 and 2100");
    let started = std::time::Instant::now();
    let records: Vec<_> = profile.evaluation.indicators.iter().filter(|i| i.source == IndicatorSource::Records).collect();
    let header: Vec<String> = records.iter().map(|i| i.label.clone()).collect();
    println!("center\tname\t{}\trecords points\ttotal\tproposed grade", header.join("\t"));
    let label = |code: &Option<String>| code.as_deref().and_then(|c| profile.evaluation.grade(c)).map_or("—".to_owned(), |g| g.label.clone());
    if args.dry_run {
        let computed = evaluation::compute(&ctx, &profile, args.year, |_| Default::default()).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        let bar = progress_bar(computed.len() as u64, "evaluate");
        for c in &computed {
            let values: Vec<String> = records.iter().map(|i| i.metric.map_or(0, |m| c.figures.get(m)).to_string()).collect();
            println!(
                "{}\t{}\t{}\t{}\t{}\t{}",
                c.center_id,
                c.center_name,
                values.join("\t"),
                hundredths(Some(points(&c.scorecard, IndicatorSource::Records))),
                hundredths(c.scorecard.total_hundredths),
                label(&c.proposed_grade)
            );
            bar.inc(1);
        }
        bar.finish_and_clear();
        eprintln!(
            "{} centers under {} for {} (window {} – {}), computed in {:.2} s; nothing written (--dry-run). Experts dimensions are scored by the round's panels.",
            computed.len(),
            profile.id,
            args.year,
            profile.evaluation.window(args.year).from,
            profile.evaluation.window(args.year).to,
            started.elapsed().as_secs_f64()
        );
        store.close().await;
        return Ok(());
    }
    let caller = Caller::Console { name: "evaluate" };
    let round = match store::round_of(store.pool(), &profile.id, args.year).await? {
        Some(r) => r,
        None => evaluation::open_round(&ctx, &caller, &RoundInput { profile_id: profile.id.clone(), year: args.year }).await.map_err(|e| anyhow::anyhow!("{e}"))?,
    };
    let all = store::list(store.pool(), round.id, &EvaluationScope::All, None, EvaluationOrder::Center, Page::new(Some(1), Some(100_000)).all()).await?;
    let bar = progress_bar(all.items.len() as u64, "evaluate");
    for e in &all.items {
        let e = evaluation::refresh(&ctx, e.id).await.map_err(|err| anyhow::anyhow!("{err}"))?;
        let report = pocnet_store::evaluations::reports::of(store.pool(), round.id, e.center_id).await?;
        let figures = report.figures().corrected(&report.corrections());
        let values: Vec<String> = records.iter().map(|i| i.metric.map_or(0, |m| figures.get(m)).to_string()).collect();
        let card = e.scorecard();
        let records_points = card.as_ref().map(|c| points(c, IndicatorSource::Records));
        bar.suspend(|| {
            println!("{}\t{}\t{}\t{}\t{}\t{}", e.center_id, e.center_name, values.join("\t"), hundredths(records_points), hundredths(e.total_hundredths), label(&e.proposed_grade))
        });
        bar.inc(1);
    }
    bar.finish_and_clear();
    eprintln!(
        "round {} ({} {}, {}): {} centers, scorecards written in {:.2} s",
        round.id,
        profile.id,
        args.year,
        round.state.label_zh(),
        all.items.len(),
        started.elapsed().as_secs_f64()
    );
    store.close().await;
    Ok(())
}
