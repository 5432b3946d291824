# MARS stage D at CPU scale: the same DeepLabV3+ and schedule as the
# baseline (deeplabv3plus_r18-d8_1500i_biased-voc-seeds.py), trained on
# the debiased labels of stage C with the EMA teacher filling the removed
# pixels and the certainty-weighted CE (the paper's Eqs. 6-7, Sec. 3.4).
#   python tools/train.py \
#       configs/mars/mars_deeplabv3plus_r18-d8_1500i_biased-voc.py \
#       --cfg-options train_dataloader.dataset.label_dir=<debiased dir>
# Defaults: literal Eq. 6 (max over the image's foreground classes),
# teacher argmax restricted to the image's classes, mean over valid
# pixels. Not stated by the paper, chosen here: EMA momentum 0.99 (DHR's
# 0.999 (shjo-april/DHR) would leave the teacher near its initialisation over
# 1,500 iterations), complementing from iteration 300 (removed pixels are
# ignored before; the teacher starts from random weights), no CRF, the
# teacher predicts at test time.
_base_ = ['./deeplabv3plus_r18-d8_1500i_biased-voc-seeds.py']
debiased_dir = 'work_dirs/mars_biased-voc/debiased'
model = dict(
    _delete_=True,
    type='MARSSegmentor',
    segmentor={{_base_.model}},
    data_preprocessor={{_base_.data_preprocessor}},
    ema_momentum=0.99,
    removed_index=254,
    weight_mode='fg',
    use_weight=True,
    complement=True,
    complement_start_iter=300,
    restrict_to_tags=True,
    predict_on='teacher')
train_dataloader = dict(dataset=dict(label_dir=debiased_dir))
