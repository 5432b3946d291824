# The raw-point analogue of UpCycling (benchmark arm B2; our addition):
# the raw-point mean teacher of arm B plus GT sampling into the
# unlabeled scenes, so that it gets what F-GT gives UpCycling: the points
# of labeled objects (the labeled-only GT database, as stage 1 samples)
# pasted at their own position and yaw where they do not overlap a teacher
# detection (score >= 0.1) or an earlier sample, per-class counts minus the
# pseudo labels (F-GT's Ped 10 / Cyc 10 / Car 15), and their exact boxes
# added to the pseudo labels (hybrid labels), before the flip / rotation /
# scaling of B. It reads the unlabeled .bin files, which UpCycling never
# does.
_base_ = ['./meanteacher-raw_pointpillars_secfpn_600i_synthetic-kitti-3class-l5.py']  # noqa: E501
model = dict(
    semi_train_cfg=dict(
        point_gt_sampling=dict(
            db_sampler=dict(
                data_root={{_base_.data_root}},
                info_path={{_base_.db_sampler.info_path}},
                rate=1.0,
                prepare={{_base_.db_sampler.prepare}},
                classes={{_base_.class_names}},
                # F-GT's counts (the UpCycling config's fgt.sample_counts)
                sample_groups=dict(Pedestrian=10, Cyclist=10, Car=15),
                points_loader={{_base_.points_loader}}),
            collision_score_thr=0.1)))
