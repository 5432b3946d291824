# Copyright (c) mmssl contributors. All rights reserved.
"""WAD's rounds (stages 2-4) as an mmengine training loop."""
import json
import os
import os.path as osp
from typing import List

import torch
from mmengine.config import Config
from mmengine.logging import MessageHub, MMLogger, print_log
from mmengine.registry import DefaultScope
from mmengine.runner import BaseLoop
from mmengine.runner.checkpoint import load_checkpoint
from mmengine.visualization import Visualizer

from mmssl.models.losses import (
    polynomial_decay,
    wad_pseudo_labels_and_weights,
    wad_scores,
    wad_select,
)
from mmssl.registry import LOOPS, MODELS
from mmssl.structures import ClsDataSample


class _Cycler:
    """Endless random mini-batches over a growing index list, like the
    official infinite loop over a ``SubsetRandomSampler`` DataLoader
    (``drop_last=False``; a final batch smaller than 2 is skipped)."""

    def __init__(self, batch_size: int, generator: torch.Generator):
        self.batch_size = batch_size
        self.generator = generator
        self.order: List[int] = []

    def next(self, indices: List[int]) -> List[int]:
        while True:
            if not self.order:
                perm = torch.randperm(len(indices), generator=self.generator)
                self.order = [indices[i] for i in perm.tolist()]
            batch = self.order[:self.batch_size]
            self.order = self.order[self.batch_size:]
            if len(batch) >= 2:
                return batch


def load_split_images(dataset):
    """The images of a :class:`~mmssl.datasets.SemiDataset`, labeled ones
    first: ``(images, labels, true_classes, label_map, num_labeled)``, with
    ``labels`` the mapped labels (-1 for unlabeled images) and
    ``true_classes`` the original class of every image (for logging only;
    WAD never reads it)."""
    labeled, unlabeled = dataset.labeled, dataset.unlabeled
    if getattr(unlabeled, 'include_labeled_in_unlabeled', False):
        raise ValueError('WAD keeps labeled images out of the unlabeled '
                         'set: set include_labeled_in_unlabeled=False')
    images, labels, true = [], [], []
    full_labels = labeled.dataset.get_gt_labels()
    for part in (labeled, unlabeled):
        for i in range(len(part)):
            item = part[i]
            images.append(item['inputs'])
            sample = item['data_samples']
            labels.append(int(sample.gt_label[0])
                          if 'gt_label' in sample else -1)
            true.append(int(full_labels[part.indices[i]]))
    labels = torch.tensor(labels)
    label_map = labeled.label_map or {
        c: c for c in range(int(labels.max()) + 1)}
    return (torch.stack(images), labels, torch.tensor(true), label_map,
            len(labeled))


def raw_pixel_features(images: torch.Tensor) -> torch.Tensor:
    """Flattened pixels centred per image: the raw-pixel features the
    teacher's nearest-anchor rule is compared with."""
    x = images.flatten(1).float()
    return x - x.mean(1, keepdim=True)


@LOOPS.register_module()
class WADLoop(BaseLoop):
    """WAD (Du et al., ICCV 2023): rounds of knowledge generation, weighted
    distillation and reliable-instance transfer (the outer loop of the
    official ``distillation_main.py``).

    The training set is a :class:`~mmssl.datasets.SemiDataset` (its split
    gives the labeled and unlabeled images; pipelines only pack the
    images: augmentation runs in the models, as in the official code).
    Before round 1 the frozen SimCLR teacher of stage 1 is loaded from
    ``teacher['checkpoint']``; when that is None, it is trained first from
    ``teacher['config']`` with the run's seed into ``<work_dir>/teacher``
    (the file can then be reused by path). In round ``r = 1..rounds``:

    1. Knowledge generation (``evals/eval.py::knowledge_generation``): the
       teacher's projection features of the current labeled set (per class
       anchors) and of the remaining unlabeled set, one random SimCLR view
       each; scores, pseudo labels and weights
       (:func:`~mmssl.models.losses.wad_scores`), written to
       ``<work_dir>/knowledge/round<r>.json``.
    2. Weighted distillation: ``iters_per_round`` student steps on
       ``labeled_batch_size`` labeled + ``unlabeled_batch_size`` unlabeled
       images (:class:`~mmssl.models.heads.WADHead`), with a NEW optimizer
       built from ``optim_wrapper`` (the official code re-creates Adam each
       round; the weights carry over).
    3. Reliable-instance transfer (``Solver.calculate_loss_logits_pseudo``):
       the ``int(alpha_r * |U|)`` unlabeled instances whose student
       cross-entropy against the teacher's pseudo label is smallest move to
       the labeled set with that label, ``alpha_r =
       polynomial_decay(r, alpha, alpha_end, split, power)``.
    4. Evaluation with the val loop (``val_each_round``).

    One process only (as the official code); a distributed launch is
    refused with a clear error.

    Resuming: checkpoints hold the student, the optimizer and the instances
    moved so far (in the message hub); the knowledge of a round is drawn
    with a generator seeded by (seed, round), and batches with one seeded
    by (seed, round) that is replayed up to the resumed iteration, so a
    resumed run continues as the uninterrupted one.

    Args:
        runner: The runner.
        dataloader (dict): The train dataloader config (its dataset is a
            ``SemiDataset``; it is not iterated).
        teacher (dict): ``config`` (path of the stage-1 config) and
            ``checkpoint`` (path, or None to train it first).
        rounds (int): Rounds (official ``split + 1`` = 6).
        iters_per_round (int): Student iterations per round (official
            ``--epochs`` 1500 for CIFAR-10).
        alpha, alpha_end, split, power: The transfer schedule (official
            0.1, 0, 5, 2).
        labeled_batch_size, unlabeled_batch_size (int): Official 32 + 32.
        feature_batch_size (int): Teacher batch for features (official
            ``con_batch_size`` 100).
        val_each_round (bool): Evaluate after each round.
        uniform_weights (bool): The ablation with every weight 1 (the
            teacher's pseudo labels, no weighting). Defaults to False.

    Diagnostics (true labels used for logging only, never by the
    algorithm), logged as ``train/wad_*`` scalars and written to the
    knowledge files: the teacher's nearest-anchor accuracy on the seen
    unlabeled images (and, in round 1, the same 1-NN rule on raw pixels,
    which the teacher must beat), the mean weight of seen and unseen
    images, and the unseen share of the total weight against the unseen
    share of the unlabeled images.
    """
    restore_rng = True  # RNGStateHook restores the generators on resume

    def __init__(self,
                 runner,
                 dataloader,
                 teacher: dict,
                 rounds: int = 6,
                 iters_per_round: int = 1500,
                 alpha: float = 0.1,
                 alpha_end: float = 0.0,
                 split: int = 5,
                 power: float = 2.0,
                 labeled_batch_size: int = 32,
                 unlabeled_batch_size: int = 32,
                 feature_batch_size: int = 100,
                 val_each_round: bool = True,
                 uniform_weights: bool = False):
        super().__init__(runner, dataloader)
        dataset = self.dataloader.dataset
        if not (hasattr(dataset, 'labeled') and hasattr(dataset, 'split')):
            raise TypeError('WADLoop needs a SemiDataset as the train '
                            f'dataset, got {type(dataset).__name__}')
        if not isinstance(teacher, dict) or not teacher.get('config'):
            raise ValueError("WADLoop needs teacher=dict(config='<stage-1 "
                             "config>', checkpoint=<path or None>)")
        self.teacher_cfg = dict(teacher)
        self.rounds = rounds
        self.iters_per_round = iters_per_round
        self.alpha, self.alpha_end = alpha, alpha_end
        self.split, self.power = split, power
        self.labeled_batch_size = labeled_batch_size
        self.unlabeled_batch_size = unlabeled_batch_size
        self.feature_batch_size = feature_batch_size
        self.val_each_round = val_each_round
        self.uniform_weights = uniform_weights
        self._max_iters = rounds * iters_per_round
        self._iter = 0
        self._epoch = 0
        self._load_images(dataset)

    @property
    def max_iters(self) -> int:
        return self._max_iters

    @property
    def max_epochs(self) -> int:
        return 1

    @property
    def iter(self) -> int:
        return self._iter

    @property
    def epoch(self) -> int:
        return self._epoch

    # ----------------------------------------------------------------- data
    def _load_images(self, dataset) -> None:
        (self.images, self.labels, self.true_classes, self.label_map,
         self.num_labeled) = load_split_images(dataset)
        self.num_classes = len(self.label_map)

    def _indices(self):
        added = dict((int(i), int(y)) for i, y in
                     self.runner.message_hub.get_info('wad_added', []))
        labeled = list(range(self.num_labeled)) + sorted(added)
        unlabeled = [i for i in range(self.num_labeled, len(self.images))
                     if i not in added]
        labels = self.labels.clone()
        for i, y in added.items():
            labels[i] = y
        return labeled, unlabeled, labels

    # -------------------------------------------------------------- teacher
    def _build_teacher(self):
        runner = self.runner
        cfg_path = self.teacher_cfg['config']
        if not osp.isfile(cfg_path):  # relative to the repository root
            import mmssl
            root = osp.dirname(osp.dirname(osp.abspath(mmssl.__file__)))
            if osp.isfile(osp.join(root, cfg_path)):
                cfg_path = osp.join(root, cfg_path)
        if not osp.isfile(cfg_path):
            raise FileNotFoundError(f'WAD teacher config not found: '
                                    f'{cfg_path}')
        ckpt = self.teacher_cfg.get('checkpoint')
        if ckpt is None:
            ckpt = self._train_teacher(cfg_path)
        elif not osp.isfile(ckpt):
            raise FileNotFoundError(
                f'WAD teacher checkpoint not found: {ckpt}. Train stage 1 '
                f'with `python tools/train.py {cfg_path} --seed '
                f'{runner.seed}`, or set train_cfg.teacher.checkpoint=None '
                'to train it first in this run.')
        cfg = Config.fromfile(cfg_path)
        teacher = MODELS.build(cfg.model)
        load_checkpoint(teacher, ckpt, map_location='cpu', strict=True,
                        logger='current')
        self.teacher_checkpoint = ckpt
        return teacher.to(next(runner.model.parameters()).device).eval()

    def _train_teacher(self, cfg_path: str) -> str:
        """Stage 1 in this process: the teacher config with this run's
        seed, into <work_dir>/teacher; returns its last checkpoint."""
        from mmengine.runner import Runner

        from mmssl.utils.config import set_seed
        runner = self.runner
        work_dir = osp.join(runner.work_dir, 'teacher')
        done = osp.join(work_dir, 'teacher_done.txt')
        if not osp.isfile(done):
            cfg = Config.fromfile(cfg_path)
            set_seed(cfg, runner.seed)
            cfg.work_dir = work_dir
            cfg.launcher = runner.launcher
            cfg.resume = True  # a killed stage 1 continues where it stopped
            print_log(f'WAD stage 1: training the teacher {cfg_path} into '
                      f'{work_dir}', logger='current')
            teacher_runner = Runner.from_cfg(cfg)
            teacher_runner.train()
            last = osp.join(work_dir, f'iter_{teacher_runner.iter}.pth')
            # The nested runner made its logger, message hub and visualizer
            # the "current" ones: give them back to this run.
            for manager in (MMLogger, MessageHub, Visualizer, DefaultScope):
                names = manager._instance_dict
                for name in (runner.logger.instance_name,
                             runner.message_hub.instance_name,
                             runner.visualizer.instance_name,
                             runner.experiment_name):
                    if name in names:
                        names.move_to_end(name)
            if runner.rank == 0:
                with open(done, 'w') as f:
                    f.write(last)
            return last
        with open(done) as f:
            return f.read().strip()

    @torch.no_grad()
    def _features(self, teacher, idx: List[int],
                  generator: torch.Generator) -> torch.Tensor:
        feats = []
        for start in range(0, len(idx), self.feature_batch_size):
            chunk = idx[start:start + self.feature_batch_size]
            data = teacher.data_preprocessor(
                dict(inputs=[self.images[i] for i in chunk]), False)
            feats.append(teacher.extract_projection(
                data['inputs'], generator=generator).float().cpu())
        return torch.cat(feats)

    def _knowledge(self, teacher, rnd: int, labeled, unlabeled, labels):
        g = torch.Generator().manual_seed(int(self.runner.seed) * 1000 + rnd)
        feats_l = self._features(teacher, labeled, g)
        feats_u = self._features(teacher, unlabeled, g)
        scores = wad_scores(feats_u, feats_l, labels[labeled],
                            self.num_classes)
        pseudo, weights = wad_pseudo_labels_and_weights(scores)
        if self.uniform_weights:
            weights = torch.ones_like(weights)
        diag = self._diagnostics(rnd, labeled, unlabeled, labels, pseudo,
                                 weights)
        if self.runner.rank == 0:
            out = osp.join(self.runner.work_dir, 'knowledge')
            os.makedirs(out, exist_ok=True)
            with open(osp.join(out, f'round{rnd}.json'), 'w') as f:
                json.dump(dict(round=rnd,
                               teacher=self.teacher_checkpoint,
                               unlabeled=unlabeled,
                               pseudo_labels=pseudo.tolist(),
                               weights=weights.tolist(),
                               diagnostics=diag), f)
        return dict(zip(unlabeled, zip(pseudo.tolist(), weights.tolist())))

    def _seen_labels(self, idx: List[int]) -> torch.Tensor:
        """Mapped true labels of images ``idx`` (-1 for unseen classes);
        for the diagnostics only."""
        return torch.tensor([self.label_map.get(int(self.true_classes[i]),
                                                -1) for i in idx])

    def _diagnostics(self, rnd, labeled, unlabeled, labels, pseudo,
                     weights) -> dict:
        true = self._seen_labels(unlabeled)
        seen = true.ge(0)
        w = weights.float()
        total = float(w.sum())
        diag = dict(
            teacher_anchor_acc=float(pseudo[seen].eq(true[seen]).float()
                                     .mean() * 100) if seen.any() else None,
            unseen_fraction=float((~seen).float().mean()),
            unseen_weight_share=float(w[~seen].sum() / total)
            if total > 0 else None,
            mean_weight_seen=float(w[seen].mean()) if seen.any() else None,
            mean_weight_unseen=float(w[~seen].mean())
            if (~seen).any() else None)
        if rnd == 1 and seen.any():
            diag['raw_pixel_anchor_acc'] = self._raw_pixel_acc(
                labeled, unlabeled, labels, true)
        for key, value in diag.items():
            if value is not None:
                self.runner.message_hub.update_scalar(f'train/wad_{key}',
                                                      value)
        shown = ', '.join(f'{k} {v:.3f}' for k, v in diag.items()
                          if v is not None)
        print_log(f'WAD round {rnd} knowledge (true labels, logging only): '
                  f'{shown}', logger='current')
        # Mean weight per original class (seen and unseen): whether the
        # weights single out the outlier classes at all.
        original = self.true_classes[unlabeled]
        diag['mean_weight_by_class'] = {
            str(int(c)): float(w[original == c].mean())
            for c in torch.unique(original)}
        return diag

    def _raw_pixel_acc(self, labeled, unlabeled, labels, true) -> float:
        """The teacher's rule (nearest labeled anchor by cosine) on raw
        pixels: the baseline the teacher's features must beat."""
        def flat(idx):
            x = raw_pixel_features(self.images[idx])
            return x / (x.norm(dim=1, keepdim=True) + 1e-8)

        anchors = flat(labeled)
        anchor_labels = labels[labeled]
        seen_idx = [i for i, t in zip(unlabeled, true.tolist()) if t >= 0]
        hits = 0
        for start in range(0, len(seen_idx), 2048):
            chunk = seen_idx[start:start + 2048]
            nearest = (flat(chunk) @ anchors.T).argmax(1)
            hits += int(anchor_labels[nearest].eq(
                self._seen_labels(chunk)).sum())
        return hits / max(len(seen_idx), 1) * 100

    # ------------------------------------------------------------- training
    def _batch(self, lab_idx, unl_idx, labels, knowledge) -> dict:
        sup = [ClsDataSample().set_gt_label(int(labels[i])) for i in lab_idx]
        unsup = []
        for j in unl_idx:
            y, w = knowledge[j]
            sample = ClsDataSample().set_gt_label(y)
            sample.set_field(float(w), 'wad_weight')
            unsup.append(sample)
        return dict(
            inputs=dict(sup=[self.images[i] for i in lab_idx],
                        unsup=[self.images[j] for j in unl_idx]),
            data_samples=dict(sup=sup, unsup=unsup))

    @torch.no_grad()
    def _transfer(self, rnd: int, unlabeled, knowledge) -> None:
        model = self.runner.model
        model.eval()
        logits = []
        for start in range(0, len(unlabeled), self.feature_batch_size):
            chunk = unlabeled[start:start + self.feature_batch_size]
            data = model.data_preprocessor(
                dict(inputs=[self.images[i] for i in chunk]), False)
            logits.append(model(data['inputs'], mode='tensor').float().cpu())
        logits = torch.cat(logits)
        pseudo = torch.tensor([knowledge[j][0] for j in unlabeled])
        share = polynomial_decay(rnd, self.alpha, self.alpha_end, self.split,
                                 self.power)
        chosen = wad_select(logits, pseudo, int(share * len(unlabeled)))
        added = list(self.runner.message_hub.get_info('wad_added', []))
        moved = [[unlabeled[int(k)], int(pseudo[k])] for k in chosen]
        self.runner.message_hub.update_info('wad_added', added + moved)
        seen = {c: y for c, y in self.label_map.items()}
        correct = sum(seen.get(int(self.true_classes[i]), -1) == y
                      for i, y in moved)
        print_log(f'WAD round {rnd}: moved {len(moved)} of {len(unlabeled)} '
                  f'unlabeled instances (alpha {share:.3f}) to the labeled '
                  f'set; {correct} of them have the right seen class',
                  logger='current')

    def _round_val(self, rnd: int) -> None:
        # Also run when resuming at a round boundary: its data loader draws
        # from the global generator, as in the uninterrupted run.
        if self.val_each_round and self.runner.val_loop is not None and \
                rnd < self.rounds:
            self.runner.val_loop.run()

    def run(self):
        runner = self.runner
        if runner.world_size > 1:
            raise RuntimeError(
                'WADLoop runs in one process, as the official WAD code: '
                'launch it without a distributed launcher (its batches are '
                'not sharded across ranks)')
        runner.call_hook('before_train')
        # Built (random init, then loaded) before RNGStateHook restores the
        # generators of a resumed run in before_train_epoch.
        teacher = self._build_teacher()
        runner.call_hook('before_train_epoch')
        start_round = self._iter // self.iters_per_round + 1
        offset = self._iter % self.iters_per_round
        if offset == 0 and self._iter > 0:
            # Resumed at the end of a round: its transfer is not saved yet.
            rnd = start_round - 1
            labeled, unlabeled, labels = self._indices()
            self._transfer(rnd, unlabeled,
                           self._knowledge(teacher, rnd, labeled, unlabeled,
                                           labels))
            self._round_val(rnd)
        for rnd in range(start_round, self.rounds + 1):
            labeled, unlabeled, labels = self._indices()
            knowledge = self._knowledge(teacher, rnd, labeled, unlabeled,
                                        labels)
            if rnd > start_round or offset == 0:
                # A new optimizer each round (the resumed one mid-round).
                runner.optim_wrapper = runner.build_optim_wrapper(
                    runner.cfg.optim_wrapper)
                runner.optim_wrapper.initialize_count_status(
                    runner.model, self._iter, self._max_iters)
            g = torch.Generator().manual_seed(
                int(runner.seed) * 1000 + 500 + rnd)
            cyc_l = _Cycler(self.labeled_batch_size, g)
            cyc_u = _Cycler(self.unlabeled_batch_size, g)
            first = offset if rnd == start_round else 0
            runner.model.train()  # the val loop and the transfer set eval
            for it in range(self.iters_per_round):
                lab_idx, unl_idx = cyc_l.next(labeled), cyc_u.next(unlabeled)
                if it < first:
                    continue  # replay the batch draws of a resumed round
                data_batch = self._batch(lab_idx, unl_idx, labels, knowledge)
                runner.call_hook('before_train_iter', batch_idx=self._iter,
                                 data_batch=data_batch)
                outputs = runner.model.train_step(
                    data_batch, optim_wrapper=runner.optim_wrapper)
                runner.call_hook('after_train_iter', batch_idx=self._iter,
                                 data_batch=data_batch, outputs=outputs)
                self._iter += 1
            self._transfer(rnd, unlabeled, knowledge)
            self._round_val(rnd)
        runner.call_hook('after_train_epoch')
        if runner.val_loop is not None:
            runner.val_loop.run()
        runner.call_hook('after_train')
        return runner.model
