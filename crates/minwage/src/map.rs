//! A tile map of Japan drawn on the server as SVG: one square per prefecture (placed as in
//! `prefecture::ALL`), filled by its legend class, each a link with a tooltip, and the legend
//! drawn in the empty sea at the upper left. No script; it scales to the page width.

use crate::prefecture::{self, Prefecture};
use kumiai_core::Lang;
use kumiai_platform::text::escape_html;

/// One prefecture's square.
pub struct Tile {
    /// JIS code, "13" (or "1" for Hokkaido).
    pub code: &'static str,
    /// Index into the legend; `usize::MAX` (or any index past it) for no data.
    pub class: usize,
    /// Short text under the name, e.g. "+52"; "" for none.
    pub value: String,
    /// The tooltip; "" gives the name and the value.
    pub title: String,
    pub href: String,
}

/// One legend entry: its words and the fill of the tiles in its class.
pub struct Legend {
    pub label: String,
    pub colour: &'static str,
}

/// Far below, below, about even, above, far above (ColorBrewer RdBu, safe for red-green colour
/// blindness: the ends differ in lightness as well as hue).
pub const DIVERGING: [&str; 5] = ["#ca0020", "#f4a582", "#f7f7f7", "#92c5de", "#0571b0"];

/// Five states that stay apart for colour-blind readers (Okabe–Ito): blue, sky blue, bluish
/// green, orange, vermillion.
pub const STATUS: [&str; 5] = ["#0072b2", "#56b4e9", "#009e73", "#e69f00", "#d55e00"];

/// The fill of a tile without data; its dashed edge tells it from a light class by more than
/// colour.
pub const NO_DATA: &str = "#e5e7eb";
const NO_DATA_EDGE: &str = " stroke=\"#9ca3af\" stroke-dasharray=\"3 2\"";
const EDGE: &str = " stroke=\"#6b7280\" stroke-opacity=\".35\"";

const TILE: u32 = 46;
const PITCH: u32 = 50; // a 4 px gap
const PAD: u32 = 2; // room for the edges of the outer tiles
const W: u32 = 14 * PITCH - (PITCH - TILE) + 2 * PAD;
const H: u32 = 11 * PITCH - (PITCH - TILE) + 2 * PAD;
/// The widest text a tile holds; longer text is squeezed to it.
const FIT: f64 = (TILE - 4) as f64;
const DARK: &str = "#111827";

/// The map as an `<svg>` element. `no_data` labels the grey swatch; `lang` picks the names on
/// the tiles. Prefectures without a tile are drawn grey and without a link.
pub fn tile_map(title: &str, tiles: &[Tile], legend: &[Legend], no_data: &str, lang: Lang) -> String {
    let id = format!("tilemap-{:08x}", fnv(title));
    let mut svg = format!(
        "<svg class=\"chart tile-map\" viewBox=\"0 0 {W} {H}\" role=\"group\" aria-labelledby=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"{id}\">{}</title>",
        escape_html(title)
    );
    for p in &prefecture::ALL {
        let tile = tiles.iter().find(|t| prefecture::by_code(t.code).is_some_and(|q| q.code == p.code));
        svg.push_str(&draw_tile(p, tile, legend, no_data, lang));
    }
    svg.push_str(&draw_legend(legend, no_data));
    svg.push_str("</svg>");
    svg
}

fn draw_tile(p: &Prefecture, tile: Option<&Tile>, legend: &[Legend], no_data: &str, lang: Lang) -> String {
    let (x, y) = (PAD + p.col as u32 * PITCH, PAD + p.row as u32 * PITCH);
    let class = tile.and_then(|t| legend.get(t.class));
    let (fill, edge) = class.map_or((NO_DATA, NO_DATA_EDGE), |l| (l.colour, EDGE));
    let ink = ink(fill);
    let value = tile.map_or("", |t| t.value.as_str());
    let name = p.short(lang);
    // Japanese short names are at most three characters; English ones run to nine (Kagoshima).
    let name_size = if lang == Lang::En { 9.0 } else { 13.0 };
    let cx = x as f64 + TILE as f64 / 2.0;
    // With no value the name sits in the middle of the square.
    let name_y = y + if value.is_empty() { 28 } else { 20 };
    let mut body = format!(
        "<rect x=\"{x}\" y=\"{y}\" width=\"{TILE}\" height=\"{TILE}\" rx=\"4\" fill=\"{}\"{edge}/>{}",
        escape_html(fill),
        text(cx, name_y, name_size, "", ink, name)
    );
    if !value.is_empty() {
        body.push_str(&text(cx, y + 37, 12.0, " font-weight=\"600\"", ink, value));
    }
    let tip = match tile.map(|t| t.title.as_str()).filter(|t| !t.is_empty()) {
        Some(t) => t.to_string(),
        None => format!("{}: {}", p.name(lang), match class {
            Some(_) if !value.is_empty() => value,
            Some(l) => l.label.as_str(),
            None => no_data,
        }),
    };
    body.push_str(&format!("<title>{}</title>", escape_html(&tip)));
    match tile.filter(|t| !t.href.is_empty()) {
        Some(t) => format!("<a href=\"{}\">{body}</a>", escape_html(&t.href)),
        None => format!("<g>{body}</g>"),
    }
}

/// Centred text, squeezed to the tile's width when its estimated width would spill over.
fn text(cx: f64, y: u32, size: f64, extra: &str, ink: &str, s: &str) -> String {
    let width: f64 = s.chars().map(|c| if c.is_ascii() { 0.58 } else { 1.0 }).sum::<f64>() * size;
    let fit = if width > FIT { format!(" textLength=\"{FIT}\" lengthAdjust=\"spacingAndGlyphs\"") } else { String::new() };
    format!("<text x=\"{cx}\" y=\"{y}\" text-anchor=\"middle\" font-size=\"{size}\" fill=\"{ink}\"{extra}{fit}>{}</text>", escape_html(s))
}

/// Swatches and labels in the upper left, where the Japan shape leaves the grid empty (columns
/// 0–8, rows 0–4: 450 × 250); the no-data swatch last.
fn draw_legend(legend: &[Legend], no_data: &str) -> String {
    const LINE: u32 = 28;
    const PER_COLUMN: usize = 8;
    let entries = legend.iter().map(|l| (l.colour, EDGE, l.label.as_str())).chain([(NO_DATA, NO_DATA_EDGE, no_data)]);
    let mut out = String::from("<g class=\"legend\">");
    for (i, (colour, edge, label)) in entries.enumerate() {
        let x = PAD + 4 + (i / PER_COLUMN) as u32 * 225;
        let y = PAD + 4 + (i % PER_COLUMN) as u32 * LINE;
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{y}\" width=\"20\" height=\"20\" rx=\"3\" fill=\"{}\"{edge}/><text x=\"{}\" y=\"{}\" font-size=\"16\" fill=\"{DARK}\">{}</text>",
            escape_html(colour),
            x + 28,
            y + 16,
            escape_html(label)
        ));
    }
    out.push_str("</g>");
    out
}

/// Dark or white text, whichever contrasts more with `fill` (WCAG relative luminance); dark
/// for a colour it cannot read.
fn ink(fill: &str) -> &'static str {
    let hex = fill.trim_start_matches('#');
    let Ok(rgb) = u32::from_str_radix(hex, 16) else { return DARK };
    if hex.len() != 6 {
        return DARK;
    }
    let lin = |c: u32| {
        let c = c as f64 / 255.0;
        if c <= 0.04045 { c / 12.92 } else { ((c + 0.055) / 1.055).powf(2.4) }
    };
    let l = 0.2126 * lin((rgb >> 16) & 255) + 0.7152 * lin((rgb >> 8) & 255) + 0.0722 * lin(rgb & 255);
    let dark = 0.0093; // #111827
    if 1.05 / (l + 0.05) > (l + 0.05) / (dark + 0.05) { "#ffffff" } else { DARK }
}

/// A stable id from the title, so two maps on one page differ and the output stays cacheable.
fn fnv(s: &str) -> u32 {
    let h = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3));
    (h ^ (h >> 32)) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    fn legend() -> Vec<Legend> {
        DIVERGING.iter().enumerate().map(|(i, c)| Legend { label: format!("区分{i}"), colour: c }).collect()
    }

    fn all_tiles() -> Vec<Tile> {
        prefecture::ALL
            .iter()
            .enumerate()
            .map(|(i, p)| Tile { code: p.code, class: i % 5, value: format!("+{i}"), title: String::new(), href: format!("/minwage/{}", p.code) })
            .collect()
    }

    /// The markup of one prefecture's link.
    fn link<'a>(svg: &'a str, code: &str) -> &'a str {
        let start = svg.find(&format!("<a href=\"/minwage/{code}\">")).unwrap();
        &svg[start..start + svg[start..].find("</a>").unwrap()]
    }

    #[test]
    fn every_prefecture_is_one_link() {
        let svg = tile_map("地域別最低賃金", &all_tiles(), &legend(), "データなし", Lang::Ja);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("role=\"group\"") && svg.contains("viewBox=\"0 0 700 550\"") && !svg.contains(" width=\"700"));
        let id = svg.split("aria-labelledby=\"").nth(1).unwrap().split('"').next().unwrap();
        assert!(svg.contains(&format!("<title id=\"{id}\">地域別最低賃金</title>")));
        assert_eq!(svg.matches("<a href=").count(), 47);
        for p in &prefecture::ALL {
            assert_eq!(svg.matches(&format!("href=\"/minwage/{}\"", p.code)).count(), 1, "{}", p.en);
            assert!(link(&svg, p.code).contains(&format!(">{}</text>", p.short_ja())), "{}", p.ja);
        }
        assert!(link(&svg, "13").contains(">東京<") && link(&svg, "01").contains(">北海道<"));
        let en = tile_map("Minimum wages", &all_tiles(), &legend(), "No data", Lang::En);
        assert!(link(&en, "46").contains("textLength") && link(&en, "46").contains(">Kagoshima<"), "long English names squeezed to fit");
        assert!(link(&en, "13").contains(">Tokyo<") && !link(&en, "13").contains("textLength"));
    }

    #[test]
    fn text_is_escaped() {
        let tiles = vec![Tile { code: "13", class: 0, value: "<+1>".into(), title: "\"東京\" & <b>".into(), href: "/x?a=1&b=\"2\"".into() }];
        let svg = tile_map("最賃 <比較> & \"差\"", &tiles, &[Legend { label: "<低い>".into(), colour: DIVERGING[0] }], "なし & 未定", Lang::Ja);
        assert!(svg.contains(">最賃 &lt;比較&gt; &amp; &quot;差&quot;</title>"));
        assert!(svg.contains(">&lt;+1&gt;</text>") && svg.contains("<title>&quot;東京&quot; &amp; &lt;b&gt;</title>"));
        assert!(svg.contains("<a href=\"/x?a=1&amp;b=&quot;2&quot;\">") && svg.contains(">&lt;低い&gt;</text>") && svg.contains(">なし &amp; 未定</text>"));
        assert!(!svg.contains("<b>") && !svg.contains("<+1>"));
    }

    #[test]
    fn legend_is_drawn_with_the_no_data_swatch() {
        let svg = tile_map("t", &all_tiles(), &legend(), "データなし", Lang::Ja);
        let legend = &svg[svg.find("<g class=\"legend\">").unwrap()..];
        for (i, c) in DIVERGING.iter().enumerate() {
            assert!(legend.contains(&format!("fill=\"{c}\"")) && legend.contains(&format!(">区分{i}</text>")));
        }
        assert!(legend.contains(&format!("fill=\"{NO_DATA}\"")) && legend.contains(">データなし</text>"));
        // Nine entries in two columns stay inside the empty upper left (450 × 250).
        let nine: Vec<Legend> = (0..8).map(|i| Legend { label: format!("{i}"), colour: STATUS[i % 5] }).collect();
        let svg = tile_map("t", &[], &nine, "-", Lang::Ja);
        assert!(svg.contains("<rect x=\"231\" y=\"6\" width=\"20\""), "the ninth starts a second column");
    }

    #[test]
    fn a_tile_without_data_is_grey() {
        let mut tiles = all_tiles();
        tiles[12].class = usize::MAX; // Tokyo
        tiles[26].class = 99; // Osaka: past the legend
        tiles.retain(|t| t.code != "47"); // Okinawa: no tile at all
        let svg = tile_map("t", &tiles, &legend(), "データなし", Lang::Ja);
        for code in ["13", "27"] {
            assert!(link(&svg, code).contains(&format!("fill=\"{NO_DATA}\"")) && link(&svg, code).contains("stroke-dasharray"), "{code}");
        }
        assert!(link(&svg, "01").contains(&format!("fill=\"{}\"", DIVERGING[0])));
        assert!(link(&svg, "13").contains("<title>東京都: データなし</title>"));
        assert!(!svg.contains("/minwage/47") && svg.contains(&format!("<g><rect x=\"2\" y=\"502\" width=\"46\" height=\"46\" rx=\"4\" fill=\"{NO_DATA}\"")));
        assert!(svg.contains("<title>沖縄県: データなし</title>"));
    }

    #[test]
    fn text_contrasts_with_its_fill() {
        assert_eq!(ink(DIVERGING[0]), "#ffffff");
        assert_eq!(ink(DIVERGING[4]), "#ffffff");
        assert_eq!(ink(STATUS[0]), "#ffffff");
        for light in [DIVERGING[1], DIVERGING[2], DIVERGING[3], NO_DATA, STATUS[3], "nonsense"] {
            assert_eq!(ink(light), DARK, "{light}");
        }
    }
}
