//! Charts as server-side SVG: plain strokes and text, readable on screen and on paper. All
//! geometry is integer arithmetic on fen (no floating point on a path from money).

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

// The drawing is 400 units wide and shown at most 560 px wide (app.css): on a 390 px phone
// one unit is about 0.85 px, so 13-unit text stays above 11 px at every size.
const W: i64 = 400;
const H: i64 = 220;
const LEFT: i64 = 78;
const RIGHT: i64 = 8;
const TOP: i64 = 18;
const BOTTOM: i64 = 34;
/// Text size in drawing units.
const TEXT: i64 = 13;

/// A y position for a value between `lo` and `hi` (both in the same unit), integer pixels.
fn y_of(v: i64, lo: i64, hi: i64) -> i64 {
    let span = (hi - lo).max(1);
    let plot = H - TOP - BOTTOM;
    TOP + plot - ((i128::from(v - lo) * i128::from(plot)) / i128::from(span)) as i64
}

/// A round number: 1, 2 or 5 × 10^k at or above `v` (at least 1).
fn nice(v: i64) -> i64 {
    if v <= 0 {
        return 1;
    }
    let mut step = 1i64;
    while step.saturating_mul(10) <= v {
        step = step.saturating_mul(10);
    }
    for m in [1, 2, 5, 10] {
        if step.saturating_mul(m) >= v {
            return step.saturating_mul(m);
        }
    }
    step.saturating_mul(10)
}

/// The axis's ticks from `lo` (0 or below) to at least `hi`: evenly spaced round values, at
/// most five steps, integers in the values' unit (a count gets 0, 1, 2, …, never 2.5).
fn ticks(lo: i64, hi: i64) -> Vec<i64> {
    let span = (hi - lo).max(1);
    let step = nice((span + 3) / 4);
    let first = lo.div_euclid(step) * step;
    let mut out = vec![first];
    while *out.last().unwrap_or(&first) < hi {
        let next = out.last().copied().unwrap_or(first).saturating_add(step);
        out.push(next);
        if out.len() > 8 {
            break;
        }
    }
    if out.len() == 1 {
        out.push(first + step);
    }
    out
}

/// How wide a label is in drawing units (CJK characters count double).
fn text_width(s: &str) -> i64 {
    s.chars()
        .map(|c| if c.is_ascii() { TEXT * 6 / 10 } else { TEXT })
        .sum()
}

/// A bar chart of amounts (fen) by label, e.g. pay by month. `title` is the accessible name.
pub fn bars(title: &str, points: &[(String, i64)], fmt: impl Fn(i64) -> String) -> String {
    draw(title, points, &fmt, false)
}

fn draw(
    title: &str,
    points: &[(String, i64)],
    fmt: &dyn Fn(i64) -> String,
    values_on_bars: bool,
) -> String {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(0);
    let min = points.iter().map(|p| p.1).min().unwrap_or(0).min(0);
    let ticks = ticks(min, max.max(1));
    let lo = ticks.first().copied().unwrap_or(0);
    let hi = ticks.last().copied().unwrap_or(1);
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    for v in &ticks {
        let y = y_of(*v, lo, hi);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" class=\"grid\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\" font-size=\"{TEXT}\">{}</text>",
            W - RIGHT,
            LEFT - 6,
            y + TEXT / 3,
            esc(&fmt(*v))
        ));
    }
    let n = points.len().max(1) as i64;
    let slot = (W - LEFT - RIGHT) / n;
    let bar = (slot * 3 / 5).clamp(2, 48);
    let zero = y_of(0, lo, hi);
    // Label every k-th bar so that the labels never overlap (the last one always).
    let widest = points.iter().map(|p| text_width(&p.0)).max().unwrap_or(0) + 6;
    let every = ((widest + slot - 1) / slot.max(1)).max(1) as usize;
    for (i, (label, v)) in points.iter().enumerate() {
        let x = LEFT + slot * i as i64 + (slot - bar) / 2;
        let y = y_of(*v, lo, hi);
        let (top, height) = if y < zero {
            (y, zero - y)
        } else {
            (zero, y - zero)
        };
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"{top}\" width=\"{bar}\" height=\"{}\" class=\"bar\"><title>{}: {}</title></rect>",
            height.max(1),
            esc(label),
            esc(&fmt(*v))
        ));
        if values_on_bars && *v != 0 {
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis value\" font-size=\"{TEXT}\">{}</text>",
                x + bar / 2,
                top - 4,
                esc(&fmt(*v))
            ));
        }
        if (points.len() - 1 - i).is_multiple_of(every) {
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\" font-size=\"{TEXT}\">{}</text>",
                x + bar / 2,
                H - BOTTOM + TEXT + 4,
                esc(label)
            ));
        }
    }
    s.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{zero}\" x2=\"{}\" y2=\"{zero}\" class=\"base\"/></svg>",
        W - RIGHT
    ));
    s
}

/// A histogram of amounts (fen): how many managers earn how much. At most `buckets` ranges
/// and never more ranges than values; each range starts at a round amount, is labelled with
/// its start and shows its count on the bar.
pub fn histogram(
    title: &str,
    values: &[i64],
    buckets: usize,
    fmt: impl Fn(i64) -> String,
) -> String {
    if values.is_empty() {
        return bars(title, &[], fmt);
    }
    let buckets = buckets.clamp(1, values.len()) as i64;
    let raw_lo = values.iter().copied().min().unwrap_or(0).min(0);
    let hi = values.iter().copied().max().unwrap_or(0);
    let width = nice((hi - raw_lo) / buckets + 1);
    let lo = raw_lo.div_euclid(width) * width;
    let used = ((hi - lo) / width + 1).clamp(1, buckets.max(1) + 1);
    let mut counts = vec![0i64; used as usize];
    for v in values {
        let b = ((v - lo) / width).clamp(0, used - 1) as usize;
        counts[b] += 1;
    }
    let points: Vec<(String, i64)> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (fmt(lo + width * i as i64), *c))
        .collect();
    draw(title, &points, &|v: i64| v.to_string(), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_escape_labels_and_scale() {
        let svg = bars("t<", &[("a<b".into(), 100), ("c".into(), 300)], |v| {
            v.to_string()
        });
        assert!(svg.contains("a&lt;b"));
        assert!(!svg.contains("a<b"));
        assert!(svg.starts_with("<svg"));
        assert_eq!(nice(0), 1);
        assert_eq!(nice(301), 500);
        assert_eq!(nice(1000), 1000);
        assert_eq!(nice(1001), 2000);
    }

    #[test]
    fn histogram_counts_every_value() {
        let svg = histogram("h", &[0, 10, 20, 30, 40, 40], 4, |v| v.to_string());
        // Ranges of a round width (20) from 0: 0–19, 20–39, 40–59; six values in all.
        assert_eq!(svg.matches("<rect").count(), 3, "{svg}");
        assert!(svg.contains("<title>0: 2</title>"), "{svg}");
        assert!(svg.contains("<title>40: 2</title>"), "{svg}");
    }

    #[test]
    fn charts_fit_their_data() {
        // Four people never get ten ranges.
        let svg = histogram("h", &[100, 250, 300, 990], 10, |v| v.to_string());
        assert!(svg.matches("<rect").count() <= 5, "{svg}");
        let counted: i64 = svg
            .split("</title></rect>")
            .filter_map(|p| p.rsplit(": ").next()?.parse::<i64>().ok())
            .sum();
        assert_eq!(counted, 4, "{svg}");
        // A count axis has whole, evenly spaced ticks.
        assert_eq!(ticks(0, 4), vec![0, 1, 2, 3, 4]);
        assert_eq!(ticks(0, 7), vec![0, 2, 4, 6, 8]);
        assert_eq!(ticks(0, 1), vec![0, 1]);
        assert_eq!(ticks(-300, 900), vec![-500, 0, 500, 1000]);
        // Twelve months' labels do not overlap: every other one is written.
        let months: Vec<(String, i64)> = (1..=12).map(|m| (format!("2026-{m:02}"), 100)).collect();
        let svg = bars("t", &months, |v| v.to_string());
        let labels = svg.matches("font-size=\"13\">2026-").count();
        assert!((4..12).contains(&labels), "{labels}");
        assert!(svg.contains(">2026-12</text>"), "the newest is labelled");
        // Text is 13 units in a 400-unit drawing.
        assert!(svg.contains("viewBox=\"0 0 400 220\""));
        assert!(svg.contains("font-size=\"13\""));
    }
}
