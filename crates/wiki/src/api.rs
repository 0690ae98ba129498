//! The knowledge base's JSON API: the same store and rules as the pages.

use crate::model::{Page, PageInput};
use crate::pages::render_for;
use crate::store::{self, ListQuery};
use axum::Json;
use axum::http::StatusCode;
use axum::routing::{get, post, put};
use kumiai_core::{PageId, time};
use kumiai_platform::web::{Ctx, Guard, JsonBody, Patch, PathParams, QueryParams, Route};
use kumiai_platform::{AppResult, Visible};
use serde_json::{Value, json};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/api/v1/wiki/pages", Guard::Reach, get(list)),
        Route::post("/api/v1/wiki/pages", Guard::Reach, post(create)),
        Route::get("/api/v1/wiki/pages/{id}", Guard::Reach, get(one)),
        Route::put("/api/v1/wiki/pages/{id}", Guard::Reach, put(update)),
        Route::get("/api/v1/wiki/pages/{id}/revisions", Guard::Reach, get(revisions)),
    ]
}

async fn list(ctx: Ctx, QueryParams(q): QueryParams<ListQuery>) -> AppResult<Json<Value>> {
    let (rows, total) = store::list(ctx.db(), &ctx.viewer, &q, ctx.now).await?;
    Ok(Json(json!({"total": total.count, "total_is_lower_bound": total.capped, "page": q.paging().page, "per_page": store::PER_PAGE, "items": rows})))
}

/// A page as the API shows it; a redirect names its target only when the caller may see it.
async fn page_json(ctx: &Ctx, p: &Visible<Page>) -> AppResult<Value> {
    let r = render_for(ctx, &p.body).await?;
    let redirect_to = match p.redirect_to {
        Some(t) => store::load_visible(ctx.db(), &ctx.viewer, t, ctx.now).await.ok().map(|t| t.id),
        None => None,
    };
    Ok(json!({
        "id": p.id, "title": p.title, "kind": p.kind, "reach": p.reach, "version": p.version, "revision_id": p.revision_id,
        "redirect": p.redirect_to.is_some(), "redirect_to": redirect_to, "deleted": p.deleted_at.is_some(), "updated_at": time::format_ms(p.updated_at),
        "body": p.body, "html": r.html, "categories": store::categories(ctx.db(), p).await?,
    }))
}

async fn one(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Json<Value>> {
    let p = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    Ok(Json(page_json(&ctx, &p).await?))
}

async fn create(ctx: Ctx, JsonBody(input): JsonBody<PageInput>) -> AppResult<(StatusCode, Json<Value>)> {
    ctx.account()?;
    let p = store::create(ctx.db(), &ctx.viewer, &input, ctx.now).await?;
    Ok((StatusCode::CREATED, Json(page_json(&ctx, &p).await?)))
}

/// Saves the fields the body names as a new revision; every other field keeps its stored value.
async fn update(ctx: Ctx, PathParams(id): PathParams<PageId>, patch: Patch) -> AppResult<Json<Value>> {
    ctx.account()?;
    let p = store::save(ctx.db(), &ctx.viewer, id, &patch, ctx.now).await?;
    Ok(Json(page_json(&ctx, &p).await?))
}

async fn revisions(ctx: Ctx, PathParams(id): PathParams<PageId>) -> AppResult<Json<Value>> {
    let page = store::load_visible(ctx.db(), &ctx.viewer, id, ctx.now).await?;
    let revs: Vec<Value> = store::history(ctx.db(), &page)
        .await?
        .into_iter()
        .map(|r| json!({"id": r.id, "title": r.title, "summary": r.summary, "author": r.author, "created_at": time::format_ms(r.created_at)}))
        .collect();
    Ok(Json(json!({"items": revs})))
}

pub fn openapi() -> Value {
    let err = json!({"$ref": "#/components/responses/Error"});
    let id = json!({"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}});
    let input = json!({"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WikiPageInput"}}}});
    json!({
        "paths": {
            "/api/v1/wiki/pages": {
                "get": {"summary": "Knowledge-base pages the caller may see", "operationId": "listWikiPages",
                    "parameters": [{"name": "q", "in": "query", "schema": {"type": "string"}}, {"name": "category", "in": "query", "schema": {"type": "string"}},
                                   {"name": "kind", "in": "query", "schema": {"type": "string"}}, {"name": "page", "in": "query", "schema": {"type": "integer"}}],
                    "responses": {"200": {"description": "Pages"}}},
                "post": {"summary": "Create a page", "operationId": "createWikiPage", "requestBody": input, "responses": {"201": {"description": "The page"}, "403": err, "422": err}}},
            "/api/v1/wiki/pages/{id}": {
                "get": {"summary": "A page: Markdown, rendered HTML (links only to pages the caller may see), categories", "operationId": "getWikiPage", "parameters": [id], "responses": {"200": {"description": "The page"}, "404": err}},
                "put": {"summary": "Save a new revision (a new title renames and leaves a redirect)", "operationId": "saveWikiPage", "parameters": [id],
                    "requestBody": input, "responses": {"200": {"description": "The page"}, "404": err, "409": err, "422": err}}},
            "/api/v1/wiki/pages/{id}/revisions": {"get": {"summary": "Revisions, newest first", "operationId": "wikiRevisions", "parameters": [id], "responses": {"200": {"description": "Revisions"}, "404": err}}}
        },
        "schemas": {
            "WikiPageInput": {"type": "object", "required": ["title"], "properties": {
                "version": {"type": "integer", "description": "For PUT: the version the change is based on"},
                "title": {"type": "string"}, "kind": {"type": "string", "enum": ["union", "company", "person", "dispute", "topic"]},
                "org": {"type": "string"}, "person": {"type": "string"}, "body": {"type": "string", "description": "Markdown"},
                "summary": {"type": "string"}, "reach": {"type": "string"}, "scope": {"type": "string"}, "embargo_until": {"type": "string"}, "shared_with": {"type": "string"}}}
        }
    })
}
