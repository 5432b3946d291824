# Copyright (c) mmssl contributors. All rights reserved.
"""``mmssl.utils.progress.track``: a bar with count and ETA on a terminal,
a few lines with count and ETA in a log, nothing for short loops."""
import io
import re

from mmssl.utils.progress import track


class _Terminal(io.StringIO):

    def isatty(self):
        return True


def test_terminal_bar_shows_count_and_eta():
    out = _Terminal()
    assert list(track(range(5), desc='writing', file=out)) == list(range(5))
    text = out.getvalue()
    assert text.startswith('writing\n')
    # mmengine's ProgressBar: "[>>>] 3/5, 12.0 task/s, elapsed: 0s, ETA: 0s"
    for i in range(1, 6):
        assert re.search(rf'\] {i}/5, .* elapsed: \d+s, ETA: +\d+s', text)


def test_log_lines_show_count_and_eta():
    out = io.StringIO()
    assert list(track(iter(range(25)), total=25, desc='writing',
                      file=out)) == list(range(25))
    lines = out.getvalue().splitlines()
    # at most ``lines`` (10) lines, the last one at 100 %
    assert 1 < len(lines) <= 10
    for line in lines:
        assert re.fullmatch(r'writing: \d+/25 \(\d+%\), \d+ s elapsed, '
                            r'ETA \d+ s', line), line
    assert lines[-1].startswith('writing: 25/25 (100%)')

    out = io.StringIO()
    list(track(range(25), desc='features', file=out, every=10))
    assert [ln.split(' (')[0] for ln in out.getvalue().splitlines()] == [
        'features: 10/25', 'features: 20/25', 'features: 25/25']


def test_quiet_below_min_total():
    out = io.StringIO()
    assert list(track(range(3), desc='x', file=out, min_total=4)) == [0, 1, 2]
    assert out.getvalue() == ''
