mock_provider "aws" {}

variables {
  bucket_name      = "acme-telemetry-data-123456789012-us-west-2"
  kms_key_arn      = "arn:aws:kms:us-west-2:123456789012:key/test"
  schema_json_path = "../../schema/tables.json"
  views_json_path  = "../../schema/views.json"
  queries_dir      = "../../../python/acme_gen/queries"
}

run "glue_tables_follow_the_generated_schema" {
  command = plan

  assert {
    condition = [for c in aws_glue_catalog_table.streaming_events[0].storage_descriptor[0].columns : [c.name, c.type]] == [
      for c in jsondecode(file("../../schema/tables.json")).tables.streaming_events.columns : [c.name, c.type]
    ]
    error_message = "streaming_events columns must equal terraform/schema/tables.json, in order."
  }
  assert {
    condition     = length(aws_glue_catalog_table.streaming_events[0].storage_descriptor[0].columns) == 25
    error_message = "streaming_events has 25 columns."
  }
  assert {
    condition     = [for k in aws_glue_catalog_table.streaming_events[0].partition_keys : "${k.name}:${k.type}"] == ["year:string", "month:string", "day:string", "hour:string"]
    error_message = "Partition keys are year/month/day/hour strings."
  }
  assert {
    condition     = aws_glue_catalog_table.streaming_events[0].storage_descriptor[0].ser_de_info[0].serialization_library == "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    error_message = "streaming_events is Parquet."
  }
  assert {
    condition     = aws_glue_catalog_table.streaming_events[0].storage_descriptor[0].location == "s3://acme-telemetry-data-123456789012-us-west-2/telemetry/"
    error_message = "streaming_events lives under telemetry/."
  }
  assert {
    condition     = toset(keys(aws_glue_catalog_table.dimension)) == toset(["customers", "titles", "campaigns"])
    error_message = "The dimension tables are customers, titles and campaigns."
  }
  assert {
    condition = [for c in aws_glue_catalog_table.dimension["customers"].storage_descriptor[0].columns : c.name] == [
      for c in jsondecode(file("../../schema/tables.json")).tables.customers.columns : c.name
    ]
    error_message = "customers columns must equal the generated schema."
  }
}

run "partition_projection" {
  command = plan

  assert {
    condition     = aws_glue_catalog_table.streaming_events[0].parameters["projection.enabled"] == "true"
    error_message = "Partition projection must be on."
  }
  assert {
    condition = alltrue([for k in ["month", "day", "hour"] :
    aws_glue_catalog_table.streaming_events[0].parameters["projection.${k}.digits"] == "2"])
    error_message = "Projected month/day/hour must be zero-padded like the data."
  }
  assert {
    condition     = aws_glue_catalog_table.streaming_events[0].parameters["projection.hour.range"] == "0,23"
    error_message = "Hours are projected 0-23."
  }
  # Years follow the data: from the first year to NOW, so unfiltered queries enumerate only
  # years that can hold data, and a new year needs no change.
  assert {
    condition = (
      aws_glue_catalog_table.streaming_events[0].parameters["projection.year.type"] == "date" &&
      aws_glue_catalog_table.streaming_events[0].parameters["projection.year.format"] == "yyyy" &&
      aws_glue_catalog_table.streaming_events[0].parameters["projection.year.range"] == "2024,NOW" &&
      aws_glue_catalog_table.streaming_events[0].parameters["projection.year.interval.unit"] == "YEARS"
    )
    error_message = "The year projection is a yyyy date range ending at NOW."
  }
  assert {
    condition     = aws_glue_catalog_table.streaming_events[0].parameters["storage.location.template"] == "s3://acme-telemetry-data-123456789012-us-west-2/telemetry/year=$${year}/month=$${month}/day=$${day}/hour=$${hour}/"
    error_message = "The location template must match the Hive layout."
  }
}

run "bucket_is_private_encrypted_and_tls_only" {
  command = apply

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "All public access must be blocked."
  }
  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "Default encryption must be KMS."
  }
  assert {
    condition     = jsondecode(aws_s3_bucket_policy.tls_only.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false" && jsondecode(aws_s3_bucket_policy.tls_only.policy).Statement[0].Effect == "Deny"
    error_message = "The bucket policy must deny non-TLS access."
  }
  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Versioning must be on."
  }
  assert {
    condition     = toset([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.filter[0].prefix if length(r.expiration) > 0 && try(r.expiration[0].days, 0) > 0]) == toset(["athena-results/", "errors/"])
    error_message = "athena-results/ and errors/ must expire."
  }
  assert {
    condition     = aws_s3_bucket.this.force_destroy == false
    error_message = "Bucket contents must survive destroy unless force_destroy is set."
  }
}

run "athena_workgroup_and_named_queries" {
  command = plan

  assert {
    condition     = aws_athena_workgroup.this.configuration[0].result_configuration[0].output_location == "s3://acme-telemetry-data-123456789012-us-west-2/athena-results/"
    error_message = "Athena results go to athena-results/."
  }
  assert {
    condition     = aws_athena_workgroup.this.configuration[0].result_configuration[0].encryption_configuration[0].encryption_option == "SSE_KMS"
    error_message = "Athena results must be encrypted."
  }
  assert {
    condition     = aws_athena_workgroup.this.configuration[0].bytes_scanned_cutoff_per_query == 10737418240
    error_message = "The workgroup has a bytes-scanned cutoff."
  }
  assert {
    condition     = length(aws_athena_named_query.example) == 12
    error_message = "Every seed example query becomes a named query."
  }
  assert {
    condition     = aws_athena_named_query.example["10_single_partition.sql"].query == file("../../../python/acme_gen/queries/10_single_partition.sql")
    error_message = "Named queries are read from the repo's .sql files (unchanged for the default database)."
  }
}

run "named_queries_and_view_follow_the_database" {
  command = plan
  variables {
    database_name = "blue_telemetry"
  }
  assert {
    condition     = alltrue([for q in aws_athena_named_query.example : strcontains(q.query, "blue_telemetry.") && !strcontains(q.query, "acme_telemetry.")])
    error_message = "Every named query runs against this stack's database."
  }
  assert {
    condition     = jsondecode(base64decode(trimsuffix(trimprefix(aws_glue_catalog_table.streaming_events_unique.view_original_text, "/* Presto View: "), " */"))).schema == "blue_telemetry"
    error_message = "The view lives in this stack's database."
  }
  assert {
    condition     = alltrue([for v in aws_glue_catalog_table.view : v.database_name == "blue_telemetry" && strcontains(jsondecode(base64decode(trimsuffix(trimprefix(v.view_original_text, "/* Presto View: "), " */"))).originalSql, "FROM blue_telemetry.") && !strcontains(jsondecode(base64decode(trimsuffix(trimprefix(v.view_original_text, "/* Presto View: "), " */"))).originalSql, "{database}")])
    error_message = "The QoE views live in this stack's database and read its tables and views."
  }
}

run "deduplicated_view" {
  command = plan

  assert {
    condition     = aws_glue_catalog_table.streaming_events_unique.table_type == "VIRTUAL_VIEW" && aws_glue_catalog_table.streaming_events_unique.parameters["presto_view"] == "true"
    error_message = "streaming_events_unique is an Athena (Presto) view."
  }
  assert {
    condition = [for c in aws_glue_catalog_table.streaming_events_unique.storage_descriptor[0].columns : c.name] == concat(
      [for c in jsondecode(file("../../schema/tables.json")).tables.streaming_events.columns : c.name], ["year", "month", "day", "hour"]
    )
    error_message = "The view has the table's columns and partition columns, in order."
  }
  assert {
    condition = strcontains(
      jsondecode(base64decode(trimsuffix(trimprefix(aws_glue_catalog_table.streaming_events_unique.view_original_text, "/* Presto View: "), " */"))).originalSql,
      "row_number() OVER (PARTITION BY year, month, day, hour, event_id) AS copy_number\n    FROM acme_telemetry.streaming_events"
    )
    error_message = "One row per event_id, partitioned by the partition columns so filters still prune."
  }
  assert {
    condition = alltrue([for c in jsondecode(base64decode(trimsuffix(trimprefix(aws_glue_catalog_table.streaming_events_unique.view_original_text, "/* Presto View: "), " */"))).columns :
    contains(["varchar", "integer", "double"], c.type)])
    error_message = "View columns carry Presto types."
  }
}

run "errors_are_kept_to_investigate" {
  command = plan

  assert {
    condition     = one([for r in aws_s3_bucket_lifecycle_configuration.this.rule : r.expiration[0].days if r.id == "expire-delivery-errors"]) == 365
    error_message = "Failed records stay a year by default."
  }
}

run "rejects_short_error_retention" {
  command = plan
  variables {
    error_output_expiration_days = 1
  }
  expect_failures = [var.error_output_expiration_days]
}

run "rejects_projection_year_out_of_range" {
  command = plan
  variables {
    projection_start_year = 1900
  }
  expect_failures = [var.projection_start_year]
}

run "rejects_bad_bucket_name" {
  command = plan
  variables {
    bucket_name = "Not_A_Bucket"
  }
  expect_failures = [var.bucket_name]
}

run "rejects_tiny_scan_cutoff" {
  command = plan
  variables {
    athena_bytes_scanned_cutoff = 1000
  }
  expect_failures = [var.athena_bytes_scanned_cutoff]
}

run "iceberg_table_is_a_glue_created_v2_table_with_the_same_columns" {
  command = plan
  variables {
    table_format = "iceberg"
  }
  # Firehose writes only to format-version 2 tables (Firehose guide, "Prerequisites to use
  # Apache Iceberg Tables as a destination").
  assert {
    condition     = aws_glue_catalog_table.streaming_events_iceberg[0].open_table_format_input[0].iceberg_input[0].version == "2"
    error_message = "The Iceberg table is format version 2."
  }
  assert {
    condition     = aws_glue_catalog_table.streaming_events_iceberg[0].open_table_format_input[0].iceberg_input[0].metadata_operation == "CREATE"
    error_message = "Glue creates the Iceberg metadata."
  }
  # Glue refuses partition keys on an Iceberg CREATE; year/month/day/hour stay columns.
  assert {
    condition     = length(aws_glue_catalog_table.streaming_events_iceberg[0].partition_keys) == 0 && length(aws_glue_catalog_table.streaming_events) == 0
    error_message = "No Hive partition keys, and no Hive table, with Iceberg."
  }
  assert {
    condition = [for c in aws_glue_catalog_table.streaming_events_iceberg[0].storage_descriptor[0].columns : c.name] == concat(
      [for c in jsondecode(file("../../schema/tables.json")).tables.streaming_events.columns : c.name],
    ["year", "month", "day", "hour"])
    error_message = "The 25 columns, then year/month/day/hour as columns."
  }
  assert {
    condition     = aws_glue_catalog_table.streaming_events_iceberg[0].storage_descriptor[0].location == "s3://acme-telemetry-data-123456789012-us-west-2/iceberg/streaming_events/"
    error_message = "The Iceberg table lives under iceberg/streaming_events/."
  }
  assert {
    condition     = toset(keys(aws_glue_catalog_table_optimizer.this)) == toset(["compaction", "retention", "orphan_file_deletion"])
    error_message = "Glue compacts, expires snapshots and deletes orphan files."
  }
  assert {
    condition     = aws_glue_catalog_table_optimizer.this["retention"].configuration[0].retention_configuration[0].iceberg_configuration[0].snapshot_retention_period_in_days == 5
    error_message = "Snapshots are kept 5 days by default."
  }
  assert {
    condition     = aws_glue_catalog_table_optimizer.this["orphan_file_deletion"].configuration[0].orphan_file_deletion_configuration[0].iceberg_configuration[0].location == "s3://acme-telemetry-data-123456789012-us-west-2/iceberg/streaming_events/"
    error_message = "Orphan-file deletion is confined to the table's location."
  }
  assert {
    condition     = length(aws_glue_catalog_table_optimizer.this["compaction"].configuration[0].retention_configuration) == 0
    error_message = "Compaction carries no retention settings."
  }
}

run "hive_is_the_default_and_creates_no_iceberg_parts" {
  command = plan
  assert {
    condition     = length(aws_glue_catalog_table.streaming_events_iceberg) == 0 && length(aws_glue_catalog_table_optimizer.this) == 0 && length(aws_iam_role.optimizer) == 0
    error_message = "The Hive stack is unchanged: no Iceberg table, optimizers or their role."
  }
}

run "rejects_an_unknown_table_format" {
  command = plan
  variables {
    table_format = "delta"
  }
  expect_failures = [var.table_format]
}

run "rejects_a_snapshot_retention_under_a_day" {
  command = plan
  variables {
    table_format                    = "iceberg"
    iceberg_snapshot_retention_days = 0
  }
  expect_failures = [var.iceberg_snapshot_retention_days]
}

run "rejects_a_database_name_with_a_dash" {
  command = plan
  variables {
    database_name = "acme-telemetry"
  }
  expect_failures = [var.database_name]
}

run "rejects_athena_results_kept_zero_days" {
  command = plan
  variables {
    athena_results_expiration_days = 0
  }
  expect_failures = [var.athena_results_expiration_days]
}

run "rejects_noncurrent_versions_kept_zero_days" {
  command = plan
  variables {
    noncurrent_version_expiration_days = 0
  }
  expect_failures = [var.noncurrent_version_expiration_days]
}

run "rejects_orphan_files_kept_zero_days" {
  command = plan
  variables {
    iceberg_orphan_file_retention_days = 0
  }
  expect_failures = [var.iceberg_orphan_file_retention_days]
}

run "versioned_bucket_removes_expired_delete_markers" {
  command = plan
  # S3 guide ("Lifecycle configuration elements"): ExpiredObjectDeleteMarker cannot be set
  # in an Expiration that also has Days or Date.
  assert {
    condition = one([
      for r in aws_s3_bucket_lifecycle_configuration.this.rule : r if r.id == "tidy-versions-and-uploads"
      ]).expiration[0].expired_object_delete_marker == true && try(one([
        for r in aws_s3_bucket_lifecycle_configuration.this.rule : r if r.id == "tidy-versions-and-uploads"
    ]).expiration[0].days, 0) == 0
    error_message = "The versions rule removes expired delete markers, with no days beside (0 is the provider's unset)."
  }
}

run "optimizer_role_name_fits_iam_for_a_long_database_name" {
  command = plan
  variables {
    table_format  = "iceberg"
    database_name = "acme_telemetry_for_the_streaming_analytics_team_in_production"
  }
  # IAM: a role name holds 1-64 characters; Glue database names may hold 255.
  assert {
    condition     = length(aws_iam_role.optimizer[0].name) <= 64 && startswith(aws_iam_role.optimizer[0].name, "acme_telemetry_for_the_streaming_anal-") && endswith(aws_iam_role.optimizer[0].name, "-iceberg-optimizer")
    error_message = "The optimizer role's name is cut to IAM's 64 characters, kept unique by a hash."
  }
}

run "optimizer_role_name_is_plain_for_a_short_database_name" {
  command = plan
  variables {
    table_format = "iceberg"
  }
  assert {
    condition     = aws_iam_role.optimizer[0].name == "acme_telemetry-iceberg-optimizer"
    error_message = "A short database name gives <database>-iceberg-optimizer."
  }
}

run "qoe_views" {
  command = plan

  assert {
    condition     = toset(keys(aws_glue_catalog_table.view)) == toset(["sessions", "session_dimensions", "concurrent_plays", "qoe_kpis"])
    error_message = "The sessions, sessions by breakdown, concurrent plays and QoE KPI views exist."
  }
  assert {
    condition     = alltrue([for v in aws_glue_catalog_table.view : v.table_type == "VIRTUAL_VIEW" && v.parameters["presto_view"] == "true" && v.view_expanded_text == "/* Presto View */"])
    error_message = "Each QoE view is an Athena (Presto) view."
  }
  assert {
    condition     = alltrue([for name, v in aws_glue_catalog_table.view : jsondecode(base64decode(trimsuffix(trimprefix(v.view_original_text, "/* Presto View: "), " */"))).originalSql == replace(file("../../../python/acme_gen/queries/views/${name}.sql"), "{database}", "acme_telemetry")])
    error_message = "Each view runs the SQL file the local DuckDB view runs."
  }
  assert {
    condition     = alltrue([for name, v in aws_glue_catalog_table.view : [for c in v.storage_descriptor[0].columns : [c.name, c.type]] == [for c in jsondecode(file("../../schema/views.json")).views[name].columns : [c.name, c.type]]])
    error_message = "Each view's Glue columns are the generated views.json, in order."
  }
  assert {
    condition     = alltrue([for v in aws_glue_catalog_table.view : alltrue([for c in jsondecode(base64decode(trimsuffix(trimprefix(v.view_original_text, "/* Presto View: "), " */"))).columns : contains(["varchar", "bigint", "double", "boolean"], c.type)])])
    error_message = "View columns carry Presto types."
  }
  assert {
    condition     = [for c in aws_glue_catalog_table.view["qoe_kpis"].storage_descriptor[0].columns : c.name if contains(["vsf_pct", "ebvs_pct", "rebuffering_ratio_pct", "minutes_per_play", "plays_per_viewer", "peak_concurrent_plays"], c.name)] == ["vsf_pct", "ebvs_pct", "rebuffering_ratio_pct", "minutes_per_play", "plays_per_viewer", "peak_concurrent_plays"]
    error_message = "qoe_kpis carries the industry's KPIs."
  }
  assert {
    condition     = alltrue([for v in aws_glue_catalog_table.view : length(v.description) <= 2048 && length(v.name) <= 255])
    error_message = "Glue: a table description is at most 2,048 characters, a name at most 255."
  }
}
