# Copyright (c) mmssl contributors. All rights reserved.
"""Progress of long steps: a bar with an ETA on a terminal, a few lines in
a log file."""
import sys
import time
from typing import Iterable, Iterator, Optional, TypeVar

T = TypeVar('T')


def track(iterable: Iterable[T], total: Optional[int] = None,
          desc: str = '', min_total: int = 1, file=None,
          lines: int = 10, every: Optional[int] = None) -> Iterator[T]:
    """Yield from ``iterable`` and show its progress.

    On a terminal this is mmengine's ``ProgressBar`` (count, rate, ETA).
    When the output is a file or a pipe (a background run's log), it prints
    ``lines`` lines ``desc: i/total (p%), elapsed, ETA`` instead of one
    update per item (or one every ``every`` items), and the last item
    always gets one. Nothing is shown for fewer than ``min_total`` items.

    Args:
        iterable (Iterable): The items.
        total (int, optional): Their number (default: ``len(iterable)``).
        desc (str): What is being done.
        min_total (int): Show nothing below this many items.
        file: Output stream (default: ``sys.stdout``).
        lines (int): Lines printed when not on a terminal.
        every (int, optional): Instead of ``lines``, print a line every
            this many items when not on a terminal.
    """
    if total is None:
        total = len(iterable)  # type: ignore[arg-type]
    out = file or sys.stdout
    if total < min_total:
        yield from iterable
        return
    if hasattr(out, 'isatty') and out.isatty():
        from mmengine.utils import ProgressBar
        if desc:
            print(desc, file=out, flush=True)
        bar = ProgressBar(total, file=out)
        for item in iterable:
            yield item
            bar.update()
        print(file=out, flush=True)
        return
    start = time.time()
    step = max(1, every if every else -(-total // max(lines, 1)))
    for i, item in enumerate(iterable, 1):
        yield item
        if i % step == 0 or i == total:
            elapsed = time.time() - start
            eta = elapsed / i * (total - i)
            print(f'{desc or "progress"}: {i}/{total} ({100 * i / total:.0f}'
                  f'%), {elapsed:.0f} s elapsed, ETA {eta:.0f} s', file=out,
                  flush=True)
