# Copyright (c) mmssl contributors. All rights reserved.
import datetime
import warnings

from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mmssl module that registers something, and optionally
    make ``mmssl`` the default scope.

    The training tools do not need this (configs set ``default_scope`` and
    the registries' ``locations`` import modules on demand); tests, notebooks
    and user scripts that build modules directly do.

    The modules that need mmdet3d (UpCycling, KITTI, BEV features) are not
    imported here: the registries import them on the first lookup of a name
    they do not hold (``lazy_locations`` in :mod:`mmssl.registry`).

    Args:
        init_default_scope (bool): Whether to set ``mmssl`` as the current
            default scope. Defaults to True.
    """
    import mmssl.apis  # noqa: F401,F811
    import mmssl.datasets  # noqa: F401,F811
    import mmssl.engine  # noqa: F401,F811
    import mmssl.evaluation  # noqa: F401,F811
    import mmssl.models  # noqa: F401,F811
    import mmssl.visualization  # noqa: F401,F811
    if not init_default_scope:
        return
    never_created = DefaultScope.get_current_instance() is None \
        or not DefaultScope.check_instance_created('mmssl')
    if never_created:
        DefaultScope.get_instance('mmssl', scope_name='mmssl')
        return
    current_scope = DefaultScope.get_current_instance()
    if current_scope.scope_name != 'mmssl':
        warnings.warn('The current default scope '
                      f'"{current_scope.scope_name}" is not "mmssl", '
                      '`register_all_modules` will force the current '
                      'default scope to be "mmssl".')
        new_instance_name = f'mmssl-{datetime.datetime.now()}'
        DefaultScope.get_instance(new_instance_name, scope_name='mmssl')
