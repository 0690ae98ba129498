//! Kumiai's shared core with I/O: the database handle and migrations, the record kit and the one
//! audited write path, the reach layer (the only maker of `Visible<T>`), accounts and sessions,
//! the module descriptor, what modules give the search index, and the web shell every module's
//! pages live in. Modules depend on this crate; it depends on no module.

pub mod accounts;
pub mod audit;
pub mod cache;
pub mod calendar;
pub mod config;
pub mod db;
pub mod error;
pub mod memory;
pub mod migrate;
pub mod module;
pub mod orgs;
pub mod pdf;
pub mod reach;
pub mod record;
pub mod search;
pub mod text;
pub mod web;

pub use config::Config;
pub use db::Db;
pub use error::{AppError, AppResult, FieldError};
pub use module::Module;
pub use reach::Visible;
pub use record::{Identified, Reachable, Record};
