//! How a statement reads: each item's path from the data to the pay in plain words (the item's
//! formula with every name replaced by its words and its value), and the source accounts of a
//! measure grouped by product with a subtotal each. Pure functions over the stored trace.

use super::phrases::number;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// A name in words with its value: `存量计价 0.05`.
pub fn said(words: &str, value: &str, exact: bool) -> String {
    format!("{words} {}", number(value, exact))
}

/// An item's formula in words: `stock_part * stock_rate` → `存量部分 0 × 存量计价 0.05`. `words`
/// gives each name the text that replaces it (see [`said`]; names it lacks stay as written);
/// `*` and `/` read as × and ÷.
pub fn plain_path(expr: &str, words: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(expr.len() * 2);
    let chars: Vec<char> = expr.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphabetic() || c == '_' {
            let start = i;
            while i < chars.len()
                && (chars[i].is_alphanumeric() || chars[i] == '_' || chars[i] == '.')
            {
                i += 1;
            }
            let name: String = chars[start..i].iter().collect();
            out.push_str(words.get(&name).map_or(name.as_str(), String::as_str));
            continue;
        }
        match c {
            '*' => out.push_str(" × "),
            '/' => out.push_str(" ÷ "),
            '+' | '-' => {
                out.push(' ');
                out.push(c);
                out.push(' ');
            }
            ',' => out.push_str(", "),
            ' ' => {}
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// The organisation's words for a name, from a policy label such as "存款日均余额 daily average
/// deposits": in Chinese the label's first word when it is Chinese, in English the rest (or the
/// name when the label has no English).
pub fn label_words(name: &str, label: Option<&str>, lang: &str) -> String {
    let Some(label) = label.map(str::trim).filter(|l| !l.is_empty()) else {
        return name.to_owned();
    };
    let (first, rest) = label.split_once(' ').unwrap_or((label, ""));
    let cjk = first
        .chars()
        .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
    if lang == "en" {
        if cjk {
            let rest = rest.split(['(', '（']).next().unwrap_or("").trim();
            if rest.is_empty() {
                name.to_owned()
            } else {
                rest.to_owned()
            }
        } else {
            label
                .split(['(', '（'])
                .next()
                .unwrap_or(label)
                .trim()
                .to_owned()
        }
    } else if cjk {
        first.to_owned()
    } else {
        name.to_owned()
    }
}

/// Moves a node's account lines (coded `account-line` notes) into `account_groups`, one per
/// product with its count and the subtotal of their values, largest first; the other notes
/// stay. Applied to every node of the tree.
pub fn group_accounts(node: &mut Value, depth: usize) {
    if depth > 64 {
        return;
    }
    if let Some(notes) = node.get_mut("notes").and_then(Value::as_array_mut) {
        let mut groups: BTreeMap<String, (Decimal, Vec<Value>)> = BTreeMap::new();
        let mut rest = Vec::new();
        for n in notes.drain(..) {
            if n["code"] == "account-line" {
                let product = n["args"]["product"].as_str().unwrap_or("").to_owned();
                let value = n["args"]["value"]
                    .as_str()
                    .and_then(|v| v.parse::<Decimal>().ok())
                    .unwrap_or_default();
                let g = groups.entry(product).or_default();
                g.0 += value;
                g.1.push(n);
            } else {
                rest.push(n);
            }
        }
        *notes = rest;
        if !groups.is_empty() {
            let mut list: Vec<(String, (Decimal, Vec<Value>))> = groups.into_iter().collect();
            list.sort_by(|a, b| b.1.0.cmp(&a.1.0).then(a.0.cmp(&b.0)));
            node["account_groups"] = json!(
                list.into_iter()
                    .map(|(product, (subtotal, lines))| json!({
                        "product": product,
                        "count": lines.len(),
                        "subtotal": subtotal.normalize().to_string(),
                        "lines": lines.into_iter().take(500).collect::<Vec<_>>(),
                    }))
                    .collect::<Vec<_>>()
            );
        }
    }
    if let Some(children) = node.get_mut("children").and_then(Value::as_array_mut) {
        for c in children {
            group_accounts(c, depth + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_reads_in_words() {
        let words: BTreeMap<String, String> = [
            ("stock_rate", ("存量计价", "0.05")),
            (
                "incremental_part",
                ("增量部分", "2285539.5154023216666666666667"),
            ),
            ("period.days", ("本期天数", "30")),
        ]
        .into_iter()
        .map(|(k, (w, v))| (k.to_owned(), said(w, v, false)))
        .collect();
        assert_eq!(
            plain_path(
                "((incremental_part * stock_rate) * period.days) / 365",
                &words
            ),
            "((增量部分 2,285,539.5154… × 存量计价 0.05) × 本期天数 30) ÷ 365"
        );
        assert_eq!(plain_path("max(a - b, 0)", &words), "max(a - b, 0)");
    }

    #[test]
    fn labels_give_words_in_each_language() {
        let l = Some("存款日均余额 daily average deposits (against the deposit target)");
        assert_eq!(label_words("deposit_avg", l, "zh-CN"), "存款日均余额");
        assert_eq!(
            label_words("deposit_avg", l, "en"),
            "daily average deposits"
        );
        assert_eq!(label_words("x", None, "zh-CN"), "x");
        assert_eq!(label_words("x", Some("commission rate"), "zh-CN"), "x");
        assert_eq!(
            label_words("x", Some("commission rate"), "en"),
            "commission rate"
        );
    }

    #[test]
    fn accounts_group_by_product_with_subtotals() {
        let line = |a: &str, p: &str, v: &str| json!({"code": "account-line", "args": {"account": a, "product": p, "value": v}, "en": a});
        let mut t = json!({"label": "x", "children": [{"label": "m", "notes": [
            line("A1", "活期", "100.5"), line("A2", "定期", "300"), line("A3", "活期", "50"), "a plain note"
        ]}]});
        group_accounts(&mut t, 0);
        let node = &t["children"][0];
        assert_eq!(node["notes"], json!(["a plain note"]));
        let g = node["account_groups"].as_array().unwrap();
        assert_eq!(g[0]["product"], "定期");
        assert_eq!(g[0]["subtotal"], "300");
        assert_eq!(g[1]["product"], "活期");
        assert_eq!(g[1]["count"], 2);
        assert_eq!(g[1]["subtotal"], "150.5");
    }
}
