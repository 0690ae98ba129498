//! `kumiai campaign`: open a round, import answers, tally (as the system, the head office).

use crate::store;
use clap::{FromArgMatches, Subcommand};
use kumiai_core::Viewer;
use kumiai_platform::module::{CliCommand, CliCtx, LocalBoxFuture};
use std::path::PathBuf;

#[derive(Subcommand)]
enum CampaignCommand {
    /// 春季生活闘争（年ごと）を作成する / Open the wage round of a spring
    Create {
        #[arg(long)]
        year: i64,
        /// 要求基準（ベア、円）/ Demand standard (base-up, yen)
        #[arg(long)]
        demand_yen: Option<i64>,
        /// 集中回答日 YYYY-MM-DD / Main answer day
        #[arg(long, default_value = "")]
        answer_day: String,
    },
    /// 要求提出期限・集計締切・その他の項目を設定する / Set the demand deadline, tally cut-offs and other items
    Schedule {
        #[arg(long)]
        year: i64,
        /// 要求提出期限 YYYY-MM-DD / Demand deadline
        #[arg(long, default_value = "")]
        demand_deadline: String,
        /// 集計締切（カンマ区切り、2025-03-12T12:00,…）/ Tally cut-offs, comma-separated
        #[arg(long, default_value = "")]
        cutoffs: String,
        /// その他の項目（カンマ区切り）/ Other items tracked, comma-separated
        #[arg(long, default_value = "")]
        items: String,
    },
    /// 回答ファイル（CSV/.xlsx）を取り込む。誤りが1つでもあれば何も保存しない
    /// / Import an answers file (CSV/.xlsx); any problem imports nothing
    #[command(name = "import-answers")]
    ImportAnswers {
        #[arg(long)]
        year: i64,
        file: PathBuf,
    },
    /// 産別ごとの回答票（Excel）を書き出す / Write an industrial union's answers template (Excel)
    Template {
        #[arg(long)]
        year: i64,
        /// 産別のコード / The industrial union's code
        #[arg(long)]
        industrial_union: String,
        #[arg(long)]
        output: PathBuf,
    },
    /// いまの集計で速報を作り、承認して解禁日時を予約する（本部として）
    /// / Freeze the tally now as a bulletin, approve it and schedule its lift (as the head office)
    Bulletin {
        #[arg(long)]
        year: i64,
        #[arg(long)]
        title: String,
        #[arg(long, default_value = "")]
        commentary: String,
        /// 解禁日時（既定は今）/ Lift time (default: now)
        #[arg(long)]
        lift_at: Option<String>,
        /// 組合別の数字を見せる範囲 / Who sees the union-by-union figures
        #[arg(long, default_value = "affiliates", value_parser = ["affiliates", "hq"])]
        union_reach: String,
    },
    /// 金属労協の方式で集計する / Tally the round as JCM does
    Tally {
        #[arg(long)]
        year: i64,
        /// この時点の記録で集計する（RFC 3339）/ Tally the answers as recorded at this moment (RFC 3339)
        #[arg(long)]
        as_of: Option<String>,
        /// 速報対象組合だけ / Headline unions only
        #[arg(long)]
        headline: bool,
        #[arg(long, default_value = "json", value_parser = ["json", "csv", "xlsx"])]
        format: String,
        /// 出力先（csv/xlsx、既定は標準出力）/ Where to write (csv/xlsx; default standard output)
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

pub fn command() -> CliCommand {
    CliCommand {
        build: || {
            CampaignCommand::augment_subcommands(
                clap::Command::new("campaign")
                    .about("春季生活闘争（JC共闘）/ The wage round (JC共闘)")
                    .subcommand_required(true),
            )
        },
        run,
    }
}

/// An error as the command line says it: in both languages.
fn said(e: kumiai_platform::AppError) -> anyhow::Error {
    let m = e.message();
    anyhow::anyhow!("{} / {}", m.ja, m.en)
}

fn round_missing(year: i64) -> anyhow::Error {
    anyhow::anyhow!(
        "{year}年闘争がありません。先に `kumiai campaign create --year {year}` で作成してください。\nThere is no {year} wage round: create it first with `kumiai campaign create --year {year}`."
    )
}

fn run<'a>(ctx: &'a CliCtx, m: &'a clap::ArgMatches) -> LocalBoxFuture<'a, anyhow::Result<()>> {
    Box::pin(async move {
        let system = Viewer::system();
        let now = kumiai_core::time::now_ms();
        match CampaignCommand::from_arg_matches(m)? {
            CampaignCommand::Create {
                year,
                demand_yen,
                answer_day,
            } => {
                let c = store::create(&ctx.db, &system, year, demand_yen, &answer_day)
                    .await
                    .map_err(said)?;
                println!(
                    "{}年闘争を作成しました / created the {} wage round (id {})",
                    c.year, c.year, c.id
                );
            }
            CampaignCommand::Schedule {
                year,
                demand_deadline,
                cutoffs,
                items,
            } => {
                let campaign = store::by_year(&ctx.db, year)
                    .await?
                    .ok_or_else(|| round_missing(year))?;
                let c = store::set_schedule(
                    &ctx.db,
                    &system,
                    &campaign,
                    &demand_deadline,
                    &cutoffs,
                    &items,
                )
                .await
                .map_err(kumiai_platform::error::cli_error)?;
                println!(
                    "{}年闘争の日程を設定しました / set the {} round's schedule: {} cut-offs",
                    c.year,
                    c.year,
                    c.cutoff_times().len()
                );
            }
            CampaignCommand::ImportAnswers { year, file } => {
                let campaign = store::by_year(&ctx.db, year)
                    .await?
                    .ok_or_else(|| round_missing(year))?;
                let bytes =
                    std::fs::read(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                let name = file
                    .file_name()
                    .map(|f| f.to_string_lossy().to_string())
                    .unwrap_or_default();
                let table = kumiai_directory::io::Table::read(&name, &bytes)
                    .map_err(|e| anyhow::anyhow!("{name}: {} / {}", e.message.ja, e.message.en))?;
                let problems = match store::import_file(
                    &ctx.db,
                    &system,
                    &campaign,
                    &table.headers,
                    &table.rows,
                    now,
                )
                .await
                .map_err(said)?
                {
                    Ok(rep) => {
                        println!(
                            "{name}: 新規 created {}、更新 updated {}、変更なし unchanged {}",
                            rep.created, rep.updated, rep.unchanged
                        );
                        return Ok(());
                    }
                    Err(p) => p,
                };
                let lines: Vec<String> = problems
                    .iter()
                    .map(|p| format!("{name}:{} [{}] {} / {}", p.row, p.column, p.ja, p.en))
                    .collect();
                anyhow::bail!(
                    "取り込めませんでした（何も保存していません）/ nothing was imported:\n{}",
                    lines.join("\n")
                );
            }
            CampaignCommand::Template {
                year,
                industrial_union,
                output,
            } => {
                let campaign = store::by_year(&ctx.db, year)
                    .await?
                    .ok_or_else(|| round_missing(year))?;
                let (name, rows) =
                    store::template_rows(&ctx.db, &system, &campaign, &industrial_union, now)
                        .await
                        .map_err(said)?;
                let bytes = crate::template::workbook(&name, year, &rows)
                    .map_err(|e| anyhow::anyhow!("xlsx: {e}"))?;
                std::fs::write(&output, bytes)?;
                println!(
                    "{name}: {} 組合の回答票 / answers template for {} unions: {}",
                    rows.len(),
                    rows.len(),
                    output.display()
                );
            }
            CampaignCommand::Bulletin {
                year,
                title,
                commentary,
                lift_at,
                union_reach,
            } => {
                let campaign = store::by_year(&ctx.db, year)
                    .await?
                    .ok_or_else(|| round_missing(year))?;
                let lift = match lift_at {
                    Some(t) => kumiai_core::time::parse_ms(&t).ok_or_else(|| anyhow::anyhow!("--lift-at「{t}」は 2025-03-12T14:00 の形で書いてください / must look like 2025-03-12T14:00"))?,
                    // The reach layer reads lift times by the minute: now is this minute.
                    None => kumiai_core::reach::embargo_clock(now),
                };
                let draft = crate::bulletins::Draft {
                    title,
                    commentary,
                    union_reach,
                };
                let b = crate::bulletins::create(&ctx.db, &system, &campaign, &draft, now)
                    .await
                    .map_err(said)?;
                crate::bulletins::approve(&ctx.db, &system, &b, b.version, now)
                    .await
                    .map_err(said)?;
                let b = crate::bulletins::get(&ctx.db, &system, &campaign, b.number, now)
                    .await
                    .map_err(said)?;
                crate::bulletins::schedule(&ctx.db, &system, &b, b.version, lift, now)
                    .await
                    .map_err(said)?;
                println!(
                    "第{}報を {} に公開します / bulletin {} lifts at {}: /campaign/{year}/bulletins/{}",
                    b.number,
                    kumiai_core::time::format_ms(lift),
                    b.number,
                    kumiai_core::time::format_ms(lift),
                    b.number
                );
            }
            CampaignCommand::Tally {
                year,
                as_of,
                headline,
                format,
                output,
            } => {
                let campaign = store::by_year(&ctx.db, year)
                    .await?
                    .ok_or_else(|| round_missing(year))?;
                let at = match as_of {
                    Some(t) => Some(kumiai_core::time::parse_ms(&t).ok_or_else(|| anyhow::anyhow!("--as-of「{t}」は RFC 3339 で書いてください / must be RFC 3339 (2025-03-12T10:00:00+09:00)"))?),
                    None => None,
                };
                let t = store::tally(&ctx.db, &system, &campaign, at, now)
                    .await
                    .map_err(said)?;
                let out = crate::output::render(&t, headline, &format)?;
                match output {
                    Some(path) => std::fs::write(&path, out)?,
                    None => {
                        use std::io::Write;
                        std::io::stdout().write_all(&out)?;
                    }
                }
            }
        }
        Ok(())
    })
}
