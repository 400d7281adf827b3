-- validate: events whose customer_id or title_id names no row of customers / titles
SELECT n.name, e.event_id, e.customer_id, e.title_id
FROM events e
JOIN file_names n USING (file)
WHERE e.customer_id NOT IN (SELECT customer_id FROM customers)
   OR e.title_id NOT IN (SELECT title_id FROM titles)
ORDER BY 1, 2
