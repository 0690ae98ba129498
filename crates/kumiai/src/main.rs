//! `kumiai`: the command line. Every subcommand opens the configured database (running pending
//! migrations) and then does one thing; modules bring their own subcommands.

fn main() -> std::process::ExitCode {
    // Before any thread starts, so that none gets an arena of its own (see `memory`).
    kumiai_platform::memory::limit_arenas();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("KUMIAI_LOG").unwrap_or_else(|_| "kumiai=info,warn".into()))
        .with_writer(std::io::stderr)
        .init();
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime.block_on(kumiai::cli::main(kumiai::app::modules())),
        Err(e) => {
            eprintln!("cannot start the runtime (実行環境を起動できません): {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
