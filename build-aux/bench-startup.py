#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start to first frame: the app against an empty AdwApplicationWindow, in the same run.

Three programs: an empty AdwApplicationWindow (the baseline), the app with no account
(welcome page), and the app restoring a remembered employer account whose database holds
100 000 matches (made by tests/sync/bench-sync with XPZ_BENCH_KEEP_ACCOUNT=1 in this same
session, so that its credentials are in this session's keyring; the platform is gone by
then, so the app starts offline, as it must be able to).

Each program prints `first-frame-us T` (its monotonic clock, shared with this process)
when its first frame is painted, then quits. Runs alternate between the programs so that
the machine's noise falls on all alike. Run inside build-aux/xpz-test-session.
"""
import os
import statistics
import subprocess
import sys
import time

build = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
n_matches = os.environ.get("XPZ_BENCH_N", "100000")
app = os.path.join(build, "src", "app", "xpertaize-desktop")
base_env = dict(os.environ, XPZ_BENCH_FIRST_FRAME="1", GSK_RENDERER="cairo",
                GSETTINGS_SCHEMA_DIR=os.path.join(build, "data"))

# The account with 100 000 matches.
made = subprocess.run([os.path.join(build, "tests", "sync", "bench-sync")],
                      env=dict(os.environ, XPZ_BENCH_KEEP_ACCOUNT="1", XPZ_BENCH_N=n_matches),
                      capture_output=True, text=True, timeout=900)
account = [line.split()[1:] for line in made.stdout.splitlines() if line.startswith("account ")]
if made.returncode != 0 or not account:
    raise SystemExit(f"bench-sync made no account: {made.stderr[-800:]}")
account_id, url, role = account[0]
settings_dir = os.path.join(os.environ["XDG_CONFIG_HOME"], "glib-2.0", "settings")
os.makedirs(settings_dir, exist_ok=True)
with_account = os.path.join(settings_dir, "keyfile")
with open(with_account, "w", encoding="utf-8") as f:
    f.write("[com/xpertaize/Desktop]\n"
            f"platform='server'\nplatform-url='{url}'\naccount-id='{account_id}'\n"
            f"account-role='{role}'\nlast-area='employer'\n")

programs = {
    "empty AdwApplicationWindow": ([os.path.join(build, "tests", "bench", "bench-empty-window")],
                                   dict(base_env, GSETTINGS_BACKEND="memory")),
    "app, no account (welcome page)": ([app], dict(base_env, GSETTINGS_BACKEND="memory")),
    "app, account with {} matches".format(f"{int(n_matches):,}".replace(",", " ")):
        ([app], dict(base_env, GSETTINGS_BACKEND="keyfile")),
}


def one(argv, env):
    t0 = time.monotonic_ns() // 1000
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    for line in out.stdout.splitlines():
        if line.startswith("first-frame-us "):
            return (int(line.split()[1]) - t0) / 1000.0
    raise SystemExit(f"{argv[0]} printed no first frame: {out.stderr[-400:]}")


def peak_rss_kib(argv, env):
    out = subprocess.run(["/usr/bin/python3", "-c",
                          "import resource,subprocess,sys;"
                          "subprocess.run(sys.argv[1:]);"
                          "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
                          *argv], env=env, capture_output=True, text=True, timeout=60)
    return int(out.stdout.strip().splitlines()[-1])


samples = {name: [] for name in programs}
for name, (argv, env) in programs.items():
    one(argv, env)  # warm the page cache once
for _ in range(runs):
    for name, (argv, env) in programs.items():
        samples[name].append(one(argv, env))

base = statistics.median(samples["empty AdwApplicationWindow"])
print(f"{'start to first frame':<36} {'median ms':>10} {'worst ms':>10} {'peak RSS MiB':>13} "
      f"{'ratio':>7} {'target':>8}")
for name, (argv, env) in programs.items():
    med = statistics.median(samples[name])
    rss = peak_rss_kib(argv, env) / 1024.0
    target = "<= 1.30" if "matches" in name else "-"
    print(f"{name:<36} {med:>10.1f} {max(samples[name]):>10.1f} {rss:>13.1f} {med / base:>7.2f} "
          f"{target:>8}")
