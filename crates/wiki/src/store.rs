//! Page storage and rules. Reads go through the reach layer; every save writes a revision and
//! updates the page through the audited, versioned path in one transaction. Renaming leaves a
//! redirect behind; deleting only marks the page, so nothing is ever really lost.

use crate::model::{COLS, Checked, ENTITY, FROM, Page, PageInput, PageKind, REVISION, Revision, check, title_key};
use crate::render::references;
use kumiai_core::{Access, Role, Viewer};
use kumiai_platform::audit::{self, Actor, UpdateError, Val};
use kumiai_platform::db::{Db, Total, Tx, bind_all, count_capped, like_pattern};
use kumiai_platform::reach::{self, can_edit, can_see, visible_sql};
use kumiai_platform::{AppError, AppResult, FieldError};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

pub async fn get(db: &Db, id: i64) -> sqlx::Result<Option<Page>> {
    sqlx::query_as(AssertSqlSafe(format!("SELECT {COLS} FROM {FROM} WHERE p.id = $1"))).bind(id).fetch_optional(&db.pool).await
}

pub async fn by_key(db: &Db, key: &str) -> sqlx::Result<Option<Page>> {
    sqlx::query_as(AssertSqlSafe(format!("SELECT {COLS} FROM {FROM} WHERE p.title_key = $1"))).bind(key.to_string()).fetch_optional(&db.pool).await
}

/// The page and its access, or NotFound if missing or hidden from the viewer. Deleted pages are
/// returned (their page says so); only editors are shown them by the handlers.
pub async fn load_visible(db: &Db, viewer: &Viewer, id: i64, now: i64) -> AppResult<(Page, Access)> {
    let page = get(db, id).await?.ok_or(AppError::NotFound)?;
    let access = page.access(reach::shares(db, ENTITY, id).await?);
    if !can_see(viewer, &access, now) || (page.deleted_at.is_some() && !can_edit(viewer, &access, now)) {
        return Err(AppError::NotFound);
    }
    Ok((page, access))
}

/// title key → URL for the linked titles the viewer may see (deleted pages excluded).
pub async fn visible_links(db: &Db, viewer: &Viewer, titles: &[String], now: i64) -> sqlx::Result<HashMap<String, String>> {
    let keys: Vec<String> = titles.iter().map(|t| title_key(t)).collect();
    let mut out = HashMap::new();
    for chunk in keys.chunks(200) {
        if chunk.is_empty() {
            continue;
        }
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!(
            "SELECT p.title_key, p.id FROM wiki_pages p WHERE p.title_key IN ({}) AND p.deleted_at IS NULL AND {}",
            marks.join(", "),
            visible_sql(viewer, "p", ENTITY, now)
        );
        let vals: Vec<Val> = chunk.iter().map(|k| Val::from(k.clone())).collect();
        for (k, id) in bind_all(sqlx::query_as::<_, (String, i64)>(AssertSqlSafe(sql)), &vals).fetch_all(&db.pool).await? {
            out.insert(k, format!("/wiki/page/{id}"));
        }
    }
    Ok(out)
}

struct Refs {
    org_id: Option<i64>,
    person_id: Option<i64>,
    scope: Option<i64>,
    shares: Vec<i64>,
}

/// Resolves the directory references (organisation and subtree by code, person by id) as the
/// viewer sees them: a hidden record is reported like a missing one.
async fn resolve(db: &Db, viewer: &Viewer, i: &PageInput, kind: PageKind, now: i64) -> AppResult<Refs> {
    let mut errs = vec![];
    let org_by_code = |code: String| async move {
        let sql = format!("SELECT o.id FROM organisations o WHERE o.code = $1 AND {}", visible_sql(viewer, "o", "organisation", now));
        sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql)).bind(code).fetch_optional(&db.pool).await
    };
    let missing = |field: &str, code: &str| FieldError::new(field, format!("「{code}」が見つかりません。"), format!("'{code}' was not found."));
    let mut org_id = None;
    if matches!(kind, PageKind::Union | PageKind::Company) && !i.org.trim().is_empty() {
        org_id = org_by_code(i.org.trim().to_string()).await?;
        if org_id.is_none() {
            errs.push(missing("org", i.org.trim()));
        }
    }
    let mut person_id = None;
    if kind == PageKind::Person && !i.person.trim().is_empty() {
        match i.person.trim().parse::<i64>() {
            Ok(pid) if kumiai_directory::people::store::load_visible(db, viewer, pid, now).await.is_ok() => person_id = Some(pid),
            _ => errs.push(missing("person", i.person.trim())),
        }
    }
    let mut scope = None;
    if !i.scope.trim().is_empty() {
        scope = org_by_code(i.scope.trim().to_string()).await?;
        if scope.is_none() {
            errs.push(missing("scope", i.scope.trim()));
        }
    }
    let mut shares = vec![];
    for code in i.shared_codes() {
        match org_by_code(code.clone()).await? {
            Some(id) => shares.push(id),
            None => errs.push(missing("shared_with", &code)),
        }
    }
    if errs.is_empty() { Ok(Refs { org_id, person_id, scope, shares }) } else { Err(AppError::Validation(errs)) }
}

fn title_taken() -> FieldError {
    FieldError::new("title", "この題名のページは既にあります。別の題名にしてください。", "A page with this title exists; choose another title.")
}

pub(crate) async fn write_references(tx: &mut Tx, page_id: i64, body: &str) -> sqlx::Result<()> {
    let (links, cats) = references(body);
    sqlx::query("DELETE FROM wiki_links WHERE page_id = $1").bind(page_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM wiki_categories WHERE page_id = $1").bind(page_id).execute(&mut **tx).await?;
    let mut keys: Vec<String> = links.iter().map(|l| title_key(l)).collect();
    keys.sort();
    keys.dedup();
    for k in keys {
        sqlx::query("INSERT INTO wiki_links (page_id, target_key) VALUES ($1, $2)").bind(page_id).bind(k).execute(&mut **tx).await?;
    }
    for c in cats {
        sqlx::query("INSERT INTO wiki_categories (page_id, category) VALUES ($1, $2)").bind(page_id).bind(c).execute(&mut **tx).await?;
    }
    Ok(())
}

pub(crate) async fn add_revision(tx: &mut Tx, actor: &Actor, page_id: i64, title: &str, body: &str, summary: &str) -> sqlx::Result<i64> {
    let id = audit::insert(
        tx,
        actor,
        REVISION,
        "wiki_revisions",
        &[
            ("page_id", page_id.into()),
            ("title", title.into()),
            ("body", body.into()),
            ("summary", summary.trim().into()),
            ("author_user_id", actor.user_id.into()),
            ("author", actor.label.clone().into()),
        ],
        &serde_json::json!({"page_id": page_id, "title": title, "summary": summary.trim()}),
    )
    .await?;
    Ok(id)
}

fn fields(c: &Checked, r: &Refs) -> Vec<(&'static str, Val)> {
    vec![
        ("title", c.title.clone().into()),
        ("title_key", title_key(&c.title).into()),
        ("kind", c.kind.as_str().into()),
        ("org_id", r.org_id.into()),
        ("person_id", r.person_id.into()),
        ("reach", c.reach.as_str().into()),
        ("scope_org_id", r.scope.into()),
        ("embargo_until", c.embargo_until.into()),
    ]
}

pub async fn create(db: &Db, viewer: &Viewer, i: &PageInput, now: i64) -> AppResult<i64> {
    viewer.mark_checked();
    if !viewer.has_role(Role::Editor) {
        return Err(AppError::Forbidden);
    }
    let c = check(i).map_err(AppError::Validation)?;
    let refs = resolve(db, viewer, i, c.kind, now).await?;
    if by_key(db, &title_key(&c.title)).await?.is_some() {
        return Err(AppError::Validation(vec![title_taken()]));
    }
    let master = match i.master.trim() {
        "" => None,
        m => Some(master_for_copy(db, viewer, m, now).await?),
    };
    let actor = Actor::of(viewer);
    let mut tx = db.begin().await?;
    let mut f = fields(&c, &refs);
    f.extend([("body", i.body.clone().into()), ("owner_org_id", viewer.org_id().into())]);
    if let Some(m) = &master {
        f.extend([("lang", "en".into()), ("master_id", m.id.into()), ("master_revision_id", m.revision_id.into())]);
    }
    let id = audit::insert(&mut tx, &actor, ENTITY, "wiki_pages", &f, &serde_json::json!({"title": c.title, "kind": c.kind.as_str(), "reach": c.reach.as_str()})).await?;
    let rev = add_revision(&mut tx, &actor, id, &c.title, &i.body, &i.summary).await?;
    sqlx::query("UPDATE wiki_pages SET revision_id = $1 WHERE id = $2").bind(rev).bind(id).execute(&mut *tx).await?;
    reach::replace_shares(&mut tx, ENTITY, id, &refs.shares).await?;
    write_references(&mut tx, id, &i.body).await?;
    tx.commit().await?;
    Ok(id)
}

/// Saves a new revision of page `id` based on `expected_version`. A new title renames the page
/// and leaves a redirect at the old one. A stale version returns both texts as a conflict.
pub async fn save(db: &Db, viewer: &Viewer, id: i64, expected_version: i64, i: &PageInput, now: i64) -> AppResult<i64> {
    let (page, access) = load_visible(db, viewer, id, now).await?;
    if !can_edit(viewer, &access, now) {
        return Err(AppError::Forbidden);
    }
    if page.deleted_at.is_some() || page.redirect_to.is_some() {
        return Err(AppError::Validation(vec![FieldError::new("title", "削除済みのページや転送ページは編集できません。", "Deleted pages and redirects cannot be edited.")]));
    }
    let c = check(i).map_err(AppError::Validation)?;
    let refs = resolve(db, viewer, i, c.kind, now).await?;
    let new_key = title_key(&c.title);
    let renamed = new_key != page.title_key;
    let mut remove_redirect = None;
    if renamed && let Some(other) = by_key(db, &new_key).await? {
        // Renaming back onto one's own redirect reuses that title.
        if other.redirect_to == Some(id) {
            remove_redirect = Some(other.id);
        } else {
            return Err(AppError::Validation(vec![title_taken()]));
        }
    }
    let actor = Actor::of(viewer);
    let mut tx = db.begin().await?;
    if let Some(r) = remove_redirect {
        sqlx::query("UPDATE wiki_pages SET title_key = $1, deleted_at = $2 WHERE id = $3").bind(format!("#{r}")).bind(now).bind(r).execute(&mut *tx).await?;
    }
    let rev = add_revision(&mut tx, &actor, id, &c.title, &i.body, &i.summary).await?;
    let mut f = fields(&c, &refs);
    f.extend([("body", i.body.clone().into()), ("revision_id", rev.into())]);
    if let Some(m) = page.master_id {
        // Saving a copy brings it up to date with the master as it is now.
        let current: Option<i64> = sqlx::query_scalar("SELECT revision_id FROM wiki_pages WHERE id = $1").bind(m).fetch_one(&mut *tx).await?;
        f.push(("master_revision_id", current.into()));
    }
    let before = page.snapshot();
    let mut after = before.clone();
    for (k, v) in [("title", c.title.clone().into()), ("kind", c.kind.as_str().into()), ("reach", c.reach.as_str().into()), ("revision_id", serde_json::json!(rev))] {
        after[k] = v;
    }
    let action = if renamed { "rename" } else { "update" };
    match audit::update(&mut tx, &actor, ENTITY, "wiki_pages", id, expected_version, &f, action, &before, &after).await {
        Ok(v) => {
            if renamed {
                let redirect = [
                    ("title", page.title.clone().into()),
                    ("title_key", page.title_key.clone().into()),
                    ("kind", page.kind.clone().into()),
                    ("redirect_to", id.into()),
                    ("reach", c.reach.as_str().into()),
                    ("scope_org_id", refs.scope.into()),
                    ("embargo_until", c.embargo_until.into()),
                    ("owner_org_id", page.owner_org_id.into()),
                ];
                let rid = audit::insert(&mut tx, &actor, ENTITY, "wiki_pages", &redirect, &serde_json::json!({"title": page.title, "redirect_to": id})).await?;
                reach::replace_shares(&mut tx, ENTITY, rid, &refs.shares).await?;
            }
            reach::replace_shares(&mut tx, ENTITY, id, &refs.shares).await?;
            write_references(&mut tx, id, &i.body).await?;
            tx.commit().await?;
            Ok(v)
        }
        Err(UpdateError::Stale(_)) => {
            drop(tx);
            let current = get(db, id).await?.ok_or(AppError::NotFound)?;
            Err(AppError::Conflict {
                yours: serde_json::json!({"title": c.title, "body": i.body}),
                current: serde_json::json!({"title": current.title, "body": current.body, "version": current.version}),
            })
        }
        Err(UpdateError::Db(e)) => Err(e.into()),
    }
}

pub async fn revision(db: &Db, page_id: i64, rev: i64) -> sqlx::Result<Option<Revision>> {
    sqlx::query_as("SELECT id, page_id, title, body, summary, author, created_at FROM wiki_revisions WHERE id = $1 AND page_id = $2")
        .bind(rev)
        .bind(page_id)
        .fetch_optional(&db.pool)
        .await
}

/// Every revision of a page, newest first. The caller has checked the page is visible.
pub async fn history(db: &Db, page_id: i64) -> sqlx::Result<Vec<Revision>> {
    sqlx::query_as("SELECT id, page_id, title, body, summary, author, created_at FROM wiki_revisions WHERE page_id = $1 ORDER BY id DESC")
        .bind(page_id)
        .fetch_all(&db.pool)
        .await
}

/// Restores the text of an earlier revision as a new revision (history keeps both).
pub async fn revert(db: &Db, viewer: &Viewer, id: i64, expected_version: i64, rev: i64, now: i64) -> AppResult<i64> {
    let (page, access) = load_visible(db, viewer, id, now).await?;
    let r = revision(db, id, rev).await?.ok_or(AppError::NotFound)?;
    let codes = input_of(db, &page, &access).await?;
    let input = PageInput { body: r.body, summary: format!("版 #{rev} に戻す / revert to revision #{rev}"), ..codes };
    save(db, viewer, id, expected_version, &input, now).await
}

/// The input that reproduces the page as it is (for edit forms and reverts).
pub async fn input_of(db: &Db, page: &Page, access: &Access) -> sqlx::Result<PageInput> {
    let code = |id: Option<i64>| async move {
        match id {
            Some(id) => sqlx::query_scalar::<_, String>("SELECT code FROM organisations WHERE id = $1").bind(id).fetch_optional(&db.pool).await,
            None => Ok(None),
        }
    };
    let mut shared = vec![];
    for o in &access.shared_with {
        shared.extend(code(Some(*o)).await?);
    }
    Ok(PageInput {
        title: page.title.clone(),
        kind: page.kind.clone(),
        org: code(page.org_id).await?.unwrap_or_default(),
        person: page.person_id.map(|p| p.to_string()).unwrap_or_default(),
        body: page.body.clone(),
        summary: String::new(),
        reach: page.reach.clone(),
        scope: code(page.scope_org_id).await?.unwrap_or_default(),
        embargo_until: page.embargo_until.map(kumiai_core::time::format_input_ms).unwrap_or_default(),
        shared_with: shared.join(","),
        master: page.master_id.map(|m| m.to_string()).unwrap_or_default(),
    })
}

/// The Japanese master an English copy is being created for: visible, itself not a copy, and
/// without a live copy already.
async fn master_for_copy(db: &Db, viewer: &Viewer, id: &str, now: i64) -> AppResult<Page> {
    let invalid = |ja: &str, en: &str| AppError::Validation(vec![FieldError::new("master", ja, en)]);
    let id: i64 = id.parse().map_err(|_| invalid("元のページが見つかりません。", "The master page was not found."))?;
    let (m, _) = load_visible(db, viewer, id, now).await.map_err(|_| invalid("元のページが見つかりません。", "The master page was not found."))?;
    if m.master_id.is_some() || m.lang != "ja" {
        return Err(invalid("英語版の元にできるのは日本語のページだけです。", "Only a Japanese page can be the master of an English copy."));
    }
    if english_copy_id(db, m.id).await?.is_some() {
        return Err(invalid("このページには既に英語版があります。", "This page already has an English copy."));
    }
    Ok(m)
}

pub async fn english_copy_id(db: &Db, master: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT id FROM wiki_pages WHERE master_id = $1 AND deleted_at IS NULL ORDER BY id LIMIT 1").bind(master).fetch_optional(&db.pool).await
}

/// For a stale copy: (master id, the master revision the copy follows, the master's current revision).
pub async fn staleness(db: &Db, copy: &Page) -> sqlx::Result<Option<(i64, Option<i64>, i64)>> {
    let Some(master) = copy.master_id else { return Ok(None) };
    let current: Option<i64> = sqlx::query_scalar("SELECT revision_id FROM wiki_pages WHERE id = $1").bind(master).fetch_one(&db.pool).await?;
    Ok(match current {
        Some(cur) if Some(cur) != copy.master_revision_id => Some((master, copy.master_revision_id, cur)),
        _ => None,
    })
}

/// Marks a page deleted (or restores it). The text and history stay.
pub async fn set_deleted(db: &Db, viewer: &Viewer, id: i64, expected_version: i64, deleted: bool, now: i64) -> AppResult<i64> {
    let (page, access) = load_visible(db, viewer, id, now).await?;
    if !can_edit(viewer, &access, now) {
        return Err(AppError::Forbidden);
    }
    let before = page.snapshot();
    let mut after = before.clone();
    after["deleted"] = deleted.into();
    audit::set_marker(db, &Actor::of(viewer), ENTITY, "wiki_pages", id, expected_version, "deleted_at", deleted, now, ("delete", "restore"), &before, &after).await
}

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub category: String,
    pub kind: String,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub page: Option<i64>,
}

#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct PageRow {
    pub id: i64,
    pub title: String,
    pub kind: String,
    pub reach: String,
    pub updated_at: i64,
}

pub const PER_PAGE: i64 = 50;

/// Pages the viewer may see, newest change first (redirects and deleted pages left out).
pub async fn list(db: &Db, viewer: &Viewer, q: &ListQuery, now: i64) -> sqlx::Result<(Vec<PageRow>, Total)> {
    let mut conds = vec![visible_sql(viewer, "p", ENTITY, now), "p.deleted_at IS NULL".into(), "p.redirect_to IS NULL".into()];
    let mut binds: Vec<Val> = vec![];
    if !q.q.trim().is_empty() {
        binds.push(like_pattern(q.q.trim()).into());
        conds.push(format!("p.title {} ${} ESCAPE '\\'", db.ilike(), binds.len()));
    }
    if !q.category.trim().is_empty() {
        binds.push(q.category.trim().to_string().into());
        conds.push(format!("p.id IN (SELECT page_id FROM wiki_categories WHERE category = ${})", binds.len()));
    }
    if let Some(k) = PageKind::parse(&q.kind) {
        conds.push(format!("p.kind = '{}'", k.as_str()));
    }
    let filter = conds.join(" AND ");
    let page = q.page.unwrap_or(1).max(1);
    let sql = format!("SELECT p.id, p.title, p.kind, p.reach, p.updated_at FROM wiki_pages p WHERE {filter} ORDER BY p.updated_at DESC, p.id DESC LIMIT {PER_PAGE} OFFSET {}", (page - 1) * PER_PAGE);
    let rows = bind_all(sqlx::query_as::<_, PageRow>(AssertSqlSafe(sql)), &binds).fetch_all(&db.pool).await?;
    let total = count_capped(db, &format!("FROM wiki_pages p WHERE {filter}"), &binds).await?;
    Ok((rows, total))
}

/// Visible pages that link to `page` (by its title or a redirect's).
pub async fn links_here(db: &Db, viewer: &Viewer, page: &Page, now: i64) -> sqlx::Result<Vec<PageRow>> {
    let sql = format!(
        "SELECT p.id, p.title, p.kind, p.reach, p.updated_at FROM wiki_pages p WHERE p.deleted_at IS NULL AND p.redirect_to IS NULL AND {} \
         AND p.id IN (SELECT l.page_id FROM wiki_links l WHERE l.target_key = $1 OR l.target_key IN (SELECT r.title_key FROM wiki_pages r WHERE r.redirect_to = $2)) \
         ORDER BY p.title LIMIT 500",
        visible_sql(viewer, "p", ENTITY, now)
    );
    sqlx::query_as(AssertSqlSafe(sql)).bind(page.title_key.clone()).bind(page.id).fetch_all(&db.pool).await
}

/// The categories of a page.
pub async fn categories(db: &Db, page_id: i64) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT category FROM wiki_categories WHERE page_id = $1 ORDER BY category").bind(page_id).fetch_all(&db.pool).await
}
