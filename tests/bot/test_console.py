"""The console, run as a user runs it: questions piped to `python -m bot console`, a
follow-up read in the light of the question before it."""

import subprocess
import sys

from tests.conftest import ROOT


def console(tmp_path, lines: str, minutes: float = 5) -> str:
    cfg = tmp_path / "config.toml"
    cfg.write_text(
        f'[index]\ncorpus = "{ROOT / "seeds"}"\ndb = "{tmp_path / "index.db"}"\n'
        f"[telegram]\nfollowup_minutes = {minutes}\n",
        encoding="utf-8",
    )
    out = subprocess.run(
        [sys.executable, "-m", "bot", "console", "--config", str(cfg)],
        input=lines,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_the_console_answers_a_follow_up_in_the_light_of_the_question_before(tmp_path):
    out = console(tmp_path, "高塘岭社区有几个老旧宿舍小区？\n谢谢\n那辖区面积呢？\n")
    follow = out.split("> 那辖区面积呢？", 1)[1]
    assert "3.5平方公里" in follow
    late = console(tmp_path, "高塘岭社区有几个老旧宿舍小区？\n那辖区面积呢？\n", minutes=0)
    assert "3.5平方公里" not in late.split("> 那辖区面积呢？", 1)[1]  # after the window: read alone
