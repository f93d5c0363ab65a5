"""Items 4, 5 and 6: the sign-in limit counts parallel attempts, in every process of the service
alike, behind a trusted proxy tells clients apart, slows an attacker without locking the owner
out, and refuses by address before any password is hashed, in a bounded pool off the event loop."""

import subprocess
import sys
import threading

from fastapi.testclient import TestClient
from starlette.requests import Request

from service import security
from service.security import LoginLimiter, client_address
from tests.service.web_helpers import PASSWORD, csrf_of


def _form_client(app) -> tuple[TestClient, str]:
    client = TestClient(app, follow_redirects=False)
    return client, csrf_of(client, "/login")


def test_04_parallel_wrong_passwords_are_counted_atomically(app, accounts, monkeypatch):
    monkeypatch.setattr(security, "login_limiter", LoginLimiter(clock=lambda: 0.0))  # time stands still
    clients = [_form_client(app) for _ in range(20)]
    statuses: list[int] = []
    start = threading.Barrier(len(clients))

    def attempt(client: TestClient, token: str) -> None:
        start.wait()
        form = {"email": "exporter@example.org", "password": "wrong password", "csrf_token": token}
        statuses.append(client.post("/login", data=form).status_code)

    threads = [threading.Thread(target=attempt, args=pair) for pair in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [400] * 5 + [429] * 15


SECOND_INSTANCE = """
from fastapi.testclient import TestClient
from service.app import create_app
from tests.service.web_helpers import csrf_of
client = TestClient(create_app(scheduler=False), follow_redirects=False)
form = {"email": "exporter@example.org", "password": "wrong password", "csrf_token": csrf_of(client, "/login")}
print(" ".join(str(client.post("/login", data=form).status_code) for _ in range(3)))
"""


def test_04_the_count_holds_across_processes(app, accounts, monkeypatch):
    """Another process of the service (as uvicorn's second worker) on the same database."""
    monkeypatch.setattr(security, "login_limiter", LoginLimiter(base_delay=600))  # no wait runs out here
    other = subprocess.run([sys.executable, "-c", SECOND_INSTANCE], capture_output=True, text=True, check=True)
    assert other.stdout.split() == ["400"] * 3
    client, token = _form_client(app)
    form = {"email": "exporter@example.org", "password": "wrong password", "csrf_token": token}
    assert [client.post("/login", data=form).status_code for _ in range(3)] == [400, 400, 429]


def _request(peer: str, forwarded: str | None = None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 5000), "headers": headers, "app": None})


def test_05_forwarded_for_only_from_trusted_proxies(settings, monkeypatch):
    trusting = settings.model_copy(update={"trusted_proxies": "10.0.0.0/8, ::1"})
    assert client_address(_request("10.0.0.5", "6.6.6.6, 203.0.113.7, 10.0.0.9"), trusting) == "203.0.113.7"
    assert client_address(_request("198.51.100.1", "203.0.113.7"), trusting) == "198.51.100.1"  # not a proxy
    assert client_address(_request("10.0.0.5", "203.0.113.7"), settings) == "10.0.0.5"  # none trusted


def test_05_an_attacker_slows_the_owner_down_but_never_locks_them_out(db_engine):
    now = [0.0]
    limiter = LoginLimiter(clock=lambda: now[0], engine=db_engine)
    for _ in range(40):  # an attacker behind one address tries again as soon as allowed
        now[0] += limiter.begin("owner@example.org", "203.0.113.66") + 0.01
    assert limiter.begin("owner@example.org", "203.0.113.66") == 0  # the 41st try, counted
    assert limiter.begin("owner@example.org", "203.0.113.66") > 60  # the attacker's address waits long
    assert 0 < limiter.begin("owner@example.org", "198.51.100.7") <= 30  # the owner elsewhere: seconds
    now[0] += 30
    assert limiter.begin("owner@example.org", "198.51.100.7") == 0


def test_06_refused_by_address_before_hashing_and_hashed_in_a_bounded_pool(app, accounts, monkeypatch):
    limiter = LoginLimiter(clock=lambda: 0.0)  # time stands still
    monkeypatch.setattr(security, "login_limiter", limiter)
    hashing_threads: list[str] = []
    verify = security.verify_password

    def counted(password_hash: str, password: str) -> bool:
        hashing_threads.append(threading.current_thread().name)
        return verify(password_hash, password)

    monkeypatch.setattr(security, "verify_password", counted)
    monkeypatch.setattr(security, "hash_password", lambda password: counted("", password) or "x")
    client, token = _form_client(app)
    answers = [
        client.post("/login", data={"email": f"nobody{n}@example.org", "password": "x", "csrf_token": token})
        for n in range(12)
    ]
    assert [a.status_code for a in answers] == [400] * 5 + [429] * 7
    assert answers[-1].headers["Retry-After"].isdigit()
    assert len(hashing_threads) == 5 and all(name.startswith("tbtwatch-hash") for name in hashing_threads)
    limiter.clear()
    signed_in = client.post("/login", data={"email": "exporter@example.org", "password": PASSWORD, "csrf_token": token})
    assert signed_in.status_code == 303


def test_06_a_full_hashing_queue_is_refused_at_once_without_counting_or_forgiving(app, accounts, monkeypatch):
    monkeypatch.setattr(security, "login_limiter", LoginLimiter(clock=lambda: 0.0))  # time stands still
    client, token = _form_client(app)

    def sign_in(password: str = "wrong password"):
        return client.post("/login", data={"email": "exporter@example.org", "password": password, "csrf_token": token})

    assert [sign_in().status_code for _ in range(3)] == [400] * 3
    slots = threading.BoundedSemaphore(1)
    slots.acquire()
    monkeypatch.setattr(security, "_hash_slots", slots)
    busy = sign_in(PASSWORD)
    assert busy.status_code == 503 and busy.headers["Retry-After"] == "5"
    assert "登录请求过多，请几秒钟后再试。" in busy.text
    client.cookies.set("lang", "en")
    busy = sign_in()
    assert busy.status_code == 503 and "Too many sign-ins at once; try again in a few seconds." in busy.text
    slots.release()
    # the two refused as busy were not counted (else the fourth failure would wait) and did not
    # forgive the three before them (else the sixth would not)
    assert [sign_in().status_code for _ in range(3)] == [400, 400, 429]
