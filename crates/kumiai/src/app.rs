//! Wiring: the list of modules (the one place a module is registered), opening the database with
//! every module's migrations, demo data, and serving. Everything else about a module comes from
//! its descriptor.

use kumiai_platform::module::{DemoCtx, DemoSize, Module, ordered};
use kumiai_platform::search::Source;
use kumiai_platform::web::{self, AppState};
use kumiai_platform::{Config, Db};
use kumiai_search::Search;
use std::net::SocketAddr;
use std::sync::Arc;

/// Every module, in navigation order. A new module adds one line here.
pub fn modules() -> Vec<Module> {
    vec![
        web::pages::module(),
        kumiai_directory::module(),
        kumiai_wiki::module(),
        kumiai_campaign::module(),
        kumiai_minwage::module(),
        kumiai_search::web::module(),
        web::admin::module(),
        web::api::module(),
    ]
}

/// Opens (creating if needed) the database, applies pending migrations in dependency order, and
/// brings stored fiscal years in line with the configured calendar.
pub async fn open(config: &Config, modules: &[Module]) -> anyhow::Result<Db> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| anyhow::anyhow!("cannot create data directory {} (データディレクトリを作成できません): {e}", config.data_dir.display()))?;
    }
    let db = Db::connect(&config.database_url).await?;
    kumiai_platform::migrate::run_modules(&db, modules).await?;
    kumiai_platform::calendar::reconcile(&db, config.calendar, modules).await?;
    // SQLite gathers statistics only when asked; this refreshes what is stale, cheaply.
    db.optimize().await?;
    Ok(db)
}

/// Every module's search sources.
pub fn search_sources(modules: &[Module]) -> Vec<Arc<dyn Source>> {
    modules.iter().flat_map(|m| m.search.iter().cloned()).collect()
}

/// The application: services started (the search index follows the audit log), routes mounted.
pub async fn start(db: Db, config: Config, modules: Vec<Module>) -> anyhow::Result<(axum::Router, AppState)> {
    db.watch_changes();
    let search = Search::open(db.clone(), &config, search_sources(&modules)).await?;
    search.spawn_follower();
    // Freed memory goes back to the system within ten seconds of a burst.
    kumiai_platform::memory::spawn_trimmer(std::time::Duration::from_secs(10), vec![config.dictionary_dir.clone()]);
    let mut services = axum::http::Extensions::new();
    services.insert(search);
    Ok(web::build_router(db, config, modules, services))
}

pub async fn serve(db: Db, config: Config, modules: Vec<Module>, listen: SocketAddr, banner: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let (router, _) = start(db, config, modules).await?;
    let listener = tokio::net::TcpListener::bind(listen)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {listen} (待ち受けできません): {e}"))?;
    banner(listener.local_addr()?);
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}

/// Whether the database holds no federation yet.
pub async fn is_empty(db: &Db) -> anyhow::Result<bool> {
    Ok(kumiai_platform::orgs::head_office(db).await?.is_none())
}

/// Runs every module's demo step, in dependency order, into an empty database. Returns what the
/// steps report (logins, counts).
pub async fn demo(db: &Db, config: &Config, modules: &[Module], size: DemoSize) -> anyhow::Result<Vec<String>> {
    let ctx = DemoCtx { db: db.clone(), calendar: config.calendar, size };
    let mut lines = vec![];
    for m in ordered(modules)? {
        if let Some(step) = m.demo {
            lines.extend(step(&ctx).await.map_err(|e| anyhow::anyhow!("demo data of {}: {e:#}", m.name))?);
        }
    }
    Ok(lines)
}
