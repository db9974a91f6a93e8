"""The simulated trainees of ``make soak``: timed quiz attempts with think time and autosave.

Each trainee is one thread. It starts an attempt, loads it, answers a few more questions every
5-10 s of think time and autosaves them (the page's JSON save), and finally submits. Along the
way some close the tab mid-attempt and come back (start again resumes the open attempt), and
some walk away and return after their deadline (the server has closed and graded the attempt
by then). Every answer the server acknowledged (``{"saved": true}``) is remembered, with the
attempt it belongs to and how the attempt ended, for the database check afterwards.
"""

from __future__ import annotations

import json
import random
import time
from dataclasses import dataclass, field

from bench.answers import fill, parse_attempt
from bench.client import Connection, CookieJar, FlowError, csrf_token, expect

THINK = (5.0, 10.0)  # seconds between autosaves
CLOSE_TAB = 0.15  # chance, per attempt, of closing the tab once mid-attempt and coming back
WALK_AWAY = 0.10  # chance, per trainee, of leaving the first attempt and returning after its deadline
SKILL = 0.8


@dataclass
class Log:
    """What one driver process saw; merged in the orchestrator."""

    latencies: dict[str, list[float]] = field(default_factory=dict)
    #: attempt id -> {"questions": [acknowledged question names], "ended": submit|deadline|open}
    attempts: dict[str, dict] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    def timed(self, kind: str, seconds: float) -> None:
        self.latencies.setdefault(kind, []).append(seconds)


def _given(answers: dict[str, list[str]], names: list[str]) -> list[str]:
    """The questions among ``names`` that were really answered (a blank is stored as no answer)."""
    return [n for n in names if any(v.strip() for v in answers[n])]


class Trainee:
    """One simulated trainee with a browser tab (cookie jar, connection)."""

    def __init__(self, plan: dict, account: dict, log: Log, seed: int) -> None:
        self.plan, self.log, self.rng = plan, log, random.Random(seed)
        self.jar, self.csrf = CookieJar(dict(account["cookies"])), account["csrf"]
        self.email = account["email"]
        self.conn = Connection(plan["base_url"])
        #: an attempt of this trainee is open: after an error, start again resumes and finishes it
        self.unfinished = False

    def request(self, kind: str, method: str, path: str, form: dict | None = None, accept: str = "text/html"):
        reply = self.conn.request(self.jar, method, path, form, accept=accept)
        self.log.timed(kind, reply.seconds)
        return reply

    def open_attempt(self, kind: str) -> tuple[str, dict[str, list[str]]]:
        """Start (or resume) the attempt and read its page: the path and this trainee's answers."""
        started = expect(self.request(kind, "POST", f"/quizzes/{self.plan['quiz_id']}/start",
                                      {"csrf_token": self.csrf}), 302, kind, "/quizzes/attempts/")
        page = expect(self.request("attempt page", "GET", started.location), 200, "attempt page")
        self.csrf = csrf_token(page.body)
        return started.location, fill(parse_attempt(page.body), self.plan["answer_key"], self.rng, SKILL)

    def autosave(self, path: str, answers: dict[str, list[str]], names: list[str], record: dict) -> None:
        form = {name: answers[name] for name in names}
        reply = self.request("autosave", "POST", f"{path}/save", {**form, "csrf_token": self.csrf},
                             accept="application/json")
        if reply.status == 200 and json.loads(reply.body).get("saved") is True:
            record["questions"] = sorted(set(record["questions"]) | set(_given(answers, names)))
        elif reply.status != 409:  # 409: time is up; nothing acknowledged, nothing to check
            raise FlowError(f"autosave: HTTP {reply.status}: {reply.body[:120]}")

    def think(self, until: float) -> bool:
        """Sleep 5-10 s (not past ``until``); False once the window is over. The idle keep-alive
        connection is dropped first, as the server would drop it: the next request opens one."""
        self.conn.close()
        pause = self.rng.uniform(*THINK)
        time.sleep(max(0.0, min(pause, until - time.monotonic())))
        return time.monotonic() < until

    def one_attempt(self, walk_away: bool) -> None:
        began = time.monotonic()
        path, answers = self.open_attempt("start")
        self.unfinished = True
        attempt_id = path.rstrip("/").rsplit("/", 1)[1]
        record = self.log.attempts.setdefault(attempt_id, {"questions": [], "ended": "open", "email": self.email})
        names = sorted(answers)
        closes_tab = self.rng.random() < CLOSE_TAB
        answered = 0
        while answered < len(names):
            if not self.think(self.plan["window_end"]):
                break
            answered = min(len(names), answered + self.rng.randint(2, 4))
            self.autosave(path, answers, names[:answered], record)
            if walk_away and answered >= 4:
                self.return_after_deadline(path, record, began + self.plan["expire_after"])
                return
            if closes_tab and answered >= 3:
                closes_tab = False
                self.conn.close()
                time.sleep(self.rng.uniform(*THINK))
                resumed, _ = self.open_attempt("resume")
                if resumed != path:
                    raise FlowError(f"resume opened {resumed}, expected the open attempt {path}")
        # what the page's script does on "Submit": save (acknowledged or refused), then submit
        self.autosave(path, answers, names, record)
        submitted = self.request("submit", "POST", f"{path}/save",
                                 {**{n: answers[n] for n in names}, "csrf_token": self.csrf, "submit": "1"})
        if submitted.status != 303:
            raise FlowError(f"submit: HTTP {submitted.status}")
        record["ended"] = "submit"
        self.unfinished = False
        expect(self.request("result page", "GET", submitted.location), 200, "result page")

    def return_after_deadline(self, path: str, record: dict, at: float) -> None:
        """Leave the tab; come back once deadline and grace have passed. Pages only read, so
        the result page says time is up and offers "See my grade", which closes and grades the
        attempt with what was saved (the periodic job does so for those who never return)."""
        self.conn.close()
        time.sleep(max(0.0, at - time.monotonic()))
        back = self.request("return after deadline", "GET", path)
        expect(back, 302, "return after deadline", f"{path}/result")
        expect(self.request("result page", "GET", back.location), 200, "result page")
        graded = self.request("see grade", "POST", f"{path}/submit", {"csrf_token": self.csrf})
        expect(graded, 303, "see grade", f"{path}/result")
        expect(self.request("result page", "GET", graded.location), 200, "result page")
        record["ended"] = "deadline"
        self.unfinished = False

    def run(self) -> None:
        walk_away, retries = self.rng.random() < WALK_AWAY, 0
        while time.monotonic() < self.plan["window_end"] or (self.unfinished and retries < 5):
            retries += time.monotonic() >= self.plan["window_end"]
            try:
                self.one_attempt(walk_away)
            except (FlowError, OSError, ValueError) as err:
                self.log.errors.append(f"{self.email}: {type(err).__name__}: {err}")
                self.conn.close()
                time.sleep(1)
            walk_away = False
        self.conn.close()
