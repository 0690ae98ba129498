//! Storing rounds and answers, and tallying them. Answers are written through the audited,
//! versioned path (a late correction is a new version; the log keeps what a bulletin used) and
//! read through the reach layer; a tally "as of" a moment is rebuilt from the log.

use crate::answers::{FileAnswer, Problem};
use crate::model::{ANSWER, AnswerRecord, Campaign, from_snapshot, state_code};
use crate::tally::{self, Answer, BaseUp, Tally};
use kumiai_core::{FiscalYear, OrgKind, Reach, Viewer};
use kumiai_directory::reference;
use kumiai_platform::audit::{self, Actor, Val};
use kumiai_platform::db::Db;
use kumiai_platform::{AppError, AppResult, Visible, reach};

/// A round by its spring.
pub async fn by_year(db: &Db, year: i64) -> sqlx::Result<Option<Campaign>> {
    Ok(db
        .fetch_cached(
            format!(
                "{} WHERE c.year = $1",
                <Campaign as kumiai_platform::Record>::SELECT
            ),
            &[year.into()],
        )
        .await?
        .pop())
}

/// Every round, newest first.
pub async fn all(db: &Db) -> sqlx::Result<Vec<Campaign>> {
    db.fetch_cached(
        format!(
            "{} ORDER BY c.year DESC",
            <Campaign as kumiai_platform::Record>::SELECT
        ),
        &[],
    )
    .await
}

/// The newest round.
pub async fn latest(db: &Db) -> sqlx::Result<Option<Campaign>> {
    Ok(db
        .fetch_cached(
            format!(
                "{} ORDER BY c.year DESC LIMIT 1",
                <Campaign as kumiai_platform::Record>::SELECT
            ),
            &[],
        )
        .await?
        .pop())
}

/// Opens the round of spring `year` (the head office's editors; the command line acts as the system).
pub async fn create(
    db: &Db,
    viewer: &Viewer,
    year: i64,
    demand_standard_yen: Option<i64>,
    main_answer_day: &str,
) -> AppResult<Campaign> {
    if !(viewer.is_hq() && viewer.has_role(kumiai_core::Role::Editor)) {
        return Err(AppError::Forbidden);
    }
    let bad = |ja: String, en: String| AppError::BadRequest(kumiai_core::Msg::new(ja, en));
    if !(1950..=2100).contains(&year) {
        return Err(bad(
            format!("年「{year}」は西暦4桁で指定してください。"),
            format!("The year '{year}' must be four digits."),
        ));
    }
    if demand_standard_yen.is_some_and(|y| !(0..=crate::answers::MAX_YEN).contains(&y)) {
        return Err(bad(
            "要求基準は0〜500,000円です。".into(),
            "The demand standard is 0 to 500,000 yen.".into(),
        ));
    }
    if !main_answer_day.is_empty() && kumiai_core::time::parse_date(main_answer_day).is_none() {
        return Err(bad(
            format!("集中回答日「{main_answer_day}」は YYYY-MM-DD で書いてください。"),
            format!("The main answer day '{main_answer_day}' must be YYYY-MM-DD."),
        ));
    }
    if by_year(db, year).await?.is_some() {
        return Err(bad(
            format!("{year}年闘争はすでにあります。"),
            format!("The {year} round exists already."),
        ));
    }
    let mut tx = db.begin().await?;
    let c = audit::insert::<Campaign>(
        &mut tx,
        &Actor::of(viewer),
        &[
            ("year", year.into()),
            ("demand_standard_yen", Val::Int(demand_standard_yen)),
            ("main_answer_day", main_answer_day.into()),
        ],
        None,
    )
    .await?;
    db.commit(tx).await?;
    Ok(c)
}

/// Sets the round's schedule and tracked items (the head office's editors): the demand deadline
/// (YYYY-MM-DD), the tally cut-offs (comma-separated YYYY-MM-DDTHH:MM) and the other items.
pub async fn set_schedule(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    demand_deadline: &str,
    cutoffs: &str,
    items: &str,
) -> AppResult<Campaign> {
    if !(viewer.is_hq() && viewer.has_role(kumiai_core::Role::Editor)) {
        return Err(AppError::Forbidden);
    }
    let mut errs = vec![];
    if !demand_deadline.trim().is_empty()
        && kumiai_core::time::parse_date(demand_deadline.trim()).is_none()
    {
        errs.push(kumiai_platform::error::FieldError::refused(
            "demand_deadline",
            demand_deadline,
            "要求提出期限は YYYY-MM-DD で書いてください。",
            "Write the demand deadline as YYYY-MM-DD.",
        ));
    }
    for t in cutoffs.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if kumiai_core::time::parse_ms(t).is_none() {
            errs.push(kumiai_platform::error::FieldError::refused(
                "cutoffs",
                t,
                "集計締切は 2025-03-12T12:00 の形で、カンマで区切って書いてください。",
                "Write each cut-off as 2025-03-12T12:00, separated by commas.",
            ));
        }
    }
    if items.chars().count() > 500 {
        errs.push(kumiai_platform::error::FieldError::new(
            "items",
            "その他の項目は500字までです。",
            "The other items take at most 500 characters.",
        ));
    }
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    let fields = [
        ("demand_deadline", demand_deadline.trim().into()),
        ("cutoffs", cutoffs.trim().into()),
        ("items", items.trim().into()),
    ];
    let mut tx = db.begin().await?;
    match audit::update(
        &mut tx,
        &Actor::of(viewer),
        campaign,
        campaign.version,
        &fields,
        None,
        "update",
    )
    .await
    {
        Ok(c) => {
            db.commit(tx).await?;
            Ok(c)
        }
        Err(e) => {
            drop(tx);
            Err(audit::answer::<Campaign>(
                e,
                db,
                viewer,
                campaign.id,
                &fields,
                None,
                campaign.version,
                kumiai_core::time::now_ms(),
            )
            .await)
        }
    }
}

/// What an import did.
#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

/// The stored answer of a union in a round, unchecked (the caller decided who may see it).
async fn stored(
    db: &Db,
    campaign: i64,
    org: kumiai_core::OrgId,
) -> sqlx::Result<Option<AnswerRecord>> {
    let sql = format!(
        "{} WHERE a.campaign_id = $1 AND a.org_id = $2",
        <AnswerRecord as kumiai_platform::Record>::SELECT
    );
    Ok(db
        .fetch_cached(sql, &[campaign.into(), org.get().into()])
        .await?
        .pop())
}

/// Stores a file's answers in one transaction, all or none. Each union must be an enterprise union
/// the importer may edit; the file's industrial union, when given, must be the union's own (by
/// code or name); members missing from the file come from the directory's count for the round's
/// 年度. Problems are named by row and column.
pub async fn import(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    rows: &[FileAnswer],
    now: i64,
) -> AppResult<Result<Report, Vec<Problem>>> {
    import_with(db, viewer, campaign, rows, vec![], now).await
}

/// A whole answers file: what the file alone gets wrong and what the directory tells (unknown
/// unions, unions the importer may not record) in one report; all rows stored, or none.
pub async fn import_file(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    headers: &[String],
    rows: &[(usize, Vec<String>)],
    now: i64,
) -> AppResult<Result<Report, Vec<Problem>>> {
    let (read, problems) = crate::answers::read_all(headers, rows);
    import_with(db, viewer, campaign, &read, problems, now).await
}

async fn import_with(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    rows: &[FileAnswer],
    earlier: Vec<Problem>,
    now: i64,
) -> AppResult<Result<Report, Vec<Problem>>> {
    let codes: Vec<String> = rows.iter().map(|r| r.union_code.clone()).collect();
    let found = reference::orgs_by_code(db, viewer, &codes, now).await?;
    let mut problems = earlier;
    // (row, union, its industrial union's id and code, members)
    let mut ready: Vec<(
        &FileAnswer,
        Visible<kumiai_directory::org::Organisation>,
        Option<kumiai_core::OrgId>,
        String,
        Option<i64>,
    )> = vec![];
    for r in rows {
        let problem = |column: &str, ja: String, en: String| Problem {
            row: r.row,
            column: column.into(),
            ja,
            en,
        };
        let Some(summary) = found.get(&r.union_code) else {
            problems.push(problem(
                "union_code",
                format!("組合コード「{}」の組合が名簿にありません。", r.union_code),
                format!(
                    "No union with the code '{}' in the directory.",
                    r.union_code
                ),
            ));
            continue;
        };
        if summary.kind != OrgKind::EnterpriseUnion {
            problems.push(problem(
                "union_code",
                format!("「{}」は単組ではありません。", r.union_code),
                format!("'{}' is not an enterprise union.", r.union_code),
            ));
            continue;
        }
        let org = reference::org(db, viewer, summary.id, now).await?;
        if !org.can_edit(viewer, now) {
            problems.push(problem(
                "union_code",
                format!("「{}」の回答を登録する権限がありません。", r.union_code),
                format!("You may not record the answers of '{}'.", r.union_code),
            ));
            continue;
        }
        let iu = reference::industrial_union_of(db, viewer, &org, now).await?;
        let iu_code = iu.as_ref().map(|i| i.code.clone()).unwrap_or_default();
        let named = r.industrial_union.trim();
        if !named.is_empty()
            && !iu
                .as_ref()
                .is_some_and(|i| i.code == named || i.name_ja == named || i.name_en == named)
        {
            problems.push(problem(
                "industrial_union",
                format!(
                    "「{}」の産別は「{}」で、「{named}」ではありません。",
                    r.union_code,
                    iu.as_ref().map_or("（なし）", |i| i.name_ja.as_str())
                ),
                format!(
                    "'{}' belongs to '{}', not '{named}'.",
                    r.union_code,
                    iu.as_ref().map_or("(none)", |i| i.code.as_str())
                ),
            ));
            continue;
        }
        let members = match r.members {
            Some(m) => Some(m),
            None => reference::member_count(db, &org, FiscalYear(campaign.year as i32))
                .await?
                .map(|c| c.members),
        };
        ready.push((r, org, iu.as_ref().map(|i| i.id), iu_code, members));
    }
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.row);
        return Ok(Err(problems));
    }
    let actor = Actor::of(viewer);
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for (r, org, iu_id, iu_code, members) in &ready {
        let won = if let BaseUp::Won(y) = r.base_up {
            Some(y)
        } else {
            None
        };
        let fields: Vec<(&str, Val)> = vec![
            ("members", Val::Int(*members)),
            ("headline", i64::from(r.headline).into()),
            ("base_up_demand_yen", Val::Int(r.base_up_demand_yen)),
            ("base_up_state", state_code(r.base_up).into()),
            ("base_up_won_yen", Val::Int(won)),
            ("min_wage_raise_yen", Val::Int(r.min_wage_raise_yen)),
            ("bonus_centimonths", Val::Int(r.bonus_centimonths)),
            ("answered_at", Val::Text(r.answered_at.clone())),
            ("industrial_union_code", iu_code.clone().into()),
        ];
        match stored(db, campaign.id, org.id).await? {
            None => {
                let mut all = fields.clone();
                all.extend([
                    ("campaign_id", campaign.id.into()),
                    ("org_id", org.id.into()),
                    ("union_code", org.code.clone().into()),
                    ("reach", Reach::Industrial.as_str().into()),
                    ("scope_org_id", Val::Int(iu_id.map(|s| s.get()))),
                    ("owner_org_id", org.id.into()),
                ]);
                audit::insert::<AnswerRecord>(&mut tx, &actor, &all, None).await?;
                report.created += 1;
            }
            Some(e) => {
                let same = e.members == *members
                    && (e.headline != 0) == r.headline
                    && e.base_up_demand_yen == r.base_up_demand_yen
                    && e.base_up_state == state_code(r.base_up)
                    && e.base_up_won_yen == won
                    && e.min_wage_raise_yen == r.min_wage_raise_yen
                    && e.bonus_centimonths == r.bonus_centimonths
                    && e.answered_at == r.answered_at
                    && e.industrial_union_code == *iu_code;
                if same {
                    report.unchanged += 1;
                    continue;
                }
                audit::update(&mut tx, &actor, &e, e.version, &fields, None, "update").await.map_err(|e| match e {
                    audit::UpdateError::Db(d) => AppError::from(d),
                    audit::UpdateError::Stale(_) => AppError::BadRequest(kumiai_core::Msg::new(
                        format!("{}行目の組合の回答は取り込み中にほかの人が変更しました。もう一度取り込んでください。", r.row),
                        format!("The answer of row {} changed during the import; import again.", r.row),
                    )),
                })?;
                report.updated += 1;
            }
        }
    }
    db.commit(tx).await?;
    Ok(Ok(report))
}

/// A union's answer in the round, if the viewer may see it.
pub async fn answer_of(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    org: kumiai_core::OrgId,
    now: i64,
) -> sqlx::Result<Option<Visible<AnswerRecord>>> {
    // The stored row, admitted by the reach layer (which also loads its access for `can_edit`).
    Ok(stored(db, campaign.id, org)
        .await?
        .and_then(|r| reach::admit(viewer, r, vec![], now)))
}

/// An answer as it arrived, for the answer-day board.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Arrival {
    pub id: i64,
    pub org_id: kumiai_core::OrgId,
    pub union_code: String,
    pub industrial_union_code: String,
    pub base_up_state: String,
    pub base_up_won_yen: Option<i64>,
    pub updated_at: i64,
}

impl kumiai_platform::Identified for Arrival {
    const ENTITY: &'static str = ANSWER;
    fn id(&self) -> i64 {
        self.id
    }
}

/// The answers the viewer may see that changed last, newest first.
pub async fn arrivals(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    limit: i64,
    now: i64,
) -> sqlx::Result<Vec<Visible<Arrival>>> {
    let f = reach::filter(viewer, "a", ANSWER, now);
    let sql = format!(
        "SELECT a.id, a.org_id, a.union_code, a.industrial_union_code, a.base_up_state, a.base_up_won_yen, a.updated_at FROM campaign_answers a \
         WHERE a.campaign_id = $1 AND {} ORDER BY a.updated_at DESC, a.id DESC LIMIT $2",
        f.sql()
    );
    Ok(f.admit(
        db.fetch_cached(sql, &[campaign.id.into(), limit.into()])
            .await?,
    ))
}

/// The round's answers the viewer may see, as the tally reads them.
pub async fn answers(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    now: i64,
) -> sqlx::Result<Vec<Visible<AnswerRecord>>> {
    let f = reach::filter(viewer, "a", ANSWER, now);
    let sql = format!(
        "{} WHERE a.campaign_id = $1 AND {} ORDER BY a.union_code",
        <AnswerRecord as kumiai_platform::Record>::SELECT,
        f.sql()
    );
    let rows: Vec<AnswerRecord> = db.fetch_cached(sql, &[campaign.id.into()]).await?;
    Ok(f.admit(rows))
}

/// A moment for a tally "as of" it, as written (YYYY-MM-DDTHH:MM); empty is now.
pub fn parse_as_of(text: &str) -> AppResult<Option<i64>> {
    match text.trim() {
        "" => Ok(None),
        t => kumiai_core::time::parse_ms(t).map(Some).ok_or_else(|| {
            AppError::Validation(vec![kumiai_platform::error::FieldError::refused(
                "as_of",
                t,
                "時点は 2025-03-12T14:00 の形で書いてください。",
                "Write the moment as 2025-03-12T14:00.",
            )])
        }),
    }
}

/// The tally of the round, now or as the log stood at `as_of` (ms). Only the head office tallies
/// every union's raw answers; others get published bulletins.
pub async fn tally(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    as_of: Option<i64>,
    now: i64,
) -> AppResult<Tally> {
    if !viewer.is_hq() {
        return Err(AppError::Forbidden);
    }
    let list: Vec<Answer> = match as_of {
        None => answers(db, viewer, campaign, now)
            .await?
            .iter()
            .map(|a| a.for_tally())
            .collect(),
        // Each past state at the reach it had then, through the reach layer like a current row
        // (the filter decides for the viewer even when the log held no answer yet).
        Some(at) => {
            let _decided = reach::filter(viewer, "a", ANSWER, now);
            audit::states_as_of(db, ANSWER, at)
                .await?
                .iter()
                .filter_map(|(id, s)| {
                    let (c, a) = from_snapshot(s)?;
                    let org = |k: &str| s.get(k).and_then(|v| v.as_i64()).map(kumiai_core::OrgId);
                    let r = s
                        .get("reach")
                        .and_then(|v| v.as_str())
                        .and_then(Reach::parse)
                        .unwrap_or(Reach::Hq);
                    let access = reach::access(
                        r,
                        org("scope_org_id"),
                        None,
                        org("owner_org_id"),
                        None,
                        vec![],
                    );
                    (c == campaign.id)
                        .then(|| reach::admit_as(viewer, ANSWER, *id, access, now, a))
                        .flatten()
                        .map(|v| v.into_inner())
                })
                .collect()
        }
    };
    Ok(tally::tally(&list))
}

/// The template rows of an industrial union's enterprise unions (those the viewer may see), with
/// what each has answered so far.
pub async fn template_rows(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    industrial_union: &str,
    now: i64,
) -> AppResult<(String, Vec<crate::template::Row>)> {
    let iu = reference::org_by_code(db, viewer, industrial_union, now).await?;
    if iu.kind != OrgKind::IndustrialUnion {
        return Err(AppError::BadRequest(kumiai_core::Msg::new(
            format!("「{industrial_union}」は産別ではありません。"),
            format!("'{industrial_union}' is not an industrial union."),
        )));
    }
    let unions = reference::subtree(db, viewer, &iu, 10_000, now).await?;
    let given: std::collections::HashMap<kumiai_core::OrgId, Visible<AnswerRecord>> =
        answers(db, viewer, campaign, now)
            .await?
            .into_iter()
            .map(|a| (a.org_id, a))
            .collect();
    let state_ja = |code: &str| {
        crate::answers::STATES
            .iter()
            .find(|(en, _)| *en == code)
            .map(|(_, ja)| ja.to_string())
            .unwrap_or_default()
    };
    let rows = unions
        .iter()
        .filter(|u| u.kind == OrgKind::EnterpriseUnion)
        .map(|u| {
            let a = given.get(&u.id);
            crate::template::Row {
                code: u.code.clone(),
                name: u.name_ja.clone(),
                industrial_union: iu.code.clone(),
                members: a.and_then(|a| a.members),
                headline: a.is_some_and(|a| a.headline != 0),
                base_up_demand_yen: a.and_then(|a| a.base_up_demand_yen),
                state: a.map(|a| state_ja(&a.base_up_state)).unwrap_or_default(),
                base_up_won_yen: a.and_then(|a| a.base_up_won_yen),
                min_wage_raise_yen: a.and_then(|a| a.min_wage_raise_yen),
                bonus_centimonths: a.and_then(|a| a.bonus_centimonths),
                answered_at: a.and_then(|a| a.answered_at.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Ok((iu.name_ja.clone(), rows))
}

/// An in-company minimum wage agreed in a round (企業内最低賃金協定), for other modules: the
/// minimum-wage module compares these with the regional and industry minimum wages.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AgreedMinimumWage {
    pub org_id: kumiai_core::OrgId,
    pub union_code: String,
    pub industrial_union_code: String,
    pub monthly_yen: Option<i64>,
    pub hourly_yen: Option<i64>,
}

/// The in-company minimum wages agreed in the round of spring `year`, of the unions whose answer
/// the viewer may see.
pub async fn agreed_minimum_wages(
    db: &Db,
    viewer: &Viewer,
    year: i64,
    now: i64,
) -> sqlx::Result<Vec<Visible<AgreedMinimumWage>>> {
    let Some(c) = by_year(db, year).await? else {
        return Ok(vec![]);
    };
    Ok(answers(db, viewer, &c, now)
        .await?
        .into_iter()
        .filter(|a| a.min_wage_monthly_yen.is_some() || a.min_wage_hourly_yen.is_some())
        .map(|a| {
            a.map(|a: AnswerRecord| AgreedMinimumWage {
                org_id: a.org_id,
                union_code: a.union_code.clone(),
                industrial_union_code: a.industrial_union_code.clone(),
                monthly_yen: a.min_wage_monthly_yen,
                hourly_yen: a.min_wage_hourly_yen,
            })
        })
        .collect())
}
