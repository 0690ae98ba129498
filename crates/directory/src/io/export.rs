//! Exports: the rows the viewer may see under the same filters as the list pages, as CSV (UTF-8
//! with a BOM so Excel opens it, or Shift_JIS on request) or .xlsx. Referenced organisations'
//! codes appear only where the viewer may see them. The files import back unchanged.

use super::Sheet;
use crate::org::{self, store::{ListQuery, list_filter}};
use crate::people::{self, store::PeopleQuery};
use kumiai_core::{Lang, Msg, OrgId, Viewer, time};
use kumiai_platform::db::{Db, bind_all};
use kumiai_platform::orgs::visible_codes;
use kumiai_platform::text::csv_cell;
use kumiai_platform::{AppError, AppResult, Visible};
use sqlx::AssertSqlSafe;
use std::collections::HashMap;

pub struct Export {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
}

fn headers(sheet: Sheet, lang: Lang) -> Vec<String> {
    sheet.columns().iter().map(|(code, ja)| lang.t(ja, code).to_string()).collect()
}

/// One organisation as exported; references hold codes only where the viewer may see them.
#[derive(sqlx::FromRow)]
struct OrgExportRow {
    id: OrgId,
    code: String,
    kind: String,
    parent: Option<String>,
    company: Option<String>,
    name_ja: String,
    name_kana: String,
    name_en: String,
    country: String,
    reach: String,
    scope: Option<String>,
    embargo_until: Option<i64>,
    note: String,
}

kumiai_platform::identified!(org::ENTITY => OrgExportRow);

pub async fn organisations(db: &Db, viewer: &Viewer, q: &ListQuery, lang: Lang, now: i64) -> AppResult<Export> {
    let (f, filter, binds) = list_filter(db, viewer, q, now).await?;
    let vis = |a: &str| kumiai_platform::reach::filter(viewer, a, org::ENTITY, now).sql().to_string();
    let sql = format!(
        "SELECT o.id, o.code, o.kind, CASE WHEN {} THEN p.code END AS parent, CASE WHEN {} THEN c.code END AS company, o.name_ja, o.name_kana, o.name_en, \
         o.country, o.reach, CASE WHEN {} THEN s.code END AS scope, o.embargo_until, o.note \
         FROM organisations o LEFT JOIN organisations p ON p.id = o.parent_id LEFT JOIN organisations c ON c.id = o.company_id \
         LEFT JOIN organisations s ON s.id = o.scope_org_id WHERE {filter} ORDER BY o.path, o.id",
        vis("p"),
        vis("c"),
        vis("s")
    );
    let rows: Vec<Visible<OrgExportRow>> = f.admit(bind_all(sqlx::query_as(AssertSqlSafe(sql)), &binds).fetch_all(&db.pool).await?);
    let shares = shares_of(db, viewer, org::ENTITY, now).await?;
    let rows = rows
        .iter()
        .map(|r| {
            vec![
                r.code.clone(),
                r.kind.clone(),
                r.parent.clone().unwrap_or_default(),
                r.company.clone().unwrap_or_default(),
                r.name_ja.clone(),
                r.name_kana.clone(),
                r.name_en.clone(),
                r.country.clone(),
                r.reach.clone(),
                r.scope.clone().unwrap_or_default(),
                r.embargo_until.map(time::format_input_ms).unwrap_or_default(),
                shares.get(&r.id.get()).cloned().unwrap_or_default(),
                r.note.clone(),
            ]
        })
        .collect();
    Ok(Export { headers: headers(Sheet::Organisations, lang), rows })
}

/// record id → comma-separated codes of the organisations it is shared with that the viewer
/// may see. Shares are who else sees a record: only the head office exports them.
async fn shares_of(db: &Db, viewer: &Viewer, entity: &str, now: i64) -> sqlx::Result<HashMap<i64, String>> {
    if !viewer.is_hq() {
        return Ok(HashMap::new());
    }
    let pairs = kumiai_platform::reach::all_shares(db, entity).await?;
    let ids: Vec<OrgId> = pairs.iter().map(|p| p.1).collect();
    let codes = visible_codes(db, viewer, &ids, now).await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for (id, org) in pairs {
        if let Some(c) = codes.get(&org) {
            out.entry(id).or_default().push(c.clone());
        }
    }
    Ok(out.into_iter().map(|(k, mut v)| {
        v.sort();
        (k, v.join(","))
    }).collect())
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
    let scopes: Vec<OrgId> = all.iter().filter_map(|p| p.scope_org_id).collect();
    let scope_codes = visible_codes(db, viewer, &scopes, now).await?;
    let shares = shares_of(db, viewer, people::ENTITY, now).await?;
    let rows = all
        .iter()
        .map(|p| {
            vec![
                p.id.to_string(),
                p.org_code.clone().unwrap_or_default(),
                p.name_kanji.clone(),
                p.name_kana.clone(),
                p.name_latin.clone(),
                p.gender.as_str().to_string(),
                p.position_ja.clone(),
                p.position_en.clone(),
                p.term_start.clone().unwrap_or_default(),
                p.term_end.clone().unwrap_or_default(),
                p.email.clone(),
                p.reach.as_str().to_string(),
                p.scope_org_id.and_then(|s| scope_codes.get(&s).cloned()).unwrap_or_default(),
                p.embargo_until.map(time::format_input_ms).unwrap_or_default(),
                shares.get(&p.id.get()).cloned().unwrap_or_default(),
                p.note.clone(),
            ]
        })
        .collect();
    Ok(Export { headers: headers(Sheet::People, lang), rows })
}

/// One year's counts of an organisation the viewer may see.
#[derive(sqlx::FromRow)]
struct CountExportRow {
    id: OrgId,
    code: String,
    fiscal_year: i64,
    members: i64,
    dues_paying: Option<i64>,
}

kumiai_platform::identified!(org::ENTITY => CountExportRow);

pub async fn counts(db: &Db, viewer: &Viewer, q: &ListQuery, lang: Lang, now: i64) -> AppResult<Export> {
    let (f, filter, binds) = list_filter(db, viewer, q, now).await?;
    let sql = format!(
        "SELECT o.id, o.code, mc.fiscal_year, mc.members, mc.dues_paying FROM member_counts mc JOIN organisations o ON o.id = mc.org_id \
         WHERE {filter} ORDER BY o.path, mc.fiscal_year"
    );
    let rows: Vec<Visible<CountExportRow>> = f.admit(bind_all(sqlx::query_as(AssertSqlSafe(sql)), &binds).fetch_all(&db.pool).await?);
    let rows = rows.iter().map(|r| vec![r.code.clone(), r.fiscal_year.to_string(), r.members.to_string(), r.dues_paying.map(|d| d.to_string()).unwrap_or_default()]).collect();
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

    /// Cells that a spreadsheet would run as formulas are written as text (OWASP: a leading
    /// apostrophe); the import takes it off again.
    fn csv_text(&self) -> String {
        let mut w = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(vec![]);
        let _ = w.write_record(&self.headers);
        for r in &self.rows {
            let _ = w.write_record(r.iter().map(|c| csv_cell(c)));
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

/// What a text becomes after a round trip through a Shift_JIS file (〜 as ～, − as －, ¥ as \):
/// an import treats such a value as unchanged.
pub fn sjis_image(s: &str) -> String {
    let forms = cp932_forms(s);
    let (bytes, _, _) = encoding_rs::SHIFT_JIS.encode(&forms);
    encoding_rs::SHIFT_JIS.decode(&bytes).0.into_owned()
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
    fn shift_jis_images_and_formulas() {
        assert_eq!(sjis_image("9月〜3月 −5 ¥100"), "9月～3月 －5 \\100");
        assert_eq!(sjis_image("金属労協"), "金属労協");
        let e = sample("=HYPERLINK(\"http://evil\",\"x\")");
        let text = String::from_utf8(e.to_csv_utf8()).unwrap();
        assert!(text.contains("'=HYPERLINK"), "{text}");
        let t = super::super::Table::read("x.csv", &e.to_csv_utf8()).unwrap();
        assert_eq!(t.rows[0].1[1], "=HYPERLINK(\"http://evil\",\"x\")", "the import takes the apostrophe off");
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
