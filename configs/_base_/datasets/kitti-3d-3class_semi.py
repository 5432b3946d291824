# KITTI 3D object detection (data/kitti: training/{velodyne,label_2,calib},
# ImageSets/{train,val}.txt) read with mmdet3d's KittiDataset, with the
# labeled 2 % of train (3DIoUMatch-PVRCNN's 1 / 2 / 20 % splits).
# Infos, split and labeled-only GT database:
#   python tools/data/kitti_infos.py data/kitti --labeled-fraction 0.02 \
#       --seed 0
# Pipelines, GT sampling (Car/Ped/Cyc 15 each, >= 5 points) and range are
# mmdet3d's PointPillars KITTI 3-class ones
# (pointpillars_hv_secfpn_8xb6-160e_kitti-3d-3class.py). Deviations: the
# full velodyne scans (mmdet3d's converter writes FOV-cropped
# velodyne_reduced; points outside the camera view are left in), no
# ground planes (use_ground_plane=False).
dataset_type = 'KittiDataset'
data_root = 'data/kitti/'
class_names = ['Pedestrian', 'Cyclist', 'Car']
metainfo = dict(classes=class_names)
point_cloud_range = [0, -39.68, -3, 69.12, 39.68, 1]
input_modality = dict(use_lidar=True, use_camera=False)
# the labeled/unlabeled split of train (tools/data/kitti_infos.py)
labeled_ann_file = 'kitti_infos_train_labeled_l0.02_s0.pkl'
unlabeled_ann_file = 'kitti_infos_train_unlabeled_l0.02_s0.pkl'
points_loader = dict(
    type='mmssl.LoadKittiPoints', coord_type='LIDAR', load_dim=4, use_dim=4)
# mmdet3d's DataBaseSampler that names a class missing from the database
db_sampler = dict(
    type='mmssl.GTDatabaseSampler',
    data_root=data_root,
    info_path=data_root + 'kitti_dbinfos_train_labeled_l0.02_s0.pkl',
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
    batch_size=6,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=labeled_dataset)
val_dataloader = dict(
    batch_size=1,
    num_workers=1,
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
