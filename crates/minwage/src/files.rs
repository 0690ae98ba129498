//! Regional, industry and agreement files (CSV in UTF-8 or Shift_JIS, or .xlsx; English or
//! Japanese headers) read into checked rows, all or nothing: every problem is named with its file,
//! row, column and reason, in Japanese and English. What needs the database (whether a union
//! exists) is checked by the import that stores the rows.

use crate::model::WageStatus;
use crate::prefecture::{self, Prefecture};
use kumiai_directory::io::Table;
use kumiai_platform::FieldError;
use kumiai_platform::text::{fold, parse_int};
use std::collections::HashMap;

/// Hourly amounts outside this range are typing slips (the lowest regional wage ever set was in
/// the 600s; no minimum wage comes near 5,000 yen an hour).
pub const HOURLY: std::ops::RangeInclusive<i64> = 500..=5_000;
/// Monthly in-company minimum wages.
pub const MONTHLY: std::ops::RangeInclusive<i64> = 50_000..=1_000_000;
pub const YEARS: std::ops::RangeInclusive<i64> = 1959..=2100;

pub const REGIONAL_COLUMNS: [(&str, &str); 6] = [
    ("fiscal_year", "年度"),
    ("prefecture_code", "都道府県コード"),
    ("prefecture", "都道府県"),
    ("hourly_yen", "時間額"),
    ("effective_date", "発効日"),
    ("note", "備考"),
];

pub const INDUSTRY_COLUMNS: [(&str, &str); 13] = [
    ("fiscal_year", "年度"),
    ("prefecture_code", "都道府県コード"),
    ("prefecture", "都道府県"),
    ("industry", "業種"),
    ("title", "正式名称"),
    ("hourly_yen", "時間額"),
    ("previous_hourly_yen", "改正前の時間額"),
    ("effective_date", "発効日"),
    ("covered_workers", "適用労働者数"),
    ("status", "改正状況"),
    ("industrial_unions", "関係産別"),
    ("note", "備考"),
    ("reach", "情報到達範囲"),
];

pub const AGREEMENT_COLUMNS: [(&str, &str); 6] = [
    ("year", "年"),
    ("union_code", "組合コード"),
    ("prefecture_code", "都道府県コード"),
    ("industry", "業種"),
    ("monthly_yen", "月額"),
    ("hourly_yen", "時間額"),
];

#[derive(Clone, Debug, PartialEq)]
pub struct RegionalRow {
    pub row: usize,
    pub fiscal_year: i64,
    pub prefecture_code: String,
    pub hourly_yen: Option<i64>,
    pub effective_date: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct IndustryRow {
    pub row: usize,
    pub fiscal_year: i64,
    pub prefecture_code: String,
    pub industry: String,
    pub title: String,
    pub hourly_yen: Option<i64>,
    pub previous_hourly_yen: Option<i64>,
    pub effective_date: String,
    pub covered_workers: Option<i64>,
    pub status: Option<WageStatus>,
    pub industrial_unions: String,
    pub note: String,
    pub reach: Option<kumiai_core::Reach>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct AgreementRow {
    pub row: usize,
    pub year: i64,
    pub union_code: String,
    pub prefecture_code: String,
    pub industry: String,
    pub monthly_yen: Option<i64>,
    pub hourly_yen: Option<i64>,
}

/// One row's cells by code name, with the problems found so far.
struct Cells<'a> {
    table: &'a Table,
    index: HashMap<&'static str, usize>,
    row: usize,
    cells: &'a [String],
    problems: &'a mut Vec<FieldError>,
}

impl Cells<'_> {
    fn header(&self, code: &str) -> String {
        self.index.get(code).map_or_else(|| code.to_string(), |i| self.table.headers[*i].trim().to_string())
    }
    fn text(&self, code: &str) -> String {
        self.index.get(code).and_then(|i| self.cells.get(*i)).map(|s| fold(s)).unwrap_or_default()
    }
    fn refuse(&mut self, code: &str, value: &str, ja: &str, en: &str) {
        let e = FieldError::refused(self.header(code), value, ja, en).at(&self.table.file, self.row);
        self.problems.push(e);
    }
    /// A whole number within `range`; empty is unknown.
    fn int(&mut self, code: &str, range: std::ops::RangeInclusive<i64>, what: (&str, &str)) -> Option<i64> {
        let t = self.text(code);
        if t.is_empty() {
            return None;
        }
        match parse_int(&t) {
            Some(n) if range.contains(&n) => Some(n),
            Some(_) => {
                let (lo, hi) = (kumiai_platform::db::group_digits(*range.start()), kumiai_platform::db::group_digits(*range.end()));
                self.refuse(code, &t, &format!("{}は{lo}〜{hi}の範囲で書いてください。", what.0), &format!("{} must be between {lo} and {hi}.", what.1));
                None
            }
            None => {
                self.refuse(code, &t, &format!("{}は整数で書いてください。", what.0), &format!("{} must be a whole number.", what.1));
                None
            }
        }
    }
    /// The prefecture from its code, or its name where the code is missing; both must agree.
    fn prefecture(&mut self) -> Option<&'static Prefecture> {
        let (code, name) = (self.text("prefecture_code"), self.text("prefecture"));
        let by_code = (!code.is_empty()).then(|| prefecture::by_code(&code));
        let by_name = (!name.is_empty()).then(|| prefecture::by_name(&name));
        match (by_code, by_name) {
            (Some(None), _) => {
                self.refuse("prefecture_code", &code, "都道府県コード（JIS、01〜47）にありません。", "is not a prefecture code (JIS, 01–47).");
                None
            }
            (_, Some(None)) => {
                self.refuse("prefecture", &name, "都道府県名として知られていません。", "is not a known prefecture.");
                None
            }
            (Some(Some(a)), Some(Some(b))) if a.code != b.code => {
                self.refuse("prefecture", &name, &format!("都道府県コード {} は{}です。", a.code, a.ja), &format!("prefecture code {} is {}.", a.code, a.en));
                None
            }
            (Some(Some(p)), _) | (None, Some(Some(p))) => Some(p),
            (None, None) => {
                self.refuse("prefecture_code", "", "都道府県コードか都道府県名が必要です。", "a prefecture code or name is needed.");
                None
            }
        }
    }
    /// A date (YYYY-MM-DD or YYYY/MM/DD) inside the government fiscal year `fy`; empty is unknown.
    fn date_in(&mut self, code: &str, fy: Option<i64>) -> String {
        let t = self.text(code);
        if t.is_empty() {
            return t;
        }
        let Some(d) = kumiai_core::time::parse_date(&t.replace('/', "-")) else {
            self.refuse(code, &t, "日付は YYYY-MM-DD で書いてください。", "write the date as YYYY-MM-DD.");
            return String::new();
        };
        if let Some(fy) = fy
            && kumiai_core::GovYear::of(d).0 != fy as i32
        {
            self.refuse(code, &t, &format!("{fy}年度（{fy}年4月1日〜{}年3月31日）の日付ではありません。", fy + 1), &format!("is not in fiscal year {fy} (1 April {fy} – 31 March {}).", fy + 1));
        }
        d.to_string()
    }
}

/// Reads every row with `each` and checks the keys for duplicates, collecting every problem of
/// the file in one pass; the header must hold `required`.
fn read_rows<T>(table: &Table, columns: &[(&'static str, &'static str)], required: &[&str], key: (&str, fn(&T) -> (usize, String)), mut each: impl FnMut(&mut Cells) -> Option<T>) -> Result<Vec<T>, Vec<FieldError>> {
    let index: HashMap<&'static str, usize> = columns.iter().filter_map(|(c, ja)| table.column(c, ja).map(|i| (*c, i))).collect();
    let mut problems = vec![];
    for r in required {
        if !index.contains_key(r) {
            let ja = columns.iter().find(|(c, _)| c == r).map_or(*r, |p| p.1);
            problems.push(FieldError { file: Some(table.file.clone()), row: Some(1), field: r.to_string(), message: kumiai_core::Msg::new(format!("列「{r}」（{ja}）がありません。"), format!("The column '{r}' ({ja}) is missing.")) });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut out = vec![];
    for (row, cells) in &table.rows {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut c = Cells { table, index: index.clone(), row: *row, cells, problems: &mut problems };
        if let Some(v) = each(&mut c) {
            out.push(v);
        }
    }
    if table.rows.is_empty() {
        problems.push(FieldError { file: Some(table.file.clone()), row: None, field: String::new(), message: kumiai_core::Msg::new("データの行がありません。", "The file has no data rows.") });
    }
    duplicates(&table.file, &out, key.1, key.0, &mut problems);
    problems.sort_by_key(|p| p.row);
    if problems.is_empty() { Ok(out) } else { Err(problems) }
}

fn year(c: &mut Cells, code: &str) -> Option<i64> {
    let y = c.int(code, YEARS, ("年度", "The year"));
    if y.is_none() && c.text(code).is_empty() {
        c.refuse(code, "", "年度が必要です。", "the year is needed.");
    }
    y
}

/// Duplicate keys, each named at its second row.
fn duplicates<T>(file: &str, rows: &[T], key: fn(&T) -> (usize, String), field: &str, problems: &mut Vec<FieldError>) {
    let mut seen: HashMap<String, usize> = HashMap::new();
    for r in rows {
        let (row, k) = key(r);
        if let Some(first) = seen.insert(k.clone(), row) {
            problems.push(FieldError::refused(field, &k, format!("{first}行目と重複しています。"), format!("duplicates row {first}.")).at(file, row));
        }
    }
}

pub fn regional(table: &Table) -> Result<Vec<RegionalRow>, Vec<FieldError>> {
    read_rows(table, &REGIONAL_COLUMNS, &["fiscal_year", "hourly_yen"], ("fiscal_year, prefecture_code", |r: &RegionalRow| (r.row, format!("{} {}", r.fiscal_year, r.prefecture_code))), |c| {
        let fy = year(c, "fiscal_year");
        let p = c.prefecture();
        let hourly = c.int("hourly_yen", HOURLY, ("時間額", "The hourly amount"));
        let date = c.date_in("effective_date", fy);
        Some(RegionalRow { row: c.row, fiscal_year: fy?, prefecture_code: p?.code.into(), hourly_yen: hourly, effective_date: date, note: c.text("note") })
    })
}

pub fn industry(table: &Table) -> Result<Vec<IndustryRow>, Vec<FieldError>> {
    let key = |r: &IndustryRow| (r.row, format!("{} {} {}", r.fiscal_year, r.prefecture_code, r.industry));
    read_rows(table, &INDUSTRY_COLUMNS, &["fiscal_year", "industry", "hourly_yen"], ("fiscal_year, prefecture_code, industry", key), |c| {
        let fy = year(c, "fiscal_year");
        let p = c.prefecture();
        let industry = c.text("industry");
        if industry.is_empty() {
            c.refuse("industry", "", "業種（略称）が必要です。", "the industry (short name) is needed.");
        } else if industry.chars().count() > 100 {
            c.refuse("industry", &industry, "業種は100字までです。", "the industry takes at most 100 characters.");
        }
        let hourly = c.int("hourly_yen", HOURLY, ("時間額", "The hourly amount"));
        let previous = c.int("previous_hourly_yen", HOURLY, ("改正前の時間額", "The previous amount"));
        let date = c.date_in("effective_date", fy);
        let covered = c.int("covered_workers", 0..=10_000_000, ("適用労働者数", "Covered workers"));
        let s = c.text("status");
        let status = WageStatus::parse(&s);
        if !s.is_empty() && status.is_none() {
            c.refuse("status", &s, "改正状況は 金額改正・据置・新設・廃止 のいずれかです。", "the status is one of revised, unchanged, new, abolished.");
        }
        if status == Some(WageStatus::Unchanged) && hourly.zip(previous).is_some_and(|(h, p)| h != p) {
            c.refuse("hourly_yen", &c.text("hourly_yen"), "据置なのに改正前と金額が違います。", "the status is unchanged but the amount differs from the previous one.");
        }
        let r = c.text("reach");
        let reach = kumiai_core::Reach::parse(&r);
        if !r.is_empty() && reach.is_none() {
            c.refuse("reach", &r, "情報到達範囲は hq・industrial・affiliates・public のいずれかです。", "the reach is one of hq, industrial, affiliates, public.");
        }
        let (title, unions, note) = (c.text("title"), c.text("industrial_unions"), c.text("note"));
        if title.chars().count() > 500 || note.chars().count() > 2000 || unions.chars().count() > 200 {
            c.refuse("note", "", "正式名称は500字、関係産別は200字、備考は2,000字までです。", "the title takes at most 500 characters, the unions 200, the note 2,000.");
        }
        Some(IndustryRow {
            row: c.row,
            fiscal_year: fy?,
            prefecture_code: p?.code.into(),
            industry,
            title,
            hourly_yen: hourly,
            previous_hourly_yen: previous,
            effective_date: date,
            covered_workers: covered,
            status,
            industrial_unions: unions,
            note,
            reach,
        })
    })
}

pub fn agreements(table: &Table) -> Result<Vec<AgreementRow>, Vec<FieldError>> {
    let key = |r: &AgreementRow| (r.row, format!("{} {}", r.year, r.union_code));
    read_rows(table, &AGREEMENT_COLUMNS, &["year", "union_code"], ("year, union_code", key), |c| {
        let y = year(c, "year");
        let union_code = c.text("union_code");
        if union_code.is_empty() {
            c.refuse("union_code", "", "組合コードが必要です。", "the union code is needed.");
        }
        let pc = c.text("prefecture_code");
        let pref = if pc.is_empty() {
            String::new()
        } else {
            match prefecture::by_code(&pc) {
                Some(p) => p.code.into(),
                None => {
                    c.refuse("prefecture_code", &pc, "都道府県コード（JIS、01〜47）にありません。", "is not a prefecture code (JIS, 01–47).");
                    String::new()
                }
            }
        };
        let monthly = c.int("monthly_yen", MONTHLY, ("月額", "The monthly amount"));
        let hourly = c.int("hourly_yen", HOURLY, ("時間額", "The hourly amount"));
        Some(AgreementRow { row: c.row, year: y?, union_code, prefecture_code: pref, industry: c.text("industry"), monthly_yen: monthly, hourly_yen: hourly })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(file: &str, text: &str) -> Table {
        Table::read(file, text.as_bytes()).unwrap()
    }

    #[test]
    fn the_shipped_regional_file_reads_whole() {
        let rows = regional(&table("regional.csv", crate::reference::REGIONAL_CSV)).unwrap();
        assert_eq!(rows.len(), 47 * 7);
        let tokyo = rows.iter().find(|r| r.fiscal_year == 2025 && r.prefecture_code == "13").unwrap();
        assert_eq!(tokyo.hourly_yen, Some(1226));
    }

    #[test]
    fn a_bad_industry_file_names_every_problem() {
        let t = table(
            "industry.csv",
            "fiscal_year,prefecture_code,prefecture,industry,hourly_yen,previous_hourly_yen,effective_date,covered_workers,status,note\n\
             2025,99,,電機,1200,1150,2025-12-01,,revised,\n\
             2025,23,愛知県,電機,12,1150,2025-12-01,,revised,\n\
             2025,23,愛知県,自動車,1200,1150,2025-03-31,,revised,\n\
             2025,13,東京都,電機,1300,1250,2026-03-01,,revised,\n\
             2025,13,東京都,電機,1300,1250,2026-03-01,,revised,\n",
        );
        let e = industry(&t).unwrap_err();
        let said: Vec<(Option<usize>, String)> = e.iter().map(|p| (p.row, p.field.clone())).collect();
        assert_eq!(
            said,
            vec![(Some(2), "prefecture_code".into()), (Some(3), "hourly_yen".into()), (Some(4), "effective_date".into()), (Some(6), "fiscal_year, prefecture_code, industry".into())],
            "{e:?}"
        );
        assert!(e[1].message.en.contains("between 500 and 5,000"), "{:?}", e[1].message);
        assert!(e[2].message.ja.contains("2025年度"), "{:?}", e[2].message);
        assert!(e.iter().all(|p| p.file.as_deref() == Some("industry.csv")));
    }

    #[test]
    fn japanese_headers_and_shift_jis() {
        let text = "年度,都道府県,業種,時間額,改正前の時間額,発効日,改正状況\n2025,愛知県,電機,1200,1150,2026/01/15,金額改正\n";
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(text);
        let t = Table::read("sjis.csv", &sjis).unwrap();
        let rows = industry(&t).unwrap();
        assert_eq!(rows[0].prefecture_code, "23");
        assert_eq!(rows[0].effective_date, "2026-01-15", "FY2025's dates run into the next calendar year");
        assert_eq!(rows[0].status, Some(WageStatus::Revised));
    }
}
