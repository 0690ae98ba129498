//! Choosing an organisation by name: the suggestions behind every organisation field of every
//! form (parent, company, scope, shared-with, a page's organisation). The form still sends codes;
//! the reader types a name (or a reading, an English name, a code), in any word order, and picks.
//! Suggestions and the names of codes already chosen come through the reach filter: an
//! organisation the reader may not see is neither suggested nor named.

use super::ctx::Ctx;
use super::extract::QueryParams;
use crate::error::AppResult;
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

pub async fn organisations(ctx: Ctx, QueryParams(q): QueryParams<PickQuery>) -> AppResult<Json<Vec<Choice>>> {
    let codes: Vec<String> = q.codes.split([',', '、', ' ']).map(str::trim).filter(|c| !c.is_empty()).take(200).map(str::to_string).collect();
    let rows = crate::orgs::by_name(ctx.db(), &ctx.viewer, &q.q, &codes, SHOWN, ctx.now).await?;
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
