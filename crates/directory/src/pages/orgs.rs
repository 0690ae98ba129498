//! Organisation pages: list, detail, create, edit, move, archive/restore, member counts.

use crate::counts::{self, CountInput, MemberCount};
use crate::org::store::{self, ListQuery, OrgName};
use crate::org::{Codes, ListRow, OrgInput, Organisation};
use crate::people::{Named, PersonRow};
use crate::people::store::{PeopleQuery, list as list_people};
use askama::Template;
use axum::http::StatusCode;
use axum::response::Response;
use kumiai_core::{Lang, Msg, OrgId, OrgKind, Role, time};
use kumiai_platform::db::{SortDir, Total, group_digits};
use kumiai_platform::text::query_string;
use kumiai_platform::web::layout::{history, render_form, render_page};
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormBody, FormErrors, Patch, PathParams, QueryParams, VersionForm};
use kumiai_platform::{AppError, AppResult, FieldError, Visible};
use serde::Deserialize;

fn crumbs(ctx: &Ctx) -> Crumb {
    Crumb::link(ctx.t("組織", "Organisations"), "/directory/organisations")
}

#[derive(Template)]
#[template(path = "org_list.html")]
struct ListBody<'a> {
    l: Lang,
    q: &'a ListQuery,
    rows: &'a [Visible<ListRow>],
    total: String,
    page: i64,
    pages: i64,
    base: String,
    sort_base: String,
    export_qs: String,
    fiscal: String,
    can_create: bool,
    /// Head-office admins and industrial unions' admins import spreadsheets.
    can_import: bool,
    kinds: Vec<(&'static str, &'static str)>,
    parent_name: Option<String>,
}

impl ListBody<'_> {
    fn num(&self, n: &Option<i64>) -> String {
        n.map(group_digits).unwrap_or_default()
    }
    /// The link for a column header: sorts by `col`, flipping the direction if already sorted by it.
    fn sort_href(&self, col: &str) -> String {
        let dir = if self.q.sort.as_str() == col && self.q.dir != SortDir::Desc { "desc" } else { "asc" };
        format!("{}sort={col}&dir={dir}", self.sort_base)
    }
    fn sorted(&self, col: &str) -> &'static str {
        match (self.q.sort.as_str() == col, self.q.dir == SortDir::Desc) {
            (true, true) => "descending",
            (true, false) => "ascending",
            _ => "none",
        }
    }
}

fn filter_pairs(q: &ListQuery) -> Vec<(&'static str, String)> {
    vec![
        ("q", q.q.clone()),
        ("kind", q.kind_code().to_string()),
        ("parent", q.parent.map(|p| p.to_string()).unwrap_or_default()),
        ("country", q.country.clone()),
        ("archived", q.archived.as_str().to_string()),
    ]
}

pub async fn list(ctx: Ctx, QueryParams(mut q): QueryParams<ListQuery>) -> AppResult<Response> {
    q.lang = ctx.lang;
    let fy = ctx.fiscal_year();
    let (rows, total) = store::list(ctx.db(), &ctx.viewer, &q, fy.0, ctx.now).await?;
    let parent_name = match q.parent {
        Some(p) => store::names(ctx.db(), &ctx.viewer, &[p], ctx.now).await?.pop().map(|o| o.name(ctx.lang).to_string()),
        None => None,
    };
    let filters = filter_pairs(&q);
    let mut with_sort = filters.clone();
    with_sort.extend([("sort", q.sort.as_str().to_string()), ("dir", q.dir.as_str().to_string())]);
    let l = ctx.lang;
    let paging = q.paging();
    let body = ListBody {
        l,
        q: &q,
        rows: &rows,
        total: total.label(l),
        page: paging.page,
        pages: total.pages(paging.per_page),
        base: format!("/directory/organisations{}", query_string(&with_sort)),
        sort_base: format!("/directory/organisations{}", query_string(&filters)),
        export_qs: query_string(&with_sort),
        fiscal: ctx.fy_label(fy),
        can_create: ctx.viewer.has_role(Role::Editor),
        can_import: crate::io::import::may_import(&ctx.viewer, crate::io::Sheet::Counts),
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
    o: &'a Visible<Organisation>,
    kind: &'static str,
    reach: &'static str,
    parent: Option<Visible<OrgName>>,
    company: Option<Visible<OrgName>>,
    children: Vec<Visible<ListRow>>,
    children_total: Total,
    linked: Vec<Visible<ListRow>>,
    people: Vec<Visible<PersonRow>>,
    people_total: Total,
    counts: Vec<MemberCount>,
    can_edit: bool,
    codes: Codes,
    embargo: String,
    history: String,
    count_form: CountInput,
    errs: FormErrors,
    fiscal_now: i64,
    fiscal_hint: String,
    /// The counts year by year, with the unions' sum beside the organisation's own figure.
    years: Vec<YearRow>,
    /// For an industrial union or the head office: how many enterprise unions below it the
    /// reader sees (None for other kinds).
    rollup_unions: Option<i64>,
    /// The trend chart (SVG), empty with fewer than two years.
    chart: String,
}

/// One year of the counts table.
struct YearRow {
    label: String,
    members: Option<i64>,
    dues: Option<i64>,
    /// (sum of the unions' counts, how many reported).
    sum: Option<(i64, i64)>,
}

impl YearRow {
    /// The organisation's own figure minus its unions' sum, when both are known.
    fn diff(&self) -> Option<i64> {
        Some(self.members? - self.sum?.0)
    }
}

/// The years of `counts` and `sums` together, newest first.
fn year_rows(ctx: &Ctx, counts: &[MemberCount], sums: &[crate::rollup::Rollup]) -> Vec<YearRow> {
    let mut years: Vec<i64> = counts.iter().map(|c| c.fiscal_year).chain(sums.iter().map(|s| s.fiscal_year)).collect();
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    years
        .into_iter()
        .map(|y| {
            let own = counts.iter().find(|c| c.fiscal_year == y);
            YearRow {
                label: ctx.fy_label(kumiai_core::FiscalYear(y as i32)),
                members: own.map(|c| c.members),
                dues: own.and_then(|c| c.dues_paying),
                sum: sums.iter().find(|s| s.fiscal_year == y).map(|s| (s.members, s.reporting)),
            }
        })
        .collect()
}

/// Members by year as a line chart; for an industrial union, its unions' sum as a second line.
fn trend_chart(ctx: &Ctx, counts: &[MemberCount], sums: &[crate::rollup::Rollup]) -> String {
    use kumiai_platform::web::chart::{Series, line_chart};
    let own = Series { name: ctx.t("報告された組合員数", "Reported members"), points: counts.iter().rev().map(|c| (c.fiscal_year, c.members)).collect() };
    let mut series = vec![own];
    if !sums.is_empty() {
        series.push(Series { name: ctx.t("単組の合計", "Sum of its unions"), points: sums.iter().rev().map(|s| (s.fiscal_year, s.members)).collect() });
    }
    let years = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect::<std::collections::BTreeSet<_>>();
    if years.len() < 2 {
        return String::new();
    }
    line_chart(ctx.t("組合員数の推移", "Members, year by year"), &series, |y| ctx.fy_label(kumiai_core::FiscalYear(y as i32)), group_digits)
}

impl DetailBody<'_> {
    fn num(&self, n: &Option<i64>) -> String {
        n.map(group_digits).unwrap_or_default()
    }
    fn int(&self, n: &i64) -> String {
        group_digits(*n)
    }
    /// A difference with its sign: +1,200 / -300 / 0.
    fn signed(&self, n: &i64) -> String {
        if *n > 0 { format!("+{}", group_digits(*n)) } else { group_digits(*n) }
    }
    /// Unions move in the tree; other kinds sit outside it.
    fn movable(&self) -> bool {
        matches!(self.o.kind, OrgKind::IndustrialUnion | OrgKind::EnterpriseUnion)
    }
}

/// "2027年度 = 2026年9月1日〜2027年8月31日", so whoever records a count knows which year is which.
fn fiscal_hint(ctx: &Ctx) -> String {
    let fy = ctx.fiscal_year();
    match ctx.state.config.calendar.bounds(fy) {
        Some((a, b)) => match ctx.lang {
            Lang::Ja => format!("{}＝{}年{}月{}日〜{}年{}月{}日", ctx.fy_label(fy), a.year(), a.month(), a.day(), b.year(), b.month(), b.day()),
            Lang::En => format!("{} = {} to {}", ctx.fy_label(fy), a, b),
        },
        None => String::new(),
    }
}

async fn detail_view(ctx: &Ctx, id: OrgId, count_form: CountInput, errs: Vec<FieldError>) -> AppResult<Response> {
    let o = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let fy = ctx.fiscal_year();
    let editable = o.can_edit(&ctx.viewer, ctx.now);
    let (children, children_total) = store::list(ctx.db(), &ctx.viewer, &ListQuery { parent: Some(id), per_page: Some(100), ..Default::default() }, fy.0, ctx.now).await?;
    let linked = store::linked(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let (people, people_total) = list_people(ctx.db(), &ctx.viewer, &PeopleQuery { org: Some(id), per_page: Some(100), ..Default::default() }, ctx.now).await?;
    let codes = if editable { store::codes(ctx.db(), &ctx.viewer, &o, ctx.now).await? } else { Codes::default() };
    let history = history(ctx, &o, editable).await?;
    let status = if errs.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let mut related = store::names(ctx.db(), &ctx.viewer, &[o.parent_id, o.company_id].into_iter().flatten().collect::<Vec<_>>(), ctx.now).await?;
    let company = o.company_id.and_then(|c| related.iter().position(|r| r.id == c)).map(|i| related.remove(i));
    let parent = o.parent_id.and_then(|p| related.iter().position(|r| r.id == p)).map(|i| related.remove(i));
    let ancestors = store::visible_ancestors(ctx.db(), &ctx.viewer, &o, ctx.now).await?;
    let counts = counts::of_org(ctx.db(), &o).await?;
    let (sums, unions) = crate::rollup::of(ctx.db(), &ctx.viewer, &o, ctx.now).await?;
    let body = DetailBody {
        l: ctx.lang,
        csrf: &ctx.csrf,
        kind: o.kind.label(ctx.lang),
        reach: o.reach.label(ctx.lang),
        parent,
        company,
        children,
        children_total,
        linked,
        people,
        people_total,
        years: year_rows(ctx, &counts, &sums),
        chart: trend_chart(ctx, &counts, &sums),
        rollup_unions: crate::rollup::rolls_up(o.kind).then_some(unions),
        counts,
        can_edit: editable,
        codes,
        embargo: o.embargo_until.map(time::format_ms).unwrap_or_default(),
        history,
        count_form,
        errs: FormErrors::new(errs, ctx.lang),
        fiscal_now: i64::from(fy.0),
        fiscal_hint: fiscal_hint(ctx),
        o: &o,
    };
    let mut crumbs_v = vec![crumbs(ctx)];
    for a in &ancestors {
        crumbs_v.push(Crumb::link(a.name(ctx.lang), format!("/directory/organisations/{}", a.id)));
    }
    crumbs_v.push(Crumb::here(o.name(ctx.lang)));
    let mut r = render_page(ctx, o.name(ctx.lang), &crumbs_v, &body);
    *r.status_mut() = status;
    Ok(r)
}

pub async fn detail(ctx: Ctx, PathParams(id): PathParams<OrgId>) -> AppResult<Response> {
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
    let f = OrgInput { parent: nq.parent, kind: if nq.kind.is_empty() { "enterprise_union".into() } else { nq.kind }, reach: "affiliates".into(), country: "JP".into(), ..Default::default() };
    let title = ctx.t("組織の登録", "New organisation");
    Ok(form_page(&ctx, title, vec![crumbs(&ctx), Crumb::here(title)], &f, "/directory/organisations/new".into(), None, vec![]))
}

pub async fn create(ctx: Ctx, FormBody(f): FormBody<OrgInput>) -> AppResult<Response> {
    ctx.require_role(Role::Editor)?;
    match store::create(ctx.db(), &ctx.viewer, &f, ctx.now).await {
        Ok(o) => Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{}", o.id), Msg::new("組織を登録しました。", "Organisation created."))),
        Err(AppError::Validation(errs)) => {
            let title = ctx.t("組織の登録", "New organisation");
            Ok(form_page(&ctx, title, vec![crumbs(&ctx), Crumb::here(title)], &f, "/directory/organisations/new".into(), None, errs))
        }
        Err(e) => Err(e),
    }
}

pub async fn edit_form(ctx: Ctx, PathParams(id): PathParams<OrgId>) -> AppResult<Response> {
    let o = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    if !o.can_edit(&ctx.viewer, ctx.now) {
        return Err(ctx.refuse());
    }
    let codes = store::codes(ctx.db(), &ctx.viewer, &o, ctx.now).await?;
    let f = OrgInput::from_record(&o, &codes);
    let title = format!("{}: {}", ctx.t("編集", "Edit"), o.name(ctx.lang));
    let cr = vec![crumbs(&ctx), Crumb::link(o.name(ctx.lang), format!("/directory/organisations/{id}")), Crumb::here(ctx.t("編集", "Edit"))];
    Ok(form_page(&ctx, &title, cr, &f, format!("/directory/organisations/{id}/edit"), Some(o.version), vec![]))
}

/// The edit form and the move form: both send the fields they change (and the version).
pub async fn update(ctx: Ctx, PathParams(id): PathParams<OrgId>, patch: Patch) -> AppResult<Response> {
    let moving = !patch.names("name_ja");
    match store::update(ctx.db(), &ctx.viewer, id, &patch, ctx.now).await {
        Ok(_) => {
            let msg = if moving { Msg::new("移動しました。", "Moved.") } else { Msg::new("保存しました。", "Saved.") };
            Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{id}"), msg))
        }
        Err(AppError::Validation(errs)) if moving => detail_view(&ctx, id, CountInput::default(), errs).await,
        Err(AppError::Validation(errs)) => {
            // Shown again as the user sent it, on top of what is stored.
            let o = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
            let codes = store::codes(ctx.db(), &ctx.viewer, &o, ctx.now).await?;
            let f = patch.apply(&OrgInput::from_record(&o, &codes)).unwrap_or_else(|_| OrgInput::from_record(&o, &codes));
            let title = ctx.t("組織の編集", "Edit organisation");
            let cr = vec![crumbs(&ctx), Crumb::here(title)];
            Ok(form_page(&ctx, title, cr, &f, format!("/directory/organisations/{id}/edit"), patch.version().ok(), errs))
        }
        Err(e) => Err(e),
    }
}

async fn set_archived(ctx: Ctx, id: OrgId, version: i64, archive: bool) -> AppResult<Response> {
    match store::set_archived(ctx.db(), &ctx.viewer, id, version, archive, ctx.now).await {
        Ok(_) => {
            let msg = if archive { Msg::new("アーカイブしました。", "Archived.") } else { Msg::new("元に戻しました。", "Restored.") };
            Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{id}"), msg))
        }
        Err(AppError::Validation(errs)) => detail_view(&ctx, id, CountInput::default(), errs).await,
        Err(e) => Err(e),
    }
}

pub async fn archive(ctx: Ctx, PathParams(id): PathParams<OrgId>, FormBody(v): FormBody<VersionForm>) -> AppResult<Response> {
    set_archived(ctx, id, v.version, true).await
}

pub async fn restore(ctx: Ctx, PathParams(id): PathParams<OrgId>, FormBody(v): FormBody<VersionForm>) -> AppResult<Response> {
    set_archived(ctx, id, v.version, false).await
}

pub async fn save_counts(ctx: Ctx, PathParams(id): PathParams<OrgId>, FormBody(f): FormBody<CountInput>) -> AppResult<Response> {
    match counts::save(ctx.db(), &ctx.viewer, id, &f, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/directory/organisations/{id}#counts"), Msg::new("人数を記録しました。", "Counts recorded."))),
        Err(AppError::Validation(errs)) => detail_view(&ctx, id, f, errs).await,
        Err(e) => Err(e),
    }
}
