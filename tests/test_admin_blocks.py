"""The block editor of an article's text (archive.admin.blocks)."""

import pytest
from django import forms

from archive.admin.blocks import NEW_ROWS, BlocksField, form_data

BLOCKS = [
    {"kind": "paragraph", "text": "First paragraph."},
    {"kind": "subheading", "text": "A subheading"},
    {"kind": "caption", "text": "A photo caption."},
]


class TextForm(forms.Form):
    blocks = BlocksField()


def cleaned(data, initial=BLOCKS):
    form = TextForm(data, initial={"blocks": initial})
    assert form.is_valid(), form.errors
    return form.cleaned_data["blocks"], form.has_changed()


def errors(data):
    form = TextForm(data, initial={"blocks": BLOCKS})
    assert not form.is_valid()
    return form.errors["blocks"]


def test_the_rows_as_shown_clean_back_to_the_same_blocks_unchanged():
    assert cleaned(form_data("blocks", BLOCKS)) == (BLOCKS, False)


def test_a_filled_empty_row_adds_a_block_at_its_position():
    data = form_data("blocks", BLOCKS, extra=[{"order": "1.5", "kind": "paragraph", "text": "New"}])
    blocks, changed = cleaned(data)
    assert [block["text"] for block in blocks] == [
        "First paragraph.",
        "New",
        "A subheading",
        "A photo caption.",
    ]
    assert changed


def test_a_new_row_without_a_position_goes_last():
    data = form_data("blocks", BLOCKS, extra=[{"kind": "caption", "text": "Last"}])
    assert cleaned(data)[0][-1] == {"kind": "caption", "text": "Last"}


def test_removed_rows_and_empty_rows_are_left_out():
    data = form_data("blocks", BLOCKS, extra=[{}, {"order": "9"}])
    data["blocks-1-remove"] = "on"
    assert cleaned(data)[0] == [BLOCKS[0], BLOCKS[2]]


def test_positions_reorder_and_ties_keep_the_rows_order():
    data = form_data("blocks", BLOCKS)
    data["blocks-0-order"] = "3"
    data["blocks-2-order"] = "1"
    blocks, _ = cleaned(data)
    assert blocks == [BLOCKS[2], BLOCKS[1], BLOCKS[0]]
    data["blocks-0-order"] = "2"  # now level with the subheading, whose row comes first
    assert cleaned(data)[0] == [BLOCKS[2], BLOCKS[0], BLOCKS[1]]


def test_a_kind_can_change_and_text_keeps_its_inner_lines():
    data = form_data("blocks", BLOCKS)
    data["blocks-1-kind"] = "paragraph"
    data["blocks-1-text"] = "Two\nlines  "
    assert cleaned(data)[0][1] == {"kind": "paragraph", "text": "Two\nlines"}


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"kind": "poem", "text": "Roses"}, "Row 4: “poem” is not a kind of block."),
        ({"kind": "", "text": "Orphan text"}, "Row 4: choose its kind."),
        ({"kind": "paragraph", "text": "  "}, "Row 4 has a kind but no text"),
        ({"kind": "paragraph", "text": "x", "order": "first"}, "the position “first”"),
        ({"kind": "paragraph", "text": "x", "order": "nan"}, "the position “nan”"),
    ],
)
def test_what_cannot_be_stored_is_a_form_error(row, message):
    [error] = errors(form_data("blocks", BLOCKS, extra=[row]))
    assert message in error


@pytest.mark.parametrize("count", ["abc", "-1", ""])
def test_a_row_count_that_is_not_one_is_a_form_error_showing_the_stored_blocks(count):
    form = TextForm({"blocks-rows": count}, initial={"blocks": BLOCKS})
    assert not form.is_valid()
    assert "could not be read from the form" in form.errors["blocks"][0]
    html = str(form["blocks"])
    assert f'name="blocks-rows" value="{len(BLOCKS) + NEW_ROWS}"' in html


def test_a_form_without_the_editor_leaves_the_blocks_unchanged():
    form = TextForm({"blocks": "[]"}, initial={"blocks": BLOCKS})
    assert form.is_valid()
    assert form.cleaned_data["blocks"] is None
    assert not form.has_changed()


def test_the_editor_shows_a_row_per_block_and_empty_rows_each_labelled():
    html = str(TextForm(initial={"blocks": BLOCKS})["blocks"])
    assert html.count('<tr><th scope="row">') == len(BLOCKS) + NEW_ROWS
    assert 'name="blocks-rows" value="6"' in html
    assert 'aria-label="Text of row 2"' in html
    assert 'aria-label="Kind of row 4"' in html
    assert '<option value="subheading" selected>' in html
    assert "A photo caption.</textarea>" in html
    assert "<script" not in html


def test_the_editor_shows_what_was_typed_again_after_an_error():
    data = form_data("blocks", BLOCKS, extra=[{"kind": "paragraph", "text": "", "order": "4"}])
    data["blocks-0-text"] = "Changed <b>text</b>"
    html = str(TextForm(data, initial={"blocks": BLOCKS})["blocks"])
    assert "Changed &lt;b&gt;text&lt;/b&gt;</textarea>" in html
    assert html.count('<tr><th scope="row">') == len(BLOCKS) + 1 + NEW_ROWS
    # Posted empty rows count among the empty rows offered again.
    data = form_data("blocks", BLOCKS, extra=[{"kind": "poem", "text": "x"}, {}, {}])
    html = str(TextForm(data, initial={"blocks": BLOCKS})["blocks"])
    assert html.count('<tr><th scope="row">') == len(BLOCKS) + 1 + NEW_ROWS
