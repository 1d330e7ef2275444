"""
The simulated users of the load and fault benches: locust's FastHttpUser, run as a library.

Each simulated user is one account of benchdb.make_accounts. It logs in through the log-in form once,
then does what the crowd's mode says, again and again, with no pause between requests:

    "mixed"      log an entry (POST /api/v1/entries with its token), read that day's page (HTML, its
                 session) and the day's summary (GET /api/v1/days/{date}), in turns
    "day page"   read the day page of a day it logged on
    "ceiling"    read the baseline view (a trivial logged-in view: benchdb.baseline_view)
    "idle"       nothing (each user finishes the request it is in)

    crowd = Crowd(server.port, accounts, natto_id)
    crowd.start(50)           # returns once every user has logged in
    crowd.mode = "mixed"; gevent.sleep(60)
    crowd.stop()
    crowd.answers             # every request: kind, start, end, status
    crowd.writes              # every entry a user meant to log, with its id once acknowledged

Every write carries an Idempotency-Key. A write that got no answer or a 5xx is sent again, same key
and same entry, as the user's next write (a client retrying after a time-out); a 4xx is not retried.
Each of a user's writes logs a different (day, time), so the database's rows can be matched to the writes
whatever the server does with the key: crowd.check_writes() says which were lost, doubled or stored unasked.
"""

import json
import re
import resource
import uuid
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from http.cookiejar import DefaultCookiePolicy
from time import perf_counter

import gevent
from benchdb import BASELINE_PATH
from locust import FastHttpUser, constant, task
from locust.env import Environment

LAST_DAY = date(2026, 11, 20)
DAYS = [LAST_DAY - timedelta(days=back) for back in range(30)]
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
KINDS = {
    "entry": "POST /api/v1/entries",
    "day page": "GET /day/{date}/",
    "summary": "GET /api/v1/days/{date}",
    "ceiling": f"GET {BASELINE_PATH} (ceiling)",
    "log-in page": "GET /accounts/login/",
    "log-in": "POST /accounts/login/",
}


@dataclass
class Answer:
    kind: str
    started: float  # seconds since the crowd started
    ended: float
    status: int  # 0: no answer (refused, reset, timed out)

    @property
    def milliseconds(self):
        return (self.ended - self.started) * 1000


@dataclass
class Write:
    username: str
    day: date
    clock: time
    key: str
    body: dict
    entry_id: int | None = None  # the id of a 200 or 201 answer
    statuses: list[int] = field(default_factory=list)  # each attempt's; a 200: the key found it stored before

    @property
    def attempts(self):
        return len(self.statuses)


class Crowd:
    """The simulated users against one server, what they are told to do, and what they saw."""

    def __init__(self, port, accounts, natto_id, production=False, timeout=30):
        self.port, self.accounts, self.natto_id = port, list(accounts), natto_id
        # Behind the reverse proxy of production every request arrives as https (X-Forwarded-Proto).
        self.scheme = "https" if production else "http"
        self.timeout = timeout
        self.mode = "idle"
        self.answers, self.writes, self.problems = [], [], []
        self.samples = {}  # status -> the start of the first body answered with it, for statuses other than 2xx
        self.in_flight = 0

    def start(self, users):
        """Start `users` simulated users (at most one per account) and wait until each has logged in."""
        if users > len(self.accounts):
            raise ValueError(f"{users} users need as many accounts, not {len(self.accounts)}.")
        self.logged_in = 0
        self.environment = Environment(user_classes=[user_class(self)], host=f"http://127.0.0.1:{self.port}")
        self.runner = self.environment.create_local_runner()
        self.started, self.cpu_started = perf_counter(), cpu_seconds()
        self.runner.start(users, spawn_rate=users)
        while self.logged_in < users and not self.problems:
            gevent.sleep(0.1)
        if self.problems:
            self.runner.quit()
            raise RuntimeError(f"Log-in failed: {self.problems[0]}")

    def clock(self):
        """Seconds since the crowd started."""
        return perf_counter() - self.started

    def stop(self):
        """Let every user finish its request, then stop them."""
        self.mode = "idle"
        while self.in_flight:
            gevent.sleep(0.05)
        self.runner.quit()
        # How much of a core the load generator (this process) took, on the machine it shares with the server.
        self.cpu_share = (cpu_seconds() - self.cpu_started) / self.clock()

    def check_writes(self):
        """
        Match the users' Entry rows to their writes: (lost, doubled, stored without an acknowledgement,
        rows of no write). Lost: acknowledged writes whose entry is not in the database; doubled: writes
        stored more than once.
        """
        from tracker.models import Entry

        rows = {}
        usernames = [username for username, _, _ in self.accounts]
        for pk, username, day, clock in Entry.objects.filter(user__username__in=usernames).values_list(
            "pk", "user__username", "day", "time"
        ):
            rows.setdefault((username, day, clock), []).append(pk)
        lost, doubled, unacknowledged = [], [], []
        for write in self.writes:
            stored = rows.pop((write.username, write.day, write.clock), [])
            if write.entry_id is not None and write.entry_id not in stored:
                lost.append(write)
            if len(stored) > 1:
                doubled.append(write)
            if write.entry_id is None and stored:
                unacknowledged.append(write)
        return lost, doubled, unacknowledged, sum(len(pks) for pks in rows.values())

    def between(self, first, last, kinds=None):
        """The answers to the requests sent and answered from `first` to `last` seconds (of `kinds`)."""
        return [answer for answer in self.answers
                if first <= answer.started and answer.ended <= last and (kinds is None or answer.kind in kinds)]


def user_class(crowd):
    accounts = iter(crowd.accounts)

    class SimulatedUser(FastHttpUser):
        wait_time = constant(0)
        network_timeout = connection_timeout = crowd.timeout

        def on_start(self):
            self.username, password, token = next(accounts)
            self.bearer = {"Authorization": f"Bearer {token}"}
            self.write_number, self.pending, self.day = 0, None, DAYS[0]
            if crowd.scheme == "https":
                # Production's cookies are https-only; the bench talks plain http as the reverse proxy would.
                self.client.cookiejar.set_policy(DefaultCookiePolicy(secure_protocols=("https", "http")))
            self.log_in(password)
            crowd.logged_in += 1

        @task
        def act(self):
            if crowd.mode == "mixed":
                self.log_entry()
                self.read("day page", f"/day/{self.day}/")
                self.read("summary", f"/api/v1/days/{self.day}", self.bearer)
            elif crowd.mode == "day page":
                self.read("day page", f"/day/{self.day}/")
            elif crowd.mode == "ceiling":
                self.read("ceiling", BASELINE_PATH)
            else:
                gevent.sleep(0.05)

        def log_in(self, password):
            page = self.send("log-in page", "GET", "/accounts/login/")
            token = CSRF_FIELD.search(page.text or "")
            if token is None:
                crowd.problems.append(f"the log-in page answered {page.status_code} without a CSRF token")
                return
            form = {"username": self.username, "password": password, "csrfmiddlewaretoken": token.group(1)}
            answer = self.send("log-in", "POST", "/accounts/login/", data=form,
                               headers={"Content-Type": "application/x-www-form-urlencoded"})
            if answer.status_code != 302:
                crowd.problems.append(f"{self.username}'s log-in answered {answer.status_code}: {plain_text(answer)}")

        def log_entry(self):
            if self.pending is None:
                self.pending = self.new_write()
            write = self.pending
            headers = self.bearer | {"Idempotency-Key": write.key}
            answer = self.send("entry", "POST", "/api/v1/entries", json=write.body, headers=headers)
            write.statuses.append(answer.status_code or 0)
            if answer.status_code in (200, 201):
                write.entry_id = json.loads(answer.content)["id"]
                self.pending, self.day = None, write.day
            elif 400 <= answer.status_code < 500:
                crowd.problems.append(f"POST /api/v1/entries answered {answer.status_code}: {answer.text[:200]}")
                self.pending = None

        def new_write(self):
            """The user's next entry: its own (day, time), a food in grams or a vitamin D dose."""
            number = self.write_number
            self.write_number += 1
            day, clock = DAYS[number % len(DAYS)], time(number // 3600 % 24, number // 60 % 60, number % 60)
            amount = ({"dose": {"nutrient": "vitamin_d", "amount": 1000, "unit": "IU"}} if number % 4 == 0
                      else {"item_id": crowd.natto_id, "grams": 10 + number % 90})
            body = {"date": day.isoformat(), "time": clock.isoformat(), "meal": "breakfast", **amount}
            write = Write(self.username, day, clock, uuid.uuid4().hex, body)
            crowd.writes.append(write)
            return write

        def read(self, kind, path, headers=None):
            self.send(kind, "GET", path, headers=headers)

        def send(self, kind, method, path, headers=None, **options):
            headers = {"X-Forwarded-Proto": crowd.scheme, "Origin": f"{crowd.scheme}://127.0.0.1:{crowd.port}",
                       **(headers or {})}
            crowd.in_flight += 1
            started = crowd.clock()
            try:
                # A redirect is an answer of its own: a day page that sends to the log-in page is an error.
                answer = self.client.request(method, path, name=kind, headers=headers, allow_redirects=False,
                                             **options)
            finally:
                crowd.in_flight -= 1
            status = answer.status_code or 0
            crowd.answers.append(Answer(kind, started, crowd.clock(), status))
            if not 200 <= status < 400 and status not in crowd.samples:
                crowd.samples[status] = plain_text(answer)[:300]
            return answer

    return SimulatedUser


def by_status(answers):
    """How many answers had each status: "200: 12, 503: 3"."""
    counts = {}
    for answer in answers:
        counts[answer.status] = counts.get(answer.status, 0) + 1
    return ", ".join(f"{status or 'no answer'}: {count}" for status, count in sorted(counts.items()))


def plain_text(answer):
    """The answer's body without tags and runs of white space; what an exception said if it got none."""
    if not answer.status_code:
        return repr(getattr(answer, "error", None))
    return re.sub(r"(<[^>]*>|\s)+", " ", answer.text or "").strip()


def cpu_seconds():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime
