"""bench/chat/run.sh with MODE=streams: STREAMS idle event streams held open, and an agent's messages timed to a page.

Starts STREAMS conversations through a widget (the public API a page uses), opens each conversation's event stream
(GET /public/chat/conversations/{id}/events, as a browser's EventSource does) and keeps them all open; reads the
server's resident memory (SERVER_PID) before and after, once the streams have idled through HOLD seconds. Then, with
the streams still open, an agent takes one conversation over and sends MESSAGES messages one after another; each is
timed from the agent's request to the event on that conversation's stream.
"""
import asyncio
import http.client
import json
import os
import statistics
import sys
import time
import urllib.parse

base = urllib.parse.urlparse(os.environ["BASE"])
host, port = base.hostname, base.port
headers = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"],
           "PB-Customer-Id": os.environ["COMMUNIQUE_CUSTOMER_ID"], "Content-Type": "application/json"}
streams = int(os.environ.get("STREAMS", "10000"))
hold = int(os.environ.get("HOLD", "20"))
messages = int(os.environ.get("MESSAGES", "50"))
server_pid = os.environ["SERVER_PID"]


def rss_kb():
    with open(f"/proc/{server_pid}/status") as f:
        return next(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))


def call(connection, method, path, body=None, extra=None):
    connection.request(method, path, None if body is None else json.dumps(body), {**headers, **(extra or {})})
    response = connection.getresponse()
    text = response.read().decode()
    if response.status >= 300:
        sys.exit(f"streams.py: {method} {path} answered {response.status}: {text[:300]}")
    return json.loads(text) if text else None


api = http.client.HTTPConnection(host, port, timeout=60)
project = call(api, "POST", "/projects", {"name": "Streams"})["id"]
flow = {"start": "agent", "interactions": [{"id": "agent", "type": "agent", "text": "An agent will answer."}]}
bot = call(api, "POST", f"/projects/{project}/communications",
           {"name": "Desk", "channel": "chat", "content": flow})["id"]
key = call(api, "POST", f"/chat/bots/{bot}/widgets", {"title": "Desk"})["key"]
page = http.client.HTTPConnection(host, port, timeout=60)
started = []
t = time.monotonic()
for n in range(streams):
    page.request("POST", f"/public/chat/widgets/{key}/conversations", json.dumps({"externalUserId": f"v{n}"}),
                 {"Content-Type": "application/json"})
    answer = json.loads(page.getresponse().read())
    started.append((answer["conversation"]["id"], answer["token"]))
print(f"- {streams} conversations started through the widget in {time.monotonic() - t:.1f} s")


async def open_stream(conversation, token, ready):
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(f"GET /public/chat/conversations/{conversation}/events?token={token}&after=1 HTTP/1.1\r\n"
                 f"Host: {host}:{port}\r\nAccept: text/event-stream\r\n\r\n".encode())
    await writer.drain()
    status = await reader.readline()
    if b" 200 " not in status:
        raise RuntimeError(f"a stream answered {status!r}")
    while (await reader.readline()) not in (b"\r\n", b""):
        pass
    ready.release()
    return reader, writer


async def next_message(reader):
    kind = None
    while True:
        line = await reader.readline()
        if not line:
            raise RuntimeError("a stream ended")
        if line.startswith(b"event: "):
            kind = line[7:].strip()
        elif line.startswith(b"data: ") and kind == b"message":
            return json.loads(line[6:])


async def main():
    before = rss_kb()
    ready = asyncio.Semaphore(0)
    opened = []
    t = time.monotonic()
    for i in range(0, streams, 500):
        opened += await asyncio.gather(*(open_stream(c, k, ready) for c, k in started[i:i + 500]))
    print(f"- {len(opened)} streams open in {time.monotonic() - t:.1f} s; holding them for {hold} s ...")
    await asyncio.sleep(hold)
    after = rss_kb()
    print(f"- Server memory (VmRSS): {before // 1024} MB before the streams, {after // 1024} MB with {streams} open "
          f"and idle: **{(after - before) / streams:.1f} KB a stream**")

    # The agent's messages to the first conversation, timed to its stream.
    agent = http.client.HTTPConnection(host, port, timeout=60)
    conversation = started[0][0]
    call(agent, "POST", f"/chat/agent/conversations/{conversation}/takeover")
    reader = opened[0][0]
    times = []
    for n in range(messages):
        t = time.perf_counter()
        await asyncio.to_thread(call, agent, "POST", f"/chat/agent/conversations/{conversation}/messages",
                                {"text": f"Message {n}"})
        while True:
            message = await asyncio.wait_for(next_message(reader), 10)
            if message.get("text") == f"Message {n}":
                break
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(f"- An agent's message to the page's stream, {messages} one after another with {streams} streams open: "
          f"**p50 {statistics.median(times):.1f} ms, max {times[-1]:.1f} ms** (from the agent's request to the event)")
    for _, writer in opened:
        writer.close()


asyncio.run(main())
