# TSDDNet's class-label-guided candidate selection between the stages
# (tools/tsddnet/select_candidates.py; the paper, Wang et al., IEEE TMI 2024,
# arXiv 2306.06982, states the selection, not its rule). Every value is our
# choice
# (configs/tsddnet/README.md explains). A stage-2
# config adds selection.dataset: the overrides of its training dataset that
# give every stage-1 training image with stage 1's box split.
selection = dict(
    jitter=dict(
        scales=(0.8, 0.9, 1.0, 1.1, 1.25, 1.5),  # of w and h independently
        shifts=(-0.1, 0.0, 0.1)),  # of the box size
    options=dict(
        min_det_iou=0.3,  # detections with IoU >= 0.3 to the manual box
        top_k=5,  # detections per class-only image
        score_thr=0.3,  # tau_det
        gamma=1.,  # s(c) = p_Cls(y|c) * score_Det(c)^gamma
        cls_thr=0.7,  # tau_cls
        delta=0.05,  # refine only when the score gains >= delta
        min_iou=0.5))  # and the new box keeps IoU >= 0.5 to the manual one
