//! Recent changes, the watch list and the Atom feed: the pages.

use crate::changes::{self, Change, ChangeKind, Filter};
use crate::store;
use askama::Template;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kumiai_core::{Lang, Msg, PageId, time};
use kumiai_platform::text::{escape_html, query_string, quote_value};
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, Guard, PathParams, QueryParams, Route, empty_as_none, parse_day};
use kumiai_platform::{AppError, AppResult, Visible};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/wiki/recent", Guard::Reach, get(recent)),
        Route::get("/wiki/watchlist", Guard::Reach, get(watchlist)),
        Route::post("/wiki/page/{id}/watch", Guard::Reach, post(watch)),
        Route::post("/wiki/page/{id}/unwatch", Guard::Reach, post(unwatch)),
        Route::post("/wiki/feed-token", Guard::Reach, post(new_feed_token)),
        Route::get("/wiki/feed.atom", Guard::Reach, get(feed)),
    ]
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PageParam {
    #[serde(deserialize_with = "empty_as_none")]
    page: Option<i64>,
    token: String,
    kind: String,
    author: String,
    minor: changes::Minor,
    from: String,
    to: String,
}

impl PageParam {
    /// The filters, or a 400 that names the value it cannot read.
    fn filter(&self) -> AppResult<Filter> {
        let kind = match self.kind.trim() {
            "" => None,
            "new" => Some(ChangeKind::New),
            "edit" => Some(ChangeKind::Edit),
            k => {
                let k = quote_value(k);
                return Err(AppError::BadRequest(Msg::new(format!("更新の種類「{k}」はありません（new か edit）。"), format!("There is no kind of change '{k}' (new or edit)."))));
            }
        };
        Ok(Filter { kind, author: self.author.trim().to_string(), minor: self.minor, from: parse_day(&self.from, ("開始日", "start date"))?, to: parse_day(&self.to, ("終了日", "end date"))? })
    }

    /// The filters as a query string that a page number can follow.
    fn query(&self) -> String {
        let minor = match self.minor {
            changes::Minor::Show => "",
            changes::Minor::Hide => "hide",
            changes::Minor::Only => "only",
        };
        query_string(&[("kind", self.kind.trim().into()), ("author", self.author.trim().into()), ("minor", minor.into()), ("from", self.from.trim().into()), ("to", self.to.trim().into())])
    }
}

#[derive(Template)]
#[template(path = "wiki_changes.html")]
struct ChangesBody {
    l: Lang,
    rows: Vec<(Visible<Change>, String)>,
    page: i64,
    base: String,
    action: &'static str,
    kind: String,
    author: String,
    minor: changes::Minor,
    from: String,
    to: String,
    feed: Option<String>,
    watch_mode: bool,
    csrf: String,
}

fn page_of(ctx: &Ctx, title: &str, rows: Vec<Visible<Change>>, p: &PageParam, action: &'static str, feed: Option<String>, watch_mode: bool) -> Response {
    let rows = rows
        .into_iter()
        .map(|c| {
            let at = time::format_ms(c.created_at);
            (c, at)
        })
        .collect();
    let page = kumiai_platform::db::Paging::new(p.page, None, changes::PER_PAGE, changes::PER_PAGE).page;
    let body = ChangesBody {
        l: ctx.lang,
        rows,
        page,
        base: format!("{action}{}", p.query()),
        action,
        kind: p.kind.trim().to_string(),
        author: p.author.trim().to_string(),
        minor: p.minor,
        from: p.from.trim().to_string(),
        to: p.to.trim().to_string(),
        feed,
        watch_mode,
        csrf: ctx.csrf.clone(),
    };
    render_page(ctx, title, &[Crumb::link("JCMpedia", "/wiki"), Crumb::here(title)], &body)
}

async fn recent(ctx: Ctx, QueryParams(p): QueryParams<PageParam>) -> AppResult<Response> {
    let rows = changes::changes(ctx.db(), &ctx.viewer, None, &p.filter()?, p.page, ctx.now).await?;
    Ok(page_of(&ctx, ctx.t("最近の更新", "Recent changes"), rows, &p, "/wiki/recent", None, false))
}

async fn watchlist(ctx: Ctx, QueryParams(p): QueryParams<PageParam>) -> AppResult<Response> {
    let acct = ctx.account()?;
    let rows = changes::changes(ctx.db(), &ctx.viewer, Some(acct.user_id), &p.filter()?, p.page, ctx.now).await?;
    Ok(page_of(&ctx, ctx.t("ウォッチリスト", "Watch list"), rows, &p, "/wiki/watchlist", None, true))
}

async fn set_watch(ctx: &Ctx, id: PageId, on: bool) -> AppResult<Response> {
    let acct = ctx.account()?;
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    changes::set_watch(ctx.db(), acct.user_id, &page, on, ctx.now).await?;
    let msg = if on { Msg::new("ウォッチリストに入れました。", "Added to your watch list.") } else { Msg::new("ウォッチリストから外しました。", "Removed from your watch list.") };
    Ok(redirect_with_flash(ctx, &format!("/wiki/page/{id}"), msg))
}

async fn watch(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Response> {
    set_watch(&ctx, id, true).await
}

async fn unwatch(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Response> {
    set_watch(&ctx, id, false).await
}

/// Issues (or replaces) the reader's feed token and shows the feed address once, with the list.
async fn new_feed_token(ctx: Ctx) -> AppResult<Response> {
    let acct = ctx.account()?;
    let token = changes::new_feed_token(ctx.db(), &ctx.viewer, acct.user_id, ctx.now).await?;
    let rows = changes::changes(ctx.db(), &ctx.viewer, Some(acct.user_id), &Filter::default(), None, ctx.now).await?;
    Ok(page_of(&ctx, ctx.t("ウォッチリスト", "Watch list"), rows, &PageParam::default(), "/wiki/watchlist", Some(format!("/wiki/feed.atom?token={token}")), true))
}

/// The watch list as Atom, opened by the feed token (feed readers carry no session) and built for
/// the token's user at each fetch.
async fn feed(ctx: Ctx, QueryParams(p): QueryParams<PageParam>) -> AppResult<Response> {
    let account = changes::feed_account(ctx.db(), &p.token).await?.ok_or(AppError::NotFound)?;
    let reader = ctx.viewer.acting_as(account.clone());
    let rows = changes::changes(ctx.db(), &reader, Some(account.user_id), &Filter::default(), None, ctx.now).await?;
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">\n");
    xml.push_str(&format!("<title>JCMpedia — {}</title>\n<id>urn:kumiai:wiki:watch:{}</id>\n", escape_html(&account.display_name), account.user_id));
    xml.push_str(&format!("<updated>{}</updated>\n<link rel=\"alternate\" href=\"/wiki/watchlist\"/>\n", time::rfc3339(rows.first().map(|c| c.created_at).unwrap_or(ctx.now))));
    for c in &rows {
        let link = match c.previous {
            Some(prev) => format!("/wiki/page/{}/diff?from={prev}&amp;to={}", c.page_id, c.revision_id),
            None => format!("/wiki/page/{}", c.page_id),
        };
        xml.push_str(&format!(
            "<entry><title>{}</title><id>urn:kumiai:wiki:revision:{}</id><updated>{}</updated><author><name>{}</name></author><link href=\"{link}\"/><summary>{}</summary></entry>\n",
            escape_html(&c.title),
            c.revision_id,
            time::rfc3339(c.created_at),
            escape_html(&c.author),
            escape_html(&c.summary)
        ));
    }
    xml.push_str("</feed>\n");
    Ok(([(header::CONTENT_TYPE, "application/atom+xml; charset=utf-8")], xml).into_response())
}
