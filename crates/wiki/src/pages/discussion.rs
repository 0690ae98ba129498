//! A page's discussion on its page: the threads, a form to open a topic or reply, and removal.
//! Everything here starts from the page loaded through the reach layer.

use crate::discussion::{self, NewComment};
use crate::model::Page;
use crate::store;
use askama::Template;
use axum::response::Response;
use axum::routing::post;
use kumiai_core::{CommentId, Lang, Msg, PageId, time};
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Ctx, FormBody, Guard, PathParams, Route};
use kumiai_platform::{AppResult, Visible};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/wiki/page/{id}/discussion", Guard::Reach, post(add)),
        Route::post("/wiki/page/{id}/discussion/{comment}/remove", Guard::Reach, post(remove)),
    ]
}

/// One comment as its reader sees it.
struct ShownComment {
    id: CommentId,
    depth: usize,
    author: String,
    when: String,
    html: String,
    version: i64,
    can_remove: bool,
}

struct ShownThread {
    topic: String,
    comments: Vec<ShownComment>,
}

#[derive(Template)]
#[template(path = "wiki_discussion.html")]
struct DiscussionBody<'a> {
    l: Lang,
    csrf: &'a str,
    page: PageId,
    threads: Vec<ShownThread>,
    can_comment: bool,
}

/// The discussion's HTML on its page, for this reader (links in comments resolved for them).
pub(super) async fn section(ctx: &Ctx, page: &Visible<Page>) -> AppResult<String> {
    let can_comment = !ctx.viewer.is_anonymous() && page.deleted_at.is_none();
    let can_moderate = page.can_edit(&ctx.viewer, ctx.now);
    let me = ctx.viewer.account().map(|a| a.user_id.get());
    let mut threads = vec![];
    for t in discussion::threads(ctx.db(), page).await? {
        let mut comments = vec![];
        for s in t.comments {
            let c = s.comment;
            let html = super::render_for(ctx, None, &c.body).await?.1;
            let can_remove = can_moderate || (me.is_some() && me == c.author_user_id);
            comments.push(ShownComment { id: c.id, depth: s.depth, author: c.author, when: time::format_ms(c.created_at), html, version: c.version, can_remove });
        }
        threads.push(ShownThread { topic: t.topic, comments });
    }
    let body = DiscussionBody { l: ctx.lang, csrf: &ctx.csrf, page: page.id, threads, can_comment };
    Ok(body.render().map_err(|e| kumiai_platform::AppError::Internal(e.into()))?)
}

#[derive(Deserialize)]
struct AddForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    reply_to: Option<String>,
    #[serde(default)]
    body: String,
}

async fn add(ctx: Ctx, PathParams(id): PathParams<PageId>, FormBody(f): FormBody<AddForm>) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let reply_to = f.reply_to.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(|r| r.parse::<CommentId>()).transpose().map_err(|_| {
        kumiai_platform::AppError::BadRequest(Msg::new("返信先の指定が正しくありません。", "The comment to reply to is not valid."))
    })?;
    let c = discussion::add(ctx.db(), &ctx.viewer, &page, NewComment { topic: &f.topic, reply_to, body: &f.body, imported: None }).await?;
    let anchor = c.map(|c| format!("#comment-{}", c.id)).unwrap_or_default();
    Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{id}{anchor}"), Msg::new("コメントを投稿しました。", "Comment posted.")))
}

#[derive(Deserialize)]
struct RemoveForm {
    version: i64,
}

async fn remove(ctx: Ctx, PathParams((id, comment)): PathParams<(PageId, CommentId)>, FormBody(f): FormBody<RemoveForm>) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    discussion::remove(ctx.db(), &ctx.viewer, &page, comment, f.version, ctx.now).await?;
    Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{id}#discussion"), Msg::new("コメントを削除しました。", "Comment removed.")))
}
