//! The campaign's pages: the head office's round page and answer-day board, the entry of demands
//! and answers by unions and their industrial unions, and quick bulletins.

pub mod board;
pub mod bulletins;
pub mod entry;
pub mod files;
pub mod round;

use axum::routing::{get, post};
use kumiai_platform::web::{Guard, Route};

pub use round::panel;

/// A yen figure as the pages show it ("12,345"), or "—" when unknown.
pub(crate) fn yen(v: Option<i64>) -> String {
    v.map(kumiai_platform::db::group_digits)
        .unwrap_or_else(|| "—".into())
}

/// Months to two decimals ("4.90"), or "—" when unknown.
pub(crate) fn months(v: Option<f64>) -> String {
    v.map(|m| format!("{m:.2}")).unwrap_or_else(|| "—".into())
}

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/campaign", Guard::Open, get(round::index)),
        Route::get("/campaign/{year}", Guard::Reach, get(round::round)),
        Route::get("/campaign/{year}/board", Guard::Reach, get(board::board)),
        Route::get(
            "/campaign/{year}/board/events",
            Guard::Reach,
            get(board::events),
        ),
        Route::get("/campaign/{year}/answers", Guard::Reach, get(entry::list)),
        Route::get(
            "/campaign/{year}/answers/{code}",
            Guard::Reach,
            get(entry::form),
        ),
        // Saved at …/edit, so the conflict page's "start again" opens the form again.
        Route::get(
            "/campaign/{year}/answers/{code}/edit",
            Guard::Reach,
            get(entry::form),
        ),
        Route::post(
            "/campaign/{year}/answers/{code}/edit",
            Guard::Reach,
            post(entry::save),
        ),
        Route::get("/campaign/{year}/import", Guard::Reach, get(files::form)),
        Route::post(
            "/campaign/{year}/import",
            Guard::Reach,
            post(files::upload).layer(axum::extract::DefaultBodyLimit::max(files::UPLOAD_LIMIT)),
        ),
        Route::get(
            "/campaign/{year}/template/{code}",
            Guard::Reach,
            get(files::template),
        ),
        Route::get(
            "/campaign/{year}/bulletins",
            Guard::Reach,
            get(bulletins::list),
        ),
        Route::post(
            "/campaign/{year}/bulletins",
            Guard::Reach,
            post(bulletins::create),
        ),
        Route::get(
            "/campaign/{year}/bulletins/{number}",
            Guard::Reach,
            get(bulletins::show),
        ),
        Route::get(
            "/campaign/{year}/bulletins/{number}/xlsx",
            Guard::Reach,
            get(bulletins::xlsx),
        ),
        Route::get(
            "/campaign/{year}/bulletins/{number}/pdf",
            Guard::Reach,
            get(bulletins::pdf),
        ),
        Route::post(
            "/campaign/{year}/bulletins/{number}/approve",
            Guard::Reach,
            post(bulletins::approve),
        ),
        Route::post(
            "/campaign/{year}/bulletins/{number}/schedule",
            Guard::Reach,
            post(bulletins::schedule),
        ),
        Route::post(
            "/campaign/{year}/bulletins/{number}/withdraw",
            Guard::Reach,
            post(bulletins::withdraw),
        ),
        Route::get(
            "/campaign/bulletins.atom",
            Guard::Reach,
            get(bulletins::feed),
        ),
    ]
}
