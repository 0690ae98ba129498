//! Imports. Every row is read and checked before anything is written; if any row is wrong the
//! import writes nothing and reports every problem with file, row and column. Then all rows are
//! applied in one transaction through the same write functions the forms use.

use super::{Sheet, Table};
use crate::counts::{self, CountInput};
use crate::org::model::{Checked, OrgInput, OrgRef, check_fields, check_refs};
use crate::org::{self, Organisation, store as org_store};
use crate::people::{CheckedPerson, Person, PersonInput, store as people_store};
use kumiai_core::{OrgKind, Role, Viewer};
use kumiai_platform::audit::{self, Actor, UpdateError};
use kumiai_platform::db::Db;
use kumiai_platform::{AppError, AppResult, FieldError};
use std::collections::{HashMap, HashSet};

#[derive(Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Report {
    pub created: usize,
    pub updated: usize,
}

/// Imports `table` as `viewer`. Only head-office admins import (the command line acts as one).
pub async fn run(db: &Db, viewer: &Viewer, sheet: Sheet, table: &Table, now: i64) -> AppResult<Report> {
    viewer.mark_checked();
    if !(viewer.is_hq() && viewer.has_role(Role::Admin)) {
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
        sqlx::raw_sql("ANALYZE").execute(&db.pool).await?;
    }
    Ok(report)
}

/// Column code name → index, for the columns the file has. Missing required columns fail the file.
fn columns(sheet: Sheet, t: &Table) -> AppResult<HashMap<&'static str, usize>> {
    let mut map = HashMap::new();
    for (code, ja) in sheet.columns() {
        if let Some(i) = t.column(code, ja) {
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
    /// Overwrites `target` if the file has the column.
    fn set(&self, col: &str, target: &mut String) {
        if let Some(v) = self.get(col) {
            *target = v;
        }
    }
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

struct OrgRow {
    row: usize,
    input: OrgInput,
    checked: Checked,
    existing: Option<(Organisation, serde_json::Value)>,
}

async fn import_orgs(db: &Db, viewer: &Viewer, t: &Table, cols: &HashMap<&'static str, usize>, now: i64) -> AppResult<Report> {
    let mut errors = vec![];
    let mut parsed: Vec<(usize, OrgInput, Option<(Organisation, serde_json::Value)>)> = vec![];
    let mut seen = HashSet::new();
    for (row, cells) in &t.rows {
        let r = Row { cells, cols };
        let code = r.get("code").unwrap_or_default();
        if !seen.insert(code.clone()) {
            errors.extend(locate(vec![FieldError::new("code", format!("組織コード「{code}」が重複しています。"), format!("Code '{code}' appears twice."))], t, *row, cols));
            continue;
        }
        let existing = match org_store::by_code(db, &code).await? {
            Some(o) => {
                let access = o.access(kumiai_platform::reach::shares(db, org::ENTITY, o.id).await?);
                let codes = org_store::codes(db, &o, &access).await?;
                let before = o.snapshot(&codes);
                let input = OrgInput::from_record(&o, &codes);
                Some((o, before, input))
            }
            None => None,
        };
        let mut input = existing.as_ref().map(|e| e.2.clone()).unwrap_or_default();
        for col in ["code", "kind", "parent", "company", "name_ja", "name_kana", "name_en", "country", "reach", "scope", "embargo_until", "shared_with", "note"] {
            r.set(col, match col {
                "code" => &mut input.code,
                "kind" => &mut input.kind,
                "parent" => &mut input.parent,
                "company" => &mut input.company,
                "name_ja" => &mut input.name_ja,
                "name_kana" => &mut input.name_kana,
                "name_en" => &mut input.name_en,
                "country" => &mut input.country,
                "reach" => &mut input.reach,
                "scope" => &mut input.scope,
                "embargo_until" => &mut input.embargo_until,
                "shared_with" => &mut input.shared_with,
                _ => &mut input.note,
            });
        }
        parsed.push((*row, input, existing.map(|(o, b, _)| (o, b))));
    }
    // References may point at the database or at other rows of the same file.
    let referenced: Vec<String> = parsed.iter().flat_map(|(_, i, _)| org_store::referenced_codes(i)).collect();
    let db_refs = org_store::ref_map(db, viewer, &referenced, now).await?;
    let file_refs: HashMap<String, OrgRef> = parsed
        .iter()
        .filter_map(|(_, i, e)| {
            let kind = OrgKind::parse_loose(&i.kind)?;
            Some((i.code.trim().to_string(), OrgRef { kind, path: e.as_ref().map(|(o, _)| o.path.clone()), visible: true, archived: false }))
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
        let mut errs = check_refs(&input, &checked, existing.as_ref().map(|(o, _)| o.path.as_str()), &lookup);
        if let Some((o, _)) = &existing
            && o.kind() != Some(checked.kind)
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
                errors.extend(locate(
                    vec![FieldError::new("parent", "上部組織の指定が循環しています。", "The parent references form a cycle.")],
                    t,
                    r.row,
                    cols,
                ));
            }
            break;
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|e| e.row);
        return Err(AppError::Validation(errors));
    }
    let actor = Actor::of(viewer);
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for r in &ordered {
        match &r.existing {
            None => {
                org_store::insert_checked(&mut tx, &actor, viewer.org_id(), &r.input, &r.checked).await?;
                report.created += 1;
            }
            Some((o, before)) => {
                let current_parent = before.get("parent").and_then(|v| v.as_str()).unwrap_or("");
                let moving = r.input.parent.trim() != current_parent;
                match org_store::update_in_tx(&mut tx, &actor, o, before, o.version, &r.input, &r.checked, moving).await {
                    Ok(_) => report.updated += 1,
                    Err(UpdateError::Stale(_)) => return Err(changed_meanwhile(t, r.row)),
                    Err(UpdateError::Db(e)) => return Err(e.into()),
                }
            }
        }
    }
    tx.commit().await?;
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
    let mut rows: Vec<(usize, PersonInput, CheckedPerson, Option<(Person, serde_json::Value)>)> = vec![];
    for (row, cells) in &t.rows {
        let r = Row { cells, cols };
        let id_text = r.get("id").unwrap_or_default();
        let existing = if id_text.is_empty() {
            None
        } else {
            let found = match id_text.parse::<i64>() {
                Ok(id) => people_store::load_visible(db, viewer, id, now).await.ok(),
                Err(_) => None,
            };
            match found {
                Some((p, access)) => {
                    let (org, scope, shared) = people_store::codes(db, &p, &access).await?;
                    let before = p.snapshot(&org, scope.as_deref(), &shared);
                    let input = PersonInput::from_record(&p, &org, scope.as_deref(), &shared);
                    Some((p, before, input))
                }
                None => {
                    errors.extend(locate(vec![FieldError::new("id", format!("ID {id_text} の人物が見つかりません。"), format!("No person with ID {id_text}."))], t, *row, cols));
                    continue;
                }
            }
        };
        let mut input = existing.as_ref().map(|e| e.2.clone()).unwrap_or_default();
        r.set("org", &mut input.org);
        r.set("name_kanji", &mut input.name_kanji);
        r.set("name_kana", &mut input.name_kana);
        r.set("name_latin", &mut input.name_latin);
        r.set("gender", &mut input.gender);
        r.set("position_ja", &mut input.position_ja);
        r.set("position_en", &mut input.position_en);
        r.set("term_start", &mut input.term_start);
        r.set("term_end", &mut input.term_end);
        r.set("email", &mut input.email);
        r.set("reach", &mut input.reach);
        r.set("scope", &mut input.scope);
        r.set("embargo_until", &mut input.embargo_until);
        r.set("shared_with", &mut input.shared_with);
        r.set("note", &mut input.note);
        match people_store::validate(db, viewer, &input, now).await {
            Ok((checked, _)) => rows.push((*row, input, checked, existing.map(|(p, b, _)| (p, b)))),
            Err(AppError::Validation(e)) => errors.extend(locate(e, t, *row, cols)),
            Err(e) => return Err(e),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let actor = Actor::of(viewer);
    let mut report = Report::default();
    let mut tx = db.begin().await?;
    for (row, input, checked, existing) in &rows {
        match existing {
            None => {
                people_store::insert_checked(&mut tx, &actor, input, checked).await?;
                report.created += 1;
            }
            Some((p, before)) => match people_store::update_in_tx(&mut tx, &actor, p, before, p.version, input, checked).await {
                Ok(_) => report.updated += 1,
                Err(UpdateError::Stale(_)) => return Err(changed_meanwhile(t, *row)),
                Err(UpdateError::Db(e)) => return Err(e.into()),
            },
        }
    }
    tx.commit().await?;
    Ok(report)
}

async fn import_counts(db: &Db, viewer: &Viewer, t: &Table, cols: &HashMap<&'static str, usize>, now: i64) -> AppResult<Report> {
    let mut errors = vec![];
    let mut rows = vec![];
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
        let org = match org_store::by_code(db, &code).await? {
            Some(o) if org_store::load_visible(db, viewer, o.id, now).await.is_ok() => Some(o),
            _ => {
                errors.extend(locate(vec![FieldError::new("code", format!("組織コード「{code}」が見つかりません。"), format!("No organisation with code '{code}'."))], t, *row, cols));
                None
            }
        };
        match counts::check(&input) {
            Ok(c) => {
                if let Some(o) = org {
                    if !seen.insert((o.id, c.fiscal_year)) {
                        errors.extend(locate(vec![FieldError::new("fiscal_year", "同じ組織・年度の行が重複しています。", "The same organisation and year appear twice.")], t, *row, cols));
                    }
                    rows.push((o, c));
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
    for (o, c) in rows {
        let after = serde_json::json!({"org": o.code, "fiscal_year": c.fiscal_year, "members": c.members, "dues_paying": c.dues_paying});
        let existing: Option<(i64, i64, i64, Option<i64>)> =
            sqlx::query_as("SELECT id, version, members, dues_paying FROM member_counts WHERE org_id = $1 AND fiscal_year = $2")
                .bind(o.id)
                .bind(c.fiscal_year)
                .fetch_optional(&mut *tx)
                .await?;
        let fields = [("members", c.members.into()), ("dues_paying", c.dues_paying.into())];
        match existing {
            None => {
                let mut f = fields.to_vec();
                f.extend([("org_id", o.id.into()), ("fiscal_year", c.fiscal_year.into())]);
                audit::insert(&mut tx, &actor, counts::ENTITY, "member_counts", &f, &after).await?;
                report.created += 1;
            }
            Some((id, version, members, dues)) => {
                let before = serde_json::json!({"org": o.code, "fiscal_year": c.fiscal_year, "members": members, "dues_paying": dues});
                audit::update(&mut tx, &actor, counts::ENTITY, "member_counts", id, version, &fields, "update", &before, &after)
                    .await
                    .map_err(|e| match e {
                        UpdateError::Stale(_) => AppError::Internal(anyhow::anyhow!("count changed inside the import transaction")),
                        UpdateError::Db(e) => e.into(),
                    })?;
                report.updated += 1;
            }
        }
    }
    tx.commit().await?;
    Ok(report)
}
