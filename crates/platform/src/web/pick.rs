//! Choosing an organisation by name: the suggestions behind every organisation field of every
//! form (parent, company, scope, shared-with, a page's organisation). The form still sends codes;
//! the reader types a name (or a reading, an English name, a code), in any word order, and picks.
//! Suggestions and the names of codes already chosen come through the reach filter: an
//! organisation the reader may not see is neither suggested nor named.

use super::ctx::Ctx;
use super::extract::QueryParams;
use crate::db::like_pattern;
use crate::error::AppResult;
use crate::orgs::ENTITY;
use crate::reach;
use axum::Json;
use kumiai_core::{Lang, OrgKind};
use serde::{Deserialize, Serialize};

/// Suggestions at most.
const SHOWN: usize = 12;

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PickQuery {
    /// What the reader typed.
    q: String,
    /// Codes already chosen (comma-separated), to show by name.
    codes: String,
}

/// One choice: the code the form sends, the name shown, and what tells namesakes apart.
#[derive(Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub detail: String,
}

#[derive(sqlx::FromRow, Clone)]
struct Row {
    id: i64,
    code: String,
    kind: String,
    name_ja: String,
    name_en: String,
}

pub async fn organisations(ctx: Ctx, QueryParams(q): QueryParams<PickQuery>) -> AppResult<Json<Vec<Choice>>> {
    let f = reach::filter(&ctx.viewer, "o", ENTITY, ctx.now);
    let mut conds = vec![f.sql().to_string(), "o.archived_at IS NULL".to_string()];
    let mut binds: Vec<crate::audit::Val> = vec![];
    let codes: Vec<String> = q.codes.split([',', '、', ' ']).map(str::trim).filter(|c| !c.is_empty()).take(200).map(str::to_string).collect();
    if !codes.is_empty() {
        let marks: Vec<String> = codes.iter().map(|c| {
            binds.push(c.clone().into());
            format!("${}", binds.len())
        }).collect();
        conds.push(format!("o.code IN ({})", marks.join(", ")));
    } else {
        let words: Vec<&str> = q.q.split_whitespace().take(6).collect();
        if words.is_empty() {
            return Ok(Json(vec![]));
        }
        let il = ctx.db().ilike();
        for word in words {
            let mut any = vec![];
            for spelling in crate::text::spellings(word) {
                binds.push(like_pattern(&spelling).into());
                let n = binds.len();
                any.push(format!("o.name_ja {il} ${n} ESCAPE '\\' OR o.name_kana {il} ${n} ESCAPE '\\' OR o.name_en {il} ${n} ESCAPE '\\' OR o.code {il} ${n} ESCAPE '\\'"));
            }
            conds.push(format!("({})", any.join(" OR ")));
        }
    }
    let sql = format!("SELECT o.id, o.code, o.kind, o.name_ja, o.name_en FROM organisations o WHERE {} ORDER BY LENGTH(o.name_ja), o.sort_key, o.id LIMIT {}", conds.join(" AND "), if codes.is_empty() { SHOWN } else { 200 });
    let rows: Vec<Row> = ctx.db().fetch_cached(sql, &binds).await?;
    f.vouch(rows.iter().map(|r| r.id));
    let l = ctx.lang;
    Ok(Json(
        rows.into_iter()
            .map(|r| {
                let kind = OrgKind::parse(&r.kind).map(|k| k.label(l)).unwrap_or("");
                let (name, other) = if l == Lang::En && !r.name_en.is_empty() { (r.name_en, r.name_ja) } else { (r.name_ja, r.name_en) };
                let detail = [kind, r.code.as_str(), other.as_str()].iter().filter(|s| !s.is_empty()).copied().collect::<Vec<_>>().join(" · ");
                Choice { value: r.code, label: name, detail }
            })
            .collect(),
    ))
}
