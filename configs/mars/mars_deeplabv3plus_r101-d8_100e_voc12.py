# MARS stage D at paper scale on VOC 2012: the network and recipe of
# deeplabv3plus_r101-d8_100e_voc12-seeds.py trained on the debiased labels
# with the EMA teacher and the certainty-weighted CE (Eqs. 6-7). EMA
# momentum 0.999 (the value of the authors' later DHR code,
# shjo-april/DHR); complementing from the
# end of the first epoch (661 iterations; the paper does not say when it
# starts); literal Eq. 6; teacher restricted to the image's classes; no
# online CRF (the paper's R is a CRF; an optional refinement here).
#   python tools/train.py \
#       configs/mars/mars_deeplabv3plus_r101-d8_100e_voc12.py \
#       --cfg-options train_dataloader.dataset.label_dir=<debiased dir>
_base_ = ['./deeplabv3plus_r101-d8_100e_voc12-seeds.py']
debiased_dir = 'work_dirs/mars_voc12/debiased'
model = dict(
    _delete_=True,
    type='MARSSegmentor',
    segmentor={{_base_.model}},
    data_preprocessor={{_base_.data_preprocessor}},
    ema_momentum=0.999,
    removed_index=254,
    weight_mode='fg',
    complement_start_iter=661,
    restrict_to_tags=True,
    predict_on='teacher')
optim_wrapper = dict(
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.)}))
train_dataloader = dict(dataset=dict(label_dir=debiased_dir))
