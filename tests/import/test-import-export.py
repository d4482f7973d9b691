#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""R8.5 against the real platform binary (--seed-demo):
- what the importers return (the official JSON Resume sample, a LinkedIn export) is a
  Profile the platform accepts (PUT /me/profile);
- the app's JSON Resume export of that profile validates against the official schema
  (python3-jsonschema, format checks on);
- the app's full export archive, written from GET /me/export, reads back with Python's
  zipfile (every CRC checked) and holds resume.json, preferences.json, ledger.json,
  shares.json, sign-ins.json and the documents byte for byte."""

import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile

import jsonschema

TOOL, PLATFORM, TESTS_SRC, BUILD = sys.argv[1:5]
SCHEMA = os.path.join(TESTS_SRC, "data", "jsonresume", "schema.json")
failures = 0
count = 0


def check(name, condition, detail=""):
    global failures, count
    count += 1
    print(("ok" if condition else "not ok") + f" {count} - " + name + (" # " + str(detail)[:500] if detail and not condition else ""))
    if not condition:
        failures += 1


def call(url, method="GET", path="", body=None, token=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url + path.lstrip("/"), data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def tool(*args):
    out = subprocess.run([TOOL] + list(args), capture_output=True, text=True, timeout=60)
    return out.returncode, out.stdout, out.stderr


with open(SCHEMA, encoding="utf-8") as f:
    validator = jsonschema.Draft7Validator(json.load(f), format_checker=jsonschema.FormatChecker())


def schema_errors(doc):
    return "; ".join(f"{list(e.path)}: {e.message}" for e in validator.iter_errors(doc))


with tempfile.TemporaryDirectory() as tmp:
    proc = subprocess.Popen([PLATFORM, "--pwhash-cost", "min", "--seed-demo", "--db", os.path.join(tmp, "p.db")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    url = proc.stdout.readline().strip()
    try:
        status, body = call(url, "POST", "/api/v1/sessions",
                            {"email": "demo.candidate@xpertaize.test", "password": "demo-password-2026"})
        check("the demo candidate signs in", status == 201, body)
        token = json.loads(body)["access_token"]

        rc, out, err = tool("import-resume", os.path.join(TESTS_SRC, "data", "jsonresume", "sample.resume.json"))
        check("the official JSON Resume sample imports", rc == 0, err)
        status, body = call(url, "PUT", "/api/v1/me/profile", json.loads(out), token)
        check("the platform accepts the imported JSON Resume as a Profile", status == 200, body)

        for source in (os.path.join(BUILD, "linkedin-export.zip"), os.path.join(BUILD, "renamed.zip"),
                       os.path.join(TESTS_SRC, "data", "linkedin", "export")):
            rc, out, err = tool("import-linkedin", source)
            check(f"{os.path.basename(source)} imports", rc == 0, err)
            imported = json.loads(out)
            status, body = call(url, "PUT", "/api/v1/me/profile", imported, token)
            check(f"the platform accepts the profile imported from {os.path.basename(source)}", status == 200, body)

        rc, out, err = tool("import-linkedin", os.path.join(BUILD, "really-a-pdf.zip"))
        check("a PDF named .zip is refused with a clear message", rc == 1 and "PDF" in err, err)

        status, body = call(url, path="/api/v1/me/profile", token=token)
        profile_path = os.path.join(tmp, "profile.json")
        with open(profile_path, "w", encoding="utf-8") as f:
            f.write(body)
        rc, out, err = tool("resume", profile_path)
        resume = json.loads(out)
        check("the app's JSON Resume export validates against the official schema",
              rc == 0 and not schema_errors(resume), schema_errors(resume) or err)
        check("the export carries the imported profile",
              resume["basics"].get("name") == "Salma El Amrani" and len(resume["work"]) == 3
              and resume["skills"][3]["name"] == "تعلم الآلة", out[:300])
        check("preferences are not part of JSON Resume", "preferences" not in resume)
        broken = dict(resume, work=[{"startDate": "Mar 2019"}])
        check("the validator can fail (a LinkedIn-style date is refused)", bool(schema_errors(broken)))

        pdf = b"%PDF-1.4\n% CV Salma El Amrani\n%%EOF\n"
        status, body = call(url, "POST", "/api/v1/me/documents",
                            {"filename": "CV Salma.pdf", "data": base64.b64encode(pdf).decode()}, token)
        check("a CV is uploaded", status == 201, body)

        status, body = call(url, path="/api/v1/me/export", token=token)
        check("GET /me/export answers", status == 200, body[:200])
        export_path = os.path.join(tmp, "export.json")
        with open(export_path, "w", encoding="utf-8") as f:
            f.write(body)
        export = json.loads(body)
        archive = os.path.join(tmp, "export.zip")
        rc, out, err = tool("zip", export_path, archive)
        check("the full export archive is written", rc == 0 and os.path.getsize(archive) > 0, err)
        with zipfile.ZipFile(archive) as z:
            names = z.namelist()
            check("zipfile finds no damaged entry", z.testzip() is None)
            for name in ("resume.json", "preferences.json", "ledger.json", "shares.json", "sign-ins.json",
                         "export.json"):
                check(f"the archive holds {name}", name in names, names)
            docs = [n for n in names if n.startswith("documents/")]
            check("the archive holds the document", len(docs) == 1 and docs[0].endswith("CV Salma.pdf"), names)
            check("the document is byte for byte the upload", z.read(docs[0]) == pdf)
            resume = json.loads(z.read("resume.json"))
            check("resume.json validates against the official schema", not schema_errors(resume), schema_errors(resume))
            ledger = json.loads(z.read("ledger.json"))
            check("ledger.json is the platform's ledger", ledger == export["ledger"])
            sign_ins = json.loads(z.read("sign-ins.json"))
            check("sign-ins.json lists the sign-ins", sign_ins["sign_ins"] == export["sign_ins"] and sign_ins["sign_ins"])
            shares = json.loads(z.read("shares.json"))
            check("shares.json lists the shares", shares["shares"] == export["shares"])
            prefs = json.loads(z.read("preferences.json"))
            check("preferences.json has the privacy settings", prefs["privacy"] == export["privacy"])
            rest = json.loads(z.read("export.json"))
            check("export.json keeps the rest without the documents' contents",
                  rest["account"] == export["account"] and "data" not in rest["documents"][0]
                  and rest["documents"][0]["path"] == docs[0])
            check("entries are UTF-8 named and safe", all(not n.startswith("/") and ".." not in n.split("/") for n in names))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)

print(f"1..{count}")
sys.exit(1 if failures else 0)
