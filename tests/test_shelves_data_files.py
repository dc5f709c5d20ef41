"""The files shelf: reading and writing tables and images inside the worker's files folder."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pandas as pd
import pytest
from PIL import Image

from nodeweave import Library, NodeSpace, Status
from nodeweave.core.spec import spec_of
from nodeweave.shelves import builtin_shelves, files
from nodeweave.shelves._paths import FILES_DIR_ENV, PathNotAllowedError
from nodeweave.shelves._tables import ColumnNotFoundError

SALES = pd.DataFrame(
    {
        "day": ["2024-01-01", "2024-01-02", "2024-01-03"],
        "region": ["North", "South", "North"],
        "units": [3, 5, 7],
    }
)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "files"
    root.mkdir()
    monkeypatch.setenv(FILES_DIR_ENV, str(root))
    return root


# --- reading --------------------------------------------------------------------------------


def test_read_csv_sniffs_the_delimiter_and_parses_dates(folder: Path) -> None:
    (folder / "semi.csv").write_text("day;region;units\n2024-01-01;North;3\n2024-01-02;South;5\n")
    table = files.read_csv("semi.csv", parse_dates=["day"])
    assert list(table.columns) == ["day", "region", "units"]
    assert table["units"].tolist() == [3, 5]
    assert pd.api.types.is_datetime64_any_dtype(table["day"])
    assert files.read_csv("semi.csv", delimiter=";").shape == (2, 3)
    assert files.read_csv("semi.csv", delimiter=",").shape == (2, 1)


def test_read_csv_reads_tsv_and_headerless_files(folder: Path) -> None:
    (folder / "t.tsv").write_text("a\tb\n1\t2\n3\t4\n")
    assert files.read_csv("t.tsv").to_dict("list") == {"a": [1, 3], "b": [2, 4]}
    (folder / "plain.csv").write_text("1,2\n3,4\n")
    headerless = files.read_csv("plain.csv", header=False)
    assert list(headerless.columns) == ["column_1", "column_2"]
    assert headerless.shape == (2, 2)


def test_read_csv_encoding(folder: Path) -> None:
    (folder / "latin.csv").write_bytes("name\nJosé\n".encode("latin-1"))
    with pytest.raises(ValueError, match=r"'latin\.csv' is not utf-8 text.*latin-1"):
        files.read_csv("latin.csv")
    assert files.read_csv("latin.csv", encoding="latin-1")["name"].tolist() == ["José"]
    with pytest.raises(ValueError, match="unknown text encoding 'klingon'"):
        files.read_csv("latin.csv", encoding="klingon")


def test_read_csv_empty_file_is_an_empty_table(folder: Path) -> None:
    (folder / "empty.csv").write_text("")
    assert files.read_csv("empty.csv").shape == (0, 0)
    (folder / "header.csv").write_text("a,b\n")
    assert list(files.read_csv("header.csv").columns) == ["a", "b"]


def test_read_csv_missing_date_column_is_named(folder: Path) -> None:
    (folder / "s.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ColumnNotFoundError, match=r"'when' not in 's\.csv'.*'a', 'b'"):
        files.read_csv("s.csv", parse_dates=["when"])
    (folder / "t.csv").write_text("a,b\n1,soon\n")
    with pytest.raises(ValueError, match=r"column 'b' of 't\.csv' does not hold dates"):
        files.read_csv("t.csv", parse_dates=["b"])


def test_missing_file_names_it_and_lists_existing_ones(folder: Path) -> None:
    (folder / "real.csv").write_text("a\n1\n")
    with pytest.raises(FileNotFoundError, match=r"'sales\.csv'.*real\.csv"):
        files.read_csv("sales.csv")


@pytest.mark.parametrize(
    "reader",
    [
        files.read_csv,
        files.read_excel,
        files.read_parquet,
        files.read_json,
        files.read_feather,
        files.read_image,
    ],
)
@pytest.mark.parametrize("path", ["../outside.csv", "/etc/passwd", ""])
def test_every_reader_stays_in_the_folder(folder: Path, reader: object, path: str) -> None:
    with pytest.raises(PathNotAllowedError):
        reader(path)  # type: ignore[operator]


def test_a_symlink_out_of_the_folder_is_refused(folder: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.csv").write_text("a\n1\n")
    (folder / "link.csv").symlink_to(tmp_path / "secret.csv")
    with pytest.raises(PathNotAllowedError, match=r"'link\.csv' leads outside"):
        files.read_csv("link.csv")


def test_parquet_feather_excel_round_trips(folder: Path) -> None:
    assert files.write_parquet(SALES, "out/s.parquet") == "out/s.parquet"
    pd.testing.assert_frame_equal(files.read_parquet("out/s.parquet"), SALES)
    SALES.to_feather(folder / "s.feather")
    pd.testing.assert_frame_equal(files.read_feather("s.feather"), SALES)
    assert files.write_excel(SALES, "s.xlsx", sheet="sales") == "s.xlsx"
    assert files.read_excel("s.xlsx").to_dict("list") == SALES.to_dict("list")
    assert files.read_excel("s.xlsx", sheet="sales").shape == (3, 3)
    assert files.read_excel("s.xlsx", sheet="0").shape == (3, 3)
    assert list(files.read_excel("s.xlsx", header=False).columns) == [
        "column_1",
        "column_2",
        "column_3",
    ]
    with pytest.raises(ValueError, match=r"no sheet 'other'; its sheets are \['sales'\]"):
        files.read_excel("s.xlsx", sheet="other")
    with pytest.raises(ValueError, match="no sheet number 3"):
        files.read_excel("s.xlsx", sheet="3")


def test_wrong_formats_are_clear_errors(folder: Path) -> None:
    (folder / "a.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match=r"'a\.csv' is not a Parquet file"):
        files.read_parquet("a.csv")
    with pytest.raises(ValueError, match=r"'a\.csv' is not a Feather file"):
        files.read_feather("a.csv")
    with pytest.raises(ValueError, match=r"'a\.csv' is not an Excel workbook"):
        files.read_excel("a.csv")
    with pytest.raises(ValueError, match=r"'a\.csv' is not an image"):
        files.read_image("a.csv")
    with pytest.raises(ValueError, match=r"'a\.csv' is not a JSON table"):
        files.read_json("a.csv")


@pytest.mark.skipif(
    importlib.util.find_spec("python_calamine") is not None, reason="calamine reads .xls files"
)
def test_an_old_excel_file_says_what_is_missing(folder: Path) -> None:
    (folder / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600))
    with pytest.raises(ValueError, match=r"reading 'old\.xls' needs a package.*save it as \.xlsx"):
        files.read_excel("old.xls")


def test_read_json_records_columns_and_lines(folder: Path) -> None:
    records = [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]
    (folder / "r.json").write_text(json.dumps(records))
    assert files.read_json("r.json").to_dict("records") == records
    (folder / "c.json").write_text(json.dumps({"a": [1, 2], "b": ["x", "y"]}))
    assert files.read_json("c.json").to_dict("records") == records
    lines = "\n".join(json.dumps(r) for r in records) + "\n"
    for name in ("r.jsonl", "r.ndjson"):
        (folder / name).write_text(lines)
        assert files.read_json(name).to_dict("records") == records
    (folder / "lines.json").write_text(lines)
    with pytest.raises(ValueError, match="set lines to yes"):
        files.read_json("lines.json")
    assert files.read_json("lines.json", lines="yes").shape == (2, 2)
    (folder / "empty.json").write_text("")
    assert files.read_json("empty.json").shape == (0, 0)


def test_read_image(folder: Path) -> None:
    Image.new("RGB", (4, 3), (255, 0, 0)).save(folder / "red.png")
    img = files.read_image("red.png")
    assert isinstance(img, Image.Image)
    assert img.size == (4, 3)
    assert img.getpixel((0, 0)) == (255, 0, 0)


# --- writing --------------------------------------------------------------------------------


def test_write_csv_returns_the_relative_path_and_leaves_no_temp_files(folder: Path) -> None:
    assert files.write_csv(SALES, "reports/s.csv") == "reports/s.csv"
    assert pd.read_csv(folder / "reports" / "s.csv").to_dict("list") == SALES.to_dict("list")
    assert files.write_csv(SALES, "s.tsv", delimiter="tab") == "s.tsv"
    assert files.read_csv("s.tsv").shape == (3, 3)
    assert files.write_csv(SALES.iloc[0:0], "empty.csv") == "empty.csv"
    assert files.read_csv("empty.csv").shape == (0, 3)
    assert sorted(p.name for p in folder.rglob("*")) == ["empty.csv", "reports", "s.csv", "s.tsv"]


def test_writers_refuse_bad_paths_and_non_tables(folder: Path) -> None:
    for writer in (files.write_csv, files.write_parquet, files.write_excel):
        with pytest.raises(PathNotAllowedError):
            writer(SALES, "../escape.csv")
        with pytest.raises(TypeError, match="table must be a pandas DataFrame, got list"):
            writer([1, 2], "x.out")
    (folder / "dir").mkdir()
    with pytest.raises(IsADirectoryError):
        files.write_csv(SALES, "dir")


def test_list_files(folder: Path) -> None:
    assert files.list_files() == []
    files.write_csv(SALES, "a.csv")
    files.write_parquet(SALES, "deep/b.parquet")
    assert files.list_files() == ["a.csv"]
    assert files.list_files("**/*") == ["a.csv", "deep/b.parquet"]
    assert files.list_files("**/*.parquet") == ["deep/b.parquet"]


# --- specs and the graph --------------------------------------------------------------------


def test_path_inputs_are_file_widgets_and_heavy_nodes_run_in_threads() -> None:
    for fn in files.NODE_SHELF.nodes:
        spec = spec_of(fn)
        assert spec.executor == "thread", spec.id
        if "path" in spec.input_map:
            assert spec.input_map["path"].schema["x-widget"] == "file", spec.id
            assert spec.input_map["path"].schema["type"] == "string"
    reader = spec_of(files.read_csv)
    assert reader.input_map["path"].required
    assert reader.input_map["delimiter"].schema["enum"] == ["auto", ",", ";", "tab", "|"]
    assert reader.outputs[0].schema == {"x-python-type": "pandas.DataFrame"}


@pytest.fixture
async def ns() -> AsyncIterator[NodeSpace]:
    space = NodeSpace(Library(builtin_shelves()))
    yield space
    await space.aclose()


async def test_read_and_write_in_a_graph(folder: Path, ns: NodeSpace) -> None:
    (folder / "in.csv").write_text("a,b\n1,2\n3,4\n")
    read = ns.add_node("files.read_csv", inputs={"path": "in.csv"})
    write = ns.add_node("files.write_parquet", inputs={"path": "out.parquet"})
    ns.connect(read, "out", write, "table")
    await ns.settle()
    assert ns.get_value(write, "out") == "out.parquet", ns.error(write)
    assert pd.read_parquet(folder / "out.parquet").to_dict("list") == {"a": [1, 3], "b": [2, 4]}
    ns.set_input(read, "path", "../etc/passwd")
    await ns.settle()
    assert ns.status(read) is Status.ERROR
    error = ns.error(read)
    assert error is not None and error.type == "PathNotAllowedError"
    assert "'../etc/passwd'" in error.message
    assert ns.status(write) is Status.BLOCKED
