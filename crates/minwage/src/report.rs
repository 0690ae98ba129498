//! A year's analysis written out: the JSON documented in docs/minwage-report.md, one row per
//! industry wage as CSV (UTF-8 with a BOM, for Excel), or a workbook with the wages and the
//! summaries (numbers as numbers, unknown as empty cells).

use crate::analysis::{Analysis, Line, Summary};
use crate::prefecture;

pub const WAGE_HEADERS: [&str; 18] = [
    "fiscal_year", "prefecture_code", "prefecture", "industry", "title", "status", "hourly_yen", "previous_hourly_yen", "raise_yen", "regional_hourly_yen",
    "regional_raise_yen", "gap_yen", "below_regional", "raise_at_least_regional", "at_risk_next_year", "effective_date", "covered_workers", "industrial_unions",
];

pub const SUMMARY_HEADERS: [&str; 14] = [
    "by", "key", "count", "revised", "new", "unchanged", "abolished", "raise_at_least_regional", "below_regional", "at_risk_next_year", "avg_raise_yen",
    "weighted_avg_raise_yen", "avg_gap_yen", "weighted_avg_gap_yen",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|x| x.to_string()).unwrap_or_default()
}

pub fn wage_row(l: &Line) -> Vec<String> {
    vec![
        l.fiscal_year.to_string(),
        l.prefecture_code.clone(),
        prefecture::by_code(&l.prefecture_code).map_or("", |p| p.ja).to_string(),
        l.industry.clone(),
        l.title.clone(),
        l.status.map_or("", |s| s.as_str()).to_string(),
        opt(l.hourly_yen),
        opt(l.previous_hourly_yen),
        opt(l.raise_yen),
        opt(l.regional_hourly_yen),
        opt(l.regional_raise_yen),
        opt(l.gap_yen),
        opt(l.below_regional),
        opt(l.raise_at_least_regional),
        opt(l.at_risk_next_year),
        l.effective_date.clone(),
        opt(l.covered_workers),
        l.industrial_unions.join(","),
    ]
}

fn summary_row(by: &str, key: &str, s: &Summary) -> Vec<String> {
    vec![
        by.into(),
        key.into(),
        s.count.to_string(),
        s.revised.to_string(),
        s.new.to_string(),
        s.unchanged.to_string(),
        s.abolished.to_string(),
        s.raise_at_least_regional.to_string(),
        s.below_regional.to_string(),
        s.at_risk_next_year.to_string(),
        opt(s.avg_raise_yen),
        opt(s.weighted_avg_raise_yen),
        opt(s.avg_gap_yen),
        opt(s.weighted_avg_gap_yen),
    ]
}

pub fn summary_rows(a: &Analysis) -> Vec<Vec<String>> {
    let mut rows = vec![summary_row("overall", "", &a.summary)];
    rows.extend(a.by_prefecture.iter().map(|(k, s)| summary_row("prefecture", k, s)));
    rows.extend(a.by_industry.iter().map(|(k, s)| summary_row("industry", k, s)));
    rows.extend(a.by_industrial_union.iter().map(|(k, s)| summary_row("industrial_union", k, s)));
    rows
}

pub fn json(a: &Analysis) -> serde_json::Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(a)?;
    out.push(b'\n');
    Ok(out)
}

pub fn csv(lines: &[&Line]) -> Vec<u8> {
    csv_of(&WAGE_HEADERS, lines.iter().map(|l| wage_row(l)))
}

/// CSV in UTF-8 with a BOM (Excel reads it as UTF-8). Numbers stay numbers (−40 is -40); a text
/// cell that a spreadsheet would run as a formula is quoted with a leading apostrophe.
pub fn csv_of(headers: &[&str], rows: impl Iterator<Item = Vec<String>>) -> Vec<u8> {
    let mut w = csv::Writer::from_writer(b"\xEF\xBB\xBF".to_vec());
    let _ = w.write_record(headers);
    for r in rows {
        let _ = w.write_record(r.iter().map(|c| if c.parse::<f64>().is_err() && c.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{c}") } else { c.clone() }));
    }
    w.into_inner().unwrap_or_default()
}

/// A workbook of sheets (name, headers, rows); cells that read as numbers are written as numbers.
pub fn workbook(sheets: &[(&str, &[&str], Vec<Vec<String>>)]) -> anyhow::Result<Vec<u8>> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (name, headers, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name)?;
        for (c, h) in headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32 + 1, c as u16);
                // Codes keep their leading zeros; amounts and counts are numbers.
                match cell.parse::<f64>() {
                    Ok(n) if !cell.starts_with('0') || cell == "0" => ws.write_number(r, c, n)?,
                    _ => ws.write_string(r, c, cell)?,
                };
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    Ok(wb.save_to_buffer()?)
}

pub fn xlsx(a: &Analysis, lines: &[&Line]) -> anyhow::Result<Vec<u8>> {
    workbook(&[("wages", &WAGE_HEADERS, lines.iter().map(|l| wage_row(l)).collect()), ("summary", &SUMMARY_HEADERS, summary_rows(a))])
}

/// The analysis as `format` (json, csv, xlsx).
pub fn render(a: &Analysis, format: &str) -> anyhow::Result<Vec<u8>> {
    let lines: Vec<&Line> = a.lines.iter().collect();
    match format {
        "json" => Ok(json(a)?),
        "csv" => Ok(csv(&lines)),
        "xlsx" => xlsx(a, &lines),
        other => anyhow::bail!("unknown format {other} (json, csv, xlsx)"),
    }
}
