# Supervised single-view baseline of the phantom benchmark: one network
# (the axial view) trained on the 2 labeled volumes only.
_base_ = ['./supervised-mv_asym-unet3d_750i_phantom-2l.py']
model = dict(views=[(1, 2, 0)])
