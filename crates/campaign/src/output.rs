//! A tally written out: the documented JSON (docs/campaign-tally.md), or one row per group as
//! CSV (UTF-8 with a BOM, for Excel) or .xlsx.

use crate::tally::{Figures, Group, Tally};
use kumiai_directory::io::export::Export;

/// The tally as `format` (json, csv, xlsx); `headline_only` keeps the headline unions' group.
pub fn render(t: &Tally, headline_only: bool, format: &str) -> anyhow::Result<Vec<u8>> {
    if format == "json" {
        let v = if headline_only { serde_json::json!({"headline": t.headline, "rounding": t.rounding}) } else { serde_json::to_value(t)? };
        let mut out = serde_json::to_vec_pretty(&v)?;
        out.push(b'\n');
        return Ok(out);
    }
    let mut rows = vec![];
    let groups: Vec<(&str, &Group)> = if headline_only { vec![("headline", &t.headline)] } else { vec![("headline", &t.headline), ("all", &t.all)] };
    for (name, g) in groups {
        rows.push(row(name, "overall", "", &g.overall));
        for (k, f) in &g.by_industrial_union {
            rows.push(row(name, "industrial_union", k, f));
        }
        for (k, f) in &g.by_size_band {
            rows.push(row(name, "size_band", k, f));
        }
    }
    rows.push(vec![String::new(), String::new(), t.rounding.to_string()]);
    let headers = ["group", "by", "key", "registered", "answered", "won_base_up", "base_up_avg_yen", "base_up_demand_avg_yen", "min_wage_raise_avg_yen", "bonus_months_avg"];
    let export = Export { headers: headers.iter().map(|h| h.to_string()).collect(), rows };
    match format {
        "csv" => Ok(export.to_csv_utf8()),
        "xlsx" => export.to_xlsx("tally").map_err(|e| anyhow::anyhow!("{}", e.message().en)),
        other => anyhow::bail!("unknown format {other}"),
    }
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
        f.bonus_months_avg.map(|m| format!("{m:.2}")).unwrap_or_default(),
    ]
}
