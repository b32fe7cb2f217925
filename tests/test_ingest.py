"""Ingest: finding inputs, header forms, date precedence, records and bad input."""

from __future__ import annotations

import codecs
import json
import os
import tempfile
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geomap.config import IngestSettings
from geomap.errors import ConfigError, InputError
from geomap.ingest import expand_inputs, iter_documents, parse_document, read_documents
from geomap.records import Document

ROOT = Path(__file__).resolve().parent.parent
ARTICLES = Path(__file__).resolve().parent / "fixtures" / "articles"
SEEDS = ROOT / "seeds"
CFG = IngestSettings()


def read_one(path: Path, cfg: IngestSettings = CFG) -> Document:
    (doc,) = read_documents([path], cfg)
    return doc


def error_for(path: Path, cfg: IngestSettings = CFG) -> InputError:
    (item,) = list(iter_documents([path], cfg))
    assert isinstance(item, InputError), item
    return item


# --- header forms --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "title", "source", "published", "basis"),
    [
        (
            "dev_header.txt",
            "Crowds gather outside the akimat in Aktobe",
            "Steppe Wire",
            date(2022, 1, 5),
            "header",
        ),
        ("dev_header_unknown.txt", "Steppe Wire: curfew declared in Taraz", "Steppe Wire", date(2022, 1, 6), "text"),
        ("page_dump.txt", "Truck drivers block the highway near Atyrau", None, date(2022, 1, 4), "header"),
        ("pipe_title.txt", "Strikes spread to the oil fields of Tengiz", "Caspian Daily", None, "unknown"),
        ("published_line.txt", "Students march through Shymkent", None, date(2022, 1, 5), "header"),
        (
            "month_first.txt",
            "Protesters rally in front of the city hall in Kyzylorda",
            None,
            date(2022, 1, 5),
            "header",
        ),
        ("iso_stamp.txt", "Night of unrest in Taldykorgan", None, date(2022, 1, 5), "header"),
        ("dotted.txt", "Митинг в Уральске", None, date(2022, 1, 5), "header"),
        ("long_month.txt", "Petropavl residents gather on the main square", None, date(2022, 1, 5), "header"),
        ("updated_only.txt", "Calm returns to the streets of Taraz", None, None, "unknown"),
        ("front_matter.md", "Vigil held in Kostanay", "Tobol Herald", date(2022, 1, 6), "header"),
        ("deep_date.txt", None, None, date(2022, 1, 2), "text"),
    ],
)
def test_header_forms(name, title, source, published, basis):
    doc = read_one(ARTICLES / name)
    assert (doc.name, doc.title, doc.source, doc.published, doc.published_basis) == (
        name,
        title,
        source,
        published,
        basis,
    )
    assert doc.path == str(ARTICLES / name)
    assert doc.encoding == "utf-8"


def test_dev_header_leaves_the_body_only():
    doc = read_one(ARTICLES / "dev_header.txt")
    assert doc.url == "https://example.org/aktobe-crowds"
    assert doc.text.startswith("Hundreds of people gathered")
    assert "Title:" not in doc.text and "Published:" not in doc.text


def test_unknown_header_date_is_inferred_from_the_latest_date_in_the_body():
    doc = read_one(ARTICLES / "dev_header_unknown.txt")
    assert "6 January 2022" in doc.text
    assert (doc.published, doc.published_basis) == (date(2022, 1, 6), "text")
    strict = read_one(ARTICLES / "dev_header_unknown.txt", IngestSettings(infer_published=False))
    assert (strict.published, strict.published_basis) == (None, "unknown")


def test_page_dump_removes_metadata_and_keeps_the_headline_once():
    doc = read_one(ARTICLES / "page_dump.txt")
    assert doc.text.count("Truck drivers block the highway near Atyrau") == 1
    assert doc.text.startswith("Truck drivers block the highway near Atyrau\n")
    for gone in ("Posted", "Published", "Modified", "Updated", "09:15", "марта"):
        assert gone not in doc.text
    assert "Dozens of trucks stood across the highway outside Atyrau" in doc.text


def test_site_suffix_leaves_the_headline_line():
    doc = read_one(ARTICLES / "pipe_title.txt")
    assert doc.text.splitlines()[0] == "Strikes spread to the oil fields of Tengiz"
    assert "Caspian Daily" not in doc.text


def test_standalone_date_lines_leave_the_body():
    for name in ("month_first.txt", "iso_stamp.txt", "dotted.txt", "long_month.txt"):
        lines = read_one(ARTICLES / name).text.splitlines()
        assert all(not line.strip() or not line.strip()[0].isdigit() for line in lines[:3]), name
        assert "2022" not in "\n".join(lines[:3]), name


def test_a_date_in_the_body_is_only_a_fallback_for_the_publication_date():
    doc = read_one(ARTICLES / "deep_date.txt")
    assert "2 January 2022" in doc.text
    assert doc.published_basis == "text"
    headed = parse_document("Published: 2022-01-09\n\nQueues formed on 2 January 2022.", "h.txt", CFG)
    assert (headed.published, headed.published_basis) == (date(2022, 1, 9), "header")


def test_modified_date_is_never_the_publication_date():
    doc = parse_document("Modified 20 March 2022\nUpdated 21 March 2022\n\nA rally in Aktau.", "m.txt", CFG)
    assert doc.published is None
    assert doc.text == "A rally in Aktau."


def test_posted_wins_over_a_later_dateline():
    text = "Posted 3 January 2022\n\nHeadline about Aktau\n\n4 January 2022, 10:00\nBody text about Aktau."
    doc = parse_document(text, "p.txt", CFG)
    assert doc.published == date(2022, 1, 3)


def test_bracketed_placeholder_title_keeps_its_words():
    doc = parse_document("Title: [Untitled page]\nPublished: 2022-01-05\n\nBody.", "t.txt", CFG)
    assert doc.title == "Untitled page"


def test_crlf_is_normalised():
    doc = parse_document("Title: A\r\nPublished: 2022-01-05\r\n\r\nLine one.\r\nLine two.\r\n", "c.txt", CFG)
    assert doc.text == "Line one.\nLine two."
    assert doc.published == date(2022, 1, 5)


def test_header_only_is_an_input_error():
    with pytest.raises(InputError, match="no article text after the header"):
        parse_document("Title: Nothing here\nPublished: 2022-01-05\n", "h.txt", CFG)


# --- seeds -----------------------------------------------------------------------------------


def test_seed_000_page_dump():
    doc = read_one(SEEDS / "000_7ef37f6cb6ce8476.txt")
    assert doc.title == "Chaos and riots: in Alma-Ata, protesters win street clashes with police"
    assert doc.published == date(2022, 1, 5)
    assert doc.published_basis == "header"
    assert doc.text.count(doc.title) == 1
    assert doc.text.startswith(doc.title)
    assert "Posted" not in doc.text[:200] and "Modified" not in doc.text[:200]
    assert "10:42" not in doc.text[:200]
    assert "In Almaty, roads are blocked at protest sites" in doc.text


def test_seed_004_headline_with_site():
    doc = read_one(SEEDS / "004_2ef0dfdfc66f6770.txt")
    assert doc.title == "As the crisis deepens, Kazakh protesters stormed into government offices in Almaty"
    assert doc.source == "Protest News"
    # No header date: its photo captions say "January 5, 2022".
    assert (doc.published, doc.published_basis) == (date(2022, 1, 5), "text")
    assert doc.text.startswith(doc.title + "\n")


# --- date precedence --------------------------------------------------------------------------


def test_sidecar_date_beats_the_header():
    doc = read_one(ARTICLES / "sidecar_date.txt")
    assert (doc.published, doc.published_basis) == (date(2022, 1, 7), "sidecar")
    assert doc.title == "Rally in Ekibastuz"


def test_sidecar_meta_json_gives_date_source_and_url():
    doc = read_one(ARTICLES / "sidecar_meta.txt")
    assert (doc.published, doc.published_basis) == (date(2022, 1, 3), "sidecar")
    assert doc.source == "Mangystau Courier"
    assert doc.url == "https://example.org/zhanaozen-road"


def test_sidecar_meta_toml_gives_date_and_title():
    doc = read_one(ARTICLES / "sidecar_toml.txt")
    assert (doc.published, doc.published_basis) == (date(2022, 1, 2), "sidecar")
    assert doc.title == "Aktau square, day three"


def test_config_override_beats_sidecar_and_header():
    cfg = IngestSettings(dates={"sidecar_date.txt": date(2021, 12, 31)})
    doc = read_one(ARTICLES / "sidecar_date.txt", cfg)
    assert (doc.published, doc.published_basis) == (date(2021, 12, 31), "override")


def test_config_override_by_path_and_for_a_header_without_date(tmp_path):
    article = tmp_path / "plain.txt"
    article.write_text("A rally in Aktau.\n", encoding="utf-8")
    cfg = IngestSettings(dates={str(article): date(2022, 1, 4)})
    assert read_one(article, cfg).published_basis == "override"


def test_sidecar_unknown_clears_a_header_date(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Published: 2022-01-05\n\nA rally in Aktau.\n", encoding="utf-8")
    (tmp_path / "a.txt.date").write_text("unknown\n", encoding="utf-8")
    doc = read_one(article)
    assert (doc.published, doc.published_basis) == (None, "sidecar")


def test_bad_sidecar_is_an_input_error_naming_the_sidecar(tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("A rally in Aktau.\n", encoding="utf-8")
    (tmp_path / "a.txt.date").write_text("next Tuesday\n", encoding="utf-8")
    err = error_for(article)
    assert err.path == str(tmp_path / "a.txt.date")
    assert "no date" in err.reason


def test_sidecars_can_be_turned_off():
    doc = read_one(ARTICLES / "sidecar_date.txt", IngestSettings(sidecars=False))
    assert (doc.published, doc.published_basis) == (date(2022, 1, 5), "header")


# --- HTML --------------------------------------------------------------------------------------


def test_html_meta_tags_and_text():
    doc = read_one(ARTICLES / "page.html")
    assert doc.title == "Protest camp grows in Aktau"
    assert doc.source == "Steppe Wire"
    assert doc.url == "https://example.org/aktau-camp"
    assert (doc.published, doc.published_basis) == (date(2022, 1, 4), "meta")
    lines = doc.text.splitlines()
    assert lines[0] == "Protest camp grows in Aktau"
    assert "Tents went up on the main square in Aktau as more people joined the protest." in lines
    assert "Organisers said on 1 January 2022 that they would stay until gas prices fell." in lines
    for dropped in ("Shymkent", "font-family", "Astana news", "Karaganda", "<p>", "&nbsp;"):
        assert dropped not in doc.text


def test_html_json_ld_and_page_title():
    doc = read_one(ARTICLES / "page_jsonld.html")
    assert doc.title == "Shops close early in Oral"
    assert doc.source == "Ural Evening"
    assert (doc.published, doc.published_basis) == (date(2022, 1, 6), "meta")
    assert doc.text == "Shops in Oral closed early on Thursday as crowds gathered near the akimat."


def test_html_inside_a_txt_file_and_title_tag_split(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_text(
        "<!doctype html><html><head><title>Clashes in Almaty | Steppe Wire</title></head>"
        "<body><p>First paragraph.</p><p>Second<br><br>Third</p></body></html>",
        encoding="utf-8",
    )
    doc = read_one(page)
    assert (doc.title, doc.source) == ("Clashes in Almaty", "Steppe Wire")
    assert doc.text == "First paragraph.\nSecond\nThird"


def test_html_without_text_is_an_input_error(tmp_path):
    page = tmp_path / "empty.html"
    page.write_text("<html><head><script>var a = 1;</script></head><body></body></html>", encoding="utf-8")
    assert error_for(page).reason == "no visible text in this HTML page"


def test_html_charset_declaration_is_honoured(tmp_path):
    page = tmp_path / "ru.html"
    body = "<html><head><meta charset='windows-1251'></head><body><p>Митинг в Актобе.</p></body></html>"
    page.write_bytes(body.encode("cp1251"))
    doc = read_one(page)
    assert doc.text == "Митинг в Актобе."
    assert doc.encoding == "windows-1251"


# --- JSON, JSONL, CSV --------------------------------------------------------------------------


def test_json_list_of_records():
    docs = read_documents([ARTICLES / "records.json"], CFG)
    assert [d.name for d in docs] == ["records.json#a1", "records.json#2"]
    assert docs[0].title == "Crowds in Aktobe" and docs[0].source == "Steppe Wire"
    assert [(d.published, d.published_basis) for d in docs] == [(date(2022, 1, 5), "field")] * 2
    assert docs[1].text == "Police dispersed a rally in Kostanay."


def test_jsonl_bad_line_does_not_stop_the_others():
    items = list(iter_documents([ARTICLES / "records.jsonl"], CFG))
    docs = [i for i in items if isinstance(i, Document)]
    errors = [i for i in items if isinstance(i, InputError)]
    assert [d.name for d in docs] == ["records.jsonl#7", "records.jsonl#3"]
    assert docs[1].url == "https://example.org/oral"
    assert docs[1].published == date(2022, 1, 6)
    assert [e.reason.split(":")[0] for e in errors] == ["line 2", "line 5"]
    assert all(e.path == str(ARTICLES / "records.jsonl") for e in errors)
    assert "not valid JSON" in errors[0].reason
    assert "no 'text' field" in errors[1].reason


def test_csv_records_with_quoted_multiline_text():
    docs = read_documents([ARTICLES / "records.csv"], CFG)
    assert [d.name for d in docs] == ["records.csv#c1", "records.csv#3"]
    assert docs[0].title == "Taraz curfew"  # column names match case-insensitively
    assert docs[1].text == "First paragraph about Shymkent.\n\nSecond paragraph, with a comma."
    assert docs[1].published == date(2022, 1, 6)


def test_csv_without_the_text_column():
    err = error_for(ARTICLES / "no_text.csv")
    assert err.path == str(ARTICLES / "no_text.csv")
    assert err.reason == "no 'text' column (columns: id, title, body)"


def test_csv_semicolons_and_configured_fields(tmp_path):
    table = tmp_path / "export.csv"
    table.write_text("uid;headline;when;body\n9;Aktau;2022-01-04;Crowds in Aktau.\n", encoding="utf-8")
    cfg = IngestSettings(text_field="body", title_field="headline", date_field="when", id_field="uid")
    (doc,) = read_documents([table], cfg)
    assert (doc.name, doc.title, doc.published, doc.text) == (
        "export.csv#9",
        "Aktau",
        date(2022, 1, 4),
        "Crowds in Aktau.",
    )


def test_record_override_is_per_record(tmp_path):
    lines = tmp_path / "r.jsonl"
    lines.write_text(
        '{"id": "x", "text": "Rally in Aktau.", "date": "2022-01-04"}\n'
        '{"id": "y", "text": "Rally in Oral.", "date": "2022-01-04"}\n',
        encoding="utf-8",
    )
    cfg = IngestSettings(dates={"r.jsonl#y": date(2022, 1, 9), "r.jsonl": date(2000, 1, 1)})
    docs = read_documents([lines], cfg)
    assert [(d.published, d.published_basis) for d in docs] == [
        (date(2022, 1, 4), "field"),
        (date(2022, 1, 9), "override"),
    ]


def test_record_field_beats_a_header_inside_the_text(tmp_path):
    lines = tmp_path / "r.jsonl"
    record = {"text": "Published 3 January 2022\n\nRally in Aktau.", "date": "2022-01-04"}
    lines.write_text(json.dumps(record) + "\n", encoding="utf-8")
    (doc,) = read_documents([lines], CFG)
    assert (doc.published, doc.text) == (date(2022, 1, 4), "Rally in Aktau.")


def test_single_json_object_is_one_document(tmp_path):
    single = tmp_path / "one.json"
    single.write_text(json.dumps({"text": "Rally in Aktau.", "title": "Aktau"}), encoding="utf-8")
    doc = read_one(single)
    assert (doc.name, doc.title) == ("one.json", "Aktau")


def test_malformed_json_names_the_line(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('[\n{"text": "a"},\n{"text": }\n]', encoding="utf-8")
    err = error_for(broken)
    assert "not valid JSON" in err.reason and "line 3" in err.reason


def test_oversized_jsonl_record_is_refused_and_the_rest_read(tmp_path):
    lines = tmp_path / "big.jsonl"
    lines.write_text(
        json.dumps({"text": "x" * 500}) + "\n" + json.dumps({"text": "Rally in Aktau."}) + "\n",
        encoding="utf-8",
    )
    items = list(iter_documents([lines], IngestSettings(max_bytes=200)))
    assert isinstance(items[0], InputError)
    assert items[0].reason == "line 1: record is over the 200 bytes limit (ingest.max_bytes)"
    assert isinstance(items[1], Document) and items[1].text == "Rally in Aktau."


def test_oversized_csv_record_is_refused(tmp_path):
    table = tmp_path / "big.csv"
    table.write_text('text\n"' + "y" * 500 + '"\n', encoding="utf-8")
    (item,) = list(iter_documents([table], IngestSettings(max_bytes=200)))
    assert isinstance(item, InputError)
    assert item.reason.startswith("line 2: record is over the 200 bytes limit")


def test_jsonl_is_streamed_beyond_the_file_limit(tmp_path):
    lines = tmp_path / "many.jsonl"
    lines.write_text("".join(json.dumps({"text": f"Rally number {i}."}) + "\n" for i in range(50)), "utf-8")
    docs = read_documents([lines], IngestSettings(max_bytes=100))
    assert len(docs) == 50 and lines.stat().st_size > 100


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"   \n\t\r\n  "])
def test_empty_file(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    err = error_for(path)
    assert (err.path, err.reason) == (str(path), "empty file")


@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".json"])
def test_empty_record_files(tmp_path, suffix):
    path = tmp_path / f"empty{suffix}"
    path.write_bytes(b"")
    assert error_for(path).reason == "empty file"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)),
        b"Some text\x00with a NUL",
        bytes([1, 2, 3, 4, 5, 6, 7, 8]) * 40 + b"mostly control characters",
    ],
)
@pytest.mark.parametrize("suffix", [".txt", ".jsonl", ".csv", ".html"])
def test_binary_file(tmp_path, content, suffix):
    path = tmp_path / f"blob{suffix}"
    path.write_bytes(content)
    assert error_for(path).reason == "binary file, not text"


def test_utf8_bom(tmp_path):
    path = tmp_path / "bom.txt"
    path.write_bytes(codecs.BOM_UTF8 + "Title: Митинг\nPublished: 2022-01-05\n\nТекст.".encode())
    doc = read_one(path)
    assert (doc.title, doc.published, doc.text, doc.encoding) == (
        "Митинг",
        date(2022, 1, 5),
        "Текст.",
        "utf-8-sig",
    )


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path, codec):
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    path = tmp_path / "wide.txt"
    path.write_bytes(bom + "Published 5 January 2022\n\nПротест в Актау.".encode(codec))
    doc = read_one(path)
    assert (doc.text, doc.published, doc.encoding) == ("Протест в Актау.", date(2022, 1, 5), "utf-16")


def test_utf16_without_bom_is_not_guessed(tmp_path):
    path = tmp_path / "wide.txt"
    path.write_bytes("A rally in Aktau.".encode("utf-16-le"))
    assert error_for(path).reason == "binary file, not text"


def test_cp1251_russian(tmp_path):
    path = tmp_path / "ru.txt"
    text = "Опубликовано 5 января 2022\n\nПротестующие собрались на площади в Актобе и требовали снизить цены."
    path.write_bytes(text.encode("cp1251"))
    doc = read_one(path)
    assert doc.encoding == "cp1251"
    assert doc.text == "Протестующие собрались на площади в Актобе и требовали снизить цены."
    assert doc.published == date(2022, 1, 5)


def test_latin1_french(tmp_path):
    path = tmp_path / "fr.txt"
    text = "Des manifestants se sont rassemblés à Almaty, où la police a dispersé la foule près de la mairie."
    path.write_bytes(text.encode("latin-1"))
    doc = read_one(path)
    assert (doc.encoding, doc.text) == ("latin-1", text)


def test_cp1252_quotes_are_not_read_as_control_characters(tmp_path):
    path = tmp_path / "quotes.txt"
    text = "“Leave now,” the police told the crowd in Almaty – and it did."
    path.write_bytes(text.encode("cp1252"))
    doc = read_one(path)
    assert (doc.encoding, doc.text) == ("cp1252", text)


def test_cp1251_csv_is_streamed(tmp_path):
    table = tmp_path / "ru.csv"
    table.write_bytes("text\nМитинг в Уральске.\n".encode("cp1251"))
    (doc,) = read_documents([table], CFG)
    assert (doc.text, doc.encoding) == ("Митинг в Уральске.", "cp1251")


def test_oversized_file_names_the_limit(tmp_path):
    path = tmp_path / "big.txt"
    path.write_text("word " * 100, encoding="utf-8")
    err = error_for(path, IngestSettings(max_bytes=100))
    assert err.reason == "file is 500 bytes, over the 100 bytes limit (ingest.max_bytes)"


def test_missing_file_and_directory_as_file(tmp_path):
    assert error_for(tmp_path / "gone.txt").reason == "no such file or directory"
    assert error_for(tmp_path).reason == "is a directory"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads everything")
def test_unreadable_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("A rally in Aktau.", encoding="utf-8")
    path.chmod(0)
    try:
        assert error_for(path).reason == "permission denied"
    finally:
        path.chmod(0o644)


def test_one_bad_file_does_not_stop_the_others(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01")
    good = ARTICLES / "dev_header.txt"
    items = list(iter_documents([bad, good], CFG))
    assert isinstance(items[0], InputError) and isinstance(items[1], Document)
    with pytest.raises(InputError, match="binary file"):
        read_documents([bad, good], CFG)


def test_unknown_fallback_encoding_is_a_config_error():
    with pytest.raises(ConfigError, match="no-such-codec"):
        list(iter_documents([ARTICLES / "dev_header.txt"], IngestSettings(encodings=("no-such-codec",))))


def test_iter_documents_is_lazy():
    pulled: list[Path] = []

    def paths():
        for name in ("dev_header.txt", "page_dump.txt", "pipe_title.txt"):
            pulled.append(ARTICLES / name)
            yield ARTICLES / name

    stream = iter_documents(paths(), CFG)
    first = next(stream)
    assert isinstance(first, Document) and first.name == "dev_header.txt"
    assert len(pulled) == 1


# --- expand_inputs -----------------------------------------------------------------------------


def test_expand_folder_recurses_filters_and_skips_sidecars(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / ".hidden").mkdir()
    for name in (
        "b.txt",
        "a.html",
        "sub/c.jsonl",
        "notes.pdf",
        ".DS_Store",
        ".hidden/x.txt",
        "b.txt.meta.json",
    ):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = expand_inputs([tmp_path], CFG)
    assert [p.relative_to(tmp_path).as_posix() for p in found] == ["a.html", "b.txt", "sub/c.jsonl"]


def test_expand_fixture_folder_leaves_sidecars_out():
    names = [p.name for p in expand_inputs([ARTICLES], CFG)]
    assert "sidecar_meta.txt" in names
    assert not any(n.endswith((".date", ".meta.json", ".meta.toml")) for n in names)
    assert names == sorted(names)


def test_expand_files_globs_dedupes_and_sorts(tmp_path):
    for name in ("b.txt", "a.txt", "c.md"):
        (tmp_path / name).write_text("x", encoding="utf-8")
    found = expand_inputs([tmp_path / "b.txt", str(tmp_path / "*.txt"), tmp_path / "c.md", tmp_path], CFG)
    assert [p.name for p in found] == ["a.txt", "b.txt", "c.md"]


def test_expand_explicit_file_ignores_the_extension_list(tmp_path):
    odd = tmp_path / "article.text"
    odd.write_text("x", encoding="utf-8")
    assert expand_inputs([odd], CFG) == [odd]


def test_expand_recursive_glob(tmp_path):
    (tmp_path / "x" / "y").mkdir(parents=True)
    (tmp_path / "x" / "y" / "deep.txt").write_text("x", encoding="utf-8")
    assert [p.name for p in expand_inputs([f"{tmp_path}/**/*.txt"], CFG)] == ["deep.txt"]


def test_expand_missing_path(tmp_path):
    with pytest.raises(InputError) as caught:
        expand_inputs([tmp_path / "nope"], CFG)
    assert (caught.value.path, caught.value.reason) == (str(tmp_path / "nope"), "no such file or directory")


def test_expand_glob_matching_nothing(tmp_path):
    with pytest.raises(InputError, match="no file matches this pattern"):
        expand_inputs([str(tmp_path / "*.txt")], CFG)


def test_expand_folder_without_inputs(tmp_path):
    (tmp_path / "readme.pdf").write_text("x", encoding="utf-8")
    with pytest.raises(InputError, match="no input files"):
        expand_inputs([tmp_path], CFG)


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    content=st.one_of(
        st.binary(max_size=600),
        st.text(max_size=400).map(lambda s: s.encode("utf-8", "surrogatepass")),
        st.text(alphabet='Title:Publshd 0125.-\n|<>/phtml"{},[]', max_size=300).map(str.encode),
    ),
    suffix=st.sampled_from([".txt", ".html", ".json", ".jsonl", ".csv", ".md"]),
)
def test_any_bytes_give_documents_or_input_errors(content, suffix):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"input{suffix}"
        path.write_bytes(content)
        for item in iter_documents([path], CFG):
            assert isinstance(item, Document | InputError)
            if isinstance(item, InputError):
                assert item.path and item.reason
                continue
            assert isinstance(item.text, str) and item.text == item.text.strip() and item.text
            assert "\r" not in item.text
            assert item.name.startswith(path.name)
            assert item.text.encode("utf-8")  # no lone surrogates for later writers


@given(st.text(max_size=300))
def test_parse_document_never_raises_anything_but_input_error(raw):
    try:
        doc = parse_document(raw, "x.txt", CFG)
    except InputError as err:
        assert err.reason == "no article text after the header"
        return
    assert doc.text and doc.text == doc.text.strip()
    assert doc.published_basis in ("header", "unknown")


def test_html_comments_and_marked_sections_are_dropped(tmp_path):
    page = tmp_path / "odd.html"
    page.write_text(
        "<html><body><p>Rally in Aktau.<![bogus[x]]><!-- Oral --></p><p>Police came.</p></body></html>",
        encoding="utf-8",
    )
    assert read_one(page).text == "Rally in Aktau.\nPolice came."


@pytest.mark.parametrize("junk", ["<!-- ", "<![CDATA[", "<a ", "<!", "</"])
def test_html_parsing_stays_linear_on_broken_markup(tmp_path, junk):
    page = tmp_path / "junk.html"
    page.write_text("<p>Rally in Aktau.</p>" + junk * 20_000, encoding="utf-8")
    started = time.perf_counter()
    assert read_one(page).text.startswith("Rally in Aktau.")
    assert time.perf_counter() - started < 2.0


def test_html_small_article_in_a_big_page_is_not_the_story(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><body><div><p>" + "Crowds filled the square in Aktau for hours. " * 10 + "</p></div>"
        "<article><p>Related: weather in Oral</p></article></body></html>",
        encoding="utf-8",
    )
    doc = read_one(page)
    assert "Crowds filled the square in Aktau" in doc.text and "weather in Oral" in doc.text


def test_front_matter_needs_its_closing_fence():
    doc = parse_document("---\nA rally was held in Aktau.\nPolice watched.\n", "f.md", CFG)
    assert doc.text.startswith("---\nA rally was held in Aktau.")


def test_saved_page_with_a_leading_comment_is_html(tmp_path):
    page = tmp_path / "saved.txt"
    page.write_text("<!-- saved from url=(0042) -->\n<!DOCTYPE html><p>Rally in Aktau.</p>", encoding="utf-8")
    assert read_one(page).text == "Rally in Aktau."


def test_many_leading_comments_are_read_quickly(tmp_path):
    page = tmp_path / "comments.txt"
    page.write_text("<!--a-->" * 400 + "\nRally in Aktau.", encoding="utf-8")
    started = time.perf_counter()
    assert read_one(page).text.endswith("Rally in Aktau.")
    assert time.perf_counter() - started < 2.0


@pytest.mark.parametrize(
    "top",
    ["5 January 2022" + " ," * 30 + " x", "---\n" + "a:b:c:d:\n" * 70 + "x", "Posted 5 January 2022" + " -" * 45],
)
def test_header_patterns_do_not_backtrack(top):
    started = time.perf_counter()
    parse_document(top + "\n\nA rally was held in Aktau, witnesses told reporters on Wednesday.", "b.txt", CFG)
    assert time.perf_counter() - started < 0.5


def test_missing_header_date_taken_from_the_url_before_the_text():
    raw = "Title: Rally\nURL: https://example.org/news/2022/01/07/rally-in-aktau/\n\nOn 2 January 2022 it began."
    doc = parse_document(raw, "u.txt", CFG)
    assert (doc.published, doc.published_basis) == (date(2022, 1, 7), "url")
    raw = "Title: Rally\nURL: https://example.org/news/rally-1234\n\nOn 2 January 2022 it began."
    assert parse_document(raw, "u.txt", CFG).published_basis == "text"
