//! `pocnet user …`: accounts from the command line. Passwords are read from
//! standard input (prompted twice on a terminal), never from the command line.

use super::open_store;
use crate::Cli;
use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use pocnet_app::accounts::{self, NewUserInput};
use pocnet_app::orgs::OrgInput;
use pocnet_app::Caller;
use pocnet_domain::credentials::Username;
use pocnet_domain::id::OrgId;
use pocnet_domain::org::OrgKind;
use pocnet_domain::role::Role;
use pocnet_store::orgs::{self, OrgFilter};
use pocnet_store::users;
use pocnet_store::{Page, SortDir};
use std::io::{BufRead, IsTerminal};

/// Account commands.
#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add an account; the password is read from standard input.
    Add(AddArgs),
    /// Set a new password for an account, read from standard input.
    Passwd(PasswdArgs),
    /// List accounts.
    List,
}

/// Options of `user add`.
#[derive(Debug, Args)]
pub struct AddArgs {
    /// Login name (3–32 of a-z 0-9 . _ -, starting with a letter).
    #[arg(long)]
    pub username: String,
    /// Role: bureau, county, center, expert, researcher or investor.
    #[arg(long)]
    pub role: String,
    /// Organisation (exact name or id). Optional for `bureau`: defaults to the bureau's own organisation.
    #[arg(long)]
    pub org: Option<String>,
    /// Name shown in the UI (defaults to the username).
    #[arg(long)]
    pub display_name: Option<String>,
    /// Refused: passwords are never accepted on the command line.
    #[arg(long, hide = true)]
    pub password: Option<String>,
}

/// Options of `user passwd`.
#[derive(Debug, Args)]
pub struct PasswdArgs {
    /// Login name.
    #[arg(long)]
    pub username: String,
    /// Refused: passwords are never accepted on the command line.
    #[arg(long, hide = true)]
    pub password: Option<String>,
}

const NO_ARGV_PASSWORD: &str = "passwords are not accepted on the command line (they would show in the process list and the shell history); \
     pipe the password on standard input or type it at the prompt";

/// Reads a password: prompted twice on a terminal, one line otherwise.
fn read_password() -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let second = rpassword::prompt_password("Repeat password: ")?;
        if first != second {
            bail!("the two passwords differ");
        }
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
        Ok(line.trim_end_matches(['\n', '\r']).to_owned())
    }
}

/// The console, as the accounts workflows record it.
const CONSOLE: Caller = Caller::Console { name: "cli" };

const DEFAULT_BUREAU_ORG: &str = "市科学技术局";

async fn resolve_org(ctx: &pocnet_app::Context, org: Option<&str>, role: Role) -> anyhow::Result<OrgId> {
    let Some(org) = org else {
        if role != Role::Bureau {
            bail!("--org is required for role {role} (the organisation decides what the account may see)");
        }
        let filter = OrgFilter { kind: Some(OrgKind::Bureau), ..OrgFilter::default() };
        let found = orgs::list(ctx.store().pool(), &filter, "created_at", SortDir::Asc, Page::new(Some(1), Some(1))).await?;
        if let Some(o) = found.items.first() {
            return Ok(o.id);
        }
        let input = OrgInput { name: DEFAULT_BUREAU_ORG.into(), kind: "bureau".into(), region: "市本级".into(), version: None };
        let o = pocnet_app::orgs::create(ctx, &CONSOLE, &input).await?;
        println!("created organisation {} (id {})", o.name, o.id);
        return Ok(o.id);
    };
    if let Ok(id) = org.parse::<i64>() {
        return Ok(orgs::get(ctx.store().pool(), OrgId::new(id)).await.with_context(|| format!("no organisation with id {id}"))?.id);
    }
    let filter = OrgFilter { q: Some(org.to_owned()), ..OrgFilter::default() };
    let found = orgs::list(ctx.store().pool(), &filter, "name", SortDir::Asc, Page::new(Some(1), Some(50))).await?;
    match found.items.iter().find(|o| o.name == org) {
        Some(o) => Ok(o.id),
        None => bail!("no organisation named {org:?}; add it with `pocnet org add` or give its id"),
    }
}

/// Runs a user subcommand.
pub async fn run(cli: &Cli, cmd: &UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add(args) => {
            if args.password.is_some() {
                bail!(NO_ARGV_PASSWORD);
            }
            let username = Username::parse(&args.username)?;
            let role = Role::parse(&args.role)
                .map_err(|_| anyhow::anyhow!("unknown role {:?}; use one of: bureau, county, center, expert, researcher, investor", args.role))?;
            let store = open_store(cli, 2).await?;
            let ctx = super::context(cli, &store)?;
            let org_id = resolve_org(&ctx, args.org.as_deref(), role).await?;
            let input = NewUserInput {
                display_name: args.display_name.clone().unwrap_or_else(|| username.as_str().to_owned()),
                username: username.as_str().to_owned(),
                role: role.as_str().to_owned(),
                org_id: org_id.to_string(),
                password: read_password()?,
            };
            let user = accounts::create(&ctx, &CONSOLE, &input).await?;
            println!("added {} ({}) in {} (id {})", user.username, user.role.label_zh(), user.org_name, user.id);
            store.close().await;
            Ok(())
        }
        UserCommand::Passwd(args) => {
            if args.password.is_some() {
                bail!(NO_ARGV_PASSWORD);
            }
            let username = Username::parse(&args.username)?;
            let store = open_store(cli, 2).await?;
            let ctx = super::context(cli, &store)?;
            if users::find_for_login(store.pool(), &username).await?.is_none() {
                bail!("no such account");
            }
            let user = accounts::reset_password(&ctx, &CONSOLE, &username, read_password()?).await?;
            println!("password of {} changed; its sessions have ended", user.username);
            store.close().await;
            Ok(())
        }
        UserCommand::List => {
            let store = open_store(cli, 2).await?;
            let list = users::list(store.pool(), &Default::default(), "username", SortDir::Asc, Page::new(Some(1), Some(200))).await?;
            for u in &list.items {
                println!("{:<6} {:<20} {:<11} {}{}", u.id, u.username, u.role.as_str(), u.org_name, if u.is_active { "" } else { " (disabled)" });
            }
            println!("{} account(s)", list.total);
            store.close().await;
            Ok(())
        }
    }
}
