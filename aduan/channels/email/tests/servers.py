"""Real mail servers for the tests: an aiosmtpd SMTP server in this process, and Debian's
Dovecot IMAP server in a private configuration (temporary directory, spare port, passwd-file
users, Maildir), started once per session. ``.ci/run`` installs ``dovecot-imapd``; without
``/usr/sbin/dovecot`` the IMAP tests are skipped."""

from __future__ import annotations

import contextlib
import email
import email.policy
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from imap_tools import MailBoxUnencrypted

DOVECOT = shutil.which("dovecot") or "/usr/sbin/dovecot"
IMAP_USERS = ("helpdesk", "support", "crash", "bench")
IMAP_PASSWORD = "rahasia-imap"


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class SmtpSink:
    """An SMTP server that keeps what it receives. ``refuse`` makes it answer RCPT TO for
    those addresses with a permanent 550."""

    messages: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    port: int = 0
    controller: Any = None

    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content)
        )
        return "250 Message accepted for delivery"

    def start(self) -> None:
        self.port = free_port()
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, server_hostname="smtp.aduan.test"
        )
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.02)
        return self.messages


CONFIG = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u/Maildir
first_valid_uid = 1
first_valid_gid = 1
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {login}
mail_uid = {uid}
mail_gid = {gid}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/passwd
  default_fields = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


@dataclass
class Dovecot:
    root: Path
    port: int
    process: subprocess.Popen[bytes]

    def url(self, user: str = "helpdesk", **query: str) -> str:
        tail = "&".join(f"{k}={v}" for k, v in query.items())
        return f"imap://{user}:{IMAP_PASSWORD}@127.0.0.1:{self.port}/INBOX" + (
            f"?{tail}" if tail else ""
        )

    def mailbox(self, user: str = "helpdesk") -> MailBoxUnencrypted:
        # A socket timeout: a server that stops answering fails the test, not hangs it.
        return MailBoxUnencrypted("127.0.0.1", self.port, timeout=30).login(user, IMAP_PASSWORD)

    def append(self, raw: bytes, user: str = "helpdesk") -> None:
        with self.mailbox(user) as box:
            box.append(raw, "INBOX")

    def count(self, user: str = "helpdesk", criteria: str = "ALL") -> int:
        with self.mailbox(user) as box:
            return len(box.uids(criteria))

    def empty_all(self) -> None:
        for user in IMAP_USERS:
            with self.mailbox(user) as box:
                for folder in box.folder.list():
                    if folder.name != "INBOX":
                        box.folder.delete(folder.name)
                uids = box.uids("ALL")
                if uids:
                    box.delete(uids)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover
            self.process.kill()
            self.process.wait(timeout=10)
        shutil.rmtree(self.root, ignore_errors=True)


def start_dovecot(parent: Path | None = None) -> Dovecot:
    if not os.path.exists(DOVECOT):
        if os.environ.get("CI", "").lower() == "true":
            raise RuntimeError("CI needs Dovecot for the mail tests: .ci/run installs it")
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd; .ci/run does)")
    import grp
    import pwd
    import tempfile

    # Dovecot's unprivileged login process must reach its sockets: a directory of our own
    # that others may traverse (pytest's temporary directories are private).
    root = Path(tempfile.mkdtemp(prefix="aduan-dovecot-", dir=parent))
    root.chmod(0o755)
    if os.getuid() == 0:
        # As root (CI containers): Dovecot's own system users, as the package installs them.
        internal, login = "dovecot", "dovenull"
        mail_user = pwd.getpwnam("dovecot")
    else:
        internal = login = pwd.getpwuid(os.getuid()).pw_name
        mail_user = pwd.getpwuid(os.getuid())
    uid, gid = mail_user.pw_uid, mail_user.pw_gid
    group = grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name
    port = free_port()
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for name in IMAP_USERS:
        (root / "mail" / name).mkdir(exist_ok=True)
    if os.getuid() == 0:
        for path in [root / "mail", *(root / "mail").iterdir()]:
            os.chown(path, uid, gid)
    (root / "passwd").write_text(
        "".join(
            f"{name}:{{PLAIN}}{IMAP_PASSWORD}:{uid}:{gid}::{root}/mail/{name}::\n"
            for name in IMAP_USERS
        )
    )
    config = root / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            root=root, port=port, uid=uid, gid=gid, user=internal, group=group, login=login
        )
    )
    # Its output goes to a file: a pipe nobody reads while it runs could fill up and block
    # it, and reading one that its child processes hold open could block for ever.
    stderr = root / "dovecot.stderr"
    with stderr.open("wb") as err:
        process = subprocess.Popen(  # noqa: S603
            [DOVECOT, "-F", "-c", str(config)], stdout=subprocess.DEVNULL, stderr=err
        )
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            raise RuntimeError(f"Dovecot did not start: {stderr.read_text()}\n{log}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.5):
            break
        time.sleep(0.1)
    else:  # pragma: no cover
        process.kill()
        process.wait(timeout=10)
        raise RuntimeError(f"Dovecot did not open its port: {stderr.read_text()}")
    return Dovecot(root, port, process)
