"""An article's body edited as what it is: a list of blocks, each a kind and a text, in order.

The form shows one row per block (its position, a select for the kind, a textarea for the
text and a Remove box) and a few empty rows to add blocks; it needs no JavaScript. Blocks are
reordered by their position numbers: a block numbered 2.5 goes between the second and the
third. The field cleans the rows back to the JSON list the model stores.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.html import format_html, format_html_join

from archive.kinds import BlockKind

# Empty rows offered for new blocks; saving with them filled in offers as many again.
NEW_ROWS = 3
# More rows than this in one form is not an editor's doing; refused before they are read.
MAX_ROWS = 5000
FIELDS = ("order", "kind", "text", "remove")


class Rows(list):
    """The rows as posted, each a dict of the strings in FIELDS (remove: a bool): what the
    widget shows again, as typed, when the form has errors."""


# What a form whose row count is not a number brings: a form error, never the text emptied.
UNREADABLE = "unreadable"


def rows_of(blocks):
    """The rows that show stored `blocks`, numbered from 1."""
    return Rows(
        {
            "order": str(number),
            "kind": block.get("kind", ""),
            "text": block.get("text", ""),
            "remove": False,
        }
        for number, block in enumerate(blocks or [], start=1)
    )


def form_data(name, blocks, *, extra=None):
    """The POST data a browser sends for `blocks` shown by BlocksWidget under `name`, with
    `extra` rows (dicts of FIELDS) after them; for tests and scripts that post the form."""
    rows = [*rows_of(blocks), *(extra or [])]
    data = {f"{name}-rows": str(len(rows))}
    for index, row in enumerate(rows):
        for key in ("order", "kind", "text"):
            data[f"{name}-{index}-{key}"] = row.get(key, "")
        if row.get("remove"):
            data[f"{name}-{index}-remove"] = "on"
    return data


class BlocksWidget(forms.Widget):
    def value_from_datadict(self, data, files, name):
        """The posted rows, or None when the form had no block editor in it: the field then
        leaves the stored blocks as they are (see BlocksField.has_changed)."""
        if f"{name}-rows" not in data:
            return None
        try:
            count = int(data[f"{name}-rows"])
        except ValueError:
            count = -1
        if count < 0:
            return UNREADABLE
        rows = Rows()
        for index in range(max(0, min(count, MAX_ROWS))):
            prefix = f"{name}-{index}-"
            rows.append(
                {
                    "order": data.get(prefix + "order", ""),
                    "kind": data.get(prefix + "kind", ""),
                    "text": data.get(prefix + "text", ""),
                    "remove": bool(data.get(prefix + "remove")),
                }
            )
        return rows

    def value_omitted_from_data(self, data, files, name):
        return f"{name}-rows" not in data

    def format_value(self, value):
        if isinstance(value, Rows):
            return value
        return rows_of(value if isinstance(value, list) else [])

    def render(self, name, value, attrs=None, renderer=None):
        rows = self.format_value(value)
        # Rows shown again after an error keep their numbers, which the errors name: empty
        # rows are added only up to NEW_ROWS at the end.
        trailing = 0
        for row in reversed(rows):
            if row["kind"] or row["text"].strip():
                break
            trailing += 1
        empty = {"order": "", "kind": "", "text": "", "remove": False}
        shown = [*rows, *(empty,) * max(0, NEW_ROWS - trailing)]
        body = format_html_join(
            "", "{}", ((self._row(name, index, row),) for index, row in enumerate(shown))
        )
        return format_html(
            '<div class="blocks-editor" id="{}">'
            '<input type="hidden" name="{}-rows" value="{}">'
            '<table><thead><tr><th scope="col">Row</th><th scope="col">Position</th>'
            '<th scope="col">Kind</th>'
            '<th scope="col">Text</th><th scope="col">Remove</th></tr></thead>'
            "<tbody>{}</tbody></table>"
            '<p class="help">Blocks are saved in the order of their positions (2.5 goes '
            "between 2 and 3). Fill in an empty row to add a block; tick Remove to delete "
            "one.</p></div>",
            (attrs or {}).get("id", f"id_{name}"),
            name,
            len(shown),
            body,
        )

    @staticmethod
    def _row(name, index, row):
        label = f"row {index + 1}"
        prefix = f"{name}-{index}-"
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (value, " selected" if value == row["kind"] else "", text)
                for value, text in [("", "—"), *BlockKind.choices]
            ),
        )
        return format_html(
            '<tr><th scope="row">{}</th>'
            '<td><input type="number" step="any" class="blocks-order" name="{}order" '
            'value="{}" aria-label="Position of {}"></td>'
            '<td><select name="{}kind" aria-label="Kind of {}">{}</select></td>'
            '<td><textarea name="{}text" rows="{}" cols="80" aria-label="Text of {}">{}'
            "</textarea></td>"
            '<td><input type="checkbox" name="{}remove" aria-label="Remove {}"{}></td>'
            "</tr>",
            index + 1,
            prefix,
            row["order"],
            label,
            prefix,
            label,
            options,
            prefix,
            # Tall enough to read a paragraph whole, as a line holds some 80 characters.
            min(12, max(2, len(row["text"]) // 80 + 1)),
            label,
            # A textarea drops the first newline of its content: one more keeps a text's own.
            "\n" + row["text"],
            prefix,
            label,
            " checked" if row["remove"] else "",
        )


class BlocksField(forms.Field):
    widget = BlocksWidget

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        """[{"kind", "text"}] in the order of the rows' positions, the removed and empty rows
        left out; None when the form had no block editor."""
        if value == UNREADABLE:
            raise ValidationError(
                "The text's blocks could not be read from the form: reload the page and edit "
                "them again."
            )
        if value is None or not isinstance(value, list):
            return value
        kept, errors = [], []
        kinds = set(BlockKind.values)
        for index, row in enumerate(value):
            number = index + 1
            kind, text = row["kind"].strip(), row["text"].strip()
            if row["remove"] or not (kind or text):
                continue
            if kind not in kinds:
                problem = f"“{kind}” is not a kind of block" if kind else "choose its kind"
                errors.append(f"Row {number}: {problem}.")
                continue
            if not text:
                errors.append(
                    f"Row {number} has a kind but no text: write its text, or tick Remove."
                )
                continue
            order = row["order"].strip()
            try:
                position = float(order) if order else float(number)
            except ValueError:
                errors.append(f"Row {number}: the position “{order}” is not a number.")
                continue
            if position != position or position in (float("inf"), float("-inf")):
                errors.append(f"Row {number}: the position “{order}” is not a number.")
                continue
            kept.append((position, index, {"kind": kind, "text": text}))
        if errors:
            raise ValidationError(errors)
        return [block for _, _, block in sorted(kept, key=lambda item: item[:2])]

    def has_changed(self, initial, data):
        if data is None:  # no block editor in the form: nothing to change
            return False
        try:
            blocks = self.to_python(data)
        except ValidationError:
            return True
        return blocks != [{"kind": b.get("kind"), "text": b.get("text")} for b in initial or []]

    def bound_data(self, data, initial):
        # Without the editor, or with one that could not be read, the stored blocks are
        # shown: never an empty editor that a second save would store.
        return initial if data is None or data == UNREADABLE else data
