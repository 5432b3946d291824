# MARS stage C (debiased centroids and labels), the paper's defaults
# (Jo et al., ICCV 2023, Sec. 4.1): K_fg = K_bg = 2, alpha = 0.40, Eq. 1's
# mean distance to all background centroids (own image included, as Eq. 1
# is written). Ours: no CRF, so M = [M^ > 0.5] (the paper binarises after
# "a typical post-processing refinement (e.g. CRF)"); removed pixels get
# index 254 (ignored or complemented in stage D); K-means with k-means++
# and 30 Lloyd iterations (the paper names neither).
debias = dict(
    k_fg=2,
    k_bg=2,
    alpha=0.4,
    reduce='mean',
    exclude_own_background=False,
    threshold=0.5,
    removed_index=254,
    kmeans_iters=30)
