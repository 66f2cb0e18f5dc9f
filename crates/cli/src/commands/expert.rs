//! `pocnet expert …`: an expert's account from the command line — link an
//! existing expert account to a library expert, open an account from the
//! expert's record (printing its one-time activation code), or unlink. Each
//! runs the workflow the web runs (`pocnet_app::expert_accounts`), as the console.

use super::open_store;
use crate::Cli;
use anyhow::bail;
use clap::{Args, Subcommand};
use pocnet_app::expert_accounts::{self, LinkInput};
use pocnet_app::{Caller, Error};
use pocnet_domain::id::ExpertId;
use pocnet_domain::credentials::Username;
use pocnet_store::{experts, StoreError};

/// Expert account commands.
#[derive(Debug, Subcommand)]
pub enum ExpertCommand {
    /// Link an existing expert account (`pocnet user add --role expert`) to a library expert.
    Link(LinkArgs),
    /// Open an account for a library expert and print its one-time activation code.
    Invite(LinkArgs),
    /// End the link between a library expert and its account (the expert keeps its history).
    Unlink(UnlinkArgs),
}

/// Options of `expert link` and `expert invite`.
#[derive(Debug, Args)]
pub struct LinkArgs {
    /// The library expert's id.
    #[arg(long)]
    pub expert: i64,
    /// The account's login name.
    #[arg(long)]
    pub username: String,
}

/// Options of `expert unlink`.
#[derive(Debug, Args)]
pub struct UnlinkArgs {
    /// The library expert's id.
    #[arg(long)]
    pub expert: i64,
    /// Why (kept in the audit trail).
    #[arg(long, default_value = "")]
    pub reason: String,
}

/// The console, as the audit trail records it.
const CONSOLE: Caller = Caller::Console { name: "cli" };

fn explain(e: Error, expert: i64) -> anyhow::Error {
    match e {
        Error::NotFound => anyhow::anyhow!("no library expert with id {expert}"),
        Error::Validation(f) => anyhow::anyhow!("{}", f.message),
        Error::Store(StoreError::Refused { code, message }) | Error::Rule { code, message } | Error::Conflict { code, message, .. } => {
            anyhow::anyhow!("{message} ({code})")
        }
        Error::Store(StoreError::Duplicate { .. }) => anyhow::anyhow!("用户名已被使用，请换一个 (duplicate)"),
        other => other.into(),
    }
}

/// Runs an expert subcommand.
pub async fn run(cli: &Cli, cmd: &ExpertCommand) -> anyhow::Result<()> {
    let store = open_store(cli, 2).await?;
    let ctx = super::context(cli, &store)?;
    match cmd {
        ExpertCommand::Link(args) => {
            let username = Username::parse(&args.username).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let input = LinkInput { username: username.as_str().to_owned(), reason: String::new() };
            let e = expert_accounts::link(&ctx, &CONSOLE, ExpertId::new(args.expert), &input).await.map_err(|e| explain(e, args.expert))?;
            println!("linked account {username} to expert {} (id {})", e.name, e.id);
        }
        ExpertCommand::Invite(args) => {
            let username = Username::parse(&args.username).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let input = LinkInput { username: username.as_str().to_owned(), reason: String::new() };
            let issued = expert_accounts::invite(&ctx, &CONSOLE, ExpertId::new(args.expert), &input).await.map_err(|e| explain(e, args.expert))?;
            let e = experts::get(store.pool(), ExpertId::new(args.expert)).await?;
            println!("opened account {} for expert {} (id {})", issued.username, e.name, e.id);
            println!("activation code: {}", issued.code);
            println!("valid until {} (UTC); the expert opens /activate, types the code and sets a password", issued.expires_at);
        }
        ExpertCommand::Unlink(args) => {
            if args.reason.chars().count() > 500 {
                bail!("--reason is at most 500 characters");
            }
            let input = LinkInput { username: String::new(), reason: args.reason.clone() };
            let e = expert_accounts::unlink(&ctx, &CONSOLE, ExpertId::new(args.expert), &input).await.map_err(|e| explain(e, args.expert))?;
            println!("unlinked expert {} (id {}); its panels and scores stay", e.name, e.id);
        }
    }
    store.close().await;
    Ok(())
}
