//! `kumiai user …`: add users, list them, set passwords, disable and enable them, issue tokens.
//! The same functions as the admin pages, acting as the system.

use super::{NewUser, password};
use crate::audit::{Actor, Val};
use crate::error::cli_error;
use crate::module::{CliCommand, CliCtx, LocalBoxFuture};
use clap::{FromArgMatches, Subcommand};
use kumiai_core::{Role, time};
use std::io::Read;

#[derive(Subcommand)]
enum UserCommand {
    /// 利用者を追加する（パスワードは --password か標準入力）/ Add a user (password from --password or stdin)
    Add {
        #[arg(long)]
        login: String,
        /// 氏名 / Display name
        #[arg(long)]
        name: String,
        /// 所属組織のコード / Organisation code
        #[arg(long)]
        org: String,
        /// viewer | editor | admin
        #[arg(long, default_value = "viewer", value_parser = parse_role)]
        role: Role,
        #[arg(long)]
        email: Option<String>,
        #[arg(long, env = "KUMIAI_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// 利用者の一覧 / List users
    List,
    /// パスワードを設定する / Set a password
    Passwd {
        login: String,
        #[arg(long, env = "KUMIAI_PASSWORD", hide_env_values = true)]
        password: Option<String>,
    },
    /// 利用者を無効にする（すべてのセッションを終了）/ Disable a user (ends their sessions)
    Disable { login: String },
    /// 利用者を有効に戻す / Enable a user again
    Enable { login: String },
    /// APIトークンを発行して表示する / Issue and print a new API token
    Token {
        login: String,
        /// 用途 / Label
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

fn parse_role(s: &str) -> Result<Role, String> {
    Role::parse(s).ok_or_else(|| "viewer / editor / admin".to_string())
}

pub fn command() -> CliCommand {
    CliCommand {
        build: || UserCommand::augment_subcommands(clap::Command::new("user").about("利用者を管理する / Manage users").subcommand_required(true)),
        run,
    }
}

fn read_password(given: Option<String>) -> anyhow::Result<String> {
    if let Some(p) = given {
        return Ok(p);
    }
    eprintln!("パスワードを入力して Enter / Type the password and press Enter:");
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s)?;
    Ok(s.lines().next().unwrap_or("").to_string())
}

async fn user_by_login(ctx: &CliCtx, login: &str) -> anyhow::Result<super::User> {
    super::by_login(&ctx.db, login).await?.ok_or_else(|| anyhow::anyhow!("利用者「{login}」はいません / no user '{login}'"))
}

fn run<'a>(ctx: &'a CliCtx, m: &'a clap::ArgMatches) -> LocalBoxFuture<'a, anyhow::Result<()>> {
    Box::pin(async move {
        let actor = Actor::system("kumiai");
        let db = &ctx.db;
        match UserCommand::from_arg_matches(m)? {
            UserCommand::Add { login, name, org, role, email, password } => {
                let (org_id, _, _) = crate::orgs::by_code_for_accounts(db, &org).await?.ok_or_else(|| anyhow::anyhow!("組織コード「{org}」はありません / no organisation '{org}'"))?;
                let pw = read_password(password)?;
                let email = email.unwrap_or_default();
                let id = super::create(db, &actor, NewUser { login: &login, display_name: &name, email: &email, org_id, role, password: &pw }).await.map_err(cli_error)?;
                println!("利用者を追加しました / user added: {login} (id {id})");
            }
            UserCommand::List => {
                for u in super::list_under(db, "/").await? {
                    let state = if u.disabled_at.is_some() { "disabled" } else { "active" };
                    println!("{:<20} {:<8} {:<10} {:<8} {}", u.login, u.role.as_str(), u.org_code, state, u.display_name);
                }
            }
            UserCommand::Passwd { login, password } => {
                let u = user_by_login(ctx, &login).await?;
                let pw = read_password(password)?;
                password::check_policy(&pw).map_err(|m| anyhow::anyhow!("{} / {}", m.ja, m.en))?;
                super::update(db, &actor, &u, u.version, &[("password_hash", password::hash(&pw)?.into())], "password").await.map_err(cli_error)?;
                println!("パスワードを設定しました / password set for {login}");
            }
            UserCommand::Disable { login } => {
                let u = user_by_login(ctx, &login).await?;
                super::update(db, &actor, &u, u.version, &[("disabled_at", time::now_ms().into())], "disable").await.map_err(cli_error)?;
                println!("無効にしました / disabled {login}");
            }
            UserCommand::Enable { login } => {
                let u = user_by_login(ctx, &login).await?;
                super::update(db, &actor, &u, u.version, &[("disabled_at", Val::Int(None))], "enable").await.map_err(cli_error)?;
                println!("有効にしました / enabled {login}");
            }
            UserCommand::Token { login, label } => {
                let u = user_by_login(ctx, &login).await?;
                println!("{}", super::issue_token(db, &actor, u.id, &label).await.map_err(cli_error)?);
            }
        }
        Ok(())
    })
}
