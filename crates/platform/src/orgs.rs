//! The organisation tree as the platform needs it: accounts hang from it and reach is decided on
//! it, and histories and conflict reports name organisations by code. The table lives in the
//! platform's migration for that reason; its rules and writes belong to the directory module,
//! which every other module asks through its reference API.

use crate::db::Db;
use crate::reach;
use kumiai_core::{OrgId, Viewer};
use serde_json::Value;
use std::collections::HashMap;

/// What a form, a history or a conflict report shows in place of an organisation the reader may
/// not see. A form sending it back means "keep what is stored".
pub const HIDDEN_ORG: &str = "(非公開の組織 / an organisation you cannot see)";

/// The entity name of organisations (in `record_shares` and the audit log).
pub const ENTITY: &str = "organisation";

/// Codes of the organisations among `ids` that `viewer` may see.
pub async fn visible_codes(db: &Db, viewer: &Viewer, ids: &[OrgId], now: i64) -> sqlx::Result<HashMap<OrgId, String>> {
    let mut out = HashMap::new();
    let f = reach::filter(viewer, "o", ENTITY, now);
    for chunk in ids.chunks(500) {
        let list: Vec<String> = chunk.iter().map(OrgId::to_string).collect();
        let sql = format!("SELECT o.id, o.code FROM organisations o WHERE o.id IN ({}) AND {}", list.join(", "), f.sql());
        let rows: Vec<(i64, String)> = db.fetch_cached(sql, &[]).await?;
        f.vouch(rows.iter().map(|r| r.0));
        out.extend(rows.into_iter().map(|(id, code)| (OrgId(id), code)));
    }
    Ok(out)
}

/// Which of `codes` name organisations `viewer` may see.
async fn visible_by_code(db: &Db, viewer: &Viewer, codes: &[String], now: i64) -> sqlx::Result<Vec<String>> {
    let f = reach::filter(viewer, "o", ENTITY, now);
    let mut out = vec![];
    for chunk in codes.chunks(500) {
        let marks: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = format!("SELECT o.code FROM organisations o WHERE o.code IN ({}) AND {}", marks.join(", "), f.sql());
        let vals: Vec<crate::audit::Val> = chunk.iter().map(|c| c.clone().into()).collect();
        let rows: Vec<(String,)> = db.fetch_cached(sql, &vals).await?;
        out.extend(rows.into_iter().map(|r| r.0));
    }
    Ok(out)
}

/// Rewrites the organisation references (`keys`) in each value for `viewer`: ids become codes,
/// organisations the viewer may not see become [`HIDDEN_ORG`]. Codes written by older versions
/// of Kumiai are checked the same way.
pub async fn present_refs(db: &Db, viewer: &Viewer, values: &mut [&mut Value], keys: &[&str], now: i64) -> sqlx::Result<()> {
    present(db, viewer, values, keys, None, now).await
}

/// [`present_refs`] for people to read (histories): an organisation the viewer may see is its
/// name in `lang` with its code, `自動車総連 (JAW)`.
pub async fn present_refs_named(db: &Db, viewer: &Viewer, values: &mut [&mut Value], keys: &[&str], lang: kumiai_core::Lang, now: i64) -> sqlx::Result<()> {
    present(db, viewer, values, keys, Some(lang), now).await
}

async fn present(db: &Db, viewer: &Viewer, values: &mut [&mut Value], keys: &[&str], named: Option<kumiai_core::Lang>, now: i64) -> sqlx::Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let mut ids = vec![];
    let mut codes = vec![];
    for v in values.iter() {
        for k in keys {
            collect(v.get(*k), &mut ids, &mut codes);
        }
    }
    let by_id = visible_codes(db, viewer, &ids, now).await?;
    let seen_codes = visible_by_code(db, viewer, &codes, now).await?;
    // Names of the codes shown, for a reader (only codes the viewer may see are asked).
    let names: HashMap<String, String> = match named {
        Some(lang) => {
            let mut all: Vec<String> = by_id.values().cloned().chain(seen_codes.iter().cloned()).collect();
            all.sort();
            all.dedup();
            by_name(db, viewer, "", &all, all.len(), now)
                .await?
                .into_iter()
                .map(|o| {
                    let name = if lang == kumiai_core::Lang::En && !o.name_en.is_empty() { o.name_en } else { o.name_ja };
                    let shown = format!("{name} ({})", o.code);
                    (o.code, shown)
                })
                .collect()
        }
        None => HashMap::new(),
    };
    let word = |code: String| names.get(&code).cloned().unwrap_or(code);
    let show = |v: &Value| -> Value {
        match v {
            Value::Number(n) => n.as_i64().map(|i| by_id.get(&OrgId(i)).cloned().map(&word).unwrap_or_else(|| HIDDEN_ORG.into())).into(),
            Value::String(s) if s.is_empty() => Value::String(String::new()),
            Value::String(s) => s
                .split(',')
                .map(str::trim)
                .map(|c| if seen_codes.iter().any(|x| x == c) { word(c.to_string()) } else { HIDDEN_ORG.to_string() })
                .collect::<Vec<_>>()
                .join(",")
                .into(),
            other => other.clone(),
        }
    };
    for v in values.iter_mut() {
        for k in keys {
            if let Some(x) = v.get_mut(*k) {
                let shown = match &*x {
                    Value::Array(items) => {
                        let mut shown: Vec<String> = items.iter().map(|i| show(i).as_str().unwrap_or_default().to_string()).collect();
                        shown.sort();
                        shown.dedup();
                        Value::String(shown.join(","))
                    }
                    other => show(other),
                };
                *x = shown;
            }
        }
    }
    Ok(())
}

fn collect(v: Option<&Value>, ids: &mut Vec<OrgId>, codes: &mut Vec<String>) {
    match v {
        Some(Value::Number(n)) => ids.extend(n.as_i64().map(OrgId)),
        Some(Value::String(s)) => codes.extend(s.split(',').map(str::trim).filter(|c| !c.is_empty()).map(str::to_string)),
        Some(Value::Array(items)) => {
            for i in items {
                collect(Some(i), ids, codes);
            }
        }
        _ => {}
    }
}

/// The root of the union tree, which owns what the system creates.
pub async fn head_office(db: &Db) -> sqlx::Result<Option<OrgId>> {
    let id: Option<i64> = sqlx::query_scalar("SELECT id FROM organisations WHERE kind = 'head_office' ORDER BY id LIMIT 1").fetch_optional(&db.pool).await?;
    Ok(id.map(OrgId))
}

/// The organisation a new record by `viewer` belongs to: the viewer's own, or the head office for
/// the system.
pub async fn owner_for(db: &Db, viewer: &Viewer) -> sqlx::Result<Option<OrgId>> {
    match viewer.org_id() {
        Some(o) => Ok(Some(o)),
        None if viewer.is_system() => head_office(db).await,
        None => Ok(None),
    }
}

/// An organisation's id and kind by code, unchecked: for account administration (which has its
/// own rule: an admin manages users under their own organisation).
pub async fn by_code_for_accounts(db: &Db, code: &str) -> sqlx::Result<Option<(OrgId, String, String)>> {
    let row: Option<(i64, String, String)> = sqlx::query_as("SELECT id, kind, path FROM organisations WHERE code = $1 AND archived_at IS NULL")
        .bind(code.trim().to_string())
        .fetch_optional(&db.pool)
        .await?;
    Ok(row.map(|(id, kind, path)| (OrgId(id), kind, path)))
}

/// An organisation as a picker shows it.
#[derive(sqlx::FromRow, Clone)]
pub struct Named {
    pub id: i64,
    pub code: String,
    pub kind: String,
    pub name_ja: String,
    pub name_en: String,
}

/// Live organisations `viewer` may see: those named by `codes` when there are any, else those
/// whose name, reading, English name or code contains each word of `q` (any order; 労組 finds
/// 労働組合), shortest names first, at most `most`.
pub async fn by_name(db: &Db, viewer: &Viewer, q: &str, codes: &[String], most: usize, now: i64) -> sqlx::Result<Vec<Named>> {
    let f = reach::filter(viewer, "o", ENTITY, now);
    let mut conds = vec![f.sql().to_string(), "o.archived_at IS NULL".to_string()];
    let mut binds: Vec<crate::audit::Val> = vec![];
    if !codes.is_empty() {
        let marks: Vec<String> = codes
            .iter()
            .map(|c| {
                binds.push(c.clone().into());
                format!("${}", binds.len())
            })
            .collect();
        conds.push(format!("o.code IN ({})", marks.join(", ")));
    } else {
        let words: Vec<&str> = q.split_whitespace().take(6).collect();
        if words.is_empty() {
            return Ok(vec![]);
        }
        let il = db.ilike();
        for word in words {
            let mut any = vec![];
            for spelling in crate::text::spellings(word) {
                binds.push(crate::db::like_pattern(&spelling).into());
                let n = binds.len();
                any.push(format!("o.name_ja {il} ${n} ESCAPE '\\' OR o.name_kana {il} ${n} ESCAPE '\\' OR o.name_en {il} ${n} ESCAPE '\\' OR o.code {il} ${n} ESCAPE '\\'"));
            }
            conds.push(format!("({})", any.join(" OR ")));
        }
    }
    let limit = if codes.is_empty() { most } else { codes.len() };
    let sql = format!("SELECT o.id, o.code, o.kind, o.name_ja, o.name_en FROM organisations o WHERE {} ORDER BY LENGTH(o.name_ja), o.sort_key, o.id LIMIT {limit}", conds.join(" AND "));
    let rows: Vec<Named> = db.fetch_cached(sql, &binds).await?;
    f.vouch(rows.iter().map(|r| r.id));
    Ok(rows)
}
