# Copyright (c) mmssl contributors. All rights reserved.
"""The version-2 phantoms of UMCT's co-training benchmark: anisotropic
voxels kept, a contrast drawn per case, organ only, the MSD layout; and
the unlabeled volumes' labels kept for logging only."""
import json
import os.path as osp

import nibabel as nib
import numpy as np
import pytest
from scipy import ndimage

from mmssl.datasets import MSDDataset
from mmssl.datasets.semi import VolumeSemiDataset
from mmssl.datasets.synthetic import (
    PHANTOM_V2_LABELS,
    make_phantom_case_v2,
    make_phantom_msd,
)
from mmssl.datasets.synthetic.phantom import (
    PHANTOM_V2_REVISION,
    V2_CONTRAST_HU,
    V2_SPACING,
    V2_TEXTURE_HU,
    V2_TISSUE_HU,
    V2R3_APPEARANCES,
    V2R3_NOISE_HU,
)


@pytest.fixture(scope='module')
def phantom_v2(tmp_path_factory):
    """Revision 2 (the texture-cue design, kept to reproduce older
    results)."""
    return make_phantom_msd(str(tmp_path_factory.mktemp('v2') / 'Task'),
                            num_training=5, num_test=1, seed=1, version=2,
                            revision=2)


def test_v2_layout_spacing_and_labels(phantom_v2):
    meta = json.load(open(osp.join(phantom_v2, 'dataset.json')))
    assert meta['labels'] == PHANTOM_V2_LABELS == {'0': 'background',
                                                   '1': 'organ'}
    assert meta['phantom_version'] == 2 and meta['numTraining'] == 5
    assert meta['phantom_revision'] == 2
    assert len(meta['training']) == 5 and len(meta['test']) == 1
    assert 'not patient data' in meta['description']
    for entry in meta['training']:
        for key in ('image', 'label'):
            assert osp.isfile(osp.join(phantom_v2, entry[key]))
    assert osp.isfile(osp.join(phantom_v2, meta['test'][0]))
    train = MSDDataset(phantom_v2)
    assert train.metainfo['classes'] == ('background', 'organ')
    axcodes = set()
    for i in range(5):
        info = train.get_data_info(i)
        img, seg = nib.load(info['img_path']), nib.load(info['seg_map_path'])
        # every case on the same anisotropic grid (thick slices)
        assert img.header.get_zooms() == pytest.approx(V2_SPACING)
        np.testing.assert_allclose(img.affine, seg.affine)
        labels = np.unique(np.asarray(seg.dataobj))
        assert set(labels.tolist()) == {0, 1}  # organ only, no lesion
        assert img.shape[2] >= 32  # a 32-voxel patch fits along slices
        axcodes.add(nib.aff2axcodes(img.affine))
    assert len(axcodes) > 1  # orientations still vary


def test_v2_contrast_is_drawn_per_case(phantom_v2):
    meta = json.load(open(osp.join(phantom_v2, 'dataset.json')))
    cases = meta['phantom_cases']
    assert [c['name'] for c in cases] == [
        f'phantom_{i:03d}.nii.gz' for i in range(6)]
    organ = [c['organ_hu'] for c in cases]
    for c in cases:
        assert V2_TISSUE_HU[0] <= c['tissue_hu'] <= V2_TISSUE_HU[1]
        for key in ('organ_hu', 'distractor_hu'):
            delta = abs(c[key] - c['tissue_hu'])
            assert V2_CONTRAST_HU[0] - 0.1 <= delta <= V2_CONTRAST_HU[1] + .1
    assert np.ptp(organ) > 30
    # the organ is brighter than the tissue in some cases, darker in others
    signs = {np.sign(c['organ_hu'] - c['tissue_hu']) for c in cases}
    assert signs == {-1.0, 1.0}
    # the images carry the drawn density: the organ's median HU follows it
    train = MSDDataset(phantom_v2)
    medians = []
    for i in range(5):
        info = train.get_data_info(i)
        img = np.asarray(nib.load(info['img_path']).dataobj, float)
        seg = np.asarray(nib.load(info['seg_map_path']).dataobj)
        medians.append(np.median(img[seg == 1]))
    assert np.corrcoef(medians, organ[:5])[0, 1] > 0.9


def test_v2_case_partial_volume_and_determinism():
    a = make_phantom_case_v2(np.random.default_rng(4))
    b = make_phantom_case_v2(np.random.default_rng(4))
    assert a[3] == b[3]
    np.testing.assert_array_equal(a[1], b[1])
    img, label, affine, info = a
    assert img.shape == label.shape and label.dtype == np.uint8
    assert info['spacing'] == list(V2_SPACING)
    assert np.linalg.norm(affine[:3, :3], axis=0) == pytest.approx(
        V2_SPACING)
    with pytest.raises(ValueError, match='version must be 1 or 2'):
        make_phantom_msd('/nonexistent/never', version=3)
    with pytest.raises(ValueError, match='revision must be 2 or 3'):
        make_phantom_msd('/nonexistent/never', version=2, revision=1)
    with pytest.raises(ValueError, match='revision must be 2 or 3'):
        make_phantom_case_v2(np.random.default_rng(0), revision=4)


def test_v2_distractor_size_and_organ_texture():
    """Revision 2: the distractor is about as large as the organ (size
    alone does not tell them apart), the organ carries a textured interior
    of the drawn amplitude and the distractor is homogeneous."""
    ratios = []
    for seed in range(6):
        img, label, _, info = make_phantom_case_v2(
            np.random.default_rng(seed), revision=2)
        assert V2_TEXTURE_HU[0] <= info['texture_hu'] <= V2_TEXTURE_HU[1]
        ratios.append(info['distractor_ml'] / info['organ_ml'])
        assert abs(label.sum() * np.prod(V2_SPACING) / 1e3 -
                   info['organ_ml']) < 0.25 * info['organ_ml']
    # revision 1's distractor held about a tenth of the organ's volume
    assert np.median(ratios) > 0.4
    # the organ's intensities spread more than the noise alone could (the
    # in-plane blur shrinks the noise's std to about half): its texture
    img, label, _, info = make_phantom_case_v2(np.random.default_rng(0),
                                               revision=2)
    assert img[label == 1].std() > info['noise_hu']


def test_v3_appearances_drawn_per_object(tmp_path):
    """Revision 3 (the default): the organ's and the distractor's
    appearance drawn per case and independently, so no appearance tells
    which object it is; the distractor much smaller than the organ; the
    image carries the drawn appearance."""
    root = make_phantom_msd(str(tmp_path / 'Task'), num_training=3,
                            num_test=0, seed=0, version=2)
    meta = json.load(open(osp.join(root, 'dataset.json')))
    assert meta['phantom_revision'] == PHANTOM_V2_REVISION == 3
    assert meta['phantom_cases'][0]['organ_kind'] in V2R3_APPEARANCES
    organ_kinds, other_kinds = set(), set()
    for seed in range(8):
        img, label, _, info = make_phantom_case_v2(
            np.random.default_rng(seed))
        organ_kinds.add(info['organ_kind'])
        other_kinds.add(info['distractor_kind'])
        assert V2R3_NOISE_HU[0] <= info['noise_hu'] <= V2R3_NOISE_HU[1]
        assert info['distractor_ml'] < 0.35 * info['organ_ml']
        organ = img[label == 1]
        kind, tissue = info['organ_kind'], info['tissue_hu']
        if kind == 'bright':
            assert np.median(organ) > tissue + 30
        elif kind == 'dark':
            assert np.median(organ) < tissue - 30
        elif kind == 'textured':
            # a texture far above the noise (the blur halves the noise)
            assert organ.std() > 1.5 * info['noise_hu']
        else:  # a bright rim around a darker core
            core = ndimage.binary_erosion(label == 1, iterations=3)
            rim = (label == 1) & ~ndimage.binary_erosion(label == 1)
            assert img[rim].mean() > img[core].mean() + 20
    # the organ and the distractor take every kind, not a kind each
    assert len(organ_kinds) >= 3 and organ_kinds & other_kinds


def test_unlabeled_labels_are_for_logging_only(phantom_v2):
    pre = [dict(type='LoadNiftiFromFile'), dict(type='Orientation',
                                                axcodes='RAS'),
           dict(type='ScaleIntensityWindow', a_min=-100, a_max=240),
           dict(type='RandCropByPosNeg', size=16, pos=0, neg=1)]
    pack = [dict(type='PackVolumeInputs')]
    data = dict(type='MSDDataset', data_root=phantom_v2, cases=[0, 1, 2])
    ds = VolumeSemiDataset(
        data, labeled_pipeline=pre + pack,
        unlabeled_pipeline=pre + [dict(type='LabelForLoggingOnly')] + pack,
        num_labeled=1, log_unlabeled_labels=True)
    lab, unl = ds[0]['data_samples'], ds[1]['data_samples']
    assert 'gt_seg' in lab and 'log_seg' not in lab
    assert 'gt_seg' not in unl and unl.log_seg.shape == (16, 16, 16)
    # a pipeline that forgets to hide the label is refused
    bad = VolumeSemiDataset(data, labeled_pipeline=pre + pack,
                            unlabeled_pipeline=pre + pack, num_labeled=1,
                            log_unlabeled_labels=True)
    with pytest.raises(ValueError, match='LabelForLoggingOnly'):
        bad[1]
    # default: unlabeled volumes have no label at all
    plain = VolumeSemiDataset(data, labeled_pipeline=pre + pack,
                              unlabeled_pipeline=pre + pack, num_labeled=1)
    unl = plain[1]['data_samples']
    assert 'gt_seg' not in unl and 'log_seg' not in unl


def test_generator_cli_version_2(tmp_path):
    from tests.helpers.runner_utils import load_script
    cli = load_script('tools/data/make_phantom_msd.py', 'make_phantom_cli')
    with pytest.raises(ValueError, match='below 24.*cases 18-23'):
        cli.main([str(tmp_path / 'few'), '--version', '2', '--training',
                  '3'])
    out = cli.main([str(tmp_path / 'ok'), '--version', '2', '--training',
                    '2', '--test', '0', '--allow-fewer'])
    meta = json.load(open(osp.join(out, 'dataset.json')))
    assert meta['phantom_version'] == 2 and meta['numTraining'] == 2
    assert cli.parse_args([]).version == 1  # the default is unchanged
