# Copyright (c) mmssl contributors. All rights reserved.
import pytest
from mmengine.registry import DefaultScope

import mmssl.registry as R
from mmssl.utils import explain_unknown_type


def test_every_registry_is_an_mmssl_child_of_mmengine():
    names = [n for n in R.__all__]
    assert {'MODELS', 'DATASETS', 'TRANSFORMS', 'DATA_SAMPLERS', 'METRICS',
            'EVALUATOR', 'HOOKS', 'OPTIM_WRAPPERS', 'VISUALIZERS',
            'VISBACKENDS', 'LOOPS', 'PARAM_SCHEDULERS'} <= set(names)
    for name in names:
        registry = getattr(R, name)
        assert registry.scope == 'mmssl', name
        assert registry.parent is not None and registry.parent.scope == \
            'mmengine', name
        assert registry._locations, name


def test_locations_import_modules_on_demand():
    assert R.MODELS.get('ImageClassifier') is not None
    assert R.DATASETS.get('DigitsDataset') is not None
    assert R.TRANSFORMS.get('PackClsInputs') is not None
    assert R.METRICS.get('Accuracy') is not None
    assert R.HOOKS.get('RNGStateHook') is not None


def test_mmdet_and_mmseg_modules_by_scope():
    assert DefaultScope.get_current_instance().scope_name == 'mmssl'
    resnet = R.MODELS.build(dict(type='mmdet.ResNet', depth=18))
    assert type(resnet).__module__.startswith('mmdet.')
    vit = R.MODELS.build(
        dict(type='mmseg.VisionTransformer', img_size=(32, 32),
             patch_size=16, embed_dims=32, num_layers=1, num_heads=2,
             out_indices=(0, )))
    assert type(vit).__module__.startswith('mmseg.')
    loss = R.MODELS.build(dict(type='mmdet.CrossEntropyLoss'))
    assert type(loss).__name__ == 'CrossEntropyLoss'


def test_unknown_type_error_names_registry_type_and_closest():
    with pytest.raises(KeyError) as e:
        R.MODELS.build(dict(type='ImageClasifier', backbone={}, head={}))
    text = explain_unknown_type(str(e.value.args[0]))
    assert "'ImageClasifier'" in text
    assert 'mmssl::model' in text
    assert 'ImageClassifier' in text.split('closest registered names:')[1]


def test_unknown_type_in_sibling_scope_suggests_scoped_name():
    with pytest.raises(KeyError) as e:
        R.MODELS.build(dict(type='mmdet.ResNnet', depth=18))
    text = explain_unknown_type(str(e.value.args[0]))
    assert 'mmdet.ResNet' in text.split('closest registered names:')[1]


_NO_MMDET3D = '''
import sys
import mmssl.apis, mmssl.datasets, mmssl.engine, mmssl.evaluation
import mmssl.models, mmssl.visualization
from mmssl.utils import register_all_modules
register_all_modules()
loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'mmdet3d')
assert not loaded, loaded[:5]
'''

_LAZY_3D = '''
from mmengine.registry import DefaultScope
import mmssl.registry as R
DefaultScope.get_instance('lazy', scope_name='mmssl')
assert R.MODELS.get('UpCycling').__name__ == 'UpCycling'
assert R.MODELS.get('mmssl.UpCycling').__name__ == 'UpCycling'
assert R.TRANSFORMS.get('LoadKittiPoints') is not None
assert R.TRANSFORMS.get('GTDatabaseSampler') is not None
assert R.DATASETS.get('SemiDet3DDataset') is not None
assert R.FUNCTIONS.get('semi_det3d_collate') is not None
assert R.METRICS.get('KittiMetric') is not None
from mmssl.datasets import KITTI_CLASSES, read_velodyne  # noqa
from mmssl.evaluation import KittiMetric  # noqa
from mmssl.models import UpCycling  # noqa
from mmssl.models.detectors import UpCycling  # noqa
'''


def _run(code):
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, '-c', code + '\nprint("checked")'],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc.stdout


def test_importing_mmssl_does_not_import_mmdet3d():
    # the script's own asserts ran to the end
    assert 'checked' in _run(_NO_MMDET3D)


def test_3d_types_are_imported_on_first_lookup():
    pytest.importorskip('mmdet3d')
    assert 'checked' in _run(_LAZY_3D)
