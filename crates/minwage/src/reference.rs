//! The regional minimum wages shipped with Kumiai (FY2019–FY2025, all 47 prefectures, from the
//! government's published tables; see data/README.md). They are read once; imported rows add
//! years and correct figures without touching this file.

use crate::files::{self, RegionalRow};
use std::sync::OnceLock;

pub const REGIONAL_CSV: &str = include_str!("../data/regional.csv");

pub fn regional() -> &'static [RegionalRow] {
    static ROWS: OnceLock<Vec<RegionalRow>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let table = kumiai_directory::io::Table::read("regional.csv", REGIONAL_CSV.as_bytes()).expect("the shipped regional file is CSV");
        files::regional(&table).expect("the shipped regional file is valid (a unit test proves it)")
    })
}
