//! JCM's published results of past rounds (data/jcm-results.csv, 2022–2025, from JCM's reports
//! as reprinted by JILPT), kept beside Kumiai's own tallies so a round compares with the last.
//! The file ships with Kumiai; a bad row is refused with its row and column.

use serde::Serialize;

/// The published results Kumiai ships.
pub const SHIPPED: &str = include_str!("../data/jcm-results.csv");

/// One year as JCM published it. Averages are yen a month of base-up, JCM's simple average.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Published {
    /// The round's spring (2025 = 2025年闘争).
    pub year: i32,
    pub demand_standard_yen: i64,
    /// YYYY-MM-DD.
    pub main_answer_day: String,
    pub member_unions: i64,
    pub headline_registered: i64,
    pub headline_won_base_up: i64,
    pub headline_base_up_avg_yen: i64,
    pub all_answered_unions: i64,
    pub all_won_raise_unions: i64,
    pub all_base_up_avg_yen: i64,
    /// By size band: 1,000人以上, 300–999人, 299人以下 (None where not published).
    pub band_avg_yen: [Option<i64>; 3],
    pub method: String,
    pub source: String,
}

/// Reads the published results; the error names the row (1 = the header) and the column.
pub fn parse(text: &str) -> Result<Vec<Published>, String> {
    let mut r = csv::ReaderBuilder::new().from_reader(text.as_bytes());
    let headers = r.headers().map_err(|e| format!("header: {e}"))?.clone();
    let col = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .ok_or_else(|| format!("列「{name}」がありません / no column '{name}'"))
    };
    let names = [
        "year",
        "demand_standard_yen",
        "main_answer_day",
        "member_unions",
        "headline_registered",
        "headline_won_base_up",
        "headline_base_up_avg_yen",
        "all_answered_unions",
        "all_won_raise_unions",
        "all_base_up_avg_yen",
        "band_1000plus_avg_yen",
        "band_300_999_avg_yen",
        "band_under300_avg_yen",
        "method",
        "source",
    ];
    let idx: Vec<usize> = names.iter().map(|n| col(n)).collect::<Result<_, _>>()?;
    let mut out = vec![];
    for (i, rec) in r.records().enumerate() {
        let row = i + 2;
        let rec = rec.map_err(|e| format!("row {row}: {e}"))?;
        let cell = |k: usize| rec.get(idx[k]).unwrap_or("").trim();
        let int = |k: usize| -> Result<i64, String> {
            cell(k).parse::<i64>().ok().filter(|n| (0..=10_000_000).contains(n)).ok_or_else(|| format!("{row}行目「{}」: 整数ではありません「{}」 / row {row}, column {}: not a whole number: '{}'", names[k], cell(k), names[k], cell(k)))
        };
        let opt = |k: usize| -> Result<Option<i64>, String> {
            if cell(k).is_empty() {
                Ok(None)
            } else {
                int(k).map(Some)
            }
        };
        let day = cell(2);
        if day.len() != 10 || day.as_bytes()[4] != b'-' || day.as_bytes()[7] != b'-' {
            return Err(format!(
                "{row}行目「main_answer_day」: 日付ではありません「{day}」 / row {row}, column main_answer_day: not a date: '{day}'"
            ));
        }
        out.push(Published {
            year: int(0)? as i32,
            demand_standard_yen: int(1)?,
            main_answer_day: day.to_string(),
            member_unions: int(3)?,
            headline_registered: int(4)?,
            headline_won_base_up: int(5)?,
            headline_base_up_avg_yen: int(6)?,
            all_answered_unions: int(7)?,
            all_won_raise_unions: int(8)?,
            all_base_up_avg_yen: int(9)?,
            band_avg_yen: [opt(10)?, opt(11)?, opt(12)?],
            method: cell(13).to_string(),
            source: cell(14).to_string(),
        });
    }
    out.sort_by_key(|p| p.year);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_jcms_published_results() {
        let years = parse(SHIPPED).unwrap();
        assert_eq!(
            years.iter().map(|p| p.year).collect::<Vec<_>>(),
            [2022, 2023, 2024, 2025]
        );
        let y2025 = &years[3];
        assert_eq!(
            (
                y2025.demand_standard_yen,
                y2025.main_answer_day.as_str(),
                y2025.headline_base_up_avg_yen,
                y2025.all_base_up_avg_yen
            ),
            (12_000, "2025-03-12", 14_598, 10_169)
        );
        assert_eq!(
            y2025.band_avg_yen,
            [Some(12_855), Some(11_673), Some(9_160)]
        );
        assert_eq!(
            y2025.all_base_up_avg_yen - years[2].all_base_up_avg_yen,
            1_114,
            "2025 against 2024"
        );
        assert!(
            years.iter().all(|p| p.method.contains("simple average")),
            "the method is JCM's, stated in the file"
        );
    }

    #[test]
    fn a_bad_row_names_its_row_and_column() {
        let bad = SHIPPED.replacen("2023,6000,2023-03-15", "2023,6千,2023-03-15", 1);
        let e = parse(&bad).unwrap_err();
        assert!(
            e.contains("row 3") && e.contains("demand_standard_yen") && e.contains("6千"),
            "{e}"
        );
        assert!(
            parse("year,demand\n2025,1\n")
                .unwrap_err()
                .contains("no column"),
            "missing columns are named"
        );
    }
}
