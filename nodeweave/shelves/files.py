"""Files: read tables and images from the worker's files folder, write tables back to it.

Every ``path`` is relative to the worker's files folder (see :mod:`nodeweave.shelves._paths`);
paths that would leave it are refused. pandas, pyarrow, openpyxl and Pillow are imported when a
node first runs, never when the shelf loads.
"""

from __future__ import annotations

import contextlib
import csv
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

from nodeweave.core.context import NodeContext
from nodeweave.core.library import Shelf
from nodeweave.core.schema import Button, Input
from nodeweave.core.spec import node

from . import _paths
from ._tables import require_columns, require_frame

if TYPE_CHECKING:
    from pandas import DataFrame
    from PIL.Image import Image
else:
    from nodeweave.core.lazytypes import DataFrame, lazy_type

    Image = lazy_type("PIL.Image", "Image")

ReadPath = Annotated[
    str, Input(widget="file", description="a file in the worker's files folder, e.g. data.csv")
]
Header = Annotated[bool, Input(description="the first row holds the column names")]
Encoding = Annotated[
    str, Input(description="the text encoding: utf-8, utf-8-sig, latin-1, cp1252, utf-16, …")
]

_DELIMITERS = {",": ",", ";": ";", "tab": "\t", "|": "|"}
_SNIFF_CHARS = 4096
"""The sniffer reads this much of the file (its time grows fast with the sample)."""
_JSON_LINES_SUFFIXES = (".jsonl", ".ndjson")


def _sniff_delimiter(target: Path, encoding: str) -> str:
    if target.suffix.lower() == ".tsv":
        return "\t"
    with target.open("r", encoding=encoding, newline="") as fh:
        sample = fh.read(_SNIFF_CHARS)
    if len(sample) == _SNIFF_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]  # whole lines only
    if not sample.strip():
        return ","
    try:
        return csv.Sniffer().sniff(sample, delimiters=",;\t|").delimiter
    except csv.Error:
        first = sample.splitlines()[0]
        counts = {d: first.count(d) for d in ",;\t|"}
        best = max(counts, key=lambda d: counts[d])
        return best if counts[best] else ","


def _decode_error(path: str, encoding: str, exc: UnicodeDecodeError) -> ValueError:
    return ValueError(
        f"{path!r} is not {encoding} text ({exc.reason} at byte {exc.start}); "
        "set the encoding, e.g. latin-1 or cp1252"
    )


def _parse_dates(table: Any, columns: list[str], path: str) -> Any:
    import pandas as pd

    for column in require_columns(table, columns, name=repr(path)):
        try:
            table[column] = pd.to_datetime(table[column])
        except (ValueError, TypeError, OverflowError) as exc:
            raise ValueError(f"column {column!r} of {path!r} does not hold dates: {exc}") from None
    return table


def _named_columns(table: Any) -> Any:
    """Headerless tables get the columns column_1, column_2, … (pickable by name)."""
    table.columns = [f"column_{i + 1}" for i in range(table.shape[1])]
    return table


@node(id="files.read_csv", name="Read CSV", executor="thread", cache_stamp=_paths.file_stamp)
def read_csv(
    path: ReadPath,
    refresh: Button = 0,
    delimiter: Annotated[
        Literal["auto", ",", ";", "tab", "|"],
        Input(description="the column separator; auto guesses it (tab for .tsv files)"),
    ] = "auto",
    header: Header = True,
    encoding: Encoding = "utf-8",
    parse_dates: Annotated[list[str], Input(description="columns to read as dates and times")] = [],  # noqa: B006 - never mutated; a list default is what the UI edits
    ctx: NodeContext | None = None,
) -> DataFrame:
    """Read a CSV or TSV file from the files folder into a table."""
    import pandas as pd

    target = _paths.existing_file(path)
    if ctx is not None:
        ctx.progress(None, f"reading {path}")
    try:
        sep = _sniff_delimiter(target, encoding) if delimiter == "auto" else _DELIMITERS[delimiter]
        table = pd.read_csv(target, sep=sep, header=0 if header else None, encoding=encoding)
    except LookupError:
        raise ValueError(f"unknown text encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, exc) from None
    except pd.errors.EmptyDataError:
        return pd.DataFrame()
    except pd.errors.ParserError as exc:
        raise ValueError(f"{path!r} is not a well-formed CSV file: {exc}") from None
    if ctx is not None:
        ctx.check()  # superseded while reading: no dates parsed, no preview made for nothing
    if not header:
        table = _named_columns(table)
    return _parse_dates(table, list(parse_dates), path)


@node(id="files.read_excel", name="Read Excel", executor="thread", cache_stamp=_paths.file_stamp)
def read_excel(
    path: ReadPath,
    refresh: Button = 0,
    sheet: Annotated[
        str, Input(description="a sheet name, or its position counting from 0; empty: the first")
    ] = "",
    header: Header = True,
) -> DataFrame:
    """Read one sheet of an Excel workbook (.xlsx) from the files folder into a table."""
    import pandas as pd

    target = _paths.existing_file(path)
    try:
        book = pd.ExcelFile(target)
    except ImportError as exc:  # .xls needs xlrd, .ods odfpy: not part of the data extra
        raise ValueError(
            f"reading {path!r} needs a package that is not installed ({exc}); "
            "save it as .xlsx, or install the package into the worker's environment"
        ) from None
    except (ValueError, OSError, KeyError) as exc:
        raise ValueError(f"{path!r} is not an Excel workbook pandas can read: {exc}") from None
    with book:
        names = [str(n) for n in book.sheet_names]
        wanted = sheet.strip()
        chosen: str | int
        if not wanted:
            chosen = 0
        elif wanted in names:
            chosen = wanted
        elif wanted.lstrip("-").isdigit():
            chosen = int(wanted)
            if not -len(names) <= chosen < len(names):
                raise ValueError(
                    f"{path!r} has {len(names)} sheets, so there is no sheet number {chosen}; "
                    f"its sheets are {names}"
                )
        else:
            raise ValueError(f"{path!r} has no sheet {wanted!r}; its sheets are {names}")
        table = pd.read_excel(book, sheet_name=chosen, header=0 if header else None)
    return table if header else _named_columns(table)


@node(
    id="files.read_parquet", name="Read Parquet", executor="thread", cache_stamp=_paths.file_stamp
)
def read_parquet(path: ReadPath, refresh: Button = 0) -> DataFrame:
    """Read a Parquet file from the files folder into a table."""
    import pandas as pd

    target = _paths.existing_file(path)
    try:
        return pd.read_parquet(target)
    except (ValueError, OSError) as exc:  # pyarrow's ArrowInvalid is a ValueError
        raise ValueError(f"{path!r} is not a Parquet file pyarrow can read: {exc}") from None


@node(
    id="files.read_feather", name="Read Feather", executor="thread", cache_stamp=_paths.file_stamp
)
def read_feather(path: ReadPath, refresh: Button = 0) -> DataFrame:
    """Read a Feather (Arrow IPC) file from the files folder into a table."""
    import pandas as pd

    target = _paths.existing_file(path)
    try:
        return pd.read_feather(target)
    except (ValueError, OSError) as exc:
        raise ValueError(f"{path!r} is not a Feather file pyarrow can read: {exc}") from None


@node(id="files.read_json", name="Read JSON", executor="thread", cache_stamp=_paths.file_stamp)
def read_json(
    path: ReadPath,
    refresh: Button = 0,
    lines: Annotated[
        Literal["auto", "yes", "no"],
        Input(description="JSON Lines, one record a line; auto: yes for .jsonl and .ndjson"),
    ] = "auto",
    encoding: Encoding = "utf-8",
) -> DataFrame:
    """Read a JSON file (a list of records or a dict of columns) or JSON Lines into a table."""
    import pandas as pd

    target = _paths.existing_file(path)
    as_lines = target.suffix.lower() in _JSON_LINES_SUFFIXES if lines == "auto" else lines == "yes"
    try:
        with target.open("r", encoding=encoding) as fh:
            if not fh.read(1):
                return pd.DataFrame()
            fh.seek(0)
            return pd.read_json(fh, lines=as_lines)
    except LookupError:
        raise ValueError(f"unknown text encoding {encoding!r}") from None
    except UnicodeDecodeError as exc:
        raise _decode_error(path, encoding, exc) from None
    except ValueError as exc:
        hint = "" if as_lines else "; set lines to yes if it holds one JSON value a line"
        raise ValueError(f"{path!r} is not a JSON table: {exc}{hint}") from None


@node(id="files.read_image", name="Read Image", executor="thread", cache_stamp=_paths.file_stamp)
def read_image(path: ReadPath, refresh: Button = 0) -> Image:
    """Read an image (PNG, JPEG, GIF, WebP, BMP, …) from the files folder."""
    from PIL import Image as PILImage
    from PIL import UnidentifiedImageError

    target = _paths.existing_file(path)
    try:
        with PILImage.open(target) as img:
            img.load()
            return img.copy()
    except UnidentifiedImageError:
        raise ValueError(f"{path!r} is not an image Pillow can read") from None


# --- writing --------------------------------------------------------------------------------

WritePath = Annotated[
    str,
    Input(widget="file", description="where to write, inside the worker's files folder"),
]
WriteIndex = Annotated[bool, Input(description="also write the row labels (the index)")]


def _write(path: str, table: Any, write: Callable[[Path], Any]) -> str:
    """Write through a hidden temporary file, so readers never see half a file."""
    require_frame(table)
    target = _paths.resolve(path)
    if target.is_dir():
        raise IsADirectoryError(f"{path!r} is a folder; name a file to write")
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = target.with_name(f".{target.stem}.{os.getpid()}.tmp{target.suffix}")
    try:
        write(temp)
        os.replace(temp, target)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return _paths.relative(target)


@node(id="files.write_csv", name="Write CSV", executor="thread")
def write_csv(
    table: DataFrame,
    path: WritePath = "output.csv",
    delimiter: Annotated[
        Literal[",", ";", "tab", "|"], Input(description="the column separator")
    ] = ",",
    index: WriteIndex = False,
) -> str:
    """Write a table as a CSV file into the files folder; returns the path written."""
    return _write(path, table, lambda t: table.to_csv(t, sep=_DELIMITERS[delimiter], index=index))


@node(id="files.write_parquet", name="Write Parquet", executor="thread")
def write_parquet(
    table: DataFrame, path: WritePath = "output.parquet", index: WriteIndex = False
) -> str:
    """Write a table as a Parquet file into the files folder; returns the path written."""
    return _write(path, table, lambda t: table.to_parquet(t, index=index))


@node(id="files.write_excel", name="Write Excel", executor="thread")
def write_excel(
    table: DataFrame,
    path: WritePath = "output.xlsx",
    sheet: Annotated[str, Input(description="the name of the sheet")] = "Sheet1",
    index: WriteIndex = False,
) -> str:
    """Write a table as an Excel workbook (.xlsx) into the files folder; returns the path."""
    if not sheet.strip():
        raise ValueError("the sheet needs a name")
    return _write(
        path,
        table,
        lambda t: table.to_excel(t, sheet_name=sheet, index=index, engine="openpyxl"),
    )


@node(id="files.list_files", name="List Files", executor="thread")
def list_files(
    pattern: Annotated[
        str, Input(description="a glob pattern: *.csv, data/*.parquet, **/*.json (any depth)")
    ] = "*",
) -> list[str]:
    """The files in the files folder that match a pattern, as relative paths."""
    return _paths.list_files(pattern)


NODE_SHELF = Shelf(
    name="files",
    description="Files: read tables and images from the worker's files folder, write tables.",
    nodes=[
        read_csv,
        read_excel,
        read_parquet,
        read_json,
        read_feather,
        read_image,
        write_csv,
        write_parquet,
        write_excel,
        list_files,
    ],
)
