"""Sets up bench/push/run.sh's account: the team's push settings (its VAPID key), a site, a project with two push
communications, a campaign, and SUBSCRIPTIONS browser subscriptions registered through POST /public/push/subscriptions
as a site's pages would, SEED_CONNECTIONS at a time.

Subscription i has the endpoint PUSH_URL/send/<run>/<i> (the loopback push service), user id user-<i> (one
subscription a user) and the attribute plan=pro when i is a multiple of 10, plan=free otherwise (a segment of 10 %).
Its keys are line i modulo their count of KEYS_FILE ("p256dh auth", real P-256 points made by push-service keys).

Reads BASE, BENCH_TOKEN, COMMUNIQUE_CUSTOMER_ID, PUSH_URL, KEYS_FILE, SUBSCRIPTIONS, SEED_CONNECTIONS, WORK. Writes
WORK/setup.env (the ids, as shell assignments) and prints the seeding's time on stderr.
"""
import http.client
import json
import os
import sys
import threading
import time
import urllib.parse

base = urllib.parse.urlparse(os.environ["BASE"])
headers = {
    "Authorization": "Bearer " + os.environ["BENCH_TOKEN"],
    "PB-Customer-Id": os.environ["COMMUNIQUE_CUSTOMER_ID"],
    "Content-Type": "application/json",
}


def call(connection, method, path, body=None, auth=True, expect=(200, 201, 202, 204)):
    sent = headers if auth else {"Content-Type": "application/json"}
    connection.request(method, path, None if body is None else json.dumps(body), sent)
    response = connection.getresponse()
    text = response.read().decode()
    if response.status not in expect:
        sys.exit(f"setup.py: {method} {path} answered {response.status}: {text[:400]}")
    return json.loads(text) if text else None


def connect():
    return http.client.HTTPConnection(base.hostname, base.port, timeout=120)


main = connect()
call(main, "PUT", "/push/settings", {"vapidSubject": "mailto:ops@bench.example"})
site = call(main, "POST", "/push/sites", {"name": "Bench", "allowedOrigins": []})
project = call(main, "POST", "/projects", {"name": "Bench"})["id"]
# The campaign's record is the subscription's attributes and user id; the transactional call's is its data.
campaign_content = {
    "title": "News for {{ plan }} users", "body": "Hello {{ user_id }}, three things changed this week.",
    "icon": "https://shop.bench.example/icon.png", "url": "https://shop.bench.example/news?u={{ user_id }}",
    "actions": [{"action": "open", "title": "Read", "url": "https://shop.bench.example/news"}],
    "data": {"kind": "news"}, "urgency": "normal", "timeToLive": 86400,
}
alert_content = {
    "title": "Order {{ order }} has shipped", "body": "Hi {{ name }}, it arrives on {{ date }}.",
    "url": "https://shop.bench.example/orders/{{ order }}", "data": {"order": "{{ order }}"},
    "urgency": "high", "timeToLive": 3600,
}
news = call(main, "POST", f"/projects/{project}/communications",
            {"name": "News", "channel": "push", "content": campaign_content})["id"]
call(main, "POST", f"/projects/{project}/communications",
     {"name": "Shipped", "channel": "push", "content": alert_content})
campaign = call(main, "POST", "/campaigns", {"projectId": project, "name": "News"})["id"]

with open(os.environ["KEYS_FILE"]) as f:
    keys = [line.split() for line in f if line.strip()]
total = int(os.environ["SUBSCRIPTIONS"])
workers = int(os.environ.get("SEED_CONNECTIONS", "16"))
push_url = os.environ["PUSH_URL"]
run = format(int(time.time()), "x")
failures = []


def register(first):
    connection = connect()
    for i in range(first, total, workers):
        p256dh, auth = keys[i % len(keys)]
        body = {"siteKey": site["key"], "endpoint": f"{push_url}/send/{run}/{i}",
                "keys": {"p256dh": p256dh, "auth": auth}, "userId": f"user-{i}",
                "attributes": {"plan": "pro" if i % 10 == 0 else "free"}}
        try:
            call(connection, "POST", "/public/push/subscriptions", body, auth=False, expect=(201,))
        except SystemExit as refused:
            failures.append(str(refused))
            return


started = time.monotonic()
threads = [threading.Thread(target=register, args=(n,)) for n in range(workers)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
seconds = time.monotonic() - started
if failures:
    sys.exit(failures[0])
with open(os.path.join(os.environ["WORK"], "setup.env"), "w") as f:
    f.write(f"SITE_KEY={site['key']}\nSITE_ID={site['id']}\nPROJECT_ID={project}\nCAMPAIGN_ID={campaign}\n"
            f"NEWS_ID={news}\nSEED_SECONDS={seconds:.1f}\n")
print(f"registered {total} subscriptions in {seconds:.1f} s ({total / max(seconds, 0.001):.0f}/s, "
      f"{workers} connections, {min(len(keys), total)} distinct key pairs)", file=sys.stderr)
