# Copyright (c) mmssl contributors. All rights reserved.
from .wad_loop import WADLoop

__all__ = ['WADLoop']
