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


#: Prose that cites unpublished method notes ("the spec", "spec 3",
#: "the spec's Eq. 2", "(spec)") or the team's internal issue tracker
#: ("issue 10", "the issue's rule"): cite the paper or the official code
#: instead, which users can read, or state the fact. Not a call such as
#: ``module_from_spec(spec)``.
NOTES_CITATION = re.compile(
    r"\bthe spec\b|\bspec \d|\bspec's\b|(?<!\w)\(spec\)"
    r"|\bissues? #?\d+|\bthe issue's\b", re.IGNORECASE)


def _notes_citations(text):
    return [i for i, line in enumerate(text.splitlines(), 1)
            if NOTES_CITATION.search(line)]


def test_no_file_cites_unpublished_notes():
    out = subprocess.run(
        ['git', 'ls-files', '-z', '--', '*.md', '*.py', '*.yml'],
        cwd=ROOT, capture_output=True, check=True)
    this_file = osp.relpath(osp.abspath(__file__), ROOT)  # its examples
    offenders = []
    for rel in out.stdout.decode().split('\0'):
        path = osp.join(ROOT, rel)
        if not rel or rel == this_file or not osp.isfile(path):
            continue
        with open(path, encoding='utf-8', errors='replace') as f:
            text = f.read()
        offenders += [f'{rel}:{n}' for n in _notes_citations(text)]
    assert not offenders, ('lines that cite the unpublished method notes '
                           '(cite the paper or the official code):\n' +
                           '\n'.join(offenders))


def test_notes_citation_check_catches_the_forms():
    text = ('as the spec says\nspec 3: T = 3\nthe Spec\'s Eq. 2\n'
            'weights (spec)\nmodule_from_spec(spec)\nspec.loader\n'
            'a specification\n(issue 10 arm B)\nthe issue\'s rule\n'
            'raise an issue on GitHub\n')
    assert _notes_citations(text) == [1, 2, 3, 4, 8, 9]
