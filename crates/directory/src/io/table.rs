//! Reads a CSV or .xlsx file into rows of strings, remembering each row's number as a spreadsheet
//! shows it (the header is row 1).

use calamine::{Data, Reader, Xlsx};
use kumiai_platform::FieldError;
use std::io::Cursor;

pub struct Table {
    pub file: String,
    /// Whether the file was Shift_JIS (its text may differ from the stored text in ways that are
    /// no change: 〜 read back as ～).
    pub sjis: bool,
    pub headers: Vec<String>,
    /// (row number, cells)
    pub rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    pub fn read(file: &str, bytes: &[u8]) -> Result<Table, FieldError> {
        if bytes.starts_with(b"PK\x03\x04") || file.to_ascii_lowercase().ends_with(".xlsx") {
            read_xlsx(file, bytes)
        } else {
            read_csv(file, bytes)
        }
    }

    /// The index of a column, by code name or Japanese header.
    pub fn column(&self, code: &str, ja: &str) -> Option<usize> {
        self.headers.iter().position(|h| {
            let h = h.trim();
            h.eq_ignore_ascii_case(code) || h == ja
        })
    }
}

fn file_error(file: &str, ja: &str, en: &str) -> FieldError {
    FieldError { file: Some(file.into()), row: None, field: String::new(), message: kumiai_core::Msg::new(ja, en) }
}

/// UTF-8 (a BOM is dropped) if the bytes are valid UTF-8, otherwise Shift_JIS as Excel writes it
/// (WHATWG's Shift_JIS, which is CP932). Anything else is refused rather than guessed.
pub fn decode(file: &str, bytes: &[u8]) -> Result<(String, bool), FieldError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok((s.to_string(), false));
    }
    let (text, _, had_errors) = encoding_rs::SHIFT_JIS.decode(bytes);
    if had_errors {
        return Err(file_error(
            file,
            "文字コードを判別できません。UTF-8 か Shift_JIS の CSV で保存してください。",
            "Unknown text encoding. Save the CSV as UTF-8 or Shift_JIS.",
        ));
    }
    Ok((text.into_owned(), true))
}

fn read_csv(file: &str, bytes: &[u8]) -> Result<Table, FieldError> {
    let (text, sjis) = decode(file, bytes)?;
    let mut rdr = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut headers = None;
    let mut rows = vec![];
    for rec in rdr.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map(|p| p.line()).unwrap_or(0);
            FieldError {
                file: Some(file.into()),
                row: Some(line as usize),
                field: String::new(),
                message: kumiai_core::Msg::new(format!("CSVとして読めません：{e}"), format!("Not valid CSV: {e}")),
            }
        })?;
        let line = rec.position().map(|p| p.line() as usize).unwrap_or(0);
        let cells: Vec<String> = rec.iter().map(|c| kumiai_platform::text::csv_cell_in(c.trim())).collect();
        if headers.is_none() {
            headers = Some(cells);
        } else if cells.iter().any(|c| !c.is_empty()) {
            rows.push((line, cells));
        }
    }
    let headers = headers.ok_or_else(|| file_error(file, "ファイルが空です。", "The file is empty."))?;
    Ok(Table { file: file.into(), sjis, headers, rows })
}

fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) => {
            // Excel serial date → ISO date (and time if any).
            let serial = dt.as_f64();
            let days = serial.floor() as i64;
            let date = jiff_like_date(days);
            let secs = ((serial - serial.floor()) * 86_400.0).round() as i64;
            if secs == 0 { date } else { format!("{date}T{:02}:{:02}", secs / 3600, (secs % 3600) / 60) }
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// Excel's day 0 is 1899-12-30 (with its 1900 leap-year bug folded in).
fn jiff_like_date(serial_days: i64) -> String {
    // Civil-from-days (Howard Hinnant's algorithm), shifted to 1970-01-01 = serial 25569.
    let z = serial_days - 25569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{:02}-{:02}", if m <= 2 { y + 1 } else { y }, m, d)
}

fn read_xlsx(file: &str, bytes: &[u8]) -> Result<Table, FieldError> {
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec()))
        .map_err(|e| file_error(file, &format!("Excelファイルとして読めません：{e}"), &format!("Not a readable .xlsx file: {e}")))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| file_error(file, "シートがありません。", "The workbook has no sheet."))?
        .map_err(|e| file_error(file, &format!("シートを読めません：{e}"), &format!("Cannot read the sheet: {e}")))?;
    let start_row = range.start().map(|(r, _)| r as usize).unwrap_or(0);
    let mut it = range.rows().enumerate();
    let headers = it
        .next()
        .map(|(_, r)| r.iter().map(cell_text).collect::<Vec<_>>())
        .ok_or_else(|| file_error(file, "シートが空です。", "The sheet is empty."))?;
    let rows = it
        .map(|(i, r)| (start_row + i + 1, r.iter().map(cell_text).collect::<Vec<_>>()))
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Table { file: file.into(), sjis: false, headers, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_utf8_bom_and_shift_jis() {
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode("組織コード,名称\nE1,髙島屋労組①\n");
        let t = Table::read("a.csv", &sjis).unwrap();
        assert_eq!(t.headers, ["組織コード", "名称"]);
        assert_eq!(t.rows, vec![(2, vec!["E1".to_string(), "髙島屋労組①".to_string()])]);
        let bom = [b"\xEF\xBB\xBF".as_slice(), "code,name_ja\r\nX,テスト\r\n".as_bytes()].concat();
        let t = Table::read("b.csv", &bom).unwrap();
        assert_eq!(t.headers[0], "code");
        assert_eq!(t.column("name_ja", "名称"), Some(1));
    }

    #[test]
    fn refuses_undecodable_bytes() {
        let err = Table::read("c.csv", &[0x82, 0xA0, 0xFF, 0xFF, 0x0A]).err().unwrap();
        assert_eq!(err.file.as_deref(), Some("c.csv"));
    }

    #[test]
    fn excel_serial_dates() {
        assert_eq!(jiff_like_date(45_908), "2025-09-08");
        assert_eq!(jiff_like_date(25_569), "1970-01-01");
    }
}
