# Copyright (c) mmssl contributors. All rights reserved.
from .ssl_cosine import SSLCosineLR, SSLCosineParamScheduler

__all__ = ['SSLCosineParamScheduler', 'SSLCosineLR']
