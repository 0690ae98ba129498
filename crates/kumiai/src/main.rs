//! `kumiai`: the command line. Every subcommand opens the configured database (running pending
//! migrations) and then does one thing; modules bring their own subcommands.

/// mimalloc returns freed pages to the system within milliseconds; glibc's malloc kept a server that
/// had settled at 60 MiB holding 200 MiB after a burst of writes (docs/benchmarks.md, "Memory after load").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    kumiai_platform::memory::no_huge_pages();
    tokio::runtime::Builder::new_multi_thread().enable_all().build().expect("the async runtime starts").block_on(run())
}

async fn run() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("KUMIAI_LOG").unwrap_or_else(|_| "kumiai=info,warn".into()))
        .with_writer(std::io::stderr)
        .init();
    kumiai::cli::main(kumiai::app::modules()).await
}
