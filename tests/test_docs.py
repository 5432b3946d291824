# Copyright (c) mmssl contributors. All rights reserved.
"""The README and the documentation link only to files of the repository,
and nothing in the repository refers to files outside it."""
import os
import os.path as osp
import re
import subprocess

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')


def _markdown_files():
    files = [osp.join(ROOT, 'README.md'), osp.join(ROOT, 'CHANGELOG.md'),
             osp.join(ROOT, 'CONTRIBUTING.md')]
    for dirpath, dirnames, filenames in os.walk(osp.join(ROOT, 'docs', 'en')):
        dirnames[:] = [d for d in dirnames if d != '_build']
        files += [osp.join(dirpath, f) for f in filenames
                  if f.endswith('.md')]
    return sorted(files)


def _relative_links(path):
    with open(path, encoding='utf-8') as f:
        text = f.read()
    text = re.sub(r'```.*?```', '', text, flags=re.S)  # code blocks
    for target in LINK.findall(text):
        if re.match(r'^[a-z][a-z0-9+.-]*:', target) or target.startswith('#'):
            continue  # a URL or an anchor of the same page
        yield target.split('#', 1)[0]


def test_markdown_links_point_to_repository_files():
    files = _markdown_files()
    assert osp.join(ROOT, 'docs', 'en', 'index.md') in files
    broken = []
    for path in files:
        for target in _relative_links(path):
            resolved = osp.normpath(osp.join(osp.dirname(path), target))
            inside = resolved.startswith(ROOT + os.sep)
            if not inside or not osp.exists(resolved):
                broken.append(f'{osp.relpath(path, ROOT)}: {target}')
    assert not broken, 'links to missing files:\n' + '\n'.join(broken)


def test_link_checker_catches_a_missing_file(tmp_path):
    page = tmp_path / 'page.md'
    page.write_text('[ok](page.md) [url](https://example.org) '
                    '[gone](missing.md#x)\n```\n[code](nothing.md)\n```\n')
    assert list(_relative_links(str(page))) == ['page.md', 'missing.md']


def test_no_file_refers_outside_the_repository():
    # Tracked and untracked (not ignored) files: .git, .venv and ignored
    # build outputs are not part of the repository.
    out = subprocess.run(
        ['git', 'ls-files', '-z', '--cached', '--others',
         '--exclude-standard'], cwd=ROOT, capture_output=True, check=True)
    needles = ('../' + 'shared', 'shared/' + 'methods')
    offenders = []
    for rel in out.stdout.decode().split('\0'):
        path = osp.join(ROOT, rel)
        if not rel or not osp.isfile(path) or rel.startswith('.venv/'):
            continue
        with open(path, 'rb') as f:
            text = f.read()
        if any(needle.encode() in text for needle in needles):
            offenders.append(rel)
    assert not offenders, f'files that mention {needles}: {offenders}'
