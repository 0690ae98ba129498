//! The revision campaign's tracker: a dashboard across the 47 prefectures (where each wage's
//! revision stands, what is late), and each wage's page with its steps 申出 → 審議会 → 答申 → 公示
//! → 発効 (dates, the person responsible, notes). Steps carry their own reach (the industrial
//! unions and the head office by default): a prefecture's notes are never public.

use super::fmt::{pref_name, signed, yen, yes_no};
use crate::map::{self, Legend, Tile};
use crate::model::{IndustryWage, Step, StepKind};
use crate::store::{self, StepInput};
use askama::Template;
use axum::response::Response;
use kumiai_core::{GovYear, Lang, Msg, PersonId, Reach};
use kumiai_platform::web::layout::{render_form, render_page};
use kumiai_platform::web::pages::redirect_with_flash;
use kumiai_platform::web::{Crumb, Ctx, FormBody, PathParams};
use kumiai_platform::{AppError, AppResult, Visible};
use std::collections::{BTreeMap, HashMap};

/// Where a wage's revision stands: the last step done (None: not started).
fn stage(steps: &[&Step]) -> Option<StepKind> {
    steps.iter().filter(|s| !s.done_date.is_empty()).filter_map(|s| s.kind()).max()
}

pub struct PrefRow {
    pub code: String,
    pub name: String,
    pub wages: usize,
    /// Wages whose last step done is each of the five, and those not started.
    pub at: [usize; 5],
    pub not_started: usize,
    pub late: usize,
}

pub struct LateRow {
    pub wage_id: i64,
    pub prefecture: String,
    pub industry: String,
    pub step: &'static str,
    pub due: String,
    pub person: String,
}

#[derive(Template)]
#[template(path = "minwage_tracker.html")]
struct DashboardBody {
    l: Lang,
    year: i64,
    map: String,
    steps: Vec<&'static str>,
    prefs: Vec<PrefRow>,
    late: Vec<LateRow>,
    hq_editor: bool,
    csrf: String,
    today: String,
    empty: bool,
}

/// Names of the people the viewer may see, by id.
async fn people(ctx: &Ctx, ids: impl Iterator<Item = i64>) -> AppResult<HashMap<i64, String>> {
    let mut out = HashMap::new();
    for id in ids {
        if out.contains_key(&id) {
            continue;
        }
        if let Ok(p) = kumiai_directory::reference::person(ctx.db(), &ctx.viewer, PersonId(id), ctx.now).await {
            out.insert(id, p.name_kanji.clone());
        }
    }
    Ok(out)
}

pub async fn dashboard(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    if ctx.viewer.is_anonymous() {
        return Err(AppError::Unauthorized);
    }
    let l = ctx.lang;
    let wages = store::wages(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    let steps = store::steps(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    let today = kumiai_core::time::today().to_string();
    let mut of_wage: HashMap<i64, Vec<&Step>> = HashMap::new();
    for s in &steps {
        of_wage.entry(s.industry_id).or_default().push(s.get());
    }
    let mut prefs: BTreeMap<&str, PrefRow> = BTreeMap::new();
    let mut late = vec![];
    let names = people(&ctx, steps.iter().filter_map(|s| s.person_id)).await?;
    for w in &wages {
        let mine = of_wage.get(&w.id).cloned().unwrap_or_default();
        let row = prefs.entry(w.prefecture_code.as_str()).or_insert_with(|| PrefRow { code: w.prefecture_code.clone(), name: pref_name(&w.prefecture_code, l), wages: 0, at: [0; 5], not_started: 0, late: 0 });
        row.wages += 1;
        match stage(&mine) {
            Some(k) => row.at[StepKind::ALL.iter().position(|x| *x == k).unwrap_or(0)] += 1,
            None => row.not_started += 1,
        }
        for s in mine.iter().filter(|s| s.late(&today)) {
            row.late += 1;
            late.push(LateRow {
                wage_id: w.id,
                prefecture: pref_name(&w.prefecture_code, l),
                industry: w.industry.clone(),
                step: s.kind().map_or("", |k| k.label(l)),
                due: s.due_date.clone(),
                person: s.person_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(),
            });
        }
    }
    late.sort_by(|a, b| a.due.cmp(&b.due));
    let legend = vec![
        Legend { label: l.t("遅れあり", "Late").into(), colour: map::STATUS[4] },
        Legend { label: l.t("未着手あり", "Some not started").into(), colour: map::STATUS[3] },
        Legend { label: l.t("申出〜答申", "Petition to recommendation").into(), colour: map::STATUS[1] },
        Legend { label: l.t("すべて公示以降", "All at notice or later").into(), colour: map::STATUS[2] },
    ];
    let tiles: Vec<Tile> = crate::prefecture::ALL
        .iter()
        .map(|p| {
            let r = prefs.get(p.code);
            let class = match r {
                None => usize::MAX,
                Some(r) if r.late > 0 => 0,
                Some(r) if r.not_started > 0 => 1,
                Some(r) if r.at[0] + r.at[1] + r.at[2] > 0 => 2,
                Some(_) => 3,
            };
            let (value, title) = match r {
                Some(r) => (format!("{}/{}", r.at[3] + r.at[4], r.wages), format!("{}: {} {} · {} {} · {} {}", p.name(l), l.t("件数", "wages"), r.wages, l.t("公示以降", "at notice or later"), r.at[3] + r.at[4], l.t("遅れ", "late"), r.late)),
                None => (String::new(), format!("{}: {}", p.name(l), l.t("データなし", "no data"))),
            };
            Tile { code: p.code, class, value, title, href: format!("/minwage/{year}?pref={}#wages", p.code) }
        })
        .collect();
    let label = ctx.gov_label(GovYear(year as i32));
    let body = DashboardBody {
        l,
        year,
        map: map::tile_map(&format!("{label} {}", l.t("特定最低賃金の改正の進み具合", "revision progress")), &tiles, &legend, l.t("データなし", "No data"), l),
        steps: StepKind::ALL.iter().map(|k| k.label(l)).collect(),
        empty: wages.is_empty(),
        prefs: prefs.into_values().collect(),
        late,
        hq_editor: ctx.viewer.is_hq() && ctx.viewer.has_role(kumiai_core::Role::Editor),
        csrf: ctx.csrf.clone(),
        today,
    };
    let title = format!("{label} {}", l.t("改正の取組み", "revision tracker"));
    Ok(render_page(&ctx, &title, &[Crumb::link(l.t("最低賃金", "Minimum wages"), "/minwage"), Crumb::link(&label, format!("/minwage/{year}")), Crumb::here(l.t("改正の取組み", "Revision tracker"))], &body))
}

/// Every step of the year's revisions the reader may see, as CSV (the dashboard's data).
pub async fn csv(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    if ctx.viewer.is_anonymous() {
        return Err(AppError::Unauthorized);
    }
    let wages: HashMap<i64, Visible<IndustryWage>> = store::wages(ctx.db(), &ctx.viewer, year, ctx.now).await?.into_iter().map(|w| (w.id, w)).collect();
    let steps = store::steps(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    let names = people(&ctx, steps.iter().filter_map(|s| s.person_id)).await?;
    let today = kumiai_core::time::today().to_string();
    let rows = steps.iter().filter_map(|s| {
        let w = wages.get(&s.industry_id)?;
        Some(vec![
            w.prefecture_code.clone(),
            w.industry.clone(),
            s.step.clone(),
            s.due_date.clone(),
            s.done_date.clone(),
            s.late(&today).to_string(),
            s.person_id.and_then(|p| names.get(&p).cloned()).unwrap_or_default(),
            s.note.clone(),
        ])
    });
    let headers = ["prefecture_code", "industry", "step", "due_date", "done_date", "late", "responsible", "note"];
    Ok(super::download(&format!("tracker-{year}.csv"), crate::report::csv_of(&headers, rows)))
}

/// Opens the year's revision from last year's wages (the head office's editors).
pub async fn open(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Response> {
    let rep = store::open_year(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    Ok(redirect_with_flash(&ctx, &format!("/minwage/{year}/tracker"), Msg::new(format!("前年度から{}件の改正を用意しました。", rep.created), format!("{} revisions opened from last year.", rep.created))))
}

pub struct StepRow {
    pub code: &'static str,
    pub label: &'static str,
    pub due: String,
    pub done: String,
    pub person_id: String,
    pub person: String,
    pub note: String,
    pub reach: Reach,
    pub version: i64,
    pub late: bool,
}

#[derive(Template)]
#[template(path = "minwage_wage.html")]
struct WageBody<'a> {
    l: Lang,
    w: &'a IndustryWage,
    prefecture: String,
    year_label: String,
    status: String,
    figures: Vec<(&'static str, String)>,
    steps: Vec<StepRow>,
    editable: bool,
    csrf: String,
    reaches: [Reach; 4],
    errors: Vec<kumiai_platform::FieldError>,
}

async fn wage_page(ctx: &Ctx, w: Visible<IndustryWage>, errors: Vec<kumiai_platform::FieldError>) -> AppResult<Response> {
    let l = ctx.lang;
    let regional = store::regional_years(ctx.db(), w.fiscal_year).await?;
    let a = crate::analysis::analyse(w.get(), &regional);
    let all = store::steps(ctx.db(), &ctx.viewer, w.fiscal_year, ctx.now).await?;
    let mine: Vec<&Step> = all.iter().filter(|s| s.industry_id == w.id).map(|s| s.get()).collect();
    let names = people(ctx, mine.iter().filter_map(|s| s.person_id)).await?;
    let today = kumiai_core::time::today().to_string();
    let steps = StepKind::ALL
        .iter()
        .map(|k| {
            let s = mine.iter().find(|s| s.kind() == Some(*k));
            StepRow {
                code: k.as_str(),
                label: k.label(l),
                due: s.map(|s| s.due_date.clone()).unwrap_or_default(),
                done: s.map(|s| s.done_date.clone()).unwrap_or_default(),
                person_id: s.and_then(|s| s.person_id).filter(|p| names.contains_key(p)).map(|p| p.to_string()).unwrap_or_default(),
                person: s.and_then(|s| s.person_id).and_then(|p| names.get(&p).cloned()).unwrap_or_default(),
                note: s.map(|s| s.note.clone()).unwrap_or_default(),
                reach: s.map_or(Reach::Industrial, |s| s.reach),
                version: s.map_or(0, |s| s.version),
                late: s.is_some_and(|s| s.late(&today)),
            }
        })
        .collect();
    let editable = store::may_track(ctx.db(), &ctx.viewer, w.get(), ctx.now).await?;
    let figures = vec![
        (l.t("時間額", "Hourly"), yen(a.hourly_yen)),
        (l.t("改正前", "Previous"), yen(a.previous_hourly_yen)),
        (l.t("引上げ額", "Raise"), signed(a.raise_yen)),
        (l.t("地域別最低賃金", "Regional minimum wage"), yen(a.regional_hourly_yen)),
        (l.t("地域別の引上げ額", "Regional raise"), signed(a.regional_raise_yen)),
        (l.t("水準差", "Gap"), signed(a.gap_yen)),
        (l.t("地域別を下回る", "Below regional"), yes_no(a.below_regional, l).into()),
        (l.t("地域別以上の引上げ", "Raised at least as much as regional"), yes_no(a.raise_at_least_regional, l).into()),
        (l.t("来年度に下回るおそれ", "At risk next year"), yes_no(a.at_risk_next_year, l).into()),
        (l.t("発効日", "Effective date"), if w.effective_date.is_empty() { "—".into() } else { w.effective_date.clone() }),
        (l.t("適用労働者数", "Covered workers"), yen(w.covered_workers)),
        (l.t("関係産別", "Industrial unions"), w.unions().collect::<Vec<_>>().join(", ")),
    ];
    let failed = !errors.is_empty();
    let body = WageBody {
        l,
        w: w.get(),
        prefecture: pref_name(&w.prefecture_code, l),
        year_label: ctx.gov_label(GovYear(w.fiscal_year as i32)),
        status: w.wage_status().map_or_else(|| l.t("未定", "Not decided").to_string(), |s| s.label(l).to_string()),
        figures,
        steps,
        editable,
        csrf: ctx.csrf.clone(),
        reaches: Reach::ALL,
        errors,
    };
    let title = format!("{} {}", pref_name(&w.prefecture_code, l), w.industry);
    let year = w.fiscal_year;
    Ok(render_form(
        ctx,
        &title,
        &[Crumb::link(l.t("最低賃金", "Minimum wages"), "/minwage"), Crumb::link(&ctx.gov_label(GovYear(year as i32)), format!("/minwage/{year}")), Crumb::here(&title)],
        &body,
        failed,
    ))
}

pub async fn wage(ctx: Ctx, PathParams(id): PathParams<i64>) -> AppResult<Response> {
    if ctx.viewer.is_anonymous() {
        return Err(AppError::Unauthorized);
    }
    let w = store::wage(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    wage_page(&ctx, w, vec![]).await
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    due_date: String,
    done_date: String,
    person_id: String,
    note: String,
    reach: String,
    version: i64,
}

pub async fn save(ctx: Ctx, PathParams((id, step)): PathParams<(i64, String)>, FormBody(f): FormBody<StepForm>) -> AppResult<Response> {
    let w = store::wage(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let kind = StepKind::parse(&step).ok_or(AppError::NotFound)?;
    let mut errors = vec![];
    let person_id = match f.person_id.trim() {
        "" => None,
        t => match t.parse::<i64>() {
            Ok(n) => Some(n),
            Err(_) => {
                errors.push(kumiai_platform::FieldError::refused("person_id", t, "名簿から選んでください。", "Choose a person from the directory."));
                None
            }
        },
    };
    // A save that names no reach keeps the step's own.
    let reach = Reach::parse(&f.reach);
    if !errors.is_empty() {
        return wage_page(&ctx, w, errors).await;
    }
    let input = StepInput { due_date: f.due_date.trim().to_string(), done_date: f.done_date.trim().to_string(), person_id, note: f.note, reach };
    match store::save_step(ctx.db(), &ctx.viewer, &w, kind, &input, f.version, ctx.now).await {
        Ok(_) => Ok(redirect_with_flash(&ctx, &format!("/minwage/wages/{id}"), Msg::new(format!("{}を記録しました。", kind.label(Lang::Ja)), format!("{} recorded.", kind.label(Lang::En))))),
        Err(AppError::Validation(errs)) => wage_page(&ctx, w, errs).await,
        Err(e) => Err(e),
    }
}
