-- Incident alerts: one threshold rule per incident type over the hourly QoE KPIs, each
-- hour of a value compared with the same value over the whole lake. Starts failing on an
-- ISP or an app version (isp-outage, bad-release): VSF of 40% or more, and 3x its usual (a
-- bad release also lifts VSF on the networks its devices use, to 10-30%); stalls in a
-- country (cdn-degradation): a rebuffering ratio 4x its usual and 2x the hour's over all
-- countries (an hour that stalls everywhere, such as the lake's last, where only the
-- sessions that already ended count, is not one country's CDN); a title drawing crowds
-- (premiere): the hour's most played title at 5x its mean hourly plays (auto-play lifts
-- the next episode too, but less). Hours with under 50 attempts are not judged.
-- Score the output: python -m acme_gen.query --lake L --score flags.csv
WITH hourly AS (
    SELECT k.*,
           RANK() OVER (PARTITION BY k.dimension, k.hour ORDER BY k.plays DESC) AS plays_rank
    FROM acme_telemetry.qoe_kpis AS k
    WHERE k.hour <> 'all'
),
overall AS (
    SELECT dimension, value, vsf_pct, rebuffering_ratio_pct, plays
    FROM acme_telemetry.qoe_kpis WHERE hour = 'all'
),
lake_hours AS (
    SELECT COUNT(*) AS n FROM acme_telemetry.qoe_kpis WHERE dimension = 'all' AND hour <> 'all'
)
SELECT h.dimension, h.value, h.hour,
       CASE WHEN h.dimension = 'country' THEN 'rebuffering' WHEN h.dimension = 'title_id'
            THEN 'plays' ELSE 'start failures' END AS rule
FROM hourly AS h
JOIN overall AS o ON o.dimension = h.dimension AND o.value = h.value
JOIN hourly AS everywhere ON everywhere.dimension = 'all' AND everywhere.hour = h.hour
CROSS JOIN lake_hours
WHERE h.attempts >= 50 AND (
       (h.dimension IN ('isp', 'app_version') AND h.vsf_pct >= 40
        AND h.vsf_pct >= 3 * o.vsf_pct)
    OR (h.dimension = 'country' AND h.rebuffering_ratio_pct >= 4 * o.rebuffering_ratio_pct
        AND h.rebuffering_ratio_pct >= 2 * everywhere.rebuffering_ratio_pct)
    OR (h.dimension = 'title_id' AND h.plays_rank = 1
        AND h.plays >= 5e0 * o.plays / NULLIF(lake_hours.n, 0)))
ORDER BY h.hour, h.dimension, h.value
