# UpCycling (Hwang et al., ICCV 2023, arXiv 2211.11950; our version:
# configs/upcycling/README.md): the stage-1 PointPillars cut
# after its pillar scatter (model.split; the pillar map is the stored
# feature), back end (2D backbone, neck, head) trained by an EMA teacher's
# hybrid pseudo labels on the stored features of the unlabeled 95 % with
# F-GT.
#   S1=pointpillars_secfpn_20e_synthetic-kitti-3class-l5-stage1
#   UP=upcycling_pointpillars_secfpn_600i_synthetic-kitti-3class-l5
#   python tools/train.py configs/upcycling/$S1.py
#   python tools/upcycling/export_features.py configs/upcycling/$UP.py \
#       work_dirs/$S1/epoch_20.pth
#   python tools/train.py configs/upcycling/$UP.py
# Training never opens an unlabeled scene's .bin: the unlabeled set is the
# exported feature directory.
_base_ = ['./pointpillars_secfpn_20e_synthetic-kitti-3class-l5-stage1.py']
stage1_work_dir = 'work_dirs/pointpillars_secfpn_20e_synthetic-kitti-3class-l5-stage1'  # noqa: E501
feature_dir = 'work_dirs/upcycling_features/synthetic-kitti_l0.05_s0'
model = dict(
    type='mmssl.UpCycling',
    # our choice: the front end ends at the pillar scatter (the 32-channel
    # pillar map is stored; the 2D backbone is trained on it, as SECOND's
    # BEV backbone is after its 3D extractor). 'backbone' stores
    # the three SECOND stage maps instead (the README's ablation D3: worse)
    split='scatter',
    semi_train_cfg=dict(
        unlabeled_input='features',
        # our choice: unlabeled loss weight 1 (3DIoUMatch)
        unlabeled_weight=1.0,
        # 3DIoUMatch's EMA decay 0.999 is for 60 epochs x 3712
        # scenes; at 600 CPU iterations the teacher would barely move, so
        # 0.99 (deviation, CPU scale)
        ema_momentum=0.01,
        # 3DIoUMatch's class-score threshold 0.4 (Ped, Cyc, Car);
        # PointPillars has no IoU branch, so no IoU filter (deviation)
        score_thr=(0.4, 0.4, 0.4),
        # not in the abstracts (ours, ablation D1-D4 of the README): no
        # loss on negatives the teacher scores >= this; None = the paper
        ignore_score_thr=None,
        fgt=dict(
            bank_file=feature_dir + '/fgt_bank.pth',
            # OpenPCDet's KITTI database sampling, PV-RCNN config
            # (Ped 10, Cyc 10, Car 15), minus the pseudo labels present
            sample_counts=(10, 10, 15),
            # ours: collision check against teacher boxes of score >= 0.1
            collision_score_thr=0.1),
        # feature_aug is left at its default None: the ICCV version names
        # F-GT only; F-RoT is the feature_aug=dict(type='frot') ablation
    ))
# the vehicle side (tools/upcycling/export_features.py): which scenes to
# export and the labeled scenes of the F-GT bank (1-cell margin)
export = dict(
    out_dir=feature_dir,
    margin_cells=1,
    unlabeled_dataset=dict(
        type={{_base_.dataset_type}},
        _scope_='mmdet3d',
        data_root={{_base_.data_root}},
        ann_file={{_base_.unlabeled_ann_file}},
        data_prefix=dict(pts='training/velodyne'),
        pipeline={{_base_.test_pipeline}},
        modality={{_base_.input_modality}},
        test_mode=True,
        metainfo={{_base_.metainfo}},
        box_type_3d='LiDAR'),
    labeled_dataset=dict(
        type={{_base_.dataset_type}},
        _scope_='mmdet3d',
        data_root={{_base_.data_root}},
        ann_file={{_base_.labeled_ann_file}},
        data_prefix=dict(pts='training/velodyne'),
        pipeline=[
            {{_base_.points_loader}},
            dict(type='LoadAnnotations3D', with_bbox_3d=True,
                 with_label_3d=True),
            dict(type='PointsRangeFilter',
                 point_cloud_range={{_base_.point_cloud_range}}),
            dict(type='ObjectRangeFilter',
                 point_cloud_range={{_base_.point_cloud_range}}),
            dict(type='Pack3DDetInputs',
                 keys=['points', 'gt_labels_3d', 'gt_bboxes_3d'])
        ],
        modality={{_base_.input_modality}},
        test_mode=False,
        filter_empty_gt=False,
        metainfo={{_base_.metainfo}},
        box_type_3d='LiDAR'))
# our choice: batches of labeled and unlabeled scenes 1:1
train_dataloader = dict(
    _delete_=True,
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='mmdet.MultiSourceSampler', batch_size=4,
                 source_ratio=[1, 1]),
    collate_fn=dict(type='mmssl.semi_det3d_collate'),
    dataset=dict(
        type='SemiDet3DDataset',
        labeled={{_base_.labeled_dataset}},
        unlabeled=dict(type='BEVFeatureDataset', feature_dir=feature_dir)))
# starts from stage 1 (student and teacher)
load_from = stage1_work_dir + '/epoch_20.pth'
max_iters = 600
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_iters,
         eta_min=1e-5, by_epoch=False, begin=0,
         end=max_iters)
]
train_cfg = dict(_delete_=True, type='IterBasedTrainLoop',
                 max_iters=max_iters, val_interval=300)
default_hooks = dict(
    checkpoint=dict(by_epoch=False, interval=300, max_keep_ckpts=1))
log_processor = dict(by_epoch=False)
