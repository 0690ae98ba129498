//! The search page, `GET /api/v1/search` and title suggestions. Every query runs with the
//! reader's reach inside the index query; organisation facet names are resolved through the
//! reach layer too, so a facet never names an organisation the reader may not see.

use crate::index::{Hit, Results, SearchQuery, Sort};
use crate::service::Search;
use askama::Template;
use axum::Json;
use axum::response::Response;
use axum::routing::get;
use kumiai_core::{Lang, OrgId, time};
use kumiai_directory::reference;
use kumiai_platform::module::Module;
use kumiai_platform::web::layout::render_page;
use kumiai_platform::web::{Crumb, Ctx, Guard, NavFor, NavItem, QueryParams, Route, empty_as_none};
use kumiai_platform::{AppError, AppResult, Visible};
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::Arc;

pub const PER_PAGE: usize = 20;

pub fn module() -> Module {
    Module {
        nav: vec![NavItem { href: "/search", ja: "検索", en: "Search", shown_to: NavFor::Everyone }],
        routes: vec![
            Route::get("/search", Guard::Reach, get(page)),
            Route::get("/api/v1/search", Guard::Reach, get(api)),
            Route::get("/api/v1/search/suggest", Guard::Reach, get(suggest)),
        ],
        openapi: openapi(),
        cli: vec![crate::cli::command()],
        ..Module::new("search")
    }
}

/// The search API's part of /api/openapi.json.
fn openapi() -> Value {
    use kumiai_platform::web::openapi::{answer, optional_integer, query, schema};
    let q = json!({"name": "q", "in": "query", "required": true, "schema": {"type": "string", "minLength": 1},
        "description": "Words, all of which must match (Japanese is analysed morphologically and by bigrams)"});
    let facet = |value: Value| json!({"type": "array", "items": {"type": "object", "required": ["value", "count"], "properties": {"value": value, "count": {"type": "integer"}}}});
    json!({
        "paths": {
            "/api/v1/search": {"get": {"summary": "Full-text search across modules, filtered by the caller's reach", "operationId": "search",
                "parameters": [q,
                    query("module", json!({"type": "string"}), "A module's name, as the module facet gives it"),
                    query("kind", json!({"type": "string"}), ""),
                    query("org", optional_integer(), "Hits about this organisation (none if the caller may not see it)"),
                    query("year", optional_integer(), ""),
                    query("sort", json!({"type": "string", "enum": ["", "relevance", "newest"]}), ""),
                    query("page", optional_integer(), "1 to 500: values outside read as the nearest")],
                "responses": {"200": answer("Hits with HTML snippets (matches in <b>), total and facets", "SearchResults")}}},
            "/api/v1/search/suggest": {"get": {"summary": "Titles matching what was typed so far", "operationId": "searchSuggest",
                "parameters": [query("q", json!({"type": "string"}), "Empty: no suggestions")],
                "responses": {"200": {"description": "Up to 8 titles with their URLs", "content": {"application/json": {"schema": {"type": "array", "items": {
                    "type": "object", "required": ["title", "url"], "properties": {"title": {"type": "string"}, "url": {"type": "string"}}}}}}}}}}
        },
        "schemas": {
            "SearchHit": {"type": "object", "required": ["key", "module", "kind", "title", "url", "snippet", "updated_at", "score"], "properties": {
                "key": {"type": "string"}, "module": {"type": "string"}, "kind": {"type": "string"}, "title": {"type": "string"}, "url": {"type": "string"},
                "snippet": {"type": "string", "description": "HTML: escaped text with <b> around matches"}, "updated_at": {"type": "integer"}, "score": {"type": "number"}}},
            "SearchResults": {"type": "object", "required": ["total", "page", "per_page", "hits", "facets"], "properties": {
                "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
                "hits": {"type": "array", "items": schema("SearchHit")},
                "facets": {"type": "object", "required": ["module", "kind", "organisation", "year"], "properties": {
                    "module": facet(json!({"type": "string"})), "kind": facet(json!({"type": "string"})), "year": facet(json!({"type": "integer"})),
                    "organisation": {"type": "array", "items": {"type": "object", "required": ["id", "name", "count"], "properties": {
                        "id": {"type": "integer"}, "name": {"type": "string"}, "count": {"type": "integer"}}}}}}}}
        }
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default)]
pub struct Params {
    pub q: String,
    pub module: String,
    pub kind: String,
    #[serde(deserialize_with = "empty_as_none")]
    pub org: Option<OrgId>,
    #[serde(deserialize_with = "empty_as_none")]
    pub year: Option<i64>,
    pub sort: Sort,
    #[serde(deserialize_with = "empty_as_none")]
    pub page: Option<i64>,
}

impl Params {
    fn query(&self, limit: usize) -> SearchQuery {
        let page = self.page.unwrap_or(1).clamp(1, 500) as usize;
        SearchQuery {
            text: self.q.chars().take(200).collect(),
            module: Some(self.module.clone()).filter(|s| !s.is_empty()),
            kind: Some(self.kind.clone()).filter(|s| !s.is_empty()),
            org_id: self.org.map(OrgId::get),
            year: self.year,
            sort: self.sort,
            offset: (page - 1) * limit,
            limit,
            facets: limit > 8,
            ..Default::default()
        }
    }
}

fn service(ctx: &Ctx) -> AppResult<Arc<Search>> {
    ctx.state.services.get::<Arc<Search>>().cloned().ok_or_else(|| AppError::Internal(anyhow::anyhow!("search service not started")))
}

/// A search as the reader may see it: hits (each admitted again through the reach layer) and
/// facets. An organisation filter naming an organisation the reader may not see finds nothing,
/// exactly like one naming no organisation.
struct Found {
    total: usize,
    hits: Vec<Visible<Hit>>,
    results: Results,
}

async fn run(ctx: &Ctx, p: &Params, limit: usize) -> AppResult<Found> {
    let search = service(ctx)?;
    if let Some(o) = p.org
        && reference::names(ctx.db(), &ctx.viewer, &[o], ctx.now).await?.is_empty()
    {
        return Ok(Found { total: 0, hits: vec![], results: Results::default() });
    }
    let (viewer, q, now) = (ctx.viewer.clone(), p.query(limit), ctx.now);
    // Searching reads the index files: keep it off the async workers.
    let mut results = tokio::task::spawn_blocking(move || search.index.search(&viewer, &q, now))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    let hits = std::mem::take(&mut results.hits)
        .into_iter()
        .filter_map(|h| {
            let (entity, id) = h.key.split_once(':')?;
            let id: i64 = id.parse().ok()?;
            let (entity, access) = (entity.to_string(), h.access.clone());
            kumiai_platform::reach::admit_as(&ctx.viewer, &entity, id, access, ctx.now, h)
        })
        .collect();
    Ok(Found { total: results.total, hits, results })
}

/// Names of the facet organisations the reader may see (the others are left out).
async fn org_names(ctx: &Ctx, ids: &[i64]) -> AppResult<Vec<(i64, String)>> {
    let ids: Vec<OrgId> = ids.iter().copied().map(OrgId).collect();
    Ok(reference::names(ctx.db(), &ctx.viewer, &ids, ctx.now).await?.into_iter().map(|o| (o.id.get(), o.name(ctx.lang).to_string())).collect())
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchBody<'a> {
    l: Lang,
    p: &'a Params,
    r: &'a Results,
    hits: &'a [Visible<Hit>],
    total: usize,
    search: &'a Search,
    orgs: Vec<(i64, String, u64)>,
    base: String,
    page: i64,
    pages: i64,
    searched: bool,
}

impl SearchBody<'_> {
    fn kind_label(&self, k: &str) -> String {
        self.search.kind_label(k, self.l)
    }
    fn module_label(&self, m: &str) -> String {
        self.search.module_label(m, self.l)
    }
    fn when(&self, ms: &i64) -> String {
        time::format_ms(*ms)
    }
    /// The current search with one parameter changed (and paging reset).
    fn with(&self, key: &str, value: &str) -> String {
        let mut pairs: Vec<(&str, String)> = vec![
            ("q", self.p.q.clone()),
            ("module", self.p.module.clone()),
            ("kind", self.p.kind.clone()),
            ("org", self.p.org.map(|o| o.to_string()).unwrap_or_default()),
            ("year", self.p.year.map(|o| o.to_string()).unwrap_or_default()),
            ("sort", self.p.sort.as_str().to_string()),
        ];
        for pair in pairs.iter_mut() {
            if pair.0 == key {
                pair.1 = value.to_string();
            }
        }
        let mut s = String::from("/search?");
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            s.push_str(k);
            s.push('=');
            s.push_str(&kumiai_platform::text::percent_encode(v));
            s.push('&');
        }
        s
    }
}

async fn page(ctx: Ctx, QueryParams(p): QueryParams<Params>) -> AppResult<Response> {
    let searched = !p.q.trim().is_empty();
    let found = if searched { run(&ctx, &p, PER_PAGE).await? } else { Found { total: 0, hits: vec![], results: Results::default() } };
    let r = &found.results;
    let org_ids: Vec<i64> = r.facets.org_id.iter().map(|(o, _)| *o).collect();
    let names = org_names(&ctx, &org_ids).await?;
    let orgs = r.facets.org_id.iter().filter_map(|(o, n)| names.iter().find(|(id, _)| id == o).map(|(_, name)| (*o, name.clone(), *n))).collect();
    let title = ctx.t("検索", "Search");
    let search = service(&ctx)?;
    let body = SearchBody {
        l: ctx.lang,
        p: &p,
        r,
        hits: &found.hits,
        total: found.total,
        search: &search,
        orgs,
        base: String::new(),
        page: p.page.unwrap_or(1).clamp(1, 500),
        pages: found.total.div_ceil(PER_PAGE).max(1) as i64,
        searched,
    };
    let base = body.with("", "");
    let body = SearchBody { base, ..body };
    Ok(render_page(&ctx, title, &[Crumb::here(title)], &body))
}

async fn api(ctx: Ctx, QueryParams(p): QueryParams<Params>) -> AppResult<Json<Value>> {
    if p.q.trim().is_empty() {
        return Err(AppError::BadRequest(kumiai_core::Msg::new("検索語 q を指定してください。", "Give the search words in q.")));
    }
    let found = run(&ctx, &p, PER_PAGE).await?;
    let r = &found.results;
    let org_ids: Vec<i64> = r.facets.org_id.iter().map(|(o, _)| *o).collect();
    let names = org_names(&ctx, &org_ids).await?;
    let orgs: Vec<Value> = r
        .facets
        .org_id
        .iter()
        .filter_map(|(o, n)| names.iter().find(|(id, _)| id == o).map(|(_, name)| json!({"id": o, "name": name, "count": n})))
        .collect();
    Ok(Json(json!({
        "total": found.total,
        "page": p.page.unwrap_or(1).clamp(1, 500),
        "per_page": PER_PAGE,
        "hits": found.hits,
        "facets": {
            "module": r.facets.module.iter().map(|(m, n)| json!({"value": m, "count": n})).collect::<Vec<_>>(),
            "kind": r.facets.kind.iter().map(|(m, n)| json!({"value": m, "count": n})).collect::<Vec<_>>(),
            "organisation": orgs,
            "year": r.facets.year.iter().map(|(m, n)| json!({"value": m, "count": n})).collect::<Vec<_>>(),
        }
    })))
}

async fn suggest(ctx: Ctx, QueryParams(p): QueryParams<Params>) -> AppResult<Json<Value>> {
    if p.q.trim().is_empty() {
        // Nothing asked, nothing shown.
        org_names(&ctx, &[]).await?;
        return Ok(Json(json!([])));
    }
    // Titles that hold what was typed (width and case folded: ｽﾎﾟ finds スポーツ), best first among
    // the reader's matches; a page found by its text alone is no title suggestion.
    let found = run(&ctx, &p, SUGGEST_POOL).await?;
    let typed = fold_for_suggest(&p.q);
    let titles = found.hits.iter().filter(|h| fold_for_suggest(&h.title).contains(&typed)).take(8);
    Ok(Json(json!(titles.map(|h| json!({"title": h.title, "url": h.url})).collect::<Vec<_>>())))
}

/// How many of the reader's best matches are looked through for titles that hold the words.
const SUGGEST_POOL: usize = 100;

fn fold_for_suggest(s: &str) -> String {
    kumiai_platform::text::fold(s).to_lowercase().split_whitespace().collect()
}
