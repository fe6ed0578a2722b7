"""A local mail server speaking enough SMTP (EHLO, AUTH PLAIN/LOGIN, MAIL, RCPT, DATA) for Django's SMTP
backend to deliver to it: it accepts every message and keeps it, with the login it was sent under."""

from __future__ import annotations

import base64
import io
import socketserver
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message


@dataclass
class Delivered:
    login: tuple[str, str] | None
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> Message:
        return message_from_bytes(self.data)


@dataclass
class _Session:
    login: tuple[str, str] | None = None
    sender: str = ""
    recipients: list[str] = field(default_factory=list)


class SmtpServer:
    def __init__(self) -> None:
        self.delivered: list[Delivered] = []
        self._server: socketserver.ThreadingTCPServer | None = None

    @property
    def port(self) -> int:
        assert self._server is not None, "start the server first"
        return int(self._server.server_address[1])

    def start(self) -> SmtpServer:
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                outer._converse(self.rfile, self.wfile)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def _converse(self, reader: io.BufferedIOBase, writer: io.BufferedIOBase) -> None:
        def send(line: str) -> None:
            writer.write(f"{line}\r\n".encode())
            writer.flush()

        def receive() -> str:
            return reader.readline().decode(errors="replace").rstrip("\r\n")

        session = _Session()
        send("220 mail.test ESMTP ready")
        while True:
            line = receive()
            verb = line.split(" ", 1)[0].upper()
            if verb == "":
                return
            if verb == "EHLO":
                send("250-mail.test")
                send("250-AUTH PLAIN LOGIN")
                send("250 8BITMIME")
            elif verb == "HELO" or verb in ("NOOP", "RSET"):
                send("250 OK")
            elif verb == "AUTH":
                session.login = self._authenticate(line, send, receive)
                send("235 2.7.0 Authentication successful")
            elif verb == "MAIL":
                session.sender = line.split(":", 1)[1].strip().strip("<>").split(">")[0]
                send("250 OK")
            elif verb == "RCPT":
                session.recipients.append(line.split(":", 1)[1].strip().strip("<>").split(">")[0])
                send("250 OK")
            elif verb == "DATA":
                send("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while (data_line := reader.readline()) not in (b".\r\n", b""):
                    lines.append(data_line[1:] if data_line.startswith(b"..") else data_line)
                self.delivered.append(
                    Delivered(session.login, session.sender, list(session.recipients), b"".join(lines))
                )
                session.recipients = []
                send("250 OK queued")
            elif verb == "QUIT":
                send("221 Bye")
                return
            else:
                send("502 Command not implemented")

    @staticmethod
    def _authenticate(line: str, send: Callable[[str], None], receive: Callable[[], str]) -> tuple[str, str]:
        words = line.split()
        mechanism = words[1].upper()
        if mechanism == "PLAIN":
            if len(words) > 2:
                encoded = words[2]
            else:
                send("334 ")
                encoded = receive()
            _, user, password = base64.b64decode(encoded).decode().split("\0")
            return user, password
        send("334 VXNlcm5hbWU6")
        user = base64.b64decode(receive()).decode()
        send("334 UGFzc3dvcmQ6")
        return user, base64.b64decode(receive()).decode()
