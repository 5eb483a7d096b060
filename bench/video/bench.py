"""Drives bench/video/run.sh's measurements through the HTTP API (see run.sh for what is measured)."""
import json
import os
import statistics
import time
import urllib.request
import uuid
from datetime import datetime

API, TOKEN, CUSTOMER = os.environ["API"], os.environ["TOKEN"], os.environ["COMMUNIQUE_CUSTOMER_ID"]
WORK, MODE, PID = os.environ["WORK"], os.environ["MODE"], int(os.environ["SERVER_PID"])
RUNS, RECORDS = int(os.environ["RUNS"]), int(os.environ["RECORDS"])
TICK = os.sysconf("SC_CLK_TCK")


def call(method, path, body=None, content_type="application/json"):
    data = json.dumps(body).encode() if content_type == "application/json" and body is not None else body
    request = urllib.request.Request(API + path, data=data, method=method, headers={
        "Authorization": f"Bearer {TOKEN}", "PB-Customer-Id": CUSTOMER, "Content-Type": content_type})
    with urllib.request.urlopen(request, timeout=120) as response:
        text = response.read()
        return json.loads(text) if text else None


def upload(path, fields, file_name, file_type, data):
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
             for k, v in fields.items()]
    parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{file_name}"\r\n'
                 f"Content-Type: {file_type}\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return call("POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")


def server_ticks():
    # The server's own CPU and that of its ffmpeg runs, which it has waited for (children's times).
    fields = open(f"/proc/{PID}/stat").read().rsplit(")", 1)[1].split()
    return sum(int(f) for f in fields[11:15])


def machine_ticks():
    values = [int(v) for v in open("/proc/stat").readline().split()[1:]]
    return sum(values) - values[3] - values[4]


def records(source):
    uuids, cursor = [], None
    while True:
        page = call("GET", f"/data/{source}/records?limit=200" + (f"&cursor={cursor}" if cursor else ""))
        uuids += [r["uuid"] for r in page["items"]]
        cursor = page.get("next")
        if not cursor:
            return uuids


def ready(communication):
    done, cursor = {}, None
    while True:
        page = call("GET", f"/video/communications/{communication}/renders?state=ready&limit=200"
                    + (f"&cursor={cursor}" if cursor else ""))
        done.update({r["recordUuid"]: r for r in page["items"]})
        cursor = page.get("next")
        if not cursor:
            return done


def failed(communication):
    return call("GET", f"/video/communications/{communication}/renders?state=failed")["items"]


def wait_for(communication, wanted, limit=3600):
    deadline = time.time() + limit
    while time.time() < deadline:
        done = ready(communication)
        if all(u in done for u in wanted):
            return done
        if failed(communication):
            raise SystemExit(f"a render failed: {failed(communication)[0]['error']}")
        time.sleep(0.1)
    raise SystemExit("the renders were not ready in time")


def at(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def main():
    background = upload("/assets", {"kind": "image"}, "background.jpg", "image/jpeg",
                        open(f"{WORK}/background.jpg", "rb").read())["id"]
    logo = upload("/assets", {"kind": "image"}, "logo.png", "image/png", open(f"{WORK}/logo.png", "rb").read())["id"]
    project = call("POST", "/projects", {"name": "Films"})["id"]
    text = {"type": "text", "size": 56, "colour": "#ffffff", "align": "center", "bold": True}
    content = {
        "width": 1280, "height": 720, "frameRate": 30,
        "scenes": [
            {"duration": 7.5, "background": {"colour": "#102a43"}, "layers": [
                {**text, "text": "Hello {{ NAME }}", "x": 140, "y": 120, "width": 1000, "height": 120, "start": 0.5,
                 "in": {"effect": "fade", "duration": 0.5}, "out": {"effect": "fade", "duration": 0.5}},
                {**text, "text": "Your offer in {{ CITY }}", "x": 140, "y": 300, "width": 1000, "height": 100,
                 "size": 44, "start": 1.5, "in": {"effect": "slide-left", "duration": 0.6}},
                {"type": "image", "image": logo, "x": 540, "y": 450, "width": 200, "height": 200, "start": 2,
                 "in": {"effect": "fade", "duration": 0.5}},
            ]},
            {"duration": 7.5, "background": {"image": background, "zoom": 1.2}, "layers": [
                {**text, "text": "{{ OFFER }} off, {{ NAME }}!", "x": 140, "y": 260, "width": 1000, "height": 160,
                 "size": 72, "start": 0.5, "in": {"effect": "slide-up", "duration": 0.5},
                 "out": {"effect": "fade", "duration": 0.5}},
            ]},
        ],
        "ctas": [{"label": "Book now, {{ NAME }}", "url": "https://shop.example/{{ uuid }}", "start": 9,
                  "x": 900, "y": 600, "width": 320, "height": 80}],
    }
    communication = call("POST", f"/projects/{project}/communications",
                         {"name": "Offer", "channel": "video", "content": content})["id"]
    count = max(RUNS, RECORDS) if MODE == "campaign" else RUNS
    people = "email,NAME,CITY,OFFER\n" + "".join(
        f"p{i}@example.org,Person {i},City {i % 50},{10 + i % 40} %\n" for i in range(count))
    source = upload("/data", {"name": "People"}, "people.csv", "text/csv", people.encode())["Id"]
    warm = upload("/data", {"name": "Warm-up"}, "warm.csv", "text/csv",
                  b"email,NAME,CITY,OFFER\nwarm@example.org,Warm Up,Nowhere,5 %\n")["Id"]
    warm_uuid = records(warm)[0]
    call("POST", f"/video/communications/{communication}/renders", {"dataSourceId": warm})
    wait_for(communication, [warm_uuid])
    uuids = records(source)

    if MODE == "render":
        job_ms, render_ms, walls, cpus, machine = [], [], [], [], []
        for u in uuids[:RUNS]:
            ticks, busy, started = server_ticks(), machine_ticks(), time.time()
            call("POST", f"/video/communications/{communication}/renders", {"uuids": [u]})
            done = wait_for(communication, [u])[u]
            walls.append(time.time() - started)
            cpus.append((server_ticks() - ticks) / TICK)
            machine.append((machine_ticks() - busy) / TICK)
            jobs = [j for j in call("GET", "/jobs?limit=50")["items"] if j["kind"] == "video-render"]
            newest = max(jobs, key=lambda j: j["completedAt"] or "")
            job_ms.append((at(newest["completedAt"]) - at(newest["startedAt"])).total_seconds() * 1000)
            render_ms.append(done["renderMilliseconds"])
        print(f"- Renders: {RUNS}, one at a time, each a record not rendered before; 15 s, 1280x720, 30 fps;"
              f" {done['length']} bytes for the last")
        print()
        print("| figure | median | each run |")
        print("|---|---|---|")
        print(f"| video-render job start to Ready (s) | {statistics.median(job_ms) / 1000:.2f} |"
              f" {', '.join(f'{v / 1000:.2f}' for v in job_ms)} |")
        print(f"| render's own time, RenderMilliseconds (s) | {statistics.median(render_ms) / 1000:.2f} |"
              f" {', '.join(f'{v / 1000:.2f}' for v in render_ms)} |")
        print(f"| request to Ready, with the batch job and polling (s) | {statistics.median(walls):.2f} |"
              f" {', '.join(f'{v:.2f}' for v in walls)} |")
        print(f"| CPU of server + its ffmpeg (s) | {statistics.median(cpus):.2f} |"
              f" {', '.join(f'{v:.2f}' for v in cpus)} |")
        print(f"| CPU of the whole machine (s) | {statistics.median(machine):.2f} |"
              f" {', '.join(f'{v:.2f}' for v in machine)} |")
    else:
        wanted = uuids[:RECORDS]
        ticks, busy, started = server_ticks(), machine_ticks(), time.time()
        call("POST", f"/video/communications/{communication}/renders", {"dataSourceId": source})
        done = wait_for(communication, wanted)
        seconds = time.time() - started
        cpu, machine = (server_ticks() - ticks) / TICK, (machine_ticks() - busy) / TICK
        own = [done[u]["renderMilliseconds"] / 1000 for u in wanted]
        print(f"- Renders: {RECORDS} records of one data source, one batch job; 15 s, 1280x720, 30 fps each")
        print()
        print("| figure | value |")
        print("|---|---|")
        print(f"| request to the last render Ready (s) | {seconds:.1f} |")
        print(f"| renders/s | {RECORDS / seconds:.3f} |")
        print(f"| CPU of server + its ffmpeg per render (s) | {cpu / RECORDS:.2f} |")
        print(f"| CPU of the whole machine per render (s) | {machine / RECORDS:.2f} |")
        print(f"| render's own time, median / p95 (s) | {statistics.median(own):.2f} /"
              f" {sorted(own)[int(len(own) * 0.95) - 1]:.2f} |")


main()
