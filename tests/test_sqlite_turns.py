"""The embedded SQLite backend: writers take turns (factcheck/sqlite/base.py), each waiting
for the one before to commit, with no write lost and no "database is locked"."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# Eight threads, each with its own connection, add 1 to a counter 25 times, every time
# reading and writing it in one transaction; one transaction holds its turn a while to
# show that the next one waits for it.
WRITERS = """
import json, threading, time
import django
django.setup()
from django.db import connection, transaction

with connection.cursor() as cursor:
    cursor.execute("CREATE TABLE counter (n INTEGER)")
    cursor.execute("INSERT INTO counter VALUES (0)")
connection.close()
events, errors = [], []

def add(times):
    try:
        for _ in range(times):
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("SELECT n FROM counter")
                (n,) = cursor.fetchone()
                cursor.execute("UPDATE counter SET n = %s", [n + 1])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connection.close()

def hold():
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n")
        events.append("held")
        time.sleep(0.5)
        events.append("released")
    connection.close()

def wait():
    time.sleep(0.1)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE counter SET n = n")
        events.append("next")
    connection.close()

pair = [threading.Thread(target=hold), threading.Thread(target=wait)]
[t.start() for t in pair]; [t.join() for t in pair]
threads = [threading.Thread(target=add, args=(25,)) for _ in range(8)]
[t.start() for t in threads]; [t.join() for t in threads]
with connection.cursor() as cursor:
    cursor.execute("SELECT n FROM counter")
    n = cursor.fetchone()[0]
print(json.dumps({"n": n, "errors": errors, "events": events, "engine": connection.vendor}))
"""


def test_writers_take_turns_and_lose_nothing(tmp_path):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "factcheck.settings",
        "FACTCHECK_DATA_DIR": str(tmp_path),
        "SECRET_KEY": "x",
    }
    result = subprocess.run(
        [sys.executable, "-c", WRITERS],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["n"] == 200
    # The second writer began only once the first had committed.
    assert outcome["events"] == ["held", "released", "next"]
    assert (tmp_path / "db.sqlite3.writers").exists()
