"""python -m acme_gen.query --athena against the local AWS server: moto runs no SQL, but it
takes the queries, walks them through QUEUED -> RUNNING -> SUCCEEDED and returns rows it was
given (its /moto-api/static/athena/query-results), so the command's own part is real: the
workgroup and database it sends, the waiting, the paging and the printed table. What only
real Athena confirms: the SQL's answers, the bytes scanned and the workgroup's limits."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from acme_gen.lake.athena import AthenaError, AthenaResult, run_query, stack_defaults

from ..aws import REGION, LocalAws


def _moto_api(aws: LocalAws, path: str, body: dict[str, Any]) -> None:
    request = urllib.request.Request(f"{aws.endpoint}/moto-api/{path}",
                                     data=json.dumps(body).encode(), method="POST")  # fmt: skip
    urllib.request.urlopen(request, timeout=10).read()


def _give_results(
    aws: LocalAws, rows: list[list[str | None]], columns: list[tuple[str, str]]
) -> None:
    result = {"rows": [{"Data": [{} if v is None else {"VarCharValue": v} for v in row]}
                       for row in rows],
              "column_info": [{"Name": n, "Type": t, "CatalogName": "hive", "SchemaName": "",
                               "TableName": "", "Label": n, "Precision": 0, "Scale": 0,
                               "Nullable": "UNKNOWN", "CaseSensitive": False}
                              for n, t in columns]}  # fmt: skip
    _moto_api(aws, "static/athena/query-results", {"region": REGION, "results": [result]})


def test_a_query_is_waited_for_and_its_rows_typed(local_aws: LocalAws) -> None:
    # moto's executions advance one state per GetQueryExecution: QUEUED, RUNNING, SUCCEEDED.
    _moto_api(local_aws, "state-manager/set-transition",
              {"model_name": "athena::execution", "transition": {"progression": "manual",
                                                                 "times": 1}})  # fmt: skip
    client = local_aws.client("athena")
    client.create_work_group(Name="blue-telemetry", Configuration={})
    _give_results(local_aws, [["event_type", "events"], ["start", "1200"], ["pause", None]],
                  [("event_type", "varchar"), ("events", "bigint")])  # fmt: skip
    seen: list[str] = []
    result = run_query(client, "SELECT event_type, COUNT(*) AS events FROM x GROUP BY 1",
                       "blue-telemetry", "blue_telemetry", progress=seen.append,
                       sleep=lambda s: None)  # fmt: skip
    assert result.rows.to_pylist() == [{"event_type": "start", "events": 1200},
                                       {"event_type": "pause", "events": None}]  # fmt: skip
    _moto_api(local_aws, "state-manager/unset-transition", {"model_name": "athena::execution"})
    assert seen and all(line.startswith("athena: ") for line in seen)  # it waited
    execution = client.get_query_execution(QueryExecutionId=result.query_id)["QueryExecution"]
    assert execution["WorkGroup"] == "blue-telemetry"
    assert execution["QueryExecutionContext"]["Database"] == "blue_telemetry"


def test_the_cost_line_bills_the_ten_megabyte_minimum() -> None:
    small = AthenaResult(rows=None, query_id="q", bytes_scanned=1_000, seconds=1.0)  # type: ignore[arg-type]
    big = AthenaResult(rows=None, query_id="q", bytes_scanned=2 * 1000**4, seconds=9.0)  # type: ignore[arg-type]
    assert "scanned 1.0 KB" in small.cost_line() and "$0.00005 at $5/TB" in small.cost_line()
    assert "scanned 2.0 TB" in big.cost_line() and "$10.00000" in big.cost_line()


def test_a_failed_query_is_one_line_with_athenas_reason() -> None:
    """moto never fails a query: botocore's Stubber plays Athena's FAILED answer."""
    import boto3
    from botocore.stub import Stubber

    client = boto3.client("athena", region_name=REGION, aws_access_key_id="testing",
                          aws_secret_access_key="testing")  # fmt: skip
    with Stubber(client) as stub:
        stub.add_response("start_query_execution", {"QueryExecutionId": "q-1"})
        reason = "COLUMN_NOT_FOUND: line 1:8: Column 'nope' cannot be resolved"
        status = {"State": "FAILED", "StateChangeReason": reason}
        execution = {"QueryExecution": {"QueryExecutionId": "q-1", "Status": status}}
        stub.add_response("get_query_execution", execution)
        with pytest.raises(AthenaError, match="q-1 failed: COLUMN_NOT_FOUND: line 1:8"):
            run_query(client, "SELECT nope FROM t", "wg", "db", sleep=lambda s: None)


def test_defaults_come_from_the_terraform_state(tmp_path: Path) -> None:
    state = tmp_path / "terraform.tfstate"
    assert stack_defaults(state) == {"workgroup": "acme-telemetry", "database": "acme_telemetry"}
    outputs: dict[str, Any] = {"athena_workgroup_name": {"value": "blue-telemetry"},
                               "glue_database_name": {"value": "blue_telemetry"}}  # fmt: skip
    state.write_text(json.dumps({"version": 4, "outputs": outputs}))
    assert stack_defaults(state) == {"workgroup": "blue-telemetry", "database": "blue_telemetry"}


def test_the_command_prints_the_table_and_the_cost(local_aws: LocalAws, tmp_path: Path) -> None:
    local_aws.client("athena").create_work_group(Name="green-telemetry", Configuration={})
    _give_results(local_aws, [["n"], ["42"]], [("n", "bigint")])
    state = tmp_path / "terraform.tfstate"
    outputs = {"athena_workgroup_name": {"value": "green-telemetry"},
               "glue_database_name": {"value": "blue_telemetry"}}  # fmt: skip
    state.write_text(json.dumps({"outputs": outputs}))
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    done = subprocess.run(
        [sys.executable, "-m", "acme_gen.query", "--athena", "--tf-state", str(state),
         "--endpoint-url", local_aws.endpoint, "--region", REGION,
         "SELECT COUNT(*) AS n FROM acme_telemetry.streaming_events"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [line.split() for line in done.stdout.splitlines() if "42" in line] == [["│", "42", "│"]]
    assert "scanned 0 B" in done.stderr and "at $5/TB" in done.stderr
    athena = local_aws.client("athena")
    ids = athena.list_query_executions(WorkGroup="green-telemetry")["QueryExecutionIds"]
    sent = athena.get_query_execution(QueryExecutionId=ids[-1])["QueryExecution"]["Query"]
    assert sent == "SELECT COUNT(*) AS n FROM blue_telemetry.streaming_events"
    _give_results(local_aws, [["n"], ["42"]], [("n", "bigint")])
    as_csv = subprocess.run(
        [sys.executable, "-m", "acme_gen.query", "--athena", "--tf-state", str(state),
         "--endpoint-url", local_aws.endpoint, "--region", REGION, "--format", "csv",
         "SELECT COUNT(*) AS n FROM acme_telemetry.streaming_events"],
        capture_output=True, text=True, env=env, timeout=120,
    )  # fmt: skip
    assert as_csv.returncode == 0 and as_csv.stdout == '"n"\n42\n', as_csv.stderr


def test_kpis_in_athena_read_the_stacks_qoe_view(local_aws: LocalAws, tmp_path: Path) -> None:
    local_aws.client("athena").create_work_group(Name="kpi-telemetry", Configuration={})
    _give_results(local_aws, [["isp", "attempts"], ["BT", "120"]],
                  [("isp", "varchar"), ("attempts", "bigint")])  # fmt: skip
    state = tmp_path / "terraform.tfstate"
    outputs = {"athena_workgroup_name": {"value": "kpi-telemetry"},
               "glue_database_name": {"value": "kpi_telemetry"}}  # fmt: skip
    state.write_text(json.dumps({"outputs": outputs}))
    env = {**os.environ, "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}
    base = [sys.executable, "-m", "acme_gen.query", "--athena", "--tf-state", str(state),
            "--endpoint-url", local_aws.endpoint, "--region", REGION]  # fmt: skip
    done = subprocess.run([*base, "--kpis", "--by", "isp", "--format", "csv"],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout == '"isp","attempts"\n"BT",120\n'
    athena = local_aws.client("athena")
    ids = athena.list_query_executions(WorkGroup="kpi-telemetry")["QueryExecutionIds"]
    sent = athena.get_query_execution(QueryExecutionId=ids[-1])["QueryExecution"]["Query"]
    assert "FROM kpi_telemetry.qoe_kpis" in sent and "dimension = 'isp'" in sent
    # a window of session starts needs the sessions themselves: local only, said in one line
    windowed = subprocess.run([*base, "--kpis", "--start", "2026-01-15"],
                              capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert windowed.returncode == 2 and "local only" in windowed.stderr
