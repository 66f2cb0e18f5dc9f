//! `pocnet org …`: organisations from the command line.

use super::open_store;
use crate::Cli;
use clap::{Args, Subcommand};
use pocnet_store::orgs;
use pocnet_store::{Page, SortDir};

/// Organisation commands.
#[derive(Debug, Subcommand)]
pub enum OrgCommand {
    /// Add an organisation.
    Add(AddArgs),
    /// List organisations.
    List,
}

/// Options of `org add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Full name (unique).
    #[arg(long)]
    pub name: String,
    /// Kind: bureau, county_department, university, research_institute, hospital, enterprise, incubator, investment_fund, bank.
    #[arg(long)]
    pub kind: String,
    /// County-level region, e.g. 市本级, 鹿城区, 瑞安市.
    #[arg(long, default_value = "市本级")]
    pub region: String,
}

/// Runs an org subcommand.
pub async fn run(cli: &Cli, cmd: &OrgCommand) -> anyhow::Result<()> {
    let store = open_store(cli, 2).await?;
    match cmd {
        OrgCommand::Add(args) => {
            let input = pocnet_app::orgs::OrgInput { name: args.name.clone(), kind: args.kind.clone(), region: args.region.clone(), version: None };
            let ctx = super::context(cli, &store)?;
            let o = pocnet_app::orgs::create(&ctx, &pocnet_app::Caller::Console { name: "cli" }, &input).await?;
            println!("added organisation {} (id {})", o.name, o.id);
        }
        OrgCommand::List => {
            let list = orgs::list(store.pool(), &Default::default(), "name", SortDir::Asc, Page::new(Some(1), Some(200))).await?;
            for o in &list.items {
                println!("{:<6} {:<18} {:<6} {}", o.id, o.kind.as_str(), o.region.as_str(), o.name);
            }
            println!("{} organisation(s)", list.total);
        }
    }
    store.close().await;
    Ok(())
}
