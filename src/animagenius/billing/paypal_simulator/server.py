"""The simulator as one object: its state, signing key, webhook sender and HTTP server, started and stopped
together. Each request runs under the state's lock, and a request that may change something saves the state
after it (even when it failed half-way: a declined payment is still recorded)."""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from animagenius.billing.paypal_simulator.api import Api
from animagenius.billing.paypal_simulator.control import Control
from animagenius.billing.paypal_simulator.pages import Pages
from animagenius.billing.paypal_simulator.routing import Request, Response, Router, json_response
from animagenius.billing.paypal_simulator.signing import Signer
from animagenius.billing.paypal_simulator.state import State
from animagenius.billing.paypal_simulator.webhooks import Webhooks
from animagenius.billing.paypal_simulator.wire import PayPalError

MAX_BODY = 1 << 20


@dataclass(frozen=True)
class Config:
    host: str = "127.0.0.1"
    port: int = 8790
    webhook_url: str = "http://127.0.0.1:8000/billing/paypal/webhook/"
    webhook_id: str = "WH-LOCAL-SIMULATOR"
    client_id: str = "sim-client"
    client_secret: str = "sim-secret"
    state: Path | None = None
    token_ttl_s: int = 32400


class Simulator:
    def __init__(self, config: Config) -> None:
        self.config = config
        self.state = State.load(config.state)
        self.signer = Signer.from_pem(self.state.key_pem)
        self.state.key_pem = self.signer.key_pem
        self.router = Router()
        self.server = ThreadingHTTPServer((config.host, config.port), _handler_class(self))
        self.server.daemon_threads = True
        host = "127.0.0.1" if config.host in {"", "0.0.0.0"} else config.host
        self.state.base_url = f"http://{host}:{self.server.server_address[1]}"
        self.webhooks = Webhooks(
            state=self.state, signer=self.signer, url=config.webhook_url, webhook_id=config.webhook_id
        )
        Api(
            state=self.state,
            webhooks=self.webhooks,
            signer=self.signer,
            client_id=config.client_id,
            client_secret=config.client_secret,
            token_ttl_s=config.token_ttl_s,
        ).install(self.router)
        Control(state=self.state, webhooks=self.webhooks).install(self.router)
        Pages(state=self.state, webhooks=self.webhooks).install(self.router)
        self._serving = threading.Thread(target=self.server.serve_forever, name="http", daemon=True)

    @property
    def base_url(self) -> str:
        return self.state.base_url

    def start(self) -> None:
        self.state.save()
        self.webhooks.start()
        self._serving.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.webhooks.stop()
        self.state.save()

    def handle(self, request: Request) -> Response:
        with self.state.lock:
            try:
                handler, request.params = self.router.resolve(request.method, request.path)
                response = handler(request)
            except PayPalError as error:
                body = error.body()
                response = json_response(error.status, body)
                response.headers["Paypal-Debug-Id"] = body["debug_id"]
            finally:
                if request.method != "GET":
                    self.state.save()
        return response


def _handler_class(simulator: Simulator) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "LocalPayPal/1.0"
        # headers and body go out in two writes: without this a client's delayed ACK holds the body ~40 ms
        disable_nagle_algorithm = True

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(
                    json_response(413, {"name": "REQUEST_TOO_LARGE", "message": "The body is too large."})
                )
                self.close_connection = True
                return
            parts = urlsplit(self.path)
            request = Request(
                method=self.command,
                path=parts.path,
                query=dict(parse_qsl(parts.query)),
                headers=self.headers,
                body=self.rfile.read(length) if length else b"",
            )
            try:
                response = simulator.handle(request)
            except Exception as error:  # a bug here must not leave the caller without an answer
                print(f"error answering {self.command} {self.path}: {error!r}", file=sys.stderr, flush=True)
                response = json_response(500, {"name": "INTERNAL_SERVER_ERROR", "message": str(error)})
            self._send(response)

        def _send(self, response: Response) -> None:
            self.send_response(response.status)
            if response.status != 204:
                self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if response.body:
                self.wfile.write(response.body)

        do_GET = do_POST = do_PATCH = do_DELETE = _answer

        def log_message(self, format: str, *args: object) -> None:
            print(f"{self.address_string()} {format % args}", file=sys.stderr, flush=True)

    return Handler
