//! The directory's HTML pages. Handlers only translate between HTTP and the stores; every rule
//! lives in `org::store`, `people::store` and `counts`.

mod orgs;
mod people;
mod transfer;

use kumiai_core::{Lang, Reach};
use kumiai_platform::web::{Guard, Route};
use axum::routing::{get, post};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/directory/organisations", Guard::Reach, get(orgs::list)),
        Route::get("/directory/organisations/new", Guard::Reach, get(orgs::new_form)),
        Route::post("/directory/organisations/new", Guard::Reach, post(orgs::create)),
        Route::get("/directory/organisations/{id}", Guard::Reach, get(orgs::detail)),
        Route::get("/directory/organisations/{id}/edit", Guard::Reach, get(orgs::edit_form)),
        Route::post("/directory/organisations/{id}/edit", Guard::Reach, post(orgs::update)),
        Route::post("/directory/organisations/{id}/move", Guard::Reach, post(orgs::move_to)),
        Route::post("/directory/organisations/{id}/archive", Guard::Reach, post(orgs::archive)),
        Route::post("/directory/organisations/{id}/restore", Guard::Reach, post(orgs::restore)),
        Route::post("/directory/organisations/{id}/counts", Guard::Reach, post(orgs::save_counts)),
        Route::get("/directory/people", Guard::Reach, get(people::list)),
        Route::get("/directory/people/new", Guard::Reach, get(people::new_form)),
        Route::post("/directory/people/new", Guard::Reach, post(people::create)),
        Route::get("/directory/people/{id}", Guard::Reach, get(people::detail)),
        Route::get("/directory/people/{id}/edit", Guard::Reach, get(people::edit_form)),
        Route::post("/directory/people/{id}/edit", Guard::Reach, post(people::update)),
        Route::post("/directory/people/{id}/archive", Guard::Reach, post(people::archive)),
        Route::post("/directory/people/{id}/restore", Guard::Reach, post(people::restore)),
        Route::get("/directory/export/{file}", Guard::Reach, get(transfer::export)),
        Route::get("/directory/import", Guard::Reach, get(transfer::import_form)),
        Route::post("/directory/import", Guard::Reach, post(transfer::import).layer(axum::extract::DefaultBodyLimit::max(32 * 1024 * 1024))),
    ]
}

/// A query string from pairs, skipping empty values; ends with '&' so a page number can follow.
pub fn query_string(pairs: &[(&str, String)]) -> String {
    let mut s = String::from("?");
    for (k, v) in pairs {
        if !v.is_empty() {
            s.push_str(k);
            s.push('=');
            s.extend(form_urlencoded::byte_serialize(v.as_bytes()));
            s.push('&');
        }
    }
    s
}

pub fn reach_label(reach: &str, l: Lang) -> &'static str {
    Reach::parse(reach).map(|r| r.label(l)).unwrap_or("?")
}
