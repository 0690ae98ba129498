//! The answers template an industrial union fills in: its unions pre-filled (with what they have
//! answered so far), drop-down lists for the states, the checks Excel can make (whole yen within
//! range, months 0–12), and instructions in Japanese. Its headers are the answers file's Japanese
//! columns, so what comes back imports without editing.

use crate::answers::{COLUMNS, MAX_YEN, STATES};
use rust_xlsxwriter::{DataValidation, DataValidationRule, Format, Workbook, XlsxError};

/// One union's row.
#[derive(Clone, Debug, Default)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub industrial_union: String,
    pub members: Option<i64>,
    pub headline: bool,
    pub base_up_demand_yen: Option<i64>,
    /// The state in Japanese (獲得, 算定不能, なし, 交渉中), empty when nothing is known yet.
    pub state: String,
    pub base_up_won_yen: Option<i64>,
    pub min_wage_raise_yen: Option<i64>,
    pub bonus_centimonths: Option<i64>,
    pub answered_at: String,
}

const INSTRUCTIONS: &[&str] = &[
    "記入のしかた",
    "",
    "・「回答」シートの各行が1つの単組です。組合コード・組合名・産別の列は変えないでください。",
    "・ベア回答は一覧から選びます：獲得（額が分かる）／算定不能（獲得したが額を分けられない）／なし／交渉中。",
    "・ベア獲得額は「獲得」のときだけ書きます（円・月額、整数）。算定不能・なし・交渉中の行には書かないでください。",
    "・金額は円の整数（0〜500,000）、一時金は月数（0〜12、小数2桁まで）で書きます。全角数字も読めます。",
    "・組合員数を空欄にすると、名簿にあるその年度の組合員数を使います（規模別集計に使います）。",
    "・まだ何も分からない単組の行は空欄のままで構いません。空欄の行は取り込みません。",
    "・記入したファイルは、そのまま取り込めます（Kumiai の取り込み画面、または kumiai campaign import-answers）。",
    "・取り込みは全行を検査し、誤りが1つでもあれば何も保存せず、行・列・理由を示します。",
    "・集計は金属労協の方式です：ベアを獲得し額が算定できる組合の単純平均（定期昇給相当分は含みません）。",
];

/// The workbook for `rows`, the round of spring `year`, for industrial union `iu`.
pub fn workbook(iu: &str, year: i64, rows: &[Row]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let locked_grey = Format::new().set_background_color("#EEF1F6");
    let ws = wb.add_worksheet();
    ws.set_name("回答")?;
    for (c, (_, ja)) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, c as u16, *ja, &bold)?;
    }
    for (i, r) in rows.iter().enumerate() {
        let row = (i + 1) as u32;
        ws.write_string_with_format(row, 0, &r.code, &locked_grey)?;
        ws.write_string_with_format(row, 1, &r.name, &locked_grey)?;
        ws.write_string_with_format(row, 2, &r.industrial_union, &locked_grey)?;
        let num = |ws: &mut rust_xlsxwriter::Worksheet,
                   col: u16,
                   v: Option<i64>|
         -> Result<(), XlsxError> {
            if let Some(v) = v {
                ws.write_number(row, col, v as f64)?;
            }
            Ok(())
        };
        num(ws, 3, r.members)?;
        if r.headline {
            ws.write_string(row, 4, "はい")?;
        }
        num(ws, 5, r.base_up_demand_yen)?;
        if !r.state.is_empty() {
            ws.write_string(row, 6, &r.state)?;
        }
        num(ws, 7, r.base_up_won_yen)?;
        num(ws, 8, r.min_wage_raise_yen)?;
        if let Some(b) = r.bonus_centimonths {
            ws.write_number(row, 9, b as f64 / 100.0)?;
        }
        if !r.answered_at.is_empty() {
            ws.write_string(row, 10, &r.answered_at)?;
        }
    }
    let last = rows.len().max(1) as u32;
    let states: Vec<&str> = STATES.iter().map(|(_, ja)| *ja).collect();
    let yen = DataValidation::new()
        .allow_whole_number(DataValidationRule::Between(0, MAX_YEN as i32))
        .set_error_title("金額")?
        .set_error_message("円の整数（0〜500,000）で書いてください。")?;
    ws.add_data_validation(
        1,
        3,
        last,
        3,
        &DataValidation::new()
            .allow_whole_number(DataValidationRule::Between(0, 10_000_000))
            .set_error_message("組合員数は0以上の整数です。")?,
    )?;
    ws.add_data_validation(
        1,
        4,
        last,
        4,
        &DataValidation::new().allow_list_strings(&["はい", "いいえ"])?,
    )?;
    ws.add_data_validation(1, 5, last, 5, &yen)?;
    ws.add_data_validation(
        1,
        6,
        last,
        6,
        &DataValidation::new()
            .allow_list_strings(&states)?
            .set_input_message("獲得／算定不能／なし／交渉中 から選びます。")?
            .set_error_message("一覧から選んでください。")?,
    )?;
    ws.add_data_validation(
        1,
        7,
        last,
        7,
        &yen.clone()
            .set_input_message("「獲得」のときだけ書きます。")?,
    )?;
    ws.add_data_validation(1, 8, last, 8, &yen)?;
    ws.add_data_validation(
        1,
        9,
        last,
        9,
        &DataValidation::new()
            .allow_decimal_number(DataValidationRule::Between(0.0, 12.0))
            .set_error_message("一時金は0〜12か月です。")?,
    )?;
    ws.set_column_width(1, 28)?;
    ws.set_column_width(6, 12)?;
    ws.set_freeze_panes(1, 2)?;
    let help = wb.add_worksheet();
    help.set_name("記入のしかた")?;
    help.write_string_with_format(0, 0, format!("{year}年闘争 回答票（{iu}）"), &bold)?;
    for (i, line) in INSTRUCTIONS.iter().enumerate() {
        help.write_string((i + 2) as u32, 0, *line)?;
    }
    help.set_column_width(0, 110)?;
    wb.save_to_buffer()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filled_in_template_reads_back() {
        let rows = vec![
            Row {
                code: "E00001".into(),
                name: "東海精機労働組合".into(),
                industrial_union: "JAW".into(),
                members: Some(1_200),
                headline: true,
                base_up_demand_yen: Some(15_000),
                state: "獲得".into(),
                base_up_won_yen: Some(12_000),
                bonus_centimonths: Some(520),
                ..Row::default()
            },
            Row {
                code: "E00002".into(),
                name: "北陸精機労働組合".into(),
                industrial_union: "JAW".into(),
                ..Row::default()
            },
        ];
        let bytes = workbook("自動車総連", 2025, &rows).unwrap();
        // Read back as the import reads files: the sheet of answers, blank rows skipped.
        let mut book: calamine::Xlsx<_> =
            calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        let range = calamine::Reader::worksheet_range(&mut book, "回答").unwrap();
        let mut it = range.rows();
        let cell = |c: &calamine::Data| match c {
            calamine::Data::Float(f) if f.fract() == 0.0 => format!("{}", *f as i64),
            calamine::Data::Empty => String::new(),
            other => other.to_string(),
        };
        let headers: Vec<String> = it.next().unwrap().iter().map(cell).collect();
        let body: Vec<(usize, Vec<String>)> = it
            .enumerate()
            .map(|(i, r)| (i + 2, r.iter().map(cell).collect()))
            .collect();
        // As it comes back: the union not answered yet is skipped, the other imports.
        let a = crate::answers::read(&headers, &body).unwrap();
        assert_eq!(a.len(), 1);
        assert_eq!(
            (
                a[0].union_code.as_str(),
                a[0].members,
                a[0].headline,
                a[0].base_up,
                a[0].bonus_centimonths
            ),
            (
                "E00001",
                Some(1_200),
                true,
                crate::tally::BaseUp::Won(12_000),
                Some(520)
            )
        );
    }
}
