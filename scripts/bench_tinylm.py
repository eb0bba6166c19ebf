"""Measure the tiny model's cold training run and warm load (issue 18's budget: about two
minutes of CPU on this 2-core machine).

Run as `nice -n 10 python scripts/bench_tinylm.py`; it trains into a temporary cache (the
project's `.cache/` is untouched) and prints parameter count, CPU time (user + system of this
process, all threads: the machine is shared, so wall time says little), final losses and
the sizes of what the site ships.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import platform
import resource
import sys
import tempfile
import time
from pathlib import Path

from genai_notes.tinylm import Hyperparameters, artefact, notes_corpus

ROOT = Path(__file__).resolve().parents[1]


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> int:
    corpus = notes_corpus(ROOT / "docs")
    hp = Hyperparameters()
    print(
        f"python {platform.python_version()}, nproc {os.cpu_count()}, "
        f"load average {os.getloadavg()[0]:.2f}"
    )
    print(f"corpus: {len(corpus)} pages, {sum(len(t.encode()) for t in corpus):,} bytes")
    with tempfile.TemporaryDirectory() as cache:
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        trained = artefact.train_or_load(corpus, Path(cache), hp)
        cold_cpu, cold_wall = cpu_seconds() - cpu0, time.perf_counter() - wall0
        cpu0, wall0 = cpu_seconds(), time.perf_counter()
        artefact.train_or_load(corpus, Path(cache), hp)
        warm_cpu, warm_wall = cpu_seconds() - cpu0, time.perf_counter() - wall0
    blob = artefact.weights_file(trained)
    script = artefact.weights_script(trained).encode()
    log = trained.log
    print(
        f"parameters: {trained.param_count:,}; vocabulary {trained.vocab_size}; "
        f"context {trained.context_length}"
    )
    print(
        f"tokens: train {log.train_tokens:,}, validation {log.val_tokens:,}; "
        f"{hp.steps} steps of {hp.batch_size} x {hp.context} = "
        f"{hp.steps * hp.batch_size * hp.context / log.train_tokens:.1f} epochs"
    )
    print(
        f"cold train: CPU {cold_cpu:.1f} s (wall {cold_wall:.1f} s); "
        f"warm load: CPU {warm_cpu:.3f} s (wall {warm_wall:.3f} s)"
    )
    last = log.train_loss[-20:]
    print(
        f"loss (nats/token): train mean of last 20 steps {sum(last) / len(last):.3f}, "
        f"validation {log.val_loss[0]:.3f} at init -> {log.val_loss[-1]:.3f} at the end; "
        f"best validation {min(log.val_loss):.3f} at step "
        f"{log.val_steps[log.val_loss.index(min(log.val_loss))]}"
    )
    print(
        f"weights file {len(blob):,} bytes ({len(gzip.compress(blob)):,} gzipped); "
        f"tinylm-weights.js {len(script):,} bytes ({len(gzip.compress(script)):,} gzipped)"
    )
    print(f"weights file sha256 {hashlib.sha256(blob).hexdigest()}")
    for sample in log.samples:
        print(f"  step {sample['step']:>4}: {sample['text']!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
