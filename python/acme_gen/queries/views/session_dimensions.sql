-- Sessions by breakdown: each session once per dimension the QoE KPIs are read by.
-- Dimension 'all' (value 'all'), and device_type, device_os, app_version, isp, country and
-- title_id (value: the session's own). One pass over the sessions (a cross join, not a
-- union of seven reads).
SELECT d.dimension,
       CASE d.dimension WHEN 'device_type' THEN s.device_type
                        WHEN 'device_os' THEN s.device_os
                        WHEN 'app_version' THEN s.app_version
                        WHEN 'isp' THEN s.isp
                        WHEN 'country' THEN s.country
                        WHEN 'title_id' THEN s.title_id
                        ELSE 'all' END AS value,
       s.*
FROM {database}.sessions AS s
CROSS JOIN (VALUES ('all'), ('device_type'), ('device_os'), ('app_version'), ('isp'),
                   ('country'), ('title_id')) AS d (dimension)
