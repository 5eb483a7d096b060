"""Sets up bench/chat/run.sh's load: a bot, and CONVERSATIONS conversations waiting for the user's words.

Reads BASE, BENCH_TOKEN, COMMUNIQUE_CUSTOMER_ID, MODE (flow or nlu), CONVERSATIONS, WORK and, for MODE=nlu, SAMPLE (the
CLINC150 sample of the NLU tests). Writes WORK/ids (one conversation id a line) and WORK/texts (what users say).
"""
import csv
import http.client
import json
import os
import sys
import time
import urllib.parse

base = urllib.parse.urlparse(os.environ["BASE"])
headers = {
    "Authorization": "Bearer " + os.environ["BENCH_TOKEN"],
    "PB-Customer-Id": os.environ["COMMUNIQUE_CUSTOMER_ID"],
}
connection = http.client.HTTPConnection(base.hostname, base.port, timeout=60)


def call(method, path, body=None, content_type="application/json", expect=(200, 201, 202)):
    sent = dict(headers)
    data = None
    if body is not None:
        sent["Content-Type"] = content_type
        data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    connection.request(method, path, data, sent)
    response = connection.getresponse()
    text = response.read().decode()
    if response.status not in expect:
        sys.exit(f"setup.py: {method} {path} answered {response.status}: {text[:400]}")
    return json.loads(text) if text else None


mode = os.environ.get("MODE", "flow")
work = os.environ["WORK"]
project = call("POST", "/projects", {"name": "Bench"})["id"]

if mode == "flow":
    # Every turn: the answer checked as a number, a sum computed, a condition, a message, the question again.
    flow = {
        "start": "ask", "variables": ["total"],
        "interactions": [
            {"id": "ask", "type": "question", "text": "How much?", "expect": "number", "variable": "amount",
             "retryText": "A number, please.", "next": "add"},
            {"id": "add", "type": "setVariable", "variable": "total",
             "value": "coalesce(context.total, 0) + context.amount", "next": "check"},
            {"id": "check", "type": "condition", "branches": [{"when": "context.total > 100000", "next": "reset"}],
             "else": "tell"},
            {"id": "reset", "type": "setVariable", "variable": "total", "value": "0", "next": "tell"},
            {"id": "tell", "type": "message", "text": "{{ properCase(user.name) }}, your total is {{ context.total }}.",
             "next": "ask"},
        ],
    }
    texts = [str(n) for n in range(1, 200)]
else:
    with open(os.environ["SAMPLE"], newline="") as f:
        rows = list(csv.DictReader(f))
    model = call("POST", "/nlu/models", {"name": "Bench"})["id"]
    with open(os.environ["SAMPLE"], "rb") as f:
        call("POST", f"/nlu/models/{model}/import", f.read(), "text/csv")
    version = call("POST", f"/nlu/models/{model}/versions")["number"]
    for _ in range(600):
        state = call("GET", f"/nlu/models/{model}/versions/{version}")["state"]
        if state != "training":
            break
        time.sleep(0.5)
    if state != "ready":
        sys.exit(f"setup.py: the NLU model's version is {state}")
    call("POST", f"/nlu/models/{model}/versions/{version}/activate")
    intents = sorted({r["intent"] for r in rows if r["intent"] != "out_of_scope"})
    # Every turn: the user's words routed by the model to an answer of their intent, and the trigger again.
    interactions = [{"id": "route", "type": "intent", "text": "What can I do for you?",
                     "routes": [{"intent": i, "next": "answer-" + i} for i in intents]}]
    interactions += [{"id": "answer-" + i, "type": "message", "text": f"That is about {i}.", "next": "route"}
                     for i in intents]
    flow = {"start": "route", "nluModelId": model, "interactions": interactions}
    texts = [r["text"] for r in rows if r["intent"] != "out_of_scope"]

bot = call("POST", f"/projects/{project}/communications",
           {"name": "Bench bot", "channel": "chat", "content": flow})["id"]
count = int(os.environ.get("CONVERSATIONS", "4000"))
with open(os.path.join(work, "ids"), "w") as f:
    for n in range(count):
        started = call("POST", f"/chat/bots/{bot}/conversations",
                       {"externalUserId": f"user-{n}", "user": {"name": f"user {n}"}})
        f.write(started["conversation"]["id"] + "\n")
with open(os.path.join(work, "texts"), "w") as f:
    f.write("\n".join(texts) + "\n")
print(f"{count} conversations of bot {bot} ({mode})")
