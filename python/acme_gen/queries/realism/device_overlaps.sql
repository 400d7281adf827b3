-- Sessions overlapping another session on the same device (a device plays one at a time)
SELECT COUNT(*) AS value
FROM sessions a
JOIN sessions b ON a.device_id = b.device_id AND a.session_id < b.session_id
               AND a.started < b.ended AND b.started < a.ended
