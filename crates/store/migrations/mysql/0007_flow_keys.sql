-- Row keys of sales and payments without a document id (MySQL/MariaDB).
-- Sales and payments without a document id are keyed by day, manager, client and their order
-- within the file (no longer by their amounts), so a corrected amount re-imported replaces the
-- row instead of adding a second one. Existing keys are rewritten to that form.
-- As PostgreSQL's, with CAST(x AS TEXT) spelt CAST(x AS CHAR) (a DATE as CHAR is YYYY-MM-DD
-- like PostgreSQL's date::text) and the concatenation ('||' with PIPES_AS_CONCAT) collated as
-- the column (utf8mb4_bin) whatever the connection's collation. The derived table s2 (with a
-- window function) is materialised, so MySQL lets the UPDATE read the table it changes.
UPDATE sales SET fact_key = (
    SELECT ('row:' || CAST(s2.day AS CHAR) || '|' || m.code || '|' || c.code || '#' || CAST(s2.rn AS CHAR)) COLLATE utf8mb4_bin
      FROM (SELECT id, day, manager_id, client_id,
                   ROW_NUMBER() OVER (PARTITION BY org_id, day, manager_id, client_id ORDER BY id) AS rn
              FROM sales WHERE doc_id IS NULL) s2
      JOIN managers m ON m.id = s2.manager_id
      JOIN clients c ON c.id = s2.client_id
     WHERE s2.id = sales.id)
 WHERE doc_id IS NULL;
UPDATE payments SET fact_key = (
    SELECT ('row:' || CAST(s2.day AS CHAR) || '|' || m.code || '|' || c.code || '#' || CAST(s2.rn AS CHAR)) COLLATE utf8mb4_bin
      FROM (SELECT id, day, manager_id, client_id,
                   ROW_NUMBER() OVER (PARTITION BY org_id, day, manager_id, client_id ORDER BY id) AS rn
              FROM payments WHERE doc_id IS NULL) s2
      JOIN managers m ON m.id = s2.manager_id
      JOIN clients c ON c.id = s2.client_id
     WHERE s2.id = payments.id)
 WHERE doc_id IS NULL;
