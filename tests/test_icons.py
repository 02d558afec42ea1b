"""Pictograms: hidden from screen readers unless they carry a label, which is escaped."""

from webapp.core.icons import icon


def test_a_decorative_icon_is_hidden_from_screen_readers():
    svg = str(icon("home"))
    assert 'class="icon icon-home"' in svg
    assert 'aria-hidden="true"' in svg and "<path" in svg


def test_a_labelled_icon_is_announced_with_its_label_escaped():
    svg = str(icon("print", label='Imprimer <"tout">'))
    assert 'role="img"' in svg and "aria-hidden" not in svg
    assert "<title>Imprimer &lt;&#34;tout&#34;&gt;</title>" in svg


def test_an_unknown_icon_is_an_empty_picture_not_an_error():
    svg = str(icon("no-such-icon"))
    assert svg.startswith('<svg class="icon"') and "<path" not in svg
