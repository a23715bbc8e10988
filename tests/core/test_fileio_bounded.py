"""Bounded reading of untrusted files: FIFOs, devices, links out, huge files, deep JSON, deep YAML, alias bombs."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.fileio.atomic import shared_modes, write_bytes_atomic
from app.core.fileio.bounded import (
    FileTooLarge,
    NotARegularFile,
    OutsideRoot,
    ParseError,
    json_depth,
    load_json,
    read_bounded,
    read_bounded_or_none,
    read_json,
    read_yaml,
    regular_files,
)
from app.core.fileio.limits import DEFAULT_LIMITS, Limits
from app.core.fileio.yamlsafe import YamlError, load_yaml

posix_only = pytest.mark.skipif(os.name == "nt", reason="FIFOs and /dev/zero are POSIX")

ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n" for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def deep_yaml(levels: int) -> str:
    """A block mapping nested `levels` deep."""
    return "".join(" " * i + "a:\n" for i in range(levels)) + " " * levels + "b: 1\n"


@posix_only
def test_a_fifo_is_refused_at_once_instead_of_blocking_the_reader(tmp_path):
    fifo = tmp_path / "x.json"
    os.mkfifo(fifo)
    started = time.perf_counter()
    with pytest.raises(NotARegularFile) as info:
        read_bounded(fifo, 1000)
    assert time.perf_counter() - started < 1
    assert "FIFO" in info.value.strerror and isinstance(info.value, OSError)


@posix_only
def test_a_symlink_to_dev_zero_is_refused_without_reading(tmp_path):
    link = tmp_path / "head.json"
    link.symlink_to("/dev/zero")
    with pytest.raises(OutsideRoot):
        read_bounded(link, 1000, root=tmp_path)
    with pytest.raises(NotARegularFile) as info:
        read_bounded(link, 1000)  # even without a root: a device is not a file
    assert "device" in info.value.strerror


def test_a_symlink_inside_its_root_is_read_and_one_leaving_it_is_refused(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "real.txt").write_bytes(b"ok")
    (root / "inside").symlink_to(root / "real.txt")
    (tmp_path / "secret").write_bytes(b"secret")
    (root / "outside").symlink_to(tmp_path / "secret")
    assert read_bounded(root / "inside", 10, root=root) == b"ok"
    with pytest.raises(OutsideRoot):
        read_bounded(root / "outside", 10, root=root)


def test_a_folder_with_one_writer_refuses_even_a_link_that_stays_inside(tmp_path):
    root = tmp_path / "root"
    root.mkdir()
    (root / "real.json").write_bytes(b"{}")
    (root / "inside.json").symlink_to(root / "real.json")
    assert read_json(root / "real.json", 10, root=root, follow_links=False) == {}
    with pytest.raises(NotARegularFile, match="symbolic link"):
        read_json(root / "inside.json", 10, root=root, follow_links=False)


def test_a_200_mb_file_is_refused_by_its_size_without_being_read(tmp_path):
    big = tmp_path / "big.md"
    with open(big, "wb") as fh:  # sparse: costs no disk and no time
        fh.truncate(200 * 1024 * 1024)
    started = time.perf_counter()
    with pytest.raises(FileTooLarge) as info:
        read_bounded(big, DEFAULT_LIMITS.article)
    assert time.perf_counter() - started < 0.5
    assert "200 MB" in info.value.strerror and "16 MB" in info.value.strerror


def test_missing_files_raise_file_not_found_or_give_none(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_bounded(tmp_path / "nope", 10)
    assert read_bounded_or_none(tmp_path / "nope", 10) is None


def test_json_nested_100000_levels_is_refused_quickly_with_a_parse_error(tmp_path):
    path = tmp_path / "head.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    started = time.perf_counter()
    with pytest.raises(ParseError) as info:
        read_json(path, 1 << 20)
    assert time.perf_counter() - started < 1
    assert "100000 levels" in str(info.value)


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"a": "[[[[{{{{", "b": [1, {"c": "\\"]]]"}]}') == 3
    assert load_json(b'{"items": {"kb/x.md": {"v": {"m": 1}}}}') == {"items": {"kb/x.md": {"v": {"m": 1}}}}


def test_bad_json_names_its_line():
    with pytest.raises(ParseError) as info:
        load_json('{\n"a": 1,\n}')
    assert info.value.line == 3


def test_yaml_nested_600_levels_is_refused_with_a_yaml_error_not_a_recursion_error(tmp_path):
    path = tmp_path / "synonyms.yaml"
    path.write_text(deep_yaml(600))
    with pytest.raises(YamlError) as info:
        read_yaml(path, DEFAULT_LIMITS.library)
    assert "nested more than 40 levels" in str(info.value)
    with pytest.raises(YamlError):
        load_yaml("[" * 6000 + "]" * 6000)  # libyaml's own nesting limit, as a YamlError too


def test_a_600_byte_alias_bomb_is_refused_in_milliseconds():
    assert len(ALIAS_BOMB) < 600
    started = time.perf_counter()
    with pytest.raises(YamlError) as info:
        load_yaml(ALIAS_BOMB)
    assert time.perf_counter() - started < 0.5
    assert "alias" in str(info.value)


def test_an_alias_placed_deep_counts_its_own_depth():
    anchor = "top: &deep " + "[" * 30 + "]" * 30
    nested = "\nuse: " + "[" * 15 + "*deep" + "]" * 15
    with pytest.raises(YamlError):
        load_yaml(anchor + nested)


def test_a_self_referencing_alias_is_refused():
    with pytest.raises(YamlError) as info:
        load_yaml("a: &x [1, *x]")
    assert "contains it" in str(info.value)


def test_ordinary_aliases_and_merge_keys_still_load():
    data = load_yaml("words: &w [亲, 宝]\nagain: *w\nm: {<<: {k: 1}, z: 2}\n")
    assert data == {"words": ["亲", "宝"], "again": ["亲", "宝"], "m": {"k": 1, "z": 2}}


def test_the_bundled_rules_load_within_the_limits(repo_root):
    for path in (repo_root / "scripts_library").rglob("*.yaml"):
        read_yaml(path, DEFAULT_LIMITS.library, root=repo_root)


@posix_only
def test_regular_files_lists_only_plain_files(tmp_path):
    (tmp_path / "a.json").write_text("{}")
    (tmp_path / ".zhida-x.tmp").write_text("{}")
    os.mkfifo(tmp_path / "b.json")
    (tmp_path / "c.json").symlink_to("/dev/zero")
    (tmp_path / "d").mkdir()
    assert [p.name for p in regular_files(tmp_path)] == ["a.json"]
    assert list(regular_files(tmp_path / "missing")) == []


def test_limits_take_positive_integer_overrides_only():
    limits = Limits().with_overrides({"article": 5, "head": -1, "nonsense": 3, "library": True})
    assert limits.article == 5 and limits.head == DEFAULT_LIMITS.head and limits.library == DEFAULT_LIMITS.library
    assert limits.for_path("kb/a.MD") == 5 and limits.for_path("scripts_library/x.yaml") == limits.library


@posix_only
def test_atomic_writes_respect_the_umask_and_a_shared_folders_group_bits(tmp_path):
    old = os.umask(0o022)
    try:
        write_bytes_atomic(tmp_path / "plain.txt", b"x")
        assert stat.S_IMODE((tmp_path / "plain.txt").stat().st_mode) == 0o644  # not mkstemp's 0600
        share = tmp_path / "share"
        share.mkdir()
        os.chmod(share, 0o2775)
        modes = shared_modes(share)
        write_bytes_atomic(share / "a" / "b" / "f.json", b"{}", mode=modes.file, dir_mode=modes.dir)
        assert stat.S_IMODE((share / "a" / "b" / "f.json").stat().st_mode) == 0o664
        assert stat.S_IMODE((share / "a" / "b").stat().st_mode) == 0o2775
    finally:
        os.umask(old)


@posix_only
def test_a_real_process_reading_a_fifo_finishes(tmp_path):
    """The whole point: a process that reads a FIFO through read_bounded ends instead of hanging."""
    fifo = tmp_path / "p"
    os.mkfifo(fifo)
    code = "import sys; from app.core.fileio.bounded import read_bounded\ntry: read_bounded(sys.argv[1], 10)\nexcept OSError as e: print(e.strerror)"
    out = subprocess.run(
        [sys.executable, "-c", code, str(fifo)],
        capture_output=True,
        text=True,
        timeout=20,
        cwd=Path(__file__).parents[2],
    )
    assert "FIFO" in out.stdout
