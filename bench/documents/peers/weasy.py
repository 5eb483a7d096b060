# The letter of ../letter.xml as HTML and CSS through WeasyPrint's Python API, in one process.
# Usage: /usr/bin/python3 weasy.py <logo.png> <out dir>. No QR code: WeasyPrint draws none itself, and making one
# per record would need a QR encoder that Debian's WeasyPrint does not bring.
import os
import sys
import time
from html import escape

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

FIRST = ["Amelia", "Oliver", "Isla", "George", "Ava", "Noah", "Sophia", "Arthur", "Grace", "Leo"]
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies", "Patel", "Wright"]
STREETS = ["High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road"]
TEXTS = ["Card payment, Harbourside Coffee", "Direct debit, City Energy", "Salary, Northwind Ltd",
         "Transfer to savings pot", "Card payment, Greengrocer & Sons", "Standing order, rent", "Refund, BookHouse",
         "Cash withdrawal, Clifton", "Card payment, Rail tickets", "Interest paid"]


def money(cents):
    # Whole cents, so that the amounts print as .NET's "N2" does.
    return f"{'-' if cents < 0 else ''}{abs(cents) // 100:,}.{abs(cents) % 100:02d}"


def letter(i):
    # Letter(i) of ../Program.cs, value for value, as letters.js has it for the Node peers.
    sort = f"{200000 + i % 999:06d}"
    return {
        "id": f"S{i:08d}", "first_name": FIRST[i % 10], "name": f"{FIRST[i % 10]} {LAST[i // 10 % 10]}",
        "street": f"{i % 180 + 1} {STREETS[i % 6]}", "postcode": f"BS{i % 16 + 1} {i % 9 + 1}QT", "city": "Bristol",
        "date": "6 December 2026", "month": "November 2026",
        "account": f"{sort[:2]}-{sort[2:4]}-{sort[4:]} {10000000 + i:08d}", "rate": "4.15%",
        "transactions": [{"date": f"{1 + (i + k * 3) % 28} Nov", "text": TEXTS[(i + k) % 10],
                          "amount": money((i * 37 + k * 1111) % 50000 - 15000)} for k in range(10)],
    }


STYLE = """
@page {
  size: A4; margin: 28mm 20mm 20mm 20mm;
  @top-left { content: element(header); vertical-align: top; padding-top: 10mm; }
  @bottom-center {
    content: "Acme Bank plc, 1 Harbour Street, Bristol BS1 4XX \\00B7 page " counter(page) " of " counter(pages);
    font: 8pt "Liberation Sans"; color: #555; vertical-align: bottom; padding-bottom: 7mm;
  }
}
body { font: 10.5pt "Liberation Serif"; margin: 0; }
header { position: running(header); }
header img { height: 12mm; }
p { margin: 0; }
.address { position: absolute; left: 0; top: 17mm; width: 85mm; height: 40mm; }
.date { margin-top: 60mm; text-align: right; }
h2 { font: bold 16pt "Liberation Sans"; margin: 10pt 0 5pt; }
.justify { text-align: justify; margin-bottom: 6pt; }
.sans { font: 9.5pt "Liberation Sans"; margin-bottom: 8pt; }
table { border-collapse: collapse; width: 100%; font: 9pt "Liberation Sans"; margin-bottom: 10pt; }
th, td { border: 0.5pt solid #999; padding: 2.5pt; text-align: left; font-weight: normal; }
th { background: #e8e8e8; }
.amount { text-align: right; }
"""


def html(r):
    e = {k: escape(v) for k, v in r.items() if isinstance(v, str)}
    rows = "".join(f"<tr><td>{escape(t['date'])}</td><td>{escape(t['text'])}</td>"
                   f"<td class=amount>{escape(t['amount'])}</td></tr>" for t in r["transactions"])
    return f"""<!doctype html><html lang=en><head><meta charset=utf-8><title>Your statement</title>
<meta name=author content="Acme Bank"><meta name=dcterms.created content="2026-12-06T12:00:00Z"></head><body>
<header><img src="logo.png" alt=""></header>
<div class=address><p>{e['name']}</p><p>{e['street']}</p><p>{e['postcode']} {e['city']}</p></div>
<p class=date>Bristol, {e['date']}</p>
<h2>Your account statement, {e['month']}</h2>
<p class=justify>Dear {e['first_name']}, thank you for banking with us. This letter lists the payments made from and
into your account {e['account']} during {e['month']}, with the balance carried forward. Please check each entry; if
anything looks unfamiliar, call us on the number overleaf at any time of day.</p>
<p class=justify>From the first of next month the interest rate of your savings pot rises to <b>{e['rate']}</b>. You
do not need to do anything: the new rate applies automatically, and the interest is paid on the last working day of
each month, as before.</p>
<p class="justify sans">Scan the code below to see this statement online, download it as a spreadsheet, or set up
alerts for payments over a limit of your choosing. The code is personal to you: do not share it.</p>
<table><colgroup><col style="width:24mm"><col><col style="width:26mm"></colgroup>
<thead><tr><th>Date</th><th>Description</th><th class=amount>Amount</th></tr></thead><tbody>{rows}</tbody></table>
</body></html>"""


def main():
    logo_path, out = sys.argv[1], sys.argv[2]
    with open(logo_path, "rb") as f:
        logo = f.read()

    # The logo from memory and nothing else: no file or network read per letter.
    def fetch(url):
        if url.endswith("logo.png"):
            return {"string": logo, "mime_type": "image/png"}
        raise ValueError(f"no fetching in the benchmark: {url}")

    # Stylesheet, fonts and images prepared once, as a server would keep them.
    fonts = FontConfiguration()
    css = CSS(string=STYLE, font_config=fonts)
    images = {}

    def make(r):
        document = HTML(string=html(r), base_url="bench:/", url_fetcher=fetch)
        return document.write_pdf(stylesheets=[css], font_config=fonts, image_cache=images)

    records = [letter(i) for i in range(1000)]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "sample.pdf"), "wb") as f:
        f.write(make(records[7]))
    i = 0
    until = time.perf_counter() + float(os.environ.get("WARMUP", "3"))
    while time.perf_counter() < until:
        make(records[i % 1000])
        i += 1
    made = size = 0
    cpu = time.process_time()
    start = time.perf_counter()
    until = start + float(os.environ.get("SECONDS_MEASURED", "10"))
    while time.perf_counter() < until:
        pdf = make(records[i % 1000])
        i += 1
        made += 1
        size += len(pdf)
    elapsed = time.perf_counter() - start
    used = (time.process_time() - cpu) * 1000 / made
    with open(os.path.join(out, "last.pdf"), "wb") as f:
        f.write(pdf)
    print(f"RESULT {made / elapsed:.1f} {size // made} {made} {used:.2f}")


main()
