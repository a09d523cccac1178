//! Charts as server-side SVG: plain strokes and text, readable on screen and on paper. All
//! geometry is integer arithmetic on fen (no floating point on a path from money).

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const W: i64 = 640;
const H: i64 = 240;
const LEFT: i64 = 70;
const RIGHT: i64 = 16;
const TOP: i64 = 16;
const BOTTOM: i64 = 40;

/// A y position for a value between `lo` and `hi` (both in the same unit), integer pixels.
fn y_of(v: i64, lo: i64, hi: i64) -> i64 {
    let span = (hi - lo).max(1);
    let plot = H - TOP - BOTTOM;
    TOP + plot - ((i128::from(v - lo) * i128::from(plot)) / i128::from(span)) as i64
}

/// A round upper bound for an axis: 1, 2 or 5 × 10^k at or above `v`.
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

/// A bar chart of amounts (fen) by label, e.g. pay by month. `title` is the accessible name.
pub fn bars(title: &str, points: &[(String, i64)], fmt: impl Fn(i64) -> String) -> String {
    let max = points.iter().map(|p| p.1).max().unwrap_or(0).max(0);
    let min = points.iter().map(|p| p.1).min().unwrap_or(0).min(0);
    let hi = nice(max);
    let lo = if min < 0 { -nice(-min) } else { 0 };
    let mut s = format!(
        "<svg class=\"chart\" viewBox=\"0 0 {W} {H}\" role=\"img\" aria-label=\"{}\" xmlns=\"http://www.w3.org/2000/svg\"><title>{}</title>",
        esc(title),
        esc(title)
    );
    for v in [lo, (lo + hi) / 2, hi] {
        let y = y_of(v, lo, hi);
        s.push_str(&format!(
            "<line x1=\"{LEFT}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" class=\"grid\"/><text x=\"{}\" y=\"{}\" text-anchor=\"end\" class=\"axis\">{}</text>",
            W - RIGHT,
            LEFT - 6,
            y + 4,
            esc(&fmt(v))
        ));
    }
    let n = points.len().max(1) as i64;
    let slot = (W - LEFT - RIGHT) / n;
    let bar = (slot * 3 / 5).clamp(2, 48);
    let zero = y_of(0, lo, hi);
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
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" class=\"axis\">{}</text>",
            x + bar / 2,
            H - BOTTOM + 16,
            esc(label)
        ));
    }
    s.push_str(&format!(
        "<line x1=\"{LEFT}\" y1=\"{zero}\" x2=\"{}\" y2=\"{zero}\" class=\"base\"/></svg>",
        W - RIGHT
    ));
    s
}

/// A histogram of amounts (fen) in `buckets` equal ranges: how many managers earn how much.
pub fn histogram(
    title: &str,
    values: &[i64],
    buckets: usize,
    fmt: impl Fn(i64) -> String,
) -> String {
    if values.is_empty() {
        return bars(title, &[], fmt);
    }
    let lo = values.iter().copied().min().unwrap_or(0).min(0);
    let hi = values.iter().copied().max().unwrap_or(0);
    let buckets = buckets.max(1) as i64;
    let width = ((hi - lo) / buckets + 1).max(1);
    let mut counts = vec![0i64; buckets as usize];
    for v in values {
        let b = ((v - lo) / width).clamp(0, buckets - 1) as usize;
        counts[b] += 1;
    }
    let points: Vec<(String, i64)> = counts
        .iter()
        .enumerate()
        .map(|(i, c)| (fmt(lo + width * i as i64), *c))
        .collect();
    bars(title, &points, |v| v.to_string())
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
        // Four buckets, six values in all.
        assert_eq!(svg.matches("<rect").count(), 4);
        assert!(svg.contains(": 2</title>"));
    }
}
