//! Imports. Every row is read and checked before anything is written; if any row is wrong the
//! import writes nothing and reports every problem with file, row and column. Then the rows that
//! really change something are applied in one transaction through the same write functions the
//! forms use; a row equal to what is stored writes nothing (re-importing Kumiai's own export,
//! even through Shift_JIS, is a no-op).

use super::export::sjis_image;
use super::{Sheet, Table};
use crate::counts::{self, CountInput, MemberCount};
use crate::org::model::{Checked, OrgInput, OrgRef, check_fields, check_refs};
use crate::org::{Organisation, store as org_store};
use crate::people::{CheckedPerson, Person, PersonInput, store as people_store};
use kumiai_core::{OrgId, OrgKind, PersonId, Role, Viewer};
use kumiai_platform::audit::{Actor, UpdateError};
use kumiai_platform::db::Db;
use kumiai_platform::web::Patch;
use kumiai_platform::{AppError, AppResult, FieldError};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::{HashMap, HashSet};

#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
    /// Rows equal to what is stored: nothing written.
    pub unchanged: usize,
}

/// Imports `table` as `viewer`. Head-office admins import everything (the command line acts as
/// the system); an industrial union's admins import people and member counts, each row one they
/// may edit (their own subtree).
pub async fn run(db: &Db, viewer: &Viewer, sheet: Sheet, table: &Table, now: i64) -> AppResult<Report> {
    if !may_import(viewer, sheet) {
        return Err(AppError::Forbidden);
    }
    let cols = columns(sheet, table)?;
    let report = match sheet {
        Sheet::Organisations => import_orgs(db, viewer, table, &cols, now).await,
        Sheet::People => import_people(db, viewer, table, &cols, now).await,
        Sheet::Counts => import_counts(db, viewer, table, &cols, now).await,
    }?;
    if report.created + report.updated > 1000 {
        // A bulk load changes the data's shape: refresh the planners' statistics.
        db.analyze().await?;
    }
    Ok(report)
}

/// Whether `viewer` may import `sheet` at all (rows are then checked one by one): the head
/// office's admins everything; an industrial union's admins people and member counts (the tree of
/// organisations is the head office's to change).
pub fn may_import(viewer: &Viewer, sheet: Sheet) -> bool {
    viewer.has_role(Role::Admin) && (viewer.is_hq() || (sheet != Sheet::Organisations && viewer.tier() == Some(kumiai_core::Tier::Industrial)))
}

/// Column code name → index, for the columns the file has. Missing required columns fail the file.
fn columns(sheet: Sheet, t: &Table) -> AppResult<HashMap<&'static str, usize>> {
    let mut map = HashMap::new();
    for (code, ja) in sheet.columns() {
        let old = Sheet::OLD_HEADERS.iter().find(|(c, _)| c == code).and_then(|(c, old)| t.column(c, old));
        if let Some(i) = t.column(code, ja).or(old) {
            map.insert(*code, i);
        }
    }
    let missing: Vec<FieldError> = sheet
        .required()
        .iter()
        .filter(|c| !map.contains_key(*c))
        .map(|c| {
            let ja = sheet.columns().iter().find(|(k, _)| k == c).map(|(_, j)| *j).unwrap_or(c);
            FieldError::new(*c, format!("必須の列「{ja}」（{c}）がありません。"), format!("The required column '{c}' ({ja}) is missing.")).at(&t.file, 1)
        })
        .collect();
    if missing.is_empty() { Ok(map) } else { Err(AppError::Validation(missing)) }
}

struct Row<'a> {
    cells: &'a [String],
    cols: &'a HashMap<&'static str, usize>,
}

impl Row<'_> {
    fn get(&self, col: &str) -> Option<String> {
        self.cols.get(col).map(|i| self.cells.get(*i).cloned().unwrap_or_default())
    }
    /// The columns the file has, except `skip`, as a change to apply over what is stored.
    fn patch(&self, skip: &[&str]) -> Patch {
        Patch::from_pairs(self.cols.iter().filter(|(c, _)| !skip.contains(c)).map(|(c, i)| (*c, self.cells.get(*i).map(String::as_str).unwrap_or(""))))
    }
}

/// `stored` with the row's columns applied. From a Shift_JIS file, a value that is the Shift_JIS
/// image of the stored one (〜 read back as ～) is no change.
fn merged<T: Serialize + DeserializeOwned>(stored: &T, patch: &Patch, sjis: bool) -> AppResult<T> {
    let new: T = patch.apply(stored)?;
    if !sjis {
        return Ok(new);
    }
    let (Ok(serde_json::Value::Object(old)), Ok(serde_json::Value::Object(mut now))) = (serde_json::to_value(stored), serde_json::to_value(&new)) else {
        return Ok(new);
    };
    for (k, v) in now.iter_mut() {
        if let (Some(serde_json::Value::String(was)), serde_json::Value::String(is)) = (old.get(k), &*v)
            && was != is
            && sjis_image(was) == *is
        {
            *v = serde_json::Value::String(was.clone());
        }
    }
    serde_json::from_value(serde_json::Value::Object(now)).map_err(|e| AppError::Internal(e.into()))
}

/// Locates errors: the file, the row, and the column header as the file spells it.
fn locate(errs: Vec<FieldError>, t: &Table, row: usize, cols: &HashMap<&'static str, usize>) -> Vec<FieldError> {
    errs.into_iter()
        .map(|mut e| {
            if let Some(i) = cols.get(e.field.as_str()) {
                e.field = t.headers[*i].clone();
            }
            e.at(&t.file, row)
        })
        .collect()
}

fn located(e: AppError, t: &Table, row: usize, cols: &HashMap<&'static str, usize>) -> AppResult<Vec<FieldError>> {
    match e {
        AppError::Validation(errs) => Ok(locate(errs, t, row, cols)),
        AppError::BadRequest(m) => Ok(locate(vec![FieldError { file: None, row: None, field: String::new(), message: m }], t, row, cols)),
        other => Err(other),
    }
}

struct OrgRow {
    row: usize,
    input: OrgInput,
    checked: Checked,
    existing: Option<Organisation>,
}

async fn import_orgs(db: &Db, viewer: &Viewer, t: &Table, cols: &HashMap<&'static str, usize>, now: i64) -> AppResult<Report> {
    let mut errors = vec![];
    let mut report = Report::default();
    let mut parsed: Vec<(usize, OrgInput, Option<Organisation>)> = vec![];
    let mut seen = HashSet::new();
    for (row, cells) in &t.rows {
        let r = Row { cells, cols };
        let code = r.get("code").unwrap_or_default();
        if !seen.insert(code.clone()) {
            errors.extend(locate(vec![FieldError::refused("code", &code, "この組織コードの行が重複しています。", "This code appears twice.")], t, *row, cols));
            continue;
        }
        let (stored, existing) = match org_store::by_code(db, &code).await? {
            Some(o) => {
                let visible = org_store::load_visible(db, viewer, o.id, now).await?;
                let codes = org_store::codes(db, viewer, &visible, now).await?;
                (OrgInput::from_record(&visible, &codes), Some(visible.into_inner()))
            }
            None => (OrgInput::default(), None),
        };
        let input = match merged(&stored, &r.patch(&[]), t.sjis) {
            Ok(i) => i,
            Err(e) => {
                errors.extend(located(e, t, *row, cols)?);
                continue;
            }
        };
        if existing.is_some() && input == stored {
            report.unchanged += 1;
            continue;
        }
        parsed.push((*row, input, existing));
    }
    // References may point at the database or at other rows of the same file.
    let referenced: Vec<String> = parsed.iter().flat_map(|(_, i, _)| org_store::referenced_codes(i)).collect();
    let db_refs = org_store::ref_map(db, viewer, &referenced, now).await?;
    let file_refs: HashMap<String, OrgRef> = parsed
        .iter()
        .filter_map(|(_, i, e)| {
            let kind = OrgKind::parse_loose(&i.kind)?;
            Some((i.code.trim().to_string(), OrgRef { kind, path: e.as_ref().map(|o| o.path.clone()), visible: true, archived: false }))
        })
        .collect();
    let lookup = |code: &str| file_refs.get(code).or_else(|| db_refs.get(code)).cloned();
    let mut rows = vec![];
    for (row, input, existing) in parsed {
        let checked = match check_fields(&input) {
            Ok(c) => c,
            Err(e) => {
                errors.extend(locate(e, t, row, cols));
                continue;
            }
        };
        let mut errs = check_refs(&input, &checked, existing.as_ref().map(|o| o.path.as_str()), &lookup);
        if let Some(o) = &existing
            && o.kind != checked.kind
        {
            errs.push(FieldError::new("kind", "既存の組織の種別は変更できません。", "The kind of an existing organisation cannot change."));
        }
        errors.extend(locate(errs, t, row, cols));
        rows.push(OrgRow { row, input, checked, existing });
    }
    // New rows go in after the new rows they sit under.
    let new_codes: HashSet<String> = rows.iter().filter(|r| r.existing.is_none()).map(|r| r.input.code.trim().to_string()).collect();
    let mut ordered: Vec<OrgRow> = vec![];
    let mut placed: HashSet<String> = HashSet::new();
    let mut pending = rows;
    while !pending.is_empty() {
        let before = pending.len();
        let (ready, rest): (Vec<OrgRow>, Vec<OrgRow>) = pending.into_iter().partition(|r| {
            let p = r.input.parent.trim();
            p.is_empty() || !new_codes.contains(p) || placed.contains(p)
        });
        for r in &ready {
            placed.insert(r.input.code.trim().to_string());
        }
        ordered.extend(ready);
        pending = rest;
        if pending.len() == before {
            for r in &pending {
                errors.extend(locate(vec![FieldError::new("parent", "上部組織の指定が循環しています。", "The parent references form a cycle.")], t, r.row, cols));
            }
            break;
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(AppError::Validation(errors));
    }
    let actor = Actor::of(viewer);
    let owner = kumiai_platform::orgs::owner_for(db, viewer).await?;
    let mut tx = db.begin().await?;
    for r in &ordered {
        match &r.existing {
            None => {
                org_store::insert_checked(&mut tx, &actor, owner, &r.input, &r.checked).await?;
                report.created += 1;
            }
            Some(o) => {
                let current_parent = match o.parent_id {
                    Some(p) => org_store::get(db, p).await?.map(|p| p.code).unwrap_or_default(),
                    None => String::new(),
                };
                let moving = r.input.parent.trim() != current_parent;
                match org_store::update_in_tx(&mut tx, &actor, o, o.version, &r.input, &r.checked, moving, &[]).await {
                    Ok(_) => report.updated += 1,
                    Err((UpdateError::Stale(_), _, _)) => return Err(changed_meanwhile(t, r.row)),
                    Err((UpdateError::Db(e), _, _)) => return Err(e.into()),
                }
            }
        }
    }
    db.commit(tx).await?;
    Ok(report)
}

fn changed_meanwhile(t: &Table, row: usize) -> AppError {
    AppError::Validation(vec![
        FieldError::new("", "取り込み中に他の人がこの記録を変更しました。何も保存していません。もう一度取り込んでください。", "Someone changed this record during the import. Nothing was saved; import again.")
            .at(&t.file, row),
    ])
}

async fn import_people(db: &Db, viewer: &Viewer, t: &Table, cols: &HashMap<&'static str, usize>, now: i64) -> AppResult<Report> {
    let mut errors = vec![];
    let mut report = Report::default();
    let mut rows: Vec<(usize, PersonInput, CheckedPerson, Option<Person>)> = vec![];
    for (row, cells) in &t.rows {
        let r = Row { cells, cols };
        let id_text = r.get("id").unwrap_or_default();
        let existing = if id_text.is_empty() {
            None
        } else {
            let found = match id_text.parse::<PersonId>() {
                Ok(id) => people_store::load_visible(db, viewer, id, now).await.ok(),
                Err(_) => None,
            };
            match found {
                Some(p) => Some(p),
                None => {
                    errors.extend(locate(vec![FieldError::refused("id", &id_text, "このIDの人物が見つかりません。", "No person with this ID.")], t, *row, cols));
                    continue;
                }
            }
        };
        let stored = match &existing {
            Some(p) => PersonInput::from_record(p, &people_store::codes(db, viewer, p, now).await?),
            None => PersonInput::default(),
        };
        let input = match merged(&stored, &r.patch(&["id"]), t.sjis) {
            Ok(i) => i,
            Err(e) => {
                errors.extend(located(e, t, *row, cols)?);
                continue;
            }
        };
        if existing.is_some() && input == stored {
            report.unchanged += 1;
            continue;
        }
        match people_store::validate(db, viewer, &input, existing.as_ref().map(|p| p.get()), now).await {
            Ok((checked, org)) => {
                // Beyond the head office, rows stay within what the importer may edit.
                let outside = existing.as_ref().is_some_and(|p| !p.can_edit(viewer, now)) || org.as_ref().is_some_and(|o| !o.can_edit(viewer, now));
                if outside && !viewer.is_hq() {
                    errors.extend(locate(
                        vec![FieldError::new("org", "この組織の人物を登録・変更する権限がありません（自組織とその配下だけ）。", "You may not add or change people of this organisation (only your own and those under it).")],
                        t,
                        *row,
                        cols,
                    ));
                    continue;
                }
                rows.push((*row, input, checked, existing.map(|p| p.into_inner())))
            }
            Err(e) => errors.extend(located(e, t, *row, cols)?),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = Actor::of(viewer);
    let mut tx = db.begin().await?;
    for (row, input, checked, existing) in &rows {
        match existing {
            None => {
                people_store::insert_checked(&mut tx, &actor, input, checked).await?;
                report.created += 1;
            }
            Some(p) => match people_store::update_in_tx(&mut tx, &actor, p, p.version, input, checked, &[]).await {
                Ok(_) => report.updated += 1,
                Err((UpdateError::Stale(_), _, _)) => return Err(changed_meanwhile(t, *row)),
                Err((UpdateError::Db(e), _, _)) => return Err(e.into()),
            },
        }
    }
    db.commit(tx).await?;
    Ok(report)
}

async fn import_counts(db: &Db, viewer: &Viewer, t: &Table, cols: &HashMap<&'static str, usize>, now: i64) -> AppResult<Report> {
    let mut errors = vec![];
    let mut rows: Vec<(usize, OrgId, counts::CheckedCount, Option<MemberCount>)> = vec![];
    let mut seen = HashSet::new();
    for (row, cells) in &t.rows {
        let r = Row { cells, cols };
        let code = r.get("code").unwrap_or_default();
        let input = CountInput {
            fiscal_year: r.get("fiscal_year").unwrap_or_default(),
            members: r.get("members").unwrap_or_default(),
            dues_paying: r.get("dues_paying").unwrap_or_default(),
            version: None,
        };
        // A union left blank in a filled-in template: not reported yet, nothing to write.
        if input.members.trim().is_empty() && input.dues_paying.trim().is_empty() {
            continue;
        }
        let org = match org_store::by_code(db, &code).await? {
            Some(o) => org_store::load_visible(db, viewer, o.id, now).await.ok(),
            None => None,
        };
        let org = match org {
            None => {
                errors.extend(locate(vec![FieldError::new("code", format!("組織コード「{code}」が見つかりません。"), format!("No organisation with code '{code}'."))], t, *row, cols));
                None
            }
            Some(o) if !o.can_edit(viewer, now) => {
                errors.extend(locate(
                    vec![FieldError::new("code", format!("「{code}」の組合員数を記録する権限がありません（自組織とその配下だけ）。"), format!("You may not record the counts of '{code}' (only your own organisation and those under it)."))],
                    t,
                    *row,
                    cols,
                ));
                None
            }
            o => o,
        };
        match counts::check(&input) {
            Ok(c) => {
                if let Some(o) = org {
                    if !seen.insert((o.id, c.fiscal_year)) {
                        errors.extend(locate(vec![FieldError::new("fiscal_year", "同じ組織・年度の行が重複しています。", "The same organisation and year appear twice.")], t, *row, cols));
                    }
                    let existing = counts::of_year(db, o.id, c.fiscal_year).await?;
                    rows.push((*row, o.id, c, existing));
                }
            }
            Err(e) => errors.extend(locate(e, t, *row, cols)),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = Actor::of(viewer);
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for (row, org, c, existing) in &rows {
        let version = existing.as_ref().map(|e| e.version).unwrap_or(0);
        match counts::write(&mut tx, &actor, *org, c, existing.as_ref(), version).await {
            Ok(true) if existing.is_none() => report.created += 1,
            Ok(true) => report.updated += 1,
            Ok(false) => report.unchanged += 1,
            Err(UpdateError::Stale(_)) => return Err(changed_meanwhile(t, *row)),
            Err(UpdateError::Db(e)) => return Err(e.into()),
        }
    }
    db.commit(tx).await?;
    Ok(report)
}
