# Copyright (c) mmssl contributors. All rights reserved.
from .accuracy import Accuracy

__all__ = ['Accuracy']
