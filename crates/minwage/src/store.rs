//! Storing and reading the module's records. Every write goes through the audited, versioned
//! path; reach-bearing records are read through the reach layer. Regional wages are the shipped
//! reference table overlaid with imported rows.

use crate::analysis::{self, Analysis, RegionalYears};
use crate::files::{AgreementRow, IndustryRow, RegionalRow};
use crate::model::*;
use kumiai_core::{Reach, Role, Viewer};
use kumiai_platform::audit::{self, Actor, Val};
use kumiai_platform::db::Db;
use kumiai_platform::{AppError, AppResult, FieldError, Record, Visible, reach};
use std::collections::{BTreeMap, HashMap};

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

pub(crate) fn hq_editor(viewer: &Viewer) -> AppResult<()> {
    if viewer.is_hq() && viewer.has_role(Role::Editor) { Ok(()) } else { Err(AppError::Forbidden) }
}

/// A regional wage as the analysis reads it, and whether it came from an import.
#[derive(Clone, Debug, serde::Serialize)]
pub struct RegionalFigure {
    pub hourly_yen: Option<i64>,
    pub effective_date: String,
    pub note: String,
    pub imported: bool,
}

async fn stored_regional(db: &Db, where_: &str, vals: &[Val]) -> sqlx::Result<Vec<Regional>> {
    db.fetch_cached(format!("{} {where_}", Regional::SELECT), vals).await
}

/// Every regional wage, by (fiscal year, prefecture code).
pub async fn regional_table(db: &Db) -> sqlx::Result<BTreeMap<(i64, String), RegionalFigure>> {
    let mut out: BTreeMap<(i64, String), RegionalFigure> = crate::reference::regional()
        .iter()
        .map(|r| ((r.fiscal_year, r.prefecture_code.clone()), RegionalFigure { hourly_yen: r.hourly_yen, effective_date: r.effective_date.clone(), note: r.note.clone(), imported: false }))
        .collect();
    for r in stored_regional(db, "", &[]).await? {
        out.insert((r.fiscal_year, r.prefecture_code), RegionalFigure { hourly_yen: r.hourly_yen, effective_date: r.effective_date, note: r.note, imported: true });
    }
    Ok(out)
}

/// The regional wages of `fy` and the year before, for the analysis.
pub async fn regional_years(db: &Db, fy: i64) -> sqlx::Result<RegionalYears> {
    let mut out = RegionalYears::default();
    for r in crate::reference::regional().iter().filter(|r| r.fiscal_year == fy || r.fiscal_year == fy - 1) {
        put(&mut out, r.fiscal_year == fy, &r.prefecture_code, r.hourly_yen);
    }
    for r in stored_regional(db, "WHERE r.fiscal_year IN ($1, $2)", &[fy.into(), (fy - 1).into()]).await? {
        put(&mut out, r.fiscal_year == fy, &r.prefecture_code, r.hourly_yen);
    }
    Ok(out)
}

fn put(out: &mut RegionalYears, this: bool, pref: &str, hourly: Option<i64>) {
    let m = if this { &mut out.this_year } else { &mut out.last_year };
    match hourly {
        Some(h) => m.insert(pref.to_string(), h),
        // An import that says "unknown" overrides the shipped figure.
        None => m.remove(pref),
    };
}

/// Stores a regional file's rows (the head office's editors), in one transaction.
pub async fn import_regional(db: &Db, viewer: &Viewer, rows: &[RegionalRow]) -> AppResult<Report> {
    hq_editor(viewer)?;
    let existing: HashMap<(i64, String), Regional> = stored_regional(db, "", &[]).await?.into_iter().map(|r| ((r.fiscal_year, r.prefecture_code.clone()), r)).collect();
    let actor = Actor::of(viewer);
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for r in rows {
        let fields = [("hourly_yen", Val::Int(r.hourly_yen)), ("effective_date", r.effective_date.as_str().into()), ("note", r.note.as_str().into())];
        match existing.get(&(r.fiscal_year, r.prefecture_code.clone())) {
            Some(e) if e.hourly_yen == r.hourly_yen && e.effective_date == r.effective_date && e.note == r.note => report.unchanged += 1,
            Some(e) => {
                audit::update(&mut tx, &actor, e, e.version, &fields, None, "import").await.map_err(stale)?;
                report.updated += 1;
            }
            None => {
                let mut f = vec![("fiscal_year", r.fiscal_year.into()), ("prefecture_code", r.prefecture_code.as_str().into())];
                f.extend(fields);
                audit::insert::<Regional>(&mut tx, &actor, &f, None).await?;
                report.created += 1;
            }
        }
    }
    db.commit(tx).await?;
    Ok(report)
}

/// An import racing another write of the same row: nothing is stored, and the user is told.
fn stale(e: audit::UpdateError) -> AppError {
    match e {
        audit::UpdateError::Db(e) => e.into(),
        audit::UpdateError::Stale(_) => AppError::BadRequest(kumiai_core::Msg::new("取り込み中に同じ行が変更されました。何も保存していません。もう一度取り込んでください。", "A row changed while importing. Nothing was saved; import again.")),
    }
}

/// Industry wages of one fiscal year the viewer may see, by prefecture and industry.
pub async fn wages(db: &Db, viewer: &Viewer, fy: i64, now: i64) -> sqlx::Result<Vec<Visible<IndustryWage>>> {
    let f = reach::filter(viewer, "i", INDUSTRY, now);
    let sql = format!("{} WHERE i.fiscal_year = $1 AND {} ORDER BY i.prefecture_code, i.industry", IndustryWage::SELECT, f.sql());
    Ok(f.admit(db.fetch_cached(sql, &[fy.into()]).await?))
}

/// What a series of wages is chosen by.
pub enum Series<'a> {
    Prefecture(&'a str),
    Industry(&'a str),
}

/// Every year's wages of a prefecture or an industry the viewer may see.
pub async fn series(db: &Db, viewer: &Viewer, by: Series<'_>, now: i64) -> sqlx::Result<Vec<Visible<IndustryWage>>> {
    let f = reach::filter(viewer, "i", INDUSTRY, now);
    let (col, v) = match by {
        Series::Prefecture(p) => ("prefecture_code", p),
        Series::Industry(i) => ("industry", i),
    };
    let sql = format!("{} WHERE i.{col} = $1 AND {} ORDER BY i.fiscal_year, i.prefecture_code, i.industry", IndustryWage::SELECT, f.sql());
    Ok(f.admit(db.fetch_cached(sql, &[v.into()]).await?))
}

/// One industry wage, if the viewer may see it.
pub async fn wage(db: &Db, viewer: &Viewer, id: i64, now: i64) -> AppResult<Visible<IndustryWage>> {
    let f = reach::filter(viewer, "i", INDUSTRY, now);
    let sql = format!("{} WHERE i.id = $1 AND {}", IndustryWage::SELECT, f.sql());
    f.admit(db.fetch_cached(sql, &[id.into()]).await?).pop().ok_or(AppError::NotFound)
}

/// The fiscal years with industry wages the viewer may see, newest first, and those with
/// regional wages.
pub async fn years(db: &Db, viewer: &Viewer, now: i64) -> sqlx::Result<Vec<i64>> {
    let f = reach::filter(viewer, "i", INDUSTRY, now);
    let rows: Vec<(i64,)> = db.fetch_cached(format!("SELECT DISTINCT i.fiscal_year FROM minwage_industry i WHERE {} ORDER BY i.fiscal_year DESC", f.sql()), &[]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The distinct industries the viewer may see (for the industry series' index).
pub async fn industries(db: &Db, viewer: &Viewer, now: i64) -> sqlx::Result<Vec<String>> {
    let f = reach::filter(viewer, "i", INDUSTRY, now);
    let rows: Vec<(String,)> = db.fetch_cached(format!("SELECT DISTINCT i.industry FROM minwage_industry i WHERE {} ORDER BY i.industry", f.sql()), &[]).await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// The year's analysis over the wages the viewer may see.
pub async fn analysis(db: &Db, viewer: &Viewer, fy: i64, now: i64) -> sqlx::Result<Analysis> {
    let w: Vec<IndustryWage> = wages(db, viewer, fy, now).await?.into_iter().map(Visible::into_inner).collect();
    let r = regional_years(db, fy).await?;
    Ok(analysis::analysis(fy, &w, &r))
}

/// Stores an industry file's rows (the head office's editors), all or none. A row names its
/// industrial unions by code; unknown codes are refused with their row.
pub async fn import_industry(db: &Db, viewer: &Viewer, file: &str, rows: &[IndustryRow], default_reach: Reach, now: i64) -> AppResult<Report> {
    hq_editor(viewer)?;
    let codes: Vec<String> = rows.iter().flat_map(|r| r.industrial_unions.split(',').map(|s| s.trim().to_string())).filter(|s| !s.is_empty()).collect();
    let known = kumiai_directory::reference::orgs_by_code(db, viewer, &codes, now).await?;
    let mut problems = vec![];
    for r in rows {
        for c in r.industrial_unions.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if !known.get(c).is_some_and(|o| o.kind == kumiai_core::OrgKind::IndustrialUnion) {
                problems.push(FieldError::refused("industrial_unions", c, "産別のコードとして登録されていません。", "is not an industrial union's code.").at(file, r.row));
            }
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let years: Vec<i64> = {
        let mut y: Vec<i64> = rows.iter().map(|r| r.fiscal_year).collect();
        y.sort_unstable();
        y.dedup();
        y
    };
    let mut existing: HashMap<(i64, String, String), IndustryWage> = HashMap::new();
    for y in &years {
        for w in wages(db, viewer, *y, now).await? {
            let w = w.into_inner();
            existing.insert((w.fiscal_year, w.prefecture_code.clone(), w.industry.clone()), w);
        }
    }
    let actor = Actor::of(viewer);
    let hq = viewer.org_id();
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for r in rows {
        let fields = [
            ("title", Val::from(r.title.as_str())),
            ("hourly_yen", Val::Int(r.hourly_yen)),
            ("previous_hourly_yen", Val::Int(r.previous_hourly_yen)),
            ("effective_date", r.effective_date.as_str().into()),
            ("covered_workers", Val::Int(r.covered_workers)),
            ("status", r.status.map_or("", |s| s.as_str()).into()),
            ("industrial_unions", normalise_codes(&r.industrial_unions).into()),
            ("note", r.note.as_str().into()),
        ];
        match existing.get(&(r.fiscal_year, r.prefecture_code.clone(), r.industry.clone())) {
            Some(e) => {
                let mut f = fields.to_vec();
                if let Some(reach) = r.reach {
                    f.push(("reach", reach.as_str().into()));
                }
                let same = e.title == r.title && e.hourly_yen == r.hourly_yen && e.previous_hourly_yen == r.previous_hourly_yen && e.effective_date == r.effective_date
                    && e.covered_workers == r.covered_workers && e.status == r.status.map_or("", |s| s.as_str()) && e.industrial_unions == normalise_codes(&r.industrial_unions)
                    && e.note == r.note && r.reach.is_none_or(|x| x == e.reach);
                if same {
                    report.unchanged += 1;
                } else {
                    audit::update(&mut tx, &actor, e, e.version, &f, None, "import").await.map_err(stale)?;
                    report.updated += 1;
                }
            }
            None => {
                let mut f = vec![
                    ("fiscal_year", r.fiscal_year.into()),
                    ("prefecture_code", r.prefecture_code.as_str().into()),
                    ("industry", r.industry.as_str().into()),
                    ("reach", r.reach.unwrap_or(default_reach).as_str().into()),
                    ("owner_org_id", hq.into()),
                ];
                f.extend(fields);
                audit::insert::<IndustryWage>(&mut tx, &actor, &f, None).await?;
                report.created += 1;
            }
        }
    }
    db.commit(tx).await?;
    Ok(report)
}

fn normalise_codes(s: &str) -> String {
    s.split([',', '、', ' ']).map(str::trim).filter(|c| !c.is_empty()).collect::<Vec<_>>().join(",")
}

/// Opens fiscal year `fy`'s revision: every wage in force the year before gets a row of its own
/// with its amount as the previous one and the revision not decided yet, so the tracker has
/// something to follow. Rows that exist already are left alone.
pub async fn open_year(db: &Db, viewer: &Viewer, fy: i64, now: i64) -> AppResult<Report> {
    hq_editor(viewer)?;
    let before = wages(db, viewer, fy - 1, now).await?;
    let have: std::collections::HashSet<(String, String)> = wages(db, viewer, fy, now).await?.into_iter().map(|w| (w.prefecture_code.clone(), w.industry.clone())).collect();
    let actor = Actor::of(viewer);
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for w in before {
        if w.wage_status() == Some(WageStatus::Abolished) || have.contains(&(w.prefecture_code.clone(), w.industry.clone())) {
            report.unchanged += 1;
            continue;
        }
        let previous = if w.wage_status() == Some(WageStatus::Unchanged) { w.hourly_yen.or(w.previous_hourly_yen) } else { w.hourly_yen };
        audit::insert::<IndustryWage>(
            &mut tx,
            &actor,
            &[
                ("fiscal_year", fy.into()),
                ("prefecture_code", w.prefecture_code.as_str().into()),
                ("industry", w.industry.as_str().into()),
                ("title", w.title.as_str().into()),
                ("previous_hourly_yen", Val::Int(previous)),
                ("covered_workers", Val::Int(w.covered_workers)),
                ("industrial_unions", w.industrial_unions.as_str().into()),
                ("reach", w.reach.as_str().into()),
                ("owner_org_id", w.owner_org_id.into()),
            ],
            None,
        )
        .await?;
        report.created += 1;
    }
    db.commit(tx).await?;
    Ok(report)
}

/// The tracker's steps of a year's wages that the viewer may see.
pub async fn steps(db: &Db, viewer: &Viewer, fy: i64, now: i64) -> sqlx::Result<Vec<Visible<Step>>> {
    let f = reach::filter(viewer, "s", STEP, now);
    let wf = reach::filter(viewer, "i", INDUSTRY, now);
    let sql = format!("{} JOIN minwage_industry i ON i.id = s.industry_id WHERE i.fiscal_year = $1 AND {} AND {} ORDER BY s.industry_id, s.id", Step::SELECT, f.sql(), wf.sql());
    Ok(f.admit(db.fetch_cached(sql, &[fy.into()]).await?))
}

/// Whether the viewer may record the revision of this wage: the head office's editors, and the
/// editors of an industrial union concerned.
pub async fn may_track(db: &Db, viewer: &Viewer, w: &IndustryWage, now: i64) -> sqlx::Result<bool> {
    if !viewer.has_role(Role::Editor) {
        return Ok(false);
    }
    if viewer.is_hq() {
        return Ok(true);
    }
    let Some(org) = viewer.org_id() else { return Ok(false) };
    let Ok(o) = kumiai_directory::reference::org(db, viewer, org, now).await else { return Ok(false) };
    Ok(o.kind == kumiai_core::OrgKind::IndustrialUnion && w.unions().any(|c| c == o.code))
}

/// A step as a form or the command line gives it.
pub struct StepInput {
    pub due_date: String,
    pub done_date: String,
    pub person_id: Option<i64>,
    pub note: String,
    /// None keeps a recorded step's reach (a new step is `industrial`).
    pub reach: Option<Reach>,
}

/// Records one step of a wage's revision (creating it the first time), checked: dates, the person
/// (one of the directory's people the editor may see), the note's length. A stale save of the same
/// step is a conflict with both versions.
pub async fn save_step(db: &Db, viewer: &Viewer, w: &Visible<IndustryWage>, kind: StepKind, input: &StepInput, version: i64, now: i64) -> AppResult<Step> {
    if !may_track(db, viewer, w.get(), now).await? {
        return Err(AppError::Forbidden);
    }
    let mut errs = vec![];
    for (field, v) in [("due_date", &input.due_date), ("done_date", &input.done_date)] {
        if !v.is_empty() && kumiai_core::time::parse_date(v).is_none() {
            errs.push(FieldError::refused(field, v, "日付は YYYY-MM-DD で書いてください。", "Write the date as YYYY-MM-DD."));
        }
    }
    if let Some(p) = input.person_id
        && kumiai_directory::reference::person(db, viewer, kumiai_core::PersonId(p), now).await.is_err()
    {
        errs.push(FieldError::refused("person_id", &p.to_string(), "名簿にいない人です。", "is not a person in the directory."));
    }
    if input.note.chars().count() > 5_000 {
        errs.push(FieldError::new("note", "メモは5,000字までです。", "The notes take at most 5,000 characters."));
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let mut fields = vec![
        ("due_date", Val::from(input.due_date.as_str())),
        ("done_date", input.done_date.as_str().into()),
        ("person_id", Val::Int(input.person_id)),
        ("note", input.note.as_str().into()),
    ];
    fields.extend(input.reach.map(|r| ("reach", Val::from(r.as_str()))));
    let f = reach::filter(viewer, "s", STEP, now);
    let sql = format!("{} WHERE s.industry_id = $1 AND s.step = $2 AND {}", Step::SELECT, f.sql());
    let current = f.admit(db.fetch_cached::<Step>(sql, &[w.id.into(), kind.as_str().into()]).await?).pop();
    let actor = Actor::of(viewer);
    let mut tx = db.begin().await?;
    match current {
        Some(c) => match audit::update(&mut tx, &actor, c.get(), version, &fields, None, "update").await {
            Ok(s) => {
                db.commit(tx).await?;
                Ok(s)
            }
            Err(e) => {
                drop(tx);
                Err(audit::answer::<Step>(e, db, viewer, c.id, &fields, None, version, now).await)
            }
        },
        None => {
            let mut f = vec![("industry_id", w.id.into()), ("step", kind.as_str().into()), ("owner_org_id", viewer.org_id().into())];
            if input.reach.is_none() {
                f.push(("reach", Reach::Industrial.as_str().into()));
            }
            f.extend(fields);
            let s = audit::insert::<Step>(&mut tx, &actor, &f, None).await.map_err(|e| match kumiai_platform::db::unique_violation(&e) {
                // Someone recorded the same step first: a conflict, not a second row.
                Some(_) => AppError::BadRequest(kumiai_core::Msg::new("同じ段階が先に記録されました。開き直してください。", "This step was recorded by someone else first. Open it again.")),
                None => e.into(),
            })?;
            db.commit(tx).await?;
            Ok(s)
        }
    }
}

/// The target for a wage round: its own, or JCM's 2022 figures.
pub async fn target(db: &Db, year: i64) -> sqlx::Result<Target> {
    let t: Option<Target> = db.fetch_cached(format!("{} WHERE t.year = $1", Target::SELECT), &[year.into()]).await?.pop();
    Ok(t.unwrap_or(Target { id: 0, year, monthly_yen: Target::DEFAULT_MONTHLY, hourly_yen: Target::DEFAULT_HOURLY, monthly_hours_tenths: Target::DEFAULT_HOURS_TENTHS, version: 0 }))
}

pub async fn set_target(db: &Db, viewer: &Viewer, year: i64, monthly_yen: i64, hourly_yen: i64, hours_tenths: i64) -> AppResult<Target> {
    hq_editor(viewer)?;
    let mut errs = vec![];
    if !crate::files::MONTHLY.contains(&monthly_yen) {
        errs.push(FieldError::refused("monthly_yen", &monthly_yen.to_string(), "月額は50,000〜1,000,000円です。", "The monthly amount is 50,000 to 1,000,000 yen."));
    }
    if !crate::files::HOURLY.contains(&hourly_yen) {
        errs.push(FieldError::refused("hourly_yen", &hourly_yen.to_string(), "時間額は500〜5,000円です。", "The hourly amount is 500 to 5,000 yen."));
    }
    if !(800..=2_500).contains(&hours_tenths) {
        errs.push(FieldError::refused("monthly_hours", &format!("{:.1}", hours_tenths as f64 / 10.0), "月間所定労働時間は80〜250時間です。", "Monthly hours are 80 to 250."));
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let fields = [("monthly_yen", monthly_yen.into()), ("hourly_yen", hourly_yen.into()), ("monthly_hours_tenths", hours_tenths.into())];
    let current = target(db, year).await?;
    let mut tx = db.begin().await?;
    let t = if current.id == 0 {
        let mut f = vec![("year", year.into())];
        f.extend(fields);
        audit::insert::<Target>(&mut tx, &Actor::of(viewer), &f, None).await?
    } else {
        audit::update(&mut tx, &Actor::of(viewer), &current, current.version, &fields, None, "update").await.map_err(stale)?
    };
    db.commit(tx).await?;
    Ok(t)
}

/// Stores an agreements file (the head office's editors): each union must exist; its row is
/// owned by the union and reaches its industrial union, like the wage round's answers.
pub async fn import_agreements(db: &Db, viewer: &Viewer, file: &str, rows: &[AgreementRow], now: i64) -> AppResult<Report> {
    hq_editor(viewer)?;
    let codes: Vec<String> = rows.iter().map(|r| r.union_code.clone()).collect();
    let known = kumiai_directory::reference::orgs_by_code(db, viewer, &codes, now).await?;
    let mut problems = vec![];
    let mut unions = HashMap::new();
    for r in rows {
        match known.get(&r.union_code) {
            Some(o) if o.kind == kumiai_core::OrgKind::EnterpriseUnion => {
                let org = kumiai_directory::reference::org(db, viewer, o.id, now).await?;
                let iu = kumiai_directory::reference::industrial_union_of(db, viewer, &org, now).await?.map(|i| i.id);
                unions.insert(r.union_code.clone(), (o.id, iu));
            }
            _ => problems.push(FieldError::refused("union_code", &r.union_code, "単組のコードとして登録されていません。", "is not an enterprise union's code.").at(file, r.row)),
        }
    }
    if !problems.is_empty() {
        return Err(AppError::Validation(problems));
    }
    let actor = Actor::of(viewer);
    let mut report = Report::default();
    let f = reach::filter(viewer, "g", AGREEMENT, now);
    let mut tx = db.begin().await?;
    for r in rows {
        let (org, iu) = unions[&r.union_code];
        let fields = [
            ("prefecture_code", Val::from(r.prefecture_code.as_str())),
            ("industry", r.industry.as_str().into()),
            ("monthly_yen", Val::Int(r.monthly_yen)),
            ("hourly_yen", Val::Int(r.hourly_yen)),
        ];
        let sql = format!("{} WHERE g.year = $1 AND g.org_id = $2 AND {}", Agreement::SELECT, f.sql());
        let current: Option<Agreement> = db.fetch_cached(sql, &[r.year.into(), org.into()]).await?.pop();
        match current {
            Some(c) if c.prefecture_code == r.prefecture_code && c.industry == r.industry && c.monthly_yen == r.monthly_yen && c.hourly_yen == r.hourly_yen => report.unchanged += 1,
            Some(c) => {
                audit::update(&mut tx, &actor, &c, c.version, &fields, None, "import").await.map_err(stale)?;
                report.updated += 1;
            }
            None => {
                let mut f = vec![
                    ("year", r.year.into()),
                    ("org_id", org.into()),
                    ("union_code", r.union_code.as_str().into()),
                    ("reach", Reach::Industrial.as_str().into()),
                    ("scope_org_id", iu.into()),
                    ("owner_org_id", org.into()),
                ];
                f.extend(fields);
                audit::insert::<Agreement>(&mut tx, &actor, &f, None).await?;
                report.created += 1;
            }
        }
    }
    db.commit(tx).await?;
    Ok(report)
}

/// The imported agreements of a round the viewer may see.
pub async fn agreements(db: &Db, viewer: &Viewer, year: i64, now: i64) -> sqlx::Result<Vec<Visible<Agreement>>> {
    let f = reach::filter(viewer, "g", AGREEMENT, now);
    let sql = format!("{} WHERE g.year = $1 AND {} ORDER BY g.union_code", Agreement::SELECT, f.sql());
    Ok(f.admit(db.fetch_cached(sql, &[year.into()]).await?))
}

/// A year's published results, if the viewer may see them.
pub async fn results(db: &Db, viewer: &Viewer, fy: i64, now: i64) -> sqlx::Result<Option<Visible<Results>>> {
    let f = reach::filter(viewer, "m", RESULTS, now);
    let sql = format!("{} WHERE m.fiscal_year = $1 AND {}", Results::SELECT, f.sql());
    Ok(f.admit(db.fetch_cached(sql, &[fy.into()]).await?).pop())
}

/// Writes a year's commentary and publishes it at `reach` from `lift_at` (ms; None at once). The
/// head office's editors only.
pub async fn publish_results(db: &Db, viewer: &Viewer, fy: i64, commentary: &str, reach_to: Reach, lift_at: Option<i64>, now: i64) -> AppResult<Results> {
    hq_editor(viewer)?;
    if commentary.chars().count() > 20_000 {
        return Err(AppError::Validation(vec![FieldError::new("commentary", "解説は20,000字までです。", "The commentary takes at most 20,000 characters.")]));
    }
    let fields = [("commentary", Val::from(commentary)), ("reach", reach_to.as_str().into()), ("embargo_until", Val::Int(lift_at.map(kumiai_core::reach::embargo_clock)))];
    let current = results(db, viewer, fy, now).await?;
    let mut tx = db.begin().await?;
    let r = match current {
        Some(c) => audit::update(&mut tx, &Actor::of(viewer), c.get(), c.version, &fields, None, "publish").await.map_err(stale)?,
        None => {
            let mut f = vec![("fiscal_year", fy.into()), ("owner_org_id", viewer.org_id().into())];
            f.extend(fields);
            audit::insert::<Results>(&mut tx, &Actor::of(viewer), &f, None).await?
        }
    };
    db.commit(tx).await?;
    Ok(r)
}
