//! `cargo bench -p kumiai`: what reach filtering costs on the directory's hot queries. Each
//! figure is the reach-filtered query as an enterprise-union officer next to the same query with
//! no filter at all, in the same run on the same database (the ratio is the figure).
//!
//! Size: KUMIAI_BENCH_ORGS (default 50,000) organisations and KUMIAI_BENCH_PEOPLE (default 200,000)
//! people, generated once into target/bench-data (reused while the sizes match).

use kumiai_core::{OrgId, Viewer, time::now_ms};
use kumiai_directory::org::store::{self, ListQuery};
use kumiai_platform::module::DemoSize;
use kumiai_platform::{Config, Db};
use std::time::{Duration, Instant};

fn measure<F: FnMut()>(mut f: F) -> (f64, usize) {
    for _ in 0..3 {
        f();
    }
    let started = Instant::now();
    let mut n = 0;
    while started.elapsed() < Duration::from_secs(3) || n < 10 {
        f();
        n += 1;
    }
    (started.elapsed().as_secs_f64() * 1000.0 / n as f64, n)
}

fn main() {
    let orgs: usize = std::env::var("KUMIAI_BENCH_ORGS").ok().and_then(|v| v.parse().ok()).unwrap_or(50_000);
    let people: usize = std::env::var("KUMIAI_BENCH_PEOPLE").ok().and_then(|v| v.parse().ok()).unwrap_or(200_000);
    let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let dir = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../target/bench-data/{orgs}-{people}"));
    let config = Config::from_env(Some(dir.clone()), None).unwrap();
    let db: Db = rt.block_on(async {
        let modules = kumiai::app::modules();
        let db = kumiai::app::open(&config, &modules).await.unwrap();
        if kumiai::app::is_empty(&db).await.unwrap() {
            let t = Instant::now();
            kumiai::app::demo(&db, &config, &modules, DemoSize::Bench { orgs, people }).await.unwrap();
            eprintln!("generated {orgs} organisations / {people} people in {:.1} s", t.elapsed().as_secs_f64());
        }
        db
    });
    let viewer = rt.block_on(async {
        let u = kumiai_platform::accounts::by_login(&db, "ent-viewer").await.unwrap().unwrap();
        Viewer::new(u.account())
    });
    let total: i64 = rt.block_on(sqlx::query_scalar("SELECT COUNT(*) FROM organisations").fetch_one(&db.pool)).unwrap();
    let e1: OrgId = rt.block_on(sqlx::query_scalar("SELECT id FROM organisations WHERE code = 'E00001'").fetch_one(&db.pool)).unwrap();
    let now = now_ms();
    println!("database: {} ({} organisations)", dir.display(), total);
    println!("| query | reach-filtered (ms) | unfiltered reference (ms) | ratio |");
    println!("|---|---|---|---|");

    let q = ListQuery::default();
    let (filtered, _) = measure(|| {
        rt.block_on(store::list(&db, &viewer, &q, 2027, now)).unwrap();
    });
    let (raw, _) = measure(|| {
        rt.block_on(async {
            let _: Vec<(i64, String)> = sqlx::query_as("SELECT o.id, o.name_ja FROM organisations o ORDER BY o.sort_key, o.id LIMIT 50").fetch_all(&db.pool).await.unwrap();
            let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations").fetch_one(&db.pool).await.unwrap();
        });
    });
    println!("| organisation list, first page of 50 + total | {filtered:.2} | {raw:.2} | {:.2} |", filtered / raw);

    let q = ListQuery { q: "精機".into(), ..Default::default() };
    let (filtered, _) = measure(|| {
        rt.block_on(store::list(&db, &viewer, &q, 2027, now)).unwrap();
    });
    let (raw, _) = measure(|| {
        rt.block_on(async {
            let _: Vec<(i64, String)> = sqlx::query_as("SELECT o.id, o.name_ja FROM organisations o WHERE o.name_ja LIKE '%精機%' ORDER BY o.sort_key, o.id LIMIT 50")
                .fetch_all(&db.pool)
                .await
                .unwrap();
            let _: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM organisations WHERE name_ja LIKE '%精機%'").fetch_one(&db.pool).await.unwrap();
        });
    });
    println!("| organisation search \"精機\" + total | {filtered:.2} | {raw:.2} | {:.2} |", filtered / raw);

    let (filtered, _) = measure(|| {
        rt.block_on(store::load_visible(&db, &viewer, e1, now)).unwrap();
    });
    let (raw, _) = measure(|| {
        rt.block_on(sqlx::query_as::<_, (i64, String)>("SELECT id, name_ja FROM organisations WHERE id = $1").bind(e1).fetch_one(&db.pool)).unwrap();
    });
    println!("| one organisation by id | {filtered:.3} | {raw:.3} | {:.2} |", filtered / raw);
}
