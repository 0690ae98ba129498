//! A bulletin as a PDF (the platform's Typst facility): its title, times, commentary, the frozen
//! aggregates of the headline unions and of all, and the union lines the reader may see. Every
//! piece of record text goes in as a string literal.

use crate::model::{Bulletin, BulletinLine};
use crate::tally::{Figures, Group, SizeBand};
use kumiai_core::time;
use kumiai_platform::Visible;
use kumiai_platform::pdf::{FONT_FAMILY, PdfError, literal};

use crate::pages::{months, yen};

fn row(label: &str, f: &Figures) -> String {
    [
        label.to_string(),
        f.registered.to_string(),
        f.answered.to_string(),
        f.won_base_up.to_string(),
        yen(f.base_up_avg_yen),
        yen(f.base_up_demand_avg_yen),
        yen(f.min_wage_raise_avg_yen),
        months(f.bonus_months_avg),
    ]
    .iter()
    .map(|c| literal(c))
    .collect::<Vec<_>>()
    .join(", ")
}

fn group(title: &str, g: &Group) -> String {
    let mut rows = vec![row("全体", &g.overall)];
    rows.extend(g.by_industrial_union.iter().map(|(k, f)| row(k, f)));
    for band in SizeBand::ALL {
        let label = match band {
            SizeBand::Large => "1,000人以上",
            SizeBand::Medium => "300〜999人",
            SizeBand::Small => "299人以下",
        };
        if let Some(f) = g.by_size_band.get(band.key()) {
            rows.push(row(label, f));
        }
    }
    format!(
        "== #text({})\n#table(columns: (auto, 1fr, 1fr, 1fr, 1fr, 1fr, 1fr, 1fr), align: (left, right, right, right, right, right, right, right), stroke: 0.4pt + gray,\n  table.header([], [登録], [回答], [ベア獲得], [*ベア平均（円）*], [要求平均（円）], [企業内最賃引上げ（円）], [一時金（月）]),\n  {}\n)\n",
        literal(title),
        rows.join(",\n  ")
    )
}

/// The Typst document of a bulletin.
pub fn source(year: i64, b: &Bulletin, lines: &[Visible<BulletinLine>]) -> String {
    let t = b.frozen().unwrap_or_default();
    let mut s = format!(
        "#set page(paper: \"a4\", margin: 16mm, footer: context align(center, text(8pt, counter(page).display())))\n#set text(font: {}, lang: \"ja\", size: 9pt)\n#show heading: set text(size: 11pt)\n",
        literal(FONT_FAMILY)
    );
    s.push_str(&format!(
        "= #text({})\n",
        literal(&format!(
            "金属労協 {year}年闘争 速報 第{}報：{}",
            b.number, b.title
        ))
    ));
    s.push_str(&format!(
        "#text({})\n\n",
        literal(&format!(
            "集計時点 {} ／ 公表 {}",
            time::format_ms(b.as_of),
            b.lift_at
                .map(time::format_ms)
                .unwrap_or_else(|| "未定".into())
        ))
    ));
    if !b.commentary.is_empty() {
        s.push_str(&format!(
            "#block(inset: 6pt, fill: luma(245), width: 100%, text({}))\n",
            literal(&b.commentary)
        ));
    }
    s.push_str(&group("集計対象組合（速報対象）", &t.headline));
    s.push_str(&group("全体集計", &t.all));
    s.push_str(&format!(
        "#text(8pt, {})\n",
        literal(&format!(
            "賃金改善分（ベア）を獲得し額が算定できる組合の単純平均。定期昇給相当分は含まない。{}",
            t.rounding
        ))
    ));
    if !lines.is_empty() {
        let cells: Vec<String> = lines
            .iter()
            .map(|l| {
                let state = crate::entry::STATE_WORDS
                    .iter()
                    .find(|(c, _, _)| *c == l.base_up_state)
                    .map(|(_, ja, _)| *ja)
                    .unwrap_or("");
                [
                    l.union_name.clone(),
                    l.industrial_union_code.clone(),
                    yen(l.base_up_demand_yen),
                    state.to_string(),
                    yen(l.base_up_won_yen),
                ]
                .iter()
                .map(|c| literal(c))
                .collect::<Vec<_>>()
                .join(", ")
            })
            .collect();
        s.push_str(&format!(
            "== 組合別\n#table(columns: (2fr, 1fr, 1fr, 1fr, 1fr), align: (left, left, right, left, right), stroke: 0.4pt + gray,\n  table.header([組合], [産別], [ベア要求（円）], [ベア回答], [ベア獲得（円）]),\n  {}\n)\n",
            cells.join(",\n  ")
        ));
    }
    s
}

pub fn render(
    year: i64,
    b: &Bulletin,
    lines: &[Visible<BulletinLine>],
) -> Result<Vec<u8>, PdfError> {
    kumiai_platform::pdf::render(&source(year, b, lines))
}
