#!/usr/bin/env python3
"""The seed's original experiment, side by side with concur: Python's concurrent.futures.

Task 1 (IO-bound): for each letter a..z, fetch the company-search endpoint and write the response
to {letter}.txt. Task 2 (CPU-bound): the seed's silly nested loop over each record.

Each task runs sequentially (the baseline), with ThreadPoolExecutor and with ProcessPoolExecutor,
against the same endpoint and the same records as concur's rows. Standard library only.

Output: one JSON object per line on stdout, so a reader sees partial results if the run stops:
  {"event": "start", "python": "3.11.7", "implementation": "CPython"}
  {"event": "startup", "task": "io", "executor": "thread", "workers": 8, "ms": 1.2}
  {"event": "sample", "task": "io", "executor": "thread", "workers": 8, "run": 0, "warmup": false,
   "ms": 101.3, "checksum": 26}
  {"event": "error", "task": "cpu", "executor": "process", "workers": 2, "message": "..."}
  {"event": "done"}

Cells are interleaved round-robin (every cell's run 1, then every cell's run 2, ...) so machine
drift hits them alike; each pool is created once, timed until every worker answered a no-op,
and kept warm for its runs.

Example:
  python3 python/experiment.py --endpoint 'http://127.0.0.1:8080/api/company/search/?q={letter}' \
      --records records.json --io-workers 8 --cpu-workers 2 --repetitions 3
"""

import argparse
import json
import os
import shutil
import signal
import string
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from functools import partial

LETTERS = list(string.ascii_lowercase)


def download_and_write(letter, endpoint, out_dir):
    """Task 1, as in the seed: fetch one letter's search results and write {letter}.txt."""
    url = endpoint.replace("{letter}", urllib.parse.quote(letter))
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
    name = f"{letter}.txt"
    with open(os.path.join(out_dir, name), "wb") as f:
        f.write(body)
    return name


def process_letter(record, multiplier=99):
    """Task 2, exactly the seed's arithmetic (its closed form is (a-1)*(b-1)/a)."""
    a = len(record["name"]) * multiplier
    b = len(record["url"]) * multiplier
    r = 0
    for i in range(a):
        for j in range(b):
            t = i * (j / a)
            r = max(r, t)
    return r


def noop(_):
    return None


def emit(**fields):
    print(json.dumps(fields), flush=True)


def make_executor(kind, workers):
    if kind == "thread":
        return ThreadPoolExecutor(max_workers=workers)
    if kind == "process":
        return ProcessPoolExecutor(max_workers=workers)
    return None


class Cell:
    def __init__(self, task, kind, workers, args, records):
        self.task = task
        self.kind = kind
        self.workers = workers if kind != "sequential" else 1
        self.args = args
        self.records = records
        self.executor = None
        self.failed = False

    def fields(self):
        return {"task": self.task, "executor": self.kind, "workers": self.workers}

    def start(self):
        """Creates the pool and times it until every worker has answered a no-op."""
        began = time.perf_counter()
        self.executor = make_executor(self.kind, self.workers)
        if self.executor is not None:
            list(self.executor.map(noop, range(self.workers)))
        emit(event="startup", ms=(time.perf_counter() - began) * 1000, **self.fields())

    def run_once(self):
        """One run; returns (milliseconds, checksum). Set-up and clean-up are not timed."""
        mapper = self.executor.map if self.executor is not None else map
        if self.task == "io":
            out_dir = tempfile.mkdtemp(prefix="concur-py-io-")
            try:
                fn = partial(download_and_write, endpoint=self.args.endpoint, out_dir=out_dir)
                began = time.perf_counter()
                names = list(mapper(fn, LETTERS))
                elapsed = time.perf_counter() - began
            finally:
                shutil.rmtree(out_dir, ignore_errors=True)
            return elapsed * 1000, len(names)
        fn = partial(process_letter, multiplier=self.args.multiplier)
        began = time.perf_counter()
        results = list(mapper(fn, self.records))
        elapsed = time.perf_counter() - began
        return elapsed * 1000, sum(results)

    def shutdown(self):
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
            self.executor = None


def parse_args(argv):
    parser = argparse.ArgumentParser(description="The seed's experiment: threads vs processes in Python.")
    parser.add_argument("--endpoint", required=True, help="URL template with {letter}")
    parser.add_argument("--records", help="JSON file with the records Task 2 processes")
    parser.add_argument("--tasks", default="io,cpu", help="comma-separated: io, cpu")
    parser.add_argument("--executors", default="sequential,thread,process")
    parser.add_argument("--io-workers", type=int, default=8)
    parser.add_argument("--cpu-workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--multiplier", type=int, default=99)
    parser.add_argument("--repetitions", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=0)
    return parser.parse_args(argv)


def stop(_signum, _frame):
    raise KeyboardInterrupt


def main(argv):
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, stop)
    tasks = [t for t in args.tasks.split(",") if t]
    kinds = [k for k in args.executors.split(",") if k]
    records = []
    if "cpu" in tasks:
        if not args.records:
            raise SystemExit("--records is required for the cpu task")
        with open(args.records, encoding="utf-8") as f:
            records = json.load(f)
    emit(event="start", python=sys.version.split()[0], implementation=sys.implementation.name)
    cells = [
        Cell(task, kind, args.io_workers if task == "io" else args.cpu_workers, args, records)
        for task in tasks
        for kind in kinds
    ]
    try:
        for cell in cells:
            try:
                cell.start()
            except Exception as error:  # a pool that cannot start fails its cell only
                cell.failed = True
                emit(event="error", message=f"{type(error).__name__}: {error}", **cell.fields())
        for run in range(args.warmup + args.repetitions):
            for cell in cells:
                if cell.failed:
                    continue
                try:
                    ms, checksum = cell.run_once()
                except Exception as error:
                    cell.failed = True
                    emit(event="error", message=f"{type(error).__name__}: {error}", **cell.fields())
                    continue
                warmup = run < args.warmup
                emit(event="sample", run=run - args.warmup, warmup=warmup, ms=ms, checksum=checksum,
                     **cell.fields())
    except KeyboardInterrupt:
        emit(event="interrupted")
        for cell in cells:
            if cell.executor is not None:
                cell.executor.shutdown(wait=False, cancel_futures=True)
        return 130
    for cell in cells:
        cell.shutdown()
    emit(event="done")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
