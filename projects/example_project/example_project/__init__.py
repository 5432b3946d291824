# Copyright (c) mmssl contributors. All rights reserved.
from .res_cnn import ExampleResCNN

__all__ = ['ExampleResCNN']
