//! An answers file (CSV or .xlsx, English or Japanese headers) read into answers, all rows or
//! none: every problem is named with its row, its column as the file spells it, and the reason
//! in Japanese and English. What needs the directory (whether a union exists, its industrial
//! union) is checked by the import that stores them; everything a file alone can get wrong is
//! checked here.

use crate::tally::BaseUp;
use kumiai_platform::text::{fold, parse_int};
use std::collections::HashSet;

/// The columns, by code name, with their Japanese headers.
pub const COLUMNS: [(&str, &str); 11] = [
    ("union_code", "組合コード"),
    ("union_name", "組合名"),
    ("industrial_union", "産別"),
    ("members", "組合員数"),
    ("headline", "速報対象"),
    ("base_up_demand_yen", "ベア要求額"),
    ("base_up_state", "ベア回答"),
    ("base_up_won_yen", "ベア獲得額"),
    ("min_wage_raise_yen", "企業内最賃引上げ額"),
    ("bonus_months", "一時金月数"),
    ("answered_at", "回答日時"),
];

/// The base-up states a file may give, as words in either language.
pub const STATES: [(&str, &str); 4] = [
    ("won", "獲得"),
    ("not_calculable", "算定不能"),
    ("none", "なし"),
    ("negotiating", "交渉中"),
];

/// The largest amount a yen field takes (a month's base-up or raise): more is a typing slip.
pub const MAX_YEN: i64 = 500_000;

/// One row of an answers file, checked.
#[derive(Clone, Debug, PartialEq)]
pub struct FileAnswer {
    /// The row in the file (1 = the header).
    pub row: usize,
    pub union_code: String,
    pub union_name: String,
    /// The industrial union's code or name, as written.
    pub industrial_union: String,
    pub members: Option<i64>,
    pub headline: bool,
    pub base_up_demand_yen: Option<i64>,
    pub base_up: BaseUp,
    pub min_wage_raise_yen: Option<i64>,
    pub bonus_centimonths: Option<i64>,
    pub answered_at: Option<String>,
}

/// A problem in the file: row, column (as the file spells it), Japanese, English.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub row: usize,
    pub column: String,
    pub ja: String,
    pub en: String,
}

/// Reads `rows` ((row number, cells in the order of `headers`)). Unknown columns are ignored; a
/// missing `union_code` or `base_up_state` column fails the file.
pub fn read(
    headers: &[String],
    rows: &[(usize, Vec<String>)],
) -> Result<Vec<FileAnswer>, Vec<Problem>> {
    let (out, problems) = read_all(headers, rows);
    if problems.is_empty() {
        Ok(out)
    } else {
        Err(problems)
    }
}

/// The rows that read well and the problems of the others (so that what only the directory can
/// tell, such as an unknown union, is reported in the same pass).
pub fn read_all(
    headers: &[String],
    rows: &[(usize, Vec<String>)],
) -> (Vec<FileAnswer>, Vec<Problem>) {
    let find = |code: &str, ja: &str| {
        headers.iter().position(|h| {
            let h = fold(h);
            h == code || h == ja
        })
    };
    let cols: Vec<Option<usize>> = COLUMNS.iter().map(|(c, j)| find(c, j)).collect();
    let mut problems = vec![];
    for (k, required) in [(0usize, true), (6, true)] {
        if required && cols[k].is_none() {
            problems.push(Problem {
                row: 1,
                column: COLUMNS[k].0.into(),
                ja: format!("列「{}」（{}）がありません。", COLUMNS[k].1, COLUMNS[k].0),
                en: format!(
                    "The column '{}' ({}) is missing.",
                    COLUMNS[k].0, COLUMNS[k].1
                ),
            });
        }
    }
    if !problems.is_empty() {
        return (vec![], problems);
    }
    let mut out = vec![];
    let mut seen = HashSet::new();
    for (row, cells) in rows {
        let row = *row;
        let cell = |k: usize| {
            cols[k]
                .and_then(|c| cells.get(c))
                .map(|s| s.trim().to_string())
                .unwrap_or_default()
        };
        let header = |k: usize| {
            cols[k]
                .and_then(|c| headers.get(c))
                .cloned()
                .unwrap_or_else(|| COLUMNS[k].0.to_string())
        };
        let mut bad = |k: usize, ja: String, en: String| {
            problems.push(Problem {
                row,
                column: header(k),
                ja,
                en,
            })
        };
        // A row with nothing to record (a blank line, or a template's union not answered yet).
        if [5usize, 6, 7, 8, 9, 10].iter().all(|k| cell(*k).is_empty())
            && (cells.iter().all(|c| c.trim().is_empty()) || !cell(0).is_empty())
        {
            continue;
        }
        let code = cell(0);
        if code.is_empty() {
            bad(
                0,
                "組合コードがありません。".into(),
                "The union code is missing.".into(),
            );
            continue;
        }
        if !seen.insert(code.clone()) {
            bad(
                0,
                format!("組合「{code}」の行が重複しています。"),
                format!("The union '{code}' appears twice."),
            );
            continue;
        }
        let yen = |k: usize, bad: &mut dyn FnMut(usize, String, String)| -> Option<i64> {
            parse_yen(&cell(k)).unwrap_or_else(|(ja, en)| {
                bad(k, ja, en);
                None
            })
        };
        let members = match cell(3) {
            t if t.is_empty() => None,
            t => match parse_int(&t) {
                Some(n) if (0..=10_000_000).contains(&n) => Some(n),
                _ => {
                    bad(
                        3,
                        format!("組合員数「{t}」は0以上の整数で書いてください。"),
                        format!("The member count '{t}' must be a whole number."),
                    );
                    None
                }
            },
        };
        let headline = match fold(&cell(4)).to_lowercase().as_str() {
            "" | "0" | "no" | "false" | "いいえ" | "×" | "-" => false,
            "1" | "yes" | "true" | "はい" | "○" | "◯" | "対象" => true,
            other => {
                bad(
                    4,
                    format!("速報対象「{other}」は「はい」か「いいえ」で書いてください。"),
                    format!("Headline '{other}' must be yes or no."),
                );
                false
            }
        };
        let demand = yen(5, &mut bad);
        let won = yen(7, &mut bad);
        let base_up = match parse_state(&cell(6), won, !cell(7).is_empty()) {
            Ok(b) => b,
            Err(None) => continue,
            Err(Some((field, ja, en))) => {
                bad(if field == "base_up_state" { 6 } else { 7 }, ja, en);
                continue;
            }
        };
        let min_wage = yen(8, &mut bad);
        let bonus = match cell(9) {
            t if t.is_empty() => None,
            t => match parse_months(&t) {
                Some(c) => Some(c),
                None => {
                    bad(
                        9,
                        format!("一時金「{t}」は0〜12か月、小数2桁までで書いてください。"),
                        format!("The bonus '{t}' must be 0 to 12 months, to two decimals."),
                    );
                    None
                }
            },
        };
        let answered_at = Some(cell(10)).filter(|t| !t.is_empty());
        out.push(FileAnswer {
            row,
            union_code: code,
            union_name: cell(1),
            industrial_union: cell(2),
            members,
            headline,
            base_up_demand_yen: demand,
            base_up,
            min_wage_raise_yen: min_wage,
            bonus_centimonths: bonus,
            answered_at,
        });
    }
    (out, problems)
}

/// A yen amount as written ("12,000円", "１２０００"); empty is unknown.
pub(crate) fn parse_yen(text: &str) -> Result<Option<i64>, (String, String)> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    match parse_int(t.trim_end_matches('円')) {
        Some(n) if (0..=MAX_YEN).contains(&n) => Ok(Some(n)),
        _ => Err((
            format!("金額「{t}」は0〜{MAX_YEN}円の整数で書いてください。"),
            format!("The amount '{t}' must be a whole number of yen from 0 to {MAX_YEN}."),
        )),
    }
}

/// The base-up from its state as written and the amount won (`won_written`: whether an amount
/// was written at all, even a bad one). `Err(None)`: the amount's own problem is reported
/// already; otherwise the field at fault and why.
#[allow(clippy::type_complexity)]
pub(crate) fn parse_state(
    state_text: &str,
    won: Option<i64>,
    won_written: bool,
) -> Result<BaseUp, Option<(&'static str, String, String)>> {
    let state = STATES
        .iter()
        .find(|(en, ja)| fold(state_text).to_lowercase() == *en || state_text == *ja)
        .map(|(en, _)| *en);
    match (state, won) {
        (None, _) => {
            let list = STATES
                .iter()
                .map(|(en, ja)| format!("{en}（{ja}）"))
                .collect::<Vec<_>>()
                .join(", ");
            Err(Some((
                "base_up_state",
                format!("ベア回答「{state_text}」は次のどれかです: {list}"),
                format!("The base-up state '{state_text}' must be one of: {list}"),
            )))
        }
        (Some("won"), Some(yen)) => Ok(BaseUp::Won(yen)),
        (Some("won"), None) if won_written => Err(None),
        (Some("won"), None) => Err(Some((
            "base_up_won_yen",
            "「獲得」にはベア獲得額が要ります（額が出せないときは「算定不能」）。".into(),
            "'won' needs the amount won (use not_calculable when it cannot be separated out)."
                .into(),
        ))),
        (Some(s), Some(_)) => Err(Some((
            "base_up_won_yen",
            format!("ベア回答が「{s}」なのに獲得額があります。"),
            format!("An amount won is given, but the state is '{s}'."),
        ))),
        (Some("not_calculable"), None) => Ok(BaseUp::NotCalculable),
        (Some("none"), None) => Ok(BaseUp::None),
        (Some(_), None) => Ok(BaseUp::Negotiating),
    }
}

/// "2.55", "２．５５か月" → 255 hundredths of a month.
pub(crate) fn parse_months(text: &str) -> Option<i64> {
    let t = fold(text);
    let t = t
        .trim_end_matches("か月")
        .trim_end_matches("ヶ月")
        .trim_end_matches("カ月")
        .trim_end_matches("months")
        .trim();
    let (whole, frac) = t.split_once('.').unwrap_or((t, ""));
    if frac.len() > 2
        || !whole.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
        || whole.is_empty()
    {
        return None;
    }
    let c = whole.parse::<i64>().ok()? * 100 + format!("{frac:0<2}").parse::<i64>().ok()?;
    (0..=1200).contains(&c).then_some(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (Vec<String>, Vec<(usize, Vec<String>)>) {
        let mut lines = text
            .lines()
            .map(|l| l.split(',').map(str::to_string).collect::<Vec<_>>());
        (
            lines.next().unwrap(),
            lines.enumerate().map(|(i, l)| (i + 2, l)).collect(),
        )
    }

    #[test]
    fn reads_answers_in_either_language() {
        let (h, rows) = file(
            "組合コード,組合名,産別,組合員数,速報対象,ベア要求額,ベア回答,ベア獲得額,企業内最賃引上げ額,一時金月数,回答日時\n\
             E00001,東海精機労働組合,JAW,１，２００,はい,15000,獲得,１２，０００円,5000,5.2,2025-03-12 10:30\n\
             E00002,北陸精機労働組合,自動車総連,300,,12000,算定不能,,,,\n\
             E00003,関東精機労働組合,JAW,299,いいえ,,交渉中,,,,",
        );
        let a = read(&h, &rows).unwrap();
        assert_eq!(a.len(), 3);
        assert_eq!(
            (
                a[0].members,
                a[0].headline,
                a[0].base_up,
                a[0].bonus_centimonths
            ),
            (Some(1_200), true, BaseUp::Won(12_000), Some(520))
        );
        assert_eq!(
            (a[1].base_up, a[1].industrial_union.as_str()),
            (BaseUp::NotCalculable, "自動車総連"),
            "an industrial union by name or code"
        );
        assert_eq!(a[2].base_up, BaseUp::Negotiating);
        let (h, rows) = file("union_code,base_up_state,base_up_won_yen\nX1,won,9000\nX2,none,\n");
        assert_eq!(read(&h, &rows).unwrap()[1].base_up, BaseUp::None);
    }

    /// The bad file: a state outside the list, a won amount with state none, an amount of
    /// 12,000,000, a duplicate union. Nothing is read; each problem is named.
    #[test]
    fn a_bad_file_names_every_problem() {
        let (h, rows) = file(
            "union_code,union_name,base_up_state,base_up_won_yen\n\
             E1,a,won,9000\n\
             E2,b,maybe,\n\
             E3,c,none,3000\n\
             E4,d,won,12000000\n\
             E1,e,won,1000\n\
             E5,f,won,",
        );
        let problems = read(&h, &rows).unwrap_err();
        let got: Vec<(usize, &str)> = problems
            .iter()
            .map(|p| (p.row, p.column.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                (3, "base_up_state"),
                (4, "base_up_won_yen"),
                (5, "base_up_won_yen"),
                (6, "union_code"),
                (7, "base_up_won_yen")
            ]
        );
        assert!(
            problems[0].en.contains("maybe") && problems[0].ja.contains("獲得"),
            "{problems:?}"
        );
        assert!(problems[2].en.contains("12000000"));
        assert!(problems[3].en.contains("twice"));
        let (h, rows) = file("code,state\nE1,won\n");
        assert_eq!(
            read(&h, &rows).unwrap_err().len(),
            2,
            "both missing columns are named"
        );
    }

    #[test]
    fn bonus_months_as_written() {
        assert_eq!(
            ["2.55", "２．５か月", "3", "12.00", "12.01", "2.555", "-1"].map(parse_months),
            [
                Some(255),
                Some(250),
                Some(300),
                Some(1200),
                None,
                None,
                None
            ]
        );
    }
}
