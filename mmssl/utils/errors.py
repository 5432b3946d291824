# Copyright (c) mmssl contributors. All rights reserved.
"""Turning exceptions into one-line messages for the command-line tools."""
import difflib
import errno
import os
import re
import sys
import traceback
from typing import Callable, Iterable, List, Optional

_NOT_IN_REGISTRY = re.compile(
    r'(?P<type>[\w.]+) is not in the (?P<scope>[\w]+)::(?P<name>[\w ]+) '
    r'registry')


def debug_enabled() -> bool:
    """Whether full tracebacks were asked for (``MMSSL_DEBUG=1``)."""
    return os.environ.get('MMSSL_DEBUG', '0') not in ('', '0', 'false')


def registered_names(registry) -> List[str]:
    """All names reachable from ``registry``: its own, its ancestors' and,
    with a ``scope.`` prefix, its root's other children's."""
    names = set()
    reg = registry
    while reg is not None:
        reg.import_from_location()
        names.update(reg.module_dict)
        reg = reg.parent
    root = registry
    while root.parent is not None:
        root = root.parent
    for scope, child in root.children.items():
        if child is registry:
            continue
        try:
            child.import_from_location()
        except Exception:  # an optional sibling package that fails
            continue
        names.update(f'{scope}.{n}' for n in child.module_dict)
    return sorted(names)


def closest_names(name: str, candidates: Iterable[str], n: int = 3):
    """Up to ``n`` registered names closest to ``name``."""
    candidates = list(candidates)
    plain = name.split('.')[-1]
    matches = difflib.get_close_matches(name, candidates, n=n, cutoff=0.6)
    if not matches:
        lowered = {c.lower().split('.')[-1]: c for c in candidates}
        matches = [
            lowered[m] for m in difflib.get_close_matches(
                plain.lower(), list(lowered), n=n, cutoff=0.6)
        ]
    return matches


def explain_unknown_type(message: str) -> str:
    """Append the closest registered names to mmengine's "X is not in the
    scope::name registry" message; other messages are returned unchanged."""
    m = _NOT_IN_REGISTRY.search(message)
    if m is None:
        return message
    from mmengine.registry import Registry  # noqa: F401
    registry = find_registry(m.group('scope'), m.group('name'))
    type_name = m.group('type')
    head = (f"unknown type '{type_name}' in the "
            f"{m.group('scope')}::{m.group('name')} registry")
    if registry is None:
        return head
    close = closest_names(type_name, registered_names(registry))
    if close:
        return head + '; closest registered names: ' + ', '.join(close)
    return head + ' (no similar registered name)'


def find_registry(scope: str, name: str):
    """The registry named ``name`` in ``scope``, or None."""
    import mmengine.registry as roots
    for obj in vars(roots).values():
        if getattr(obj, 'name', None) == name and hasattr(obj, 'children'):
            root = obj
            while root.parent is not None:
                root = root.parent
            if root.scope == scope:
                return root
            return root.children.get(scope)
    return None


def one_line(exc: BaseException) -> str:
    """A one-line description of ``exc`` for the user."""
    text = str(exc).strip()
    if isinstance(exc, KeyError) and len(exc.args) == 1:
        text = str(exc.args[0])
    text = explain_unknown_type(text)
    lines = [ln for ln in text.splitlines() if ln.strip()]
    if len(lines) > 1 and lines[0].startswith('Caught ') and \
            'Original Traceback' in text:
        # Re-raised from a DataLoader worker: torch puts the worker's
        # traceback into the message; its last line is the real error.
        return lines[-1].strip()
    first = lines[0] if lines else ''
    if isinstance(exc, OSError) and exc.filename is None and \
            exc.errno in _WRITE_ERRNOS:
        where = _written_path(exc)
        if where:
            first += f' (while writing {where})'
    return f'{type(exc).__name__}: {first}' if first else type(exc).__name__


# A write that fails at flush or close (disk full, quota) raises an OSError
# without a filename; the path is a local of the frame that wrote it.
_WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO,
                 errno.EROFS}


def _written_path(exc: BaseException) -> Optional[str]:
    """The path the innermost frame of ``exc`` with a ``file``,
    ``filename``, ``path`` or ``f`` local was writing, or None."""
    frames, tb = [], exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    for frame in reversed(frames):
        for name in ('file', 'filename', 'filepath', 'path', 'f'):
            value = frame.f_locals.get(name)
            value = getattr(value, 'name', value)
            if isinstance(value, (str, os.PathLike)) and str(value):
                return str(value)
    return None


_LOGGING_FAILURES = set()


def _handle_logging_error(handler, record) -> None:
    """``logging.Handler.handleError`` for the command-line tools: a log
    handler that cannot write (a full disk, a removed folder) gets one
    warning line naming where it writes, instead of a "--- Logging error
    ---" traceback for every record; the tool goes on, and a write that
    matters (a checkpoint) fails with its own one-line error."""
    exc = sys.exc_info()[1]
    where = getattr(handler, 'baseFilename', None) or type(handler).__name__
    if id(handler) in _LOGGING_FAILURES:
        return
    _LOGGING_FAILURES.add(id(handler))
    try:
        sys.stderr.write(f'warning: could not write the log to {where} '
                         f'({exc}); further log lines there are dropped\n')
    except Exception:  # noqa: BLE001 - stderr itself is gone
        pass


def quiet_logging_errors() -> None:
    """Route every logging handler's write errors to
    :func:`_handle_logging_error` (one warning line per handler)."""
    import logging
    logging.Handler.handleError = _handle_logging_error


def run_cli(main: Callable[[], object], argv_debug_flag: str = '--debug'):
    """Run ``main()``; on an exception print a one-line error and exit 1.

    The full traceback is shown when ``--debug`` is on the command line or
    ``MMSSL_DEBUG=1`` is set.
    """
    debug = debug_enabled()
    if argv_debug_flag in sys.argv:
        sys.argv.remove(argv_debug_flag)
        debug = True
    if debug:
        return main()
    quiet_logging_errors()
    try:
        return main()
    except KeyboardInterrupt:
        print('interrupted', file=sys.stderr)
        sys.exit(130)
    except SystemExit:
        raise
    except Exception as exc:  # noqa: BLE001 - the CLI boundary
        print(f'error: {one_line(exc)}', file=sys.stderr)
        print('(run with --debug or MMSSL_DEBUG=1 for the full traceback)',
              file=sys.stderr)
        if os.environ.get('MMSSL_TRACEBACK_FILE'):
            with open(os.environ['MMSSL_TRACEBACK_FILE'], 'w') as f:
                traceback.print_exc(file=f)
        sys.exit(1)
