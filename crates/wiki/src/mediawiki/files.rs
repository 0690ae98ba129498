//! The files of a MediaWiki export, as `importImages.php` takes them: from MediaWiki's images
//! directory (`--images DIR`), found by the export's `<upload>` records (or, in an export made
//! without `--uploads`, by the file page's name). Each upload becomes an attachment of the page
//! `ファイル:名前`, with its uploader and date; an older version (in `archive/`) comes first. A
//! second run adds nothing.

use super::reader::{MwPage, MwUpload};
use crate::attachments::{self, MAX_BYTES, sniff};
use crate::model::Page;
use kumiai_platform::Visible;
use kumiai_platform::audit::Actor;
use kumiai_platform::db::Db;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// MediaWiki's images directory, indexed once: file name → path, for originals and for the
/// archived versions (`20240403000000!名前.png`). Thumbnails, temp and lock files are not files.
pub struct Images {
    pub dir: PathBuf,
    /// Where Kumiai keeps attachments (its data directory).
    pub data_dir: PathBuf,
    originals: HashMap<String, PathBuf>,
    archived: HashMap<String, PathBuf>,
}

impl Images {
    pub fn open(dir: &Path, data_dir: &Path) -> anyhow::Result<Images> {
        if !dir.is_dir() {
            anyhow::bail!("{}: not a directory / ディレクトリではありません", dir.display());
        }
        let mut images = Images { dir: dir.to_path_buf(), data_dir: data_dir.to_path_buf(), originals: HashMap::new(), archived: HashMap::new() };
        let mut todo = vec![(dir.to_path_buf(), false)];
        while let Some((d, archive)) = todo.pop() {
            for entry in std::fs::read_dir(&d)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().to_string();
                let path = entry.path();
                if entry.file_type()?.is_dir() {
                    if !["thumb", "temp", "lockdir", "deleted", "transcoded"].contains(&name.as_str()) && !name.starts_with('.') {
                        todo.push((path, archive || (d == dir && name == "archive")));
                    }
                } else if !name.starts_with('.') && !name.ends_with(".html") {
                    let key = normal(&name);
                    if archive { images.archived.insert(key, path) } else { images.originals.insert(key, path) };
                }
            }
        }
        Ok(images)
    }

    /// Where one upload's file is, if it is there.
    fn locate(&self, name: &str, upload: Option<&MwUpload>) -> Option<PathBuf> {
        if let Some(rel) = upload.and_then(|u| u.rel.as_deref()) {
            let p = self.dir.join(rel);
            // `rel` comes from the export: it must stay inside the images directory.
            if !rel.split(['/', '\\']).any(|part| part == "..") && p.is_file() {
                return Some(p);
            }
        }
        match upload.and_then(|u| u.archivename.as_deref()) {
            Some(archived) => self.archived.get(&normal(archived)).cloned(),
            None => self.originals.get(&normal(name)).cloned(),
        }
    }
}

/// MediaWiki stores `a b.png` as `a_b.png`.
fn normal(name: &str) -> String {
    name.replace(' ', "_")
}

/// What importing a page's files left to report: (file, why).
pub type Missing = Vec<(String, String)>;

/// Attaches the files of file page `mw` to `page`. Returns how many were attached.
pub async fn import(db: &Db, images: &Images, mw: &MwPage, page: &Visible<Page>, authors: &HashMap<String, Actor>, missing: &mut Missing) -> anyhow::Result<usize> {
    let name = page.title.strip_prefix(crate::embed::FILE_PAGE_PREFIX).unwrap_or(&page.title).to_string();
    let mut uploads: Vec<Option<&MwUpload>> = mw.uploads.iter().map(Some).collect();
    uploads.sort_by_key(|u| u.map(|u| u.timestamp.clone()));
    if uploads.is_empty() {
        // An export made without --uploads: the file is found by its page's name.
        uploads.push(None);
    }
    let have = attachments::of_page(db, page).await?;
    let mut added = 0;
    for upload in uploads {
        let file_name = upload.map(|u| u.filename.clone()).filter(|f| !f.is_empty()).unwrap_or_else(|| normal(&name));
        let version = upload.and_then(|u| u.archivename.clone()).map(|a| format!(" ({a})")).unwrap_or_default();
        let Some(path) = images.locate(&file_name, upload) else {
            missing.push((format!("{file_name}{version}"), format!("not in {} / 画像ディレクトリにない", images.dir.display())));
            continue;
        };
        let bytes = std::fs::read(&path)?;
        if bytes.len() > MAX_BYTES {
            missing.push((format!("{file_name}{version}"), format!("larger than {} MB / 大きすぎる", MAX_BYTES / 1024 / 1024)));
            continue;
        }
        let Some(content_type) = sniff(&bytes) else {
            missing.push((format!("{file_name}{version}"), "not an image or PDF / 画像でもPDFでもない".into()));
            continue;
        };
        let sha: String = Sha256::digest(&bytes).iter().map(|b| format!("{b:02x}")).collect();
        let shown_name = file_name.replace('_', " ");
        if have.iter().any(|a| a.sha256 == sha && a.name == shown_name) {
            continue;
        }
        let who = upload.and_then(|u| u.username.clone());
        let actor = who.as_ref().and_then(|w| authors.get(w).cloned()).unwrap_or_else(|| Actor { user_id: None, label: format!("mediawiki:{}", who.as_deref().unwrap_or("unknown")) });
        let at = upload.and_then(|u| kumiai_core::time::parse_ms(&u.timestamp));
        attachments::store_at(db, &images.data_dir, &actor, page, &shown_name, content_type, &bytes, at).await?;
        added += 1;
    }
    Ok(added)
}
