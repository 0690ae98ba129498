//! `kumiai`: the command line. Every subcommand opens the configured database (running pending
//! migrations) and then does one thing; modules bring their own subcommands.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("KUMIAI_LOG").unwrap_or_else(|_| "kumiai=info,warn".into()))
        .with_writer(std::io::stderr)
        .init();
    kumiai::cli::main(kumiai::app::modules()).await
}
