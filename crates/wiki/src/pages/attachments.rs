//! Uploading and serving attachments. A file is served only after its page's reach check, so a
//! hidden page's files answer like missing ones.

use crate::attachments::{self, MAX_BYTES, clean_name, sniff};
use crate::{embed, store};
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Request};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kumiai_core::{AttachmentId, Msg, PageId};
use kumiai_platform::audit::Actor;
use kumiai_platform::error::body_rejection;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Ctx, Guard, PathParams, Route};
use kumiai_platform::{AppError, AppResult};

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/wiki/page/{id}/attachments", Guard::Reach, post(upload).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024))),
        Route::get("/wiki/attachments/{id}/{name}", Guard::Reach, get(serve)),
        Route::get("/wiki/file/{name}", Guard::Reach, get(serve_named)),
    ]
}

async fn upload(ctx: Ctx, PathParams(id): PathParams<PageId>, req: Request) -> AppResult<Response> {
    // Reach first: the body is only read once the page is known to be visible and editable.
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if !page.can_edit(&ctx.viewer, ctx.now) {
        return Err(AppError::Forbidden);
    }
    let bad = |ja: String, en: String| AppError::BadRequest(Msg::new(ja, en));
    let reject = |e: axum::extract::multipart::MultipartError| body_rejection(e.status(), &e.body_text(), MAX_BYTES, ("送信", "upload"));
    let mut form = Multipart::from_request(req, &()).await.map_err(|e| body_rejection(e.status(), &e.body_text(), MAX_BYTES, ("送信", "upload")))?;
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(reject)? {
        if field.name() == Some("file") {
            let name = clean_name(field.file_name().unwrap_or("file"));
            let bytes = field.bytes().await.map_err(reject)?;
            file = Some((name, bytes));
        }
    }
    let (name, bytes) = file.filter(|(_, b)| !b.is_empty()).ok_or_else(|| bad("ファイルを選んでください。".into(), "Choose a file.".into()))?;
    if bytes.len() > MAX_BYTES {
        return Err(AppError::TooLarge { limit_bytes: MAX_BYTES });
    }
    let content_type = sniff(&bytes).ok_or_else(|| {
        bad(format!("「{name}」は添付できない種類のファイルです（画像：PNG・JPEG・GIF・WebP、またはPDF）。"), format!("'{name}' is not a file type that can be attached (PNG, JPEG, GIF, WebP images or PDF)."))
    })?;
    attachments::store(ctx.db(), &ctx.state.config.data_dir, &Actor::of(&ctx.viewer), &page, &name, content_type, &bytes).await?;
    Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{id}#attachments"), Msg::new(format!("「{name}」を添付しました。"), format!("Attached '{name}'."))))
}

async fn serve(ctx: Ctx, PathParams((id, _name)): PathParams<(AttachmentId, String)>) -> AppResult<Response> {
    let a = attachments::get(ctx.db(), id).await?.ok_or(AppError::NotFound)?;
    // The page decides: a file of a page the reader may not see does not exist for them.
    store::load_visible(ctx.db(), &ctx.viewer, a.page_id, ctx.now).await?;
    send(&ctx, &a).await
}

/// `[[ファイル:name]]` in a page's text: the newest file of the page `ファイル:name`, if the reader
/// may see that page.
async fn serve_named(ctx: Ctx, PathParams(name): PathParams<String>) -> AppResult<Response> {
    let page = store::find_by_title(ctx.db(), &ctx.viewer, &embed::page_title(&name), ctx.now).await?.filter(|p| p.deleted_at.is_none()).ok_or(AppError::NotFound)?;
    let a = attachments::newest_of(ctx.db(), &page, &name).await?.ok_or(AppError::NotFound)?;
    send(&ctx, &a).await
}

async fn send(ctx: &Ctx, a: &attachments::Attachment) -> AppResult<Response> {
    let bytes = tokio::fs::read(attachments::blob_path(&ctx.state.config.data_dir, &a.sha256))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("attachment {} missing on disk: {e}", a.id)))?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&a.content_type).map_err(|e| AppError::Internal(e.into()))?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    let disposition = if a.is_image() { "inline" } else { "attachment" };
    let value = format!("{disposition}; filename*=UTF-8''{}", kumiai_platform::text::percent_encode(&a.name));
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&value).map_err(|e| AppError::Internal(e.into()))?);
    Ok(resp)
}
