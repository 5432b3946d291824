# The raw-data reference (benchmark arm B): a 3DIoUMatch-style
# mean teacher on the RAW points of the unlabeled scenes. Teacher on the
# clean cloud, student on a flipped (p 0.5) / rotated (+-pi/4) / scaled
# (0.95-1.05) copy with the pseudo boxes moved alike (mmdet3d's KITTI
# augmentation ranges), whole detector trainable. Same thresholds,
# EMA, schedule and start (stage 1) as UpCycling. It reads the unlabeled
# .bin files, which UpCycling never does.
_base_ = ['./upcycling_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py']
model = dict(
    semi_train_cfg=dict(unlabeled_input='points', fgt=None,
                        feature_aug=None))
train_dataloader = dict(
    dataset=dict(
        unlabeled=dict(
            _delete_=True,
            type={{_base_.dataset_type}},
            _scope_='mmdet3d',
            data_root={{_base_.data_root}},
            ann_file={{_base_.unlabeled_ann_file}},
            data_prefix=dict(pts='training/velodyne'),
            pipeline={{_base_.test_pipeline}},
            modality={{_base_.input_modality}},
            test_mode=True,
            metainfo={{_base_.metainfo}},
            box_type_3d='LiDAR')))
