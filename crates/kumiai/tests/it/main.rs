//! Kumiai's integration tests, in one binary: the real router on a fresh database per test (SQLite
//! and PostgreSQL), the real `kumiai` binary, headless Chromium, and the source-tree checks.

#[macro_use]
mod common;

mod browser;
mod caching;
mod calendar;
mod campaign;
mod cli;
mod counts;
mod dashboard;
mod english;
mod hardening;
mod import;
mod leaks;
mod lists;
mod mediawiki;
mod minwage;
mod module;
mod oracles;
mod pick;
mod reach;
mod routes;
mod schema;
mod search;
mod tidy;
mod wiki;
mod writes;
