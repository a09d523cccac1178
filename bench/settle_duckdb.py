"""The cixi-deposits settlement of a generated data folder in DuckDB SQL, for comparison with
`kejing settle` (issue 3's benchmark). Usage: python3 bench/settle_duckdb.py DATA_DIR OUT_CSV

Same rules as policies/cixi-deposits at its example values, for 2026-09 with no stock targets:
pay = Σ(balance × ratio × weight) / days × 10 % × days / 365, rounded half up to the fen.
"""
import sys
import duckdb

data, out = sys.argv[1], sys.argv[2]
sql = f"""
WITH params AS (
  SELECT 2.60::DECIMAL(18,6) AS sell, 0.35::DECIMAL(18,6) AS demand, 1.55::DECIMAL(18,6) AS six,
         1.75::DECIMAL(18,6) AS one_year, 1.15::DECIMAL(18,6) AS agreement
),
acc AS (
  SELECT a.account_id, a.client_id,
    (p.sell - CASE
       WHEN a.product = 'flexible' THEN p.demand
       WHEN a.product = 'time' THEN p.one_year
       WHEN a.product = 'notice' THEN p.agreement
       WHEN a.product = 'margin' THEN
         CASE WHEN a.term_months IS NULL OR a.term_months = 0 OR coalesce(a.rate, 0) <= p.demand
              THEN p.demand ELSE greatest(p.six, a.rate) END
       ELSE coalesce(a.rate, 0) END) / 100
    * CASE a.product WHEN 'demand' THEN 1.0 WHEN 'agreement' THEN 0.9 WHEN 'notice' THEN 0.9
        WHEN 'flexible' THEN 0.9 WHEN 'time' THEN 0.8 WHEN 'margin' THEN 0.8 ELSE 0 END AS weight
  FROM read_csv('{data}/accounts.csv', types = {{'rate': 'DECIMAL(18,6)', 'term_months': 'INTEGER'}}) a, params p
  WHERE a.product <> 'remittance_pending' AND a.currency = 'CNY'
),
own AS (
  SELECT client_id, account_id, manager_id, ratio::DECIMAL(18,6) AS ratio, "from" AS f,
         coalesce("to", DATE '9999-12-31') AS t
  FROM read_csv('{data}/ownership.csv', types = {{'account_id': 'VARCHAR', 'to': 'DATE'}})
),
bal AS (
  SELECT account_id, "date" AS d, balance::DECIMAL(18,2) AS balance
  FROM read_csv('{data}/balances.csv', types = {{'balance': 'DECIMAL(18,2)'}})
  WHERE "date" BETWEEN DATE '2026-09-01' AND DATE '2026-09-30'
),
acct_level AS (
  SELECT b.account_id, b.d, o.manager_id, o.ratio, b.balance
  FROM bal b JOIN own o ON o.account_id = b.account_id AND b.d BETWEEN o.f AND o.t
),
client_level AS (
  SELECT b.account_id, b.d, o.manager_id, o.ratio, b.balance
  FROM bal b JOIN acc a USING (account_id)
  JOIN own o ON o.client_id = a.client_id AND o.account_id IS NULL AND b.d BETWEEN o.f AND o.t
  ANTI JOIN acct_level x ON x.account_id = b.account_id AND x.d = b.d
)
SELECT manager_id,
       round(sum(balance * ratio * weight) * 0.10 / 365, 2) AS pay
FROM (SELECT * FROM acct_level UNION ALL SELECT * FROM client_level) t
JOIN acc USING (account_id)
GROUP BY manager_id
ORDER BY manager_id
"""
con = duckdb.connect()
con.sql(sql).write_csv(out)
