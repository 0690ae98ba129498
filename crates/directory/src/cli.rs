//! `kumiai org import|export`: the directory's spreadsheets from the command line, acting as the
//! system (which may import, and exports everything).

use crate::io::{Sheet, Table, export, import};
use crate::org::store::ListQuery;
use clap::{FromArgMatches, Subcommand, ValueEnum};
use kumiai_core::{Lang, Viewer, time};
use kumiai_platform::error::cli_error;
use kumiai_platform::module::{CliCommand, CliCtx, LocalBoxFuture};
use kumiai_platform::{AppError, FieldError};
use std::io::Read;
use std::path::PathBuf;

#[derive(Clone, Copy, ValueEnum)]
enum Encoding {
    Utf8,
    Sjis,
}

#[derive(Subcommand)]
enum OrgCommand {
    /// CSV（UTF-8/Shift_JIS）か .xlsx を取り込む。誤りがあれば何も保存しない / Import CSV or .xlsx; all or nothing
    Import {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "organisations")]
        sheet: Sheet,
    },
    /// CSV か .xlsx に書き出す（拡張子で判断）/ Export to CSV or .xlsx (by extension)
    Export {
        file: PathBuf,
        #[arg(long, value_enum, default_value = "organisations")]
        sheet: Sheet,
        /// CSVの文字コード / CSV encoding
        #[arg(long, value_enum, default_value = "utf8")]
        encoding: Encoding,
    },
}

pub fn command() -> CliCommand {
    CliCommand {
        build: || OrgCommand::augment_subcommands(clap::Command::new("org").about("組織・人物・組合員数を取り込み・書き出す / Import or export organisations, people, member counts").subcommand_required(true)),
        run,
    }
}

fn run<'a>(ctx: &'a CliCtx, m: &'a clap::ArgMatches) -> LocalBoxFuture<'a, anyhow::Result<()>> {
    Box::pin(async move {
        let viewer = Viewer::system();
        let now = time::now_ms();
        let db = &ctx.db;
        match OrgCommand::from_arg_matches(m)? {
            OrgCommand::Import { file, sheet } => {
                let mut bytes = vec![];
                std::fs::File::open(&file).and_then(|mut f| f.read_to_end(&mut bytes)).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
                let name = file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
                let table = Table::read(&name, &bytes).map_err(|e: FieldError| cli_error(AppError::Validation(vec![e])))?;
                let rep = import::run(db, &viewer, sheet, &table, now).await.map_err(cli_error)?;
                println!("取り込みました / imported {name}: 新規 created {}, 更新 updated {}, 変更なし unchanged {}", rep.created, rep.updated, rep.unchanged);
            }
            OrgCommand::Export { file, sheet, encoding } => {
                let q = ListQuery { archived: kumiai_platform::db::Archived::Include, ..Default::default() };
                let data = match sheet {
                    Sheet::Organisations => export::organisations(db, &viewer, &q, Lang::Ja, now).await,
                    Sheet::People => export::people(db, &viewer, &Default::default(), Lang::Ja, now).await,
                    Sheet::Counts => export::counts(db, &viewer, &q, Lang::Ja, now).await,
                }
                .map_err(cli_error)?;
                let ext = file.extension().map(|e| e.to_string_lossy().to_lowercase()).unwrap_or_default();
                let bytes = match (ext.as_str(), encoding) {
                    ("xlsx", _) => data.to_xlsx(sheet.as_str()).map_err(cli_error)?,
                    ("csv", Encoding::Sjis) => data.to_csv_sjis().map_err(cli_error)?,
                    ("csv", Encoding::Utf8) => data.to_csv_utf8(),
                    _ => anyhow::bail!("拡張子は .csv か .xlsx / the file must end in .csv or .xlsx"),
                };
                std::fs::write(&file, bytes)?;
                println!("{} 行を書き出しました / wrote {} rows to {}", data.rows.len(), data.rows.len(), file.display());
            }
        }
        Ok(())
    })
}
