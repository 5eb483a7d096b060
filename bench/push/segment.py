"""Loads bench/push/run.sh's MODE=segment subscriptions straight into the database, with the server stopped:
registering a million through the API would take longer than the benchmark is worth, and the measure is the reading
of them, not their writing.

The rows are those PushRegistration.StoreAsync writes: one PushSubscriptions row (a web subscription of the site, its
keys, user id and attributes as JSON) and one PushTags row per attribute. The team, the site, the platform's name and
the timestamps (text, on SQLite) are copied from a subscription the API registered, so they are the app's own. Row i
(from FIRST to ROWS - 1) is user-<i> with plan=pro when i is a multiple of 10, as bench/push/setup.py registers them.
Keys are reused from KEYS_FILE in turn. Ids are version 7 UUIDs, as Guid.CreateVersion7() makes them.

Reads ROWS, FIRST, KEYS_FILE, PUSH_URL and either SQLITE_DB (the database file) or PSQL (a libpq connection string,
for psql). On PostgreSQL the two tables are analyzed after the load: a table grown by registrations would have been
analyzed by autovacuum long before it held a million rows.
"""
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
import uuid

rows = int(os.environ["ROWS"])
first = int(os.environ["FIRST"])
push_url = os.environ["PUSH_URL"]
with open(os.environ["KEYS_FILE"]) as f:
    keys = [line.split() for line in f if line.strip()]
rng = random.Random(21)


def uuid7(millis):
    value = (millis & (1 << 48) - 1) << 80 | 0x7 << 76 | rng.getrandbits(12) << 64 | 0b10 << 62 | rng.getrandbits(62)
    return uuid.UUID(int=value)


def subscriptions(team, site, platform, created, upper):
    millis = int(time.time() * 1000) - rows
    for i in range(first, rows):
        # A millisecond apart, as rows registered one after the other would be: ids ascend with i.
        text = str(uuid7(millis + i))
        plan = "pro" if i % 10 == 0 else "free"
        p256dh, auth = keys[i % len(keys)]
        yield ((text.upper() if upper else text), team, site, platform, f"{push_url}/send/bulk/{i}", p256dh, auth,
               f"user-{i}", json.dumps({"plan": plan}, separators=(",", ":")), created, created, plan)


started = time.monotonic()
if "SQLITE_DB" in os.environ:
    db = sqlite3.connect(os.environ["SQLITE_DB"], isolation_level=None)
    db.execute("PRAGMA synchronous = OFF")
    team, site, platform, created = db.execute(
        'SELECT TeamId, SiteId, Platform, CreatedAt FROM PushSubscriptions LIMIT 1').fetchone()
    upper = team == team.upper()
    db.execute("BEGIN")
    batch = []
    for row in subscriptions(team, site, platform, created, upper):
        batch.append(row)
        if len(batch) == 10000:
            db.executemany("INSERT INTO PushSubscriptions (Id, TeamId, SiteId, Platform, Endpoint, P256dh, Auth, "
                           "UserId, Attributes, CreatedAt, UpdatedAt) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                           [r[:11] for r in batch])
            db.executemany("INSERT INTO PushTags (TeamId, Name, Value, SubscriptionId) VALUES (?, 'plan', ?, ?)",
                           [(r[1], r[11], r[0]) for r in batch])
            batch.clear()
    if batch:
        db.executemany("INSERT INTO PushSubscriptions (Id, TeamId, SiteId, Platform, Endpoint, P256dh, Auth, "
                       "UserId, Attributes, CreatedAt, UpdatedAt) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                       [r[:11] for r in batch])
        db.executemany("INSERT INTO PushTags (TeamId, Name, Value, SubscriptionId) VALUES (?, 'plan', ?, ?)",
                       [(r[1], r[11], r[0]) for r in batch])
    db.execute("COMMIT")
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
else:
    psql = ["psql", os.environ["PSQL"], "-v", "ON_ERROR_STOP=1", "-qAt"]
    # The newest registration is the team's: a database used for other runs holds other teams' rows too.
    found = subprocess.run(psql + ["-F", "|", "-c", 'SELECT "TeamId", "SiteId", "Platform", "CreatedAt" FROM '
                                   '"PushSubscriptions" ORDER BY "CreatedAt" DESC LIMIT 1'],
                           check=True, capture_output=True, text=True).stdout.strip()
    team, site, platform, created = found.split("|")
    loader = subprocess.Popen(psql, stdin=subprocess.PIPE, text=True)
    columns = '"Id", "TeamId", "SiteId", "Platform", "Endpoint", "P256dh", "Auth", "UserId", "Attributes", ' \
              '"CreatedAt", "UpdatedAt"'
    tags = []
    loader.stdin.write(f'BEGIN;\nCOPY "PushSubscriptions" ({columns}) FROM STDIN;\n')
    for row in subscriptions(team, site, platform, created, False):
        loader.stdin.write("\t".join(row[:11]) + "\n")
        tags.append(f"{team}\tplan\t{row[11]}\t{row[0]}\n")
    loader.stdin.write('\\.\nCOPY "PushTags" ("TeamId", "Name", "Value", "SubscriptionId") FROM STDIN;\n')
    loader.stdin.writelines(tags)
    loader.stdin.write('\\.\nCOMMIT;\nANALYZE "PushSubscriptions";\nANALYZE "PushTags";\n')
    loader.stdin.close()
    if loader.wait() != 0:
        sys.exit("segment.py: psql failed")
print(f"loaded {rows - first} subscriptions and their tags in {time.monotonic() - started:.1f} s", file=sys.stderr)
