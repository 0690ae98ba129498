//! Organisation pages: list, detail, create, edit, move, archive/restore, member counts.

use super::{query_string, reach_label};
use crate::counts::{self, CountInput, MemberCount};
use crate::org::store::{self, ListQuery, ListRow};
use crate::org::{OrgInput, Organisation};
use crate::people::store::{PeopleQuery, list as list_people};
use crate::people::Person;
use askama::Template;
use axum::extract::Path;
use axum::http::StatusCode;
use axum::response::Response;
use kumiai_core::{Lang, Msg, OrgKind, Role, time};
use kumiai_platform::audit;
use kumiai_platform::reach::can_edit;
use kumiai_platform::web::layout::history_html;
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{QueryParams, FormBody, Crumb, Ctx, FormErrors, layout::{render_form, render_page}};
use kumiai_platform::{AppError, AppResult, FieldError};
use serde::Deserialize;

fn crumbs(ctx: &Ctx) -> Crumb {
    Crumb::link(ctx.t("組織", "Organisations"), "/directory/organisations")
}

#[derive(Template)]
#[template(path = "org_list.html")]
struct ListBody<'a> {
    l: Lang,
    q: &'a ListQuery,
    rows: &'a [ListRow],
    total: String,
    page: i64,
    pages: i64,
    base: String,
    sort_base: String,
    export_qs: String,
    fiscal: String,
    can_create: bool,
    kinds: Vec<(&'static str, &'static str)>,
    parent_name: Option<String>,
}

impl ListBody<'_> {
    fn kind_label(&self, k: &str) -> &'static str {
        OrgKind::parse(k).map(|k| k.label(self.l)).unwrap_or("?")
    }
    fn reach_label(&self, r: &str) -> &'static str {
        reach_label(r, self.l)
    }
    fn name<'b>(&self, r: &'b ListRow) -> &'b str {
        if self.l == Lang::En && !r.name_en.is_empty() { &r.name_en } else { &r.name_ja }
    }
    fn parent<'b>(&self, r: &'b ListRow) -> &'b str {
        match self.l {
            Lang::En => r.parent_name_en.as_deref().filter(|s| !s.is_empty()).or(r.parent_name_ja.as_deref()).unwrap_or(""),
            Lang::Ja => r.parent_name_ja.as_deref().unwrap_or(""),
        }
    }
    fn num(&self, n: &Option<i64>) -> String {
        n.map(group_digits).unwrap_or_default()
    }
    /// The link for a column header: sorts by `col`, flipping the direction if already sorted by it.
    fn sort_href(&self, col: &str) -> String {
        let dir = if self.q.sort == col && self.q.dir != "desc" { "desc" } else { "asc" };
        format!("{}sort={col}&dir={dir}", self.sort_base)
    }
    fn sorted(&self, col: &str) -> &'static str {
        match (self.q.sort == col || (col == "name" && self.q.sort.is_empty()), self.q.dir == "desc") {
            (true, true) => "descending",
            (true, false) => "ascending",
            _ => "none",
        }
    }
}

pub use kumiai_platform::db::group_digits;

fn filter_pairs(q: &ListQuery) -> Vec<(&'static str, String)> {
    vec![
        ("q", q.q.clone()),
        ("kind", q.kind.clone()),
        ("parent", q.parent.map(|p| p.to_string()).unwrap_or_default()),
        ("country", q.country.clone()),
        ("archived", q.archived.clone()),
    ]
}

pub async fn list(ctx: Ctx, QueryParams(q): QueryParams<ListQuery>) -> AppResult<Response> {
    let fy = ctx.fiscal_year();
    let (rows, total) = store::list(ctx.db(), &ctx.viewer, &q, fy.0, ctx.now).await?;
    let parent_name = match q.parent {
        Some(p) => store::load_visible(ctx.db(), &ctx.viewer, p, ctx.now).await.ok().map(|(o, _)| o.name(ctx.lang).to_string()),
        None => None,
    };
    let filters = filter_pairs(&q);
    let mut with_sort = filters.clone();
    with_sort.extend([("sort", q.sort.clone()), ("dir", q.dir.clone())]);
    let l = ctx.lang;
    let body = ListBody {
        l,
        q: &q,
        rows: &rows,
        total: total.label(l),
        page: q.page(),
        pages: total.pages(q.per_page()),
        base: format!("/directory/organisations{}", query_string(&with_sort)),
        sort_base: format!("/directory/organisations{}", query_string(&filters)),
        export_qs: query_string(&with_sort),
        fiscal: fy.label(l),
        can_create: ctx.viewer.has_role(Role::Editor),
        kinds: OrgKind::ALL.iter().map(|k| (k.as_str(), k.label(l))).collect(),
        parent_name,
    };
    let title = ctx.t("組織", "Organisations");
    Ok(render_page(&ctx, title, &[Crumb::here(title)], &body))
}

#[derive(Template)]
#[template(path = "org_detail.html")]
struct DetailBody<'a> {
    l: Lang,
    csrf: &'a str,
    o: &'a Organisation,
    kind: &'static str,
    reach: &'static str,
    parent: Option<(i64, String)>,
    company: Option<(i64, String)>,
    children: Vec<ListRow>,
    children_total: kumiai_platform::db::Total,
    linked: Vec<ListRow>,
    people: Vec<Person>,
    people_total: kumiai_platform::db::Total,
    counts: Vec<MemberCount>,
    can_edit: bool,
    codes: crate::org::model::Codes,
    embargo: String,
    history: String,
    count_form: CountInput,
    errs: FormErrors,
    fiscal_now: i64,
}

impl DetailBody<'_> {
    fn num(&self, n: &Option<i64>) -> String {
        n.map(group_digits).unwrap_or_default()
    }
    fn int(&self, n: &i64) -> String {
        group_digits(*n)
    }
    fn fy(&self, y: &i64) -> String {
        kumiai_core::FiscalYear(*y as i32).label(self.l)
    }
    fn row_name<'b>(&self, r: &'b ListRow) -> &'b str {
        if self.l == Lang::En && !r.name_en.is_empty() { &r.name_en } else { &r.name_ja }
    }
    fn kind_label(&self, k: &str) -> &'static str {
        OrgKind::parse(k).map(|k| k.label(self.l)).unwrap_or("?")
    }
}

async fn visible_name(ctx: &Ctx, id: Option<i64>) -> Option<(i64, String)> {
    let id = id?;
    store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await.ok().map(|(o, _)| (o.id, o.name(ctx.lang).to_string()))
}

async fn detail_view(ctx: &Ctx, id: i64, count_form: CountInput, errs: Vec<FieldError>) -> AppResult<Response> {
    let (o, access) = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let fy = ctx.fiscal_year();
    let editable = can_edit(&ctx.viewer, &access, ctx.now);
    let (children, children_total) = store::list(ctx.db(), &ctx.viewer, &ListQuery { parent: Some(id), per_page: Some(100), ..Default::default() }, fy.0, ctx.now).await?;
    let linked: Vec<ListRow> = {
        let sql = format!(
            "SELECT o.id FROM organisations o WHERE o.company_id = $1 AND o.archived_at IS NULL AND {} ORDER BY o.name_kana LIMIT 100",
            kumiai_platform::reach::visible_sql(&ctx.viewer, "o", crate::org::ENTITY, ctx.now)
        );
        let ids: Vec<i64> = sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(id).fetch_all(&ctx.db().pool).await?;
        let mut out = vec![];
        for lid in ids {
            if let Ok((lo, _)) = store::load_visible(ctx.db(), &ctx.viewer, lid, ctx.now).await {
                out.push(ListRow {
                    id: lo.id, code: lo.code, kind: lo.kind, name_ja: lo.name_ja, name_kana: lo.name_kana, name_en: lo.name_en,
                    country: lo.country, reach: lo.reach, archived_at: lo.archived_at, version: lo.version, updated_at: lo.updated_at,
                    parent_id: None, parent_name_ja: None, parent_name_en: None, members: None, dues_paying: None,
                });
            }
        }
        out
    };
    let (people, people_total) = list_people(ctx.db(), &ctx.viewer, &PeopleQuery { org: Some(id), per_page: Some(100), ..Default::default() }, ctx.now).await?;
    let codes = if editable { store::codes(ctx.db(), &o, &access).await? } else { Default::default() };
    let history = history_html(ctx.lang, &audit::history(ctx.db(), crate::org::ENTITY, id).await?, editable);
    let status = if errs.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let body = DetailBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        kind: o.kind_label(ctx.lang),
        reach: o.reach().label(ctx.lang),
        parent: visible_name(ctx, o.parent_id).await,
        company: visible_name(ctx, o.company_id).await,
        children,
        children_total,
        linked,
        people,
        people_total,
        counts: counts::of_org(ctx.db(), id).await?,
        can_edit: editable,
        codes,
        embargo: o.embargo_until.map(time::format_ms).unwrap_or_default(),
        history,
        count_form,
        errs: FormErrors::new(errs, ctx.lang),
        fiscal_now: i64::from(fy.0),
        o: &o,
    };
    let mut crumbs_v = vec![crumbs(ctx)];
    for (aid, ja, en) in store::visible_ancestors(ctx.db(), &ctx.viewer, &o, ctx.now).await? {
        let name = if ctx.lang == Lang::En && !en.is_empty() { en } else { ja };
        crumbs_v.push(Crumb::link(name, format!("/directory/organisations/{aid}")));
    }
    crumbs_v.push(Crumb::here(o.name(ctx.lang)));
    let mut r = render_page(ctx, o.name(ctx.lang), &crumbs_v, &body);
    *r.status_mut() = status;
    Ok(r)
}

pub async fn detail(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    detail_view(&ctx, id, CountInput::default(), vec![]).await
}

#[derive(Template)]
#[template(path = "org_form.html")]
struct FormPage<'a> {
    l: Lang,
    csrf: &'a str,
    f: &'a OrgInput,
    action: String,
    version: Option<i64>,
    kinds: Vec<(&'static str, &'static str)>,
    errs: FormErrors,
}

fn form_page(ctx: &Ctx, title: &str, crumbs_v: Vec<Crumb>, f: &OrgInput, action: String, version: Option<i64>, errs: Vec<FieldError>) -> Response {
    let failed = !errs.is_empty();
    let body = FormPage {
        l: ctx.lang,
        csrf: &ctx.csrf,
        f,
        action,
        version,
        kinds: OrgKind::ALL.iter().map(|k| (k.as_str(), k.label(ctx.lang))).collect(),
        errs: FormErrors::new(errs, ctx.lang),
    };
    render_form(ctx, title, &crumbs_v, &body, failed)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct NewQuery {
    parent: String,
    kind: String,
}

pub async fn new_form(ctx: Ctx, QueryParams(nq): QueryParams<NewQuery>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    ctx.viewer.mark_checked();
    let f = OrgInput { parent: nq.parent, kind: if nq.kind.is_empty() { "enterprise_union".into() } else { nq.kind }, reach: "affiliates".into(), country: "JP".into(), ..Default::default() };
    let title = ctx.t("組織の登録", "New organisation");
    Ok(form_page(&ctx, title, vec![crumbs(&ctx), Crumb::here(title)], &f, "/directory/organisations/new".into(), None, vec![]))
}

pub async fn create(ctx: Ctx, FormBody(f): FormBody<OrgInput>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    match store::create(ctx.db(), &ctx.viewer, &f, ctx.now).await {
        Ok(id) => Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{id}"), Msg::new("組織を登録しました。", "Organisation created."))),
        Err(AppError::Validation(errs)) => {
            let title = ctx.t("組織の登録", "New organisation");
            Ok(form_page(&ctx, title, vec![crumbs(&ctx), Crumb::here(title)], &f, "/directory/organisations/new".into(), None, errs))
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_form(ctx: Ctx, Path(id): Path<i64>) -> AppResult<Response> {
    let (o, access) = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if !can_edit(&ctx.viewer, &access, ctx.now) {
        return Err(if ctx.viewer.account.is_some() { AppError::Forbidden } else { AppError::Unauthorized });
    }
    let codes = store::codes(ctx.db(), &o, &access).await?;
    let f = OrgInput::from_record(&o, &codes);
    let title = format!("{}: {}", ctx.t("編集", "Edit"), o.name(ctx.lang));
    let cr = vec![crumbs(&ctx), Crumb::link(o.name(ctx.lang), format!("/directory/organisations/{id}")), Crumb::here(ctx.t("編集", "Edit"))];
    Ok(form_page(&ctx, &title, cr, &f, format!("/directory/organisations/{id}/edit"), Some(o.version), vec![]))
}

#[derive(Deserialize)]
pub struct Versioned<T> {
    #[serde(default)]
    version: i64,
    #[serde(flatten)]
    input: T,
}

impl<T> Versioned<T> {
    pub fn into_parts(self) -> (i64, T) {
        (self.version, self.input)
    }
}

pub async fn update(ctx: Ctx, Path(id): Path<i64>, FormBody(v): FormBody<Versioned<OrgInput>>) -> AppResult<Response> {
    match store::update(ctx.db(), &ctx.viewer, id, v.version, &v.input, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{id}"), Msg::new("保存しました。", "Saved."))),
        Err(AppError::Validation(errs)) => {
            let title = ctx.t("組織の編集", "Edit organisation");
            let cr = vec![crumbs(&ctx), Crumb::here(title)];
            Ok(form_page(&ctx, title, cr, &v.input, format!("/directory/organisations/{id}/edit"), Some(v.version), errs))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MoveForm {
    version: i64,
    parent: String,
}

pub async fn move_to(ctx: Ctx, Path(id): Path<i64>, FormBody(m): FormBody<MoveForm>) -> AppResult<Response> {
    let (o, access) = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let codes = store::codes(ctx.db(), &o, &access).await?;
    let mut input = OrgInput::from_record(&o, &codes);
    input.parent = m.parent.trim().to_string();
    match store::update(ctx.db(), &ctx.viewer, id, m.version, &input, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{id}"), Msg::new("移動しました。", "Moved."))),
        Err(AppError::Validation(errs)) => detail_view(&ctx, id, CountInput::default(), errs).await,
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VersionForm {
    version: i64,
}

async fn set_archived(ctx: Ctx, id: i64, version: i64, archive: bool) -> AppResult<Response> {
    match store::set_archived(ctx.db(), &ctx.viewer, id, version, archive, ctx.now).await {
        Ok(_) => {
            let msg = if archive { Msg::new("アーカイブしました。", "Archived.") } else { Msg::new("元に戻しました。", "Restored.") };
            Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{id}"), msg))
        }
        Err(AppError::Validation(errs)) => detail_view(&ctx, id, CountInput::default(), errs).await,
        Err(e) => Err(e),
    }
}

pub async fn archive(ctx: Ctx, Path(id): Path<i64>, FormBody(v): FormBody<VersionForm>) -> AppResult<Response> {
    set_archived(ctx, id, v.version, true).await
}

pub async fn restore(ctx: Ctx, Path(id): Path<i64>, FormBody(v): FormBody<VersionForm>) -> AppResult<Response> {
    set_archived(ctx, id, v.version, false).await
}

pub async fn save_counts(ctx: Ctx, Path(id): Path<i64>, FormBody(f): FormBody<CountInput>) -> AppResult<Response> {
    match counts::save(ctx.db(), &ctx.viewer, id, &f, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{id}#counts"), Msg::new("人数を記録しました。", "Counts recorded."))),
        Err(AppError::Validation(errs)) => detail_view(&ctx, id, f, errs).await,
        Err(e) => Err(e),
    }
}
