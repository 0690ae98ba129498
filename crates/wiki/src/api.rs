//! The knowledge base's JSON API: the same store and rules as the pages.

use crate::model::{Page, PageInput, PageKind};
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
    Ok(Json(json!({"total": total.count, "page": q.paging().page, "per_page": store::PER_PAGE, "items": rows})))
}

/// A page as the API shows it; a redirect names its target only when the caller may see it.
async fn page_json(ctx: &Ctx, p: &Visible<Page>) -> AppResult<Value> {
    let (_, html) = render_for(ctx, p.revision_id, &p.body).await?;
    let redirect_to = match p.redirect_to {
        Some(t) => store::load_visible(ctx.db(), &ctx.viewer, t, ctx.now).await.ok().map(|t| t.id),
        None => None,
    };
    Ok(json!({
        "id": p.id, "title": p.title, "kind": p.kind, "reach": p.reach, "version": p.version, "revision_id": p.revision_id,
        "redirect": p.redirect_to.is_some(), "redirect_to": redirect_to, "deleted": p.deleted_at.is_some(), "updated_at": time::format_ms(p.updated_at),
        "body": p.body, "html": html, "categories": store::categories(ctx.db(), p).await?,
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
    use kumiai_platform::web::openapi::{answer, body, id_param, input_schemas, nullable, optional_choice, page_of, paging_params, query, reach_enum, reach_input_properties, strings};
    let kinds: Vec<&str> = PageKind::ALL.iter().map(|k| k.as_str()).collect();
    let mut input = strings(&["title", "org", "person", "body", "summary", "master"]);
    input.insert("kind".into(), json!({"type": "string", "enum": kinds}));
    input["org"] = json!({"type": "string", "description": "Code of the organisation the page is about"});
    input["body"] = json!({"type": "string", "description": "Markdown"});
    input["master"] = json!({"type": "string", "description": "For an English copy: the Japanese page's id"});
    input.extend(reach_input_properties());
    let mut schemas = serde_json::Map::new();
    schemas.extend(input_schemas("WikiPage", input, &["title", "reach"], "A new title on change renames the page and leaves a redirect."));
    schemas["WikiPageInput"]["example"] = json!({"title": "見本のページ", "kind": "topic", "body": "**見本** の本文。[[JAM]] を参照。", "reach": "affiliates"});
    schemas["WikiPageChange"]["example"] = json!({"version": 1, "body": "書き直した本文", "summary": "見本の変更"});
    schemas.insert("WikiPage".into(), json!({"type": "object",
        "required": ["id", "title", "kind", "reach", "version", "revision_id", "redirect", "redirect_to", "deleted", "updated_at", "body", "html", "categories"],
        "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "kind": {"type": "string", "enum": kinds}, "reach": reach_enum(),
            "version": {"type": "integer"}, "revision_id": nullable(json!({"type": "integer"})), "redirect": {"type": "boolean"},
            "redirect_to": {"description": "The target's id, only when the caller may see it", "anyOf": [{"type": "integer"}, {"type": "null"}]},
            "deleted": {"type": "boolean"}, "updated_at": {"type": "string"}, "body": {"type": "string", "description": "Markdown"},
            "html": {"type": "string", "description": "Links only to records the caller may see"},
            "categories": {"type": "array", "items": {"type": "string"}}}}));
    schemas.insert("WikiPageRow".into(), json!({"type": "object", "required": ["id", "title", "kind", "reach", "updated_at"], "properties": {
        "id": {"type": "integer"}, "title": {"type": "string"}, "kind": {"type": "string", "enum": kinds}, "reach": reach_enum(), "updated_at": {"type": "integer"}}}));
    schemas.insert("WikiPagePage".into(), page_of("WikiPageRow"));
    schemas.insert("WikiRevisions".into(), json!({"type": "object", "required": ["items"], "properties": {"items": {"type": "array", "items": {"type": "object",
        "required": ["id", "title", "summary", "author", "created_at"], "properties": {
            "id": {"type": "integer"}, "title": {"type": "string"}, "summary": {"type": "string"}, "author": {"type": "string"}, "created_at": {"type": "string"}}}}}}));
    let mut list_params = vec![
        query("q", json!({"type": "string"}), "Title contains"),
        query("category", json!({"type": "string"}), ""),
        query("kind", optional_choice(&kinds), ""),
    ];
    list_params.extend(paging_params(None));
    let id = id_param();
    json!({
        "paths": {
            "/api/v1/wiki/pages": {
                "get": {"summary": "Knowledge-base pages the caller may see", "operationId": "listWikiPages", "parameters": list_params, "responses": {"200": answer("A page of pages", "WikiPagePage")}},
                "post": {"summary": "Create a page", "operationId": "createWikiPage", "requestBody": body("WikiPageInput"), "responses": {"201": answer("Created", "WikiPage")}}},
            "/api/v1/wiki/pages/{id}": {
                "get": {"summary": "A page: Markdown, rendered HTML (links only to records the caller may see), categories", "operationId": "getWikiPage", "parameters": [id], "responses": {"200": answer("The page", "WikiPage")}},
                "put": {"summary": "Save the named fields as a new revision (a new title renames and leaves a redirect)", "operationId": "saveWikiPage", "parameters": [id],
                    "requestBody": body("WikiPageChange"), "responses": {"200": answer("As stored", "WikiPage")}}},
            "/api/v1/wiki/pages/{id}/revisions": {"get": {"summary": "Revisions, newest first", "operationId": "wikiRevisions", "parameters": [id], "responses": {"200": answer("Revisions", "WikiRevisions")}}}
        },
        "schemas": schemas
    })
}
