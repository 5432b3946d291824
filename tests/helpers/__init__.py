# Copyright (c) mmssl contributors. All rights reserved.
"""Helpers shared by the tests (and loaded by configs via custom_imports)."""
