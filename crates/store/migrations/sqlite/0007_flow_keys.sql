-- Sales and payments without a document id are keyed by day, manager, client and their order
-- within the file (no longer by their amounts), so a corrected amount re-imported replaces the
-- row instead of adding a second one. Existing keys are rewritten to that form.
UPDATE sales SET fact_key = (
    SELECT 'row:' || s2.day || '|' || m.code || '|' || c.code || '#' || CAST(s2.rn AS TEXT)
      FROM (SELECT id, day, manager_id, client_id,
                   ROW_NUMBER() OVER (PARTITION BY org_id, day, manager_id, client_id ORDER BY id) AS rn
              FROM sales WHERE doc_id IS NULL) s2
      JOIN managers m ON m.id = s2.manager_id
      JOIN clients c ON c.id = s2.client_id
     WHERE s2.id = sales.id)
 WHERE doc_id IS NULL;
UPDATE payments SET fact_key = (
    SELECT 'row:' || s2.day || '|' || m.code || '|' || c.code || '#' || CAST(s2.rn AS TEXT)
      FROM (SELECT id, day, manager_id, client_id,
                   ROW_NUMBER() OVER (PARTITION BY org_id, day, manager_id, client_id ORDER BY id) AS rn
              FROM payments WHERE doc_id IS NULL) s2
      JOIN managers m ON m.id = s2.manager_id
      JOIN clients c ON c.id = s2.client_id
     WHERE s2.id = payments.id)
 WHERE doc_id IS NULL;
