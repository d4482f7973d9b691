#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Security sweep, R9.3: no certificate-override handler anywhere in src/. TLS
verification in the app rests on GIO's defaults; each pattern below is a way to weaken
them (accepting a certificate the system does not trust, replacing or dropping the
trust database, relaxing validation flags, libsoup 2's ssl-strict)."""

import os
import re
import sys

SRC = sys.argv[1]
PATTERNS = [
    r"accept[-_]certificate",
    r"set_(tls_)?database",
    r"tls[-_]database",
    r"validation[-_]flags",
    r"G_TLS_CERTIFICATE_VALIDATE",
    r"ssl[-_]strict",
    r"ssl[-_]use[-_]system[-_]ca",
    r"G_TLS_CERTIFICATE_(UNKNOWN_CA|BAD_IDENTITY|EXPIRED|INSECURE|GENERIC_ERROR)",
    r"tls[-_]errors\s*\(",
]
rx = re.compile("|".join(PATTERNS))

# The matcher can fail: each way of writing an override is caught.
probes = ['g_signal_connect (msg, "accept-certificate", G_CALLBACK (yes), NULL);',
          "g_tls_connection_set_database (conn, NULL);",
          'g_object_set (session, "tls-database", NULL, NULL);',
          "g_tls_client_connection_set_validation_flags (c, 0);"]
failures = 0
for i, probe in enumerate(probes, 1):
    ok = rx.search(probe) is not None
    print(("ok" if ok else "not ok") + f" {i} - the check catches: {probe}")
    failures += not ok

hits = []
files = 0
for root, _, names in os.walk(SRC):
    for name in names:
        if not name.endswith((".c", ".h", ".ui", ".xml", ".py")):
            continue
        path = os.path.join(root, name)
        files += 1
        with open(path, encoding="utf-8", errors="replace") as f:
            for n, line in enumerate(f, 1):
                if rx.search(line):
                    hits.append(f"{os.path.relpath(path, SRC)}:{n}: {line.strip()}")
n = len(probes) + 1
print(("ok" if not hits and files > 50 else "not ok") +
      f" {n} - no certificate-override handler in src/ ({files} files searched)")
for h in hits:
    print("# " + h)
failures += bool(hits) or files <= 50
print(f"1..{n}")
sys.exit(1 if failures else 0)
