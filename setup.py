# Copyright (c) mmssl contributors. All rights reserved.
"""Package metadata lives in setup.cfg; this file keeps `pip install -e .`
working with older pip versions."""
from setuptools import setup

setup()
