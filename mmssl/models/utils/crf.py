# Copyright (c) mmssl contributors. All rights reserved.
"""Dense CRF refinement of label maps (Krähenbühl & Koltun 2011), the
optional post-processing of CAM seeds in WSSS (IRNet's
``imutils.crf_inference_label``). Needs the ``pydensecrf`` module, from
``pip install pydensecrf2`` (built from source)."""
import numpy as np

CRF_MISSING = (
    'the dense CRF needs the pydensecrf module: pip install pydensecrf2 '
    '(it builds from source), or drop the crf option')


def check_crf_available() -> None:
    """Raise an ``ImportError`` saying what to install when pydensecrf is
    missing."""
    try:
        import pydensecrf.densecrf  # noqa: F401
    except ImportError:
        raise ImportError(CRF_MISSING) from None


def dense_crf_labels(img: np.ndarray,
                     labels: np.ndarray,
                     n_labels: int,
                     t: int = 10,
                     gt_prob: float = 0.7,
                     gaussian_sxy: float = 3.,
                     gaussian_compat: float = 3.,
                     bilateral_sxy: float = 50.,
                     bilateral_srgb: float = 5.,
                     bilateral_compat: float = 10.) -> np.ndarray:
    """Refine a label map with a fully connected CRF.

    The unary is the label map itself, trusted with ``gt_prob``; the
    pairwise terms are a Gaussian smoothness kernel and a bilateral
    (position + colour) appearance kernel; ``t`` mean-field iterations.
    The defaults are IRNet's (``crf_inference_label``: t=10,
    gt_prob=0.7, Gaussian sxy=3 compat=3, bilateral sxy=50 srgb=5
    compat=10).

    Args:
        img (np.ndarray): ``(H, W, 3)`` uint8 image.
        labels (np.ndarray): ``(H, W)`` labels in ``0 .. n_labels - 1``.
        n_labels (int): Number of labels.

    Returns:
        np.ndarray: ``(H, W)`` int64 refined labels.
    """
    check_crf_available()
    import pydensecrf.densecrf as dcrf
    from pydensecrf.utils import unary_from_labels
    h, w = labels.shape
    if img.shape[:2] != (h, w) or img.ndim != 3 or img.shape[2] != 3:
        raise ValueError(f'the CRF needs an (H, W, 3) image of the label '
                         f'map size {(h, w)}, got {img.shape}')
    if n_labels < 2:
        return labels.astype(np.int64)
    crf = dcrf.DenseCRF2D(w, h, n_labels)
    crf.setUnaryEnergy(unary_from_labels(
        labels.astype(np.int32), n_labels, gt_prob=gt_prob,
        zero_unsure=False))
    crf.addPairwiseGaussian(sxy=gaussian_sxy, compat=gaussian_compat)
    crf.addPairwiseBilateral(
        sxy=bilateral_sxy, srgb=bilateral_srgb,
        rgbim=np.ascontiguousarray(img.astype(np.uint8)),
        compat=bilateral_compat)
    q = np.array(crf.inference(t)).reshape(n_labels, h, w)
    return q.argmax(0).astype(np.int64)
