"""The meaning model's vectors are made in the background (bot/state.py embed_later): the
sentences of an uploaded document are embedded without a question asking for them, and a
question on it then costs only its own embedding."""

from __future__ import annotations

import uuid

import pytest

from index.answers import meaning
from index.passages.tokenizer import sentence_texts
from index.search import store
from tests.bot.stub_bot_api import ADMIN_ID
from tests.bot.telegram_support import ask, check_html, eventually, upload_result

TG_OVERRIDES = {"embed_ahead": True}

pytest.importorskip(meaning.PACKAGE)


def _doc() -> tuple[str, str]:
    # Sentences no other test embeds: the run's vector file is shared.
    tag = uuid.uuid4().hex[:6]
    text = (
        f"松溪县开展河道治理{tag}\n\n"
        f"松溪县今年完成河道清淤42公里，编号{tag}。"
        "全县新建护岸工程17处，沿河村庄的防洪标准提高到二十年一遇。"
    )
    return f"松溪{tag}.txt", text


def _sentences(engine, name: str) -> list[str]:
    pids = [pid for pid, doc in store.passage_documents(engine.db).items() if doc == name]
    rows = store.passages_by_id(engine.db, pids).values()
    return [t.strip() for row in rows for t in sentence_texts(row.text, row.cuts)]


def test_an_uploaded_documents_sentences_are_embedded_before_any_question(stub, bot, tg_config, logs):
    name, text = _doc()
    mark = logs.mark()
    msg = stub.send_document(stub.private(ADMIN_ID), name, text.encode("utf-8"), user=stub.user(ADMIN_ID))
    assert "已加入" in upload_result(stub, msg)
    eventually(lambda: "sentences of the index embedded" in logs.text(mark), timeout=60)

    reader = meaning.load(tg_config.index.db_path)
    embedded = []
    real = reader._model.passage
    reader._model.passage = lambda texts: embedded.extend(texts) or real(texts)
    sentences = _sentences(bot.engine, name)
    assert sentences
    reader.sentences(sentences)
    assert embedded == []  # all kept already, by the background job

    _, call = ask(stub, "松溪县今年清淤了多少公里河道？", user_id=611)
    assert "42公里" in check_html(call.params["text"])
