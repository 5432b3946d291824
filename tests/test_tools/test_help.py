# Copyright (c) mmssl contributors. All rights reserved.
"""Every tool's ``--help`` runs, exits 0 and shows the defaults, and each
argument's help is a sentence (a capital, or a quoted value, first; a
full stop last)."""
import argparse
import glob
import importlib
import os.path as osp
import subprocess
import sys

import pytest

from tests.helpers.runner_utils import ROOT

TOOLS = ['tools.train', 'tools.test', 'tools.benchmark.leaderboard',
         'demo.image_demo', 'demo.pcd_demo', 'demo.volume_demo'] + sorted(
    'tools.data.' + osp.splitext(osp.basename(p))[0]
    for p in glob.glob(osp.join(ROOT, 'tools', 'data', '*.py'))
    if not p.endswith('__init__.py'))


def _parser(module: str, monkeypatch) -> argparse.ArgumentParser:
    """The parser ``module.parse_args`` builds (captured, not run)."""
    captured = []

    def capture(self, args=None, namespace=None):
        captured.append(self)
        raise SystemExit(0)

    mod = importlib.import_module(module)
    monkeypatch.setattr(argparse.ArgumentParser, 'parse_args', capture)
    with pytest.raises(SystemExit):
        mod.parse_args([])
    monkeypatch.undo()
    return captured[0]


@pytest.mark.parametrize('module', TOOLS)
def test_help_is_sentences_with_defaults(module, monkeypatch, capsys):
    parser = _parser(module, monkeypatch)
    assert issubclass(parser.formatter_class,
                      argparse.ArgumentDefaultsHelpFormatter), module
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        text = (action.help or '').strip()
        name = '/'.join(action.option_strings) or action.dest
        assert text, f'{module} {name}: no help'
        assert text[0].isupper() or text[0] in '\'"`', \
            f'{module} {name}: {text!r} does not start a sentence'
        assert text.endswith(('.', '.)')), \
            f'{module} {name}: {text!r} does not end a sentence'
    mod = importlib.import_module(module)
    with pytest.raises(SystemExit) as exc:
        mod.parse_args(['--help'])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    assert out.startswith('usage:')
    if any(a.option_strings for a in parser._actions
           if not isinstance(a, argparse._HelpAction)):
        assert '(default:' in out


@pytest.mark.parametrize('script', ['tools/train.py'] + sorted(
    osp.relpath(p, ROOT)
    for p in glob.glob(osp.join(ROOT, 'tools', 'data', '*.py'))
    if not p.endswith('__init__.py')))
def test_help_runs_as_a_script(script):
    proc = subprocess.run([sys.executable, script, '--help'], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith('usage:')
