//! `pocnet white-paper --year Y [--pdf FILE] [--xlsx FILE]`: composes the
//! year's white paper from the records and writes it as PDF and/or Excel,
//! printing how long each step took (the benchmark of docs/BENCHMARKS.md).

use super::{context, open_store, progress_bar};
use crate::Cli;
use clap::Args;
use std::path::PathBuf;
use std::time::Instant;

/// Arguments of `pocnet white-paper`.
#[derive(Debug, Args)]
pub struct WhitePaperArgs {
    /// The year reported on.
    #[arg(long)]
    pub year: i32,
    /// Write the PDF here.
    #[arg(long)]
    pub pdf: Option<PathBuf>,
    /// Write the Excel workbook here.
    #[arg(long)]
    pub xlsx: Option<PathBuf>,
}

/// Runs the command.
pub async fn run(cli: &Cli, args: &WhitePaperArgs) -> anyhow::Result<()> {
    anyhow::ensure!(args.pdf.is_some() || args.xlsx.is_some(), "give --pdf FILE and/or --xlsx FILE");
    let store = open_store(cli, 4).await?;
    let ctx = context(cli, &store)?;
    let steps = 1 + u64::from(args.pdf.is_some()) + u64::from(args.xlsx.is_some());
    let bar = progress_bar(steps, "white paper");
    let started = Instant::now();
    bar.set_message("reading the records");
    let doc = pocnet_app::white_paper::compose(&ctx, args.year).await.map_err(|e| anyhow::anyhow!("{e}"))?;
    let composed = started.elapsed();
    bar.inc(1);
    let mut lines = vec![format!("composed from the records in {:.3} s ({} tables)", composed.as_secs_f64(), doc.tables().count())];
    if let Some(path) = &args.pdf {
        bar.set_message("typesetting the PDF");
        let t = Instant::now();
        let printed = pocnet_print::pdf(&doc)?;
        std::fs::write(path, &printed.bytes)?;
        bar.inc(1);
        lines.push(format!("PDF: {} pages, {} KiB in {:.3} s → {}", printed.pages, printed.bytes.len() / 1024, t.elapsed().as_secs_f64(), path.display()));
        if !printed.missing.is_empty() {
            lines.push(format!("warning: the shipped font lacks {} (printed as boxes)", printed.missing.iter().collect::<String>()));
        }
    }
    if let Some(path) = &args.xlsx {
        bar.set_message("writing the workbook");
        let t = Instant::now();
        let bytes = pocnet_print::xlsx(&doc)?;
        std::fs::write(path, &bytes)?;
        bar.inc(1);
        lines.push(format!("Excel: {} KiB in {:.3} s → {}", bytes.len() / 1024, t.elapsed().as_secs_f64(), path.display()));
    }
    bar.finish_and_clear();
    println!("{}", doc.title);
    for l in lines {
        println!("{l}");
    }
    println!("total {:.3} s", started.elapsed().as_secs_f64());
    store.close().await;
    Ok(())
}
