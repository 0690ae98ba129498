//! People pages: list, detail, create, edit, archive/restore.

use super::orgs::Versioned;
use super::{query_string, reach_label};
use crate::people::store::{self, PeopleQuery};
use crate::people::{Person, PersonInput};
use askama::Template;
use axum::extract::Path;
use axum::response::Response;
use kumiai_core::{Gender, Lang, Msg, Role, time};
use kumiai_platform::audit;
use kumiai_platform::reach::can_edit;
use kumiai_platform::web::layout::history_html;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{QueryParams, FormBody, Crumb, Ctx, FormErrors, layout::{render_form, render_page}};
use kumiai_platform::{AppError, AppResult, FieldError};
use serde::Deserialize;

fn crumb(ctx: &Ctx) -> Crumb {
    Crumb::link(ctx.t("人物", "People"), "/directory/people")
}

#[derive(Template)]
#[template(path = "person_list.html")]
struct ListBody<'a> {
    l: Lang,
    q: &'a PeopleQuery,
    rows: &'a [Person],
    total: String,
    page: i64,
    pages: i64,
    base: String,
    export_qs: String,
    can_create: bool,
    genders: Vec<(&'static str, &'static str)>,
}

impl ListBody<'_> {
    fn org_name<'b>(&self, p: &'b Person) -> &'b str {
        match self.l {
            Lang::En => p.org_name_en.as_deref().filter(|s| !s.is_empty()).or(p.org_name_ja.as_deref()).unwrap_or(""),
            Lang::Ja => p.org_name_ja.as_deref().unwrap_or(""),
        }
    }
}

pub async fn list(ctx: Ctx, QueryParams(q): QueryParams<PeopleQuery>) -> AppResult<Response> {
    let (rows, total) = store::list(ctx.db(), &ctx.viewer, &q, ctx.now).await?;
    let pairs = vec![
        ("q", q.q.clone()),
        ("org", q.org.map(|o| o.to_string()).unwrap_or_default()),
        ("gender", q.gender.clone()),
        ("archived", q.archived.clone()),
        ("sort", q.sort.clone()),
        ("dir", q.dir.clone()),
    ];
    let l = ctx.lang;
    let body = ListBody {
        l,
        q: &q,
        rows: &rows,
        total: total.label(l),
        page: q.page(),
        pages: total.pages(q.per_page()),
        base: format!("/directory/people{}", query_string(&pairs)),
        export_qs: query_string(&pairs),
        can_create: ctx.viewer.has_role(Role::Editor),
        genders: Gender::ALL.iter().map(|g| (g.as_str(), g.label(l))).collect(),
    };
    let title = ctx.t("人物", "People");
    Ok(render_page(&ctx, title, &[Crumb::here(title)], &body))
}

#[derive(Template)]
#[template(path = "person_detail.html")]
struct DetailBody<'a> {
    l: Lang,
    csrf: &'a str,
    p: &'a Person,
    reach: &'static str,
    can_edit: bool,
    scope: Option<String>,
    shared: Vec<String>,
    embargo: String,
    history: String,
}

pub async fn detail(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let (p, access) = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let editable = can_edit(&ctx.viewer, &access, ctx.now);
    let (scope, shared) = if editable {
        let (_, s, sh) = store::codes(ctx.db(), &p, &access).await?;
        (s, sh)
    } else {
        (None, vec![])
    };
    let history = history_html(ctx.lang, &audit::history(ctx.db(), crate::people::ENTITY, id).await?, editable);
    let body = DetailBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        reach: reach_label(&p.reach, ctx.lang),
        can_edit: editable,
        scope,
        shared,
        embargo: p.embargo_until.map(time::format_ms).unwrap_or_default(),
        history,
        p: &p,
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
    ctx.viewer.mark_checked();
    let f = PersonInput { org: nq.org, reach: "affiliates".into(), gender: "unstated".into(), ..Default::default() };
    Ok(form_page(&ctx, ctx.t("人物の登録", "New person"), &f, "/directory/people/new".into(), None, vec![]))
}

pub async fn create(ctx: Ctx, FormBody(f): FormBody<PersonInput>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    match store::create(ctx.db(), &ctx.viewer, &f, ctx.now).await {
        Ok(id) => Ok(redirect_with_flash(&ctx, &format!("/directory/people/{id}"), Msg::new("人物を登録しました。", "Person added."))),
        Err(AppError::Validation(errs)) => Ok(form_page(&ctx, ctx.t("人物の登録", "New person"), &f, "/directory/people/new".into(), None, errs)),
        Err(e) => Err(e),
    }
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let (p, access) = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if !can_edit(&ctx.viewer, &access, ctx.now) {
        return Err(if ctx.viewer.account.is_some() { AppError::Forbidden } else { AppError::Unauthorized });
    }
    let (org, scope, shared) = store::codes(ctx.db(), &p, &access).await?;
    let f = PersonInput::from_record(&p, &org, scope.as_deref(), &shared);
    let title = format!("{}: {}", ctx.t("編集", "Edit"), p.name(ctx.lang));
    Ok(form_page(&ctx, &title, &f, format!("/directory/people/{id}/edit"), Some(p.version), vec![]))
}

pub async fn update(ctx: Ctx, Path(id): Path<i64>, FormBody(v): FormBody<Versioned<PersonInput>>) -> AppResult<Response> {
    let (version, input) = v.into_parts();
    match store::update(ctx.db(), &ctx.viewer, id, version, &input, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/directory/people/{id}"), Msg::new("保存しました。", "Saved."))),
        Err(AppError::Validation(errs)) => Ok(form_page(&ctx, ctx.t("人物の編集", "Edit person"), &input, format!("/directory/people/{id}/edit"), Some(version), errs)),
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    version: i64,
}

async fn set_archived(ctx: Ctx, id: i64, version: i64, archive: bool) -> AppResult<Response> {
    store::set_archived(ctx.db(), &ctx.viewer, id, version, archive, ctx.now).await?;
    let msg = if archive { Msg::new("アーカイブしました。", "Archived.") } else { Msg::new("元に戻しました。", "Restored.") };
    Ok(redirect_with_flash(&ctx, &format!("/directory/people/{id}"), msg))
}

pub async fn archive(ctx: Ctx, Path(id): Path<i64>, FormBody(v): FormBody<VersionForm>) -> AppResult<Response> {
    set_archived(ctx, id, v.version, true).await
}

pub async fn restore(ctx: Ctx, Path(id): Path<i64>, FormBody(v): FormBody<VersionForm>) -> AppResult<Response> {
    set_archived(ctx, id, v.version, false).await
}
