# Copyright (c) mmssl contributors. All rights reserved.
"""The MSD layout, NIfTI loading/reorientation/resampling with the affine
kept from input to saved prediction, the phantom writer, and clear errors
for bad files."""
import gzip
import json
import os.path as osp
import shutil

import nibabel as nib
import numpy as np
import pytest
from mmcv.transforms import Compose

from mmssl.datasets import MSDDataset
from mmssl.datasets.synthetic import make_phantom_msd
from mmssl.datasets.transforms.volume import (
    LoadNiftiFromFile,
    Orientation,
    PackVolumeInputs,
    ScaleIntensityWindow,
    Spacing,
    save_nifti_like,
    unpack_label,
)

NIB_DATA = osp.join(osp.dirname(nib.__file__), 'tests', 'data')


@pytest.fixture(scope='module')
def phantom(tmp_path_factory):
    return make_phantom_msd(str(tmp_path_factory.mktemp('msd') / 'Task'),
                            num_training=4, num_test=1, seed=3)


def _pipeline(pixdim=(1., 1., 1.)):
    return Compose([LoadNiftiFromFile(), Orientation('RAS'),
                    Spacing(pixdim), ScaleIntensityWindow(-100, 240),
                    PackVolumeInputs()])


def test_phantom_layout_and_dataset(phantom, tmp_path):
    meta = json.load(open(osp.join(phantom, 'dataset.json')))
    assert meta['labels'] == {'0': 'background', '1': 'organ',
                              '2': 'lesion'}
    assert len(meta['training']) == 4 and len(meta['test']) == 1
    assert 'not patient data' in meta['description']
    train = MSDDataset(phantom)
    assert train.metainfo['classes'] == ('background', 'organ', 'lesion')
    info = train.get_data_info(1)
    assert info['img_path'].endswith('imagesTr/phantom_001.nii.gz')
    assert info['seg_map_path'].endswith('labelsTr/phantom_001.nii.gz')
    assert len(MSDDataset(phantom, cases=[0, 2])) == 2
    test = MSDDataset(phantom, split='test')
    assert 'seg_map_path' not in test.get_data_info(0)
    spacings = {nib.load(train.get_data_info(i)['img_path']).header
                .get_zooms() for i in range(4)}
    assert len(spacings) == 4  # the spacing varies per case
    again = make_phantom_msd(str(tmp_path / 'again'), num_training=4,
                             num_test=1, seed=3)
    a = nib.load(osp.join(again, 'labelsTr', 'phantom_002.nii.gz'))
    b = nib.load(osp.join(phantom, 'labelsTr', 'phantom_002.nii.gz'))
    assert np.array_equal(np.asarray(a.dataobj), np.asarray(b.dataobj))
    assert np.allclose(a.affine, b.affine)


def test_pipeline_packs_zyx_and_labels(phantom):
    ds = MSDDataset(phantom, pipeline=_pipeline())
    out = ds[0]
    sample = out['data_samples']
    assert out['inputs'].shape[0] == 1
    assert tuple(out['inputs'].shape[1:]) == tuple(sample.gt_seg.shape)
    assert set(np.unique(sample.gt_seg.numpy())) == {0, 1, 2}
    assert 0 <= float(out['inputs'].min()) <= float(out['inputs'].max()) <= 1
    assert np.allclose(sample.spacing, (1., 1., 1.), atol=0.05)
    assert nib.aff2axcodes(sample.affine) == ('R', 'A', 'S')


@pytest.mark.parametrize('name', ['anatomical.nii', 'example4d.nii.gz'])
def test_prediction_saved_with_the_input_affine(name, tmp_path):
    """nibabel's bundled real volumes: reorient (they are LAS), resample,
    predict, save; the saved label has the input's grid and affine and
    lands where the prediction was made."""
    src = osp.join(NIB_DATA, name)
    if name == 'example4d.nii.gz':  # first frame as a 3-D volume
        img = nib.load(src)
        src = str(tmp_path / 'frame0.nii.gz')
        nib.save(nib.Nifti1Image(np.asarray(img.dataobj)[..., 0],
                                 img.affine, img.header), src)
    orig = nib.load(src)
    out = Compose([LoadNiftiFromFile(), Orientation('RAS'),
                   Spacing((1.5, 1.5, 2.5)),
                   PackVolumeInputs()])(dict(img_path=src))
    sample = out['data_samples']
    # "predict" a region defined in world (scanner) millimetres: x > cx and
    # z < cz, on the processed grid via its affine
    centre = orig.affine[:3, :3] @ (np.array(orig.shape[:3]) / 2) + \
        orig.affine[:3, 3]

    def region(shape, affine):
        ijk = np.indices(shape).reshape(3, -1)
        xyz = affine[:3, :3] @ ijk + affine[:3, 3:]
        inside = (xyz[0] > centre[0] + 3) & (xyz[2] < centre[2] - 2)
        return inside.reshape(shape)

    pred_ijk = region(unpack_label(out['inputs'][0].numpy()).shape,
                      sample.affine).astype(np.uint8)
    path = save_nifti_like(pred_ijk, src, str(tmp_path / 'pred.nii.gz'),
                           sample.geometry)
    saved = nib.load(path)
    assert saved.shape == orig.shape[:3]
    np.testing.assert_allclose(saved.affine, orig.affine)
    assert nib.aff2axcodes(saved.affine) == nib.aff2axcodes(orig.affine)
    expected = region(orig.shape[:3], orig.affine)
    assert expected.mean() > 0.1
    # equal up to the resampled boundary voxels
    assert ((np.asarray(saved.dataobj) > 0) == expected).mean() > 0.97


def test_corrupt_and_truncated_volumes_name_the_file(phantom, tmp_path):
    root = str(tmp_path / 'bad')
    shutil.copytree(phantom, root)
    ds = MSDDataset(root, pipeline=_pipeline())
    truncated = ds.get_data_info(0)['img_path']
    blob = open(truncated, 'rb').read()
    open(truncated, 'wb').write(blob[:len(blob) // 2])
    with pytest.raises(ValueError, match='phantom_000.nii.gz.*truncated'):
        ds[0]
    corrupt = ds.get_data_info(1)['seg_map_path']
    open(corrupt, 'wb').write(gzip.compress(b'not a nifti header' * 20))
    with pytest.raises(ValueError, match='labelsTr/phantom_001.nii.gz'):
        ds[1]
    # a label on another grid than its image
    other = ds.get_data_info(2)
    img = nib.load(other['img_path'])
    nib.save(nib.Nifti1Image(np.zeros((4, 4, 4), np.uint8), img.affine),
             other['seg_map_path'])
    with pytest.raises(ValueError, match='has shape'):
        ds[2]


def _write_nifti(path, data, affine=np.eye(4)):
    """Save ``data`` with ``affine`` written verbatim into the sform (so a
    singular or non-finite one survives, as in a broken real header)."""
    hdr = nib.Nifti1Header()
    hdr.set_data_dtype(data.dtype)
    hdr['srow_x'], hdr['srow_y'], hdr['srow_z'] = np.asarray(affine)[:3]
    hdr['sform_code'] = 2
    nib.save(nib.Nifti1Image(data, None, hdr), str(path))
    return str(path)


def test_non_finite_voxels_name_the_file(tmp_path):
    """A NaN/Inf in an image or label, or a fractional label, is refused
    with the file named, instead of segmenting NaNs or failing with
    ``cannot convert float NaN to integer``."""
    vol = np.zeros((6, 6, 6), np.float32)
    seg = np.zeros((6, 6, 6), np.float32)
    good_img = _write_nifti(tmp_path / 'img.nii.gz', vol)
    good_seg = _write_nifti(tmp_path / 'seg.nii.gz', seg)
    out = LoadNiftiFromFile().transform(
        dict(img_path=good_img, seg_map_path=good_seg))
    assert out['gt_seg'].dtype == np.int64
    for value in (np.nan, np.inf):
        vol[1, 2, 3] = value
        bad = _write_nifti(tmp_path / 'bad_img.nii.gz', vol)
        with pytest.raises(ValueError, match=r'bad_img.nii.gz: the image '
                           r'volume has 1 non-finite voxels.*\(1, 2, 3\)'):
            LoadNiftiFromFile().transform(dict(img_path=bad))
    seg[0, 0, 1] = np.nan
    bad = _write_nifti(tmp_path / 'bad_seg.nii.gz', seg)
    with pytest.raises(ValueError, match='bad_seg.nii.gz: the label volume '
                       'has 1 non-finite.*labels must be finite integers'):
        LoadNiftiFromFile().transform(
            dict(img_path=good_img, seg_map_path=bad))
    seg[0, 0, 1] = 1.5
    bad = _write_nifti(tmp_path / 'frac_seg.nii.gz', seg)
    with pytest.raises(ValueError, match='frac_seg.nii.gz: the label volume '
                       'has 1 non-integer voxels.*1.5'):
        LoadNiftiFromFile().transform(
            dict(img_path=good_img, seg_map_path=bad))


@pytest.mark.parametrize('affine,what', [
    (np.zeros((4, 4)), 'rank 0'),
    (np.diag([1., 1., 0., 1.]), 'rank 2'),
    (np.diag([1., np.nan, 1., 1.]), 'not a finite'),
])
def test_singular_affine_names_the_file(affine, what, tmp_path):
    """A zero/rank-deficient/NaN affine is refused when read, instead of
    nibabel's ``Unable to find out axis 0.0 in start_ornt`` later."""
    path = _write_nifti(tmp_path / 'flat.nii.gz',
                        np.ones((4, 5, 6), np.float32), affine)
    with pytest.raises(ValueError, match=f'flat.nii.gz: the NIfTI affine '
                       f'.*{what}.*qform/sform'):
        Compose([LoadNiftiFromFile(), Orientation('RAS')])(
            dict(img_path=path))


@pytest.mark.parametrize('kwargs,match', [
    (dict(num_training=0), 'num_training must be an integer >= 1'),
    (dict(num_training=2.5), 'num_training must be an integer >= 1'),
    (dict(num_test=-1), 'num_test must be an integer >= 0'),
])
def test_phantom_generator_checks_its_arguments(kwargs, match, tmp_path):
    with pytest.raises(ValueError, match=match):
        make_phantom_msd(str(tmp_path / 'ph'), **kwargs)
    assert not osp.exists(tmp_path / 'ph')


def test_missing_layout_is_explained(tmp_path):
    with pytest.raises(FileNotFoundError, match='Medical Segmentation'):
        MSDDataset(str(tmp_path))
    (tmp_path / 'dataset.json').write_text(json.dumps(dict(
        labels={'0': 'background'},
        training=[dict(image='./imagesTr/a.nii.gz',
                       label='./labelsTr/a.nii.gz')])))
    with pytest.raises(FileNotFoundError, match='imagesTr/a.nii.gz'):
        MSDDataset(str(tmp_path))


def test_random_3d_transforms():
    from mmssl.datasets.transforms.volume import (
        RandCropByPosNeg,
        RandFlip3D,
        RandIntensityJitter,
    )
    np.random.seed(0)
    img = np.random.rand(30, 12, 40).astype(np.float32)
    seg = np.zeros(img.shape, np.int64)
    seg[25:28, 2:4, 30:33] = 1  # a small corner object
    crop = RandCropByPosNeg(16, pos=1, neg=0)
    for _ in range(10):
        out = crop.transform(dict(img=img.copy(), gt_seg=seg.copy()))
        assert out['img'].shape == out['gt_seg'].shape == (16, 16, 16)
        assert out['gt_seg'].any()  # always centred on foreground
    # the 12-voxel axis is padded evenly (2 + 2) with zeros
    assert (out['img'][:, :2] == 0).all() and (out['img'][:, -2:] == 0).all()
    # without a label every crop is a random one
    out = RandCropByPosNeg((8, 8, 8)).transform(dict(img=img.copy()))
    assert out['img'].shape == (8, 8, 8) and 'gt_seg' not in out
    flipped = RandFlip3D(prob=1.0, axes=(0, 2)).transform(
        dict(img=img.copy(), gt_seg=seg.copy()))
    assert np.array_equal(flipped['img'], img[::-1, :, ::-1])
    assert np.array_equal(flipped['gt_seg'], seg[::-1, :, ::-1])
    jit = RandIntensityJitter(scale=0.1, shift=0.2, prob=1.0).transform(
        dict(img=np.ones((2, 2, 2), np.float32)))['img']
    assert jit.dtype == np.float32 and np.allclose(jit, jit.flat[0])
    assert 0.7 <= float(jit.flat[0]) <= 1.3 and float(jit.flat[0]) != 1
    with pytest.raises(ValueError):
        RandCropByPosNeg(8, pos=0, neg=0)


def test_crop_by_label_classes():
    from mmssl.datasets.transforms.volume import RandCropByLabelClasses
    np.random.seed(1)
    img = np.random.rand(40, 40, 40).astype(np.float32)
    seg = np.zeros(img.shape, np.int64)
    seg[5:25, 5:25, 5:25] = 1
    seg[30:32, 30:32, 30:32] = 2  # a small lesion far from the organ
    crop = RandCropByLabelClasses(8, ratios=[0, 0, 1])
    for _ in range(5):
        out = crop.transform(dict(img=img.copy(), gt_seg=seg.copy()))
        assert (out['gt_seg'] == 2).any()
    # a class absent from the volume falls back to a random centre
    out = RandCropByLabelClasses(8, ratios=[0, 0, 0, 1]).transform(
        dict(img=img.copy(), gt_seg=seg.copy()))
    assert out['img'].shape == (8, 8, 8)
    with pytest.raises(ValueError, match='ratios'):
        RandCropByLabelClasses(8, ratios=[0, 0])
