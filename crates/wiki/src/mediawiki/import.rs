//! Applies a MediaWiki export: every revision of every article (namespace 0), project page (4),
//! category page (14) and file page (6) becomes a Kumiai revision with its author, time and summary, in order;
//! redirects become redirects; a file page's files (from `--images DIR`) become its attachments
//! (see `files`); a talk page (1) becomes its page's discussion (see `talk`). Each page is
//! one transaction and each imported revision is recorded, so a second run changes nothing and an
//! interrupted run resumes where it stopped. The report lists what could not be converted.
//!
//! Speed: a thread of its own reads, parses and converts the dump a few pages ahead of the writer
//! (decompression has threads of its own too). A page's history is written with a few statements
//! per revision (the revision and its log entry); the page row, its links and categories follow
//! the newest text once per page.

use super::convert::{Converted, Converter, convert_or_keep, redirect_target};
use super::files::{self, Images};
use super::talk::{self, TalkComment};
use crate::discussion::{self, NewComment};
use super::templates::Templates;
use std::sync::Arc;
use super::reader::{self, MwPage, MwRevision};
use crate::model::{Page, title_key};
use crate::store;
use kumiai_core::{PageId, Reach, RevisionId, Viewer, time};
use std::collections::{HashMap, HashSet};
use kumiai_platform::audit::{self, Actor, Val};
use kumiai_platform::db::Db;
use std::path::Path;

#[derive(Debug, Default)]
pub struct Report {
    pub source: String,
    pub pages_created: usize,
    pub pages_updated: usize,
    pub revisions_imported: usize,
    pub revisions_skipped: usize,
    pub redirects: usize,
    /// (namespace, title) of pages outside the main namespace, not imported.
    pub other_namespaces: Vec<(i64, String)>,
    /// (title, reason) of pages not imported.
    pub refused: Vec<(String, String)>,
    /// (title, target) of redirects that differ from their target only in letter case or width:
    /// one title here (Kumiai titles ignore both), so not imported.
    pub same_title_redirects: Vec<(String, String)>,
    /// (title, target) of redirects imported as ordinary pages: the target is not in Kumiai.
    pub dangling_redirects: Vec<(String, String)>,
    /// (title, construct) kept as text rather than rendered.
    pub unconverted: Vec<(String, String)>,
    /// Templates of the export, read to expand the pages' calls (not imported as pages).
    pub templates: Vec<String>,
    /// Files attached to their file pages.
    pub files_attached: usize,
    /// (file, why) of files not attached: not in the images directory, too large, not allowed,
    /// or used by a page with no such file.
    pub missing_files: Vec<(String, String)>,
    /// Comments imported from talk pages into discussions.
    pub comments_imported: usize,
    /// (talk page, why) of talk pages not imported.
    pub talk_pages_refused: Vec<(String, String)>,
}

/// How to import: the pages' reach, and MediaWiki's images directory if the files come too.
pub struct Options {
    pub reach: Reach,
    pub images: Option<Images>,
}

/// MediaWiki's template namespace.
const TEMPLATE_NS: i64 = 10;
/// Talk pages: each becomes the discussion of its page.
const TALK_NS: i64 = 1;
/// File description pages: imported as the page `ファイル:名前`, holding the file.
const FILE_NS: i64 = 6;
/// The wiki's own pages (`JCMpedia:編集の手引き`): imported under their title.
const PROJECT_NS: i64 = 4;
const TALK_PREFIXES: [&str; 4] = ["トーク:", "ノート:", "Talk:", "talk:"];
/// Category pages hold the category's description: imported as the page `カテゴリ:名前`, which the
/// category's list shows above its pages.
const CATEGORY_NS: i64 = 14;

/// Articles and category descriptions are imported as pages.
fn imported_ns(ns: i64) -> bool {
    ns == 0 || ns == PROJECT_NS || ns == CATEGORY_NS || ns == FILE_NS
}

/// A page's title in Kumiai: a category page under the one Japanese prefix whatever the wiki's
/// language (`Category:X` → `カテゴリ:X`).
fn kumiai_title(page: &MwPage) -> String {
    let title = crate::model::clean_title(&page.title);
    let name = || title.split_once(':').map_or(title.as_str(), |(_, n)| n).trim().to_string();
    match page.ns {
        CATEGORY_NS => format!("{}{}", crate::render::CATEGORY_PAGE_PREFIX, name()),
        FILE_NS => crate::embed::page_title(&name()),
        _ => title.clone(),
    }
}
/// Pages that wait for a template defined later in the dump, at most (their wikitext). A wiki
/// defines its templates before most pages use them (dumps follow page ids); an export that calls
/// templates it does not hold (a Wikipedia excerpt) would otherwise hold every page to the end.
const DEFERRED_BYTES: usize = 32 * 1024 * 1024;

impl Report {
    /// Where a run's report is kept unless told otherwise: the head office's admins find the
    /// newest on their dashboard.
    pub fn default_path(&self, data_dir: &Path) -> std::path::PathBuf {
        data_dir.join("import-reports").join(format!("mediawiki-{}.txt", time::now_ms()))
    }

    pub fn text(&self) -> String {
        let mut s = format!(
            "MediaWiki import report / 取り込み報告 ({})\n\
             pages created / 新規ページ: {}\npages updated / 更新ページ: {}\nrevisions imported / 取り込んだ版: {}\n\
             revisions already imported (skipped) / 取り込み済みの版: {}\nredirects / 転送ページ: {}\n",
            self.source, self.pages_created, self.pages_updated, self.revisions_imported, self.revisions_skipped, self.redirects
        );
        let arrow = |l: &[(String, String)]| l.iter().map(|(t, to)| format!("{t} → {to}")).collect::<Vec<_>>();
        let colon = |l: &[(String, String)]| l.iter().map(|(t, what)| format!("{t}: {what}")).collect::<Vec<_>>();
        section(&mut s, "pages not imported / 取り込まなかったページ", colon(&self.refused));
        section(
            &mut s,
            "redirects differing from their target only in letter case, not imported (Kumiai titles ignore case) / 大文字小文字だけが違う転送、取り込まず",
            arrow(&self.same_title_redirects),
        );
        section(&mut s, "redirects whose target is not in Kumiai, kept as ordinary pages / 転送先がないため通常のページとして取り込んだ転送", arrow(&self.dangling_redirects));
        section(&mut s, "templates read and expanded where pages call them / 展開に使ったテンプレート", self.templates.clone());
        section(&mut s, "pages outside the article namespace, not imported / 記事以外の名前空間", self.other_namespaces.iter().map(|(ns, t)| format!("[ns {ns}] {t}")).collect());
        section(&mut s, "kept as text, not rendered / 変換できず文字のまま残したもの", colon(&self.unconverted));
        s.push_str(&format!("\nfiles attached / 添付したファイル: {}\ncomments imported into discussions / 議論に取り込んだコメント: {}\n", self.files_attached, self.comments_imported));
        section(&mut s, "files missing / 見つからないファイル", colon(&self.missing_files));
        section(&mut s, "talk pages not imported / 取り込まなかったトークページ", colon(&self.talk_pages_refused));
        s
    }
}

/// A titled, counted list in the report; nothing when empty.
fn section(s: &mut String, heading: &str, lines: Vec<String>) {
    if lines.is_empty() {
        return;
    }
    s.push_str(&format!("\n{heading} ({}):\n", lines.len()));
    for l in lines {
        s.push_str(&format!("  {l}\n"));
    }
}

/// Who wrote a revision: the Kumiai user of the same login, or the wiki name as a placeholder.
/// Looked up once per name per import.
async fn author(db: &Db, authors: &mut HashMap<String, Actor>, r: &MwRevision) -> sqlx::Result<Actor> {
    author_named(db, authors, r.username.as_deref(), r.ip.as_deref()).await
}

async fn author_named(db: &Db, authors: &mut HashMap<String, Actor>, username: Option<&str>, ip: Option<&str>) -> sqlx::Result<Actor> {
    let who = username.or(ip).unwrap_or("unknown").to_string();
    if let Some(a) = authors.get(&who) {
        return Ok(a.clone());
    }
    let actor = match username {
        Some(name) => match kumiai_platform::accounts::by_login(db, name).await? {
            Some(user) => Actor { user_id: Some(user.id.get()), label: name.to_string() },
            None => Actor { user_id: None, label: format!("mediawiki:{who}") },
        },
        None => Actor { user_id: None, label: format!("mediawiki:{who}") },
    };
    authors.insert(who, actor.clone());
    Ok(actor)
}

/// The MediaWiki revisions of one page already imported from `source`, and the page they went to.
async fn imported(db: &Db, source: &str, mw_page: i64) -> sqlx::Result<(HashSet<i64>, Option<PageId>)> {
    let rows: Vec<(i64, i64)> = sqlx::query_as("SELECT mw_revision_id, page_id FROM wiki_import_revisions WHERE source = $1 AND mw_page_id = $2")
        .bind(source.to_string())
        .bind(mw_page)
        .fetch_all(&db.pool)
        .await?;
    let page = rows.first().map(|r| PageId(r.1));
    Ok((rows.into_iter().map(|r| r.0).collect(), page))
}

/// A page as the reading thread hands it over: its revisions oldest first, each converted.
struct Parsed {
    page: MwPage,
    converted: Vec<Converted>,
    /// A talk page's comments, each with its text converted.
    talk: Vec<(TalkComment, String)>,
    dbname: Option<String>,
}

/// Sorts a page's revisions oldest first and converts each (lines shared between revisions are
/// converted once), expanding the export's templates.
fn parse(mut page: MwPage, dbname: Option<String>, templates: &Arc<Templates>) -> Parsed {
    page.revisions.sort_by(|a, b| a.timestamp.cmp(&b.timestamp).then(a.id.cmp(&b.id)));
    let mut converter = Converter::for_page(templates.clone(), &page.title);
    let converted = if imported_ns(page.ns) { page.revisions.iter().map(|r| convert_or_keep(&mut converter, &r.text)).collect() } else { vec![] };
    let talk = match page.revisions.last() {
        Some(latest) if page.ns == TALK_NS => talk::comments(&latest.text)
            .into_iter()
            .map(|c| {
                let md = convert_or_keep(&mut converter, &c.text).markdown;
                (c, md)
            })
            .collect(),
        _ => vec![],
    };
    Parsed { page, converted, talk, dbname }
}

/// Imports one article's new revisions in one transaction. Each revision is stored (and logged)
/// with its author and date; the page then takes the newest text once, and its links and
/// categories are derived once, from that text.
async fn import_page(db: &Db, viewer: &Viewer, source: &str, parsed: Parsed, reach: Reach, authors: &mut HashMap<String, Actor>, report: &mut Report) -> anyhow::Result<()> {
    let page = &parsed.page;
    let (done, mapped) = imported(db, source, page.id).await?;
    let fresh: Vec<(&MwRevision, Converted)> = page.revisions.iter().zip(parsed.converted).filter(|(r, _)| !done.contains(&r.id)).collect();
    report.revisions_skipped += page.revisions.len() - fresh.len();
    if fresh.is_empty() {
        return Ok(());
    }
    let title = kumiai_title(page);
    if mapped.is_none() && store::title_taken(db, &title).await? {
        report.refused.push((title, "a Kumiai page with this title exists / 同じ題名のページが既にある".into()));
        return Ok(());
    }
    let mut current: Option<Page> = match mapped {
        Some(id) => Some(store::get(db, id).await?.ok_or_else(|| anyhow::anyhow!("imported page {id} is gone"))?),
        None => None,
    };
    let created = current.is_none();
    let owner = kumiai_platform::orgs::owner_for(db, viewer).await?;
    let mut tx = db.begin().await?;
    // (MediaWiki revision, Kumiai revision) for the import map; the newest text not yet on the page.
    let mut map: Vec<(i64, RevisionId)> = vec![];
    let mut newest: Option<(Actor, RevisionId, String, i64)> = None;
    for (r, converted) in fresh {
        let actor = author(db, authors, r).await?;
        let at = time::parse_ms(&r.timestamp).unwrap_or_else(time::now_ms);
        for u in &converted.unconverted {
            report.unconverted.push((title.clone(), u.clone()));
        }
        let body = converted.markdown;
        match &current {
            None => {
                let fields: Vec<(&str, Val)> = vec![
                    ("title", title.clone().into()),
                    ("title_key", title_key(&title).into()),
                    ("kind", "topic".into()),
                    ("reach", reach.as_str().into()),
                    ("owner_org_id", owner.into()),
                ];
                let p = store::insert_page(&mut tx, &actor, fields, &[], &title, &body, &r.comment, Some(at)).await?;
                map.push((r.id, p.revision_id.ok_or_else(|| anyhow::anyhow!("page {title} has no revision"))?));
                current = Some(p);
            }
            Some(p) => {
                let rev = store::add_revision(&mut tx, &actor, p.id, &title, &body, &r.comment, r.minor, Some(at)).await?;
                map.push((r.id, rev.id));
                newest = Some((actor, rev.id, body, at));
            }
        }
        report.revisions_imported += 1;
    }
    let mut p = current.ok_or_else(|| anyhow::anyhow!("page {title} was not created"))?;
    if let Some((actor, rev, body, at)) = newest {
        let fields = [("body", body.clone().into()), ("revision_id", rev.into()), ("updated_at", at.into())];
        p = audit::update(&mut tx, &actor, &p, p.version, &fields, None, "update").await.map_err(|e| anyhow::anyhow!("import of {title}: {e:?}"))?;
        store::write_references(&mut tx, p.id, &body).await?;
    }
    for chunk in map.chunks(100) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| format!("($1, ${}, $2, $3, ${})", 4 + 2 * i, 5 + 2 * i)).collect();
        let sql = format!("INSERT INTO wiki_import_revisions (source, mw_revision_id, mw_page_id, page_id, revision_id) VALUES {}", rows.join(", "));
        let mut q = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(source.to_string()).bind(page.id).bind(p.id);
        for (mw, rev) in chunk {
            q = q.bind(*mw).bind(*rev);
        }
        q.execute(&mut *tx).await?;
    }
    db.commit(tx).await?;
    if created {
        report.pages_created += 1;
    } else {
        report.pages_updated += 1;
    }
    Ok(())
}

/// Attaches a file page's files, when the images directory was given (else says they were left).
#[allow(clippy::too_many_arguments)]
async fn import_files(db: &Db, viewer: &Viewer, source: &str, mw_page: i64, mw: &MwPage, images: Option<&Images>, authors: &mut HashMap<String, Actor>, report: &mut Report) -> anyhow::Result<()> {
    let Some(images) = images else {
        for u in &mw.uploads {
            report.missing_files.push((u.filename.clone(), "no images directory given (--images) / 画像ディレクトリの指定なし".into()));
        }
        return Ok(());
    };
    // The page this file page went to (none if it was refused).
    let Some(id) = imported(db, source, mw_page).await?.1 else { return Ok(()) };
    let page = store::load_visible(db, viewer, id, time::now_ms()).await.map_err(|e| anyhow::anyhow!("file page {}: {e:?}", mw.title))?;
    for u in &mw.uploads {
        author_named(db, authors, u.username.as_deref(), None).await?;
    }
    report.files_attached += files::import(db, images, mw, &page, authors, &mut report.missing_files).await?;
    Ok(())
}

/// Adds a talk page's comments to its page's discussion: replies under the comment they indent
/// from, each signed comment by its signer at its signature's time (unsigned text by the talk
/// page's last editor, at that edit).
async fn import_talk(db: &Db, viewer: &Viewer, parsed: Parsed, authors: &mut HashMap<String, Actor>, report: &mut Report) -> anyhow::Result<()> {
    let mw = &parsed.page;
    let name = TALK_PREFIXES.iter().find_map(|p| mw.title.strip_prefix(p)).unwrap_or(&mw.title).trim();
    let Some(page) = store::find_by_title(db, viewer, name, time::now_ms()).await.map_err(|e| anyhow::anyhow!("talk page {}: {e:?}", mw.title))? else {
        report.talk_pages_refused.push((mw.title.clone(), format!("no page {name} / ページ「{name}」がない")));
        return Ok(());
    };
    let Some(last) = mw.revisions.last() else { return Ok(()) };
    let source = parsed.dbname.clone().unwrap_or_default();
    // (depth, comment id) of the comments above, for the replies below them.
    let mut above: Vec<(usize, kumiai_core::CommentId)> = vec![];
    for (n, (c, md)) in parsed.talk.iter().enumerate() {
        let actor = match &c.user {
            Some(u) => author_named(db, authors, Some(u), None).await?,
            None => author(db, authors, last).await?,
        };
        let at = c.at.or_else(|| time::parse_ms(&last.timestamp)).unwrap_or_else(time::now_ms);
        if c.topic.is_some() {
            above.clear();
        }
        let reply_to = if c.depth == 0 || c.topic.is_some() { None } else { above.iter().rev().find(|(d, _)| *d < c.depth).map(|(_, id)| *id) };
        let key = format!("mediawiki:{source}:{}:{n}", mw.id);
        let new = NewComment { topic: c.topic.as_deref().unwrap_or(""), reply_to, body: md, imported: Some((actor, at, key.clone())) };
        let added = discussion::add(db, viewer, &page, new).await.map_err(|e| anyhow::anyhow!("talk page {}: {e:?}", mw.title))?;
        let id = match added {
            Some(comment) => {
                report.comments_imported += 1;
                comment.id
            }
            None => match discussion::imported(db, &key).await? {
                Some(id) => id,
                None => continue,
            },
        };
        above.retain(|(d, _)| *d < c.depth);
        above.push((c.depth, id));
    }
    Ok(())
}

/// Files the pages show that are not there (no file page, or one without its file).
async fn missing_files(db: &Db, viewer: &Viewer, used: HashMap<String, Vec<String>>, report: &mut Report) -> anyhow::Result<()> {
    let names: Vec<String> = used.keys().cloned().collect();
    let found = store::visible_files(db, viewer, &names, time::now_ms()).await?;
    let mut missing: Vec<(String, String)> = used
        .into_iter()
        .filter(|(name, _)| !found.contains_key(&title_key(&crate::embed::page_title(name))) && !report.missing_files.iter().any(|(m, _)| m.replace('_', " ") == *name))
        .map(|(name, mut pages)| {
            pages.sort();
            pages.dedup();
            (name, format!("shown on / 使っているページ: {}", pages.join(", ")))
        })
        .collect();
    missing.sort();
    report.missing_files.extend(missing);
    Ok(())
}

/// Points each imported redirect page at its target once every page exists.
async fn link_redirects(db: &Db, redirects: &[(String, String)], report: &mut Report) -> anyhow::Result<()> {
    for (from, to) in redirects {
        let (Some(source), Some(target)) = (store::by_key(db, &title_key(from)).await?, store::by_key(db, &title_key(to)).await?) else {
            report.dangling_redirects.push((from.clone(), to.clone()));
            continue;
        };
        if source.redirect_to == Some(target.id) || source.id == target.id {
            continue;
        }
        let mut tx = db.begin().await?;
        audit::update(&mut tx, &Actor::system("mediawiki-import"), &source, source.version, &[("redirect_to", target.id.into())], None, "redirect")
            .await
            .map_err(|e| anyhow::anyhow!("redirect {from} → {to}: {e:?}"))?;
        db.commit(tx).await?;
        report.redirects += 1;
    }
    Ok(())
}

/// Runs the import of `path` as `viewer`, pages only (see [`run_with`]).
pub async fn run(db: &Db, viewer: &Viewer, path: &Path, reach: Reach, progress: impl Fn(&Report)) -> anyhow::Result<Report> {
    run_with(db, viewer, path, &Options { reach, images: None }, progress).await
}

/// Runs the import of `path` as `viewer` (the command line acts as a head-office admin).
pub async fn run_with(db: &Db, viewer: &Viewer, path: &Path, options: &Options, progress: impl Fn(&Report)) -> anyhow::Result<Report> {
    let reach = options.reach;
    let mut dump = reader::open(path)?;
    // Reading, parsing and converting run on their own thread, a few pages ahead of the writes.
    let (pages, mut parsed) = tokio::sync::mpsc::channel::<anyhow::Result<Parsed>>(4);
    let reading = std::thread::spawn(move || {
        // Templates are expanded from the export itself. A page that calls one not read yet waits
        // (up to DEFERRED_BYTES of them) until the end of the dump, where every template is known.
        let mut templates = Arc::new(Templates::default());
        let mut deferred: Vec<MwPage> = vec![];
        let mut deferred_bytes = 0;
        loop {
            let next = match dump.next_page() {
                Ok(Some(page)) if page.ns == TEMPLATE_NS => {
                    if let Some(latest) = page.revisions.iter().max_by(|a, b| a.timestamp.cmp(&b.timestamp).then(a.id.cmp(&b.id))) {
                        Arc::make_mut(&mut templates).add(&page.title, &latest.text);
                    }
                    Ok(Parsed { page, converted: vec![], talk: vec![], dbname: dump.dbname.clone() })
                }
                Ok(Some(page)) if (imported_ns(page.ns) || page.ns == TALK_NS) && deferred_bytes < DEFERRED_BYTES && page.revisions.iter().any(|r| templates.lacks_any(&r.text)) => {
                    deferred_bytes += page.revisions.iter().map(|r| r.text.len()).sum::<usize>();
                    deferred.push(page);
                    continue;
                }
                Ok(Some(page)) => Ok(parse(page, dump.dbname.clone(), &templates)),
                Ok(None) => {
                    for page in deferred {
                        if pages.blocking_send(Ok(parse(page, dump.dbname.clone(), &templates))).is_err() {
                            return;
                        }
                    }
                    return;
                }
                Err(e) => Err(e),
            };
            let failed = next.is_err();
            if pages.blocking_send(next).is_err() || failed {
                return;
            }
        }
    });
    let mut report = Report::default();
    let mut redirects = vec![];
    let mut authors = HashMap::new();
    let mut talks: Vec<Parsed> = vec![];
    // File name → the pages that show it, to report files that are not there.
    let mut used_files: HashMap<String, Vec<String>> = HashMap::new();
    while let Some(next) = parsed.recv().await {
        let next = next?;
        if report.source.is_empty() {
            report.source = next.dbname.clone().unwrap_or_else(|| path.file_name().map(|f| f.to_string_lossy().to_string()).unwrap_or_default());
        }
        let page = &next.page;
        if page.ns == TEMPLATE_NS {
            report.templates.push(page.title.clone());
            continue;
        }
        if page.ns == TALK_NS {
            // Its page may come later in the dump: discussions are added once every page is in.
            talks.push(next);
            continue;
        }
        if !imported_ns(page.ns) {
            report.other_namespaces.push((page.ns, page.title.clone()));
            continue;
        }
        if let Some(latest) = next.converted.last() {
            for name in crate::embed::names_in(&latest.markdown) {
                used_files.entry(name).or_default().push(kumiai_title(page));
            }
        }
        let latest = page.revisions.last();
        let target = page.redirect.clone().or_else(|| latest.and_then(|r| redirect_target(&r.text)));
        // AndorrA → Andorra is one title here; importing it would take the article's place.
        if let Some(t) = &target
            && title_key(t) == title_key(&page.title)
        {
            report.same_title_redirects.push((page.title.clone(), t.clone()));
            progress(&report);
            continue;
        }
        let title = kumiai_title(page);
        let source = report.source.clone();
        let mw_id = page.id;
        let uploads = (page.ns == FILE_NS).then(|| MwPage { title: page.title.clone(), uploads: page.uploads.clone(), ..MwPage::default() });
        import_page(db, viewer, &source, next, reach, &mut authors, &mut report).await?;
        if let Some(mw) = uploads {
            import_files(db, viewer, &source, mw_id, &mw, options.images.as_ref(), &mut authors, &mut report).await?;
        }
        if let Some(t) = target {
            redirects.push((title, t));
        }
        progress(&report);
    }
    reading.join().map_err(|_| anyhow::anyhow!("the dump reader failed / ダンプの読み込みが異常終了しました"))?;
    link_redirects(db, &redirects, &mut report).await?;
    for t in talks {
        import_talk(db, viewer, t, &mut authors, &mut report).await?;
    }
    missing_files(db, viewer, used_files, &mut report).await?;
    if report.pages_created + report.revisions_imported > 100 {
        // A bulk load changes the data's shape: without fresh statistics SQLite plans the wiki's
        // reads for the tables as they were.
        db.analyze().await?;
    }
    report.unconverted.sort();
    report.unconverted.dedup();
    Ok(report)
}
