//! The JSON API under /api/v1: a fiscal year's analysis (the report documented in
//! docs/minwage-report.md, over the wages the caller may see) and a prefecture's regional wages.

use crate::store;
use axum::Json;
use axum::routing::get;
use kumiai_platform::web::{Ctx, Guard, PathParams, Route};
use kumiai_platform::{AppError, AppResult};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![Route::get("/api/v1/minwage/{year}/report", Guard::Reach, get(report)), Route::get("/api/v1/minwage/regional", Guard::Reach, get(regional))]
}

async fn report(ctx: Ctx, PathParams(year): PathParams<i64>) -> AppResult<Json<Value>> {
    ctx.account()?;
    let a = store::analysis(ctx.db(), &ctx.viewer, year, ctx.now).await?;
    Ok(Json(serde_json::to_value(&a).map_err(|e| AppError::Internal(e.into()))?))
}

/// Every regional wage: public reference figures, the same for every caller.
async fn regional(ctx: Ctx) -> AppResult<Json<Value>> {
    // Public reference data; the reach layer is asked so the route's guard sees a decision.
    kumiai_platform::reach::index_reach(&ctx.viewer);
    let t = store::regional_table(ctx.db()).await?;
    let rows: Vec<Value> = t.iter().map(|((y, p), f)| json!({"fiscal_year": y, "prefecture_code": p, "hourly_yen": f.hourly_yen, "effective_date": f.effective_date, "note": f.note})).collect();
    Ok(Json(json!({ "regional": rows })))
}

pub fn openapi() -> Value {
    let year = json!([{"name": "year", "in": "path", "required": true, "schema": {"type": "integer"}, "description": "The government's fiscal year (April start, named by its start year)"}]);
    json!({
        "paths": {
            "/api/v1/minwage/{year}/report": {
                "get": {"summary": "The fiscal year's analysis of the industry minimum wages the caller may see (docs/minwage-report.md)", "operationId": "minwageReport", "parameters": year,
                    "responses": {"200": {"description": "The report", "content": {"application/json": {"schema": {"type": "object", "required": ["fiscal_year", "wages", "summary"]}}}}}}},
            "/api/v1/minwage/regional": {
                "get": {"summary": "Every regional minimum wage (built in and imported)", "operationId": "minwageRegional",
                    "responses": {"200": {"description": "The regional wages", "content": {"application/json": {"schema": {"type": "object"}}}}}}}
        },
        "schemas": {}
    })
}
