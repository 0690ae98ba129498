//! The `kumiai` binary's library half: it wires the platform and the modules into one application
//! and builds the demo federation. `main.rs` is only the command line.

pub mod app;
pub mod demo;
