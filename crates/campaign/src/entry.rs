//! A union's demand and answer entered one at a time, by its own officers or its industrial union
//! (the form and the API): the same rules as an answers file, a versioned save, and a save based
//! on an older version merged field by field, or answered with both versions when both sides
//! changed the same field.

use crate::answers::{STATES, parse_months, parse_state, parse_yen};
use crate::model::{ANSWER, AnswerRecord, Campaign, state_code};
use crate::tally::BaseUp;
use kumiai_core::{OrgKind, Reach, Viewer};
use kumiai_directory::reference;
use kumiai_platform::audit::{self, Actor, Val};
use kumiai_platform::db::Db;
use kumiai_platform::error::FieldError;
use kumiai_platform::web::Patch;
use kumiai_platform::web::forms::merge3;
use kumiai_platform::{AppError, AppResult, Visible};
use serde::{Deserialize, Serialize};

/// The fields as a form or an API call gives them, all text.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AnswerInput {
    pub members: String,
    pub headline: String,
    pub base_up_demand_yen: String,
    pub base_up_state: String,
    pub base_up_won_yen: String,
    pub scheduled_raise: String,
    pub scheduled_raise_yen: String,
    pub min_wage_raise_yen: String,
    pub min_wage_monthly_yen: String,
    pub min_wage_hourly_yen: String,
    pub bonus_months: String,
    pub bonus_yen: String,
    pub answered_at: String,
    pub note: String,
    /// "item: answer" per line, for the round's other items.
    pub other_items: String,
}

fn num(v: Option<i64>) -> String {
    v.map(|n| n.to_string()).unwrap_or_default()
}

/// 255 hundredths → "2.55".
pub fn months_text(c: Option<i64>) -> String {
    c.map(|c| format!("{}.{:02}", c / 100, c % 100))
        .unwrap_or_default()
}

impl AnswerInput {
    pub fn from_record(a: &AnswerRecord) -> AnswerInput {
        AnswerInput {
            members: num(a.members),
            headline: if a.headline != 0 {
                "1".into()
            } else {
                "0".into()
            },
            base_up_demand_yen: num(a.base_up_demand_yen),
            base_up_state: a.base_up_state.clone(),
            base_up_won_yen: num(a.base_up_won_yen),
            scheduled_raise: a.scheduled_raise.clone(),
            scheduled_raise_yen: num(a.scheduled_raise_yen),
            min_wage_raise_yen: num(a.min_wage_raise_yen),
            min_wage_monthly_yen: num(a.min_wage_monthly_yen),
            min_wage_hourly_yen: num(a.min_wage_hourly_yen),
            bonus_months: months_text(a.bonus_centimonths),
            bonus_yen: num(a.bonus_yen),
            answered_at: a.answered_at.clone().unwrap_or_default(),
            note: a.note.clone(),
            other_items: a.other_items.clone(),
        }
    }

    /// The answer as the log kept it at some version (the base of a three-way merge).
    fn from_snapshot(s: &serde_json::Map<String, serde_json::Value>) -> AnswerInput {
        let int = |k: &str| s.get(k).and_then(|v| v.as_i64());
        let text = |k: &str| s.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        AnswerInput {
            members: num(int("members")),
            headline: num(int("headline").or(Some(0))),
            base_up_demand_yen: num(int("base_up_demand_yen")),
            base_up_state: text("base_up_state"),
            base_up_won_yen: num(int("base_up_won_yen")),
            scheduled_raise: text("scheduled_raise"),
            scheduled_raise_yen: num(int("scheduled_raise_yen")),
            min_wage_raise_yen: num(int("min_wage_raise_yen")),
            min_wage_monthly_yen: num(int("min_wage_monthly_yen")),
            min_wage_hourly_yen: num(int("min_wage_hourly_yen")),
            bonus_months: months_text(int("bonus_centimonths")),
            bonus_yen: num(int("bonus_yen")),
            answered_at: text("answered_at"),
            note: text("note"),
            other_items: text("other_items"),
        }
    }

    /// Spelling that means the same value written the same way, so a merge compares values.
    fn normal(&self) -> AnswerInput {
        match check(self) {
            Ok(c) => {
                let mut n = self.clone();
                n.base_up_state = state_code(c.base_up).into();
                n.bonus_months = months_text(c.bonus_centimonths);
                for (slot, v) in [
                    (&mut n.members, c.members),
                    (&mut n.base_up_demand_yen, c.base_up_demand_yen),
                    (
                        &mut n.base_up_won_yen,
                        if let BaseUp::Won(y) = c.base_up {
                            Some(y)
                        } else {
                            None
                        },
                    ),
                    (&mut n.scheduled_raise_yen, c.scheduled_raise_yen),
                    (&mut n.min_wage_raise_yen, c.min_wage_raise_yen),
                    (&mut n.min_wage_monthly_yen, c.min_wage_monthly_yen),
                    (&mut n.min_wage_hourly_yen, c.min_wage_hourly_yen),
                    (&mut n.bonus_yen, c.bonus_yen),
                ] {
                    *slot = num(v);
                }
                n.headline = if c.headline { "1".into() } else { "0".into() };
                n.note = n.note.trim().into();
                n.other_items = c.other_items.clone();
                n.answered_at = n.answered_at.trim().into();
                n
            }
            Err(_) => self.clone(),
        }
    }
}

/// The input, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct Checked {
    pub members: Option<i64>,
    pub headline: bool,
    pub base_up_demand_yen: Option<i64>,
    pub base_up: BaseUp,
    pub scheduled_raise: &'static str,
    pub scheduled_raise_yen: Option<i64>,
    pub min_wage_raise_yen: Option<i64>,
    pub min_wage_monthly_yen: Option<i64>,
    pub min_wage_hourly_yen: Option<i64>,
    pub bonus_centimonths: Option<i64>,
    pub bonus_yen: Option<i64>,
    pub answered_at: Option<String>,
    pub note: String,
    /// Normalised: "item: answer" per line, lines without an answer dropped.
    pub other_items: String,
}

/// The longest note kept.
const NOTE_MAX: usize = 2_000;
/// Bonuses are paid in yen a year; more than this is a typing slip.
const MAX_BONUS_YEN: i64 = 20_000_000;

/// Checks every field, naming each one at fault in Japanese and English.
pub fn check(i: &AnswerInput) -> Result<Checked, Vec<FieldError>> {
    let mut errs = vec![];
    let mut yen = |field: &'static str, text: &str| {
        parse_yen(text).unwrap_or_else(|(ja, en)| {
            errs.push(FieldError::refused(field, text, ja, en));
            None
        })
    };
    let demand = yen("base_up_demand_yen", &i.base_up_demand_yen);
    let won = yen("base_up_won_yen", &i.base_up_won_yen);
    let scheduled_raise_yen = yen("scheduled_raise_yen", &i.scheduled_raise_yen);
    let min_wage_raise_yen = yen("min_wage_raise_yen", &i.min_wage_raise_yen);
    let min_wage_monthly_yen = yen("min_wage_monthly_yen", &i.min_wage_monthly_yen);
    let min_wage_hourly_yen = yen("min_wage_hourly_yen", &i.min_wage_hourly_yen);
    let state_text = if i.base_up_state.trim().is_empty() {
        "negotiating"
    } else {
        i.base_up_state.trim()
    };
    let base_up = match parse_state(state_text, won, !i.base_up_won_yen.trim().is_empty()) {
        Ok(b) => b,
        Err(None) => BaseUp::Negotiating,
        Err(Some((field, ja, en))) => {
            errs.push(FieldError::new(field, ja, en));
            BaseUp::Negotiating
        }
    };
    let members = match i.members.trim() {
        "" => None,
        t => match kumiai_platform::text::parse_int(t) {
            Some(n) if (0..=10_000_000).contains(&n) => Some(n),
            _ => {
                errs.push(FieldError::refused(
                    "members",
                    t,
                    "組合員数は0以上の整数で書いてください。",
                    "The member count must be a whole number.",
                ));
                None
            }
        },
    };
    let scheduled_raise = match i.scheduled_raise.trim() {
        "" => "",
        "yes" | "はい" | "確保" => "yes",
        "no" | "いいえ" | "未確保" => "no",
        t => {
            errs.push(FieldError::refused(
                "scheduled_raise",
                t,
                "定昇相当分の確保は「はい」「いいえ」か空欄です。",
                "The scheduled raise is yes, no or blank.",
            ));
            ""
        }
    };
    if scheduled_raise == "no" && scheduled_raise_yen.is_some() {
        errs.push(FieldError::new(
            "scheduled_raise_yen",
            "定昇相当分を確保していないのに額があります。",
            "A scheduled-raise amount is given, but it was not secured.",
        ));
    }
    let bonus_centimonths = match i.bonus_months.trim() {
        "" => None,
        t => parse_months(t).or_else(|| {
            errs.push(FieldError::refused(
                "bonus_months",
                t,
                "一時金は0〜12か月、小数2桁までで書いてください。",
                "The bonus must be 0 to 12 months, to two decimals.",
            ));
            None
        }),
    };
    let bonus_yen = match i.bonus_yen.trim() {
        "" => None,
        t => match kumiai_platform::text::parse_int(t.trim_end_matches('円')) {
            Some(n) if (0..=MAX_BONUS_YEN).contains(&n) => Some(n),
            _ => {
                errs.push(FieldError::refused(
                    "bonus_yen",
                    t,
                    "一時金の額は0〜20,000,000円の整数です。",
                    "The bonus in yen is a whole number from 0 to 20,000,000.",
                ));
                None
            }
        },
    };
    let answered_at = match i.answered_at.trim() {
        "" => None,
        t if kumiai_core::time::parse_ms(t).is_some() => Some(t.replacen('T', " ", 1)),
        t => {
            errs.push(FieldError::refused(
                "answered_at",
                t,
                "回答日時は 2025-03-12T10:30 の形で書いてください。",
                "Write the answer time as 2025-03-12T10:30.",
            ));
            None
        }
    };
    if i.note.chars().count() > NOTE_MAX {
        errs.push(FieldError::new(
            "note",
            format!("備考は{NOTE_MAX}字までです。"),
            format!("The note takes at most {NOTE_MAX} characters."),
        ));
    }
    let other_items = match other_items(&i.other_items) {
        Ok(lines) => lines
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("\n"),
        Err(e) => {
            errs.push(e);
            String::new()
        }
    };
    let headline = matches!(i.headline.trim(), "1" | "yes" | "true" | "on");
    if !errs.is_empty() {
        return Err(errs);
    }
    Ok(Checked {
        members,
        headline,
        base_up_demand_yen: demand,
        base_up,
        scheduled_raise,
        scheduled_raise_yen,
        min_wage_raise_yen,
        min_wage_monthly_yen,
        min_wage_hourly_yen,
        bonus_centimonths,
        bonus_yen,
        answered_at,
        note: i.note.trim().to_string(),
        other_items,
    })
}

/// "item: answer" lines (a full-width colon too); lines with no answer are dropped.
pub fn other_items(text: &str) -> Result<Vec<(String, String)>, FieldError> {
    if text.chars().count() > NOTE_MAX {
        return Err(FieldError::new(
            "other_items",
            format!("その他の項目は{NOTE_MAX}字までです。"),
            format!("The other items take at most {NOTE_MAX} characters."),
        ));
    }
    let mut out = vec![];
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let Some((k, v)) = line.split_once(':').or_else(|| line.split_once('：')) else {
            return Err(FieldError::refused(
                "other_items",
                line,
                "その他の項目は1行に「項目: 回答」の形で書いてください。",
                "Write each other item as 'item: answer', one per line.",
            ));
        };
        let (k, v) = (k.trim(), v.trim());
        if k.is_empty() {
            return Err(FieldError::refused(
                "other_items",
                line,
                "項目名がありません。",
                "The item's name is missing.",
            ));
        }
        if !v.is_empty() {
            out.push((k.to_string(), v.to_string()));
        }
    }
    Ok(out)
}

/// The round's other items as a list.
pub fn tracked_items(campaign: &Campaign) -> Vec<String> {
    campaign
        .items
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// The union and its answer so far, if the viewer may see the union; None for the answer when
/// nothing is stored yet. Whether the viewer may enter it is `may_enter`.
pub async fn load(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    union_code: &str,
    now: i64,
) -> AppResult<(
    Visible<kumiai_directory::org::Organisation>,
    Option<Visible<AnswerRecord>>,
)> {
    let org = reference::org_by_code(db, viewer, union_code, now).await?;
    if org.kind != OrgKind::EnterpriseUnion {
        return Err(AppError::NotFound);
    }
    let answer = crate::store::answer_of(db, viewer, campaign, org.id, now).await?;
    Ok((org, answer))
}

/// Whether the viewer may enter this union's demand and answer: an editor at the union, at its
/// industrial union or at the head office.
pub fn may_enter(
    viewer: &Viewer,
    org: &Visible<kumiai_directory::org::Organisation>,
    now: i64,
) -> bool {
    org.can_edit(viewer, now)
}

fn fields(c: &Checked, keep_headline: Option<bool>) -> Vec<(&'static str, Val)> {
    let won = if let BaseUp::Won(y) = c.base_up {
        Some(y)
    } else {
        None
    };
    vec![
        ("members", Val::Int(c.members)),
        (
            "headline",
            i64::from(keep_headline.unwrap_or(c.headline)).into(),
        ),
        ("base_up_demand_yen", Val::Int(c.base_up_demand_yen)),
        ("base_up_state", state_code(c.base_up).into()),
        ("base_up_won_yen", Val::Int(won)),
        ("scheduled_raise", c.scheduled_raise.into()),
        ("scheduled_raise_yen", Val::Int(c.scheduled_raise_yen)),
        ("min_wage_raise_yen", Val::Int(c.min_wage_raise_yen)),
        ("min_wage_monthly_yen", Val::Int(c.min_wage_monthly_yen)),
        ("min_wage_hourly_yen", Val::Int(c.min_wage_hourly_yen)),
        ("bonus_centimonths", Val::Int(c.bonus_centimonths)),
        ("bonus_yen", Val::Int(c.bonus_yen)),
        ("answered_at", Val::Text(c.answered_at.clone())),
        ("note", c.note.clone().into()),
        ("other_items", c.other_items.clone().into()),
    ]
}

/// Saves the fields `patch` names for the union `union_code` (version 0: nothing stored yet).
/// Only the head office sets the headline flag; others keep what is stored.
pub async fn save(
    db: &Db,
    viewer: &Viewer,
    campaign: &Campaign,
    union_code: &str,
    patch: &Patch,
    now: i64,
) -> AppResult<Visible<AnswerRecord>> {
    let (org, stored) = load(db, viewer, campaign, union_code, now).await?;
    if !may_enter(viewer, &org, now) {
        return Err(AppError::Forbidden);
    }
    let mut expected = patch.version()?;
    let current = stored
        .as_ref()
        .map(|a| AnswerInput::from_record(a))
        .unwrap_or_default();
    let mut input: AnswerInput = patch.apply(&current)?;
    if !viewer.is_hq() {
        input.headline = current.headline.clone();
    }
    if let Some(a) = &stored
        && expected != a.version
        && expected > 0
        && let Some(snap) = audit::snapshot_at(db, ANSWER, a.id, expected).await?
        && let Ok(merged) = merge3(
            &AnswerInput::from_snapshot(&snap).normal(),
            &input.normal(),
            &current.normal(),
        )
    {
        // Saved by someone else since this form was opened: what only one side changed merges.
        input = merged;
        expected = a.version;
    }
    let checked = check(&input).map_err(AppError::Validation)?;
    // Only the items the round tracks.
    let tracked = tracked_items(campaign);
    if let Ok(lines) = other_items(&checked.other_items)
        && let Some((k, _)) = lines.iter().find(|(k, _)| !tracked.contains(k))
    {
        let list = if tracked.is_empty() {
            "—".to_string()
        } else {
            tracked.join("、")
        };
        return Err(AppError::Validation(vec![FieldError::refused(
            "other_items",
            k,
            format!("「{k}」はこの闘争の項目ではありません（項目: {list}）。"),
            format!("'{k}' is not an item of this round (items: {list})."),
        )]));
    }
    let actor = Actor::of(viewer);
    let keep = (!viewer.is_hq()).then(|| stored.as_ref().is_some_and(|a| a.headline != 0));
    let values = fields(&checked, keep);
    match stored {
        Some(a) => {
            if input.normal() == current.normal() && expected == a.version {
                return Ok(a);
            }
            let mut tx = db.begin().await?;
            match audit::update(&mut tx, &actor, &*a, expected, &values, None, "update").await {
                Ok(_) => db.commit(tx).await?,
                Err(e) => {
                    drop(tx);
                    return Err(audit::answer::<AnswerRecord>(
                        e, db, viewer, a.id, &values, None, expected, now,
                    )
                    .await);
                }
            }
        }
        None if expected != 0 => return Err(AppError::NotFound),
        None => {
            let iu = reference::industrial_union_of(db, viewer, &org, now).await?;
            let members = match checked.members {
                Some(m) => Some(m),
                None => {
                    reference::member_count(db, &org, kumiai_core::FiscalYear(campaign.year as i32))
                        .await?
                        .map(|c| c.members)
                }
            };
            let mut all = values.clone();
            all.retain(|(k, _)| *k != "members");
            all.extend([
                ("members", Val::Int(members)),
                ("campaign_id", campaign.id.into()),
                ("org_id", org.id.into()),
                ("union_code", org.code.clone().into()),
                (
                    "industrial_union_code",
                    iu.as_ref()
                        .map(|i| i.code.clone())
                        .unwrap_or_default()
                        .into(),
                ),
                ("reach", Reach::Industrial.as_str().into()),
                ("scope_org_id", Val::Int(iu.as_ref().map(|i| i.id.get()))),
                ("owner_org_id", org.id.into()),
            ]);
            let mut tx = db.begin().await?;
            match audit::insert::<AnswerRecord>(&mut tx, &actor, &all, None).await {
                Ok(_) => db.commit(tx).await?,
                Err(e) => {
                    drop(tx);
                    // Another first entry for the union won the race: theirs against this one.
                    if let Some(now_stored) =
                        crate::store::answer_of(db, viewer, campaign, org.id, now).await?
                    {
                        return Err(audit::conflict::<AnswerRecord>(
                            db,
                            viewer,
                            now_stored.id,
                            &values,
                            None,
                            0,
                            now,
                        )
                        .await);
                    }
                    return Err(e.into());
                }
            }
        }
    }
    crate::store::answer_of(db, viewer, campaign, org.id, now)
        .await?
        .ok_or(AppError::NotFound)
}

/// The states, for the form's choice (code, Japanese, English).
pub const STATE_WORDS: [(&str, &str, &str); 4] = [
    (STATES[0].0, STATES[0].1, "Won (amount)"),
    (STATES[1].0, STATES[1].1, "Won, not calculable"),
    (STATES[2].0, STATES[2].1, "No base-up"),
    (STATES[3].0, STATES[3].1, "Still negotiating"),
];
