//! The `kumiai` command line: the global options, the commands that act on the whole
//! installation (serve, demo, migrate, backup, generate), and every module's own subcommands
//! from its descriptor. `main.rs` only calls [`main`].

use crate::app;
use clap::{Arg, ArgAction, Command};
use kumiai_platform::module::{CliCtx, DemoSize, Module};
use kumiai_platform::{Config, Db};
use std::ffi::OsString;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn listen_arg() -> Arg {
    Arg::new("listen")
        .long("listen")
        .env("KUMIAI_LISTEN")
        .default_value("127.0.0.1:8080")
        .value_parser(clap::value_parser!(SocketAddr))
        .help("待ち受けアドレス / Address to listen on")
}

/// The whole command tree: the installation's commands and each module's.
pub fn command(modules: &[Module]) -> Command {
    let mut c = Command::new("kumiai")
        .version(env!("CARGO_PKG_VERSION"))
        .about("Kumiai — 金属労協の業務基盤 / the work platform of the JCM federation")
        .subcommand_required(true)
        .arg(Arg::new("database-url").long("database-url").global(true).env("KUMIAI_DATABASE_URL").help("データベースURL（sqlite://FILE または postgres://…）/ Database URL"))
        .arg(
            Arg::new("data-dir")
                .long("data-dir")
                .global(true)
                .env("KUMIAI_DATA_DIR")
                .value_parser(clap::value_parser!(PathBuf))
                .help("データディレクトリ（SQLiteファイルの置き場所）/ Data directory (holds the SQLite file)"),
        )
        .subcommand(Command::new("serve").about("サーバーを起動する / Serve the web UI and the API").arg(listen_arg()))
        .subcommand(
            Command::new("demo")
                .about("デモデータを作成して（なければ）起動する / Create the demo federation if absent, then serve it")
                .arg(listen_arg())
                .arg(Arg::new("no-serve").long("no-serve").action(ArgAction::SetTrue).help("作成だけして起動しない / Create the data, do not serve")),
        )
        .subcommand(Command::new("migrate").about("マイグレーションを適用する / Apply pending database migrations"))
        .subcommand(
            Command::new("backup")
                .about("データベースの一貫したコピーを作る / Make a consistent online copy of the database")
                .arg(Arg::new("file").required(true).value_parser(clap::value_parser!(PathBuf)).help("書き出し先のファイル / Destination file")),
        )
        .subcommand(
            Command::new("generate")
                .about("ベンチマーク用の大規模データを作る / Generate the benchmark data set")
                .arg(Arg::new("orgs").long("orgs").default_value("50000").value_parser(clap::value_parser!(usize)).help("組織の数 / Number of organisations"))
                .arg(Arg::new("people").long("people").default_value("200000").value_parser(clap::value_parser!(usize)).help("人物の数 / Number of people")),
        );
    for m in modules {
        for cmd in &m.cli {
            c = c.subcommand((cmd.build)());
        }
    }
    c
}

/// Parses `args` and runs the command with `modules` registered. Errors are for the caller to print.
pub async fn run(args: Vec<OsString>, modules: Vec<Module>) -> anyhow::Result<()> {
    let started = Instant::now();
    let matches = command(&modules).try_get_matches_from(args).map_err(|e| {
        // --help and --version print and succeed; a usage error is an error.
        if matches!(e.kind(), clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion) {
            let _ = e.print();
            std::process::exit(0);
        }
        anyhow::anyhow!("{e}")
    })?;
    let config = Config::from_env(matches.get_one::<PathBuf>("data-dir").cloned(), matches.get_one::<String>("database-url").cloned())?;
    let db = app::open(&config, &modules).await?;
    let closing = db.clone();
    let (name, sub) = matches.subcommand().expect("a subcommand is required");
    match name {
        "migrate" => println!("マイグレーション完了 / migrations applied ({})", db.backend.as_str()),
        "serve" => {
            let listen = *sub.get_one::<SocketAddr>("listen").expect("has a default");
            app::serve(db, config, modules, listen, |addr| println!("Kumiai: http://{addr}/  ({} ms)", started.elapsed().as_millis())).await?;
        }
        "demo" => {
            if app::is_empty(&db).await? {
                for line in app::demo(&db, &config, &modules, DemoSize::Demo).await? {
                    println!("{line}");
                }
            } else {
                println!("既存のデータを使います / using the existing data in {}", config.data_dir.display());
            }
            if !sub.get_flag("no-serve") {
                let listen = *sub.get_one::<SocketAddr>("listen").expect("has a default");
                app::serve(db, config, modules, listen, |addr| println!("\nKumiai: http://{addr}/  ({} ms)", started.elapsed().as_millis())).await?;
            }
        }
        "generate" => {
            if !app::is_empty(&db).await? {
                anyhow::bail!("データベースが空ではありません / the database is not empty");
            }
            let (orgs, people) = (*sub.get_one::<usize>("orgs").expect("default"), *sub.get_one::<usize>("people").expect("default"));
            for line in app::demo(&db, &config, &modules, DemoSize::Bench { orgs, people }).await? {
                println!("{line}");
            }
            println!("generated in {:.1} s", started.elapsed().as_secs_f64());
        }
        "backup" => backup(&db, &config, sub.get_one::<PathBuf>("file").expect("required")).await?,
        other => {
            let cmd = modules.iter().flat_map(|m| m.cli.iter()).find(|c| (c.build)().get_name() == other).expect("every subcommand is registered");
            let ctx = CliCtx { db, sources: app::search_sources(&modules), config };
            (cmd.run)(&ctx, sub).await?;
        }
    }
    closing.close().await;
    Ok(())
}

/// `kumiai backup FILE`: SQLite copies itself (`VACUUM INTO`) while running; PostgreSQL is dumped
/// with `pg_dump` (the password travels in its environment, never on a command line or screen).
/// A backup that did not happen is an error, so a cron job notices.
async fn backup(db: &Db, config: &Config, file: &Path) -> anyhow::Result<()> {
    if file.exists() {
        anyhow::bail!("{} は既にあります / already exists", file.display());
    }
    if !config.is_sqlite() {
        let (url, password) = split_password(&config.database_url);
        let mut cmd = std::process::Command::new("pg_dump");
        cmd.arg("--format=custom").arg(format!("--file={}", file.display())).arg(&url);
        if let Some(p) = &password {
            cmd.env("PGPASSWORD", p);
        }
        let shown = format!("pg_dump --format=custom --file={} '{url}'", file.display());
        let status = cmd.status().map_err(|e| {
            anyhow::anyhow!("pg_dump を実行できません（{e}）。PostgreSQL のクライアントを入れて次を実行してください / cannot run pg_dump ({e}); install the PostgreSQL client and run:\n  {shown}")
        })?;
        if !status.success() {
            anyhow::bail!("pg_dump が失敗しました（{status}）/ pg_dump failed ({status}): {shown}");
        }
        println!("バックアップしました / backup written: {}", file.display());
        return Ok(());
    }
    // VACUUM INTO writes a consistent snapshot while the server keeps running.
    let target = file.to_string_lossy().replace('\'', "''");
    db.execute(sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'")))).await?;
    println!("バックアップしました / backup written: {}", file.display());
    Ok(())
}

/// `postgres://u:secret@h/db` → (`postgres://u@h/db`, Some("secret")).
fn split_password(url: &str) -> (String, Option<String>) {
    let Some((scheme, rest)) = url.split_once("://") else { return (url.into(), None) };
    let Some((creds, host)) = rest.split_once('@') else { return (url.into(), None) };
    match creds.split_once(':') {
        Some((user, pass)) => (format!("{scheme}://{user}@{host}"), Some(kumiai_platform::text::percent_decode(pass))),
        None => (url.into(), None),
    }
}

/// The binary's entry: runs with the registered modules and prints errors in both languages.
pub async fn main(modules: Vec<Module>) -> std::process::ExitCode {
    match run(std::env::args_os().collect(), modules).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("エラー / error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_leave_the_url() {
        assert_eq!(split_password("postgres://kumiai:s%40c+ret@127.0.0.1/db"), ("postgres://kumiai@127.0.0.1/db".into(), Some("s@c+ret".into())));
        assert_eq!(split_password("postgres://kumiai@127.0.0.1/db"), ("postgres://kumiai@127.0.0.1/db".into(), None));
    }
}
