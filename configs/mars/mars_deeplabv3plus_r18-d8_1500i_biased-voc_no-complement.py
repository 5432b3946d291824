# Ablation of MARS stage D (ours, not in the paper's tables): the same
# network, schedule, EMA teacher and certainty-weighted CE as
# mars_deeplabv3plus_r18-d8_1500i_biased-voc.py, but the pixels stage C
# removed stay ignored for the whole training (the teacher never fills
# them: the paper's "Y^db" labels alone). It separates the label edit from
# the refilling in the synthetic benchmark (configs/mars/README.md).
#   python tools/train.py CONFIG \
#       --cfg-options train_dataloader.dataset.label_dir=<debiased dir>
# with CONFIG this file.
_base_ = ['./mars_deeplabv3plus_r18-d8_1500i_biased-voc.py']
model = dict(complement=False)
