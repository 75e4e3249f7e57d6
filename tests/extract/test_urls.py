"""Canonical URLs: the identity of an article."""

from __future__ import annotations

from akhbar.extract.urls import canonical_url, host_of, origin_of, same_site, strip_tracking


def test_tracking_parameters_fragment_and_case_are_removed() -> None:
    url = "HTTP://WWW.Example.COM:80/news/1?utm_source=rss&id=7&fbclid=x&utm_medium=feed#comments"
    assert canonical_url(url) == "http://www.example.com/news/1?id=7"


def test_other_parameters_keep_their_order() -> None:
    assert canonical_url("https://a.com/p?b=2&a=1&gclid=z") == "https://a.com/p?b=2&a=1"
    assert strip_tracking("utm_campaign=x") == ""


def test_relative_links_resolve_against_the_base() -> None:
    assert canonical_url("../b/c.html", "https://a.com/x/y/z.html") == "https://a.com/x/b/c.html"


def test_arabic_paths_are_escaped_once() -> None:
    escaped = canonical_url("https://a.com/%D8%AE%D8%A8%D8%B1")
    assert escaped == canonical_url("https://a.com/خبر") == "https://a.com/%D8%AE%D8%A8%D8%B1"


def test_default_ports_dropped_others_kept() -> None:
    assert canonical_url("https://a.com:443/") == "https://a.com/"
    assert canonical_url("http://127.0.0.1:8080/x") == "http://127.0.0.1:8080/x"
    assert host_of("http://127.0.0.1:8080/x") == "127.0.0.1:8080"
    assert origin_of("HTTP://A.com/x/y") == "http://a.com"


def test_same_site_ignores_www_and_subdomains() -> None:
    assert same_site("https://www.bbc.com/arabic/1", "https://bbc.com/x")
    assert same_site("https://arabic.cnn.com/a", "https://cnn.com/")
    assert not same_site("https://evil.com/a", "https://bbc.com/a")
