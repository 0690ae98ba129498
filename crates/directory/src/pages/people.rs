//! People pages: list, detail, create, edit, archive/restore.

use crate::people::store::{self, PeopleQuery};
use crate::people::{Named, PersonInput, PersonRow};
use askama::Template;
use axum::response::Response;
use kumiai_core::{Gender, Lang, Msg, PersonId, Role, time};
use kumiai_platform::text::query_string;
use kumiai_platform::web::layout::{history, render_form, render_page};
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormBody, FormErrors, Patch, PathParams, QueryParams, VersionForm};
use kumiai_platform::{AppError, AppResult, FieldError, Visible};
use serde::Deserialize;

fn crumb(ctx: &Ctx) -> Crumb {
    Crumb::link(ctx.t("人物", "People"), "/directory/people")
}

#[derive(Template)]
#[template(path = "person_list.html")]
struct ListBody<'a> {
    l: Lang,
    q: &'a PeopleQuery,
    rows: &'a [Visible<PersonRow>],
    total: String,
    page: i64,
    pages: i64,
    base: String,
    export_qs: String,
    can_create: bool,
    genders: Vec<(&'static str, &'static str)>,
    /// Japan-time today, "YYYY-MM-DD": a term that ended before it is past.
    today: String,
}

pub async fn list(ctx: Ctx, QueryParams(mut q): QueryParams<PeopleQuery>) -> AppResult<Response> {
    // The list starts with who holds a position now; past positions are a choice away.
    q.tenure.get_or_insert(store::Tenure::Current);
    q.lang = ctx.lang;
    let (rows, total) = store::list(ctx.db(), &ctx.viewer, &q, ctx.now).await?;
    let pairs = vec![
        ("q", q.q.clone()),
        ("org", q.org.map(|o| o.to_string()).unwrap_or_default()),
        ("gender", q.gender_code().to_string()),
        ("archived", q.archived.as_str().to_string()),
        ("tenure", q.tenure.map(store::Tenure::as_str).unwrap_or("").to_string()),
        ("sort", q.sort.as_str().to_string()),
        ("dir", q.dir.as_str().to_string()),
    ];
    let l = ctx.lang;
    let paging = q.paging();
    let body = ListBody {
        l,
        q: &q,
        rows: &rows,
        total: total.label(l),
        page: paging.page,
        pages: total.pages(paging.per_page),
        base: format!("/directory/people{}", query_string(&pairs)),
        export_qs: query_string(&pairs),
        can_create: ctx.viewer.has_role(Role::Editor),
        genders: Gender::ALL.iter().map(|g| (g.as_str(), g.label(l))).collect(),
        today: kumiai_core::time::day_of_ms(ctx.now),
    };
    let title = ctx.t("人物", "People");
    Ok(render_page(&ctx, title, &[Crumb::here(title)], &body))
}

#[derive(Template)]
#[template(path = "person_detail.html")]
struct DetailBody<'a> {
    l: Lang,
    csrf: &'a str,
    p: &'a Visible<PersonRow>,
    reach: &'static str,
    can_edit: bool,
    scope: Option<String>,
    shared: Vec<String>,
    embargo: String,
    history: String,
    /// The positions held, newest first (shown when there is more than the current one).
    positions: Vec<crate::people::positions::Held>,
}

pub async fn detail(ctx: Ctx, PathParams(id): PathParams<PersonId>) -> AppResult<Response> {
    let p = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let editable = p.can_edit(&ctx.viewer, ctx.now);
    let (scope, shared) = if editable {
        let c = store::codes(ctx.db(), &ctx.viewer, &p, ctx.now).await?;
        (c.scope, c.shared_with)
    } else {
        (None, vec![])
    };
    let history = history(&ctx, &p, editable).await?;
    let row = store::row(ctx.db(), &ctx.viewer, &p, ctx.now).await?;
    let body = DetailBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        reach: p.reach.label(ctx.lang),
        can_edit: editable,
        scope,
        shared,
        embargo: p.embargo_until.map(time::format_ms).unwrap_or_default(),
        history,
        positions: crate::people::positions::of(ctx.db(), &ctx.viewer, &p, ctx.lang, ctx.now).await?,
        p: &row,
    };
    let name = p.name(ctx.lang).to_string();
    Ok(render_page(&ctx, &name, &[crumb(&ctx), Crumb::here(&name)], &body))
}

#[derive(Template)]
#[template(path = "person_form.html")]
struct FormPage<'a> {
    l: Lang,
    csrf: &'a str,
    f: &'a PersonInput,
    action: String,
    version: Option<i64>,
    genders: Vec<(&'static str, &'static str)>,
    errs: FormErrors,
}

fn form_page(ctx: &Ctx, title: &str, f: &PersonInput, action: String, version: Option<i64>, errs: Vec<FieldError>) -> Response {
    let failed = !errs.is_empty();
    let body = FormPage {
        l: ctx.lang,
        csrf: &ctx.csrf,
        f,
        action,
        version,
        genders: Gender::ALL.iter().map(|g| (g.as_str(), g.label(ctx.lang))).collect(),
        errs: FormErrors::new(errs, ctx.lang),
    };
    render_form(ctx, title, &[crumb(ctx), Crumb::here(title)], &body, failed)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    org: String,
}

pub async fn new_form(ctx: Ctx, QueryParams(nq): QueryParams<NewQuery>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    let f = PersonInput { org: nq.org, reach: "affiliates".into(), gender: "unstated".into(), ..Default::default() };
    Ok(form_page(&ctx, ctx.t("人物の登録", "New person"), &f, "/directory/people/new".into(), None, vec![]))
}

pub async fn create(ctx: Ctx, FormBody(f): FormBody<PersonInput>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    match store::create(ctx.db(), &ctx.viewer, &f, ctx.now).await {
        Ok(p) => Ok(redirect_with_flash(&ctx, &format!("/directory/people/{}", p.id), Msg::new("人物を登録しました。", "Person added."))),
        Err(AppError::Validation(errs)) => Ok(form_page(&ctx, ctx.t("人物の登録", "New person"), &f, "/directory/people/new".into(), None, errs)),
        Err(e) => Err(e),
    }
}

pub async fn edit_form(ctx: Ctx, PathParams(id): PathParams<PersonId>) -> AppResult<Response> {
    let p = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if !p.can_edit(&ctx.viewer, ctx.now) {
        return Err(ctx.refuse());
    }
    let f = PersonInput::from_record(&p, &store::codes(ctx.db(), &ctx.viewer, &p, ctx.now).await?);
    let title = format!("{}: {}", ctx.t("編集", "Edit"), p.name(ctx.lang));
    Ok(form_page(&ctx, &title, &f, format!("/directory/people/{id}/edit"), Some(p.version), vec![]))
}

pub async fn update(ctx: Ctx, PathParams(id): PathParams<PersonId>, patch: Patch) -> AppResult<Response> {
    match store::update(ctx.db(), &ctx.viewer, id, &patch, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/directory/people/{id}"), Msg::new("保存しました。", "Saved."))),
        Err(AppError::Validation(errs)) => {
            let p = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
            let stored = PersonInput::from_record(&p, &store::codes(ctx.db(), &ctx.viewer, &p, ctx.now).await?);
            let f = patch.apply(&stored).unwrap_or(stored);
            Ok(form_page(&ctx, ctx.t("人物の編集", "Edit person"), &f, format!("/directory/people/{id}/edit"), patch.version().ok(), errs))
        }
        Err(e) => Err(e),
    }
}

async fn set_archived(ctx: Ctx, id: PersonId, version: i64, archive: bool) -> AppResult<Response> {
    store::set_archived(ctx.db(), &ctx.viewer, id, version, archive, ctx.now).await?;
    let msg = if archive { Msg::new("アーカイブしました。", "Archived.") } else { Msg::new("元に戻しました。", "Restored.") };
    Ok(redirect_with_flash(&ctx, &format!("/directory/people/{id}"), msg))
}

pub async fn archive(ctx: Ctx, PathParams(id): PathParams<PersonId>, FormBody(v): FormBody<VersionForm>) -> AppResult<Response> {
    set_archived(ctx, id, v.version, true).await
}

pub async fn restore(ctx: Ctx, PathParams(id): PathParams<PersonId>, FormBody(v): FormBody<VersionForm>) -> AppResult<Response> {
    set_archived(ctx, id, v.version, false).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PickQuery {
    q: String,
    /// Ids already chosen, to show by name.
    codes: String,
}

/// Choosing a person by name (a page about a person): suggestions as the reader types, through
/// the people list's reach filter; the form sends the person's id, which nobody types.
pub async fn pick(ctx: Ctx, QueryParams(p): QueryParams<PickQuery>) -> AppResult<axum::Json<Vec<kumiai_platform::web::pick::Choice>>> {
    let l = ctx.lang;
    let choice = |r: &Visible<PersonRow>| kumiai_platform::web::pick::Choice {
        value: r.person.id.to_string(),
        label: r.name(l).to_string(),
        detail: [r.position(l), r.org_name(l)].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · "),
    };
    let ids: Vec<PersonId> = p.codes.split([',', ' ']).filter_map(|s| s.trim().parse().ok()).take(20).collect();
    let mut out = vec![];
    if !ids.is_empty() {
        for id in ids {
            if let Ok(person) = crate::reference::person(ctx.db(), &ctx.viewer, id, ctx.now).await {
                let q = PeopleQuery { q: person.name_kanji.clone(), per_page: Some(50), ..Default::default() };
                let (rows, _) = store::list(ctx.db(), &ctx.viewer, &q, ctx.now).await?;
                out.extend(rows.iter().filter(|r| r.person.id == id).map(choice));
            }
        }
        return Ok(axum::Json(out));
    }
    if p.q.trim().is_empty() {
        // Nothing asked: nothing to suggest (the reach layer is still the one that answers).
        let _ = kumiai_platform::reach::filter(&ctx.viewer, "x", crate::people::ENTITY, ctx.now);
        return Ok(axum::Json(out));
    }
    let q = PeopleQuery { q: p.q.clone(), per_page: Some(12), lang: l, ..Default::default() };
    let (rows, _) = store::list(ctx.db(), &ctx.viewer, &q, ctx.now).await?;
    Ok(axum::Json(rows.iter().map(choice).collect()))
}
