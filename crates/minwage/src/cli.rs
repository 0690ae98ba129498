//! `kumiai minwage`: import files, write the year's report, open a year's revision, set the
//! in-company target, publish a year's results (as the system, the head office).

use crate::import::{self, Kind};
use crate::store;
use clap::{FromArgMatches, Subcommand};
use kumiai_core::{Reach, Viewer};
use kumiai_platform::AppError;
use kumiai_platform::module::{CliCommand, CliCtx, LocalBoxFuture};
use std::path::PathBuf;

#[derive(Subcommand)]
enum MinwageCommand {
    /// 地域別・特定最低賃金、企業内最賃協定のファイル（CSV/.xlsx）を取り込む。誤りが1つでもあれば何も保存しない
    /// / Import a regional, industry or agreements file (CSV/.xlsx); any problem imports nothing
    Import {
        #[arg(long, value_parser = ["regional", "industry", "agreements"])]
        kind: String,
        /// 列 reach のない行の情報到達範囲（特定最賃）/ Reach of industry rows without a reach column
        #[arg(long, default_value = "public", value_parser = ["hq", "industrial", "affiliates", "public"])]
        reach: String,
        file: PathBuf,
    },
    /// 年度の分析を書き出す（JSON は docs/minwage-report.md）/ Write a fiscal year's analysis (JSON documented in docs/minwage-report.md)
    Report {
        /// 政府の年度（4月始まり、始まる年で呼ぶ）/ The government's fiscal year (April start, named by its start)
        #[arg(long)]
        year: i64,
        #[arg(long, default_value = "json", value_parser = ["json", "csv", "xlsx"])]
        format: String,
        /// 出力先（既定は標準出力）/ Where to write (default standard output)
        #[arg(long)]
        output: Option<PathBuf>,
    },
    /// 前年度の特定最賃から今年度の改正（未定）を用意する / Open a fiscal year's revision from the year before's wages
    Open {
        #[arg(long)]
        year: i64,
    },
    /// 企業内最賃の目標を設定する（春闘の年ごと）/ Set the in-company minimum wage target of a wage round
    Target {
        #[arg(long)]
        year: i64,
        #[arg(long)]
        monthly_yen: i64,
        #[arg(long)]
        hourly_yen: i64,
        /// 月間所定労働時間（既定 161）/ Monthly working hours (default 161)
        #[arg(long, default_value = "161")]
        monthly_hours: f64,
    },
    /// 年度の結果を公開する / Publish a fiscal year's results
    Publish {
        #[arg(long)]
        year: i64,
        #[arg(long, default_value = "")]
        commentary: String,
        #[arg(long, default_value = "public", value_parser = ["hq", "industrial", "affiliates", "public"])]
        reach: String,
        /// 解禁日時（RFC 3339、既定は今）/ Lift time (RFC 3339; default now)
        #[arg(long)]
        lift_at: Option<String>,
    },
}

pub fn command() -> CliCommand {
    CliCommand {
        build: || MinwageCommand::augment_subcommands(clap::Command::new("minwage").about("最低賃金 / Minimum wages").subcommand_required(true)),
        run,
    }
}

/// An error as the command line says it: every problem, in both languages, with its place.
fn said(e: AppError) -> anyhow::Error {
    if let AppError::Validation(v) = &e {
        let lines: Vec<String> = v
            .iter()
            .map(|p| {
                let place = match (&p.file, p.row) {
                    (Some(f), Some(r)) => format!("{f}:{r} "),
                    (Some(f), None) => format!("{f} "),
                    _ => String::new(),
                };
                format!("{place}[{}] {} / {}", p.field, p.message.ja, p.message.en)
            })
            .collect();
        return anyhow::anyhow!("取り込めませんでした（何も保存していません）/ nothing was saved:\n{}", lines.join("\n"));
    }
    let m = e.message();
    anyhow::anyhow!("{} / {}", m.ja, m.en)
}

fn run<'a>(ctx: &'a CliCtx, m: &'a clap::ArgMatches) -> LocalBoxFuture<'a, anyhow::Result<()>> {
    Box::pin(async move {
        let system = Viewer::system();
        let now = kumiai_core::time::now_ms();
        match MinwageCommand::from_arg_matches(m)? {
            MinwageCommand::Import { kind, reach, file } => {
                let bytes = std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                let name = file.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default();
                let kind = Kind::parse(&kind).expect("clap checked the kind");
                let reach = Reach::parse(&reach).expect("clap checked the reach");
                let rep = import::import(&ctx.db, &system, kind, &name, &bytes, reach, now).await.map_err(said)?;
                println!("{name}: 新規 created {}、更新 updated {}、変更なし unchanged {}", rep.created, rep.updated, rep.unchanged);
            }
            MinwageCommand::Report { year, format, output } => {
                let a = store::analysis(&ctx.db, &system, year, now).await?;
                let out = crate::report::render(&a, &format)?;
                match output {
                    Some(path) => std::fs::write(&path, out)?,
                    None => {
                        use std::io::Write;
                        std::io::stdout().write_all(&out)?;
                    }
                }
            }
            MinwageCommand::Open { year } => {
                let rep = store::open_year(&ctx.db, &system, year, now).await.map_err(said)?;
                println!("{year}年度: 新規 created {}、既存・廃止 skipped {}", rep.created, rep.unchanged);
            }
            MinwageCommand::Target { year, monthly_yen, hourly_yen, monthly_hours } => {
                let tenths = (monthly_hours * 10.0).round() as i64;
                let t = store::set_target(&ctx.db, &system, year, monthly_yen, hourly_yen, tenths).await.map_err(said)?;
                println!("{}: {} 円/月, {} 円/時, {:.1} h", t.year, t.monthly_yen, t.hourly_yen, t.monthly_hours_tenths as f64 / 10.0);
            }
            MinwageCommand::Publish { year, commentary, reach, lift_at } => {
                let lift = match lift_at {
                    Some(t) => Some(kumiai_core::time::parse_ms(&t).ok_or_else(|| anyhow::anyhow!("--lift-at「{t}」は RFC 3339 で書いてください / must be RFC 3339"))?),
                    None => None,
                };
                let reach = Reach::parse(&reach).expect("clap checked the reach");
                store::publish_results(&ctx.db, &system, year, &commentary, reach, lift, now).await.map_err(said)?;
                println!("/minwage/{year}/results");
            }
        }
        Ok(())
    })
}
