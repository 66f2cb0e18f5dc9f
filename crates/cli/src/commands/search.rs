//! `pocnet search rebuild`: rebuilds the search index under the data directory
//! from the records, with a progress bar (stop the server first: one writer
//! holds an index). A server also rebuilds a missing or empty index when it starts.

use super::{context, open_store, progress_bar};
use crate::Cli;
use clap::Subcommand;

/// Search subcommands.
#[derive(Debug, Subcommand)]
pub enum SearchCommand {
    /// Rebuild the search index from the records (the server must be stopped).
    Rebuild,
}

/// Runs a search subcommand.
pub async fn run(cli: &Cli, cmd: &SearchCommand) -> anyhow::Result<()> {
    match cmd {
        SearchCommand::Rebuild => {
            let store = open_store(cli, 4).await?;
            let ctx = context(cli, &store)?;
            let segmenter = pocnet_app::search::segmenter(ctx.policies());
            let index = pocnet_search::SearchIndex::open(&cli.data_dir.join("search"), segmenter)?;
            let started = std::time::Instant::now();
            let bar = progress_bar(0, "index");
            let n = pocnet_app::search::rebuild(&ctx, &index, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            bar.finish_and_clear();
            println!("search index rebuilt: {n} records in {:.1} s ({})", started.elapsed().as_secs_f64(), cli.data_dir.join("search").display());
            store.close().await;
            Ok(())
        }
    }
}
