from core.richtext import html_excerpt, html_to_plain_text, plain_text_to_html, sanitise_html


def test_script_tags_event_handlers_and_javascript_links_are_removed():
    dirty = (
        '<p onclick="steal()">Hello</p><script>alert(1)</script>'
        '<a href="javascript:alert(1)">bad</a><img src=x onerror=alert(1)>'
    )
    clean = sanitise_html(dirty)
    assert "<script" not in clean
    assert "alert(1)" not in clean
    assert "onclick" not in clean
    assert "javascript:" not in clean
    assert "<img" not in clean
    assert "<p>Hello</p>" in clean


def test_paragraphs_lists_emphasis_and_web_links_survive():
    rich = (
        "<p>One <strong>bold</strong> <em>italic</em> <b>b</b> <i>i</i></p>"
        "<ul><li>a</li></ul><ol><li>b</li></ol>"
        '<p><a href="https://www.gov.uk/">link</a> <a href="http://example.com">old</a></p>'
    )
    clean = sanitise_html(rich)
    for fragment in ("<strong>bold</strong>", "<em>italic</em>", "<ul><li>a</li></ul>",
                     "<ol><li>b</li></ol>", 'href="https://www.gov.uk/"',
                     'href="http://example.com"'):
        assert fragment in clean


def test_plain_text_keeps_paragraphs_and_bullet_lists():
    typed = "First paragraph.\n\n- one\n- two <b>not bold</b>\n\nLast line"
    html = plain_text_to_html(typed)
    assert html == (
        "<p>First paragraph.</p>"
        "<ul><li>one</li><li>two &lt;b&gt;not bold&lt;/b&gt;</li></ul>"
        "<p>Last line</p>"
    )


def test_plain_text_round_trips_through_html():
    typed = "First paragraph.\n\n- one\n- two\n\nLast & final"
    assert html_to_plain_text(plain_text_to_html(typed)) == typed


def test_excerpt_cuts_long_text_at_a_word_boundary():
    assert html_excerpt("<p>one two three</p>", words=2) == "one two…"
    assert html_excerpt("<p>one two</p>", words=2) == "one two"
