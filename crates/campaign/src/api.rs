//! The campaign's JSON API under /api/v1: a union's demand and answer (read, and saved with the
//! same rules, merge and conflict answer as the form) and the head office's tally, as documented
//! in docs/campaign-tally.md.

use crate::entry::{self, AnswerInput};
use crate::model::AnswerRecord;
use crate::store;
use axum::Json;
use axum::routing::{get, put};
use kumiai_platform::web::{Ctx, Guard, Patch, PathParams, QueryParams, Route};
use kumiai_platform::{AppError, AppResult};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get(
            "/api/v1/campaign/{year}/answers/{code}",
            Guard::Reach,
            get(get_answer),
        ),
        Route::put(
            "/api/v1/campaign/{year}/answers/{code}",
            Guard::Reach,
            put(put_answer),
        ),
        Route::get("/api/v1/campaign/{year}/tally", Guard::Reach, get(tally)),
    ]
}

fn answer_json(a: &AnswerRecord) -> Value {
    let mut v = serde_json::to_value(AnswerInput::from_record(a)).unwrap_or_default();
    v["union_code"] = json!(a.union_code);
    v["industrial_union"] = json!(a.industrial_union_code);
    v["status"] = json!(a.status());
    v["version"] = json!(a.version);
    v
}

async fn get_answer(
    ctx: Ctx,
    PathParams((year, code)): PathParams<(i64, String)>,
) -> AppResult<Json<Value>> {
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, stored) = entry::load(ctx.db(), &ctx.viewer, &campaign, &code, ctx.now).await?;
    let a = stored.ok_or(AppError::NotFound)?;
    Ok(Json(answer_json(&a)))
}

/// Saves the fields the body names, based on `version` (0: the union's first entry).
async fn put_answer(
    ctx: Ctx,
    PathParams((year, code)): PathParams<(i64, String)>,
    patch: Patch,
) -> AppResult<Json<Value>> {
    ctx.account()?;
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let a = entry::save(ctx.db(), &ctx.viewer, &campaign, &code, &patch, ctx.now).await?;
    Ok(Json(answer_json(&a)))
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct TallyQuery {
    as_of: String,
    headline: bool,
}

async fn tally(
    ctx: Ctx,
    PathParams(year): PathParams<i64>,
    QueryParams(q): QueryParams<TallyQuery>,
) -> AppResult<Json<Value>> {
    if !ctx.viewer.is_hq() {
        return Err(AppError::NotFound);
    }
    let campaign = store::by_year(ctx.db(), year)
        .await?
        .ok_or(AppError::NotFound)?;
    let as_of = store::parse_as_of(&q.as_of)?;
    let t = store::tally(ctx.db(), &ctx.viewer, &campaign, as_of, ctx.now).await?;
    let v = if q.headline {
        json!({"headline": t.headline, "rounding": t.rounding})
    } else {
        serde_json::to_value(&t).map_err(anyhow::Error::from)?
    };
    Ok(Json(v))
}

pub fn openapi() -> Value {
    use kumiai_platform::web::openapi::{answer, body, query, strings};
    let fields = [
        "members",
        "headline",
        "base_up_demand_yen",
        "base_up_state",
        "base_up_won_yen",
        "scheduled_raise",
        "scheduled_raise_yen",
        "min_wage_raise_yen",
        "min_wage_monthly_yen",
        "min_wage_hourly_yen",
        "bonus_months",
        "bonus_yen",
        "answered_at",
        "note",
        "other_items",
    ];
    let mut change = strings(&fields);
    change["base_up_state"] =
        json!({"type": "string", "enum": ["won", "not_calculable", "none", "negotiating"]});
    change.insert("version".into(), json!({"type": "integer", "minimum": 0, "description": "The version the change is based on; 0 for a union's first entry"}));
    let mut out = change.clone();
    out.insert("union_code".into(), json!({"type": "string"}));
    out.insert("industrial_union".into(), json!({"type": "string"}));
    out.insert(
        "status".into(),
        json!({"type": "string", "enum": ["answered", "negotiating", "no_answer"]}),
    );
    let params = json!([
        {"name": "year", "in": "path", "required": true, "schema": {"type": "integer"}},
        {"name": "code", "in": "path", "required": true, "schema": {"type": "string"}}
    ]);
    let year = json!([{"name": "year", "in": "path", "required": true, "schema": {"type": "integer"}}, query("as_of", json!({"type": "string"}), "YYYY-MM-DDTHH:MM: the tally as the log stood then"), query("headline", json!({"type": "boolean"}), "Only the headline unions")]);
    json!({
        "paths": {
            "/api/v1/campaign/{year}/answers/{code}": {
                "get": {"summary": "A union's demand and answer in the round of spring {year}", "operationId": "getCampaignAnswer", "parameters": params, "responses": {"200": answer("The answer", "CampaignAnswer")}},
                "put": {"summary": "Save the named fields (a stale version merges what only one side changed, or answers 409 with both versions)", "operationId": "saveCampaignAnswer", "parameters": params,
                    "requestBody": body("CampaignAnswerChange"), "responses": {"200": answer("As stored", "CampaignAnswer")}}},
            "/api/v1/campaign/{year}/tally": {
                "get": {"summary": "JCM's tally of the round (head office only; docs/campaign-tally.md)", "operationId": "campaignTally", "parameters": year, "responses": {"200": {"description": "The tally", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
        },
        "schemas": {
            "CampaignAnswerChange": {"type": "object", "required": ["version"], "properties": change},
            "CampaignAnswer": {"type": "object", "required": ["union_code", "version", "status"], "properties": out}
        }
    })
}
