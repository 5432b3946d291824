# Copyright (c) mmssl contributors. All rights reserved.
from .digits_cnn import DigitsCNN

__all__ = ['DigitsCNN']
