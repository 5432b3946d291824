# Synthetic KITTI-layout LiDAR scenes (mmssl/datasets/synthetic/lidar.py;
# NOT real KITTI) read with mmdet3d's KittiDataset. Write them and their
# info files with:
#   python tools/data/make_synthetic_kitti.py data/synthetic_kitti
#   python tools/data/kitti_infos.py data/synthetic_kitti \
#       --labeled-fraction 0.05 --seed 0
# Pipelines are mmdet3d's PointPillars KITTI 3-class ones
# (pointpillars_hv_secfpn_8xb6-160e_kitti-3d-3class.py); the GT database
# holds the labeled split's objects only (the rule of the official
# 3DIoUMatch-PVRCNN code's README, yezhen17/3DIoUMatch-PVRCNN). Range:
# the 51.2 m square of the CPU model.
dataset_type = 'KittiDataset'
data_root = 'data/synthetic_kitti/'
class_names = ['Pedestrian', 'Cyclist', 'Car']
metainfo = dict(classes=class_names)
point_cloud_range = [0, -25.6, -3, 51.2, 25.6, 1]
input_modality = dict(use_lidar=True, use_camera=False)
# the labeled/unlabeled split of train (tools/data/kitti_infos.py)
labeled_ann_file = 'kitti_infos_train_labeled_l0.05_s0.pkl'
unlabeled_ann_file = 'kitti_infos_train_unlabeled_l0.05_s0.pkl'
points_loader = dict(
    type='mmssl.LoadKittiPoints', coord_type='LIDAR', load_dim=4, use_dim=4)
# mmdet3d's DataBaseSampler that names a class missing from the database
db_sampler = dict(
    type='mmssl.GTDatabaseSampler',
    data_root=data_root,
    info_path=data_root + 'kitti_dbinfos_train_labeled_l0.05_s0.pkl',
    rate=1.0,
    prepare=dict(
        filter_by_difficulty=[-1],
        filter_by_min_points=dict(Car=5, Pedestrian=5, Cyclist=5)),
    classes=class_names,
    sample_groups=dict(Car=15, Pedestrian=15, Cyclist=15),
    points_loader=points_loader)
train_pipeline = [
    points_loader,
    dict(type='LoadAnnotations3D', with_bbox_3d=True, with_label_3d=True),
    dict(type='ObjectSample', db_sampler=db_sampler, use_ground_plane=False),
    dict(type='RandomFlip3D', flip_ratio_bev_horizontal=0.5),
    dict(
        type='GlobalRotScaleTrans',
        rot_range=[-0.78539816, 0.78539816],
        scale_ratio_range=[0.95, 1.05]),
    dict(type='PointsRangeFilter', point_cloud_range=point_cloud_range),
    dict(type='ObjectRangeFilter', point_cloud_range=point_cloud_range),
    dict(type='PointShuffle'),
    dict(
        type='Pack3DDetInputs',
        keys=['points', 'gt_labels_3d', 'gt_bboxes_3d'])
]
test_pipeline = [
    points_loader,
    dict(type='PointsRangeFilter', point_cloud_range=point_cloud_range),
    dict(type='Pack3DDetInputs', keys=['points'])
]
labeled_dataset = dict(
    type=dataset_type,
    _scope_='mmdet3d',
    data_root=data_root,
    ann_file=labeled_ann_file,
    data_prefix=dict(pts='training/velodyne'),
    pipeline=train_pipeline,
    modality=input_modality,
    test_mode=False,
    metainfo=metainfo,
    box_type_3d='LiDAR')
train_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=labeled_dataset)
val_dataloader = dict(
    batch_size=4,
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        _scope_='mmdet3d',
        data_root=data_root,
        ann_file='kitti_infos_val.pkl',
        data_prefix=dict(pts='training/velodyne'),
        pipeline=test_pipeline,
        modality=input_modality,
        test_mode=True,
        metainfo=metainfo,
        box_type_3d='LiDAR'))
test_dataloader = val_dataloader
# mmdet3d's KittiMetric; mmssl's subclass computes BEV/3D overlaps on the
# CPU when there is no CUDA (mmssl/evaluation/metrics/kitti.py)
val_evaluator = dict(
    type='KittiMetric',
    ann_file=data_root + 'kitti_infos_val.pkl',
    metric='bbox',
    pcd_limit_range=point_cloud_range)
test_evaluator = val_evaluator
