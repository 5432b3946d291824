# Stage 2 of UMCT's co-training benchmark, supervised single-view arm:
# the axial network alone (the stage-1 checkpoint's first view; the
# others' weights are left unused by load_from), trained on the 2 labeled
# volumes with the stage-2 schedule of
# supervised-mv_asym-unet3d_ft180i_phantom-v2-2l.py.
_base_ = ['./supervised-mv_asym-unet3d_ft180i_phantom-v2-2l.py']
model = dict(views=[(1, 2, 0)])
