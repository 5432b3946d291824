# Copyright (c) mmssl contributors. All rights reserved.
"""Distributed set-up that also works on CPU-only machines.

mmengine 0.10.7's ``pytorch`` and ``slurm`` launchers call
``torch.cuda.set_device`` unconditionally and default to NCCL, so they fail
on a machine without a GPU. mmssl keeps mmengine and torch.distributed in
charge and only fills that gap: on a CPU-only machine it initialises the
process group itself with the gloo backend (the Runner then sees an
initialised group and skips its own ``init_dist``), and tells DDP to wrap a
CPU module (``device_ids=None``). With GPUs nothing is changed.
"""
import os
import subprocess

import torch
import torch.distributed as torch_dist
from mmengine.config import Config


def _slurm_env() -> None:
    """Derive torch.distributed's env:// variables from Slurm's, as
    mmengine's ``_init_dist_slurm`` does."""
    proc_id = int(os.environ['SLURM_PROCID'])
    ntasks = int(os.environ['SLURM_NTASKS'])
    node_list = os.environ['SLURM_NODELIST']
    if 'MASTER_ADDR' not in os.environ:
        addr = subprocess.getoutput(
            f'scontrol show hostname {node_list} | head -n1')
        os.environ['MASTER_ADDR'] = addr
    os.environ.setdefault('MASTER_PORT', '29500')
    os.environ['WORLD_SIZE'] = str(ntasks)
    os.environ['RANK'] = str(proc_id)
    os.environ.setdefault('LOCAL_RANK',
                          os.environ.get('SLURM_LOCALID', '0'))


def setup_cpu_distributed(cfg: Config, launcher: str) -> bool:
    """Initialise gloo for ``launcher`` when no GPU is available.

    Args:
        cfg (Config): The full config; its ``model_wrapper_cfg`` is set so
            DDP wraps a CPU module.
        launcher (str): ``'none'``, ``'pytorch'``, ``'slurm'`` or ``'mpi'``.

    Returns:
        bool: True if this function initialised the process group.
    """
    if launcher == 'none' or torch.cuda.is_available():
        return False
    if torch_dist.is_available() and torch_dist.is_initialized():
        return False
    if launcher == 'slurm':
        _slurm_env()
    elif launcher == 'mpi':
        os.environ.setdefault('RANK',
                              os.environ.get('OMPI_COMM_WORLD_RANK', '0'))
        os.environ.setdefault('WORLD_SIZE',
                              os.environ.get('OMPI_COMM_WORLD_SIZE', '1'))
        os.environ.setdefault(
            'LOCAL_RANK', os.environ.get('OMPI_COMM_WORLD_LOCAL_RANK', '0'))
    for key in ('RANK', 'WORLD_SIZE', 'MASTER_ADDR', 'MASTER_PORT'):
        if key not in os.environ:
            raise RuntimeError(
                f'--launcher {launcher} needs the environment variable {key};'
                ' start the script with torchrun (tools/dist_train.sh) or '
                'srun (tools/slurm_train.sh)')
    dist_cfg = dict(cfg.get('env_cfg', {}).get('dist_cfg', {}))
    timeout = dist_cfg.get('timeout')
    kwargs = {}
    if timeout is not None:
        import datetime
        kwargs['timeout'] = datetime.timedelta(seconds=timeout)
    torch_dist.init_process_group(
        backend='gloo',
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        **kwargs)
    wrapper = dict(cfg.get('model_wrapper_cfg') or {})
    wrapper.setdefault('type', 'MMDistributedDataParallel')
    wrapper['device_ids'] = None
    wrapper.setdefault('broadcast_buffers', False)
    wrapper.setdefault('find_unused_parameters',
                       cfg.get('find_unused_parameters', False))
    cfg.model_wrapper_cfg = wrapper
    return True
