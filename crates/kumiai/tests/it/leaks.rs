//! A page may show a record only if the reach layer let it through during the request. The shell
//! checks every page's record links against the request's ledger: a handler that renders an
//! organisation, person or page it never checked fails, even when it checked another record on
//! the same request. Then every page of the app is crawled as every tier: nothing trips the
//! check, and no hidden record's name appears anywhere.

use crate::common::{Backend, Fixture, Session, TestApp};
use axum::http::StatusCode;
use axum::response::Html;
use axum::routing::get;
use kumiai_core::OrgId;
use kumiai_directory::reference;
use kumiai_platform::module::Module;
use kumiai_platform::web::{Ctx, Guard, PathParams, Route};
use kumiai_platform::{AppResult, Visible};
use std::collections::{HashSet, VecDeque};

/// Shows organisation `id` (through the reach layer) and links to its parent: `/careless` reads
/// the parent's name straight from the table, `/careful` asks the directory's reference API.
fn pages_module() -> Module {
    Module {
        routes: vec![
            Route::get("/test-pages/careless/{id}", Guard::Reach, get(careless)),
            Route::get("/test-pages/careful/{id}", Guard::Reach, get(careful)),
        ],
        ..Module::new("test-pages")
    }
}

fn page(o: &Visible<kumiai_directory::org::Organisation>, parent: Option<(OrgId, String)>) -> Html<String> {
    let link = parent.map(|(id, name)| format!("<a href=\"/directory/organisations/{id}\">{name}</a>")).unwrap_or_default();
    Html(format!("<p><a href=\"/directory/organisations/{}\">{}</a> {link}</p>", o.id, o.name_ja))
}

async fn careless(ctx: Ctx, PathParams(id): PathParams<OrgId>) -> AppResult<Html<String>> {
    let o = reference::org(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let parent: Option<(OrgId, String)> = match o.parent_id {
        Some(p) => sqlx::query_as("SELECT id, name_ja FROM organisations WHERE id = $1").bind(p).fetch_optional(&ctx.db().pool).await?,
        None => None,
    };
    Ok(page(&o, parent))
}

async fn careful(ctx: Ctx, PathParams(id): PathParams<OrgId>) -> AppResult<Html<String>> {
    let o = reference::org(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let parent = reference::names(ctx.db(), &ctx.viewer, &o.parent_id.into_iter().collect::<Vec<_>>(), ctx.now).await?.pop();
    Ok(page(&o, parent.map(|p| (p.id, p.name_ja.clone()))))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_page_that_shows_an_unchecked_record_is_refused() {
    let mut modules = kumiai::app::modules();
    modules.push(pages_module());
    let app = TestApp::spawn_modules(Backend::Sqlite, Fixture::Lean, modules).await.unwrap();
    // E00002-HQ is a branch only the head office sees, under E00002, which affiliates see; put
    // a visible branch under the hidden one so the visible record's parent is the hidden one.
    let hidden = app.org_id("E00002-HQ").await;
    let mut hq = app.login("hq-editor").await;
    let r = hq.json("POST", "/api/v1/organisations", &serde_json::json!({"code": "E00002-HQ-V", "kind": "enterprise_union", "parent": "E00002-HQ", "name_ja": "公開支部労組", "reach": "affiliates"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let child = r.json()["id"].as_i64().unwrap();
    let hidden_name: String = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE id = $1").bind(hidden).fetch_one(&app.db.pool).await.unwrap();
    for who in ["ent-viewer", "jaw-viewer"] {
        let mut s = app.login(who).await;
        let careless = s.get(&format!("/test-pages/careless/{child}")).await;
        assert_eq!(careless.status, StatusCode::INTERNAL_SERVER_ERROR, "{who}: the unchecked parent must not go out");
        assert!(!careless.body.contains(&hidden_name));
        let careful = s.get(&format!("/test-pages/careful/{child}")).await;
        assert_eq!(careful.status, StatusCode::OK, "{who}");
        assert!(careful.body.contains("公開支部労組") && !careful.body.contains(&hidden_name));
    }
    // The head office sees both, so both pages are fine for it.
    assert_eq!(hq.get(&format!("/test-pages/careless/{child}")).await.status, StatusCode::OK);
}

on_both_backends!(crawling_every_page_as_every_tier_trips_nothing);

/// Names of records only the head office sees in the lean fixture.
async fn hidden_names(app: &TestApp) -> Vec<String> {
    let mut names: Vec<String> = sqlx::query_scalar("SELECT name_ja FROM organisations WHERE reach = 'hq'").fetch_all(&app.db.pool).await.unwrap();
    names.extend(sqlx::query_scalar::<_, String>("SELECT title FROM wiki_pages WHERE reach = 'hq' AND redirect_to IS NULL").fetch_all(&app.db.pool).await.unwrap());
    names
}

/// Follows every link on the site from the home page, the lists and a search (up to `limit` pages).
async fn crawl(s: &mut Session, limit: usize) -> Vec<(String, StatusCode, String)> {
    let mut seen = HashSet::new();
    let mut queue: VecDeque<String> =
        ["/", "/directory/organisations", "/directory/people", "/wiki", "/wiki/recent", "/search?q=%E5%8A%B4%E5%83%8D", "/search?q=%E3%82%BF%E3%82%A4"].iter().map(|s| s.to_string()).collect();
    let mut out = vec![];
    while let Some(url) = queue.pop_front() {
        if out.len() >= limit || !seen.insert(url.clone()) {
            continue;
        }
        let r = s.get(&url).await;
        let is_html = r.headers.get("content-type").and_then(|v| v.to_str().ok()).unwrap_or("").starts_with("text/html");
        if is_html {
            for link in r.body.split("href=\"").skip(1).filter_map(|rest| rest.split('"').next()) {
                let link = link.replace("&amp;", "&");
                let follow = link.starts_with("/directory/") || link.starts_with("/wiki/") || link.starts_with("/search?");
                if follow && !link.contains("/export/") && !link.contains("/attachments/") && !seen.contains(&link) {
                    queue.push_back(link);
                }
            }
        }
        out.push((url, r.status, r.body));
    }
    out
}

async fn crawling_every_page_as_every_tier_trips_nothing(app: &TestApp) {
    let hidden = hidden_names(app).await;
    assert!(hidden.len() >= 4, "{hidden:?}");
    for who in ["anonymous", "partner-viewer", "ent-editor", "jaw-editor", "hq-viewer"] {
        let mut s = if who == "anonymous" { app.visitor().await } else { app.login(who).await };
        let pages = crawl(&mut s, 400).await;
        eprintln!("{who}: {} pages crawled", pages.len());
        assert!(pages.len() > 40, "{who} reached {} pages", pages.len());
        for (url, status, body) in &pages {
            assert!(!status.is_server_error(), "{who} GET {url}: {status} {}", body.chars().take(300).collect::<String>());
            if who != "hq-viewer" {
                for name in &hidden {
                    assert!(!body.contains(name.as_str()), "{who} GET {url} shows the hidden {name}");
                }
            }
        }
    }
}
