//! `kumiai wiki import-mediawiki`: a MediaWiki XML export with full history, as the system.

use clap::{FromArgMatches, Subcommand};
use kumiai_core::{Reach, Viewer};
use kumiai_platform::module::{CliCommand, CliCtx, LocalBoxFuture};
use std::path::PathBuf;
use std::time::Instant;

#[derive(Subcommand)]
enum WikiCommand {
    /// MediaWiki のXMLエクスポート（.xml / .xml.bz2 / .xml.gz、全履歴）を取り込む。再実行しても重複しない
    /// / Import a MediaWiki XML export with full history; running it again changes nothing
    #[command(name = "import-mediawiki")]
    ImportMediawiki {
        file: PathBuf,
        /// 取り込んだページの情報到達範囲 / Reach of the imported pages (hq, industrial, affiliates, public)
        #[arg(long, default_value = "affiliates", value_parser = parse_reach)]
        reach: Reach,
        /// MediaWiki の画像ディレクトリ（images/）。ファイルページのファイルを添付として取り込む
        /// / MediaWiki's images directory: the file pages' files are imported as attachments
        #[arg(long)]
        images: Option<PathBuf>,
        /// 報告の保存先（既定はデータディレクトリ内）/ Where to save the report (default: in the data directory)
        #[arg(long)]
        report: Option<PathBuf>,
    },
}

fn parse_reach(s: &str) -> Result<Reach, String> {
    Reach::parse(s).ok_or_else(|| "hq / industrial / affiliates / public".to_string())
}

pub fn command() -> CliCommand {
    CliCommand {
        build: || WikiCommand::augment_subcommands(clap::Command::new("wiki").about("JCMpedia（知識ベース）を管理する / Manage the knowledge base (JCMpedia)").subcommand_required(true)),
        run,
    }
}

fn run<'a>(ctx: &'a CliCtx, m: &'a clap::ArgMatches) -> LocalBoxFuture<'a, anyhow::Result<()>> {
    Box::pin(async move {
        let started = Instant::now();
        let WikiCommand::ImportMediawiki { file, reach, images, report } = WikiCommand::from_arg_matches(m)?;
        let images = images.map(|dir| crate::mediawiki::files::Images::open(&dir, &ctx.config.data_dir)).transpose()?;
        // Imported pages belong to the head office; an empty installation has none yet.
        if kumiai_platform::orgs::head_office(&ctx.db).await?.is_none() {
            anyhow::bail!(
                "本部（head office）の組織がまだありません。先に `kumiai org import` で組織を登録してください。\n\
                 There is no head office organisation yet: register the organisations first with `kumiai org import`."
            );
        }
        let options = crate::mediawiki::import::Options { reach, images };
        let rep = crate::mediawiki::import::run_with(&ctx.db, &Viewer::system(), &file, &options, |r| {
            eprint!("\rページ pages {} / 版 revisions {} (取り込み済み skipped {})", r.pages_created + r.pages_updated, r.revisions_imported, r.revisions_skipped);
        })
        .await?;
        eprintln!();
        let text = rep.text();
        let path = report.unwrap_or_else(|| rep.default_path(&ctx.config.data_dir));
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&path, &text)?;
        println!("{text}\n報告を保存しました / report saved: {} ({:.1} s)", path.display(), started.elapsed().as_secs_f64());
        Ok(())
    })
}
