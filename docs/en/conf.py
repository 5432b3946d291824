# Copyright (c) mmssl contributors. All rights reserved.
"""Sphinx configuration of the mmssl documentation (``docs/en``).

Build offline, warnings as errors (what ``tools/run_tests.sh`` runs)::

    sphinx-build -W -b html docs/en docs/en/_build/html
"""
import glob
import os
import re
import sys

from docutils import nodes
from sphinx import addnodes
from sphinx.transforms import SphinxTransform

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
sys.path.insert(0, ROOT)

from mmssl import __version__  # noqa: E402

project = 'mmssl'
copyright = 'mmssl contributors'
author = 'mmssl contributors'
version = __version__
release = __version__

extensions = [
    'sphinx.ext.autodoc',
    'sphinx.ext.napoleon',
    'sphinx.ext.viewcode',
    'myst_parser',
]
# Offline: no intersphinx, no remote images.
source_suffix = {'.rst': 'restructuredtext', '.md': 'markdown'}
root_doc = 'index'
exclude_patterns = ['_build', 'Thumbs.db', '.DS_Store']

# MyST: GitHub-style anchors (``page.md#a-heading``) resolve in the build.
myst_heading_anchors = 4
myst_enable_extensions = ['colon_fence']

# API reference from docstrings (numpy/Google style through napoleon).
autodoc_default_options = {
    'members': True,
    'undoc-members': False,
    'show-inheritance': True,
}
autodoc_member_order = 'bysource'
autodoc_typehints = 'description'
napoleon_google_docstring = True
napoleon_numpy_docstring = True

html_theme = 'sphinx_rtd_theme'
html_title = f'mmssl {__version__}'
html_static_path = []


# --- links from the pages to files of the repository ----------------------
# The method pages include ``configs/<method>/README.md`` (one source of
# truth for each method's results). Links in those READMEs, and links from
# the pages to configs or scripts, point to files outside this source tree.
# Each such link is resolved against the file that contains it: a README
# included by a page links to that page, another page of this tree to it,
# any other file of the repository becomes a download of that file, a
# folder its name. A link to a path that does not exist is still a warning.
SRCDIR = os.path.dirname(os.path.abspath(__file__))
_INCLUDE = re.compile(r'^```\{include\}\s+(\S+)', re.M)


def _included_readmes():
    """Map each file included by a page to the page's docname."""
    found = {}
    for page in glob.glob(os.path.join(SRCDIR, '**', '*.md'), recursive=True):
        if os.sep + '_build' + os.sep in page:
            continue
        with open(page, encoding='utf-8') as f:
            text = f.read()
        for rel in _INCLUDE.findall(text):
            path = os.path.normpath(os.path.join(os.path.dirname(page), rel))
            docname = os.path.splitext(os.path.relpath(page, SRCDIR))[0]
            found[path] = docname.replace(os.sep, '/')
    return found


INCLUDED = _included_readmes()


class RepoLinks(SphinxTransform):
    """Resolve MyST links to repository files against their own file."""

    default_priority = 5

    def apply(self, **kwargs):
        env = self.env
        for node in list(self.document.findall(addnodes.pending_xref)):
            if node.get('reftype') != 'myst':
                continue
            target = node['reftarget']
            if node.get('refdomain') == 'doc':
                if target in env.found_docs:
                    continue
                path, anchor = target + '.md', node.get('reftargetid')
            elif node.get('refdomain') is None:
                path, _, anchor = target.partition('#')
            else:
                continue
            if not path or '://' in path:
                continue
            source = node.source or env.doc2path(env.docname)
            if not os.path.isabs(path):
                path = os.path.join(os.path.dirname(source), path)
            path = os.path.normpath(path)
            if not path.startswith(ROOT + os.sep) or not os.path.exists(path):
                continue  # left to MyST, which warns
            docname = INCLUDED.get(path) or env.path2doc(path)
            if docname and docname in env.found_docs:
                node['refdomain'] = 'doc'
                node['reftarget'] = docname
                node['reftargetid'] = anchor or None
            elif os.path.isfile(path):
                rel = os.path.relpath(path, SRCDIR).replace(os.sep, '/')
                new = addnodes.download_reference(
                    '', '', *node.children, refdomain=None, reftype='myst',
                    reftarget='/' + rel, refdoc=env.docname,
                    refexplicit=True)
                new['classes'] = ['xref', 'download', 'myst']
                node.replace_self(new)
            else:
                node.replace_self(nodes.literal(
                    '', os.path.relpath(path, ROOT) + '/'))


def setup(app):
    app.add_transform(RepoLinks)
