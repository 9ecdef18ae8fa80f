#!/usr/bin/env python3
"""Where a run's CPU goes, over time: a system-wide `perf record` in buckets.

    perf record -a -F 4000 -g -o run.perf -- trim run --workspace -j 2
    Benchmarks/perf-timeline.py run.perf                 # 20 ms buckets, by process kind
    Benchmarks/perf-timeline.py run.perf --bucket 40
    Benchmarks/perf-timeline.py run.perf --frames 300 500 # trim's own frames between 300 and 500 ms

The first form prints, per bucket, the samples of rustc (and its codegen
threads), the linker, trim, trim-ir-worker, cargo, the rustc wrapper and
the idle CPUs: at 4 kHz on 2 cores, 80 samples per 20 ms is one core busy.
The second adds nothing but the bucket width. `--frames FROM TO` lists the
outermost two frames of trim's own modules in the samples of trim's threads
in that window, the most frequent first: what trim was doing there.
"""
import argparse
import collections
import re
import subprocess
import sys

OWN = re.compile(r"\$s\d+(TrimPipeline|CargoSupport|BlockIR|Store|Runner|Selection|Coverage|TrimCLI|TrimModel|"
                 r"ProcessSpawn|Reporting|TrimConfig|PrivateFiles|LockedValues|InputTracing|Editor)\w*")


def samples(path):
    """(seconds, command, [frames innermost first]) for each sample."""
    text = subprocess.run(["perf", "script", "-i", path, "-F", "comm,tid,time,ip,sym"],
                          capture_output=True, text=True, check=True).stdout
    current = None
    for line in text.split("\n"):
        if not line.strip():
            if current:
                yield current
            current = None
        elif not line[0].isspace():
            parts = line.split()
            current = (float(parts[-1].rstrip(":")), " ".join(parts[:-2]), [])
        elif current:
            fields = line.strip().split(None, 1)
            if len(fields) > 1:
                current[2].append(fields[1])
    if current:
        yield current


def kind(command):
    if command == "swapper":
        return "idle"
    if command.startswith(("rustc", "opt ", "cpy ")) or command == "coordinator":
        return "rustc"
    if command in ("rust-lld", "cc", "collect2", "ld.lld", "ld"):
        return "link"
    if command.startswith("trim-ir"):
        return "worker"
    if command.startswith("trim-rustc"):
        return "wrapper"
    if command in ("trim", "ctrl-c") or "qos" in command or command.startswith("Thread"):
        return "trim"
    if command == "cargo":
        return "cargo"
    return "other"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("perf_data")
    parser.add_argument("--bucket", type=float, default=20, help="bucket width in ms (default 20)")
    parser.add_argument("--frames", nargs=2, type=float, metavar=("FROM", "TO"),
                        help="trim's own frames between FROM and TO ms")
    args = parser.parse_args()
    all_samples = list(samples(args.perf_data))
    if not all_samples:
        sys.exit("perf-timeline: no samples in " + args.perf_data)
    start = min(s[0] for s in all_samples)
    if args.frames:
        low, high = args.frames
        counts = collections.Counter()
        for seconds, command, frames in all_samples:
            if kind(command) != "trim" or not low <= (seconds - start) * 1000 < high:
                continue
            own = [OWN.search(f).group(0)[:110] for f in frames if OWN.search(f)]
            counts[" > ".join(reversed(own[-2:])) if own else "(no frame of trim's: " + (frames[0][:60] if frames else "?") + ")"] += 1
        print(f"{sum(counts.values())} samples of trim's threads between {low:g} and {high:g} ms")
        for frames, count in counts.most_common(30):
            print(f"{count:6d}  {frames}")
        return
    kinds = ["rustc", "link", "trim", "worker", "cargo", "wrapper", "other", "idle"]
    buckets = collections.defaultdict(collections.Counter)
    for seconds, command, _ in all_samples:
        buckets[int((seconds - start) * 1000 // args.bucket)][kind(command)] += 1
    print("    ms " + " ".join(f"{k:>7}" for k in kinds))
    for index in sorted(buckets):
        print(f"{int(index * args.bucket):6d} " + " ".join(f"{buckets[index][k]:7d}" for k in kinds))


if __name__ == "__main__":
    main()
