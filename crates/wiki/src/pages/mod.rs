//! Knowledge-base pages: index and categories, view (with infobox and table of contents), create,
//! edit, history, diff between any two revisions, old revisions, revert, delete and restore,
//! "what links here". Handlers translate HTTP to `store` calls; rules live there.

pub mod attachments;
pub mod changes;
pub mod discussion;
pub mod reports;

use crate::diff::diff_html;
use crate::model::{Page, PageInput, PageKind, Revision};
use crate::render::{Rendered, Target, render};
use kumiai_platform::Db;
use std::sync::Arc;
use crate::store::{self, ListQuery, PageRow};
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use kumiai_core::{Lang, Msg, PageId, RevisionId, Role, time};
use kumiai_directory::reference;
use kumiai_platform::db::{Total, group_digits};
use kumiai_platform::web::layout::{render_form, render_page};
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormBody, FormErrors, Guard, Patch, PathParams, QueryParams, Route, VersionForm};
use kumiai_platform::{AppError, AppResult, FieldError, Visible};
use serde::Deserialize;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/wiki", Guard::Reach, get(index)),
        Route::get("/wiki/new", Guard::Open, get(new_form)),
        Route::post("/wiki/new", Guard::Reach, post(create)),
        Route::get("/wiki/page/{id}", Guard::Reach, get(view)),
        Route::get("/wiki/page/{id}/edit", Guard::Reach, get(edit_form)),
        Route::post("/wiki/page/{id}/edit", Guard::Reach, post(save)),
        Route::get("/wiki/page/{id}/history", Guard::Reach, get(history)),
        Route::get("/wiki/page/{id}/diff", Guard::Reach, get(diff)),
        Route::get("/wiki/page/{id}/revisions/{rev}", Guard::Reach, get(old_revision)),
        Route::post("/wiki/page/{id}/revert", Guard::Reach, post(revert)),
        Route::post("/wiki/page/{id}/delete", Guard::Reach, post(delete)),
        Route::post("/wiki/page/{id}/restore", Guard::Reach, post(restore)),
        Route::get("/wiki/page/{id}/links", Guard::Reach, get(links_here)),
        Route::get("/wiki/page/{id}/translate", Guard::Reach, get(translate_form)),
    ]
}

fn crumb(_: &Ctx) -> Crumb {
    Crumb::link("JCMpedia", "/wiki")
}

/// A revision's text rendered and sanitised once, then kept: revisions never change.
pub fn rendered(db: &Db, revision: Option<RevisionId>, body: &str) -> Arc<Rendered> {
    let Some(rev) = revision else { return Arc::new(render(body)) };
    // The length guards against a key reused with another text (it cannot be, by the schema).
    let key = format!("{rev}:{}", body.len());
    if let Some(r) = db.caches.lasting::<Rendered>(&key) {
        return r;
    }
    let r = Arc::new(render(body));
    db.caches.keep(&key, Arc::clone(&r), r.bytes());
    r
}

/// A page's text for this reader: links only to pages and records they may see (one
/// reach-filtered query for the page links, asked only when there are any); editors get links
/// that create missing pages.
pub async fn render_for(ctx: &Ctx, revision: Option<RevisionId>, body: &str) -> AppResult<(Arc<Rendered>, String)> {
    let r = rendered(ctx.db(), revision, body);
    let titles = r.page_titles();
    // Asked even with no titles (no query is made then): the page answers for this reader.
    let visible = store::visible_links(ctx.db(), &ctx.viewer, &titles, ctx.now).await?;
    let files = r.file_names();
    let files = if files.is_empty() { std::collections::HashMap::new() } else { store::visible_files(ctx.db(), &ctx.viewer, &files, ctx.now).await? };
    let urls = r.urls();
    let allowed = if urls.iter().any(|u| record_id(u).is_some()) { followable(ctx, &urls).await? } else { urls };
    let editor = ctx.viewer.has_role(Role::Editor);
    let html = r.for_reader(|t| match t {
        Target::Page(title) => visible
            .get(&crate::model::title_key(title))
            .cloned()
            .or_else(|| editor.then(|| format!("/wiki/new?title={}", kumiai_platform::text::percent_encode(title)))),
        Target::Url(u) => allowed.contains(u).then(|| u.clone()),
        Target::File(name) => files.get(&crate::model::title_key(&crate::embed::page_title(name))).cloned(),
    });
    Ok((r, html))
}

/// The record an ordinary link points at, if it is a page of a record (`/wiki/page/5/history`).
fn record_id(url: &str) -> Option<(&'static str, i64)> {
    ["/wiki/page/", "/directory/organisations/", "/directory/people/"].into_iter().find_map(|prefix| {
        let rest = url.strip_prefix(prefix)?;
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok().map(|id| (prefix, id))
    })
}

/// The ordinary links among `urls` that point at records the reader may see.
async fn followable(ctx: &Ctx, urls: &[String]) -> AppResult<Vec<String>> {
    let ids = |prefix: &str| -> Vec<i64> { urls.iter().filter_map(|u| record_id(u)).filter(|(p, _)| *p == prefix).map(|(_, id)| id).collect() };
    let pages = store::visible_page_ids(ctx.db(), &ctx.viewer, &ids("/wiki/page/").into_iter().map(PageId).collect::<Vec<_>>(), ctx.now).await?;
    let orgs = reference::names(ctx.db(), &ctx.viewer, &ids("/directory/organisations/").into_iter().map(kumiai_core::OrgId).collect::<Vec<_>>(), ctx.now).await?;
    let people = reference::visible_people(ctx.db(), &ctx.viewer, &ids("/directory/people/").into_iter().map(kumiai_core::PersonId).collect::<Vec<_>>(), ctx.now).await?;
    Ok(urls
        .iter()
        .filter(|u| match record_id(u) {
            Some(("/wiki/page/", id)) => pages.iter().any(|p| p.get() == id),
            Some(("/directory/organisations/", id)) => orgs.iter().any(|o| o.id.get() == id),
            Some((_, id)) => people.iter().any(|p| p.get() == id),
            None => true,
        })
        .cloned()
        .collect())
}

#[derive(Template)]
#[template(path = "wiki_index.html")]
struct IndexBody<'a> {
    l: Lang,
    q: &'a ListQuery,
    rows: Vec<Visible<PageRow>>,
    /// For an English reader: the English copy (id, title) of each page that has one.
    copies: std::collections::HashMap<PageId, (PageId, String)>,
    total: Total,
    /// The category's description page and its HTML for this reader.
    about: Option<(PageId, String)>,
    can_create: bool,
    kinds: Vec<(&'static str, &'static str)>,
}

impl IndexBody<'_> {
    fn when(&self, ms: &i64) -> String {
        time::format_ms(*ms)
    }
}

async fn index(ctx: Ctx, QueryParams(mut q): QueryParams<ListQuery>) -> AppResult<Response> {
    q.lang = ctx.lang;
    let (rows, total) = store::list(ctx.db(), &ctx.viewer, &q, ctx.now).await?;
    let l = ctx.lang;
    // An English reader gets each page's English copy where there is one.
    let copies = if l == Lang::En { store::english_copies(ctx.db(), &ctx.viewer, &rows.iter().map(|r| r.id).collect::<Vec<_>>(), ctx.now).await? } else { Default::default() };
    let title = if q.category.is_empty() { "JCMpedia".to_string() } else { format!("{}: {}", l.t("カテゴリ", "Category"), q.category) };
    // The category's description: the page `カテゴリ:名前`, if the reader may see it.
    let about = match q.category.trim() {
        "" => None,
        c => match store::find_by_title(ctx.db(), &ctx.viewer, &format!("{}{c}", crate::render::CATEGORY_PAGE_PREFIX), ctx.now).await? {
            Some(p) if p.deleted_at.is_none() => Some((p.id, render_for(&ctx, p.revision_id, &p.body).await?.1)),
            _ => None,
        },
    };
    let body = IndexBody { l, q: &q, rows, copies, total, about, can_create: ctx.viewer.has_role(Role::Editor), kinds: PageKind::ALL.iter().map(|k| (k.as_str(), k.label(l))).collect() };
    let crumbs = if q.category.is_empty() { vec![Crumb::here("JCMpedia")] } else { vec![crumb(&ctx), Crumb::here(&title)] };
    Ok(render_page(&ctx, &title, &crumbs, &body))
}

struct Infobox {
    rows: Vec<(&'static str, String)>,
    link: Option<(String, String)>,
}

/// The directory's facts about the page's organisation or person, as the reader may see them.
async fn infobox(ctx: &Ctx, page: &Page) -> AppResult<Option<Infobox>> {
    let l = ctx.lang;
    if let Some(org_id) = page.org_id {
        let Ok(o) = reference::org(ctx.db(), &ctx.viewer, org_id, ctx.now).await else { return Ok(None) };
        let mut rows = vec![(l.t("種別", "Kind"), o.kind.label(l).to_string()), (l.t("名称", "Name"), o.name_ja.clone())];
        if !o.name_en.is_empty() {
            rows.push((l.t("英語名", "English name"), o.name_en.clone()));
        }
        rows.push((l.t("国", "Country"), o.country.clone()));
        if let Some(c) = reference::member_counts(ctx.db(), &o).await?.first() {
            rows.push((l.t("組合員数", "Members"), format!("{}（{}）", group_digits(c.members), ctx.fy_label(c.year()))));
        }
        return Ok(Some(Infobox { rows, link: Some((format!("/directory/organisations/{org_id}"), l.t("名簿で見る", "Open in the directory").into())) }));
    }
    if let Some(pid) = page.person_id {
        let Ok(p) = reference::person(ctx.db(), &ctx.viewer, pid, ctx.now).await else { return Ok(None) };
        let mut rows = vec![(l.t("氏名", "Name"), p.name_kanji.clone())];
        let position = if l == Lang::En && !p.position_en.is_empty() { &p.position_en } else { &p.position_ja };
        if !position.is_empty() {
            rows.push((l.t("役職", "Position"), position.clone()));
        }
        if let Some(org) = reference::person_org_name(ctx.db(), &ctx.viewer, &p, l, ctx.now).await? {
            rows.push((l.t("所属", "Organisation"), org));
        }
        return Ok(Some(Infobox { rows, link: Some((format!("/directory/people/{pid}"), l.t("名簿で見る", "Open in the directory").into())) }));
    }
    Ok(None)
}

#[derive(Template)]
#[template(path = "wiki_page.html")]
struct ViewBody<'a> {
    l: Lang,
    csrf: &'a str,
    p: &'a Visible<Page>,
    r: Arc<Rendered>,
    /// The text for this reader.
    html: String,
    categories: Vec<String>,
    can_edit: bool,
    reach: &'static str,
    infobox: Option<Infobox>,
    updated: String,
    old_revision: Option<Revision>,
    /// None for anonymous readers.
    watched: Option<bool>,
    translation: Translation,
    attachments: Vec<crate::attachments::Attachment>,
    /// The page's discussion, for this reader (none on an old revision).
    discussion: String,
    /// On a file's page (`ファイル:…`), the file itself when it is an image.
    file_preview: Option<crate::attachments::Attachment>,
}

/// How a page relates to its other-language version, as the reader may see it.
#[derive(Default)]
struct Translation {
    /// On a master: its English copy, if the reader may see it.
    copy: Option<Visible<PageRow>>,
    /// On a copy: its master, if the reader may see it.
    master: Option<Visible<Page>>,
    /// On a stale copy: the master's diff since the copy was last brought up to date.
    stale_diff: Option<String>,
    can_translate: bool,
}

async fn translation(ctx: &Ctx, page: &Visible<Page>, editable: bool) -> AppResult<Translation> {
    let mut t = Translation::default();
    match page.master_id {
        Some(m) => {
            t.master = store::load_visible(ctx.db(), &ctx.viewer, m, ctx.now).await.ok();
            if t.master.is_some()
                && let Some((master, from, to)) = store::staleness(ctx.db(), page).await?
            {
                t.stale_diff = Some(match from {
                    Some(f) => format!("/wiki/page/{master}/diff?from={f}&to={to}"),
                    None => format!("/wiki/page/{master}/history"),
                });
            }
        }
        None => {
            // A copy the reader cannot see is not theirs to know about: they may start one.
            t.copy = store::english_copy(ctx.db(), &ctx.viewer, page, ctx.now).await?;
            t.can_translate = t.copy.is_none() && editable && page.lang == "ja";
        }
    }
    Ok(t)
}

async fn view(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if let Some(target) = page.redirect_to {
        // A redirect leads on only to a page the reader may see.
        store::load_visible(ctx.db(), &ctx.viewer, target, ctx.now).await?;
        return Ok(Redirect::to(&format!("/wiki/page/{target}")).into_response());
    }
    let editable = page.can_edit(&ctx.viewer, ctx.now);
    let (r, html) = render_for(&ctx, page.revision_id, &page.body).await?;
    let mut body = ViewBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        categories: r.categories.clone(),
        html,
        can_edit: editable,
        reach: page.reach.label(ctx.lang),
        infobox: infobox(&ctx, &page).await?,
        updated: time::format_ms(page.updated_at),
        old_revision: None,
        watched: match ctx.viewer.account() {
            Some(a) => Some(crate::changes::is_watched(ctx.db(), a.user_id, &page).await?),
            None => None,
        },
        translation: translation(&ctx, &page, editable).await?,
        file_preview: None,
        attachments: crate::attachments::of_page(ctx.db(), &page).await?,
        discussion: discussion::section(&ctx, &page).await?,
        r,
        p: &page,
    };
    if let Some(name) = page.title.strip_prefix(crate::embed::FILE_PAGE_PREFIX) {
        body.file_preview = crate::attachments::newest_of(ctx.db(), &page, name).await?.filter(|a| a.is_image());
    }
    Ok(render_page(&ctx, &page.title, &[crumb(&ctx), Crumb::here(&page.title)], &body))
}

async fn old_revision(ctx: Ctx, PathParams((id, rev)): PathParams<(PageId, RevisionId)>) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let old = store::revision(ctx.db(), &page, rev).await?.ok_or(AppError::NotFound)?;
    let (r, html) = render_for(&ctx, Some(old.id), &old.body).await?;
    let title = format!("{}（{} #{rev}）", old.title, ctx.t("版", "revision"));
    let body = ViewBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        categories: vec![],
        html,
        can_edit: page.can_edit(&ctx.viewer, ctx.now),
        reach: page.reach.label(ctx.lang),
        infobox: None,
        updated: time::format_ms(old.created_at),
        old_revision: Some(old),
        watched: None,
        translation: Translation::default(),
        attachments: vec![],
        discussion: String::new(),
        file_preview: None,
        r,
        p: &page,
    };
    Ok(render_page(&ctx, &title, &[crumb(&ctx), Crumb::link(&page.title, page.url()), Crumb::here(ctx.t("過去の版", "Old revision"))], &body))
}

#[derive(Template)]
#[template(path = "wiki_form.html")]
struct FormPage<'a> {
    l: Lang,
    csrf: &'a str,
    f: &'a PageInput,
    action: String,
    version: Option<i64>,
    kinds: Vec<(&'static str, &'static str)>,
    errs: FormErrors,
    /// Before saving: the text as it will read, or what changes against the stored text.
    look: Option<Look>,
    /// After someone else saved meanwhile: the fields both changed, (label, yours, theirs, diff
    /// rows for a text), and the page to go back to.
    conflicts: Vec<(&'static str, String, String, Option<String>)>,
    back: Option<String>,
}

enum Look {
    Preview(String),
    /// Diff rows (see `diff::diff_html`).
    Changes(String),
}

fn form_page(ctx: &Ctx, title: &str, f: &PageInput, action: String, version: Option<i64>, errs: Vec<FieldError>) -> Response {
    form_page_with(ctx, title, f, action, version, errs, None)
}

fn form_page_with(ctx: &Ctx, title: &str, f: &PageInput, action: String, version: Option<i64>, errs: Vec<FieldError>, look: Option<Look>) -> Response {
    let failed = !errs.is_empty();
    let body = FormPage {
        l: ctx.lang,
        csrf: &ctx.csrf,
        f,
        action,
        version,
        kinds: PageKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang))).collect(),
        errs: FormErrors::new(errs, ctx.lang),
        look,
        conflicts: vec![],
        back: None,
    };
    render_form(ctx, title, &[crumb(ctx), Crumb::here(title)], &body, failed)
}

/// A save that met a newer version: merged and saved when no field was changed by both, else the
/// form again with the writer's input, the fields both changed side by side, and a way back.
async fn settle(ctx: &Ctx, id: PageId, patch: &Patch) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let stored = store::input_of(ctx.db(), &ctx.viewer, &page, ctx.now).await?;
    let yours = patch.apply::<PageInput>(&stored)?.normalized();
    let base = patch.version()?;
    let m = crate::merge::merge(ctx.db(), &ctx.viewer, &page, base, &yours, ctx.now).await?;
    if m.conflicts.is_empty() {
        let mut fields = match serde_json::to_value(&m.merged) {
            Ok(serde_json::Value::Object(f)) => f,
            _ => return Err(AppError::Internal(anyhow::anyhow!("a page input is an object"))),
        };
        fields.insert("version".into(), page.version.into());
        store::save(ctx.db(), &ctx.viewer, id, &Patch::from_map(fields), ctx.now).await?;
        let msg = Msg::new("保存しました。その間に保存された他の人の変更とも合わせてあります。", "Saved, together with the changes someone else saved meanwhile.");
        return Ok(redirect_with_flash(ctx, &format!("/wiki/page/{id}"), msg));
    }
    let l = ctx.lang;
    let conflicts = m
        .conflicts
        .into_iter()
        .map(|c| {
            let diff = (c.field == "body").then(|| crate::diff::diff_html(&c.theirs, &c.yours));
            (l.t(c.label.0, c.label.1), c.yours, c.theirs, diff)
        })
        .collect();
    let title = format!("{}: {}", ctx.t("編集の競合", "Edit conflict"), page.title);
    let body = FormPage {
        l,
        csrf: &ctx.csrf,
        f: &m.merged,
        action: format!("/wiki/page/{id}/edit"),
        version: Some(page.version),
        kinds: PageKind::ALL.iter().map(|k| (k.as_str(), k.label(l))).collect(),
        errs: FormErrors::new(vec![], l),
        look: None,
        conflicts,
        back: Some(page.url()),
    };
    let mut r = render_page(ctx, &title, &[crumb(ctx), Crumb::link(&page.title, page.url()), Crumb::here(ctx.t("編集の競合", "Edit conflict"))], &body);
    *r.status_mut() = axum::http::StatusCode::CONFLICT;
    Ok(r)
}

/// What the preview and "show changes" buttons ask for: nothing is saved.
async fn look(ctx: &Ctx, asked: &str, stored_body: &str, body: &str) -> AppResult<Option<Look>> {
    let body = kumiai_platform::text::unix_newlines(body);
    Ok(match asked {
        "preview" => Some(Look::Preview(render_for(ctx, None, &body).await?.1)),
        "changes" => Some(Look::Changes(crate::diff::diff_html(stored_body, &body))),
        _ => None,
    })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewQuery {
    title: String,
    kind: String,
    org: String,
}

/// The form for a new page (it shows no record).
async fn new_form(ctx: Ctx, QueryParams(q): QueryParams<NewQuery>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    let f = PageInput { title: q.title, kind: if q.kind.is_empty() { "topic".into() } else { q.kind }, org: q.org, reach: "affiliates".into(), ..Default::default() };
    Ok(form_page(&ctx, ctx.t("ページの作成", "New page"), &f, "/wiki/new".into(), None, vec![]))
}

/// The form for the English copy of a page: it starts from the master's text, kind and reach.
async fn translate_form(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    let master = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let mi = store::input_of(ctx.db(), &ctx.viewer, &master, ctx.now).await?;
    let f = PageInput { title: format!("{} (English)", master.title), summary: "English copy".into(), master: id.to_string(), ..mi };
    Ok(form_page(&ctx, ctx.t("ページの作成", "New page"), &f, "/wiki/new".into(), None, vec![]))
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(flatten)]
    input: PageInput,
    #[serde(rename = "_do", default)]
    asked: String,
}

async fn create(ctx: Ctx, FormBody(form): FormBody<CreateForm>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    let f = form.input;
    if let Some(look) = look(&ctx, &form.asked, "", &f.body).await? {
        return Ok(form_page_with(&ctx, ctx.t("ページの作成", "New page"), &f, "/wiki/new".into(), None, vec![], Some(look)));
    }
    match store::create(ctx.db(), &ctx.viewer, &f, ctx.now).await {
        Ok(p) => Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{}", p.id), Msg::new("ページを作成しました。", "Page created."))),
        Err(AppError::Validation(e)) => Ok(form_page(&ctx, ctx.t("ページの作成", "New page"), &f, "/wiki/new".into(), None, e)),
        Err(e) => Err(e),
    }
}

async fn edit_form(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if !page.can_edit(&ctx.viewer, ctx.now) {
        return Err(ctx.refuse());
    }
    let f = store::input_of(ctx.db(), &ctx.viewer, &page, ctx.now).await?;
    let title = format!("{}: {}", ctx.t("編集", "Edit"), page.title);
    Ok(form_page(&ctx, &title, &f, format!("/wiki/page/{id}/edit"), Some(page.version), vec![]))
}

async fn save(ctx: Ctx, PathParams(id): PathParams<PageId>, patch: Patch) -> AppResult<Response> {
    if !patch.asked().is_empty() {
        // Preview or changes: what was typed comes back in the form, nothing is written.
        let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
        if !page.can_edit(&ctx.viewer, ctx.now) {
            return Err(ctx.refuse());
        }
        let stored = store::input_of(ctx.db(), &ctx.viewer, &page, ctx.now).await?;
        let f = patch.apply(&stored)?;
        let look = look(&ctx, patch.asked(), &page.body, &f.body).await?;
        let title = format!("{}: {}", ctx.t("編集", "Edit"), page.title);
        return Ok(form_page_with(&ctx, &title, &f, format!("/wiki/page/{id}/edit"), patch.version().ok(), vec![], look));
    }
    match store::save(ctx.db(), &ctx.viewer, id, &patch, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{id}"), Msg::new("保存しました。", "Saved."))),
        Err(AppError::Conflict { .. }) => settle(&ctx, id, &patch).await,
        Err(AppError::Validation(e)) => {
            let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
            let stored = store::input_of(ctx.db(), &ctx.viewer, &page, ctx.now).await?;
            let f = patch.apply(&stored).unwrap_or(stored);
            Ok(form_page(&ctx, ctx.t("ページの編集", "Edit page"), &f, format!("/wiki/page/{id}/edit"), patch.version().ok(), e))
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "wiki_history.html")]
struct HistoryBody<'a> {
    l: Lang,
    p: &'a Visible<Page>,
    revisions: Vec<(Revision, String)>,
}

async fn history(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let revisions = store::history(ctx.db(), &page).await?.into_iter().map(|r| {
        let at = time::format_ms(r.created_at);
        (r, at)
    }).collect();
    let title = format!("{}: {}", ctx.t("履歴", "History"), page.title);
    let body = HistoryBody { l: ctx.lang, p: &page, revisions };
    Ok(render_page(&ctx, &title, &[crumb(&ctx), Crumb::link(&page.title, page.url()), Crumb::here(ctx.t("履歴", "History"))], &body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DiffQuery {
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none")]
    from: Option<RevisionId>,
    #[serde(deserialize_with = "kumiai_platform::web::empty_as_none")]
    to: Option<RevisionId>,
}

#[derive(Template)]
#[template(path = "wiki_diff.html")]
struct DiffBody<'a> {
    l: Lang,
    p: &'a Visible<Page>,
    from: Revision,
    to: Revision,
    rows: String,
    from_at: String,
    to_at: String,
}

async fn diff(ctx: Ctx, PathParams(id): PathParams<PageId>, QueryParams(q): QueryParams<DiffQuery>) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let revs = store::history(ctx.db(), &page).await?;
    let to_id = q.to.or(page.revision_id).ok_or(AppError::NotFound)?;
    // Without `from`, compare with the revision before `to`.
    let from_id = match q.from {
        Some(f) => f,
        None => revs.iter().map(|r| r.id).filter(|r| *r < to_id).max().ok_or(AppError::NotFound)?,
    };
    let from = revs.iter().find(|r| r.id == from_id).cloned().ok_or(AppError::NotFound)?;
    let to = revs.iter().find(|r| r.id == to_id).cloned().ok_or(AppError::NotFound)?;
    let rows = diff_html(&from.body, &to.body);
    let title = format!("{}: {}", ctx.t("差分", "Diff"), page.title);
    let body = DiffBody { l: ctx.lang, p: &page, from_at: time::format_ms(from.created_at), to_at: time::format_ms(to.created_at), from, to, rows };
    Ok(render_page(&ctx, &title, &[crumb(&ctx), Crumb::link(&page.title, page.url()), Crumb::here(ctx.t("差分", "Diff"))], &body))
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RevertForm {
    version: i64,
    rev: RevisionId,
}

async fn revert(ctx: Ctx, PathParams(id): PathParams<PageId>, FormBody(f): FormBody<RevertForm>) -> AppResult<Response> {
    store::revert(ctx.db(), &ctx.viewer, id, f.version, f.rev, ctx.now).await?;
    Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{id}"), Msg::new(format!("版 #{} に戻しました。", f.rev), format!("Reverted to revision #{}.", f.rev))))
}

#[derive(Deserialize)]
struct DeleteForm {
    version: i64,
    #[serde(default)]
    reason: String,
}

async fn delete(ctx: Ctx, PathParams(id): PathParams<PageId>, FormBody(f): FormBody<DeleteForm>) -> AppResult<Response> {
    store::set_deleted(ctx.db(), &ctx.viewer, id, f.version, Some(&f.reason), ctx.now).await?;
    Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{id}"), Msg::new("削除しました（元に戻せます）。", "Deleted (it can be restored).")))
}

async fn restore(ctx: Ctx, PathParams(id): PathParams<PageId>, FormBody(f): FormBody<VersionForm>) -> AppResult<Response> {
    store::set_deleted(ctx.db(), &ctx.viewer, id, f.version, None, ctx.now).await?;
    Ok(redirect_with_flash(&ctx, &format!("/wiki/page/{id}"), Msg::new("元に戻しました。", "Restored.")))
}

#[derive(Template)]
#[template(path = "wiki_links.html")]
struct LinksBody {
    l: Lang,
    rows: Vec<Visible<PageRow>>,
}

async fn links_here(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Response> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let rows = store::links_here(ctx.db(), &ctx.viewer, &page, ctx.now).await?;
    let title = format!("{}: {}", ctx.t("リンク元", "What links here"), page.title);
    Ok(render_page(&ctx, &title, &[crumb(&ctx), Crumb::link(&page.title, page.url()), Crumb::here(ctx.t("リンク元", "What links here"))], &LinksBody { l: ctx.lang, rows }))
}
