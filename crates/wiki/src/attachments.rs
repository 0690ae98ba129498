//! Attachments: images (PNG, JPEG, GIF, WebP) and PDF, up to 20 MB, recognised by their bytes
//! (not by the name a browser sends). Stored content-addressed under the data directory; served
//! only after the page's own reach check, so a hidden page's files answer like missing ones.

use crate::Key;
use crate::model::Page;
use kumiai_core::{AttachmentId, PageId};
use kumiai_platform::audit::{self, Actor};
use kumiai_platform::db::Db;
use kumiai_platform::record::fetch;
use kumiai_platform::{Record, Visible};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

pub const MAX_BYTES: usize = 20 * 1024 * 1024;
pub const ENTITY: &str = "wiki_attachment";

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct Attachment {
    pub id: AttachmentId,
    pub page_id: PageId,
    pub name: String,
    pub content_type: String,
    pub size: i64,
    pub sha256: String,
    pub uploaded_by: String,
    pub created_at: i64,
    pub deleted_at: Option<i64>,
    pub version: i64,
}

kumiai_platform::identified!(ENTITY => Attachment);

impl Record for Attachment {
    const TABLE: &'static str = "wiki_attachments";
    const SELECT: &'static str = "SELECT a.id, a.page_id, a.name, a.content_type, a.size, a.sha256, a.uploaded_by, a.created_at, a.deleted_at, a.version FROM wiki_attachments a";
    const ALIAS: &'static str = "a";
    type Key = Key;
    fn version(&self) -> i64 {
        self.version
    }
    fn snapshot(&self) -> serde_json::Value {
        serde_json::json!({"page_id": self.page_id, "name": self.name, "content_type": self.content_type, "size": self.size, "sha256": self.sha256, "deleted_at": self.deleted_at, "version": self.version})
    }
}

impl Attachment {
    pub fn url(&self) -> String {
        format!("/wiki/attachments/{}/{}", self.id, kumiai_platform::text::percent_encode(&self.name))
    }
    pub fn when(&self) -> String {
        kumiai_core::time::format_ms(self.created_at)
    }
    pub fn is_image(&self) -> bool {
        self.content_type.starts_with("image/")
    }
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

pub(crate) fn blob_path(data_dir: &Path, sha: &str) -> PathBuf {
    data_dir.join("attachments").join(&sha[..2]).join(sha)
}

/// The live attachments of a page the caller has let through the reach layer.
pub async fn of_page(db: &Db, page: &Visible<Page>) -> sqlx::Result<Vec<Attachment>> {
    db.fetch_cached(format!("{} WHERE a.page_id = $1 AND a.deleted_at IS NULL ORDER BY a.id", Attachment::SELECT), &[page.id.get().into()]).await
}

/// The file a page shows as `[[ファイル:name]]`: the newest live attachment of the visible page
/// `ファイル:name` (of that name if there is one: the page may hold other attachments too).
pub async fn newest_of(db: &Db, page: &Visible<Page>, name: &str) -> sqlx::Result<Option<Attachment>> {
    let all = of_page(db, page).await?;
    let named = all.iter().rev().find(|a| a.name.replace('_', " ") == name.replace('_', " ")).cloned();
    Ok(named.or_else(|| all.last().cloned()))
}

/// An attachment, unchecked: the caller then loads its page through the reach layer.
pub(crate) async fn get(db: &Db, id: AttachmentId) -> sqlx::Result<Option<Attachment>> {
    Ok(fetch::<Attachment>(db, id.get(), &Key(())).await?.filter(|a| a.deleted_at.is_none()))
}

/// Stores `bytes` under their hash (written aside and renamed, so a crash never leaves a partial
/// file under a hash) and records the attachment on `page`.
pub async fn store(db: &Db, data_dir: &Path, actor: &Actor, page: &Visible<Page>, name: &str, content_type: &str, bytes: &[u8]) -> anyhow::Result<Attachment> {
    store_at(db, data_dir, actor, page, name, content_type, bytes, None).await
}

/// [`store`], dated `at` (an import keeps the upload's date) or now.
#[allow(clippy::too_many_arguments)]
pub async fn store_at(db: &Db, data_dir: &Path, actor: &Actor, page: &Visible<Page>, name: &str, content_type: &str, bytes: &[u8], at: Option<i64>) -> anyhow::Result<Attachment> {
    let sha: String = Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect();
    let path = blob_path(data_dir, &sha);
    if !path.exists() {
        let dir = path.parent().expect("has a parent");
        tokio::fs::create_dir_all(dir).await?;
        let tmp = dir.join(format!(".{sha}.{}", std::process::id()));
        tokio::fs::write(&tmp, bytes).await?;
        tokio::fs::rename(&tmp, &path).await?;
    }
    let mut tx = db.begin().await?;
    let mut fields: Vec<(&str, audit::Val)> = vec![
        ("page_id", page.id.into()),
        ("name", name.into()),
        ("content_type", content_type.into()),
        ("size", (bytes.len() as i64).into()),
        ("sha256", sha.into()),
        ("uploaded_by", actor.label.clone().into()),
    ];
    if let Some(at) = at {
        fields.extend([("created_at", at.into()), ("updated_at", at.into())]);
    }
    let a = audit::insert::<Attachment>(&mut tx, actor, &fields, None).await?;
    db.commit(tx).await?;
    Ok(a)
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
