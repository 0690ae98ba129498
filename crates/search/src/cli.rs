//! `kumiai search reindex|dictionary`.

use crate::service::Search;
use clap::{FromArgMatches, Subcommand};
use kumiai_platform::module::{CliCommand, CliCtx, LocalBoxFuture};
use std::time::Instant;

#[derive(Subcommand)]
enum SearchCommand {
    /// 索引を作り直す / Rebuild the index from the database
    Reindex,
    /// 日本語辞書（IPADIC）を用意する / Compile the Japanese dictionary (IPADIC) if missing
    Dictionary,
}

pub fn command() -> CliCommand {
    CliCommand {
        build: || SearchCommand::augment_subcommands(clap::Command::new("search").about("全文検索を管理する / Manage the full-text search index").subcommand_required(true)),
        run,
    }
}

fn run<'a>(ctx: &'a CliCtx, m: &'a clap::ArgMatches) -> LocalBoxFuture<'a, anyhow::Result<()>> {
    Box::pin(async move {
        let started = Instant::now();
        match SearchCommand::from_arg_matches(m)? {
            SearchCommand::Dictionary => {
                crate::dictionary::open(&ctx.config.dictionary_dir, &ctx.config.ipadic_source)?;
                println!("辞書を用意しました / dictionary ready: {}", ctx.config.dictionary_dir.display());
            }
            SearchCommand::Reindex => {
                let search = Search::open(ctx.db.clone(), &ctx.config, ctx.sources.clone()).await?;
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
    })
}
