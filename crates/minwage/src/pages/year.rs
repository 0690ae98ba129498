//! The fiscal year's analysis for the federation's members: the map (by gap or by status), the
//! summaries by prefecture, industry and industrial union, the wages at risk next year, and the
//! table of every industry wage, filtered and sorted, with its exports. It shows the wages the
//! reader may see; an anonymous reader is sent to the login (the public page is the results).

use super::fmt::pref_name;
use super::view::{self, Colour, GroupRow, WageRow};
use crate::analysis::{Analysis, Line};
use crate::store;
use askama::Template;
use axum::response::Response;
use kumiai_core::{GovYear, Lang};
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::{Crumb, Ctx, PathParams, QueryParams};
use kumiai_platform::{AppError, AppResult};

#[derive(serde::Deserialize, Default, Clone)]
#[serde(default)]
pub struct Filter {
    pub pref: String,
    pub industry: String,
    pub iu: String,
    /// below | risk | behind (raised less than the regional wage)
    pub only: String,
    /// A column key, "-" first for descending.
    pub sort: String,
    pub colour: String,
    /// The page of the table (1-based; out-of-range pages are clamped).
    pub page: Option<String>,
    /// The summary tables' order (count, below, risk, raise, gap).
    pub gsort: String,
}

impl Filter {
    fn keeps(&self, l: &Line) -> bool {
        (self.pref.is_empty() || l.prefecture_code == self.pref)
            && (self.industry.is_empty() || l.industry == self.industry)
            && (self.iu.is_empty() || l.industrial_unions.iter().any(|u| *u == self.iu))
            && match self.only.as_str() {
                "below" => l.below_regional == Some(true),
                "risk" => l.at_risk_next_year == Some(true),
                "behind" => l.raise_at_least_regional == Some(false),
                _ => true,
            }
    }
    pub fn query(&self, sort: &str) -> String {
        let enc = kumiai_platform::text::percent_encode;
        format!("pref={}&industry={}&iu={}&only={}&sort={}&colour={}", enc(&self.pref), enc(&self.industry), enc(&self.iu), enc(&self.only), enc(sort), enc(&self.colour))
    }
}

pub const SORTS: [(&str, &str, &str); 7] = [
    ("pref", "都道府県", "Prefecture"),
    ("industry", "業種", "Industry"),
    ("hourly", "時間額", "Hourly"),
    ("raise", "引上げ額", "Raise"),
    ("regional_raise", "地域別の引上げ", "Regional raise"),
    ("gap", "水準差", "Gap"),
    ("covered", "適用労働者数", "Covered workers"),
];

/// The analysis' lines the filter keeps, in its order (unknown figures last either way).
pub fn chosen<'a>(a: &'a Analysis, f: &Filter) -> Vec<&'a Line> {
    let mut v: Vec<&Line> = a.lines.iter().filter(|l| f.keeps(l)).collect();
    let (desc, key) = match f.sort.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, f.sort.as_str()),
    };
    let num = |l: &Line| -> Option<i64> {
        match key {
            "hourly" => l.hourly_yen,
            "raise" => l.raise_yen,
            "regional_raise" => l.regional_raise_yen,
            "gap" => l.gap_yen,
            "covered" => l.covered_workers,
            _ => None,
        }
    };
    match key {
        "industry" => v.sort_by(|a, b| (&a.industry, &a.prefecture_code).cmp(&(&b.industry, &b.prefecture_code))),
        "hourly" | "raise" | "regional_raise" | "gap" | "covered" => v.sort_by(|a, b| match (num(a), num(b)) {
            (Some(x), Some(y)) => if desc { y.cmp(&x) } else { x.cmp(&y) },
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => std::cmp::Ordering::Equal,
        }),
        _ => {}
    }
    if desc && matches!(key, "pref" | "industry" | "") {
        v.reverse();
    }
    v
}

#[derive(Template)]
#[template(path = "minwage_year.html")]
struct YearBody {
    l: Lang,
    year: i64,
    years: Vec<(i64, String)>,
    colour: &'static str,
    map: String,
    overall: Vec<GroupRow>,
    prefs: Vec<GroupRow>,
    industries: Vec<GroupRow>,
    unions: Vec<GroupRow>,
    risks: Vec<WageRow>,
    risk_total: usize,
    rows: Vec<WageRow>,
    total: usize,
    /// The first row's number, and the neighbouring pages' links.
    first: usize,
    prev: Option<String>,
    next: Option<String>,
    f: Filter,
    pref_options: Vec<(String, String)>,
    industry_options: Vec<String>,
    iu_options: Vec<String>,
    /// (label, href, aria-sort)
    heads: Vec<(String, String, &'static str)>,
    query: String,
    /// The summary tables' sort links start with this; their current key.
    sort_base: String,
    gsort: String,
    hq_editor: bool,
    csrf: String,
    results: Option<String>,
    undecided: usize,
}

/// Rows of the table per page (the exports hold all), and wages at risk listed before a link to
/// the rest.
const PAGE_ROWS: usize = 200;
const RISKS_SHOWN: usize = 30;

pub async fn year(ctx: Ctx, PathParams(year): PathParams<i64>, QueryParams(f): QueryParams<Filter>) -> AppResult<Response> {
    if ctx.viewer.is_anonymous() {
        return Err(AppError::Unauthorized);
    }
    if !(1959..=2100).contains(&year) {
        return Err(AppError::NotFound);
    }
    let l = ctx.lang;
    let a = store::analysis(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    let colour = Colour::parse(&f.colour);
    let label = ctx.gov_label(GovYear(year as i32));
    let map_title = format!("{label} {}", if colour == Colour::Gap { l.t("特定最低賃金と地域別最低賃金の水準差（都道府県平均）", "Industry minus regional minimum wage (prefecture average)") } else { l.t("特定最低賃金の改正状況", "Where the industry minimum wages stand") });
    let map = view::map_of(&a, colour, l, &map_title, |c| format!("/minwage/prefectures/{c}"));
    let rows = chosen(&a, &f);
    let total = rows.len();
    let pages = total.div_ceil(PAGE_ROWS).max(1);
    let page = f.page.as_deref().and_then(|p| p.trim().parse::<usize>().ok()).unwrap_or(1).clamp(1, pages);
    let first = (page - 1) * PAGE_ROWS;
    let mut years = store::years(ctx.db(), &ctx.viewer, ctx.now).await?;
    if !years.contains(&year) {
        years.push(year);
        years.sort_unstable_by(|a, b| b.cmp(a));
    }
    let (desc, key) = match f.sort.strip_prefix('-') {
        Some(k) => (true, k),
        None => (false, if f.sort.is_empty() { "pref" } else { f.sort.as_str() }),
    };
    let heads = SORTS
        .iter()
        .map(|(k, ja, en)| {
            let on = *k == key;
            let next = if on && !desc { format!("-{k}") } else { k.to_string() };
            (l.t(ja, en).to_string(), format!("/minwage/{year}?{}", f.query(&next)), if !on { "none" } else if desc { "descending" } else { "ascending" })
        })
        .collect();
    let mut iu_options: Vec<String> = a.by_industrial_union.keys().cloned().collect();
    iu_options.sort();
    let results = store::results(ctx.db(), &ctx.viewer, year, ctx.now).await?.map(|r| r.reach.label(l).to_string());
    let body = YearBody {
        l,
        year,
        years: years.into_iter().map(|y| (y, ctx.gov_label(GovYear(y as i32)))).collect(),
        colour: if colour == Colour::Gap { "gap" } else { "status" },
        map,
        overall: vec![view::group_row(l.t("全体", "All").into(), String::new(), &a.summary)],
        prefs: sorted(view::prefecture_rows(&a, l), &f.gsort),
        industries: sorted(view::industry_rows(&a), &f.gsort),
        unions: sorted(a.by_industrial_union.iter().map(|(k, s)| view::group_row(k.clone(), format!("/minwage/{year}?iu={}", kumiai_platform::text::percent_encode(k)), s)).collect(), &f.gsort),
        sort_base: format!("/minwage/{year}?{}&", f.query(&f.sort)),
        gsort: f.gsort.clone(),
        risks: a.lines.iter().filter(|x| x.at_risk_next_year == Some(true)).take(RISKS_SHOWN).map(|x| view::wage_row(x, l)).collect(),
        risk_total: a.summary.at_risk_next_year,
        rows: rows.iter().skip(first).take(PAGE_ROWS).map(|x| view::wage_row(x, l)).collect(),
        total,
        first: first + 1,
        prev: (page > 1).then(|| format!("/minwage/{year}?{}&page={}#wages", f.query(&f.sort), page - 1)),
        next: (page < pages).then(|| format!("/minwage/{year}?{}&page={}#wages", f.query(&f.sort), page + 1)),
        pref_options: a.by_prefecture.keys().map(|c| (c.clone(), pref_name(c, l))).collect(),
        industry_options: a.by_industry.keys().cloned().collect(),
        iu_options,
        heads,
        query: f.query(&f.sort),
        f,
        hq_editor: ctx.viewer.is_hq() && ctx.viewer.has_role(kumiai_core::Role::Editor),
        csrf: ctx.csrf.clone(),
        results,
        undecided: a.summary.undecided,
    };
    let title = format!("{label} {}", l.t("最低賃金", "minimum wages"));
    Ok(render_page(&ctx, &title, &[Crumb::link(l.t("最低賃金", "Minimum wages"), "/minwage"), Crumb::here(&label)], &body))
}

fn sorted(mut rows: Vec<GroupRow>, key: &str) -> Vec<GroupRow> {
    view::sort_groups(&mut rows, key);
    rows
}

/// The year's analysis for an export (members only).
async fn for_export(ctx: &Ctx, year: i64) -> AppResult<Analysis> {
    if ctx.viewer.is_anonymous() {
        return Err(AppError::Unauthorized);
    }
    Ok(store::analysis(ctx.db(), &ctx.viewer, year, ctx.now).await?)
}

/// The table as CSV, as filtered and sorted on the page.
pub async fn csv(ctx: Ctx, PathParams(year): PathParams<i64>, QueryParams(f): QueryParams<Filter>) -> AppResult<Response> {
    let a = for_export(&ctx, year).await?;
    Ok(super::download(&format!("minwage-{year}.csv"), crate::report::csv(&chosen(&a, &f))))
}

/// The table, as on the page, and every summary as a workbook.
pub async fn xlsx(ctx: Ctx, PathParams(year): PathParams<i64>, QueryParams(f): QueryParams<Filter>) -> AppResult<Response> {
    let a = for_export(&ctx, year).await?;
    let bytes = crate::report::xlsx(&a, &chosen(&a, &f)).map_err(AppError::Internal)?;
    Ok(super::download(&format!("minwage-{year}.xlsx"), bytes))
}

#[derive(Template)]
#[template(path = "minwage_index.html")]
struct IndexBody {
    l: Lang,
    member: bool,
    hq_editor: bool,
    /// (year, label, results published to this reader)
    years: Vec<(i64, String, bool)>,
    regional: Vec<(i64, String)>,
    industries: Vec<(String, String)>,
    prefectures: Vec<(String, String)>,
    campaign_years: Vec<i64>,
}

/// The module's front page: the years, the prefectures and industries with series.
pub async fn index(ctx: Ctx) -> AppResult<Response> {
    let l = ctx.lang;
    let member = !ctx.viewer.is_anonymous();
    let mut years: Vec<(i64, String, bool)> = vec![];
    for y in store::years(ctx.db(), &ctx.viewer, ctx.now).await? {
        let published = store::results(ctx.db(), &ctx.viewer, y, ctx.now).await?.is_some();
        if member || published {
            years.push((y, ctx.gov_label(GovYear(y as i32)), published));
        }
    }
    let mut regional: Vec<i64> = store::regional_table(ctx.db()).await?.keys().map(|k| k.0).collect();
    regional.dedup();
    regional.reverse();
    let industries = if member { store::industries(ctx.db(), &ctx.viewer, ctx.now).await?.into_iter().map(|i| (kumiai_platform::text::percent_encode(&i), i)).collect() } else { vec![] };
    let body = IndexBody {
        l,
        member,
        hq_editor: ctx.viewer.is_hq() && ctx.viewer.has_role(kumiai_core::Role::Editor),
        years,
        regional: regional.into_iter().map(|y| (y, ctx.gov_label(GovYear(y as i32)))).collect(),
        industries,
        prefectures: crate::prefecture::ALL.iter().map(|p| (p.code.to_string(), p.name(l).to_string())).collect(),
        campaign_years: kumiai_campaign::store::all(ctx.db()).await?.iter().map(|c| c.year).collect(),
    };
    let title = l.t("最低賃金", "Minimum wages");
    Ok(render_page(&ctx, title, &[Crumb::here(title)], &body))
}
