"""`tag --scheduler`: the batch on a real Dask LocalCluster of two worker processes, byte-identical to the local run."""

from __future__ import annotations

import io
import os
import signal
import sys

import pytest
from click.testing import CliRunner

from conftest import SEEDS, small_batch
from toolkit.batch.cluster import INSTALL_HINT, ClusterError, parse_scheduler, partition_files, tag_files_on_cluster
from toolkit.batch.tagging import TagSettings, tag_files
from toolkit.batch.writing import formatter, write_batch
from toolkit.cli import tag_command

distributed = pytest.importorskip("distributed")

TIMEOUT = 120  # seconds for any one wait on the cluster


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None)
    with distributed.Client(cluster, timeout=TIMEOUT) as client:
        client.wait_for_workers(2, timeout=TIMEOUT)
        yield client
    cluster.close(timeout=TIMEOUT)


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> list[str]:
    return small_batch(tmp_path_factory.mktemp("reports"), "xwlb", 16)


def output_of(results_for, files, fmt="jsonl") -> tuple[str, list[str]]:
    out, errors = io.StringIO(), []
    write_batch(files, results_for, format_result=formatter(fmt), out=out, report_error=errors.append)
    return out.getvalue(), errors


@pytest.fixture(scope="module")
def local_output(reports):
    return output_of(lambda remaining: tag_files(remaining, TagSettings()), reports)


def test_cluster_output_is_byte_identical_to_the_local_run(client, reports, local_output):
    settings = TagSettings()
    on_cluster = output_of(lambda remaining: tag_files_on_cluster(remaining, settings, client, partition_size=3), reports)
    assert on_cluster == local_output
    assert local_output[1] and "binary data" in local_output[1][0]  # the unreadable file is an error, not a crash


def test_shipped_model_is_written_once_per_worker_and_gives_the_same_output(client, reports, local_output):
    on_cluster = output_of(lambda remaining: tag_files_on_cluster(remaining, TagSettings(), client, ship_model=True), reports)
    assert on_cluster == local_output
    listings = client.run(lambda dask_worker: sorted(os.listdir(dask_worker.local_directory)))
    for listing in listings.values():
        shipped = [name for name in listing if name.startswith("cn-news-toolkit-model-")]
        assert len(shipped) == 1 and not shipped[0].endswith(".part")


def test_a_worker_killed_mid_batch_does_not_stop_it(client, reports, local_output):
    pids_before = set(client.run(os.getpid).values())
    victim = max(pids_before)
    killed = []

    def killing_after_the_first_file(remaining):
        for result in tag_files_on_cluster(remaining, TagSettings(), client, partition_size=1):
            if not killed:
                os.kill(victim, signal.SIGKILL)  # partitions are still queued and running on both workers
                killed.append(victim)
            yield result

    assert output_of(killing_after_the_first_file, reports) == local_output
    client.wait_for_workers(2, timeout=TIMEOUT)  # the nanny starts a replacement
    assert victim not in set(client.run(os.getpid).values())


def cli(*args, env=None):
    return CliRunner(env=env).invoke(tag_command, [str(a) for a in args])


def test_cli_scheduler_address_and_environment_variable(client, reports, local_output, tmp_path):
    folder = os.path.dirname(reports[0])
    remote, from_env = tmp_path / "remote.jsonl", tmp_path / "env.jsonl"
    result = cli(folder, "-o", remote, "--scheduler", client.scheduler.address)
    assert result.exit_code == 1, result.output  # the broken file
    assert f"{len(reports) - 1} files tagged" in result.output and "1 failed" in result.output
    assert remote.read_text(encoding="utf-8") == local_output[0]
    by_env = cli(folder, "-o", from_env, env={"DASK_SCHEDULER_ADDRESS": client.scheduler.address})
    assert by_env.exit_code == 1 and from_env.read_text(encoding="utf-8") == local_output[0]


def test_partitions_hold_many_files_and_keep_their_order():
    files = [f"{i:06d}.txt" for i in range(100_000)]
    partitions = partition_files(files, workers=4)
    assert len(partitions[0]) == 256 and sum(partitions, []) == files
    assert [len(p) for p in partition_files(files[:10], workers=2)] == [1] * 10


def test_scheduler_addresses_and_usage_errors(seed_paths):
    assert parse_scheduler("local") == ("local", None)
    assert parse_scheduler("local:3") == ("local", 3)
    assert parse_scheduler("tcp://10.0.0.5:8786") == ("tcp://10.0.0.5:8786", None)
    for bad in ("local:0", "local:x", "10.0.0.5:8786"):
        with pytest.raises(ClusterError):
            parse_scheduler(bad)
    result = cli(seed_paths["000"], "--scheduler", "myhost:8786")
    assert result.exit_code == 2 and "expected tcp://HOST:PORT or local[:N]" in result.output
    assert "Traceback" not in result.output
    assert cli(seed_paths["000"], "--ship-model").exit_code == 2


def test_without_the_extra_the_error_says_how_to_install(seed_paths, monkeypatch):
    monkeypatch.setitem(sys.modules, "distributed", None)  # what a missing package looks like to import
    result = cli(seed_paths["000"], "--scheduler", "local:2")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == f"tag: error: {INSTALL_HINT}"
    assert "pip install '.[dask]'" in INSTALL_HINT


def test_retrain_folds_on_the_cluster_give_the_same_model(client, tmp_path):
    """`retrain --scheduler`: joblib's Dask backend fits the folds on the cluster; the model must not change."""
    import json

    import toolkit
    from toolkit.batch.cluster import joblib_on_cluster
    from toolkit.themes.training import TrainingOptions, load_records

    lines, documents = [], set()
    for line in (SEEDS[0].parents[1] / "data" / "labels" / "paragraphs.jsonl").open(encoding="utf-8"):
        documents.add(json.loads(line)["file"])
        if len(documents) > 30:
            break
        lines.append(line)
    sample = tmp_path / "sample.jsonl"
    sample.write_text("".join(lines), encoding="utf-8")
    rows = load_records(sample)
    options = TrainingOptions(folds=3)
    local, local_report = toolkit.train(rows, options=options)
    with distributed.get_task_stream(client) as tasks, joblib_on_cluster(client.scheduler.address):
        remote, remote_report = toolkit.train(rows, options=options)
    assert len(tasks.data) >= 4  # three folds and the final fit ran on the workers
    assert local_report.micro == remote_report.micro and local_report.thresholds == remote_report.thresholds
    for name, array in local.weights.arrays().items():
        assert (array == remote.weights.arrays()[name]).all(), name


def test_resume_on_the_cluster_finishes_an_interrupted_batch(client, reports, local_output, tmp_path):
    from toolkit.batch.writing import formatter, tag_fingerprint, tag_output_options, write_batch_to_file

    settings = TagSettings()
    out = tmp_path / "themes.jsonl"
    tagged = []

    def dying_after_five(remaining):
        for result in tag_files_on_cluster(remaining, settings, client, partition_size=2):
            if len(tagged) == 5:
                raise KeyboardInterrupt  # Ctrl-C in the middle of the batch
            tagged.append(result.file)
            yield result

    def batch(tagger, resume):
        return write_batch_to_file(
            reports, tagger, format_result=formatter("jsonl"), output=str(out), fingerprint=tag_fingerprint(reports, settings, tag_output_options("jsonl")),
            resume=resume, report_error=lambda message: None,
        )

    with pytest.raises(KeyboardInterrupt):
        batch(dying_after_five, resume=False)
    assert not out.exists()
    batch(lambda remaining: tag_files_on_cluster(remaining, settings, client), resume=True)
    assert out.read_text(encoding="utf-8") == local_output[0]
