# Copyright (c) mmssl contributors. All rights reserved.
"""Speed of the real training step of a config against a bare PyTorch loop.

For ``CONFIG`` it builds the model, optimizer wrapper and training
dataloader exactly as ``tools/train.py`` does, draws a few real batches,
then times, interleaved in alternating blocks so that both see the same
machine state:

- mmssl: ``model.train_step(batch, optim_wrapper)``, what the training
  loop calls each iteration (data preprocessor, one forward of the
  concatenated batch, the head's losses, backward, optimizer step);
- bare: a plain PyTorch loop over the same network (a copy of the same
  modules), the same concatenated and normalised batch, the same optimizer
  settings and the same FixMatch loss, with nothing else.

With ``--baseline OTHER_CONFIG`` (e.g. FixMatch's config for an IOMatch
or ShrinkMatch config) it also times OTHER_CONFIG's model on the very same
batches, interleaved, and reports ``step time / baseline step time``: the
cost of the method's extra heads and losses.

It prints iterations/s, images/s, peak memory and the ratio
``mmssl step time / bare step time``, and the images/s of the config's
weak and strong pipelines in one process. With the config's fast path
(``AutocastOptimWrapper`` + ``model.channels_last``), the bare loop uses the
same bfloat16 autocast and memory format, so the ratio stays like for like.

Example::

    python tools/benchmark/train_speed.py \\
        configs/fixmatch/fixmatch_wrn-28-2_1m_cifar10-40.py --synthetic \\
        --labeled-batch 8
"""
import argparse
import contextlib
import copy
import importlib.util
import json
import os.path as osp
import resource
import statistics
import sys
import tempfile
import time

import numpy as np
import torch
import torch.nn.functional as F

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, ROOT)


def parse_args(argv=None):
    from mmengine.config import DictAction
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('--iters', type=int, default=10,
                        help='timed steps per block')
    parser.add_argument('--blocks', type=int, default=4,
                        help='alternating mmssl/bare blocks')
    parser.add_argument('--warmup', type=int, default=3)
    parser.add_argument('--labeled-batch', type=int, default=None,
                        help='labeled images per step (B); the unlabeled '
                        'part keeps the config\'s mu')
    parser.add_argument('--synthetic', action='store_true',
                        help='random images of the dataset\'s size instead '
                        'of the dataset (for CIFAR configs without the '
                        'data)')
    parser.add_argument('--image-size', type=int, default=32,
                        help='with --synthetic')
    parser.add_argument('--fast', action='store_true',
                        help='turn on bf16 autocast + channels_last')
    parser.add_argument('--fp32', action='store_true',
                        help='turn off autocast and channels_last')
    parser.add_argument('--baseline', default=None,
                        help='also time this config\'s model (e.g. '
                        'FixMatch) on the same batches')
    parser.add_argument('--json', help='write the results here')
    parser.add_argument('--profile', action='store_true',
                        help='print a cProfile of the mmssl step')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    return parser.parse_args(argv)


def load_aug_speed():
    path = osp.join(osp.dirname(osp.abspath(__file__)), 'aug_speed.py')
    spec = importlib.util.spec_from_file_location('aug_speed', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def find_ssl_pipelines(cfg):
    """The weak and strong unlabeled pipelines of a SemiDataset config."""
    ds = cfg.train_dataloader.dataset
    for t in ds.get('unlabeled_pipeline', []):
        if str(t.get('type', '')).endswith('MultiBranch'):
            return t.get('unsup_weak'), t.get('unsup_strong')
    return None, None


def wad_batches(cfg, n_lb, n_ulb, size, channels, n_batches, synthetic):
    """WAD batches as ``WADLoop`` builds them: labeled images with labels,
    unlabeled images with a pseudo label and a weight (random here)."""
    from mmssl.structures import ClsDataSample
    from mmssl.utils import register_all_modules
    register_all_modules()
    num_classes = cfg.model.head.num_classes
    g = torch.Generator().manual_seed(0)
    if synthetic:
        pool = torch.randint(0, 256, (n_lb + n_ulb, channels, size, size),
                             dtype=torch.uint8, generator=g)
    else:
        from mmssl.registry import DATASETS
        ds = DATASETS.build(cfg.train_dataloader.dataset)
        pool = torch.stack([ds[i]['inputs'] for i in range(len(ds))])
    batches = []
    for _ in range(n_batches):
        idx = torch.randint(0, len(pool), (n_lb + n_ulb, ), generator=g)
        sup = [ClsDataSample().set_gt_label(int(i) % num_classes)
               for i in idx[:n_lb]]
        unsup = []
        for i in idx[n_lb:]:
            sample = ClsDataSample().set_gt_label(int(i) % num_classes)
            sample.set_field(float(torch.rand(1, generator=g)), 'wad_weight')
            unsup.append(sample)
        batches.append(dict(
            inputs=dict(sup=[pool[i] for i in idx[:n_lb]],
                        unsup=[pool[i] for i in idx[n_lb:]]),
            data_samples=dict(sup=sup, unsup=unsup)))
    return batches


def synthetic_batches(cfg, n_lb, mu, size, channels, n_batches):
    """Batches in the dataloader's format from random images."""
    from mmengine.dataset import pseudo_collate

    from mmssl.registry import TRANSFORMS
    from mmssl.utils import register_all_modules
    register_all_modules()
    ds = cfg.train_dataloader.dataset
    lab = [TRANSFORMS.build(t) for t in ds.labeled_pipeline]
    unlab = [TRANSFORMS.build(t) for t in ds.unlabeled_pipeline]
    rng = np.random.RandomState(0)
    num_classes = cfg.model.head.get('num_classes', 10)

    def run(pipeline, results):
        for t in pipeline:
            results = t(results)
        return results

    batches = []
    for _ in range(n_batches):
        items = []
        for i in range(n_lb * (1 + mu)):
            img = rng.randint(0, 256, (size, size, channels), np.uint8)
            if i < n_lb:
                items.append(run(lab, dict(img=img,
                                           gt_label=i % num_classes)))
            else:
                items.append(run(unlab, dict(img=img)))
        batches.append(pseudo_collate(items))
    return batches


def real_batches(runner_cfg, n_lb, n_batches):
    from mmengine.runner import Runner
    cfg = copy.deepcopy(runner_cfg.train_dataloader)
    if n_lb is not None:
        mu = cfg.sampler.source_ratio[1] / cfg.sampler.source_ratio[0]
        total = int(n_lb * (1 + mu))
        cfg.batch_size = total
        cfg.sampler.batch_size = total
    loader = Runner.build_dataloader(cfg, seed=0)
    it = iter(loader)
    return [next(it) for _ in range(n_batches)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(args, path):
    """Config, runner, initialised model and optimizer wrapper of ``path``,
    as tools/train.py builds them (no hooks, no visualizer backends)."""
    from mmengine.runner import Runner

    from mmssl.utils.config import load_config
    cfg = load_config(path, args.cfg_options)
    if args.fast:
        cfg.optim_wrapper.type = 'AutocastOptimWrapper'
        cfg.optim_wrapper.dtype = 'bfloat16'
        cfg.model.channels_last = True
    if args.fp32:
        cfg.optim_wrapper.type = 'OptimWrapper'
        cfg.optim_wrapper.pop('dtype', None)
        cfg.model.channels_last = False
    cfg.work_dir = tempfile.mkdtemp(prefix='mmssl-speed-')
    cfg.custom_hooks = []
    cfg.visualizer = dict(type='Visualizer', vis_backends=[])
    runner = Runner.from_cfg(cfg)
    model = runner.model
    model.init_weights()  # as Runner.train() does
    optim_wrapper = runner.build_optim_wrapper(cfg.optim_wrapper)
    return cfg, runner, model, optim_wrapper


def main(argv=None):
    args = parse_args(argv)
    cfg, runner, model, optim_wrapper = build(args, args.config)
    baseline = build(args, args.baseline)[2:] if args.baseline else None
    fast = cfg.optim_wrapper.type == 'AutocastOptimWrapper'
    channels_last = bool(cfg.model.get('channels_last', False))
    is_wad = cfg.train_cfg.get('type') == 'WADLoop'
    n_batches = 4
    first = cfg.model.data_preprocessor.get('mean', [0, 0, 0])
    if is_wad:
        # One unlabeled view: batches of B labeled + B' unlabeled images.
        n_lb = args.labeled_batch or cfg.train_cfg.labeled_batch_size
        n_ulb = n_lb * cfg.train_cfg.unlabeled_batch_size // \
            cfg.train_cfg.labeled_batch_size
        mu = n_ulb / n_lb
        batches = wad_batches(cfg, n_lb, n_ulb, args.image_size, len(first),
                              n_batches, args.synthetic)
    else:
        sampler = cfg.train_dataloader.sampler
        mu = int(sampler.source_ratio[1] / sampler.source_ratio[0])
        n_lb = args.labeled_batch or int(
            cfg.train_dataloader.batch_size / (1 + mu))
    if is_wad:
        pass  # built above
    elif args.synthetic:
        batches = synthetic_batches(cfg, n_lb, mu, args.image_size,
                                    len(first), n_batches)
    else:
        batches = real_batches(cfg, n_lb, n_batches)
    n_images = sum(
        sum(x is not None for x in v)
        for v in batches[0]['inputs'].values())

    # The bare loop: the very same modules (same parameter tensors, so
    # that memory placement cannot favour either side), the same batch
    # tensors, its own torch optimizer.
    bare_net = torch.nn.Module()
    bare_net.backbone = model.backbone
    bare_net.neck = model.neck
    bare_net.fc = model.head.fc
    opt_cfg = cfg.optim_wrapper.optimizer
    decay, no_decay = [], []
    for name, p in bare_net.named_parameters():
        (no_decay if p.ndim <= 1 else decay).append(p)
    if opt_cfg.type == 'SGD':
        bare_opt = torch.optim.SGD(
            [dict(params=decay),
             dict(params=no_decay, weight_decay=0.0)],
            lr=opt_cfg.lr, momentum=opt_cfg.get('momentum', 0),
            nesterov=opt_cfg.get('nesterov', False),
            weight_decay=opt_cfg.get('weight_decay', 0))
    else:  # e.g. WAD's Adam
        kwargs = {k: v for k, v in opt_cfg.items() if k != 'type'}
        bare_opt = getattr(torch.optim, opt_cfg.type)(
            bare_net.parameters(), **kwargs)
    # The model's in-forward batch augmentation (WAD's student), if any.
    train_augment = getattr(model, 'train_augment', None)
    p_cutoff = getattr(model.head, 'p_cutoff', 0.95)
    bare_data = []
    branches = list(getattr(model.head, 'unlabeled_branches',
                            ('unsup_weak', 'unsup_strong')))
    for b in batches:
        d = model.data_preprocessor(copy.deepcopy(b), training=True)
        x = torch.cat([d['inputs'][k] for k in ['sup'] + branches])
        if channels_last:
            x = x.contiguous(memory_format=torch.channels_last)
        y = torch.cat([s.gt_label for s in d['data_samples']['sup']
                       ]).to(x.device)
        if is_wad:
            u = d['data_samples']['unsup']
            y = (y, torch.cat([s.gt_label for s in u]).to(x.device),
                 torch.tensor([s.wad_weight for s in u], device=x.device))
        bare_data.append((x, y))

    dtype = getattr(torch, cfg.optim_wrapper.get('dtype', 'bfloat16'))
    device = next(model.parameters()).device

    def autocast():
        if not fast:
            return contextlib.nullcontext()
        return torch.autocast(device.type, dtype=dtype)

    def sync():
        if device.type == 'cuda':
            torch.cuda.synchronize()

    def bare_step(i):
        x, y = bare_data[i % n_batches]
        if train_augment is not None:
            x = train_augment(x)
        with autocast():
            feat = bare_net.neck(bare_net.backbone(x))[-1]
            logits = bare_net.fc(feat)
            lb = logits[:n_lb]
            if is_wad:  # WAD's weighted distillation
                y, pseudo, weight = y
                loss = F.cross_entropy(lb, y) + (weight * F.cross_entropy(
                    logits[n_lb:], pseudo, reduction='none')).mean()
            else:
                loss = fixmatch_loss(lb, logits[n_lb:], y)
        bare_opt.zero_grad()
        loss.backward()
        bare_opt.step()

    def fixmatch_loss(lb, ulb, y):
        w, s = ulb.chunk(2)
        loss_x = F.cross_entropy(lb, y)
        probs = torch.softmax(w.detach().float(), 1)
        conf, pseudo = probs.max(1)
        mask = conf.ge(p_cutoff).float()
        loss_u = (F.cross_entropy(s, pseudo, reduction='none') *
                  mask).mean()
        return loss_x + loss_u

    def mmssl_step(i):
        model.train_step(batches[i % n_batches], optim_wrapper)

    def baseline_step(i):
        baseline[0].train_step(batches[i % n_batches], baseline[1])

    if args.profile:
        import cProfile
        import pstats
        prof = cProfile.Profile()
        prof.enable()
        for i in range(args.iters):
            mmssl_step(i)
        prof.disable()
        pstats.Stats(prof).sort_stats('cumulative').print_stats(40)

    model.train()
    bare_net.train()
    steps = [('mmssl', mmssl_step), ('bare', bare_step)]
    if baseline is not None:
        baseline[0].train()
        steps.append(('baseline', baseline_step))
    for i in range(args.warmup):
        for _, step in steps:
            step(i)
    times = {name: [] for name, _ in steps}
    for block in range(args.blocks):
        order = list(steps)
        if block % 2:
            order.reverse()
        for name, step in order:
            for i in range(args.iters):
                sync()
                start = time.perf_counter()
                step(i)
                sync()
                times[name].append(time.perf_counter() - start)
    result = dict(config=args.config, images_per_step=n_images,
                  labeled_batch=n_lb, mu=mu, fast_path=fast,
                  channels_last=channels_last,
                  threads=torch.get_num_threads())
    for name in times:
        t = statistics.median(times[name])
        result[name] = dict(step_s=round(t, 4), iters_per_s=round(1 / t, 2),
                            images_per_s=round(n_images / t, 1))
    result['ratio'] = round(result['mmssl']['step_s'] /
                            result['bare']['step_s'], 3)
    if baseline is not None:
        result['baseline_config'] = args.baseline
        result['ratio_vs_baseline'] = round(
            result['mmssl']['step_s'] / result['baseline']['step_s'], 3)
    result['peak_rss_mb'] = round(peak_rss_mb(), 1)
    if torch.cuda.is_available():
        result['peak_cuda_mb'] = round(
            torch.cuda.max_memory_allocated() / 2**20, 1)

    weak, strong = find_ssl_pipelines(cfg)
    if weak is not None:
        aug = load_aug_speed()
        c = len(cfg.model.data_preprocessor.get('mean', [0, 0, 0]))
        size = args.image_size
        if not args.synthetic:
            ds = runner.train_dataloader.dataset
            info = ds.unlabeled.dataset.get_data_info(0)
            size, c = info['img'].shape[0], info['img'].shape[-1]
        images = np.random.RandomState(0).randint(
            0, 256, (2000, size, size, c), np.uint8)
        result['weak_images_per_s'] = round(
            aug.pipeline_throughput(weak, images), 1)
        result['strong_images_per_s'] = round(
            aug.pipeline_throughput(strong, images), 1)

    print(f"{args.config}\n  batch: {n_images} images (B={n_lb}, mu={mu})"
          f", fast path (bf16 autocast + channels_last): {fast}, "
          f"{result['threads']} threads")
    for name in times:
        r = result[name]
        print(f"  {name:8s} step {r['step_s'] * 1000:8.1f} ms  "
              f"{r['iters_per_s']:7.2f} it/s  {r['images_per_s']:9.1f} "
              'img/s')
    print(f"  ratio mmssl/bare: {result['ratio']:.3f}")
    if baseline is not None:
        print(f"  ratio mmssl/baseline ({args.baseline}): "
              f"{result['ratio_vs_baseline']:.3f}")
    print(f"  peak memory: {result['peak_rss_mb']:.0f} MB RSS" +
          (f", {result['peak_cuda_mb']:.0f} MB CUDA"
           if 'peak_cuda_mb' in result else ''))
    if 'weak_images_per_s' in result:
        print(f"  weak pipeline   {result['weak_images_per_s']:9.1f} img/s"
              f"\n  strong pipeline {result['strong_images_per_s']:9.1f} "
              'img/s (one process)')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(result, f, indent=1)
    return result


if __name__ == '__main__':
    from mmssl.utils.errors import run_cli
    run_cli(main)
