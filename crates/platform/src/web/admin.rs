//! Admin pages: users (an admin manages the users of their own organisation's subtree; the head
//! office's admins manage everyone) and the audit log (head-office admins only).

use super::ctx::Ctx;
use super::extract::{FormBody, PathParams, QueryParams};
use super::layout::{Crumb, FormErrors, render_form, render_page};
use super::pages::redirect_with_flash;
use super::{Guard, NavFor, NavItem, Route};
use crate::module::{EntityName, Module};
use crate::accounts::{self, NewUser, User, password};
use crate::audit::{self, Actor, AuditFilter, Val};
use crate::error::{AppError, AppResult, FieldError};
use askama::Template;
use axum::response::Response;
use axum::routing::get;
use kumiai_core::{Lang, Msg, Role, UserId, Viewer, time};
use serde::Deserialize;

pub fn module() -> Module {
    Module {
        nav: vec![
            NavItem { href: "/admin/users", ja: "利用者", en: "Users", shown_to: NavFor::Admins },
            NavItem { href: "/admin/audit", ja: "監査ログ", en: "Audit log", shown_to: NavFor::HqAdmins },
        ],
        routes: vec![
            Route::get("/admin/users", Guard::Reach, get(users)),
            Route::get("/admin/users/new", Guard::Reach, get(new_user_form)),
            Route::post("/admin/users/new", Guard::Reach, axum::routing::post(create_user)),
            Route::get("/admin/users/{id}", Guard::Reach, get(user_page)),
            Route::post("/admin/users/{id}", Guard::Reach, axum::routing::post(update_user)),
            Route::get("/admin/audit", Guard::Reach, get(audit_log)),
        ],
        title: ("管理", "Administration"),
        entities: &[
            EntityName { entity: "user", ja: "利用者", en: "User" },
            EntityName { entity: "api_token", ja: "APIトークン", en: "API token" },
            EntityName { entity: "settings", ja: "設定", en: "Settings" },
        ],
        ..Module::new("admin")
    }
}

/// Whether `viewer` may manage `user`: an admin at or above the user's organisation. Asking marks
/// the request as reach-checked.
pub fn can_manage(viewer: &Viewer, user: &User) -> bool {
    viewer.ledger().note_decision();
    viewer.has_role(Role::Admin) && viewer.org_id().is_some_and(|o| crate::reach::parse_path(&user.org_path).contains(&o))
}

fn admin_root(ctx: &Ctx) -> AppResult<String> {
    let a = ctx.require_role(Role::Admin)?;
    ctx.viewer.ledger().note_decision();
    Ok(crate::reach::format_path(&a.org_path))
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersBody<'a> {
    l: Lang,
    users: &'a [User],
}

async fn users(ctx: Ctx) -> AppResult<Response> {
    let root = admin_root(&ctx)?;
    let list = accounts::list_under(ctx.db(), &root).await?;
    let title = ctx.t("利用者", "Users");
    Ok(render_page(&ctx, title, &[Crumb::here(title)], &UsersBody { l: ctx.lang, users: &list }))
}

#[derive(Template)]
#[template(path = "admin_user_new.html")]
struct NewUserBody<'a> {
    l: Lang,
    csrf: &'a str,
    f: &'a NewUserForm,
    errs: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NewUserForm {
    login: String,
    display_name: String,
    email: String,
    org_code: String,
    role: String,
    password: String,
}

fn new_user_page(ctx: &Ctx, f: &NewUserForm, errs: Vec<FieldError>) -> Response {
    let failed = !errs.is_empty();
    let title = ctx.t("利用者の追加", "Add user");
    render_form(
        ctx,
        title,
        &[Crumb::link(ctx.t("利用者", "Users"), "/admin/users"), Crumb::here(title)],
        &NewUserBody { l: ctx.lang, csrf: &ctx.csrf, f, errs: FormErrors::new(errs, ctx.lang) },
        failed,
    )
}

async fn new_user_form(ctx: Ctx) -> AppResult<Response> {
    admin_root(&ctx)?;
    Ok(new_user_page(&ctx, &NewUserForm { role: "viewer".into(), ..Default::default() }, vec![]))
}

async fn create_user(ctx: Ctx, FormBody(f): FormBody<NewUserForm>) -> AppResult<Response> {
    let root = admin_root(&ctx)?;
    let org = crate::orgs::by_code_for_accounts(ctx.db(), &f.org_code).await?;
    let mut errs = vec![];
    // An organisation outside the admin's subtree answers like a missing one.
    let org_id = match org.filter(|(_, _, path)| path.starts_with(&root)) {
        Some((id, _, _)) => Some(id),
        None => {
            errs.push(FieldError::new("org_code", "組織コードが見つかりません。", "No organisation with this code."));
            None
        }
    };
    let role = Role::parse(&f.role);
    if role.is_none() {
        errs.push(FieldError::new("role", "役割を選んでください。", "Choose a role."));
    }
    if !errs.is_empty() {
        return Ok(new_user_page(&ctx, &f, errs));
    }
    let new = NewUser {
        login: f.login.trim(),
        display_name: &f.display_name,
        email: &f.email,
        org_id: org_id.unwrap_or_default(),
        role: role.unwrap_or(Role::Viewer),
        password: &f.password,
    };
    match accounts::create(ctx.db(), &Actor::of(&ctx.viewer), new).await {
        Ok(id) => Ok(redirect_with_flash(&ctx, &format!("/admin/users/{id}"), Msg::new("利用者を追加しました。", "User added."))),
        Err(AppError::Validation(errs)) => Ok(new_user_page(&ctx, &f, errs)),
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserBody<'a> {
    l: Lang,
    csrf: &'a str,
    u: &'a User,
    history: String,
    errs: FormErrors,
}

async fn load_managed(ctx: &Ctx, id: UserId) -> AppResult<User> {
    let user = accounts::by_id(ctx.db(), id).await?.ok_or(AppError::NotFound)?;
    if !can_manage(&ctx.viewer, &user) {
        return Err(AppError::NotFound);
    }
    Ok(user)
}

async fn user_view(ctx: &Ctx, user: &User, errs: Vec<FieldError>) -> AppResult<Response> {
    let history = super::layout::history_of::<User>(ctx, user.id.get(), true).await?;
    let title = user.display_name.clone();
    let status = if errs.is_empty() { axum::http::StatusCode::OK } else { axum::http::StatusCode::UNPROCESSABLE_ENTITY };
    let mut r = render_page(
        ctx,
        &title,
        &[Crumb::link(ctx.t("利用者", "Users"), "/admin/users"), Crumb::here(&title)],
        &UserBody { l: ctx.lang, csrf: &ctx.csrf, u: user, history, errs: FormErrors::new(errs, ctx.lang) },
    );
    *r.status_mut() = status;
    Ok(r)
}

async fn user_page(ctx: Ctx, PathParams(id): PathParams<UserId>) -> AppResult<Response> {
    let user = load_managed(&ctx, id).await?;
    user_view(&ctx, &user, vec![]).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct UserUpdate {
    version: i64,
    action: String,
    role: Option<String>,
    password: Option<String>,
}

async fn update_user(ctx: Ctx, PathParams(id): PathParams<UserId>, FormBody(f): FormBody<UserUpdate>) -> AppResult<Response> {
    let user = load_managed(&ctx, id).await?;
    let actor = Actor::of(&ctx.viewer);
    let (fields, action): (Vec<(&str, Val)>, &str) = match f.action.as_str() {
        "role" => match f.role.as_deref().and_then(Role::parse) {
            Some(r) => (vec![("role", r.as_str().into())], "role"),
            None => return user_view(&ctx, &user, vec![FieldError::new("role", "役割を選んでください。", "Choose a role.")]).await,
        },
        "disable" if Some(user.id) != ctx.viewer.account().map(|a| a.user_id) => (vec![("disabled_at", ctx.now.into())], "disable"),
        "enable" => (vec![("disabled_at", Val::Int(None))], "enable"),
        "password" => {
            let pw = f.password.unwrap_or_default();
            if let Err(m) = password::check_policy(&pw) {
                return user_view(&ctx, &user, vec![FieldError { file: None, row: None, field: "password".into(), message: m }]).await;
            }
            (vec![("password_hash", password::hash(&pw)?.into())], "password")
        }
        _ => return Err(AppError::BadRequest(Msg::new("不明な操作です。", "Unknown action."))),
    };
    accounts::update(ctx.db(), &actor, &user, f.version, &fields, action).await?;
    Ok(redirect_with_flash(&ctx, &format!("/admin/users/{id}"), Msg::new("保存しました。", "Saved.")))
}

/// One entry of the audit log as shown: when, who, the record in words (with its page, if it has
/// one), what was done, what changed.
struct AuditRow {
    at: String,
    actor: String,
    record: String,
    link: Option<String>,
    action: String,
    changes: Vec<audit::FieldChange>,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditBody<'a> {
    l: Lang,
    f: &'a AuditFilter,
    /// (name, title) of the modules that log entries.
    modules: Vec<(&'static str, &'static str)>,
    rows: Vec<AuditRow>,
    page: i64,
    pages: i64,
    total: i64,
    query_base: String,
}

async fn audit_log(ctx: Ctx, QueryParams(mut f): QueryParams<AuditFilter>) -> AppResult<Response> {
    require_hq_admin(&ctx)?;
    f.check(&ctx.state.entities)?;
    let (entries, total) = audit::search(ctx.db(), &f).await?;
    let l = ctx.lang;
    let rows = entries
        .into_iter()
        .map(|e| {
            let kind = ctx.state.entities.iter().find(|(_, n)| n.entity == e.entity).map_or_else(|| e.entity.clone(), |(_, n)| l.t(n.ja, n.en).to_string());
            let record = match e.name() {
                Some(name) => format!("{kind}「{name}」"),
                None => format!("{kind} #{}", e.record_id),
            };
            let link = ctx.state.record_urls.iter().find(|u| u.entity == e.entity).map(|u| format!("{}{}", u.prefix, e.record_id));
            AuditRow { at: time::format_ms(e.at), actor: e.actor.clone(), record, link, action: audit::action_label(&e.action, l), changes: e.changes() }
        })
        .collect();
    let modules = ctx
        .state
        .module_titles
        .iter()
        .filter(|(m, _, _)| ctx.state.entities.iter().any(|(e, _)| e == m))
        .map(|(m, ja, en)| (*m, l.t(ja, en)))
        .collect();
    let mut q = vec![];
    for (k, v) in [("entity", &f.entity), ("actor", &f.actor), ("action", &f.action), ("module", &f.module), ("from", &f.from), ("to", &f.to)] {
        if let Some(v) = v.as_deref().filter(|v| !v.is_empty()) {
            q.push(format!("{k}={}", super::cookies::encode(v)));
        }
    }
    let title = ctx.t("監査ログ", "Audit log");
    let body = AuditBody {
        l: ctx.lang,
        f: &f,
        modules,
        rows,
        page: f.paging().page,
        pages: (total + audit::AUDIT_PAGE - 1) / audit::AUDIT_PAGE,
        total,
        query_base: q.join("&"),
    };
    Ok(render_page(&ctx, title, &[Crumb::here(title)], &body))
}

/// The whole audit log is for head-office admins; everyone else is told it does not exist.
pub fn require_hq_admin(ctx: &Ctx) -> AppResult<()> {
    ctx.viewer.ledger().note_decision();
    if ctx.viewer.is_hq_admin() {
        Ok(())
    } else if ctx.viewer.is_anonymous() {
        Err(AppError::Unauthorized)
    } else {
        Err(AppError::NotFound)
    }
}
