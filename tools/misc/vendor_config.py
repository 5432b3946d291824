# Copyright (c) mmssl contributors. All rights reserved.
"""Copy an mmdet/mmseg/mmdet3d config into mmssl's configs as one flat
file.

    python tools/misc/vendor_config.py \\
        mmdet::_base_/models/faster-rcnn_r50_fpn.py \\
        configs/_base_/models/mmdet_faster-rcnn_r50_fpn.py

mmssl configs cannot inherit ``mmdet::``/``mmseg::``/``mmdet3d::`` paths
reliably: mmengine 0.10.7 resolves them with ``pkg_resources`` and only
finds configs in a wheel's ``.mim`` folder. This tool finds the config
wherever the package keeps it (a wheel's ``<pkg>/.mim/configs`` or a
source checkout's ``configs/``), resolves its inheritance, sets
``_scope_='<package>'`` on each top-level ``dict(type=...)`` so it builds
from mmssl's default scope (an mmssl module inside it is then written
``type='mmssl.X'``), and writes plain literals with a header naming the
source file and package version. ``--check`` compares instead of writing.
"""
import argparse
import importlib
import os.path as osp
import sys

sys.path.insert(0, osp.dirname(osp.dirname(osp.dirname(osp.abspath(
    __file__)))))

from mmssl.utils.errors import run_cli  # noqa: E402


def package_configs_dir(package: str) -> str:
    """Where ``package`` keeps its configs: the wheel's ``.mim/configs`` or,
    for a source (editable) install, ``configs/`` beside the package."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f'package {package!r} is not installed')
    pkg_dir = list(spec.submodule_search_locations)[0]
    for candidate in (osp.join(pkg_dir, '.mim', 'configs'),
                      osp.join(osp.dirname(pkg_dir), 'configs')):
        if osp.isdir(candidate):
            return candidate
    raise FileNotFoundError(
        f'no configs found for {package} (looked in {pkg_dir}/.mim/configs '
        'and a source checkout\'s configs/)')


def add_scope(obj, scope: str):
    """Set ``_scope_`` on a top-level ``dict(type=...)``, so the whole build
    (also what the package's constructors build from their own defaults,
    like mmdet's ``BboxOverlaps2D``) runs in the package's scope."""
    if isinstance(obj, dict) and 'type' in obj and '_scope_' not in obj:
        return dict(obj, _scope_=scope)
    return obj


def render(source: str, keys=None) -> str:
    """The vendored file's text for ``source`` (``pkg::relative/path.py``)."""
    from mmengine.config import Config
    if '::' not in source:
        raise ValueError(f'source must look like mmdet::path/to/cfg.py, got '
                         f'{source!r}')
    package, rel = source.split('::', 1)
    path = osp.join(package_configs_dir(package), rel)
    if not osp.isfile(path):
        raise FileNotFoundError(f'{package} has no config {rel} ({path})')
    cfg = Config.fromfile(path)
    data = cfg.to_dict()
    keys = keys or [k for k in data if k != 'default_scope']
    missing = [k for k in keys if k not in data]
    if missing:
        raise KeyError(f'{source} has no top-level key(s) {missing}')
    flat = Config({k: add_scope(data[k], package) for k in keys})
    version = importlib.import_module(package).__version__
    source = f'# Vendored from {package} {version}: configs/{rel}\n'
    if len(source) > 80:  # keep within the line length
        source = (f'# Vendored from {package} {version}:\n'
                  f'# configs/{rel}\n')
    header = (source +
              '# by tools/misc/vendor_config.py: inheritance resolved,\n'
              f"# _scope_='{package}' set. Do not edit: regenerate it, and\n"
              '# override values in the configs that inherit it.\n')
    return header + flat.pretty_text


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('source', help='e.g. mmdet::_base_/models/x.py')
    parser.add_argument('out', help='file to write under configs/')
    parser.add_argument('--keys', nargs='+', help='top-level keys to keep')
    parser.add_argument('--check', action='store_true',
                        help='exit 1 if OUT differs from a fresh render')
    parser.add_argument('--debug', action='store_true')
    args = parser.parse_args(argv)
    text = render(args.source, args.keys)
    if args.check:
        current = open(args.out).read() if osp.isfile(args.out) else ''
        if current != text:
            print(f'{args.out} is out of date with {args.source}')
            sys.exit(1)
        print(f'{args.out} is up to date')
        return
    with open(args.out, 'w') as f:
        f.write(text)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    run_cli(main)
