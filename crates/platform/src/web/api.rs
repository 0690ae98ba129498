//! The JSON API's shared parts: the OpenAPI document (assembled from every module's paths), the
//! reader's own account, and the audit log for head-office admins. Errors are JSON with a stable
//! `code` (see `AppError::code`), rendered by the shell.

use super::ctx::Ctx;
use super::extract::QueryParams;
use super::{AppState, Guard, Module, Route};
use crate::audit::{self, AuditFilter};
use crate::error::{AppError, AppResult};
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use serde_json::{Value, json};

pub fn module() -> Module {
    Module {
        name: "api",
        migrations: &[],
        nav: vec![],
        routes: vec![
            Route::get("/api/openapi.json", Guard::Open, get(openapi)),
            Route::get("/api/v1/me", Guard::Open, get(me)),
            Route::get("/api/v1/audit", Guard::Reach, get(audit_api)),
        ],
        openapi: json!({
            "paths": {
                "/api/v1/me": {"get": {"summary": "The caller's account", "operationId": "me",
                    "responses": {"200": {"description": "Account", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Me"}}}},
                                  "401": {"$ref": "#/components/responses/Error"}}}},
                "/api/v1/audit": {"get": {"summary": "Audit log (head-office admins)", "operationId": "auditLog",
                    "parameters": [
                        {"name": "entity", "in": "query", "schema": {"type": "string"}},
                        {"name": "actor", "in": "query", "schema": {"type": "string"}},
                        {"name": "action", "in": "query", "schema": {"type": "string"}},
                        {"name": "record_id", "in": "query", "schema": {"type": "integer"}},
                        {"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}}],
                    "responses": {"200": {"description": "Entries, newest first"}, "404": {"$ref": "#/components/responses/Error"}}}}
            },
            "schemas": {
                "Me": {"type": "object", "required": ["user_id", "login", "org_id", "tier", "role"], "properties": {
                    "user_id": {"type": "integer"}, "login": {"type": "string"}, "display_name": {"type": "string"},
                    "org_id": {"type": "integer"}, "tier": {"type": "string", "enum": ["hq", "industrial", "enterprise", "partner"]},
                    "role": {"type": "string", "enum": ["viewer", "editor", "admin"]}}}
            }
        }),
    }
}

/// Merges the modules' `paths` and `schemas` into one OpenAPI 3.1 document.
pub fn openapi_document(parts: &[Value]) -> Value {
    let mut paths = serde_json::Map::new();
    let mut schemas = serde_json::Map::new();
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string", "description": "Stable: not_found, unauthorized, forbidden, bad_request, validation_failed, version_conflict, too_many_requests, csrf_rejected, internal"},
            "message": {"type": "string"}, "message_ja": {"type": "string"},
            "fields": {"type": "array", "items": {"type": "object", "properties": {"field": {"type": "string"}, "row": {"type": "integer"}, "file": {"type": "string"}, "message": {"type": "object"}}}},
            "yours": {"description": "On version_conflict: the rejected version"},
            "current": {"description": "On version_conflict: the stored version"}}}}}),
    );
    for p in parts {
        if let Some(m) = p.get("paths").and_then(Value::as_object) {
            paths.extend(m.clone());
        }
        if let Some(m) = p.get("schemas").and_then(Value::as_object) {
            schemas.extend(m.clone());
        }
    }
    json!({
        "openapi": "3.1.0",
        "info": {"title": "Kumiai API", "version": env!("CARGO_PKG_VERSION"),
                 "description": "Every response is filtered by the caller's reach. A record the caller may not see answers 404, exactly like a missing one."},
        "servers": [{"url": "/"}],
        "security": [{"bearer": []}, {"session": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {
                "bearer": {"type": "http", "scheme": "bearer", "description": "An API token from `kumiai user token` or the account page"},
                "session": {"type": "apiKey", "in": "cookie", "name": "kumiai_session", "description": "Browser session; state changes also need the X-CSRF-Token header"}
            },
            "responses": {"Error": {"description": "Error", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
        }
    })
}

async fn openapi(State(state): State<AppState>) -> Json<Value> {
    Json(state.openapi.clone())
}

async fn me(ctx: Ctx) -> AppResult<Json<Value>> {
    let a = ctx.account()?;
    Ok(Json(json!({
        "user_id": a.user_id, "login": a.login, "display_name": a.display_name, "org_id": a.org_id,
        "tier": a.tier.as_str(), "role": a.role.as_str(), "csrf_token": ctx.csrf,
    })))
}

async fn audit_api(ctx: Ctx, QueryParams(f): QueryParams<AuditFilter>) -> AppResult<Json<Value>> {
    ctx.viewer.mark_checked();
    if !ctx.viewer.is_hq_admin() {
        return Err(if ctx.viewer.account.is_some() { AppError::NotFound } else { AppError::Unauthorized });
    }
    let (entries, total) = audit::search(ctx.db(), &f).await?;
    Ok(Json(json!({"total": total, "page": f.page.unwrap_or(1).max(1), "per_page": audit::AUDIT_PAGE, "items": entries})))
}
