# Copyright (c) mmssl contributors. All rights reserved.
"""Safe, resumable checkpoints on torch >= 2.6 (weights_only=True)."""
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer
from mmengine.runner import Runner, load_checkpoint

from mmssl.utils.checkpoint import (
    CheckpointLoadError,
    CheckpointMismatchError,
    check_weights_fit,
    checkpoint_loader_for,
    load_checkpoint_strict,
    load_weights,
    safe_torch_load,
)
from tests.helpers.runner_utils import (
    Interrupted,
    small_digits_cfg,
    state_dict_of,
)


def _train(cfg):
    runner = Runner.from_cfg(cfg)
    runner.train()
    return runner


@pytest.mark.parametrize('by_epoch,length,stop', [(True, 3, 2),
                                                  (False, 12, 8)])
def test_interrupted_run_resumes_to_identical_weights(tmp_path, by_epoch,
                                                      length, stop):
    ckpt_interval = 1 if by_epoch else 4
    # Uninterrupted reference run.
    ref = _train(small_digits_cfg(str(tmp_path / 'ref'), by_epoch, length,
                                  ckpt_interval))
    ref_state = state_dict_of(ref)

    # Same run, killed right after the checkpoint at `stop`...
    work = str(tmp_path / 'run')
    cfg = small_digits_cfg(work, by_epoch, length, ckpt_interval)
    cfg.custom_hooks = list(cfg.custom_hooks) + [
        dict(type='InterruptHook', at=stop, by_epoch=by_epoch)]
    with pytest.raises(Interrupted):
        _train(cfg)
    name = f'epoch_{stop}.pth' if by_epoch else f'iter_{stop}.pth'
    assert osp.isfile(osp.join(work, name))

    # ... then resumed (auto: latest checkpoint in the work dir) and finished.
    cfg = small_digits_cfg(work, by_epoch, length, ckpt_interval)
    cfg.resume = True
    resumed = _train(cfg)
    assert (resumed.epoch if by_epoch else resumed.iter) == length
    state = state_dict_of(resumed)
    assert state.keys() == ref_state.keys()
    for key in ref_state:
        assert torch.equal(state[key], ref_state[key]), key


def test_runner_checkpoint_needs_allow_list(tmp_path):
    """A real Runner checkpoint holds mmengine/NumPy types that plain
    weights-only loading refuses; mmssl's allow-list accepts them."""
    runner = _train(small_digits_cfg(str(tmp_path), True, 1))
    path = osp.join(runner.work_dir, 'epoch_1.pth')
    # Plain torch (a process that never imported mmssl) refuses it.
    plain = subprocess.run(
        [sys.executable, '-c',
         f'import torch; torch.load({path!r}, weights_only=True)'],
        capture_output=True, text=True)
    assert plain.returncode != 0
    assert 'Weights only load failed' in plain.stderr
    ckpt = safe_torch_load(path)
    assert {'meta', 'state_dict', 'message_hub', 'optimizer',
            'rng_state'} <= set(ckpt)
    assert isinstance(ckpt['message_hub']['log_scalars']['train/loss'],
                      HistoryBuffer)


def test_meta_with_numpy_values_loads(tmp_path):
    path = str(tmp_path / 'np_meta.pth')
    torch.save(
        dict(state_dict={'w': torch.ones(2)},
             meta=dict(best=np.float64(0.5), n=np.int64(3),
                       arr=np.arange(4, dtype=np.float32))), path)
    ckpt = safe_torch_load(path)
    assert ckpt['meta']['best'] == 0.5 and ckpt['meta']['n'] == 3
    assert np.array_equal(ckpt['meta']['arr'], np.arange(4))


class _Payload:
    """Runs code when unpickled (what a malicious checkpoint does)."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (exec, (f'open({self.marker!r}, "w").write("pwned")', ))


def test_crafted_checkpoint_is_refused_and_runs_nothing(tmp_path):
    marker = str(tmp_path / 'pwned')
    path = str(tmp_path / 'evil.pth')
    torch.save({'state_dict': {'w': torch.zeros(1)},
                'meta': _Payload(marker)}, path)
    with pytest.raises(CheckpointLoadError) as e:
        safe_torch_load(path)
    assert 'refused' in str(e.value) and 'builtins.exec' in str(e.value)
    assert not os.path.exists(marker)
    # The same through mmengine's own API (load_from / --resume / test.py).
    model = torch.nn.Linear(1, 1)
    with pytest.raises(CheckpointLoadError):
        load_checkpoint(model, path)
    assert not os.path.exists(marker)


class _GetattrChain:
    """Reaches ``exec`` through getattr on an allow-listed class, the way an
    attacker would if ``builtins.getattr`` were allow-listed as is."""

    def __reduce__(self):
        from mmengine.logging import HistoryBuffer
        return (getattr, (HistoryBuffer, '__init__'))


def test_getattr_is_restricted_to_history_buffer_methods(tmp_path):
    path = str(tmp_path / 'chain.pth')
    torch.save({'meta': _GetattrChain()}, path)
    with pytest.raises(CheckpointLoadError, match='refused|not allowed'):
        safe_torch_load(path)


def test_truncated_checkpoint_gives_clear_error(tmp_path):
    path = str(tmp_path / 'model.pth')
    torch.save({'state_dict': {'w': torch.randn(1000)}}, path)
    data = open(path, 'rb').read()
    with open(path, 'wb') as f:
        f.write(data[:len(data) // 2])
    with pytest.raises(CheckpointLoadError, match='truncated or corrupt'):
        safe_torch_load(path)
    with pytest.raises(CheckpointLoadError, match='not found'):
        safe_torch_load(str(tmp_path / 'missing.pth'))



def test_any_prefix_of_a_checkpoint_is_a_clear_error(tmp_path):
    """A short prefix of a large zip checkpoint (a copy cut off early) made
    torch's zip reader raise a bare ``OSError: [Errno 22] Invalid
    argument``."""
    path = str(tmp_path / 'big.pth')
    torch.save({'state_dict': {'w': torch.randn(200000)}}, path)
    data = open(path, 'rb').read()
    cut = str(tmp_path / 'cut.pth')
    for n in (4, 100, 1000, 30000, len(data) // 2, len(data) - 10):
        with open(cut, 'wb') as f:
            f.write(data[:n])
        with pytest.raises(CheckpointLoadError,
                           match='cut.pth .* is truncated or corrupt'):
            safe_torch_load(cut)

def _random_bytes(seed, n=512, head=b''):
    rng = np.random.RandomState(seed)
    return head + rng.randint(0, 256, n, dtype=np.uint8).tobytes()


def test_random_bytes_are_a_corrupt_checkpoint(tmp_path):
    """Random bytes used to end in the unpickler's own errors (``IndexError:
    pop from empty list``, ``KeyError``, "unsupported global")."""
    legacy = str(tmp_path / 'legacy.pth')
    torch.save({'state_dict': {'w': torch.ones(2)}}, legacy,
               _use_new_zipfile_serialization=False)
    assert safe_torch_load(legacy)['state_dict']['w'].tolist() == [1., 1.]
    # a legacy header followed by garbage reaches the unpickler
    header = open(legacy, 'rb').read()[:14]
    path = str(tmp_path / 'random.pth')
    for seed in range(20):
        with open(path, 'wb') as f:
            f.write(_random_bytes(seed, head=header if seed % 2 else b''))
        with pytest.raises(CheckpointLoadError,
                           match='random.pth .* is truncated or corrupt'):
            safe_torch_load(path)
        with pytest.raises(CheckpointLoadError, match='truncated or corrupt'):
            load_checkpoint(torch.nn.Linear(1, 1), path)


def test_weights_must_fit_the_model(tmp_path):
    model = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
    path = str(tmp_path / 'ckpt.pth')
    torch.save({'state_dict': model.state_dict(), 'meta': {'x': 1}}, path)
    other = torch.nn.Sequential(torch.nn.Linear(2, 3), torch.nn.Linear(3, 1))
    assert load_checkpoint_strict(other, path)['meta'] == {'x': 1}
    assert torch.equal(other[1].weight, model[1].weight)
    # another model's checkpoint: missing, unexpected, other shapes
    wrong = torch.nn.Sequential(torch.nn.Linear(2, 4), torch.nn.Linear(4, 1),
                                torch.nn.Linear(1, 1))
    with pytest.raises(CheckpointMismatchError) as e:
        load_weights(wrong, path)
    msg = str(e.value)
    assert '\n' not in msg and f'checkpoint {path} does not fit' in msg
    assert '2 missing keys (2.weight, 2.bias)' in msg
    assert '3 shape mismatches (0.weight (3, 2) in the checkpoint, ' \
        '(4, 2) in the model' in msg
    with pytest.raises(CheckpointMismatchError, match='1 unexpected keys '
                       r'\(1.bias\)'):
        check_weights_fit(torch.nn.Sequential(
            torch.nn.Linear(2, 3), torch.nn.Linear(3, 1, bias=False)),
            model.state_dict(), path)
    # keys under an optional prefix (an EMA teacher) may be missing
    teacher = torch.nn.Module()
    teacher.student, teacher.teacher = other, wrong
    torch.save({'state_dict': {'module.student.' + k: v for k, v in
                               model.state_dict().items()}}, path)
    load_weights(teacher, path, optional=('teacher', ))
    with pytest.raises(CheckpointMismatchError, match='missing keys '
                       r'\(teacher'):
        load_weights(teacher, path)


def test_mmengine_routes_through_safe_loaders():
    from mmssl.utils import checkpoint as ck
    assert checkpoint_loader_for('work_dirs/x.pth') is ck._load_from_local
    assert checkpoint_loader_for('https://x/y.pth') is ck._load_from_http


def test_checkpoint_write_is_atomic(tmp_path, monkeypatch):
    """A save that fails half-way (disk full, a kill) leaves the previous
    file of that name intact and no partial file; the error names the
    path."""
    import errno

    from mmengine.runner.checkpoint import save_checkpoint
    path = str(tmp_path / 'iter_4.pth')
    save_checkpoint({'state_dict': {'w': torch.ones(3)}}, path)
    before = open(path, 'rb').read()

    def disk_full(fd):
        raise OSError(errno.ENOSPC, 'No space left on device')

    monkeypatch.setattr(os, 'fsync', disk_full)
    with pytest.raises(OSError, match='iter_4.pth.*No space left'):
        save_checkpoint({'state_dict': {'w': torch.zeros(1000)}}, path)
    assert open(path, 'rb').read() == before
    assert os.listdir(tmp_path) == ['iter_4.pth']  # no temporary left
    assert torch.equal(safe_torch_load(path)['state_dict']['w'],
                       torch.ones(3))


def test_resume_skips_a_partial_newest_checkpoint(tmp_path):
    """A run killed while writing its newest checkpoint (simulated by
    truncating it): --resume warns, resumes from the previous intact one and
    finishes with the weights of an uninterrupted run."""
    from mmssl.utils.checkpoint import (
        checkpoint_is_intact,
        find_resume_checkpoint,
    )
    ref = _train(small_digits_cfg(str(tmp_path / 'ref'), False, 12, 4))
    work = str(tmp_path / 'run')
    cfg = small_digits_cfg(work, False, 12, 4)
    cfg.custom_hooks = list(cfg.custom_hooks) + [
        dict(type='InterruptHook', at=8, by_epoch=False)]
    with pytest.raises(Interrupted):
        _train(cfg)
    newest = osp.join(work, 'iter_8.pth')
    data = open(newest, 'rb').read()
    with open(newest, 'wb') as f:
        f.write(data[:len(data) // 3])
    assert not checkpoint_is_intact(newest)
    with pytest.warns(UserWarning, match='iter_8.pth is missing, partial'):
        ckpt = find_resume_checkpoint(work)
    assert ckpt == osp.join(work, 'iter_4.pth')

    cfg = small_digits_cfg(work, False, 12, 4)
    cfg.resume, cfg.load_from = True, ckpt
    resumed = _train(cfg)
    assert resumed.iter == 12
    ref_state, state = state_dict_of(ref), state_dict_of(resumed)
    for key in ref_state:
        assert torch.equal(state[key], ref_state[key]), key
    # Nothing to resume from: None (training starts from the beginning).
    assert find_resume_checkpoint(str(tmp_path / 'empty')) is None
