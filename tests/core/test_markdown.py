from conference.core.markdown import render_markdown


def test_markdown_renders_formatting_and_links():
    html = str(render_markdown("**Bold** and [a link](https://example.org)\n\n* one\n* two"))
    assert "<strong>Bold</strong>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer">a link</a>' in html
    assert "<li>one</li>" in html


def test_markdown_removes_scripts_and_dangerous_links():
    html = str(render_markdown('<script>alert(1)</script>\n\n[x](javascript:alert(1)) <img src=x onerror=alert(1)>'))
    assert "<script" not in html and "&lt;script&gt;" in html  # shown as text, never run
    assert '<a href="javascript' not in html
    assert "<img" not in html


def test_empty_markdown_is_empty():
    assert str(render_markdown("")) == ""
    assert str(render_markdown(None)) == ""


def test_sanitiser_drops_unsafe_urls_that_markdown_would_link():
    html = str(render_markdown('<a href="javascript:alert(1)">x</a> [ok](mailto:chair@example.org) ![pic](data:text/html;base64,xx)'))
    assert '<a href="javascript' not in html
    assert 'href="mailto:chair@example.org"' in html
    assert "data:text/html" not in html or "<img" not in html
