"""Make GX's Data Docs render offline: its pages load Bootstrap, jQuery and Font Awesome from
public CDNs (and embed the GX logo from S3 with a tracking query), so on a machine without a
network they show as unstyled text. The same libraries come from PyPI (the XStatic packages),
are copied once into the site's `static/offline/`, and every page's CDN reference is pointed at
them. References to libraries no PyPI package ships (bootstrap-table, its filter control,
bootstrap-datepicker, a dark-mode sheet, Vega, which our pages do not use) are removed: the
pages keep their content and Bootstrap's styling, without the tables' column filters.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import xstatic.pkg.bootstrap as bootstrap
import xstatic.pkg.font_awesome as font_awesome
import xstatic.pkg.jquery as jquery

# What each CDN file is replaced with, by a fragment of its URL; None drops the tag.
LOCAL_FOR = (
    ("bootstrap/4.3.1/css/bootstrap.min.css", "bootstrap/css/bootstrap.min.css"),
    ("bootstrap/4.3.1/js/bootstrap.min.js", "bootstrap/js/bootstrap.bundle.min.js"),
    ("popper", None),  # inside bootstrap.bundle
    ("jquery-", "jquery/jquery.min.js"),
    ("font-awesome", "font_awesome/css/all.min.css"),
    ("bootstrap-table", None),
    ("bootstrap-datepicker", None),
    ("bootstrap-dark", None),
    ("npm/vega", None),
)
_REMOTE_TAG = re.compile(
    r"""<(?:link[^>]*href|script[^>]*src)\s*=\s*["'](https?://[^"']+)["'][^>]*>(?:\s*</script>)?""", re.I
)
_GX_REMOTE_ASSET = re.compile(r"https://great-expectations-web-assets\.s3\.us-east-2\.amazonaws\.com/[^\"')\s]*")


def _copy_assets(offline: Path) -> None:
    if (offline / ".complete").exists():
        return
    for name, package, parts in (
        ("bootstrap", bootstrap, ("css/bootstrap.min.css", "js/bootstrap.bundle.min.js")),
        ("jquery", jquery, ("jquery.min.js",)),
        ("font_awesome", font_awesome, ("css/all.min.css", "webfonts")),
    ):
        for part in parts:
            source, target = Path(package.BASE_DIR) / part, offline / name / part
            target.parent.mkdir(parents=True, exist_ok=True)
            if source.is_dir():
                shutil.copytree(source, target, dirs_exist_ok=True)
            else:
                shutil.copy2(source, target)
    (offline / ".complete").touch()


def _local(url: str) -> str | None:
    for fragment, local in LOCAL_FOR:
        if fragment in url:
            return local
    return None


def localize(site_dir: Path) -> list[str]:
    """Point every page of the Data Docs site at local copies; return the remote URLs removed."""
    offline = site_dir / "static" / "offline"
    _copy_assets(offline)
    logo = site_dir / "static" / "images" / "logo-long.png"
    dropped: set[str] = set()
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")

        def replace(match: re.Match[str], page: Path = page) -> str:
            url, tag = match.group(1), match.group(0)
            local = _local(url)
            if local is None:
                dropped.add(url)
                return ""
            rel = os.path.relpath(offline / local, page.parent).replace(os.sep, "/")
            if tag.lower().startswith("<link"):
                return f'<link rel="stylesheet" href="{rel}">'
            return f'<script src="{rel}"></script>'

        new = _REMOTE_TAG.sub(replace, text)
        # the logo beacon: GX already writes the image to static/images
        new = _GX_REMOTE_ASSET.sub(os.path.relpath(logo, page.parent).replace(os.sep, "/"), new)
        if new != text:
            page.write_text(new, encoding="utf-8")
    return sorted(dropped)
