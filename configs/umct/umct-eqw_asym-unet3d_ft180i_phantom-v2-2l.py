# Stage 2 of UMCT's co-training benchmark, the uncertainty ablation: UMCT
# with the other views fused with equal weights (uncertainty=False; the
# MC samples are still drawn, their mean is the prediction fused), all
# else as umct_asym-unet3d_ft180i_phantom-v2-2l.py.
_base_ = ['./umct_asym-unet3d_ft180i_phantom-v2-2l.py']
model = dict(uncertainty=False)
