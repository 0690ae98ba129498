//! A tally written out: the documented JSON (docs/campaign-tally.md), or one row per group as
//! CSV (UTF-8 with a BOM, for Excel) or .xlsx.

use crate::tally::{Figures, Group, Tally};
use kumiai_directory::io::export::Export;

/// The tally as `format` (json, csv, xlsx); `headline_only` keeps the headline unions' group.
pub fn render(t: &Tally, headline_only: bool, format: &str) -> anyhow::Result<Vec<u8>> {
    if format == "json" {
        let v = if headline_only {
            serde_json::json!({"headline": t.headline, "rounding": t.rounding})
        } else {
            serde_json::to_value(t)?
        };
        let mut out = serde_json::to_vec_pretty(&v)?;
        out.push(b'\n');
        return Ok(out);
    }
    let mut rows = rows_of(t, headline_only);
    rows.push(vec![String::new(), String::new(), t.rounding.to_string()]);
    let export = Export {
        headers: HEADERS.iter().map(|h| h.to_string()).collect(),
        rows,
    };
    match format {
        "csv" => Ok(export.to_csv_utf8()),
        "xlsx" => export
            .to_xlsx("tally")
            .map_err(|e| anyhow::anyhow!("{}", e.message().en)),
        other => anyhow::bail!("unknown format {other}"),
    }
}

/// The tally's columns, as CSV and workbooks head them.
const HEADERS: [&str; 10] = [
    "group",
    "by",
    "key",
    "registered",
    "answered",
    "won_base_up",
    "base_up_avg_yen",
    "base_up_demand_avg_yen",
    "min_wage_raise_avg_yen",
    "bonus_months_avg",
];

/// One row per group of the tally: overall, by industrial union, by size band (the headline
/// unions' only, or theirs and then all unions').
fn rows_of(t: &Tally, headline_only: bool) -> Vec<Vec<String>> {
    let groups: Vec<(&str, &Group)> = if headline_only {
        vec![("headline", &t.headline)]
    } else {
        vec![("headline", &t.headline), ("all", &t.all)]
    };
    let mut rows = vec![];
    for (name, g) in groups {
        rows.push(row(name, "overall", "", &g.overall));
        rows.extend(
            g.by_industrial_union
                .iter()
                .map(|(k, f)| row(name, "industrial_union", k, f)),
        );
        rows.extend(
            g.by_size_band
                .iter()
                .map(|(k, f)| row(name, "size_band", k, f)),
        );
    }
    rows
}

fn row(group: &str, by: &str, key: &str, f: &Figures) -> Vec<String> {
    let n = |v: Option<i64>| v.map(|v| v.to_string()).unwrap_or_default();
    vec![
        group.into(),
        by.into(),
        key.into(),
        f.registered.to_string(),
        f.answered.to_string(),
        f.won_base_up.to_string(),
        n(f.base_up_avg_yen),
        n(f.base_up_demand_avg_yen),
        n(f.min_wage_raise_avg_yen),
        f.bonus_months_avg
            .map(|m| format!("{m:.2}"))
            .unwrap_or_default(),
    ]
}

/// A bulletin as a workbook: sheet 集計 holds its frozen tally (one row per group, as `render`
/// writes it), sheet 組合別 the union lines the reader may see (none: no sheet).
pub fn bulletin_workbook(
    b: &crate::model::Bulletin,
    lines: &[kumiai_platform::Visible<crate::model::BulletinLine>],
) -> anyhow::Result<Vec<u8>> {
    use rust_xlsxwriter::Workbook;
    let t = b
        .frozen()
        .ok_or_else(|| anyhow::anyhow!("bulletin {} holds no readable tally", b.id))?;
    let mut wb = Workbook::new();
    let sheet = wb.add_worksheet().set_name("集計")?;
    sheet.write_string(0, 0, format!("第{}報 {}", b.number, b.title))?;
    sheet.write_string(
        1,
        0,
        format!(
            "集計時点 / as of: {}",
            kumiai_core::time::format_ms(b.as_of)
        ),
    )?;
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string(3, c as u16, *h)?;
    }
    let mut r = 4u32;
    for cells in rows_of(&t, false) {
        for (c, v) in cells.iter().enumerate() {
            match v.parse::<f64>() {
                Ok(n) if c >= 3 => sheet.write_number(r, c as u16, n)?,
                _ => sheet.write_string(r, c as u16, v)?,
            };
        }
        r += 1;
    }
    sheet.write_string(r + 1, 0, &t.rounding)?;
    if !lines.is_empty() {
        let sheet = wb.add_worksheet().set_name("組合別")?;
        let headers = [
            "union_code",
            "union_name",
            "industrial_union",
            "headline",
            "base_up_demand_yen",
            "base_up_state",
            "base_up_won_yen",
            "min_wage_raise_yen",
            "bonus_months",
        ];
        for (c, h) in headers.iter().enumerate() {
            sheet.write_string(0, c as u16, *h)?;
        }
        for (i, l) in lines.iter().enumerate() {
            let r = i as u32 + 1;
            sheet.write_string(r, 0, &l.union_code)?;
            sheet.write_string(r, 1, &l.union_name)?;
            sheet.write_string(r, 2, &l.industrial_union_code)?;
            sheet.write_string(r, 3, if l.headline != 0 { "yes" } else { "" })?;
            for (c, v) in [
                (4u16, l.base_up_demand_yen),
                (6, l.base_up_won_yen),
                (7, l.min_wage_raise_yen),
            ] {
                if let Some(v) = v {
                    sheet.write_number(r, c, v as f64)?;
                }
            }
            sheet.write_string(r, 5, &l.base_up_state)?;
            if let Some(c) = l.bonus_centimonths {
                sheet.write_number(r, 8, c as f64 / 100.0)?;
            }
        }
    }
    Ok(wb.save_to_buffer()?)
}
