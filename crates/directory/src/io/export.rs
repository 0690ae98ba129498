//! Exports: the rows the viewer may see under the same filters as the list pages, as CSV (UTF-8
//! with a BOM so Excel opens it, or Shift_JIS on request) or .xlsx. Referenced organisations'
//! codes appear only where the viewer may see them. The files import back unchanged.

use super::Sheet;
use crate::org::{self, store::{ListQuery, list_filter}};
use crate::people::{self, store::PeopleQuery};
use kumiai_core::{Lang, Msg, Viewer, time};
use kumiai_platform::db::{Db, bind_all};
use kumiai_platform::reach::visible_sql;
use kumiai_platform::{AppError, AppResult};
use sqlx::AssertSqlSafe;

pub struct Export {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn headers(sheet: Sheet, lang: Lang) -> Vec<String> {
    sheet.columns().iter().map(|(code, ja)| lang.t(ja, code).to_string()).collect()
}

type OrgExportRow = (String, String, Option<String>, Option<String>, String, String, String, String, String, Option<String>, Option<i64>, String, i64);

pub async fn organisations(db: &Db, viewer: &Viewer, q: &ListQuery, lang: Lang, now: i64) -> AppResult<Export> {
    let (filter, binds) = list_filter(db, viewer, q, now);
    let vis = |a: &str| visible_sql(viewer, a, org::ENTITY, now);
    let sql = format!(
        "SELECT o.code, o.kind, CASE WHEN {} THEN p.code END, CASE WHEN {} THEN c.code END, o.name_ja, o.name_kana, o.name_en, o.country, o.reach, \
         CASE WHEN {} THEN s.code END, o.embargo_until, o.note, o.id \
         FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id LEFT JOIN organisations c ON c.id = o.company_id \
         LEFT JOIN organisations s ON s.id = o.scope_org_id WHERE {filter} ORDER BY o.path, o.id",
        vis("p"),
        vis("c"),
        vis("s")
    );
    let rows: Vec<OrgExportRow> = bind_all(sqlx::query_as(AssertSqlSafe(sql)), &binds).fetch_all(&db.pool).await?;
    let shares = if viewer.is_hq() { shares_of(db, org::ENTITY).await? } else { Default::default() };
    let rows = rows
        .into_iter()
        .map(|r| {
            vec![
                r.0, r.1, r.2.unwrap_or_default(), r.3.unwrap_or_default(), r.4, r.5, r.6, r.7, r.8, r.9.unwrap_or_default(),
                r.10.map(time::format_input_ms).unwrap_or_default(), shares.get(&r.12).cloned().unwrap_or_default(), r.11,
            ]
        })
        .collect();
    Ok(Export { headers: headers(Sheet::Organisations, lang), rows })
}

/// record id → comma-separated codes of the organisations it is shared with.
async fn shares_of(db: &Db, entity: &str) -> sqlx::Result<std::collections::HashMap<i64, String>> {
    let pairs: Vec<(i64, String)> = sqlx::query_as(
        "SELECT r.record_id, o.code FROM record_shares r JOIN organisations o ON o.id = r.org_id WHERE r.entity = $1 ORDER BY r.record_id, o.code",
    )
    .bind(entity.to_string())
    .fetch_all(&db.pool)
    .await?;
    let mut out: std::collections::HashMap<i64, String> = Default::default();
    for (id, code) in pairs {
        let e = out.entry(id).or_default();
        if !e.is_empty() {
            e.push(',');
        }
        e.push_str(&code);
    }
    Ok(out)
}

pub async fn people(db: &Db, viewer: &Viewer, q: &PeopleQuery, lang: Lang, now: i64) -> AppResult<Export> {
    let mut all = vec![];
    let mut page = 1;
    loop {
        let pq = PeopleQuery { page: Some(page), per_page: Some(500), ..q.clone() };
        let (rows, _) = people::store::list(db, viewer, &pq, now).await?;
        let n = rows.len();
        all.extend(rows);
        if n < 500 {
            break;
        }
        page += 1;
    }
    let scope_codes: std::collections::HashMap<i64, String> = {
        let sql = format!("SELECT o.id, o.code FROM organisations o WHERE {}", visible_sql(viewer, "o", org::ENTITY, now));
        sqlx::query_as::<_, (i64, String)>(AssertSqlSafe(sql)).fetch_all(&db.pool).await?.into_iter().collect()
    };
    let shares = if viewer.is_hq() { shares_of(db, people::ENTITY).await? } else { Default::default() };
    let rows = all
        .into_iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.org_code.clone().unwrap_or_default(),
                p.name_kanji,
                p.name_kana,
                p.name_latin,
                p.gender,
                p.position_ja,
                p.position_en,
                p.term_start.unwrap_or_default(),
                p.term_end.unwrap_or_default(),
                p.email,
                p.reach,
                p.scope_org_id.and_then(|s| scope_codes.get(&s).cloned()).unwrap_or_default(),
                p.embargo_until.map(time::format_input_ms).unwrap_or_default(),
                shares.get(&p.id).cloned().unwrap_or_default(),
                p.note,
            ]
        })
        .collect();
    Ok(Export { headers: headers(Sheet::People, lang), rows })
}

pub async fn counts(db: &Db, viewer: &Viewer, q: &ListQuery, lang: Lang, now: i64) -> AppResult<Export> {
    let (filter, binds) = list_filter(db, viewer, q, now);
    let sql = format!(
        "SELECT o.code, mc.fiscal_year, mc.members, mc.dues_paying FROM member_counts mc JOIN organisations o ON o.id = mc.org_id \
         WHERE {filter} ORDER BY o.path, mc.fiscal_year"
    );
    let rows: Vec<(String, i64, i64, Option<i64>)> = bind_all(sqlx::query_as(AssertSqlSafe(sql)), &binds).fetch_all(&db.pool).await?;
    let rows = rows.into_iter().map(|r| vec![r.0, r.1.to_string(), r.2.to_string(), r.3.map(|d| d.to_string()).unwrap_or_default()]).collect();
    Ok(Export { headers: headers(Sheet::Counts, lang), rows })
}

impl Export {
    /// CSV with a UTF-8 BOM (Excel then reads it as UTF-8).
    pub fn to_csv_utf8(&self) -> Vec<u8> {
        let mut out = b"\xEF\xBB\xBF".to_vec();
        out.extend(self.csv_text().into_bytes());
        out
    }

    /// CSV in Shift_JIS (CP932). Characters Shift_JIS cannot hold are refused with their row and
    /// column, never silently replaced; the wave dash and minus sign map to their CP932 forms.
    pub fn to_csv_sjis(&self) -> AppResult<Vec<u8>> {
        for (r, row) in std::iter::once(&self.headers).chain(self.rows.iter()).enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let cell = cp932_forms(cell);
                let (_, _, unmappable) = encoding_rs::SHIFT_JIS.encode(&cell);
                if unmappable {
                    let bad: String = cell.chars().filter(|ch| encoding_rs::SHIFT_JIS.encode(&ch.to_string()).2).collect();
                    return Err(AppError::BadRequest(Msg::new(
                        format!("{}行目「{}」の文字「{bad}」は Shift_JIS で表せません。UTF-8 で書き出してください。", r + 1, self.headers[c]),
                        format!("Row {}, column '{}': '{bad}' cannot be written in Shift_JIS. Export as UTF-8.", r + 1, self.headers[c]),
                    )));
                }
            }
        }
        let text = cp932_forms(&self.csv_text());
        Ok(encoding_rs::SHIFT_JIS.encode(&text).0.into_owned())
    }

    fn csv_text(&self) -> String {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(vec![]);
        let _ = w.write_record(&self.headers);
        for r in &self.rows {
            let _ = w.write_record(r);
        }
        String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
    }

    pub fn to_xlsx(&self, sheet_name: &str) -> AppResult<Vec<u8>> {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
        ws.set_name(sheet_name).map_err(fail)?;
        let bold = rust_xlsxwriter::Format::new().set_bold();
        for (c, h) in self.headers.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, h, &bold).map_err(fail)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32 + 1, c as u16, cell).map_err(fail)?;
            }
        }
        ws.set_freeze_panes(1, 0).map_err(fail)?;
        wb.save_to_buffer().map_err(fail)
    }
}

/// Unicode forms Windows writes differently in CP932.
fn cp932_forms(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '\u{301C}' => '\u{FF5E}', // 〜 wave dash → fullwidth tilde
            '\u{2212}' => '\u{FF0D}', // − minus → fullwidth hyphen-minus
            '\u{2016}' => '\u{2225}', // ‖ → ∥
            '\u{00A2}' => '\u{FFE0}',
            '\u{00A3}' => '\u{FFE1}',
            '\u{00AC}' => '\u{FFE2}',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(cell: &str) -> Export {
        Export { headers: vec!["組織コード".into(), "名称".into()], rows: vec![vec!["E1".into(), cell.into()]] }
    }

    #[test]
    fn sjis_round_trips_and_refuses_unmappable() {
        let bytes = sample("髙橋〜労組①").to_csv_sjis().unwrap();
        let t = super::super::Table::read("x.csv", &bytes).unwrap();
        assert_eq!(t.rows[0].1[1], "髙橋～労組①");
        let err = sample("𠮷野家労組").to_csv_sjis().err().unwrap();
        assert!(err.message().en.contains("Row 2"), "{:?}", err.message());
    }

    #[test]
    fn utf8_has_bom_and_xlsx_reads_back() {
        let e = sample("𠮷野家労組");
        assert!(e.to_csv_utf8().starts_with(b"\xEF\xBB\xBF"));
        let x = e.to_xlsx("organisations").unwrap();
        let t = super::super::Table::read("x.xlsx", &x).unwrap();
        assert_eq!(t.headers, ["組織コード", "名称"]);
        assert_eq!(t.rows, vec![(2, vec!["E1".to_string(), "𠮷野家労組".to_string()])]);
    }
}
