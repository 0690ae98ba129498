//! Spreadsheet import and export for the directory: CSV (UTF-8 with or without BOM, or
//! Shift_JIS/CP932 as Excel writes it, detected) and .xlsx. An import reads and validates every row
//! first and applies all or nothing in one transaction; each error names file, row, column and
//! reason in both languages.

pub mod export;
pub mod import;
pub mod table;

pub use table::Table;

/// What a file holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Sheet {
    Organisations,
    People,
    Counts,
}

impl Sheet {
    pub fn parse(s: &str) -> Option<Sheet> {
        match s {
            "organisations" | "orgs" => Some(Sheet::Organisations),
            "people" => Some(Sheet::People),
            "counts" | "member_counts" => Some(Sheet::Counts),
            _ => None,
        }
    }
    pub fn as_str(self) -> &'static str {
        match self {
            Sheet::Organisations => "organisations",
            Sheet::People => "people",
            Sheet::Counts => "counts",
        }
    }
    /// (code name, Japanese header) of each column, in export order.
    pub fn columns(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Sheet::Organisations => &[
                ("code", "組織コード"),
                ("kind", "種別"),
                ("parent", "上部組織"),
                ("company", "関連企業"),
                ("name_ja", "名称"),
                ("name_kana", "よみ"),
                ("name_en", "英語名"),
                ("country", "国"),
                ("reach", "情報到達範囲"),
                ("scope", "限定範囲"),
                ("embargo_until", "解禁日時"),
                ("shared_with", "共有先"),
                ("note", "備考"),
            ],
            Sheet::People => &[
                ("id", "ID"),
                ("org", "所属組織"),
                ("name_kanji", "氏名"),
                ("name_kana", "よみ"),
                ("name_latin", "ローマ字"),
                ("gender", "性別"),
                ("position_ja", "役職"),
                ("position_en", "役職（英語）"),
                ("term_start", "任期開始"),
                ("term_end", "任期終了"),
                ("email", "メール"),
                ("reach", "情報到達範囲"),
                ("scope", "限定範囲"),
                ("embargo_until", "解禁日時"),
                ("shared_with", "共有先"),
                ("note", "備考"),
            ],
            Sheet::Counts => &[("code", "組織コード"), ("fiscal_year", "年度"), ("members", "組合員数"), ("dues_paying", "会費納入人員")],
        }
    }
    /// Japanese headers of earlier exports, still read: (code name, old header).
    pub const OLD_HEADERS: [(&'static str, &'static str); 1] = [("reach", "公開範囲")];
    /// Columns a file must have.
    pub fn required(self) -> &'static [&'static str] {
        match self {
            Sheet::Organisations => &["code", "kind", "name_ja"],
            Sheet::People => &["org", "name_kanji"],
            Sheet::Counts => &["code", "fiscal_year", "members"],
        }
    }
}
