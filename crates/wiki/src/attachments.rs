//! Attachments: images (PNG, JPEG, GIF, WebP) and PDF, up to 20 MB, recognised by their bytes
//! (not by the name a browser sends). Stored content-addressed under the data directory; served
//! only after the page's own reach check, so a hidden page's files answer like missing ones.

use crate::store;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Request};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use kumiai_core::Msg;
use kumiai_platform::audit::{self, Actor};
use kumiai_platform::reach::can_edit;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Ctx, Guard, Route};
use kumiai_platform::{AppError, AppResult};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

pub const MAX_BYTES: usize = 20 * 1024 * 1024;
pub const ENTITY_ATTACHMENT: &str = "wiki_attachment";

pub fn routes() -> Vec<Route> {
    vec![
        Route::post("/wiki/page/{id}/attachments", Guard::Reach, post(upload).layer(DefaultBodyLimit::max(MAX_BYTES + 64 * 1024))),
        Route::get("/wiki/attachments/{id}/{name}", Guard::Reach, get(serve)),
    ]
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Attachment {
    pub id: i64,
    pub page_id: i64,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub created_at: i64,
}

impl Attachment {
    pub fn url(&self) -> String {
        format!("/wiki/attachments/{}/{}", self.id, url_segment(&self.name))
    }
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
}

fn url_segment(s: &str) -> String {
    s.bytes().map(|b| if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.') { (b as char).to_string() } else { format!("%{b:02X}") }).collect()
}

/// The content type the bytes really are, if allowed.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some("image/png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        Some("image/gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

/// A file name safe to store and show: no path, no control characters, at most 120 characters.
pub fn clean_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>' | '|' | '?' | '*' | ':')).take(120).collect();
    if cleaned.trim().is_empty() { "file".into() } else { cleaned.trim().to_string() }
}

fn blob_path(ctx: &Ctx, sha: &str) -> PathBuf {
    ctx.state.config.data_dir.join("attachments").join(&sha[..2]).join(sha)
}

pub async fn of_page(db: &kumiai_platform::Db, page_id: i64) -> sqlx::Result<Vec<Attachment>> {
    sqlx::query_as("SELECT id, page_id, name, content_type, size, sha256, uploaded_by, created_at FROM wiki_attachments WHERE page_id = $1 AND deleted_at IS NULL ORDER BY id")
        .bind(page_id)
        .fetch_all(&db.pool)
        .await
}

async fn upload(ctx: Ctx, Path(id): Path<i64>, req: Request) -> AppResult<Response> {
    // Reach first: the body is only read once the page is known to be visible and editable.
    let (_, access) = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if !can_edit(&ctx.viewer, &access, ctx.now) {
        return Err(AppError::Forbidden);
    }
    let bad = |ja: String, en: String| AppError::BadRequest(Msg::new(ja, en));
    let mut form = Multipart::from_request(req, &()).await.map_err(|e| bad(format!("送信を読めません：{}", e.body_text()), format!("Cannot read the upload: {}", e.body_text())))?;
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|e| bad(format!("送信を読めません：{e}"), format!("Cannot read the upload: {e}")))? {
        if field.name() == Some("file") {
            let name = clean_name(field.file_name().unwrap_or("file"));
            let bytes = field.bytes().await.map_err(|_| bad("ファイルが大きすぎます（20MBまで）。".into(), "The file is too large (20 MB at most).".into()))?;
            file = Some((name, bytes));
        }
    }
    let (name, bytes) = file.filter(|(_, b)| !b.is_empty()).ok_or_else(|| bad("ファイルを選んでください。".into(), "Choose a file.".into()))?;
    if bytes.len() > MAX_BYTES {
        return Err(bad("ファイルが大きすぎます（20MBまで）。".into(), "The file is too large (20 MB at most).".into()));
    }
    let content_type = sniff(&bytes).ok_or_else(|| {
        bad(format!("「{name}」は添付できない種類のファイルです（画像：PNG・JPEG・GIF・WebP、またはPDF）。"), format!("'{name}' is not a file type that can be attached (PNG, JPEG, GIF, WebP images or PDF)."))
    })?;
    let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
    let path = blob_path(&ctx, &sha);
    if !path.exists() {
        // Written aside and renamed, so a crash never leaves a partial file under its hash.
        let dir = path.parent().expect("has a parent");
        tokio::fs::create_dir_all(dir).await.map_err(|e| AppError::Internal(e.into()))?;
        let tmp = dir.join(format!(".{sha}.{}", std::process::id()));
        tokio::fs::write(&tmp, &bytes).await.map_err(|e| AppError::Internal(e.into()))?;
        tokio::fs::rename(&tmp, &path).await.map_err(|e| AppError::Internal(e.into()))?;
    }
    let actor = Actor::of(&ctx.viewer);
    let mut tx = ctx.db().begin().await?;
    audit::insert(
        &mut tx,
        &actor,
        ENTITY_ATTACHMENT,
        "wiki_attachments",
        &[
            ("page_id", id.into()),
            ("name", name.clone().into()),
            ("content_type", content_type.into()),
            ("size", (bytes.len() as i64).into()),
            ("sha256", sha.clone().into()),
            ("uploaded_by", actor.label.clone().into()),
        ],
        &serde_json::json!({"page_id": id, "name": name, "content_type": content_type, "size": bytes.len(), "sha256": sha}),
    )
    .await?;
    tx.commit().await?;
    Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{id}#attachments"), Msg::new(format!("「{name}」を添付しました。"), format!("Attached '{name}'."))))
}

async fn serve(ctx: Ctx, Path((id, _name)): Path<(i64, String)>) -> AppResult<Response> {
    let a: Attachment = sqlx::query_as("SELECT id, page_id, name, content_type, size, sha256, uploaded_by, created_at FROM wiki_attachments WHERE id = $1 AND deleted_at IS NULL")
        .bind(id)
        .fetch_optional(&ctx.db().pool)
        .await?
        .ok_or(AppError::NotFound)?;
    // The page decides: a file of a page the reader may not see does not exist for them.
    store::load_visible(ctx.db(), &ctx.viewer, a.page_id, ctx.now).await?;
    let bytes = tokio::fs::read(blob_path(&ctx, &a.sha256)).await.map_err(|e| AppError::Internal(anyhow::anyhow!("attachment {} missing on disk: {e}", a.id)))?;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_str(&a.content_type).map_err(|e| AppError::Internal(e.into()))?);
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=300"));
    let disposition = if a.is_image() { "inline" } else { "attachment" };
    h.insert(header::CONTENT_DISPOSITION, HeaderValue::from_str(&format!("{disposition}; filename*=UTF-8''{}", url_segment(&a.name))).map_err(|e| AppError::Internal(e.into()))?);
    Ok(resp)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_bytes_and_cleans_names() {
        assert_eq!(sniff(b"%PDF-1.7 ..."), Some("application/pdf"));
        assert_eq!(sniff(b"\\x89PNG\\r\\n\\x1a\\nrest"), None, "escaped text is not a PNG");
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\nrest"), Some("image/png"));
        assert_eq!(sniff(b"<html><script>"), None);
        assert_eq!(clean_name("../../etc/協定書:最終版?.pdf"), "協定書最終版.pdf");
        assert_eq!(clean_name(""), "file");
    }
}
