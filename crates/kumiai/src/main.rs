//! `kumiai`: the command line. Every subcommand opens the configured database (running pending
//! migrations) and then does one thing.

use clap::{Args, Parser, Subcommand};
use kumiai::{app, demo};
use kumiai_core::{Role, time};
use kumiai_directory::io::{Sheet, Table, export, import};
use kumiai_directory::org::store::{self as org_store, ListQuery};
use kumiai_platform::accounts::{self, NewUser, password};
use kumiai_platform::audit::Actor;
use kumiai_platform::{AppError, Config, Db};
use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Instant;

/// Kumiai — 金属労協の業務基盤 / the work platform of the JCM federation.
#[derive(Parser)]
#[command(name = "kumiai", version, about, long_about = None)]
struct Cli {
    /// データベースURL（sqlite://FILE または postgres://…）/ Database URL
    #[arg(long, global = true, env = "KUMIAI_DATABASE_URL")]
    database_url: Option<String>,
    /// データディレクトリ（SQLiteファイルの置き場所）/ Data directory (holds the SQLite file)
    #[arg(long, global = true, env = "KUMIAI_DATA_DIR")]
    data_dir: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Listen {
    /// 待ち受けアドレス / Address to listen on
    #[arg(long, default_value = "127.0.0.1:8080", env = "KUMIAI_LISTEN")]
    listen: SocketAddr,
}

#[derive(Subcommand)]
enum Command {
    /// サーバーを起動する / Serve the web UI and the API
    Serve(Listen),
    /// デモデータを作成して（なければ）起動する / Create the demo federation if absent, then serve it
    Demo {
        #[command(flatten)]
        listen: Listen,
        /// 作成だけして起動しない / Create the data, do not serve
        #[arg(long)]
        no_serve: bool,
    },
    /// マイグレーションを適用する / Apply pending database migrations
    Migrate,
    /// 利用者を管理する / Manage users
    #[command(subcommand)]
    User(UserCommand),
    /// 組織・人物・組合員数を取り込み・書き出す / Import or export organisations, people, member counts
    #[command(subcommand)]
    Org(OrgCommand),
    /// データベースの一貫したコピーを作る / Make a consistent online copy of the database
    Backup {
        /// 書き出し先のファイル / Destination file
        file: PathBuf,
    },
    /// JCMpedia（知識ベース）を管理する / Manage the knowledge base (JCMpedia)
    #[command(subcommand)]
    Wiki(WikiCommand),
    /// 全文検索を管理する / Manage the full-text search index
    #[command(subcommand)]
    Search(SearchCommand),
    /// ベンチマーク用の大規模データを作る / Generate the benchmark data set
    Generate {
        /// 組織の数 / Number of organisations
        #[arg(long, default_value_t = 50_000)]
        orgs: usize,
        /// 人物の数 / Number of people
        #[arg(long, default_value_t = 200_000)]
        people: usize,
    },
}

#[derive(Subcommand)]
enum WikiCommand {
    /// MediaWiki のXMLエクスポート（.xml / .xml.bz2 / .xml.gz、全履歴）を取り込む。再実行しても重複しない
    /// / Import a MediaWiki XML export with full history; running it again changes nothing
    #[command(name = "import-mediawiki")]
    ImportMediawiki {
        file: PathBuf,
        /// 取り込んだページの公開範囲 / Reach of the imported pages (hq, industrial, affiliates, public)
        #[arg(long, default_value = "affiliates")]
        reach: String,
        /// 報告の保存先（既定はデータディレクトリ内）/ Where to save the report (default: in the data directory)
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum SearchCommand {
    /// 索引を作り直す / Rebuild the index from the database
    Reindex,
    /// 日本語辞書（IPADIC）を用意する / Compile the Japanese dictionary (IPADIC) if missing
    Dictionary,
}

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
        #[arg(long, default_value = "viewer")]
        role: String,
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

#[derive(Subcommand)]
enum OrgCommand {
    /// CSV（UTF-8/Shift_JIS）か .xlsx を取り込む。誤りがあれば何も保存しない / Import CSV or .xlsx; all or nothing
    Import {
        file: PathBuf,
        /// organisations | people | counts
        #[arg(long, default_value = "organisations")]
        sheet: String,
    },
    /// CSV か .xlsx に書き出す（拡張子で判断）/ Export to CSV or .xlsx (by extension)
    Export {
        file: PathBuf,
        /// organisations | people | counts
        #[arg(long, default_value = "organisations")]
        sheet: String,
        /// utf8 | sjis（CSVのみ）/ CSV encoding
        #[arg(long, default_value = "utf8")]
        encoding: String,
    },
}

fn read_password(given: Option<String>) -> anyhow::Result<String> {
    if let Some(p) = given {
        return Ok(p);
    }
    eprintln!("パスワードを入力して Enter / Type the password and press Enter:");
    let mut s = String::new();
    std::io::stdin().read_line(&mut s)?;
    Ok(s.trim_end_matches(['\r', '\n']).to_string())
}

fn show(e: AppError) -> anyhow::Error {
    match e {
        AppError::Validation(errs) => {
            let lines: Vec<String> = errs
                .iter()
                .map(|e| {
                    let at = match (&e.file, e.row) {
                        (Some(f), Some(r)) => format!("{f}:{r}: "),
                        (Some(f), None) => format!("{f}: "),
                        _ => String::new(),
                    };
                    let col = if e.field.is_empty() { String::new() } else { format!("[{}] ", e.field) };
                    format!("  {at}{col}{} / {}", e.message.ja, e.message.en)
                })
                .collect();
            anyhow::anyhow!("入力に誤りがあります。何も保存していません / Invalid input; nothing was saved:\n{}", lines.join("\n"))
        }
        other => {
            let m = other.message();
            anyhow::anyhow!("{} / {} ({})", m.ja, m.en, other.code())
        }
    }
}

async fn user_by_login(db: &Db, login: &str) -> anyhow::Result<accounts::User> {
    accounts::by_login(db, login).await?.ok_or_else(|| anyhow::anyhow!("利用者「{login}」はいません / no user '{login}'"))
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("KUMIAI_LOG").unwrap_or_else(|_| "kumiai=info,warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("エラー / error: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let started = Instant::now();
    let config = Config::from_env(cli.data_dir, cli.database_url)?;
    let db = app::open(&config).await?;
    let actor = Actor::system("kumiai");
    match cli.command {
        Command::Migrate => println!("マイグレーション完了 / migrations applied ({})", db.backend.as_str()),
        Command::Serve(l) => {
            app::serve(db, config, l.listen, |addr| {
                println!("Kumiai: http://{addr}/  ({} ms)", started.elapsed().as_millis());
            })
            .await?
        }
        Command::Demo { listen, no_serve } => {
            if demo::is_empty(&db).await? {
                let n = demo::build(&db, demo::Scale::demo(), config.fiscal_start_month, true).await?;
                println!("デモデータを作成しました / demo federation created: {n} organisations");
            } else {
                println!("既存のデータを使います / using the existing data in {}", config.data_dir.display());
            }
            println!("\nデモ用ログイン（パスワードはすべて {}）/ demo logins (password for all: {}):", demo::DEMO_PASSWORD, demo::DEMO_PASSWORD);
            for (login, org, _, what) in demo::LOGINS {
                println!("  {login:<16} {org:<8} {what}");
            }
            if !no_serve {
                app::serve(db, config, listen.listen, |addr| {
                    println!("\nKumiai: http://{addr}/  ({} ms)", started.elapsed().as_millis());
                })
                .await?;
            }
        }
        Command::Generate { orgs, people } => {
            if !demo::is_empty(&db).await? {
                anyhow::bail!("データベースが空ではありません / the database is not empty");
            }
            let n = demo::build(&db, demo::Scale::bench(orgs, people), config.fiscal_start_month, true).await?;
            println!("generated {n} organisations, {people} people in {:.1} s", started.elapsed().as_secs_f64());
        }
        Command::User(cmd) => user(&db, &actor, cmd).await?,
        Command::Org(cmd) => org(&db, cmd).await?,
        Command::Backup { file } => backup(&db, &config, &file).await?,
        Command::Wiki(WikiCommand::ImportMediawiki { file, reach, report }) => {
            let reach = kumiai_core::Reach::parse(&reach).ok_or_else(|| anyhow::anyhow!("--reach は hq / industrial / affiliates / public"))?;
            // Imported pages belong to the head office; an empty installation has none yet.
            if org_store::head_office(&db).await?.is_none() {
                anyhow::bail!(
                    "本部（head office）の組織がまだありません。先に `kumiai org import` で組織を登録してください。\n\
                     There is no head office organisation yet: register the organisations first with `kumiai org import`."
                );
            }
            let viewer = app::system_viewer(&db).await?;
            let rep = kumiai_wiki::mediawiki::import::run(&db, &viewer, &file, reach, |r| {
                eprint!("\rページ pages {} / 版 revisions {} (取り込み済み skipped {})", r.pages_created + r.pages_updated, r.revisions_imported, r.revisions_skipped);
            })
            .await?;
            eprintln!();
            let text = rep.text();
            let path = report.unwrap_or_else(|| config.data_dir.join("import-reports").join(format!("mediawiki-{}.txt", time::now_ms())));
            if let Some(dir) = path.parent() {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::write(&path, &text)?;
            println!("{text}\n報告を保存しました / report saved: {} ({:.1} s)", path.display(), started.elapsed().as_secs_f64());
        }
        Command::Search(SearchCommand::Dictionary) => {
            kumiai_search::dictionary::open(&config.dictionary_dir, &config.ipadic_source)?;
            println!("辞書を用意しました / dictionary ready: {}", config.dictionary_dir.display());
        }
        Command::Search(SearchCommand::Reindex) => {
            let search = app::open_search(&db, &config).await?;
            let n = search
                .reindex(|n| {
                    if n % 1000 == 0 {
                        eprint!("\r{n} 件 / documents");
                    }
                })
                .await?;
            eprintln!();
            println!("索引を作り直しました / index rebuilt: {n} documents in {:.1} s", started.elapsed().as_secs_f64());
        }
    }
    Ok(())
}

async fn user(db: &Db, actor: &Actor, cmd: UserCommand) -> anyhow::Result<()> {
    match cmd {
        UserCommand::Add { login, name, org, role, email, password } => {
            let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("役割は viewer / editor / admin / role must be viewer, editor or admin"))?;
            let o = org_store::by_code(db, &org).await?.ok_or_else(|| anyhow::anyhow!("組織コード「{org}」はありません / no organisation '{org}'"))?;
            let pw = read_password(password)?;
            let email = email.unwrap_or_default();
            let id = accounts::create(db, actor, NewUser { login: &login, display_name: &name, email: &email, org_id: o.id, role, password: &pw })
                .await
                .map_err(show)?;
            println!("利用者を追加しました / user added: {login} (id {id})");
        }
        UserCommand::List => {
            for u in accounts::list_under(db, "/").await? {
                let state = if u.disabled_at.is_some() { "disabled" } else { "active" };
                println!("{:<20} {:<8} {:<10} {:<8} {}", u.login, u.role, u.org_code, state, u.display_name);
            }
        }
        UserCommand::Passwd { login, password } => {
            let u = user_by_login(db, &login).await?;
            let pw = read_password(password)?;
            password::check_policy(&pw).map_err(|m| anyhow::anyhow!("{} / {}", m.ja, m.en))?;
            accounts::update(db, actor, &u, u.version, &[("password_hash", password::hash(&pw)?.into())], "password").await.map_err(show)?;
            println!("パスワードを設定しました / password set for {login}");
        }
        UserCommand::Disable { login } => {
            let u = user_by_login(db, &login).await?;
            accounts::update(db, actor, &u, u.version, &[("disabled_at", time::now_ms().into())], "disable").await.map_err(show)?;
            println!("無効にしました / disabled {login}");
        }
        UserCommand::Enable { login } => {
            let u = user_by_login(db, &login).await?;
            accounts::update(db, actor, &u, u.version, &[("disabled_at", kumiai_platform::audit::Val::Int(None))], "enable").await.map_err(show)?;
            println!("有効にしました / enabled {login}");
        }
        UserCommand::Token { login, label } => {
            let u = user_by_login(db, &login).await?;
            println!("{}", accounts::issue_token(db, actor, u.id, &label).await.map_err(show)?);
        }
    }
    Ok(())
}

async fn org(db: &Db, cmd: OrgCommand) -> anyhow::Result<()> {
    let viewer = app::system_viewer(db).await?;
    let now = time::now_ms();
    match cmd {
        OrgCommand::Import { file, sheet } => {
            let kind = Sheet::parse(&sheet).ok_or_else(|| anyhow::anyhow!("--sheet は organisations / people / counts"))?;
            let mut bytes = vec![];
            std::fs::File::open(&file)
                .and_then(|mut f| f.read_to_end(&mut bytes))
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            let table = Table::read(&name, &bytes).map_err(|e| show(AppError::Validation(vec![e])))?;
            let rep = import::run(db, &viewer, kind, &table, now).await.map_err(show)?;
            println!("取り込みました / imported {name}: 新規 created {}, 更新 updated {}", rep.created, rep.updated);
        }
        OrgCommand::Export { file, sheet, encoding } => {
            let kind = Sheet::parse(&sheet).ok_or_else(|| anyhow::anyhow!("--sheet は organisations / people / counts"))?;
            let q = ListQuery { archived: "include".into(), ..Default::default() };
            let lang = kumiai_core::Lang::Ja;
            let data = match kind {
                Sheet::Organisations => export::organisations(db, &viewer, &q, lang, now).await,
                Sheet::People => export::people(db, &viewer, &Default::default(), lang, now).await,
                Sheet::Counts => export::counts(db, &viewer, &q, lang, now).await,
            }
            .map_err(show)?;
            let ext = file.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
            let bytes = match (ext.as_str(), encoding.as_str()) {
                ("xlsx", _) => data.to_xlsx(kind.as_str()).map_err(show)?,
                ("csv", "sjis") => data.to_csv_sjis().map_err(show)?,
                ("csv", _) => data.to_csv_utf8(),
                _ => anyhow::bail!("拡張子は .csv か .xlsx / the file must end in .csv or .xlsx"),
            };
            std::fs::write(&file, bytes)?;
            println!("{} 行を書き出しました / wrote {} rows to {}", data.rows.len(), data.rows.len(), file.display());
        }
    }
    Ok(())
}

async fn backup(db: &Db, config: &Config, file: &std::path::Path) -> anyhow::Result<()> {
    if !config.is_sqlite() {
        println!(
            "PostgreSQL のバックアップは pg_dump で取ります / For PostgreSQL, run:\n  pg_dump --format=custom --file={} '{}'",
            file.display(),
            config.database_url
        );
        return Ok(());
    }
    if file.exists() {
        anyhow::bail!("{} は既にあります / already exists", file.display());
    }
    // VACUUM INTO writes a consistent snapshot while the server keeps running.
    let target = file.to_string_lossy().replace('\'', "''");
    sqlx::query(sqlx::AssertSqlSafe(format!("VACUUM INTO '{target}'"))).execute(&db.pool).await?;
    println!("バックアップしました / backup written: {}", file.display());
    Ok(())
}
