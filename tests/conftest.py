# Copyright (c) mmssl contributors. All rights reserved.
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)


@pytest.fixture(scope='session', autouse=True)
def _mmssl_scope():
    from mmssl.utils import register_all_modules
    register_all_modules(init_default_scope=True)
    yield
