"""deploy/backup/zixly-backup.sh round-trips a real PostgreSQL database through S3: Zixly's own
schema (migrated by the zixly binary) with jobs in it is dumped, uploaded to moto's S3, listed,
and restored into an empty database that then holds the same rows. A dump that fails leaves no
backup behind. The disaster-recovery drill (zixly-dr-drill.sh) restores from a second region's
bucket into an empty database, checks the schema is current and runs a smoke sweep on it.
"""
import os
import subprocess
import time
import urllib.request
import uuid

import pytest

from conftest import DEPLOY, ROOT, VENV_BIN, free_port, fresh_database, run

SCRIPT = DEPLOY / "backup" / "zixly-backup.sh"


@pytest.fixture(scope="module")
def s3():
    moto = ROOT / ".venv" / "bin" / "moto_server"
    if not moto.exists():
        pytest.fail("moto_server is not installed: run scripts/test.sh, which makes .venv")
    port = free_port()
    server = subprocess.Popen([str(moto), "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while True:
        try:
            urllib.request.urlopen(endpoint, timeout=1)
            break
        except OSError:
            if time.time() > deadline:
                server.kill()
                pytest.fail("moto did not start")
            time.sleep(0.2)
    environment = dict(
        os.environ, AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
        AWS_DEFAULT_REGION="us-east-1", PATH=f"{VENV_BIN}:{os.environ['PATH']}")
    bucket = "zixly-backups-" + uuid.uuid4().hex[:8]
    made = run(["aws", "--endpoint-url", endpoint, "s3", "mb", f"s3://{bucket}"], env=environment)
    assert made.returncode == 0, made.stderr
    yield environment, bucket
    server.kill()


def query(url, sql):
    result = run(["psql", url, "-At", "-c", sql])
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_a_dump_round_trips_through_s3(s3):
    environment, bucket = s3
    source = fresh_database("zixly_backup_src")
    zixly = ROOT / ".build" / "debug" / "zixly"
    migrated = run([str(zixly), "migrate"], env=dict(environment, ZIXLY_DATABASE_URL=source))
    assert migrated.returncode == 0, migrated.stderr
    query(source, """
        INSERT INTO jobs (id, tenant, job_type, state, parameters, attempt, max_attempts, run_at, created_at)
        SELECT gen_random_uuid()::text, 'default', 'trading-sweep', 'queued', '{"ticker":"GOOG","note":"é ✓"}', 0, 3, now(), now()
        FROM generate_series(1, 250)
        """)
    rows = "SELECT id, state, parameters, attempt_errors FROM jobs ORDER BY id"
    expected = query(source, rows)
    assert len(expected.splitlines()) == 250

    settings = dict(environment, ZIXLY_DATABASE_URL=source, BACKUP_S3_URI=f"s3://{bucket}/postgres")
    backup = run(["bash", str(SCRIPT), "backup"], env=settings)
    assert backup.returncode == 0, backup.stderr
    assert f"backed up to s3://{bucket}/postgres/zixly-" in backup.stdout
    listed = run(["bash", str(SCRIPT), "list"], env=settings)
    assert listed.returncode == 0 and len(listed.stdout.split()) == 1, listed.stdout + listed.stderr

    target = fresh_database("zixly_backup_dst")
    restore = run(["bash", str(SCRIPT), "restore", "latest"], env=dict(settings, ZIXLY_DATABASE_URL=target))
    assert restore.returncode == 0, restore.stderr
    assert query(target, rows) == expected
    assert query(target, "SELECT identifier FROM zixly_migrations ORDER BY 1") == query(source, "SELECT identifier FROM zixly_migrations ORDER BY 1")
    # The restored database is one Zixly runs on: its migrations are current.
    again = run([str(zixly), "migrate"], env=dict(environment, ZIXLY_DATABASE_URL=target))
    assert again.returncode == 0, again.stderr


def test_a_failed_dump_leaves_no_backup(s3):
    environment, bucket = s3
    settings = dict(environment, ZIXLY_DATABASE_URL="postgres://nobody@127.0.0.1:1/none", BACKUP_S3_URI=f"s3://{bucket}/failing")
    backup = run(["bash", str(SCRIPT), "backup"], env=settings)
    assert backup.returncode != 0 and "the dump failed" in backup.stderr
    assert run(["bash", str(SCRIPT), "list"], env=settings).stdout.strip() == ""
    restore = run(["bash", str(SCRIPT), "restore", "latest"], env=settings)
    assert restore.returncode != 0 and "no backups" in restore.stderr


def backed_up_source(environment, bucket, region):
    """A migrated database with a completed and a queued job, dumped to s3://bucket/postgres in region."""
    source = fresh_database("zixly_dr_src")
    zixly = ROOT / ".build" / "debug" / "zixly"
    assert run([str(zixly), "migrate"], env=dict(environment, ZIXLY_DATABASE_URL=source)).returncode == 0
    query(source, """
        INSERT INTO jobs (id, tenant, job_type, state, parameters, attempt, max_attempts, run_at, created_at, finished_at)
        SELECT gen_random_uuid()::text, 'default', 'trading-sweep', CASE WHEN n = 1 THEN 'queued' ELSE 'completed' END,
               '{"ticker":"GOOG","fast_range":[5,10],"slow_range":[20,30]}', 0, 3, now(), now() - n * interval '1 minute',
               CASE WHEN n = 1 THEN NULL ELSE now() END
        FROM generate_series(1, 12) AS n
        """)
    settings = dict(environment, ZIXLY_DATABASE_URL=source, BACKUP_S3_URI=f"s3://{bucket}/postgres", AWS_DEFAULT_REGION=region)
    backup = run(["bash", str(SCRIPT), "backup"], env=settings)
    assert backup.returncode == 0, backup.stderr
    return source, backup.stdout.split("backed up to ")[1].split(" ")[0]


DRILL = DEPLOY / "backup" / "zixly-dr-drill.sh"


def test_the_dr_drill_restores_the_secondary_regions_newest_backup_and_runs_a_sweep_on_it(s3):
    environment, _ = s3
    endpoint = environment["AWS_ENDPOINT_URL"]
    primary, secondary = "zixly-backups-" + uuid.uuid4().hex[:6], "zixly-backups-dr-" + uuid.uuid4().hex[:6]
    for bucket, region in [(primary, "eu-west-1"), (secondary, "eu-central-1")]:
        made = run(["aws", "--endpoint-url", endpoint, "--region", region, "s3", "mb", f"s3://{bucket}"], env=environment)
        assert made.returncode == 0, made.stderr
    source, key = backed_up_source(environment, primary, "eu-west-1")
    # Cross-region replication copies each new object to the secondary bucket; moto does not
    # replicate, so the test copies the dump as S3 would.
    replica = key.replace(primary, secondary)
    copied = run(["aws", "--endpoint-url", endpoint, "s3", "cp", key, replica, "--only-show-errors"], env=environment)
    assert copied.returncode == 0, copied.stderr

    target = fresh_database("zixly_dr_dst")
    zixly = ROOT / ".build" / "debug" / "zixly"
    drill = dict(environment, DR_BACKUP_S3_URI=f"s3://{secondary}/postgres", DR_REGION="eu-central-1", ZIXLY_DATABASE_URL=target,
                 ZIXLY_BINARY=str(zixly))
    result = run(["bash", str(DRILL)], env=drill)
    print(result.stdout)  # the drill's timings, in the test log
    assert result.returncode == 0, result.stdout + result.stderr
    assert "restored 12 jobs" in result.stdout and "schema is current" in result.stdout
    assert "DR drill passed" in result.stdout and "smoke sweep" in result.stdout and "completed (best fast " in result.stdout
    # The restored rows are the primary's, and nothing restored ran: the queued job is held.
    rows = "SELECT id, state, parameters FROM jobs WHERE created_at < now() - interval '30 seconds' ORDER BY id"
    assert query(target, rows) == query(source, rows)
    assert query(target, "SELECT state, run_at = 'infinity' FROM jobs WHERE state = 'queued'").strip() == "queued|t"
    assert query(target, "SELECT count(*) FROM jobs WHERE state = 'completed'").strip() == "12", "11 restored and the smoke sweep"

    # It refuses a database that is not empty, and a region whose newest backup misses the recovery point.
    again = run(["bash", str(DRILL)], env=drill)
    assert again.returncode != 0 and "restores only into an empty database" in again.stderr
    stale = replica.rsplit("/", 1)[0].replace("/postgres", "/stale") + "/zixly-20200101T000000Z.dump"
    assert run(["aws", "--endpoint-url", endpoint, "s3", "cp", key, stale, "--only-show-errors"], env=environment).returncode == 0
    old = run(["bash", str(DRILL)], env=dict(drill, DR_BACKUP_S3_URI=f"s3://{secondary}/stale", ZIXLY_DATABASE_URL=fresh_database("zixly_dr_old")))
    assert old.returncode != 0 and "the recovery point is missed" in old.stderr
    empty = run(["bash", str(DRILL)], env=dict(drill, DR_BACKUP_S3_URI=f"s3://{secondary}/nothing", ZIXLY_DATABASE_URL=fresh_database("zixly_dr_none")))
    assert empty.returncode != 0 and "is replication from the primary region running?" in empty.stderr


def test_bad_settings_are_named():
    assert "BACKUP_S3_URI must be s3://" in run(["bash", str(SCRIPT), "backup"], env=dict(os.environ, ZIXLY_DATABASE_URL="postgres://x/y", BACKUP_S3_URI="/tmp")).stderr
    missing = run(["bash", str(SCRIPT), "backup"], env={"PATH": os.environ["PATH"]})
    assert missing.returncode != 0 and "ZIXLY_DATABASE_URL" in missing.stderr
