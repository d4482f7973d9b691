#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start to first frame: the app against an empty AdwApplicationWindow, in the same run.

Each program prints `first-frame-us T` (its monotonic clock, shared with this process)
when its first frame is painted, then quits. Runs alternate between the two programs so
that the machine's noise falls on both alike. Run inside build-aux/xpz-test-session.
"""
import os
import resource
import statistics
import subprocess
import sys
import time

build = sys.argv[1]
runs = int(sys.argv[2]) if len(sys.argv) > 2 else 15
programs = {
    "app": [os.path.join(build, "src", "app", "xpertaize-desktop")],
    "empty AdwApplicationWindow": [os.path.join(build, "tests", "bench", "bench-empty-window")],
}
env = dict(os.environ, XPZ_BENCH_FIRST_FRAME="1", GSK_RENDERER="cairo",
           GSETTINGS_SCHEMA_DIR=os.path.join(build, "data"), GSETTINGS_BACKEND="memory")


def one(argv):
    t0 = time.monotonic_ns() // 1000
    out = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60)
    for line in out.stdout.splitlines():
        if line.startswith("first-frame-us "):
            return (int(line.split()[1]) - t0) / 1000.0
    raise SystemExit(f"{argv[0]} printed no first frame: {out.stderr[-400:]}")


def peak_rss_kib(argv):
    out = subprocess.run(["/usr/bin/python3", "-c",
                          "import resource,subprocess,sys;"
                          "subprocess.run(sys.argv[1:]);"
                          "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)",
                          *argv], env=env, capture_output=True, text=True, timeout=60)
    return int(out.stdout.strip().splitlines()[-1])


samples = {name: [] for name in programs}
for name, argv in programs.items():
    one(argv)  # warm the page cache once
for _ in range(runs):
    for name, argv in programs.items():
        samples[name].append(one(argv))

base = statistics.median(samples["empty AdwApplicationWindow"])
print(f"{'start to first frame':<32} {'median ms':>10} {'worst ms':>10} {'peak RSS MiB':>13} {'ratio':>7}")
for name, argv in programs.items():
    med = statistics.median(samples[name])
    rss = peak_rss_kib(argv) / 1024.0
    print(f"{name:<32} {med:>10.1f} {max(samples[name]):>10.1f} {rss:>13.1f} {med / base:>7.2f}")
