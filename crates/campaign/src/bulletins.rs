//! Quick bulletins (速報): a tally frozen at a moment, with commentary, approved by a head-office
//! editor and scheduled to lift at a time. The reach layer does the publishing:
//!
//! - a draft or approved bulletin has reach `hq`;
//! - a scheduled one is `public` with an embargo until its lift time, so it appears to everyone at
//!   that moment, by itself, and to nobody before;
//! - its union-by-union figures are lines of their own, each owned by its union (which sees its
//!   own line before the lift) at the bulletin's union reach (`affiliates` or `hq`) after it.
//!
//! The aggregates are frozen in the bulletin; a late correction of an answer is a new version of
//! the answer and never changes a bulletin taken before it.

use crate::model::{BULLETIN, BULLETIN_LINE, Bulletin, BulletinLine, BulletinState, Campaign};
use crate::store;
use kumiai_core::{Msg, Reach, Role, Viewer};
use kumiai_platform::audit::{self, Actor, Val};
use kumiai_platform::db::Db;
use kumiai_platform::error::FieldError;
use kumiai_platform::{AppError, AppResult, Visible, reach};

fn bad(ja: impl Into<String>, en: impl Into<String>) -> AppError {
    AppError::BadRequest(Msg::new(ja, en))
}

fn require_hq_editor(viewer: &Viewer) -> AppResult<()> {
    if viewer.is_hq() && viewer.has_role(Role::Editor) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The round's bulletins the viewer may see, newest first.
pub async fn list(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    now: i64,
) -> sqlx::Result<Vec<Visible<Bulletin>>> {
    let f = reach::filter(viewer, "b", BULLETIN, now);
    let sql = format!(
        "{} WHERE b.campaign_id = $1 AND {} ORDER BY b.number DESC",
        <Bulletin as kumiai_platform::Record>::SELECT,
        f.sql()
    );
    Ok(f.admit(db.fetch_cached(sql, &[campaign.id.into()]).await?))
}

/// Every round's bulletins the viewer may see, newest lift first (the Atom feed).
pub async fn recent(
    db: &Db,
    viewer: &Viewer,
    limit: i64,
    now: i64,
) -> sqlx::Result<Vec<Visible<Bulletin>>> {
    let f = reach::filter(viewer, "b", BULLETIN, now);
    let sql = format!(
        "{} WHERE {} ORDER BY COALESCE(b.lift_at, b.as_of) DESC LIMIT $1",
        <Bulletin as kumiai_platform::Record>::SELECT,
        f.sql()
    );
    Ok(f.admit(db.fetch_cached(sql, &[limit.into()]).await?))
}

/// Bulletin `number` of the round, if the viewer may see it (otherwise, as if it did not exist).
pub async fn get(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    number: i64,
    now: i64,
) -> AppResult<Visible<Bulletin>> {
    let sql = format!(
        "{} WHERE b.campaign_id = $1 AND b.number = $2",
        <Bulletin as kumiai_platform::Record>::SELECT
    );
    let row: Option<Bulletin> = db
        .fetch_cached(sql, &[campaign.id.into(), number.into()])
        .await?
        .pop();
    row.and_then(|b| reach::admit(viewer, b, vec![], now))
        .ok_or(AppError::NotFound)
}

/// The bulletin's union-by-union lines the viewer may see.
pub async fn lines(
    db: &Db,
    viewer: &Viewer,
    bulletin: &Visible<Bulletin>,
    now: i64,
) -> sqlx::Result<Vec<Visible<BulletinLine>>> {
    let f = reach::filter(viewer, "l", BULLETIN_LINE, now);
    let sql = format!(
        "{} WHERE l.bulletin_id = $1 AND {} ORDER BY l.industrial_union_code, l.union_code",
        <BulletinLine as kumiai_platform::Record>::SELECT,
        f.sql()
    );
    Ok(f.admit(db.fetch_cached(sql, &[bulletin.id.into()]).await?))
}

/// What a new bulletin says.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct Draft {
    pub title: String,
    pub commentary: String,
    /// "affiliates" (default) or "hq": who sees the union-by-union figures after the lift.
    pub union_reach: String,
}

const TITLE_MAX: usize = 200;
const COMMENTARY_MAX: usize = 20_000;

/// Takes the round's tally now (`as_of` = `now`), freezes it with every union's figures and the
/// commentary as the next bulletin, a draft only the head office sees.
pub async fn create(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    d: &Draft,
    now: i64,
) -> AppResult<Visible<Bulletin>> {
    require_hq_editor(viewer)?;
    let mut errs = vec![];
    let title = d.title.trim();
    if title.is_empty() || title.chars().count() > TITLE_MAX {
        errs.push(FieldError::new(
            "title",
            format!("見出しは1〜{TITLE_MAX}字で書いてください。"),
            format!("The title takes 1 to {TITLE_MAX} characters."),
        ));
    }
    if d.commentary.chars().count() > COMMENTARY_MAX {
        errs.push(FieldError::new(
            "commentary",
            format!("解説は{COMMENTARY_MAX}字までです。"),
            format!("The commentary takes at most {COMMENTARY_MAX} characters."),
        ));
    }
    let union_reach = match d.union_reach.trim() {
        "" | "affiliates" => Reach::Affiliates,
        "hq" => Reach::Hq,
        other => {
            errs.push(FieldError::refused(
                "union_reach",
                other,
                "組合別の情報到達範囲は affiliates か hq です。",
                "The union figures go to affiliates or hq.",
            ));
            Reach::Affiliates
        }
    };
    if !errs.is_empty() {
        return Err(AppError::Validation(errs));
    }
    // One read of the answers: the tally and the union lines are frozen from the same rows.
    let answers = store::answers(db, viewer, campaign, now).await?;
    let tally = crate::tally::tally(&answers.iter().map(|a| a.for_tally()).collect::<Vec<_>>());
    let ids: Vec<kumiai_core::OrgId> = answers.iter().map(|a| a.org_id).collect();
    let names: std::collections::HashMap<_, _> =
        kumiai_directory::reference::names(db, viewer, &ids, now)
            .await?
            .into_iter()
            .map(|n| (n.id, n.name_ja.clone()))
            .collect();
    let number = list(db, viewer, campaign, now)
        .await?
        .first()
        .map_or(1, |b| b.number + 1);
    let actor = Actor::of(viewer);
    let owner = kumiai_platform::orgs::owner_for(db, viewer).await?;
    let mut tx = db.begin().await?;
    let fields: Vec<(&str, Val)> = vec![
        ("campaign_id", campaign.id.into()),
        ("number", number.into()),
        ("title", title.to_string().into()),
        ("commentary", d.commentary.trim().to_string().into()),
        ("as_of", now.into()),
        (
            "tally",
            serde_json::to_string(&tally)
                .map_err(anyhow::Error::from)?
                .into(),
        ),
        ("union_reach", union_reach.as_str().into()),
        ("state", BulletinState::Draft.as_str().into()),
        ("reach", Reach::Hq.as_str().into()),
        ("owner_org_id", Val::Int(owner.map(|o| o.get()))),
    ];
    let b = match audit::insert::<Bulletin>(&mut tx, &actor, &fields, None).await {
        Ok(b) => b,
        Err(e) if kumiai_platform::db::unique_violation(&e).is_some() => {
            return Err(bad(
                "同時にほかの速報が作られました。もう一度作成してください。",
                "Another bulletin was created at the same moment; create it again.",
            ));
        }
        Err(e) => return Err(e.into()),
    };
    // The lines are part of the bulletin (frozen with it, logged with its creation), each its own
    // reach-bearing row; until the bulletin is scheduled they are the head office's and the union's.
    for a in &answers {
        sqlx::query(
            "INSERT INTO campaign_bulletin_lines (bulletin_id, org_id, union_code, union_name, industrial_union_code, headline, base_up_demand_yen, \
             base_up_state, base_up_won_yen, min_wage_raise_yen, bonus_centimonths, reach, owner_org_id, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
        )
        .bind(b.id)
        .bind(a.org_id.get())
        .bind(a.union_code.clone())
        .bind(names.get(&a.org_id).cloned().unwrap_or_default())
        .bind(a.industrial_union_code.clone())
        .bind(a.headline)
        .bind(a.base_up_demand_yen)
        .bind(a.base_up_state.clone())
        .bind(a.base_up_won_yen)
        .bind(a.min_wage_raise_yen)
        .bind(a.bonus_centimonths)
        .bind(Reach::Hq.as_str())
        .bind(a.org_id.get())
        .bind(now)
        .bind(now)
        .execute(&mut *tx)
        .await?;
    }
    db.commit(tx).await?;
    get(db, viewer, campaign, b.number, now).await
}

/// Changes a bulletin's state through the versioned, audited path.
async fn set(
    db: &Db,
    viewer: &Viewer,
    b: &Visible<Bulletin>,
    version: i64,
    fields: &[(&str, Val)],
    lines: Option<(Reach, Option<i64>)>,
    action: &str,
    now: i64,
) -> AppResult<()> {
    let actor = Actor::of(viewer);
    let mut tx = db.begin().await?;
    if let Err(e) = audit::update(&mut tx, &actor, &**b, version, fields, None, action).await {
        drop(tx);
        return Err(
            audit::answer::<Bulletin>(e, db, viewer, b.id, fields, None, version, now).await,
        );
    }
    if let Some((reach, embargo)) = lines {
        sqlx::query("UPDATE campaign_bulletin_lines SET reach = $1, embargo_until = $2, updated_at = $3 WHERE bulletin_id = $4")
            .bind(reach.as_str())
            .bind(embargo)
            .bind(now)
            .bind(b.id)
            .execute(&mut *tx)
            .await?;
    }
    db.commit(tx).await?;
    Ok(())
}

/// An HQ editor approves a draft; only an approved bulletin can be scheduled.
pub async fn approve(
    db: &Db,
    viewer: &Viewer,
    b: &Visible<Bulletin>,
    version: i64,
    now: i64,
) -> AppResult<()> {
    require_hq_editor(viewer)?;
    if b.state() != BulletinState::Draft {
        return Err(bad(
            "承認できるのは下書きだけです。",
            "Only a draft can be approved.",
        ));
    }
    let who = viewer
        .account()
        .map(|a| a.display_name.clone())
        .unwrap_or_else(|| "system".into());
    set(
        db,
        viewer,
        b,
        version,
        &[
            ("state", BulletinState::Approved.as_str().into()),
            ("approved_by", who.into()),
        ],
        None,
        "approve",
        now,
    )
    .await
}

/// Schedules an approved bulletin to lift at `lift_at` (ms): from then on its aggregates are
/// public and its lines at their union reach; until then it is embargoed. Rescheduling moves the lift.
pub async fn schedule(
    db: &Db,
    viewer: &Viewer,
    b: &Visible<Bulletin>,
    version: i64,
    lift_at: i64,
    now: i64,
) -> AppResult<()> {
    require_hq_editor(viewer)?;
    if b.state() == BulletinState::Draft {
        return Err(bad(
            "承認されていない速報は公開予約できません。",
            "A bulletin must be approved before it can be scheduled.",
        ));
    }
    let fields = [
        ("state", BulletinState::Scheduled.as_str().into()),
        ("lift_at", Val::Int(Some(lift_at))),
        ("reach", Reach::Public.as_str().into()),
        ("embargo_until", Val::Int(Some(lift_at))),
    ];
    set(
        db,
        viewer,
        b,
        version,
        &fields,
        Some((b.union_reach, Some(lift_at))),
        "schedule",
        now,
    )
    .await
}

/// Takes a scheduled bulletin back to approved (head office only again), before or after its lift.
pub async fn withdraw(
    db: &Db,
    viewer: &Viewer,
    b: &Visible<Bulletin>,
    version: i64,
    now: i64,
) -> AppResult<()> {
    require_hq_editor(viewer)?;
    let fields = [
        ("state", BulletinState::Approved.as_str().into()),
        ("lift_at", Val::Int(None)),
        ("reach", Reach::Hq.as_str().into()),
        ("embargo_until", Val::Int(None)),
    ];
    set(
        db,
        viewer,
        b,
        version,
        &fields,
        Some((Reach::Hq, None)),
        "withdraw",
        now,
    )
    .await
}

/// Whether the bulletin has lifted (is public now).
pub fn lifted(b: &Bulletin, now: i64) -> bool {
    b.state() == BulletinState::Scheduled
        && b.lift_at
            .is_some_and(|t| t <= kumiai_core::reach::embargo_clock(now))
}
