-- Session starts while the customer already had max_streams sessions running
SELECT COUNT(*) AS value
FROM (
    SELECT a.session_id, ANY_VALUE(a.customer_id) AS customer_id, COUNT(*) AS running
    FROM sessions a
    JOIN sessions b ON a.customer_id = b.customer_id AND b.session_id <> a.session_id
                   AND b.started <= a.started AND b.ended > a.started
    GROUP BY a.session_id
) r
JOIN acme_telemetry.customers c USING (customer_id)
WHERE r.running >= c.max_streams
