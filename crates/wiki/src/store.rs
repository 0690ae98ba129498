//! Page storage and rules. Reads go through the reach layer; every save writes a revision and
//! updates the page through the audited, versioned path in one transaction. Renaming leaves a
//! redirect behind; deleting only marks the page, so nothing is ever really lost. Directory
//! records are resolved through the directory's reference API, as the writer may see them.

use crate::Key;
use crate::model::{Checked, ENTITY, Page, PageInput, PageKind, Revision, check, clean_title, title_key};
use crate::render::references;
use kumiai_core::{OrgId, PageId, PersonId, RevisionId, Role, Viewer};
use kumiai_directory::reference;
use kumiai_platform::audit::{self, Actor, Val};
use kumiai_platform::db::{Db, Paging, Total, Tx, bind_all, count, like_pattern, unique_violation};
use kumiai_platform::orgs::{HIDDEN_ORG, visible_codes};
use kumiai_platform::reach;
use kumiai_platform::record::fetch;
use kumiai_platform::web::Patch;
use kumiai_platform::{AppError, AppResult, FieldError, Record, Visible};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

pub(crate) async fn get(db: &Db, id: PageId) -> sqlx::Result<Option<Page>> {
    fetch::<Page>(db, id.get(), &Key(())).await
}

/// The page with this title (by its key), unchecked: for this crate's own rules.
pub(crate) async fn by_key(db: &Db, key: &str) -> sqlx::Result<Option<Page>> {
    sqlx::query_as(AssertSqlSafe(format!("{} WHERE p.title_key = $1", Page::SELECT))).bind(key.to_string()).fetch_optional(&db.pool).await
}

/// The visible page with this title, if any.
pub async fn find_by_title(db: &Db, viewer: &Viewer, title: &str, now: i64) -> AppResult<Option<Visible<Page>>> {
    match by_key(db, &title_key(title)).await? {
        Some(p) => match load_visible(db, viewer, p.id, now).await {
            Ok(v) => Ok(Some(v)),
            Err(AppError::NotFound) => Ok(None),
            Err(e) => Err(e),
        },
        None => Ok(None),
    }
}

/// The page, or NotFound if missing or hidden from the viewer. Deleted pages are returned only to
/// those who may edit them (their page says so).
pub async fn load_visible(db: &Db, viewer: &Viewer, id: PageId, now: i64) -> AppResult<Visible<Page>> {
    let page = reach::load_visible::<Page>(db, viewer, id.get(), now).await?;
    if page.deleted_at.is_some() && !page.can_edit(viewer, now) {
        return Err(AppError::NotFound);
    }
    Ok(page)
}

/// title key → URL for the linked titles the viewer may see (deleted pages excluded).
pub async fn visible_links(db: &Db, viewer: &Viewer, titles: &[String], now: i64) -> sqlx::Result<HashMap<String, String>> {
    visible_titles(db, viewer, titles, now, "").await
}

/// [`visible_links`] for files: the pages `ファイル:名前` of `names` the viewer may see that hold
/// a file, by title key.
pub async fn visible_files(db: &Db, viewer: &Viewer, names: &[String], now: i64) -> sqlx::Result<HashMap<String, String>> {
    let titles: Vec<String> = names.iter().map(|n| crate::embed::page_title(n)).collect();
    visible_titles(db, viewer, &titles, now, " AND EXISTS (SELECT 1 FROM wiki_attachments a WHERE a.page_id = p.id AND a.deleted_at IS NULL)").await
}

async fn visible_titles(db: &Db, viewer: &Viewer, titles: &[String], now: i64, also: &'static str) -> sqlx::Result<HashMap<String, String>> {
    let keys: Vec<String> = titles.iter().map(|t| title_key(t)).collect();
    let f = reach::filter(viewer, "p", ENTITY, now);
    let mut out = HashMap::new();
    for chunk in keys.chunks(200) {
        if chunk.is_empty() {
            continue;
        }
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT p.title_key, p.id FROM wiki_pages p WHERE p.title_key IN ({}) AND p.deleted_at IS NULL AND {}{also}", marks.join(", "), f.sql());
        let vals: Vec<Val> = chunk.iter().map(|k| Val::from(k.clone())).collect();
        let rows: Vec<(String, i64)> = db.fetch_cached(sql, &vals).await?;
        f.vouch(rows.iter().map(|r| r.1));
        for (k, id) in rows {
            out.insert(k, format!("/wiki/page/{id}"));
        }
    }
    Ok(out)
}

/// What a page refers to in the directory, resolved for its writer.
/// Which of `ids` name pages the viewer may see (deleted ones excluded).
pub async fn visible_page_ids(db: &Db, viewer: &Viewer, ids: &[PageId], now: i64) -> sqlx::Result<Vec<PageId>> {
    if ids.is_empty() {
        return Ok(vec![]);
    }
    let f = reach::filter(viewer, "p", ENTITY, now);
    let list: Vec<String> = ids.iter().map(PageId::to_string).collect();
    let sql = format!("SELECT p.id FROM wiki_pages p WHERE p.id IN ({}) AND p.deleted_at IS NULL AND {}", list.join(", "), f.sql());
    let seen: Vec<(i64,)> = db.fetch_cached(sql, &[]).await?;
    f.vouch(seen.iter().map(|p| p.0));
    Ok(seen.into_iter().map(|p| PageId(p.0)).collect())
}

struct Refs {
    org_id: Option<OrgId>,
    person_id: Option<PersonId>,
    scope: Option<OrgId>,
    shares: Vec<OrgId>,
}

/// Resolves the directory references (organisation and subtree by code, person by id) as the
/// viewer sees them: a hidden record is reported like a missing one. For a change, a reference
/// left at the stand-in for a hidden organisation keeps the stored one, and hidden shares stay.
async fn resolve(db: &Db, viewer: &Viewer, i: &PageInput, kind: PageKind, current: Option<&Visible<Page>>, now: i64) -> AppResult<Refs> {
    let kept = |v: &str| current.is_some() && v.trim() == HIDDEN_ORG;
    let mut codes: Vec<String> = [&i.org, &i.scope].iter().map(|s| s.trim().to_string()).filter(|s| !s.is_empty() && !kept(s)).collect();
    codes.extend(i.shared_codes());
    let found = reference::orgs_by_code(db, viewer, &codes, now).await?;
    let mut errs = vec![];
    let missing = |field: &str, code: &str| FieldError::new(field, format!("「{code}」が見つかりません。"), format!("'{code}' was not found."));
    let org_code = |field: &str, code: &str, keep: Option<OrgId>, errs: &mut Vec<FieldError>| -> Option<OrgId> {
        let code = code.trim();
        if code.is_empty() {
            None
        } else if kept(code) {
            keep
        } else {
            let id = found.get(code).map(|o| o.id);
            if id.is_none() {
                errs.push(missing(field, code));
            }
            id
        }
    };
    let org_id = if matches!(kind, PageKind::Union | PageKind::Company) { org_code("org", &i.org, current.and_then(|p| p.org_id), &mut errs) } else { None };
    let scope = org_code("scope", &i.scope, current.and_then(|p| p.scope_org_id), &mut errs);
    let mut person_id = None;
    if kind == PageKind::Person && !i.person.trim().is_empty() {
        match i.person.trim().parse::<PersonId>() {
            Ok(pid) if current.is_some_and(|p| p.person_id == Some(pid)) => person_id = Some(pid),
            Ok(pid) if reference::person(db, viewer, pid, now).await.is_ok() => person_id = Some(pid),
            _ => errs.push(missing("person", i.person.trim())),
        }
    }
    let mut shares = match current {
        Some(p) => hidden_shares(db, viewer, p, now).await?,
        None => vec![],
    };
    for code in i.shared_codes() {
        match found.get(&code) {
            Some(o) => shares.push(o.id),
            None => errs.push(missing("shared_with", &code)),
        }
    }
    if errs.is_empty() { Ok(Refs { org_id, person_id, scope, shares }) } else { Err(AppError::Validation(errs)) }
}

async fn hidden_shares(db: &Db, viewer: &Viewer, p: &Visible<Page>, now: i64) -> sqlx::Result<Vec<OrgId>> {
    let shared = p.access().map(|a| a.shared_with.clone()).unwrap_or_default();
    let seen = visible_codes(db, viewer, &shared, now).await?;
    Ok(shared.into_iter().filter(|i| !seen.contains_key(i)).collect())
}

/// The answer to a title that is taken, whether or not the writer may see the page that has it:
/// the same words either way, so the form does not confirm a hidden page.
fn title_unavailable() -> FieldError {
    FieldError::new(
        "title",
        "この題名は使用できません（既にあるか予約済みです）。別の題名にしてください。",
        "This title is not available (it exists or is reserved); choose another.",
    )
}

/// The links and categories of a page, derived from its current text (rebuilt with every save).
pub(crate) async fn write_references(tx: &mut Tx, page_id: PageId, body: &str) -> sqlx::Result<()> {
    let (links, cats) = references(body);
    sqlx::query("DELETE FROM wiki_links WHERE page_id = $1").bind(page_id).execute(&mut **tx).await?;
    sqlx::query("DELETE FROM wiki_categories WHERE page_id = $1").bind(page_id).execute(&mut **tx).await?;
    let mut keys: Vec<String> = links.iter().map(|l| title_key(l)).collect();
    keys.sort();
    keys.dedup();
    insert_pairs(tx, "INSERT INTO wiki_links (page_id, target_key) VALUES", page_id, &keys).await?;
    insert_pairs(tx, "INSERT INTO wiki_categories (page_id, category) VALUES", page_id, &cats).await
}

/// `(page_id, value)` rows, a hundred to a statement (an article may link to hundreds of pages).
async fn insert_pairs(tx: &mut Tx, insert: &'static str, page_id: PageId, values: &[String]) -> sqlx::Result<()> {
    for chunk in values.chunks(100) {
        let rows: Vec<String> = (0..chunk.len()).map(|i| format!("($1, ${})", i + 2)).collect();
        let mut q = sqlx::query(AssertSqlSafe(format!("{insert} {}", rows.join(", ")))).bind(page_id);
        for v in chunk {
            q = q.bind(v.clone());
        }
        q.execute(&mut **tx).await?;
    }
    Ok(())
}

/// Adds a revision; `at` dates it (imports keep their dates), otherwise now.
#[allow(clippy::too_many_arguments)]
pub(crate) async fn add_revision(tx: &mut Tx, actor: &Actor, page_id: PageId, title: &str, body: &str, summary: &str, minor: bool, at: Option<i64>) -> sqlx::Result<Revision> {
    let mut fields: Vec<(&str, Val)> = vec![
        ("minor", i64::from(minor).into()),
        ("page_id", page_id.into()),
        ("title", title.into()),
        ("body", body.into()),
        ("summary", summary.trim().into()),
        ("author_user_id", actor.user_id.into()),
        ("author", actor.label.clone().into()),
    ];
    if let Some(at) = at {
        fields.extend([("created_at", at.into()), ("updated_at", at.into())]);
    }
    audit::insert::<Revision>(tx, actor, &fields, None).await
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

/// Creates a page (the first revision included) in `tx`; imports date it with `at`.
pub(crate) async fn insert_page(tx: &mut Tx, actor: &Actor, fields: Vec<(&'static str, Val)>, shares: &[OrgId], title: &str, body: &str, summary: &str, at: Option<i64>) -> sqlx::Result<Page> {
    let mut fields = fields;
    fields.push(("body", body.into()));
    if let Some(at) = at {
        fields.extend([("created_at", at.into()), ("updated_at", at.into())]);
    }
    let created = audit::create::<Page>(tx, actor, &fields, Some(shares)).await?;
    let id = PageId(created.id());
    let rev = add_revision(tx, actor, id, title, body, summary, false, at).await?;
    created.set(tx, &[("revision_id", rev.id.into())]).await?;
    let page = created.log(tx).await?;
    write_references(tx, id, body).await?;
    Ok(page)
}

pub async fn create(db: &Db, viewer: &Viewer, i: &PageInput, now: i64) -> AppResult<Visible<Page>> {
    // Permission first: who may not create learns nothing about which titles exist.
    if !viewer.has_role(Role::Editor) {
        return Err(AppError::Forbidden);
    }
    let i = &i.clone().normalized();
    let c = check(i).map_err(AppError::Validation)?;
    let refs = resolve(db, viewer, i, c.kind, None, now).await?;
    let master = match i.master.trim() {
        "" => None,
        m => Some(master_for_copy(db, viewer, m, now).await?),
    };
    if by_key(db, &title_key(&c.title)).await?.is_some() {
        return Err(AppError::Validation(vec![title_unavailable()]));
    }
    let actor = Actor::of(viewer);
    let owner = kumiai_platform::orgs::owner_for(db, viewer).await?;
    let mut f = fields(&c, &refs);
    f.push(("owner_org_id", owner.into()));
    if let Some(m) = &master {
        f.extend([("lang", "en".into()), ("master_id", m.id.into()), ("master_revision_id", m.revision_id.into())]);
    }
    let mut tx = db.begin().await?;
    let page = match insert_page(&mut tx, &actor, f, &refs.shares, &c.title, &i.body, &i.summary, None).await {
        Ok(p) => p,
        Err(e) if unique_violation(&e).is_some() => return Err(AppError::Validation(vec![title_unavailable()])),
        Err(e) => return Err(e.into()),
    };
    db.commit(tx).await?;
    load_visible(db, viewer, page.id, now).await
}

/// Saves the fields `patch` names as a new revision of page `id` (every other field keeps its
/// stored value), if the patch's version is current. A new title renames the page and leaves a
/// redirect at the old one. A stale version returns both texts as a conflict.
pub async fn save(db: &Db, viewer: &Viewer, id: PageId, patch: &Patch, now: i64) -> AppResult<Visible<Page>> {
    let page = load_visible(db, viewer, id, now).await?;
    if !page.can_edit(viewer, now) {
        return Err(AppError::Forbidden);
    }
    if page.deleted_at.is_some() || page.redirect_to.is_some() {
        return Err(AppError::Validation(vec![FieldError::new("title", "削除済みのページや転送ページは編集できません。", "Deleted pages and redirects cannot be edited.")]));
    }
    let expected_version = patch.version()?;
    let stored = input_of(db, viewer, &page, now).await?;
    let i: PageInput = patch.apply::<PageInput>(&stored)?.normalized();
    if i.page_fields() == stored {
        // Nothing changed: no revision, no new version.
        return if expected_version == page.version { Ok(page) } else { Err(audit::conflict::<Page>(db, viewer, id.get(), &[], None, expected_version, now).await) };
    }
    let c = check(&i).map_err(AppError::Validation)?;
    let refs = resolve(db, viewer, &i, c.kind, Some(&page), now).await?;
    let new_key = title_key(&c.title);
    let renamed = new_key != page.title_key;
    let mut reuse_redirect = None;
    if renamed && let Some(other) = by_key(db, &new_key).await? {
        // Renaming back onto one's own redirect reuses that title.
        if other.redirect_to == Some(id) {
            reuse_redirect = Some(other);
        } else {
            return Err(AppError::Validation(vec![title_unavailable()]));
        }
    }
    let actor = Actor::of(viewer);
    let mut f = fields(&c, &refs);
    f.push(("body", i.body.clone().into()));
    let mut tx = db.begin().await?;
    let result = save_in_tx(&mut tx, &actor, &page, expected_version, &mut f, &refs, &c, &i, renamed, reuse_redirect, now).await;
    match result {
        Ok(()) => {
            db.commit(tx).await?;
            load_visible(db, viewer, id, now).await
        }
        Err(e) => {
            drop(tx);
            if let audit::UpdateError::Db(d) = &e
                && unique_violation(d).is_some()
            {
                return Err(AppError::Validation(vec![title_unavailable()]));
            }
            Err(audit::answer::<Page>(e, db, viewer, id.get(), &f, Some(&refs.shares), expected_version, now).await)
        }
    }
}

#[allow(clippy::too_many_arguments)]
async fn save_in_tx(
    tx: &mut Tx,
    actor: &Actor,
    page: &Page,
    expected_version: i64,
    f: &mut Vec<(&'static str, Val)>,
    refs: &Refs,
    c: &Checked,
    i: &PageInput,
    renamed: bool,
    reuse_redirect: Option<Page>,
    now: i64,
) -> Result<(), audit::UpdateError> {
    let id = page.id;
    if let Some(r) = reuse_redirect {
        // The old redirect steps aside: its title key is freed and it is marked deleted.
        audit::update(tx, actor, &r, r.version, &[("title_key", format!("#{}", r.id).into()), ("deleted_at", now.into())], None, "delete").await?;
    }
    let rev = add_revision(tx, actor, id, &c.title, &i.body, &i.summary, i.is_minor(), None).await?;
    f.push(("revision_id", rev.id.into()));
    if let Some(m) = page.master_id {
        // Saving a copy brings it up to date with the master as it is now.
        let current: Option<RevisionId> = sqlx::query_scalar("SELECT revision_id FROM wiki_pages WHERE id = $1").bind(m).fetch_one(&mut **tx).await?;
        f.push(("master_revision_id", current.into()));
    }
    let action = if renamed { "rename" } else { "update" };
    audit::update(tx, actor, page, expected_version, f, Some(&refs.shares), action).await?;
    if renamed {
        let redirect = vec![
            ("title", page.title.clone().into()),
            ("title_key", page.title_key.clone().into()),
            ("kind", page.kind.as_str().into()),
            ("redirect_to", id.into()),
            ("reach", c.reach.as_str().into()),
            ("scope_org_id", refs.scope.into()),
            ("embargo_until", c.embargo_until.into()),
            ("owner_org_id", page.owner_org_id.into()),
        ];
        audit::insert::<Page>(tx, actor, &redirect, Some(&refs.shares)).await?;
    }
    write_references(tx, id, &i.body).await?;
    Ok(())
}

/// One revision of a page the caller has let through the reach layer.
pub async fn revision(db: &Db, page: &Visible<Page>, rev: RevisionId) -> sqlx::Result<Option<Revision>> {
    sqlx::query_as(AssertSqlSafe(format!("{} WHERE r.id = $1 AND r.page_id = $2", Revision::SELECT))).bind(rev).bind(page.id).fetch_optional(&db.pool).await
}

/// Every revision of a page the caller has let through the reach layer, newest first.
pub async fn history(db: &Db, page: &Visible<Page>) -> sqlx::Result<Vec<Revision>> {
    sqlx::query_as(AssertSqlSafe(format!("{} WHERE r.page_id = $1 ORDER BY r.id DESC", Revision::SELECT))).bind(page.id).fetch_all(&db.pool).await
}

/// Restores the text of an earlier revision as a new revision (history keeps both).
pub async fn revert(db: &Db, viewer: &Viewer, id: PageId, expected_version: i64, rev: RevisionId, now: i64) -> AppResult<Visible<Page>> {
    let page = load_visible(db, viewer, id, now).await?;
    let r = revision(db, &page, rev).await?.ok_or(AppError::NotFound)?;
    let patch = Patch::from_map(
        serde_json::json!({"version": expected_version, "body": r.body, "summary": format!("版 #{rev} に戻す / revert to revision #{rev}")})
            .as_object()
            .cloned()
            .unwrap_or_default(),
    );
    save(db, viewer, id, &patch, now).await
}

/// The input that reproduces the page as `viewer` may see it (edit forms, reverts): directory
/// records the viewer cannot see appear as the stand-in that keeps them.
pub async fn input_of(db: &Db, viewer: &Viewer, page: &Visible<Page>, now: i64) -> sqlx::Result<PageInput> {
    let shared = page.access().map(|a| a.shared_with.clone()).unwrap_or_default();
    let mut ids: Vec<OrgId> = [page.org_id, page.scope_org_id].into_iter().flatten().collect();
    ids.extend(&shared);
    let seen = visible_codes(db, viewer, &ids, now).await?;
    let code = |id: Option<OrgId>| id.map(|i| seen.get(&i).cloned().unwrap_or_else(|| HIDDEN_ORG.to_string())).unwrap_or_default();
    let mut shared_with: Vec<String> = shared.iter().filter_map(|i| seen.get(i).cloned()).collect();
    if shared.iter().any(|i| !seen.contains_key(i)) {
        shared_with.push(HIDDEN_ORG.to_string());
    }
    Ok(PageInput {
        title: page.title.clone(),
        kind: page.kind.as_str().into(),
        org: code(page.org_id),
        person: page.person_id.map(|p| p.to_string()).unwrap_or_default(),
        body: page.body.clone(),
        summary: String::new(),
        minor: String::new(),
        reach: page.reach.as_str().into(),
        scope: code(page.scope_org_id),
        embargo_until: page.embargo_until.map(kumiai_core::time::format_input_ms).unwrap_or_default(),
        shared_with: shared_with.join(","),
        master: page.master_id.map(|m| m.to_string()).unwrap_or_default(),
    })
}

/// The Japanese master an English copy is being created for: visible, itself not a copy, and
/// without an English copy the writer can see. (A copy the writer cannot see does not stop
/// another: it is not theirs to know about.)
async fn master_for_copy(db: &Db, viewer: &Viewer, id: &str, now: i64) -> AppResult<Visible<Page>> {
    let invalid = |ja: &str, en: &str| AppError::Validation(vec![FieldError::new("master", ja, en)]);
    let id: PageId = id.parse().map_err(|_| invalid("元のページが見つかりません。", "The master page was not found."))?;
    let m = load_visible(db, viewer, id, now).await.map_err(|_| invalid("元のページが見つかりません。", "The master page was not found."))?;
    if m.master_id.is_some() || m.lang != "ja" {
        return Err(invalid("英語版の元にできるのは日本語のページだけです。", "Only a Japanese page can be the master of an English copy."));
    }
    if english_copy(db, viewer, &m, now).await?.is_some() {
        return Err(invalid("このページには既に英語版があります。", "This page already has an English copy."));
    }
    Ok(m)
}

/// A page as a list shows it.
#[derive(Clone, Debug, sqlx::FromRow, serde::Serialize)]
pub struct PageRow {
    pub id: PageId,
    pub title: String,
    #[sqlx(try_from = "String")]
    pub kind: PageKind,
    #[sqlx(try_from = "String")]
    pub reach: kumiai_core::Reach,
    pub updated_at: i64,
    /// "ja" or "en" where the query asks (the list does), else empty.
    #[sqlx(default)]
    pub lang: String,
}

kumiai_platform::identified!(ENTITY => PageRow);

/// The English copies the viewer may see of `masters`: (copy id, English title) by master.
pub async fn english_copies(db: &Db, viewer: &Viewer, masters: &[PageId], now: i64) -> sqlx::Result<HashMap<PageId, (PageId, String)>> {
    let mut out = HashMap::new();
    if masters.is_empty() {
        return Ok(out);
    }
    let f = reach::filter(viewer, "p", ENTITY, now);
    let list: Vec<String> = masters.iter().map(PageId::to_string).collect();
    let sql = format!("SELECT p.master_id, p.id, p.title FROM wiki_pages p WHERE p.master_id IN ({}) AND p.deleted_at IS NULL AND {} ORDER BY p.id", list.join(", "), f.sql());
    let rows: Vec<(i64, i64, String)> = db.fetch_cached(sql, &[]).await?;
    f.vouch(rows.iter().map(|r| r.1));
    for (master, id, title) in rows {
        out.entry(PageId(master)).or_insert((PageId(id), title));
    }
    Ok(out)
}

/// The English copy of `master` the viewer may see, if any.
pub async fn english_copy(db: &Db, viewer: &Viewer, master: &Visible<Page>, now: i64) -> sqlx::Result<Option<Visible<PageRow>>> {
    let f = reach::filter(viewer, "p", ENTITY, now);
    let sql = format!("SELECT p.id, p.title, p.kind, p.reach, p.updated_at FROM wiki_pages p WHERE p.master_id = $1 AND p.deleted_at IS NULL AND {} ORDER BY p.id LIMIT 1", f.sql());
    let row: Option<PageRow> = db.fetch_cached(sql, &[master.id.get().into()]).await?.pop();
    Ok(row.map(|r| f.admit_one(r)))
}

/// For a stale copy: (master id, the master revision the copy follows, the master's current revision).
pub async fn staleness(db: &Db, copy: &Visible<Page>) -> sqlx::Result<Option<(PageId, Option<RevisionId>, RevisionId)>> {
    let Some(master) = copy.master_id else { return Ok(None) };
    let current: Option<RevisionId> = sqlx::query_scalar("SELECT revision_id FROM wiki_pages WHERE id = $1").bind(master).fetch_one(&db.pool).await?;
    Ok(match current {
        Some(cur) if Some(cur) != copy.master_revision_id => Some((master, copy.master_revision_id, cur)),
        _ => None,
    })
}

/// Marks a page deleted (or restores it). The text and history stay.
/// Deletes a page (with the reason, which is required) or restores it.
pub async fn set_deleted(db: &Db, viewer: &Viewer, id: PageId, expected_version: i64, deleted: Option<&str>, now: i64) -> AppResult<Page> {
    let reason = deleted.map(str::trim).unwrap_or("");
    // Who may not delete it learns nothing, not even that a reason is asked for.
    let page = load_visible(db, viewer, id, now).await?;
    if !page.can_edit(viewer, now) {
        return Err(AppError::Forbidden);
    }
    if deleted.is_some() {
        let mut errs = vec![];
        kumiai_platform::text::check_line("reason", reason, &mut errs);
        if reason.is_empty() || reason.chars().count() > 300 {
            errs.push(FieldError::new("reason", "削除の理由を300文字以内で書いてください。", "Give the reason for deleting, in up to 300 characters."));
        }
        if !errs.is_empty() {
            return Err(AppError::Validation(errs));
        }
    }
    audit::set_marker::<Page>(db, viewer, id.get(), expected_version, "deleted_at", deleted.is_some(), ("delete", "restore"), &[("deleted_reason", reason.into())], now).await
}

#[derive(Clone, Debug, Default, serde::Deserialize, serde::Serialize)]
#[serde(default)]
pub struct ListQuery {
    pub q: String,
    pub category: String,
    #[serde(deserialize_with = "kumiai_platform::web::blank_as_none", default)]
    pub kind: Option<PageKind>,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none", default)]
    pub page: Option<i64>,
    /// The reader's language (set by the page): an English reader's list holds each English copy
    /// once, in its master's place.
    #[serde(skip)]
    pub lang: kumiai_core::Lang,
}

pub const PER_PAGE: i64 = 50;

impl ListQuery {
    /// The kind filter as a query string writes it ("" for all kinds).
    pub fn kind_code(&self) -> &'static str {
        self.kind.map(PageKind::as_str).unwrap_or("")
    }
    pub fn paging(&self) -> Paging {
        Paging::new(self.page, None, PER_PAGE, PER_PAGE)
    }
}

/// Pages the viewer may see, newest change first (redirects and deleted pages left out).
pub async fn list(db: &Db, viewer: &Viewer, q: &ListQuery, now: i64) -> sqlx::Result<(Vec<Visible<PageRow>>, Total)> {
    let f = reach::filter(viewer, "p", ENTITY, now);
    let mut conds = vec![f.sql().to_string(), "p.deleted_at IS NULL".into(), "p.redirect_to IS NULL".into()];
    let mut binds: Vec<Val> = vec![];
    if !q.q.trim().is_empty() {
        binds.push(like_pattern(q.q.trim()).into());
        conds.push(format!("p.title {} ${} ESCAPE '\\'", db.ilike(), binds.len()));
    }
    if !q.category.trim().is_empty() {
        binds.push(q.category.trim().to_string().into());
        conds.push(format!("p.id IN (SELECT page_id FROM wiki_categories WHERE category = ${})", binds.len()));
    }
    if let Some(k) = q.kind {
        conds.push(format!("p.kind = '{}'", k.as_str()));
    }
    if q.lang == kumiai_core::Lang::En {
        // A copy whose master the reader sees is listed as that master's English title.
        let fm = reach::filter(viewer, "m", ENTITY, now);
        conds.push(format!("NOT (p.master_id IS NOT NULL AND EXISTS (SELECT 1 FROM wiki_pages m WHERE m.id = p.master_id AND m.deleted_at IS NULL AND {}))", fm.sql()));
    }
    let filter = conds.join(" AND ");
    let sql = format!("SELECT p.id, p.title, p.kind, p.reach, p.updated_at, p.lang FROM wiki_pages p WHERE {filter} ORDER BY p.updated_at DESC, p.id DESC {}", q.paging().sql());
    let rows = bind_all(sqlx::query_as::<_, PageRow>(AssertSqlSafe(sql)), &binds).fetch_all(&db.pool).await?;
    let total = count(db, &format!("FROM wiki_pages p WHERE {filter}"), &binds).await?;
    Ok((f.admit(rows), total))
}

/// Visible pages that link to `page` (by its title or a redirect's).
pub async fn links_here(db: &Db, viewer: &Viewer, page: &Visible<Page>, now: i64) -> sqlx::Result<Vec<Visible<PageRow>>> {
    let f = reach::filter(viewer, "p", ENTITY, now);
    let sql = format!(
        "SELECT p.id, p.title, p.kind, p.reach, p.updated_at FROM wiki_pages p WHERE p.deleted_at IS NULL AND p.redirect_to IS NULL AND {} \
         AND p.id IN (SELECT l.page_id FROM wiki_links l WHERE l.target_key = $1 OR l.target_key IN (SELECT r.title_key FROM wiki_pages r WHERE r.redirect_to = $2)) \
         ORDER BY p.title LIMIT 500",
        f.sql()
    );
    let rows = sqlx::query_as(AssertSqlSafe(sql)).bind(page.title_key.clone()).bind(page.id).fetch_all(&db.pool).await?;
    Ok(f.admit(rows))
}

/// The categories of a page the caller has let through the reach layer.
pub async fn categories(db: &Db, page: &Visible<Page>) -> sqlx::Result<Vec<String>> {
    sqlx::query_scalar("SELECT category FROM wiki_categories WHERE page_id = $1 ORDER BY category").bind(page.id).fetch_all(&db.pool).await
}

/// Whether a title is free (for imports: a page of this title already there is not overwritten).
pub(crate) async fn title_taken(db: &Db, title: &str) -> sqlx::Result<bool> {
    Ok(by_key(db, &title_key(&clean_title(title))).await?.is_some())
}
