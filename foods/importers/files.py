"""
Reading USDA's files one row at a time, with every problem named by file and line.

SR28's ASCII files (SR28 documentation, text after Table 3): fields separated by `^`, text wrapped
in `~`, a blank number left empty, latin-1, CRLF. FoodData Central's are ordinary UTF-8 CSV with a
header row. Both are read as streams: memory does not grow with the size of a file.
"""

import codecs
import csv
import re
from decimal import Decimal
from pathlib import Path

PROGRESS_EVERY_ROWS = 25_000

# Plain decimal notation only: Decimal() alone would also take "NaN", "Infinity" and "1e5".
DECIMAL_PATTERN = re.compile(r"-?(\d+\.?\d*|\.\d+)")


class ImportFailed(Exception):
    """The files cannot be imported; nothing was written."""


class MalformedFile(ImportFailed):
    def __init__(self, path, line, message):
        self.path = Path(path)
        self.line = line
        self.message = message
        super().__init__(f"{self.path}, line {line}: {message}")


class Row:
    """One record of a file, read by column name, that can say where it came from."""

    __slots__ = ("path", "line", "values", "columns")

    def __init__(self, path, line, values, columns):
        self.path = path
        self.line = line
        self.values = values
        self.columns = columns

    def fail(self, message):
        raise MalformedFile(self.path, self.line, message)

    def text(self, column):
        return self.values[self.columns[column]].strip()

    def required_text(self, column):
        value = self.text(column)
        if not value:
            self.fail(f"{column} is empty")
        return value

    def decimal(self, column, *, required=True):
        """A non-negative number, or None when the field is blank and not required."""
        value = self.text(column)
        if not value:
            if required:
                self.fail(f"{column} is empty")
            return None
        if not DECIMAL_PATTERN.fullmatch(value):
            self.fail(f"{column} is not a number: {value!r}")
        number = Decimal(value)
        if number < 0:
            self.fail(f"{column} is negative: {value}")
        return number

    def integer(self, column, *, required=True):
        value = self.text(column)
        if not value and not required:
            return None
        if not value.isascii() or not value.isdigit():
            self.fail(f"{column} is not a whole number: {value!r}")
        return int(value)


def read_sr28(path, columns, progress=None):
    """Rows of an SR28 ASCII file whose fields are `columns`, in order."""
    index = {name: position for position, name in enumerate(columns)}
    with open(path, "rb") as file:
        reader = csv.reader(_decoded_lines(file, path, "latin-1"), delimiter="^", quotechar="~", strict=True)
        yield from _with_progress(_checked_rows(reader, path, index, len(columns)), path, progress)


def read_csv(path, required_columns, progress=None):
    """Rows of a CSV file with a header row naming at least `required_columns` (in any order)."""
    with open(path, "rb") as file:
        reader = csv.reader(_decoded_lines(file, path, "utf-8"), strict=True)
        try:
            header = [name.strip() for name in next(reader)]
        except StopIteration:
            raise MalformedFile(path, 1, "the file is empty; expected a header row") from None
        except csv.Error as error:
            raise MalformedFile(path, 1, str(error)) from None
        missing = [name for name in required_columns if name not in header]
        if missing:
            raise MalformedFile(path, 1, f"the header lacks column(s) {', '.join(missing)}")
        index = {name: position for position, name in enumerate(header)}
        yield from _with_progress(_checked_rows(reader, path, index, len(header)), path, progress)


def _decoded_lines(file, path, encoding):
    """Decode line by line, so that a bad byte is reported on its own line."""
    for number, raw in enumerate(file, start=1):
        if number == 1 and raw.startswith(codecs.BOM_UTF8) and encoding == "utf-8":
            raw = raw[len(codecs.BOM_UTF8):]
        try:
            yield raw.decode(encoding)
        except UnicodeDecodeError:
            raise MalformedFile(path, number, f"not {encoding} text") from None


def _checked_rows(reader, path, index, field_count):
    try:
        for values in reader:
            if values:
                if len(values) != field_count:
                    raise MalformedFile(path, reader.line_num, f"expected {field_count} fields, found {len(values)}")
                yield Row(path, reader.line_num, values, index)
    except csv.Error as error:
        raise MalformedFile(path, reader.line_num, str(error)) from None


def _with_progress(rows, path, progress):
    count = 0
    for count, row in enumerate(rows, start=1):
        if progress and count % PROGRESS_EVERY_ROWS == 0:
            progress(f"  {path.name}: {count:,} rows")
        yield row
    if progress:
        progress(f"  {path.name}: {count:,} rows read")
