# Copyright (c) mmssl contributors. All rights reserved.
"""Safe checkpoint loading for torch >= 2.6 with mmengine 0.10.7.

PyTorch 2.6 made ``torch.load(weights_only=True)`` the default: the unpickler
then only rebuilds tensors, containers and an allow-list of types. mmengine
0.10.7 calls ``torch.load`` without the argument, so it cannot resume its own
checkpoints (they hold :class:`~mmengine.logging.HistoryBuffer` objects and
NumPy arrays/scalars) and cannot load checkpoints whose ``meta`` holds NumPy
values. Turning ``weights_only`` off would fix that and let any downloaded
checkpoint run arbitrary code when loaded.

mmssl instead keeps ``weights_only=True`` and allow-lists exactly the types
that mmengine, NumPy and mmssl themselves put into checkpoints
(:data:`SAFE_GLOBAL_NAMES`). It registers its own loaders for local files and
``http(s)://`` URLs with mmengine's :class:`CheckpointLoader`, so that
``--resume``, ``load_from``, ``tools/test.py`` and the inferencers all go
through them. A file that needs any other global is refused with a message
that names the global; a truncated or corrupt file gives a one-line error.
"""
import importlib
import os
import os.path as osp
import pickle
import re
import struct
import zipfile
from typing import Any, Callable, List, Optional

import torch
from mmengine.runner.checkpoint import CheckpointLoader

# Types that mmengine (message hub, meta), NumPy (arrays and scalars in the
# message hub, meta and the RNG state that mmssl stores for exact resumption)
# put into checkpoints. Dotted names; a name whose module does not exist in
# the installed NumPy is skipped. `tests/test_utils/test_checkpoint.py`
# saves real Runner checkpoints and checks this list is sufficient.
SAFE_GLOBAL_NAMES = (
    'mmengine.logging.history_buffer.HistoryBuffer',
    'numpy.ndarray',
    'numpy.dtype',
    'numpy._core.multiarray._reconstruct',
    'numpy._core.multiarray.scalar',
    'numpy.core.multiarray._reconstruct',
    'numpy.core.multiarray.scalar',
    'numpy.dtypes.Float64DType',
    'numpy.dtypes.Float32DType',
    'numpy.dtypes.Float16DType',
    'numpy.dtypes.Int64DType',
    'numpy.dtypes.Int32DType',
    'numpy.dtypes.Int16DType',
    'numpy.dtypes.Int8DType',
    'numpy.dtypes.UInt64DType',
    'numpy.dtypes.UInt32DType',
    'numpy.dtypes.UInt16DType',
    'numpy.dtypes.UInt8DType',
    'numpy.dtypes.BoolDType',
    'numpy.dtypes.StrDType',
)


# ``HistoryBuffer`` pickles its statistics methods as
# ``getattr(HistoryBuffer, 'min')``. Allow-listing ``builtins.getattr`` itself
# would reopen arbitrary code execution (attribute chains reach
# ``__globals__`` and ``exec``), so that name is mapped to
# :func:`_restricted_getattr`, which resolves only those methods.
_GETATTR_NAME = 'builtins.getattr'
_HISTORY_BUFFER_METHODS = ('min', 'max', 'mean', 'current')


def _restricted_getattr(obj: Any, name: str) -> Any:
    """``getattr`` limited to ``HistoryBuffer``'s statistics methods."""
    from mmengine.logging import HistoryBuffer
    if obj is HistoryBuffer and name in _HISTORY_BUFFER_METHODS:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'getattr({getattr(obj, "__name__", type(obj).__name__)}, {name!r}) '
        'is not allowed in a checkpoint')


class CheckpointLoadError(RuntimeError):
    """A checkpoint could not be loaded (missing, corrupt or unsafe)."""


def _resolve(name: str) -> Optional[Any]:
    module_name, _, attr = name.rpartition('.')
    try:
        module = importlib.import_module(module_name)
    except ImportError:
        return None
    return getattr(module, attr, None)


def safe_globals() -> List[Any]:
    """Return the allow-listed objects that exist in this environment."""
    objs = []
    for name in SAFE_GLOBAL_NAMES:
        obj = _resolve(name)
        if obj is not None:
            objs.append(obj)
    return objs


_REGISTERED = False


def register_safe_globals() -> None:
    """Add :data:`SAFE_GLOBAL_NAMES` to torch's weights-only allow-list."""
    global _REGISTERED
    if _REGISTERED:
        return
    torch.serialization.add_safe_globals(
        safe_globals() + [(_restricted_getattr, _GETATTR_NAME)])
    _REGISTERED = True


def _unsafe_globals(filename: str) -> List[str]:
    allowed = set(SAFE_GLOBAL_NAMES) | {_GETATTR_NAME}
    try:
        names = torch.serialization.get_unsafe_globals_in_checkpoint(filename)
    except Exception:  # not a zip checkpoint: cannot be listed
        return []
    return [n for n in names if n not in allowed]


# ``torch.save`` writes a zip archive (torch >= 1.6) or, with
# ``_use_new_zipfile_serialization=False``, a pickle stream that starts with
# torch's magic number pickled with protocol 2.
_LEGACY_TORCH_HEADER = pickle.dumps(0x1950a86a20f9469cfc6c, protocol=2)[:-1]


def _looks_like_torch_file(filename: str) -> bool:
    """Whether ``filename`` starts like a file ``torch.save`` wrote."""
    with open(filename, 'rb') as f:
        head = f.read(len(_LEGACY_TORCH_HEADER))
    return head.startswith(b'PK\x03\x04') or head == _LEGACY_TORCH_HEADER


def safe_torch_load(filename: str,
                    map_location: Any = None) -> Any:
    """``torch.load(filename, weights_only=True)`` with clear errors.

    Args:
        filename (str): Path of the checkpoint file.
        map_location: Same as :func:`torch.load`. Defaults to None.

    Returns:
        The loaded object (usually a dict).

    Raises:
        CheckpointLoadError: If the file is missing, truncated or corrupt,
            or if it needs a global that is not allow-listed (it could run
            code when unpickled, so it is refused and nothing in it runs).
    """
    register_safe_globals()
    filename = osp.expanduser(filename)
    if not osp.isfile(filename):
        raise CheckpointLoadError(f'checkpoint not found: {filename}')
    if not _looks_like_torch_file(filename):
        raise CheckpointLoadError(
            f'checkpoint {filename} ({os.path.getsize(filename)} bytes) is '
            'truncated or corrupt and cannot be read: it is neither a zip '
            'archive nor a legacy torch.save file')
    try:
        return torch.load(
            filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as e:
        unsafe = _unsafe_globals(filename)
        if unsafe or 'Unsupported global' in str(e) or \
                'is not allowed in a checkpoint' in str(e):
            what = ', '.join(unsafe) if unsafe else 'an unsupported global'
            raise CheckpointLoadError(
                f'refused to load {filename}: it needs {what}, which is not '
                'on mmssl\'s allow-list of checkpoint types, so unpickling '
                'it could run arbitrary code. Nothing from it was executed. '
                'If you trust this file, re-save its tensors with '
                '`torch.save({"state_dict": ...})` in a separate process.'
            ) from None
        # torch's message: "... WeightsUnpickler error: \n\n<reason>\n..."
        text = str(e).split('Unpickler error:', 1)[-1]
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        reason = lines[0] if lines else 'UnpicklingError'
        raise CheckpointLoadError(
            f'checkpoint {filename} ({os.path.getsize(filename)} bytes) is '
            f'truncated or corrupt and cannot be read: {reason}') from None
    except PermissionError:
        raise
    except (RuntimeError, EOFError, zipfile.BadZipFile, ValueError,
            IndexError, KeyError, TypeError, AttributeError, OverflowError,
            struct.error, OSError) as e:
        # OSError: torch's zip reader on a truncated archive raises
        # ``OSError: [Errno 22] Invalid argument`` (the file exists and
        # opens, so it is the content, not the path).
        # A damaged pickle stream fails in the unpickler itself (e.g.
        # ``IndexError: pop from empty list``): the file is corrupt.
        size = os.path.getsize(filename)
        reason = (str(e).splitlines() or [''])[0]
        if not isinstance(e, (RuntimeError, EOFError)):
            reason = f'{type(e).__name__}: {reason}'.rstrip(': ')
        raise CheckpointLoadError(
            f'checkpoint {filename} ({size} bytes) is truncated or corrupt '
            f'and cannot be read: {reason}') from None


def _load_from_local(filename: str, map_location: Any = None) -> Any:
    return safe_torch_load(filename, map_location)


def _load_from_http(filename: str,
                    map_location: Any = None,
                    model_dir: Optional[str] = None,
                    progress: bool = False) -> Any:
    """Download (or reuse the cached copy of) a URL, then load it safely."""
    from torch.hub import download_url_to_file, get_dir
    model_dir = model_dir or osp.join(get_dir(), 'checkpoints')
    os.makedirs(model_dir, exist_ok=True)
    cached = osp.join(model_dir, osp.basename(filename.split('?')[0]))
    if not osp.isfile(cached):
        try:
            download_url_to_file(filename, cached, progress=progress)
        except Exception as e:
            raise CheckpointLoadError(
                f'cannot download checkpoint {filename} ({e}). Download it '
                'by hand and pass the local path instead.') from None
    return safe_torch_load(cached, map_location)


def register_checkpoint_loaders() -> None:
    """Route mmengine's local and http(s) checkpoint loading through
    :func:`safe_torch_load` (weights-only, allow-listed types)."""
    register_safe_globals()
    CheckpointLoader.register_scheme(
        prefixes='', loader=_load_from_local, force=True)
    CheckpointLoader.register_scheme(
        prefixes=('http://', 'https://'), loader=_load_from_http,
        force=True)


def checkpoint_loader_for(path: str) -> Callable:
    """Return the loader mmengine will use for ``path`` (for tests)."""
    return CheckpointLoader._get_checkpoint_loader(path)


class CheckpointMismatchError(CheckpointLoadError):
    """A checkpoint's weights do not fit the model (e.g. another model's
    checkpoint): missing or unexpected keys, or other shapes."""


def state_dict_of(checkpoint: Any, path: str) -> dict:
    """The weights of a loaded checkpoint (its ``state_dict`` when it has
    one), with DDP's ``module.`` prefix stripped as mmengine does."""
    state = checkpoint.get('state_dict', checkpoint) \
        if isinstance(checkpoint, dict) else checkpoint
    if not isinstance(state, dict) or not all(
            isinstance(k, str) for k in state):
        raise CheckpointLoadError(
            f'checkpoint {path} holds no state dict (a '
            f'{type(state).__name__}), so it is not a model checkpoint')
    return {re.sub(r'^module\.', '', k): v for k, v in state.items()}


def checkpoint_state_dict(path: str) -> dict:
    """The state dict of a checkpoint file (loaded weights-only)."""
    return state_dict_of(safe_torch_load(path, map_location='cpu'), path)


def _listed(keys: List[str], n: int = 3) -> str:
    more = ', ...' if len(keys) > n else ''
    return ', '.join(keys[:n]) + more


def check_weights_fit(model, state_dict: dict, path: str,
                      optional: tuple = ()) -> None:
    """Raise unless ``state_dict`` fits ``model`` exactly: the same keys
    (missing or extra ones are allowed only under the ``optional``
    prefixes, e.g. an EMA teacher that one side has and the other not)
    and the same shapes. Nothing is loaded.

    Raises:
        CheckpointMismatchError: One line naming ``path``, how many keys
            are missing, unexpected or of another shape, and the first few
            of each.
    """
    own = model.state_dict()
    # BatchNorm fills a missing counter itself (checkpoints of old torch)
    missing = [k for k in own if k not in state_dict
               and not k.startswith(optional)
               and not k.endswith('num_batches_tracked')]
    extra = [k for k in state_dict if k not in own
             and not k.startswith(optional)]
    shapes = [
        f'{k} {tuple(v.shape)} in the checkpoint, '
        f'{tuple(own[k].shape)} in the model'
        for k, v in state_dict.items()
        if k in own and hasattr(v, 'shape') and
        tuple(v.shape) != tuple(own[k].shape)
    ]
    parts = []
    if missing:
        parts.append(f'{len(missing)} missing keys ({_listed(missing)})')
    if extra:
        parts.append(f'{len(extra)} unexpected keys ({_listed(extra)})')
    if shapes:
        parts.append(f'{len(shapes)} shape mismatches ({_listed(shapes, 2)})')
    if parts:
        raise CheckpointMismatchError(
            f'checkpoint {path} does not fit the model '
            f'{type(model).__name__}: ' + '; '.join(parts) +
            ' (is it a checkpoint of this config?)')


def load_checkpoint_strict(model, path: str, optional: tuple = (),
                           map_location: Any = 'cpu') -> dict:
    """Load a checkpoint file (weights-only) into ``model`` after
    :func:`check_weights_fit`, and return the whole checkpoint (its
    ``meta`` included).

    Raises:
        CheckpointLoadError: When the file cannot be read.
        CheckpointMismatchError: When its weights do not fit ``model``.
    """
    checkpoint = safe_torch_load(path, map_location=map_location)
    state = state_dict_of(checkpoint, path)
    check_weights_fit(model, state, path, optional)
    model.load_state_dict(state, strict=False)
    return checkpoint if isinstance(checkpoint, dict) else {}


def load_weights(model, path: str, optional: tuple = ()) -> None:
    """Load a checkpoint's weights into ``model`` (weights-only), allowing
    missing or extra keys only under the ``optional`` prefixes (e.g. an
    EMA teacher that one side has and the other not).

    Raises:
        CheckpointMismatchError: Naming the first keys that do not fit.
    """
    load_checkpoint_strict(model, path, optional)


# ------------------------------------------------------------------ saving
def _atomic_local_backend():
    """mmengine's ``LocalBackend`` whose writes are atomic.

    mmengine saves checkpoints (and ``last_checkpoint``) through the file
    backend's ``put``/``put_text``, which open the final path and write into
    it: a run killed, or a disk that fills, while a checkpoint is written
    leaves a partial ``iter_N.pth`` under the final name. This backend
    writes a temporary file in the same folder, flushes it to disk and
    renames it over the final name (``os.replace``, atomic on POSIX), so a
    checkpoint file is either the old one, absent, or complete. A failed
    write removes its temporary file and raises an ``OSError`` naming the
    path.
    """
    from mmengine.fileio import LocalBackend

    class AtomicLocalBackend(LocalBackend):

        def _atomic_write(self, data: bytes, filepath) -> None:
            filepath = str(filepath)
            folder = osp.dirname(filepath) or '.'
            os.makedirs(folder, exist_ok=True)
            tmp = osp.join(folder,
                           f'.{osp.basename(filepath)}.tmp-{os.getpid()}')
            try:
                with open(tmp, 'wb') as f:
                    f.write(data)
                    f.flush()
                    os.fsync(f.fileno())
                os.replace(tmp, filepath)
            except OSError as e:
                if osp.exists(tmp):
                    os.remove(tmp)
                raise OSError(
                    e.errno, f'could not write {filepath} ({e.strerror}); '
                    'the previous file of that name, if any, is unchanged'
                ) from None

        def put(self, obj: bytes, filepath) -> None:
            self._atomic_write(obj, filepath)

        def put_text(self, obj: str, filepath,
                     encoding: str = 'utf-8') -> None:
            self._atomic_write(obj.encode(encoding), filepath)

    return AtomicLocalBackend


_ATOMIC_REGISTERED = False


def register_atomic_local_backend() -> None:
    """Make mmengine's local file writes (checkpoints, ``last_checkpoint``)
    atomic: see :func:`_atomic_local_backend`."""
    global _ATOMIC_REGISTERED
    if _ATOMIC_REGISTERED:
        return
    from mmengine.fileio import register_backend
    from mmengine.fileio.io import backend_instances
    register_backend('local', _atomic_local_backend(), force=True,
                     prefixes='')
    # Instances built before this call keep the old class: drop them.
    backend_instances.clear()
    _ATOMIC_REGISTERED = True


# ---------------------------------------------------------------- resuming
_CKPT_NAME = re.compile(r'^(?:iter|epoch)_(\d+)\.pth$')


def checkpoint_is_intact(path: str) -> bool:
    """Whether ``path`` is a complete PyTorch zip checkpoint: the zip's
    central directory is there and every member's CRC matches (reads the
    file once; loads nothing)."""
    try:
        with zipfile.ZipFile(path) as zf:
            return zf.testzip() is None
    except (OSError, zipfile.BadZipFile, ValueError):
        return False


def find_resume_checkpoint(work_dir: str, logger=None) -> Optional[str]:
    """The newest intact checkpoint of ``work_dir`` to resume from.

    The newest is the one ``last_checkpoint`` names (mmengine's choice),
    then ``iter_N.pth`` / ``epoch_N.pth`` by decreasing N. A corrupt or
    partial one (a run killed while writing it, a disk that filled) is
    skipped with a warning naming it, and the previous intact one is used.

    Returns:
        str or None: The path, or None when ``work_dir`` has no intact
        checkpoint (training then starts from the beginning).
    """
    import warnings
    candidates = []
    last = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(last):
        with open(last) as f:
            named = f.read().strip()
        if named:
            candidates.append(named if osp.isabs(named)
                              else osp.join(work_dir, named))
    numbered = []
    if osp.isdir(work_dir):
        for name in os.listdir(work_dir):
            m = _CKPT_NAME.match(name)
            if m:
                numbered.append((int(m.group(1)), osp.join(work_dir, name)))
    candidates += [p for _, p in sorted(numbered, reverse=True)]
    seen = set()
    for path in candidates:
        key = osp.realpath(path)
        if key in seen:
            continue
        seen.add(key)
        if checkpoint_is_intact(path):
            return path
        msg = (f'checkpoint {path} is missing, partial or corrupt; '
               'resuming from the previous intact checkpoint instead')
        if logger is not None:
            logger.warning(msg)
        else:
            warnings.warn(msg)
    return None
