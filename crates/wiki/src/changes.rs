//! Recent changes, the watch list and the Atom feed. Every list is of revisions whose page the
//! reader may see now (checked in SQL), so a feed never carries a hidden page's title or summary.

use crate::model::ENTITY;
use askama::Template;
use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kumiai_core::{Lang, Msg, Viewer, time};
use kumiai_platform::accounts::{self, secret};
use kumiai_platform::db::Db;
use kumiai_platform::reach::visible_sql;
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, Guard, QueryParams, Route, empty_as_none};
use kumiai_platform::{AppError, AppResult};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/wiki/recent", Guard::Reach, get(recent)),
        Route::get("/wiki/watchlist", Guard::Reach, get(watchlist)),
        Route::post("/wiki/page/{id}/watch", Guard::Reach, post(watch)),
        Route::post("/wiki/page/{id}/unwatch", Guard::Reach, post(unwatch)),
        Route::post("/wiki/feed-token", Guard::Open, post(new_feed_token)),
        Route::get("/wiki/feed.atom", Guard::Reach, get(feed)),
    ]
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Change {
    pub revision_id: i64,
    pub page_id: i64,
    pub title: String,
    pub summary: String,
    pub author: String,
    pub created_at: i64,
    pub previous: Option<i64>,
}

pub const PER_PAGE: i64 = 50;

/// Revisions of pages the viewer may see, newest first; only watched pages when `watcher` is set.
pub async fn changes(db: &Db, viewer: &Viewer, watcher: Option<i64>, page: i64, now: i64) -> sqlx::Result<Vec<Change>> {
    let watched = match watcher {
        Some(u) => format!("AND p.id IN (SELECT page_id FROM wiki_watch WHERE user_id = {u})"),
        None => String::new(),
    };
    let sql = format!(
        "SELECT r.id AS revision_id, p.id AS page_id, r.title, r.summary, r.author, r.created_at, \
         (SELECT MAX(o.id) FROM wiki_revisions o WHERE o.page_id = r.page_id AND o.id < r.id) AS previous \
         FROM wiki_revisions r JOIN wiki_pages p ON p.id = r.page_id \
         WHERE p.deleted_at IS NULL AND p.redirect_to IS NULL AND {} {watched} ORDER BY r.id DESC LIMIT {PER_PAGE} OFFSET {}",
        visible_sql(viewer, "p", ENTITY, now),
        (page.max(1) - 1) * PER_PAGE
    );
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).fetch_all(&db.pool).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageParam {
    #[serde(deserialize_with = "empty_as_none")]
    page: Option<i64>,
    token: String,
}

#[derive(Template)]
#[template(path = "wiki_changes.html")]
struct ChangesBody {
    l: Lang,
    rows: Vec<(Change, String)>,
    page: i64,
    base: &'static str,
    feed: Option<String>,
    watch_mode: bool,
    csrf: String,
}

fn page_of(ctx: &Ctx, title: &str, rows: Vec<Change>, page: i64, base: &'static str, feed: Option<String>, watch_mode: bool) -> Response {
    let rows = rows.into_iter().map(|c| {
        let at = time::format_ms(c.created_at);
        (c, at)
    }).collect();
    let body = ChangesBody { l: ctx.lang, rows, page, base, feed, watch_mode, csrf: ctx.csrf.clone() };
    render_page(ctx, title, &[Crumb::link("JCMpedia", "/wiki"), Crumb::here(title)], &body)
}

async fn recent(ctx: Ctx, QueryParams(p): QueryParams<PageParam>) -> AppResult<Response> {
    let page = p.page.unwrap_or(1).max(1);
    let rows = changes(ctx.db(), &ctx.viewer, None, page, ctx.now).await?;
    Ok(page_of(&ctx, ctx.t("最近の更新", "Recent changes"), rows, page, "/wiki/recent?", None, false))
}

async fn watchlist(ctx: Ctx, QueryParams(p): QueryParams<PageParam>) -> AppResult<Response> {
    let acct = ctx.account()?;
    let page = p.page.unwrap_or(1).max(1);
    let rows = changes(ctx.db(), &ctx.viewer, Some(acct.user_id), page, ctx.now).await?;
    Ok(page_of(&ctx, ctx.t("ウォッチリスト", "Watch list"), rows, page, "/wiki/watchlist?", None, true))
}

async fn set_watch(ctx: &Ctx, id: i64, on: bool) -> AppResult<Response> {
    let acct = ctx.account()?;
    crate::store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if on {
        sqlx::query("INSERT INTO wiki_watch (user_id, page_id, created_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING")
            .bind(acct.user_id)
            .bind(id)
            .bind(ctx.now)
            .execute(&ctx.db().pool)
            .await?;
    } else {
        sqlx::query("DELETE FROM wiki_watch WHERE user_id = $1 AND page_id = $2").bind(acct.user_id).bind(id).execute(&ctx.db().pool).await?;
    }
    let msg = if on { Msg::new("ウォッチリストに入れました。", "Added to your watch list.") } else { Msg::new("ウォッチリストから外しました。", "Removed from your watch list.") };
    Ok(redirect_with_flash(ctx, &format!("/wiki/page/{id}"), msg))
}

async fn watch(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    set_watch(&ctx, id, true).await
}

async fn unwatch(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    set_watch(&ctx, id, false).await
}

pub async fn is_watched(db: &Db, user_id: i64, page_id: i64) -> sqlx::Result<bool> {
    Ok(sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM wiki_watch WHERE user_id = $1 AND page_id = $2").bind(user_id).bind(page_id).fetch_one(&db.pool).await? > 0)
}

/// Issues (or replaces) the reader's feed token and shows the feed address once.
async fn new_feed_token(ctx: Ctx) -> AppResult<Response> {
    let acct = ctx.account()?;
    let token = secret::random_hex(20);
    let mut tx = ctx.db().begin().await?;
    sqlx::query("DELETE FROM wiki_feed_tokens WHERE user_id = $1").bind(acct.user_id).execute(&mut *tx).await?;
    sqlx::query("INSERT INTO wiki_feed_tokens (user_id, token_hash, created_at) VALUES ($1, $2, $3)")
        .bind(acct.user_id)
        .bind(secret::sha256_hex(&token))
        .bind(ctx.now)
        .execute(&mut *tx)
        .await?;
    kumiai_platform::audit::record(&mut tx, &kumiai_platform::audit::Actor::of(&ctx.viewer), "wiki_feed_token", acct.user_id, "issue", None, None).await?;
    tx.commit().await?;
    let rows = changes(ctx.db(), &ctx.viewer, Some(acct.user_id), 1, ctx.now).await?;
    Ok(page_of(&ctx, ctx.t("ウォッチリスト", "Watch list"), rows, 1, "/wiki/watchlist?", Some(format!("/wiki/feed.atom?token={token}")), true))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The watch list as Atom, opened by the feed token (feed readers carry no session).
async fn feed(ctx: Ctx, QueryParams(p): QueryParams<PageParam>) -> AppResult<Response> {
    ctx.viewer.mark_checked();
    let user_id: Option<i64> = sqlx::query_scalar("SELECT user_id FROM wiki_feed_tokens WHERE token_hash = $1")
        .bind(secret::sha256_hex(p.token.trim()))
        .fetch_optional(&ctx.db().pool)
        .await?;
    let account = match user_id {
        Some(u) => accounts::by_id(ctx.db(), u).await?.filter(|u| u.disabled_at.is_none()).and_then(|u| u.account()),
        None => None,
    };
    let account = account.ok_or(AppError::NotFound)?;
    let reader = Viewer::new(Some(account.clone()));
    let rows = changes(ctx.db(), &reader, Some(account.user_id), 1, ctx.now).await?;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!("<title>JCMpedia — {}</title>\n<id>urn:kumiai:wiki:watch:{}</id>\n", esc(&account.display_name), account.user_id));
    xml.push_str(&format!("<updated>{}</updated>\n<link rel=\"alternate\" href=\"/wiki/watchlist\"/>\n", time::rfc3339(rows.first().map(|c| c.created_at).unwrap_or(ctx.now))));
    for c in &rows {
        let link = match c.previous {
            Some(prev) => format!("/wiki/page/{}/diff?from={prev}&amp;to={}", c.page_id, c.revision_id),
            None => format!("/wiki/page/{}", c.page_id),
        };
        xml.push_str(&format!(
            "<entry><title>{}</title><id>urn:kumiai:wiki:revision:{}</id><updated>{}</updated><author><name>{}</name></author><link href=\"{link}\"/><summary>{}</summary></entry>\n",
            esc(&c.title),
            c.revision_id,
            time::rfc3339(c.created_at),
            esc(&c.author),
            esc(&c.summary)
        ));
    }
    xml.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}

