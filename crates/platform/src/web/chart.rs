//! Line charts drawn on the server as SVG: no script, readable without colour (the second line is
//! dashed), with each point's value in a tooltip. Modules use them for year-by-year trends.

use crate::text::escape_html;

/// One line: its name in the legend and its (x, y) points, x ascending.
pub struct Series<'a> {
    pub name: &'a str,
    pub points: Vec<(i64, i64)>,
}

const W: f64 = 640.0;
const H: f64 = 240.0;
const LEFT: f64 = 78.0;
const RIGHT: f64 = 40.0;
const TOP: f64 = 34.0;
const BOTTOM: f64 = 28.0;
const COLOURS: [&str; 3] = ["#0b5cad", "#b35c00", "#1e6b34"];

/// A round step for about four grid lines up to `max`.
fn step(max: i64) -> i64 {
    let raw = (max.max(1) as f64 / 4.0).max(1.0);
    let p = 10f64.powi(raw.log10().floor() as i32);
    let m = raw / p;
    let nice = if m <= 1.0 { 1.0 } else if m <= 2.0 { 2.0 } else if m <= 5.0 { 5.0 } else { 10.0 };
    (nice * p) as i64
}

/// The chart, or an empty string when there is nothing to draw. `x_label` writes an x value
/// (a year as its reader names it), `y_label` a y value (digits grouped).
pub fn line_chart(title: &str, series: &[Series], x_label: impl Fn(i64) -> String, y_label: impl Fn(i64) -> String) -> String {
    chart(title, series, x_label, y_label, false)
}

/// A line chart whose axis spans only the values' range (rounded to grid steps), for figures far
/// from zero (hourly wages around 1,000 yen) or below it (a gap that turned negative).
pub fn line_chart_fitted(title: &str, series: &[Series], x_label: impl Fn(i64) -> String, y_label: impl Fn(i64) -> String) -> String {
    chart(title, series, x_label, y_label, true)
}

fn chart(title: &str, series: &[Series], x_label: impl Fn(i64) -> String, y_label: impl Fn(i64) -> String, fitted: bool) -> String {
    let xs: Vec<i64> = series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
    let (Some(&x0), Some(&x1)) = (xs.iter().min(), xs.iter().max()) else { return String::new() };
    let ys = || series.iter().flat_map(|s| s.points.iter().map(|p| p.1));
    let (lo, hi) = (ys().min().unwrap_or(0), ys().max().unwrap_or(0));
    let (bottom, top) = if fitted { (lo, hi.max(lo + 1)) } else { (0, hi.max(1)) };
    let step = step(top - bottom);
    let y_min = bottom.div_euclid(step) * step;
    let y_max = y_min + (top - y_min + step - 1) / step * step;
    let px = |x: i64| if x1 == x0 { LEFT + (W - LEFT - RIGHT) / 2.0 } else { LEFT + (x - x0) as f64 * (W - LEFT - RIGHT) / (x1 - x0) as f64 };
    let py = |y: i64| TOP + (H - TOP - BOTTOM) * (1.0 - (y - y_min) as f64 / (y_max - y_min) as f64);
    let mut svg = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{t}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{t}</title>",
        t = escape_html(title)
    );
    let mut y = y_min;
    while y <= y_max {
        svg.push_str(&format!(
            "<line x1=\"{LEFT}\" x2=\"{}\" y1=\"{py:.1}\" y2=\"{py:.1}\" stroke=\"#d9dde5\"/><text x=\"{}\" y=\"{:.1}\" text-anchor=\"end\" font-size=\"11\" fill=\"#5b6475\">{}</text>",
            W - RIGHT,
            LEFT - 6.0,
            py(y) + 4.0,
            escape_html(&y_label(y)),
            py = py(y)
        ));
        y += step;
    }
    // Year labels: all of them while they fit, else every n-th.
    let years = (x1 - x0 + 1).max(1);
    let every = (years as f64 / 10.0).ceil().max(1.0) as i64;
    for x in (x0..=x1).filter(|x| (x - x0) % every == 0) {
        svg.push_str(&format!("<text x=\"{:.1}\" y=\"{}\" text-anchor=\"middle\" font-size=\"11\" fill=\"#5b6475\">{}</text>", px(x), H - 8.0, escape_html(&x_label(x))));
    }
    let mut legend_x = LEFT;
    for (i, s) in series.iter().enumerate() {
        let colour = COLOURS[i % COLOURS.len()];
        let dash = if i > 0 { " stroke-dasharray=\"6 4\"" } else { "" };
        let path: Vec<String> = s.points.iter().map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y))).collect();
        if path.len() > 1 {
            svg.push_str(&format!("<polyline fill=\"none\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash} points=\"{}\"/>", path.join(" ")));
        }
        for (x, y) in &s.points {
            svg.push_str(&format!(
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3.5\" fill=\"{colour}\"><title>{}: {} {}</title></circle>",
                px(*x),
                py(*y),
                escape_html(s.name),
                escape_html(&x_label(*x)),
                escape_html(&y_label(*y))
            ));
        }
        svg.push_str(&format!(
            "<line x1=\"{legend_x}\" x2=\"{}\" y1=\"14\" y2=\"14\" stroke=\"{colour}\" stroke-width=\"2.5\"{dash}/><text x=\"{}\" y=\"18\" font-size=\"12\" fill=\"#1d2433\">{}</text>",
            legend_x + 22.0,
            legend_x + 28.0,
            escape_html(s.name)
        ));
        legend_x += 40.0 + s.name.chars().map(|c| if c.is_ascii() { 7.0 } else { 12.0 }).sum::<f64>();
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn draws_each_line_within_its_box() {
        let own = Series { name: "報告値", points: vec![(2024, 1_000), (2025, 1_200), (2026, 1_150)] };
        let sum = Series { name: "単組の合計 <計>", points: vec![(2025, 900), (2026, 1_100)] };
        let svg = line_chart("推移", &[own, sum], |y| format!("{y}年度"), |n| n.to_string());
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 5);
        assert!(svg.contains("単組の合計 &lt;計&gt;") && svg.contains("stroke-dasharray"), "names escaped; the second line dashed");
        assert!(svg.contains(">2024年度<") && svg.contains(">2026年度<"));
        // The highest value sits on or under the top grid line (1,200 → axis to 1,200 in steps of 500 → 1,500).
        assert!(svg.contains(">1500<") && !svg.contains(">2000<"), "{svg}");
        assert_eq!(step(1_200), 500);
        assert_eq!(step(2_000_000), 500_000);
        assert_eq!(line_chart("空", &[Series { name: "x", points: vec![] }], |y| y.to_string(), |n| n.to_string()), "");
    }

    #[test]
    fn a_fitted_axis_spans_the_values_even_below_zero() {
        let wages = Series { name: "賃金", points: vec![(2023, 1_004), (2024, 1_055), (2025, 1_121)] };
        let svg = line_chart_fitted("推移", &[wages], |y| y.to_string(), |n| n.to_string());
        // Steps of 50 from 1,000 to 1,150: no zero line, every point inside the box.
        assert!(svg.contains(">1000<") && svg.contains(">1150<") && !svg.contains(">0<") && !svg.contains(">1200<"), "{svg}");
        let gap = Series { name: "差", points: vec![(2024, 40), (2025, -35)] };
        let svg = line_chart_fitted("差", &[gap], |y| y.to_string(), |n| n.to_string());
        assert!(svg.contains(">-40<") && svg.contains(">0<") && svg.contains(">40<"), "{svg}");
        for cy in svg.split("cy=\"").skip(1).map(|t| t.split('"').next().unwrap().parse::<f64>().unwrap()) {
            assert!((TOP..=H - BOTTOM).contains(&cy), "{cy} outside the plot");
        }
    }
}
