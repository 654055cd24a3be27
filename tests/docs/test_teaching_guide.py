"""The instructor's guide: both languages cover every section of the lesson, every picture they
link exists and is one ``netsim-lab --docs-media`` makes, and every preset id they name is real."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.shell.docs_media import LANGS, MEDIA, media_files
from netsim.lessons.handshake.lab import SCENARIOS as HANDSHAKE_SCENARIOS
from netsim.lessons.hmac.scenarios import LESSON_SCENARIOS as HMAC_LESSON_SCENARIOS
from netsim.lessons.hmac.scenarios import SCENARIOS as HMAC_SCENARIOS
from netsim.lessons.servers.scenario import MODES as SERVER_MODES
from netsim.lessons.sticky.presets import PRESETS_BY_ID

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
GUIDES = {"en": DOCS / "teaching.md", "zh_CN": DOCS / "teaching.zh_CN.md"}
# The lesson's sections (network-programming-lesson.zh.txt): 一 C/S vs B/S … 七 client legitimacy.
SECTIONS = ("一", "二", "三", "四", "五", "六", "七")
IMAGE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)\)")
KNOWN_IDS = {*PRESETS_BY_ID, *HANDSHAKE_SCENARIOS, *HMAC_SCENARIOS, *HMAC_LESSON_SCENARIOS, *SERVER_MODES}


@pytest.mark.parametrize("lang", LANGS)
def test_the_guide_covers_every_section_with_a_demo(lang: str) -> None:
    text = GUIDES[lang].read_text(encoding="utf-8")
    headings = re.findall(r"^## (\S)", text, flags=re.MULTILINE)
    assert headings == list(SECTIONS)
    for part in re.split(r"^## ", text, flags=re.MULTILINE)[1:]:
        assert IMAGE.search(part), f"section {part[:1]} has no picture"
        assert re.search(r"\d+ (min|分钟)", part.splitlines()[0]), f"section {part[:1]}: how long?"


@pytest.mark.parametrize("lang", LANGS)
def test_every_linked_picture_exists_and_is_regenerated(lang: str) -> None:
    text = GUIDES[lang].read_text(encoding="utf-8")
    links = IMAGE.findall(text)
    assert len(links) >= len(SECTIONS)
    made = set(media_files())
    for link in links:
        path = (DOCS / link).resolve()
        assert path.is_file(), f"{GUIDES[lang].name} links {link}, which does not exist"
        assert path.parent == (DOCS / "media").resolve() and path.name in made, (
            f"{link} is not made by `netsim-lab --docs-media docs/media`"
        )
        assert f".{lang}." in path.name, f"{GUIDES[lang].name} shows {path.name}, another language's picture"


def test_every_regenerated_file_is_used_and_small() -> None:
    used = {Path(link).name for g in GUIDES.values() for link in IMAGE.findall(g.read_text(encoding="utf-8"))}
    assert used == set(media_files())
    total = sum((DOCS / "media" / name).stat().st_size for name in media_files())
    assert total <= 8 * 1024 * 1024
    assert {m.panel for m in MEDIA if m.animated} == {"sticky", "handshake", "hmac"}


@pytest.mark.parametrize("lang", LANGS)
def test_named_presets_and_scenarios_exist(lang: str) -> None:
    text = GUIDES[lang].read_text(encoding="utf-8")
    named = set(re.findall(r"--(?:preset|scenario|mode) ([a-z0-9-]+)", text))
    named |= {t for t in re.findall(r"`([a-z0-9]+(?:-[a-z0-9]+)+)`", text)} - {"netsim-lab"}
    assert "hello-world" in named and "normal" in named
    unknown = sorted(named - KNOWN_IDS)
    assert not unknown, f"{GUIDES[lang].name} names {unknown}, which are no preset, scenario or mode"
