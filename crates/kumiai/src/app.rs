//! Wiring: the list of modules (the one place a new module is registered), opening the database
//! with every module's migrations, and serving.

use kumiai_core::{Account, Role, Tier, Viewer};
use kumiai_platform::web::{self, AppState, Module};
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
        kumiai_search::web::module(),
        web::admin::module(),
        web::api::module(),
    ]
}

/// Opens (creating if needed) the database and applies pending migrations.
pub async fn open(config: &Config) -> anyhow::Result<Db> {
    if config.is_sqlite() {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| anyhow::anyhow!("cannot create data directory {} (データディレクトリを作成できません): {e}", config.data_dir.display()))?;
    }
    let db = Db::connect(&config.database_url).await?;
    web::migrate_all(&db, &modules()).await?;
    if db.backend == kumiai_platform::db::Backend::Sqlite {
        // SQLite gathers statistics only when asked; this refreshes what is stale, cheaply.
        sqlx::raw_sql("PRAGMA optimize=0x10002").execute(&db.pool).await?;
    }
    Ok(db)
}

/// Every module's search sources. A new module adds its sources here.
pub fn search_sources() -> Vec<Arc<dyn kumiai_search::Source>> {
    let mut sources = kumiai_directory::search::sources();
    sources.extend(kumiai_wiki::search::sources());
    sources
}

/// Opens the search index (compiling the dictionary and rebuilding the index if needed).
pub async fn open_search(db: &Db, config: &Config) -> anyhow::Result<Arc<Search>> {
    Search::open(db.clone(), config, search_sources()).await
}

/// The application: services started (the search index follows the audit log), routes mounted.
pub async fn start(db: Db, config: Config) -> anyhow::Result<(axum::Router, AppState)> {
    let search = open_search(&db, &config).await?;
    search.spawn_follower();
    let mut services = axum::http::Extensions::new();
    services.insert(search);
    Ok(web::build_router(db, config, modules(), services))
}

pub async fn serve(db: Db, config: Config, listen: SocketAddr, banner: impl FnOnce(SocketAddr)) -> anyhow::Result<()> {
    let (router, _) = start(db, config).await?;
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

/// The command line acts as an admin of the head office.
pub async fn system_viewer(db: &Db) -> anyhow::Result<Viewer> {
    let hq = kumiai_directory::org::store::head_office(db).await?;
    let (org_id, org_path) = match hq {
        Some(o) => (o.id, kumiai_platform::reach::parse_path(&o.path)),
        None => (0, vec![0]),
    };
    Ok(Viewer::new(Some(Account {
        user_id: 0,
        login: "cli".into(),
        display_name: "command line".into(),
        org_id,
        org_path,
        tier: Tier::Hq,
        role: Role::Admin,
    })))
}
