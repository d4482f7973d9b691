#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""R8.5: the real xpertaize-platform binary, seeded with --seed-demo, exports the demo
candidate's profile as JSON Resume that validates against the official schema
(tests/data/jsonresume/schema.json). Also exercises the binary's command line:
the bound URL on the first stdout line, XPZ_PLATFORM_FAULTS, --complete-due-deletions."""

import json
import os
import shutil
import signal
import ssl
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request

import jsonschema

BINARY, SCHEMA = sys.argv[1], sys.argv[2]
failures = 0


def check(name, condition, detail=""):
    global failures
    print(("ok" if condition else "not ok") + " - " + name + (" # " + detail if detail and not condition else ""))
    if not condition:
        failures += 1


def start(args, env=None):
    proc = subprocess.Popen([BINARY, "--pwhash-cost", "min"] + args, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)
    url = proc.stdout.readline().strip()
    return proc, url


def stop(proc):
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    return proc.returncode


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


with tempfile.TemporaryDirectory() as tmp:
    db = os.path.join(tmp, "platform.db")
    proc, url = start(["--seed-demo", "--db", db])
    check("the first stdout line is the bound URL", url.startswith("http://127.0.0.1:") and url.endswith("/"), url)

    status, body = call(url, "POST", "/api/v1/sessions",
                        {"email": "demo.candidate@xpertaize.test", "password": "demo-password-2026"})
    check("the demo candidate signs in", status == 201, body)
    token = json.loads(body)["access_token"]

    status, body = call(url, path="/api/v1/me/export/resume", token=token)
    check("the JSON Resume export answers 200", status == 200, body)
    resume = json.loads(body)
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    validator = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(resume), key=lambda e: list(e.path))
    check("the export validates against the JSON Resume schema", not errors,
          "; ".join(f"{list(e.path)}: {e.message}" for e in errors))
    check("the export carries the profile", resume.get("basics", {}).get("name") == "Yasmine El Idrissi"
          and len(resume.get("work", [])) == 2 and len(resume.get("skills", [])) >= 3, body[:300])
    check("preferences are not part of JSON Resume", "preferences" not in resume)

    # a deliberately broken export must fail the same validator (the check can fail)
    broken = dict(resume, work=[{"startDate": "last spring"}])
    check("the validator rejects a bad date", any(True for _ in validator.iter_errors(broken)))

    status, body = call(url, "POST", "/api/v1/sessions",
                        {"email": "demo.recruiter@xpertaize.test", "password": "demo-password-2026"})
    check("the demo recruiter signs in", status == 201, body)
    recruiter = json.loads(body)["access_token"]
    status, body = call(url, path="/api/v1/jobs", token=recruiter)
    jobs = json.loads(body)
    check("the demo recruiter has jobs in Morocco paid in MAD",
          status == 200 and len(jobs) >= 2 and all(j["salary"]["currency"] == "MAD" for j in jobs), body[:200])

    status, body = call(url, "POST", "/api/v1/me/deletion-request", token=token)
    check("a deletion request is accepted", status == 201, body)
    check("the server exits cleanly on SIGTERM", stop(proc) == 0)

    out = subprocess.run([BINARY, "--db", db, "--complete-due-deletions"], capture_output=True, text=True, timeout=60)
    check("--complete-due-deletions completes nothing before the due date",
          out.returncode == 0 and out.stdout.strip() == "0", out.stdout + out.stderr)

    env = dict(os.environ, XPZ_PLATFORM_FAULTS="GET /api/v1/policy=503*1")
    proc, url = start(["--db", db], env)
    status, body = call(url, path="/api/v1/policy")
    check("XPZ_PLATFORM_FAULTS injects a 503", status == 503 and "injected_fault" in body, body)
    status, body = call(url, path="/api/v1/policy")
    check("the fault rule is spent after one request", status == 200, body)
    stop(proc)

    proc, url = start(["--db", db])
    status, body = call(url, path="/api/v1/policy")
    check("without the variable there are no faults", status == 200 and json.loads(body)["version"] == "2026-01", body)
    stop(proc)

    # --tls-cert / --tls-key: HTTPS with a throwaway self-signed certificate
    openssl = shutil.which("openssl")
    if openssl is None:
        print("ok - # SKIP no openssl to make a test certificate")
    else:
        cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
                        "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True, timeout=60)
        proc, url = start(["--db", db, "--tls-cert", cert, "--tls-key", key])
        check("with a certificate the URL is https", url.startswith("https://127.0.0.1:"), url)
        context = ssl.create_default_context(cafile=cert)
        with urllib.request.urlopen(url + "api/v1/policy", context=context, timeout=60) as resp:
            check("the policy is served over verified TLS", resp.status == 200 and b"2026-01" in resp.read())
        stop(proc)


sys.exit(1 if failures else 0)
