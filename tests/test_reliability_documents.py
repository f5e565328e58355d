"""Bad documents at the engine: each is skipped (reindex) or rejected (upload) with a
clear reason and the index stays as it was; odd but good ones (GBK, BOM, CRLF, PDF,
DOCX) are indexed and answer questions; upload names never reach outside the corpus."""

from __future__ import annotations

import os
import pathlib
import uuid

import pytest

from bot import reasons
from index.engine import DocumentRejected, Engine, safe_name
from tests.fixtures.docmaker import make_docx, make_pdf
from tests.fixtures.engines import clone_engine, integrity, snapshot

FACT = "星沙街道今年共建成社区食堂17家，为辖区老年人提供助餐服务。"
QUESTION = "星沙街道建成了多少家社区食堂？"


def article(fact: str = FACT) -> str:
    return (
        "\n\n".join(
            [
                "湘江新区基层治理工作纪实",
                "记者 王小明",
                "近年来，湘江新区坚持党建引领，不断完善基层服务设施，群众的获得感持续增强。",
                fact + "附近居民对此十分满意，纷纷点赞。",
                "下一步，当地还将继续完善服务功能，让更多居民在家门口享受便利。",
            ]
        )
        + "\n"
    )


@pytest.fixture
def engine(seed_engine, tmp_path) -> Engine:
    """A private, already indexed copy of the seeds (a copy, not a reindex: fast)."""
    return clone_engine(seed_engine, tmp_path)


def corpus_files(engine: Engine) -> set[str]:
    return {p.name for p in engine.settings.corpus_dir.iterdir()}


# ---- bad documents: rejected on upload, skipped by reindex, index unchanged ----------

# name: (bytes, the reason's code, words of the Chinese sentence the admin reads)
BAD = {
    "empty.txt": (b"", "empty", "空的"),
    "blank.md": (b" \r\n\r\n\t ", "empty", "空的"),
    "binary.txt": (bytes(range(256)) * 40, "binary", "二进制"),
    "image.txt": (b"\x89PNG\r\n\x1a\n" + os.urandom(2000), "binary_kind", "PNG 文件"),
    "truncated.pdf": (make_pdf([[FACT]])[:600], "pdf_truncated", "不完整"),
    "encrypted.pdf": (make_pdf([[FACT]], password="secret"), "pdf_encrypted", "已加密"),
    "scanned.pdf": (make_pdf([[]], text_layer=False), "ocr_no_text", "没有找到可读的文字"),  # a scan of nothing
    "notzip.docx": (b"PK? no, just text pretending to be a docx", "not_zip", "zip"),
    "old.docx": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "old_doc", ".doc"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_upload_is_rejected_with_its_reason(engine, name):
    data, code, words = BAD[name]
    before, files = snapshot(engine.settings), corpus_files(engine)
    with pytest.raises(DocumentRejected) as info:
        engine.add_document(name, data)
    assert info.value.code == code and words in reasons.say(info.value)
    assert snapshot(engine.settings) == before
    assert corpus_files(engine) == files  # not saved, no temporary file left


def test_bad_files_in_the_folder_are_skipped_by_reindex(engine):
    before = snapshot(engine.settings)
    answer = engine.ask("雨花区有多少红色之家？").sentence
    for name, (data, _, _) in BAD.items():
        (engine.settings.corpus_dir / name).write_bytes(data)
    (engine.settings.corpus_dir / "notes.xlsx").write_bytes(b"PK\x03\x04")
    summary = engine.reindex()
    skipped = dict(summary.skipped)
    for name, (_, code, _) in BAD.items():
        assert skipped[name].code == code, (name, skipped.get(name))
    assert skipped["notes.xlsx"].code == "unsupported_type"
    assert summary.added == summary.changed == summary.removed == []
    after = snapshot(engine.settings)
    assert after["documents"] == before["documents"] and after["passages"] == before["passages"]
    assert engine.ask("雨花区有多少红色之家？").sentence == answer
    assert integrity(engine.settings.db_path) == "ok"


def test_a_good_document_replaced_by_a_broken_one_keeps_its_last_good_version(engine):
    path = engine.settings.corpus_dir / "facts.txt"
    path.write_text(article(), encoding="utf-8")
    engine.reindex()
    good = snapshot(engine.settings)
    path.write_bytes(bytes(range(256)) * 10)
    summary = engine.reindex()
    assert "facts.txt" in dict(summary.skipped)
    assert snapshot(engine.settings)["documents"] == good["documents"]
    assert "17家" in (engine.ask(QUESTION).sentence or "")


# ---- odd but good documents: indexed and answerable --------------------------------

GOOD = {
    "gbk.txt": article().encode("gbk"),
    "gb18030.txt": article().replace("王小明", "王𠀀明").encode("gb18030"),
    "bom.txt": b"\xef\xbb\xbf" + article().encode(),
    "crlf.md": article().replace("\n", "\r\n").encode(),
    "gbk-crlf.txt": article().replace("\n", "\r\n").encode("gbk"),
    "utf16.txt": article().encode("utf-16"),
    "report.pdf": make_pdf([article().split("\n\n")[:3], article().split("\n\n")[3:]]),
    "report.docx": make_docx(article().split("\n\n")[1:], heading="湘江新区基层治理工作纪实"),
}


def _assert_answers(engine: Engine, name: str) -> None:
    doc = {d.name: d for d in engine.documents()}[name]
    assert doc.passages > 0
    answer = engine.ask(QUESTION)
    assert answer.found and "17家" in answer.sentence, (name, answer.sentence)
    assert answer.passages[0].doc == name
    text = "".join(h.text + h.title for h in answer.passages)
    assert "\r" not in text and "\ufeff" not in text and "\x00" not in text


@pytest.mark.parametrize("name", sorted(GOOD))
def test_odd_document_uploaded_is_answerable(engine, name):
    saved, processed, summary = engine.add_document(name, GOOD[name])
    assert saved == name and summary.added == [name]
    assert (engine.settings.corpus_dir / name).read_bytes() == GOOD[name]
    _assert_answers(engine, name)


@pytest.mark.parametrize("name", ["gbk.txt", "crlf.md", "report.pdf", "report.docx"])
def test_odd_document_in_the_folder_is_answerable_after_reindex(engine, name):
    (engine.settings.corpus_dir / name).write_bytes(GOOD[name])
    summary = engine.reindex()
    assert summary.added == [name] and not summary.skipped
    _assert_answers(engine, name)
    assert engine.reindex().unchanged == 3  # read the same way twice: same hash, no redo


def test_seed_saved_as_gbk_with_crlf_reads_like_the_original(engine):
    seed = sorted(engine.settings.corpus_dir.glob("*.txt"))[-1]
    text = seed.read_text(encoding="utf-8")
    (engine.settings.corpus_dir / "copy.txt").write_bytes(text.replace("\n", "\r\n").encode("gb18030"))
    engine.reindex()
    docs = {d.name: d for d in engine.documents()}
    assert docs["copy.txt"].passages == docs[seed.name].passages
    assert docs["copy.txt"].title == docs[seed.name].title


# ---- the size cap ------------------------------------------------------------------


def test_upload_above_the_size_cap_is_refused(engine):
    before = snapshot(engine.settings)
    data = b"a" * (50 * 1024 * 1024)
    with pytest.raises(DocumentRejected) as info:
        engine.add_document("big.txt", data)
    assert info.value.code == "too_large_file" and "文件太大（50.0 MB）" in reasons.say(info.value)
    assert snapshot(engine.settings) == before
    assert not (engine.settings.corpus_dir / "big.txt").exists()


def test_reindex_skips_a_50_mb_file_without_reading_it(engine, monkeypatch):
    big = engine.settings.corpus_dir / "big.txt"
    with open(big, "wb") as f:  # sparse: 50 MB on paper, nothing on disk
        f.truncate(50 * 1024 * 1024)
    read: list[str] = []
    real_read, real_open = pathlib.Path.read_bytes, pathlib.Path.open

    def read_bytes(self):
        read.append(self.name)
        return real_read(self)

    def path_open(self, *args, **kwargs):
        read.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    monkeypatch.setattr(pathlib.Path, "open", path_open)
    (engine.settings.corpus_dir / "facts.txt").write_text(article(), encoding="utf-8")
    summary = engine.reindex()
    why = dict(summary.skipped)["big.txt"]
    assert why.code == "too_large_file" and "50.0 MB" in reasons.say(why) and "上限 20 MB" in reasons.say(why)
    assert "big.txt" not in read and "facts.txt" in read
    assert summary.added == ["facts.txt"]


def test_size_cap_boundary(seed_engine, tmp_path):
    engine = clone_engine(seed_engine, tmp_path, max_file_mb=0.05)  # above the seeds' size
    limit = int(0.05 * 1024 * 1024)
    text = article().encode()
    at_limit = text + b"\n" * (limit - len(text))
    (engine.settings.corpus_dir / "a.txt").write_bytes(at_limit)
    (engine.settings.corpus_dir / "b.txt").write_bytes(at_limit + b"\n")
    summary = engine.reindex()
    assert summary.added == ["a.txt"] and [n for n, _ in summary.skipped] == ["b.txt"]
    with pytest.raises(DocumentRejected):
        engine.add_document("c.txt", at_limit + b"\n")
    engine.add_document("d.txt", at_limit)


def test_a_document_grown_over_the_cap_keeps_its_last_version(seed_engine, tmp_path):
    engine = clone_engine(seed_engine, tmp_path, max_file_mb=0.05)
    path = engine.settings.corpus_dir / "facts.txt"
    path.write_text(article(), encoding="utf-8")
    engine.reindex()
    with open(path, "ab") as f:
        f.truncate(1024 * 1024)
    summary = engine.reindex()
    assert dict(summary.skipped)["facts.txt"].code == "too_large_file" and not summary.removed
    assert "17家" in (engine.ask(QUESTION).sentence or "")


# ---- upload names are names, never paths -------------------------------------------


def _outside_files(root: pathlib.Path) -> set[str]:
    return {str(p) for p in root.rglob("*")}


@pytest.mark.parametrize(
    "raw",
    [
        "../../{u}.txt",
        "..\\..\\{u}.txt",
        "/tmp/{u}.txt",
        "C:\\Windows\\{u}.txt",
        "\\\\server\\share\\{u}.txt",
        "corpus/../../{u}.txt",
        "....//....//{u}.txt",
        "{u}.txt\x00.pdf",
        "\x00../{u}.txt",
        "%2e%2e%2f{u}.txt",
        "~/{u}.txt",
        "./.{u}.txt",
        "{u}\u202etxt.md",
    ],
)
def test_upload_names_cannot_escape_the_corpus(engine, tmp_path, raw):
    u = f"esc-{uuid.uuid4().hex[:8]}"
    name = raw.format(u=u)
    corpus = engine.settings.corpus_dir.resolve()
    outside_before = _outside_files(tmp_path) - _outside_files(corpus)
    try:
        saved, _, _ = engine.add_document(name, article().encode())
    except DocumentRejected:
        saved = None
    if saved is not None:
        target = (corpus / saved).resolve()
        assert target.parent == corpus and target.is_file()
        assert "/" not in saved and "\\" not in saved and "\x00" not in saved and not saved.startswith(".")
    # Nothing new anywhere but inside the corpus folder (and the index beside it).
    outside_after = _outside_files(tmp_path) - _outside_files(corpus)
    new = {p for p in outside_after - outside_before if "/db/" not in p}
    assert not new
    for place in (pathlib.Path("/tmp"), tmp_path.parent, tmp_path.parent.parent, pathlib.Path.home()):
        assert not list(place.glob(f"*{u}*"))


@pytest.mark.parametrize("name", ["", ".", "..", "/", "../", "\x00", ".txt", "...txt", "x.exe", "x.txt/", "  .md  "])
def test_names_without_a_document_in_them_are_rejected(engine, name):
    with pytest.raises(DocumentRejected):
        engine.add_document(name, article().encode())


def test_long_names_are_shortened_keeping_the_extension(engine):
    saved, _, _ = engine.add_document("红" * 300 + ".docx", GOOD["report.docx"])
    assert saved.endswith(".docx") and len(saved.encode()) <= 200
    assert (engine.settings.corpus_dir / saved).is_file()


def test_safe_name_strips_invisible_and_control_characters():
    assert safe_name("a\u200bb\x07c\u202e.txt") == "abc.txt"
    assert safe_name("报告\r\n.pdf") == "报告.pdf"


def test_upload_onto_a_symlink_leading_outside_is_refused(engine, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("keep me")
    (engine.settings.corpus_dir / "link.txt").symlink_to(outside)
    with pytest.raises(DocumentRejected):
        engine.add_document("link.txt", article().encode())
    assert outside.read_text() == "keep me"


def test_remove_document_only_removes_indexed_documents(engine, tmp_path):
    outside = tmp_path / "victim.txt"
    outside.write_text("keep me")
    for name in ("../victim.txt", str(outside), "/etc/passwd", "", ".."):
        assert engine.remove_document(name) is False
    assert outside.read_text() == "keep me"
