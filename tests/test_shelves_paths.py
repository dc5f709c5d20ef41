"""The files folder of the file nodes: every path stays inside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nodeweave.shelves import _paths
from nodeweave.shelves._paths import PathNotAllowedError


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "files"
    (folder / "sub").mkdir(parents=True)
    (folder / "a.csv").write_text("x\n1\n")
    (folder / "sub" / "b.csv").write_text("x\n2\n")
    (folder / ".hidden.csv").write_text("x\n3\n")
    monkeypatch.setenv(_paths.FILES_DIR_ENV, str(folder))
    return folder


def test_the_folder_comes_from_the_environment_or_defaults_to_files(
    root: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert _paths.files_dir() == root
    monkeypatch.delenv(_paths.FILES_DIR_ENV)
    monkeypatch.chdir(tmp_path)
    assert _paths.files_dir() == tmp_path / "files"


def test_relative_paths_resolve_inside_the_folder(root: Path) -> None:
    assert _paths.resolve("a.csv") == (root / "a.csv").resolve()
    assert _paths.resolve("sub/b.csv") == (root / "sub" / "b.csv").resolve()
    assert _paths.resolve("./sub//b.csv") == (root / "sub" / "b.csv").resolve()
    assert _paths.resolve("new/out.csv") == (root / "new" / "out.csv").resolve()  # for writers
    assert _paths.relative(_paths.resolve("sub/b.csv")) == "sub/b.csv"
    assert _paths.existing_file("sub/b.csv").read_text() == "x\n2\n"


@pytest.mark.parametrize("path", ["", "   "])
def test_an_empty_path_is_refused(root: Path, path: str) -> None:
    with pytest.raises(PathNotAllowedError, match="empty"):
        _paths.resolve(path)


def test_a_path_is_text(root: Path) -> None:
    with pytest.raises(TypeError, match="a path is text, got int"):
        _paths.resolve(3)  # type: ignore[arg-type]


@pytest.mark.parametrize("path", ["/etc/passwd", "\\windows\\x", "C:\\data\\x.csv", "//srv/x"])
def test_absolute_paths_are_refused(root: Path, path: str) -> None:
    with pytest.raises(PathNotAllowedError) as info:
        _paths.resolve(path)
    assert repr(path) in str(info.value)
    assert isinstance(info.value, ValueError)


@pytest.mark.parametrize("path", ["../x.csv", "sub/../../x.csv", "sub/../a.csv", "..\\x.csv", ".."])
def test_dot_dot_segments_are_refused_even_when_they_stay_inside(root: Path, path: str) -> None:
    with pytest.raises(PathNotAllowedError, match=r"contains '\.\.'") as info:
        _paths.resolve(path)
    assert repr(path) in str(info.value)


def test_a_symlink_leading_out_is_refused(root: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("no")
    os.symlink(secret, root / "link.csv")
    os.symlink(tmp_path, root / "outside")
    with pytest.raises(PathNotAllowedError, match=r"link\.csv.*outside the files folder"):
        _paths.existing_file("link.csv")
    with pytest.raises(PathNotAllowedError, match="outside the files folder"):
        _paths.resolve("outside/secret.txt")
    assert "link.csv" not in _paths.list_files("*")


def test_a_symlink_inside_the_folder_is_followed(root: Path) -> None:
    os.symlink(root / "sub" / "b.csv", root / "alias.csv")
    assert _paths.existing_file("alias.csv") == (root / "sub" / "b.csv").resolve()


def test_a_missing_file_names_it_and_lists_files_that_exist(root: Path) -> None:
    with pytest.raises(FileNotFoundError) as info:
        _paths.existing_file("nope.csv")
    message = str(info.value)
    assert "'nope.csv'" in message
    assert "a.csv" in message and "sub/b.csv" in message
    assert ".hidden" not in message
    with pytest.raises(IsADirectoryError, match="'sub' is a folder"):
        _paths.existing_file("sub")


def test_a_missing_file_in_an_empty_or_absent_folder(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no files yet"):
        _paths.existing_file("x.csv", root=tmp_path / "absent")
    assert _paths.list_files("*", root=tmp_path / "absent") == []


def test_many_files_are_listed_only_in_part(tmp_path: Path) -> None:
    for i in range(12):
        (tmp_path / f"f{i:02}.csv").write_text("")
    message = _paths.missing_message("x.csv", tmp_path)
    assert "f00.csv, f01.csv, f02.csv, f03.csv, f04.csv, … (12 files)" in message


def test_list_files_matches_patterns_and_skips_hidden_files(root: Path) -> None:
    assert _paths.list_files("*") == ["a.csv"]
    assert _paths.list_files("*.csv") == ["a.csv"]
    assert _paths.list_files("**/*.csv") == ["a.csv", "sub/b.csv"]
    assert _paths.list_files("sub/*") == ["sub/b.csv"]
    assert _paths.list_files("*.parquet") == []
    for bad in ["../*", "/etc/*"]:
        with pytest.raises(PathNotAllowedError):
            _paths.list_files(bad)
