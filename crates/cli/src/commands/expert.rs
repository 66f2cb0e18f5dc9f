//! `pocnet expert …`: an expert's account from the command line — link an
//! existing expert account to a library expert, open an account from the
//! expert's record (printing its one-time activation code), or unlink.

use super::open_store;
use crate::Cli;
use anyhow::bail;
use clap::{Args, Subcommand};
use pocnet_domain::credentials::Username;
use pocnet_store::{expert_accounts, experts, Actor, StoreError};

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

fn explain(e: StoreError, expert: i64) -> anyhow::Error {
    match e {
        StoreError::NotFound => anyhow::anyhow!("no library expert with id {expert}"),
        StoreError::Refused { code, message } => anyhow::anyhow!("{message} ({code})"),
        StoreError::Duplicate { .. } => anyhow::anyhow!("用户名已被使用，请换一个 (duplicate)"),
        other => other.into(),
    }
}

/// Runs an expert subcommand.
pub async fn run(cli: &Cli, cmd: &ExpertCommand) -> anyhow::Result<()> {
    let store = open_store(cli, 2).await?;
    let actor = Actor::system("cli");
    let now = chrono::Utc::now();
    let mut tx = store.write().await?;
    match cmd {
        ExpertCommand::Link(args) => {
            let username = Username::parse(&args.username).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let e = expert_accounts::link(&mut tx, &actor, now, args.expert, &username).await.map_err(|e| explain(e, args.expert))?;
            tx.commit().await?;
            println!("linked account {username} to expert {} (id {})", e.name, e.id);
        }
        ExpertCommand::Invite(args) => {
            let username = Username::parse(&args.username).map_err(|e| anyhow::anyhow!("{}", e.message))?;
            let code = expert_accounts::new_code();
            let issued = expert_accounts::open_account(&mut tx, &actor, now, args.expert, &username, &code)
                .await
                .map_err(|e| explain(e, args.expert))?;
            tx.commit().await?;
            let e = experts::get(store.pool(), args.expert).await?;
            println!("opened account {} for expert {} (id {})", issued.user.username, e.name, e.id);
            println!("activation code: {}", code.display());
            println!("valid until {} (UTC); the expert opens /activate, types the code and sets a password", pocnet_store::format_ts(issued.expires_at));
        }
        ExpertCommand::Unlink(args) => {
            if args.reason.chars().count() > 500 {
                bail!("--reason is at most 500 characters");
            }
            let e = expert_accounts::unlink(&mut tx, &actor, now, args.expert, &args.reason).await.map_err(|e| explain(e, args.expert))?;
            tx.commit().await?;
            println!("unlinked expert {} (id {}); its panels and scores stay", e.name, e.id);
        }
    }
    store.close().await;
    Ok(())
}
