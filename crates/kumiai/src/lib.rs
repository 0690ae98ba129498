//! The `kumiai` binary's library half: it registers the modules (`app::modules`), wires them into
//! one application and one command line. It names module crates only in `app::modules()`.

pub mod app;
pub mod cli;
