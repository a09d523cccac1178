//! What-if runs: a copy of a policy with one parameter or table value changed.

use super::{Dated, Policy};
use chrono::NaiveDate;

impl Policy {
    /// A copy of the policy with one value changed, for a what-if run:
    /// `NAME=VALUE` (a parameter, in effect throughout), `tier.TABLE.N=VALUE` (the value of row N,
    /// counting from 1, in every version of the table), `lookup.TABLE.KEY=VALUE`.
    pub fn with_override(&self, setting: &str) -> Result<Policy, String> {
        let (key, value) = setting.split_once('=').ok_or_else(|| {
            format!("{setting:?}: write NAME=VALUE, tier.TABLE.N=VALUE or lookup.TABLE.KEY=VALUE")
        })?;
        let value = crate::parse_decimal(value).map_err(|e| format!("{setting:?}: {e}"))?;
        let mut p = self.clone();
        let parts: Vec<&str> = key.trim().splitn(3, '.').collect();
        match parts.as_slice() {
            ["tier", table, row] => {
                let t = p
                    .tiers
                    .get_mut(*table)
                    .ok_or_else(|| format!("no tier table {table}"))?;
                let n: usize = row
                    .parse()
                    .map_err(|_| format!("{setting:?}: the row is a number from 1"))?;
                for v in &mut t.series.versions {
                    let r = v
                        .value
                        .get_mut(n.wrapping_sub(1))
                        .ok_or_else(|| format!("tiers {table} has no row {n}"))?;
                    r.value = value;
                    v.reference = format!("what-if {setting}");
                }
            }
            ["lookup", table, k] => {
                let t = p
                    .lookups
                    .get_mut(*table)
                    .ok_or_else(|| format!("no lookup table {table}"))?;
                for v in &mut t.series.versions {
                    v.value.insert((*k).to_owned(), value);
                    v.reference = format!("what-if {setting}");
                }
            }
            [name] => {
                let param = p
                    .parameters
                    .get_mut(*name)
                    .ok_or_else(|| format!("no parameter {name}"))?;
                if let Some(problem) = param.out_of_bounds(value) {
                    return Err(format!("{setting:?}: {problem}"));
                }
                let from = param
                    .series
                    .versions
                    .first()
                    .map_or(NaiveDate::MIN, |v| v.from);
                param.series.versions = vec![Dated {
                    from,
                    value,
                    reference: format!("what-if {setting}"),
                    line: 0,
                }];
            }
            _ => {
                return Err(format!(
                    "{setting:?}: write NAME=VALUE, tier.TABLE.N=VALUE or lookup.TABLE.KEY=VALUE"
                ));
            }
        }
        Ok(p)
    }
}
