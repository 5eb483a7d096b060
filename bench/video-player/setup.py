"""Seeds bench/video-player/run.sh's server through its API: a project, a video communication with a personalised
line and a button, a data source of RECIPIENTS people, and the videoUrl. Writes the recipients' page paths to
$WORK/pages and, for MODE=events, SESSIONS player sessions (a page fetched and its token read) to $WORK/sessions."""
import json
import os
import re
import sys
import time
import urllib.request

BASE = os.environ["BASE"]
WORK = os.environ["WORK"]
HEADERS = {"Authorization": "Bearer " + os.environ["BENCH_TOKEN"],
           "PB-Customer-Id": os.environ["COMMUNIQUE_CUSTOMER_ID"]}
RECIPIENTS = int(os.environ.get("RECIPIENTS", "10000"))
SESSIONS = int(os.environ.get("SESSIONS", "0"))


def call(method, path, body=None, content_type="application/json", headers=HEADERS):
    data = body if isinstance(body, (bytes, type(None))) else json.dumps(body).encode()
    request = urllib.request.Request(BASE + path, data=data, method=method, headers=dict(headers))
    if data is not None:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=300) as answer:
        text = answer.read().decode()
        return json.loads(text) if text and answer.headers.get_content_type().endswith("json") else text


project = call("POST", "/projects", {"name": "Bench films"})["id"]
content = {
    "width": 1280, "height": 720, "frameRate": 25,
    "scenes": [{"duration": 15, "background": {"colour": "#102030"}, "layers": [
        {"type": "text", "text": "Hello {{ NAME }}, from {{ CITY }}", "x": 80, "y": 80, "width": 1120,
         "height": 160, "size": 64, "start": 1, "end": 12, "in": {"effect": "fade", "duration": 0.5}},
        {"type": "shape", "shape": "rectangle", "x": 80, "y": 560, "width": 400, "height": 8, "colour": "#ffbf47",
         "start": 2, "end": 14}]}],
    "ctas": [{"label": "Book, {{ NAME }}", "url": "https://shop.example/{{ uuid }}", "start": 5, "x": 520, "y": 600,
              "width": 240, "height": 60}],
}
communication = call("POST", f"/projects/{project}/communications",
                     {"name": "Welcome film", "channel": "video", "content": content})["id"]

boundary = "benchboundary"
csv = "NAME,CITY\n" + "".join(f"Person {i},City {i % 97}\n" for i in range(RECIPIENTS))
form = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nPeople\r\n"
        f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"people.csv\"\r\n"
        f"Content-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n").encode()
source = call("POST", "/data", form, f"multipart/form-data; boundary={boundary}")["Id"]
for _ in range(600):
    if call("GET", f"/data/{source}/schema").get("status", "").lower() not in ("importing", "queued"):
        break
    time.sleep(0.5)

uuids, cursor = [], None
while True:
    page = call("GET", f"/data/{source}/records?limit=200" + (f"&cursor={cursor}" if cursor else ""))
    uuids += [r["uuid"] for r in page["items"]]
    cursor = page.get("next")
    if not cursor:
        break
if len(uuids) != RECIPIENTS:
    sys.exit(f"expected {RECIPIENTS} records, found {len(uuids)}")

video_url = call("GET", "/data/projects/Bench%20films/communications/Welcome%20film/videoUrl")["videoUrl"]
prefix = "/v/" + video_url.rstrip("/").rsplit("/", 1)[1] + "/"
with open(os.path.join(WORK, "pages"), "w") as out:
    out.writelines(prefix + u + "\n" for u in uuids)

if SESSIONS:
    token = re.compile(r'"token":"([A-Za-z0-9_-]+)"')
    with open(os.path.join(WORK, "sessions"), "w") as out:
        for i in range(SESSIONS):
            path = prefix + uuids[i % len(uuids)]
            html = call("GET", path, headers={})
            out.write(f"{path} {token.search(html).group(1)}\n")

with open(os.path.join(WORK, "setup.env"), "w") as out:
    out.write(f"COMMUNICATION_ID={communication}\nVIDEO_URL={video_url}\n")
print(f"- Seeded {RECIPIENTS} recipients and {SESSIONS} player sessions; videoUrl {video_url}", file=sys.stderr)
