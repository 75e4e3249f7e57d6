"""HTML of the replayed sites: article pages (one template per layout, varied per source), home and section pages."""

from __future__ import annotations

import functools
import json
import zlib
from dataclasses import dataclass
from html import escape

from akhbar.replay.catalog import ReplayArticle, SiteTimeline
from akhbar.replay.printed import printed_date
from akhbar.replay.sites import (
    CP1256_HEADER,
    CP1256_META,
    JSONLD,
    OPENGRAPH,
    TIME,
    WRONG_HEADER,
    SiteProfile,
)
from akhbar.times import stamp

COMMENTS = (
    "خبر مهم، شكرا على المتابعة المستمرة.",
    "نتمنى أن تكون هناك حلول حقيقية قريبا.",
    "الله يحفظ البلاد وأهلها من كل سوء.",
    "تغطية ممتازة كالعادة، لكن ننتظر تفاصيل أكثر.",
    "أين دور الجهات المعنية في هذا الموضوع؟",
    "كلام جميل ولكن التطبيق هو الأهم.",
)
COMMENTERS = ("أبو محمد", "سارة", "خالد العتيبي", "متابع", "نورة", "عبدالله")
CAPTIONS = ("صورة أرشيفية", "صورة من الحدث", "الصورة من المصدر", "صورة تعبيرية")
COOKIE_TEXT = (
    "نستخدم ملفات تعريف الارتباط (الكوكيز) لتحسين تجربتك على الموقع. بمواصلة التصفح فإنك توافق على ذلك."
)


@dataclass(frozen=True)
class PageContext:
    """What an article page links to besides itself."""

    base_url: str
    feed_url: str
    related: list[ReplayArticle]
    read_also: ReplayArticle | None


def absolute(base_url: str, path: str) -> str:
    """An absolute URL on the replay server."""
    return base_url + path


def _variant(article: ReplayArticle, count: int, salt: int = 0) -> int:
    """A stable small number derived from the article (to vary boilerplate between pages)."""
    return (article.number // (salt * 7 + 1) + salt) % count


def head(profile: SiteProfile, art: ReplayArticle, ctx: PageContext) -> str:
    """The <head> of an article page: charset, title, canonical and the source's metadata."""
    url = absolute(ctx.base_url, art.path)
    title, site = escape(art.title), escape(profile.title)
    parts = ["<head>"]
    if profile.charset == CP1256_META:
        parts.append('<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">')
    elif profile.charset == CP1256_HEADER:
        parts.append('<meta charset="windows-1256">')
    elif profile.charset == WRONG_HEADER:
        parts.append('<meta charset="utf-8">')
    else:
        parts.append('<meta charset="utf-8">')
    parts.append('<meta name="viewport" content="width=device-width, initial-scale=1">')
    parts.append(f"<title>{title} - {site}</title>")
    description = escape(_lead(art))
    parts.append(f'<meta name="description" content="{description}">')
    if profile.canonical:
        parts.append(f'<link rel="canonical" href="{url}">')
    if "amp/" in profile.disallow:
        parts.append(
            f'<link rel="amphtml" href="{absolute(ctx.base_url, _tool_path(profile, art, "amp/"))}">'
        )
    if OPENGRAPH in profile.metadata:
        parts += [
            f'<meta property="og:site_name" content="{site}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{title}">',
            f'<meta property="og:url" content="{url}">',
            f'<meta property="og:description" content="{description}">',
            f'<meta property="og:image" content="{ctx.base_url}/{profile.slug}/static/img/{art.number}.jpg">',
        ]
        if art.published:
            parts.append(f'<meta property="article:published_time" content="{stamp(art.published)}">')
        if art.category:
            parts.append(f'<meta property="article:section" content="{escape(art.category_name)}">')
    if JSONLD in profile.metadata:
        parts.append(f'<script type="application/ld+json">{_jsonld(profile, art, url, ctx)}</script>')
    parts.append(f'<link rel="alternate" type="application/rss+xml" title="{site}" href="{ctx.feed_url}">')
    parts.append(
        f"<style>:root{{--accent:{profile.accent}}} body{{font-family:Tahoma,sans-serif}}"
        f" .{profile.slug}-nav a{{color:var(--accent)}}</style>"
    )
    parts.append(
        "<script>window.dataLayer=window.dataLayer||[];function gtag(){dataLayer.push(arguments)}"
        f"gtag('js',new Date());gtag('config','UA-{art.number % 99991}-1');</script>"
    )
    parts.append("</head>")
    return "\n".join(parts)


def _lead(art: ReplayArticle, limit: int = 160) -> str:
    """The summary, or the start of the text, for descriptions."""
    text = art.summary or art.text
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"


def _jsonld(profile: SiteProfile, art: ReplayArticle, url: str, ctx: PageContext) -> str:
    """A schema.org NewsArticle (escaped for a <script> element)."""
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": art.title,
        "mainEntityOfPage": {"@type": "WebPage", "@id": url},
        "publisher": {
            "@type": "Organization",
            "name": profile.title,
            "logo": {"@type": "ImageObject", "url": f"{ctx.base_url}/{profile.slug}/static/logo.png"},
        },
        "inLanguage": "ar",
    }
    if art.published:
        data["datePublished"] = stamp(art.published)
        data["dateModified"] = stamp(art.published)
    if art.author:
        data["author"] = {"@type": "Person", "name": art.author}
    return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")


def _tool_path(profile: SiteProfile, art: ReplayArticle, prefix: str) -> str:
    """The path of a print / private / amp version of an article (under a robots.txt Disallow)."""
    return f"/{profile.slug}/{prefix}{art.path[len(profile.slug) + 2 :]}"


@functools.lru_cache(maxsize=256)
def cookie_banner(profile: SiteProfile) -> str:
    """The cookie consent banner."""
    return (
        f'<div class="cookie-consent" id="{profile.slug}-cookies" role="dialog"><p>{COOKIE_TEXT}</p>'
        '<button type="button">موافق</button> <a href="#">سياسة الخصوصية</a></div>'
    )


@functools.lru_cache(maxsize=256)
def site_header(profile: SiteProfile) -> str:
    """The masthead with the logo and the navigation menu."""
    base = f"/{profile.slug}/"
    items = "".join(
        f'<li><a href="{base}section/{i}">{escape(name)}</a></li>'
        if i
        else f'<li><a href="{base}">{escape(name)}</a></li>'
        for i, name in enumerate(profile.nav)
    )
    return (
        f'<header class="{profile.slug}-masthead"><a class="logo" href="{base}">{escape(profile.title)}</a>'
        f'<nav class="{profile.slug}-nav" aria-label="القائمة الرئيسية"><ul>{items}</ul></nav>'
        '<form class="search" action="#"><input type="search" placeholder="ابحث في الموقع"></form></header>'
    )


def breadcrumb(profile: SiteProfile, art: ReplayArticle) -> str:
    """The breadcrumb trail: home › section."""
    base = f"/{profile.slug}/"
    return (
        f'<nav class="breadcrumb" aria-label="مسار التنقل"><ol><li><a href="{base}">الرئيسية</a></li>'
        f'<li><a href="{base}section/{art.category_slug}">{escape(art.category_name)}</a></li></ol></nav>'
    )


def byline(profile: SiteProfile, art: ReplayArticle) -> str:
    """Author and date, in the source's style (a <time> element only on some sources)."""
    parts = []
    if art.author:
        parts.append(f'<span class="author">{escape(art.author)}</span>')
    if art.published:
        printed = escape(printed_date(art.published, profile.date_style))
        if TIME in profile.metadata:
            parts.append(f'<time datetime="{stamp(art.published)}">{printed}</time>')
        else:
            parts.append(f'<span class="date">{printed}</span>')
    return f'<div class="byline">{" ".join(parts)}</div>' if parts else ""


def share_buttons(profile: SiteProfile, url: str) -> str:
    """Share links to social networks."""
    return (
        f'<div class="share"><span>شارك</span> <a href="https://www.facebook.com/sharer.php?u={url}">فيسبوك</a> '
        f'<a href="https://twitter.com/intent/tweet?url={url}">تويتر</a> '
        f'<a href="https://wa.me/?text={url}">واتساب</a> <a href="mailto:?body={url}">البريد</a></div>'
    )


def figure(profile: SiteProfile, art: ReplayArticle) -> str:
    """The lead image and its caption."""
    caption = CAPTIONS[_variant(art, len(CAPTIONS))]
    return (
        f'<figure class="lead-image"><img src="/{profile.slug}/static/img/{art.number}.jpg" alt="" '
        f'width="640" height="360"><figcaption>{caption} - {escape(profile.title)}</figcaption></figure>'
    )


def paragraphs(text: str) -> list[str]:
    """The corpus text's paragraphs (one per non-empty line)."""
    return [line.strip() for line in text.split("\n") if line.strip()]


def body(profile: SiteProfile, art: ReplayArticle, ctx: PageContext, css: str) -> str:
    """The article text as paragraphs, with an inline "read also" link after the second one."""
    paras = [f"<p>{escape(p)}</p>" for p in paragraphs(art.text)]
    if ctx.read_also is not None and len(paras) >= 3:
        other = ctx.read_also
        paras.insert(
            2,
            f'<div class="read-also"><strong>اقرأ أيضا:</strong> '
            f'<a href="{other.path}">{escape(other.title)}</a></div>',
        )
    if len(paras) >= 6:
        paras.insert(len(paras) // 2, ad_slot(profile, art, "inarticle"))
    return f'<div class="{css}">' + "\n".join(paras) + "</div>"


def tools(profile: SiteProfile, art: ReplayArticle) -> str:
    """Print, subscriber and AMP versions: links that robots.txt forbids on some sources."""
    links = []
    if "print/" in profile.disallow:
        links.append(f'<a class="print" href="{_tool_path(profile, art, "print/")}">طباعة</a>')
    if "private/" in profile.disallow:
        links.append(
            f'<a class="subscribers" href="{_tool_path(profile, art, "private/")}">النسخة الكاملة للمشتركين</a>'
        )
    if "amp/" in profile.disallow:
        links.append(f'<a class="amp" href="{_tool_path(profile, art, "amp/")}">نسخة الجوال</a>')
    links.append('<a class="font" href="#">تكبير الخط</a>')
    return '<div class="article-tools">' + " | ".join(links) + "</div>"


def related(profile: SiteProfile, ctx: PageContext, heading: str) -> str:
    """The related-articles block: other real articles of the same source."""
    if not ctx.related:
        return ""
    items = "".join(
        f'<li><a href="{a.path}"><img src="/{profile.slug}/static/img/{a.number}-thumb.jpg" alt="">'
        f"<span>{escape(a.title)}</span></a></li>"
        for a in ctx.related
    )
    return f'<aside class="related"><h2>{heading}</h2><ul>{items}</ul></aside>'


def comments(profile: SiteProfile, art: ReplayArticle) -> str:
    """A few reader comments and the comment form."""
    count = 1 + _variant(art, 3, 1)
    items = "".join(
        f'<li class="comment"><b>{COMMENTERS[(art.number + i) % len(COMMENTERS)]}</b>'
        f"<p>{COMMENTS[(art.number // 3 + i) % len(COMMENTS)]}</p></li>"
        for i in range(count)
    )
    return (
        f'<section class="comments" id="comments"><h3>التعليقات ({count})</h3><ol>{items}</ol>'
        '<form class="comment-form"><textarea placeholder="أضف تعليقك"></textarea>'
        "<button>إرسال</button></form></section>"
    )


def ad_slot(profile: SiteProfile, art: ReplayArticle, name: str) -> str:
    """An advertisement slot with its inline script."""
    return (
        f'<div class="ad ad-{name}" data-slot="{profile.slug}-{name}"><span class="ad-label">إعلان</span>'
        f"<script>googletag.cmd.push(function(){{googletag.display('{profile.slug}-{name}-{art.number % 7}')}});"
        "</script></div>"
    )


@functools.lru_cache(maxsize=256)
def footer(profile: SiteProfile, year: int) -> str:
    """The site footer."""
    base = f"/{profile.slug}/"
    return (
        f'<footer class="{profile.slug}-footer"><ul><li><a href="{base}about">من نحن</a></li>'
        f'<li><a href="{base}contact">اتصل بنا</a></li><li><a href="{base}privacy">سياسة الخصوصية</a></li>'
        f'<li><a href="{base}{profile.feed_path}">RSS</a></li></ul>'
        f"<p>© {year} {escape(profile.title)}. جميع الحقوق محفوظة.</p></footer>"
    )


@functools.lru_cache(maxsize=256)
def trailing_scripts(profile: SiteProfile) -> str:
    """Inline scripts at the end of the body."""
    return (
        "<script>(function(){var s=document.createElement('script');s.async=true;"
        f"s.src='/{profile.slug}/static/app.js';document.body.appendChild(s)}})();</script>"
        "<script>document.querySelectorAll('.cookie-consent button').forEach(function(b){"
        "b.onclick=function(){b.parentNode.remove()}});</script>"
    )


def render_article(profile: SiteProfile, art: ReplayArticle, ctx: PageContext) -> str:
    """The full HTML of an article page in its source's layout."""
    url = absolute(ctx.base_url, art.path)
    h1 = f"<h1>{escape(art.title)}</h1>"
    year = art.published.year if art.published else 2018
    layout = profile.layout
    if layout == "orbit":
        main = (
            f'<div class="story-body">{h1}{byline(profile, art)}{figure(profile, art)}'
            f"{body(profile, art, ctx, 'story-body__inner')}{share_buttons(profile, url)}{tools(profile, art)}</div>"
            f"{related(profile, ctx, 'مواضيع ذات صلة')}"
        )
        page = [
            cookie_banner(profile),
            site_header(profile),
            ad_slot(profile, art, "top"),
            f'<main id="orb-modules">{breadcrumb(profile, art)}{main}</main>',
            footer(profile, year),
        ]
    elif layout == "cnn":
        main = (
            f'<article class="cnn-article"><header>{h1}{byline(profile, art)}{share_buttons(profile, url)}</header>'
            f"{figure(profile, art)}{body(profile, art, ctx, 'article-content')}{tools(profile, art)}</article>"
            f"{related(profile, ctx, 'قصص ذات صلة')}{comments(profile, art)}"
        )
        page = [
            site_header(profile),
            breadcrumb(profile, art),
            f"<main>{main}</main>",
            ad_slot(profile, art, "sidebar"),
            footer(profile, year),
            cookie_banner(profile),
        ]
    elif layout == "f24":
        main = (
            f'<article class="t-content">{breadcrumb(profile, art)}<div class="t-content__header">{h1}'
            f"{byline(profile, art)}</div>{figure(profile, art)}{share_buttons(profile, url)}"
            f"{body(profile, art, ctx, 't-content__body')}{tools(profile, art)}</article>"
        )
        page = [
            cookie_banner(profile),
            site_header(profile),
            ad_slot(profile, art, "banner"),
            f'<main class="o-layout">{main}'
            f"{related(profile, ctx, 'اقرأ المزيد')}{comments(profile, art)}</main>",
            footer(profile, year),
        ]
    elif layout == "sky":
        main = (
            f'<div class="article-page">{breadcrumb(profile, art)}{h1}<div class="article-meta">'
            f"{byline(profile, art)}{share_buttons(profile, url)}</div>{figure(profile, art)}"
            f'<div class="article-text">{body(profile, art, ctx, "article-body")}</div>{tools(profile, art)}'
            f"{comments(profile, art)}</div>"
        )
        page = [
            site_header(profile),
            ad_slot(profile, art, "leaderboard"),
            f"<main>{main}</main>",
            f'<div class="sidebar">{related(profile, ctx, "أخبار ذات صلة")}{ad_slot(profile, art, "mpu")}</div>',
            footer(profile, year),
            cookie_banner(profile),
        ]
    elif layout == "arabiya":
        main = (
            f'<section class="article">{breadcrumb(profile, art)}<div class="article-title">{h1}</div>'
            f"{byline(profile, art)}{figure(profile, art)}{body(profile, art, ctx, 'article-body')}"
            f"{share_buttons(profile, url)}{tools(profile, art)}</section>"
        )
        page = [
            cookie_banner(profile),
            site_header(profile),
            f'<div id="content">{main}{related(profile, ctx, "مقالات ذات صلة")}</div>',
            ad_slot(profile, art, "bottom"),
            comments(profile, art),
            footer(profile, year),
        ]
    elif layout == "portal":
        main = (
            f'<div class="news-details"><div class="news-title">{h1}</div>{byline(profile, art)}'
            f"{figure(profile, art)}{body(profile, art, ctx, 'news-text')}{tools(profile, art)}</div>"
        )
        page = [
            site_header(profile),
            '<div class="container">',
            breadcrumb(profile, art),
            f'<div class="row"><div class="col-main">{main}{share_buttons(profile, url)}{comments(profile, art)}'
            f'</div><div class="col-side">{related(profile, ctx, "أخبار متعلقة")}{ad_slot(profile, art, "side")}'
            "</div></div></div>",
            footer(profile, year),
            cookie_banner(profile),
        ]
    else:
        main = (
            f'<article class="post">{h1}{byline(profile, art)}{share_buttons(profile, url)}'
            f"{figure(profile, art)}{body(profile, art, ctx, 'entry-content')}{tools(profile, art)}</article>"
        )
        page = [
            cookie_banner(profile),
            site_header(profile),
            breadcrumb(profile, art),
            ad_slot(profile, art, "top"),
            f'<div id="page">{main}{related(profile, ctx, "اقرأ أيضا")}{comments(profile, art)}</div>',
            footer(profile, year),
        ]
    body_html = "\n".join(page) + trailing_scripts(profile)
    return (
        f'<!DOCTYPE html>\n<html lang="ar" dir="rtl">\n{head(profile, art, ctx)}\n'
        f'<body class="{profile.slug} {layout}-layout article-page">\n{body_html}\n</body>\n</html>\n'
    )


def render_print(profile: SiteProfile, art: ReplayArticle) -> str:
    """The printer-friendly version of an article (behind a robots.txt Disallow)."""
    paras = "".join(f"<p>{escape(p)}</p>" for p in paragraphs(art.text))
    return (
        f'<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="{profile.charset_name}">'
        f'<meta name="robots" content="noindex"><title>{escape(art.title)}</title></head>'
        f"<body><h1>{escape(art.title)}</h1>{paras}</body></html>\n"
    )


def render_listing(
    profile: SiteProfile, site: SiteTimeline, items: list[ReplayArticle], heading: str, feed_url: str
) -> str:
    """A home or section page listing articles, newest first."""
    rows = []
    for art in items:
        when = (
            f'<span class="date">{escape(printed_date(art.published, profile.date_style, False))}</span>'
            if art.published
            else ""
        )
        rows.append(
            f'<li class="teaser"><a href="{art.path}"><img src="/{profile.slug}/static/img/{art.number}-thumb.jpg"'
            f' alt=""><h3>{escape(art.title)}</h3></a>{when}<p>{escape(_lead(art, 120))}</p></li>'
        )
    charset = (
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1256">'
        if profile.charset == CP1256_META
        else f'<meta charset="{profile.charset_name}">'
    )
    return (
        f'<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head>{charset}<title>{escape(heading)} - '
        f'{escape(profile.title)}</title><link rel="alternate" type="application/rss+xml" href="{feed_url}">'
        f'</head><body class="{profile.slug} home">{cookie_banner(profile)}{site_header(profile)}<main>'
        f'<h2>{escape(heading)}</h2><ul class="latest">{"".join(rows)}</ul></main>'
        f"{footer(profile, 2018)}</body></html>\n"
    )


def render_root(sites: list[tuple[SiteProfile, int]]) -> str:
    """The replay server's own index: every site and how many articles it has published."""
    rows = "".join(
        f'<li><a href="/{p.slug}/">{escape(p.title)}</a> ({escape(p.source)}, {n})</li>' for p, n in sites
    )
    return (
        '<!DOCTYPE html>\n<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>Akhbar replay</title>'
        f'</head><body><h1>المواقع</h1><ul>{rows}</ul><p><a href="/_replay/manifest">manifest</a></p>'
        "</body></html>\n"
    )


def encode_page(profile: SiteProfile, html: str) -> bytes:
    """The page's bytes in the source's charset (characters outside it become numeric references)."""
    return html.encode(profile.encoding, "xmlcharrefreplace")


def etag_of(*parts: object) -> str:
    """A strong ETag from the parts that decide a resource's content."""
    return '"{:08x}"'.format(zlib.crc32("|".join(map(str, parts)).encode("utf-8")))
