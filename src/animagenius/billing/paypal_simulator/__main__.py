"""`python -m animagenius.billing.paypal_simulator`: the local PayPal on --host/--port until SIGTERM or
Ctrl-C. Once it answers it prints one line, `listening on http://HOST:PORT`, to stdout (`--port 0` picks a
free port)."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from pathlib import Path
from types import FrameType

from animagenius.billing.paypal_simulator.server import Config, Simulator


def arguments(argv: list[str] | None = None) -> Config:
    defaults = Config()
    parser = argparse.ArgumentParser(
        prog="python -m animagenius.billing.paypal_simulator",
        description="A local PayPal (Subscriptions API, webhooks) for development and tests. No real money.",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--host", default=defaults.host, help="address to listen on")
    parser.add_argument(
        "--port", type=int, default=defaults.port, help="port to listen on; 0 picks a free one"
    )
    parser.add_argument("--webhook-url", default=defaults.webhook_url, help="where webhooks are posted")
    parser.add_argument(
        "--webhook-id", default=defaults.webhook_id, help="the webhook id signatures are made for"
    )
    parser.add_argument("--client-id", default=defaults.client_id, help="REST app client id")
    parser.add_argument("--client-secret", default=defaults.client_secret, help="REST app secret")
    parser.add_argument(
        "--state", type=Path, default=None, help="JSON file to keep the state in across restarts"
    )
    parser.add_argument(
        "--token-ttl",
        type=int,
        default=defaults.token_ttl_s,
        help="seconds an access token lives (expires_in)",
    )
    args = parser.parse_args(argv)
    return Config(
        host=args.host,
        port=args.port,
        webhook_url=args.webhook_url,
        webhook_id=args.webhook_id,
        client_id=args.client_id,
        client_secret=args.client_secret,
        state=args.state,
        token_ttl_s=args.token_ttl,
    )


def main(argv: list[str] | None = None) -> None:
    stopping = threading.Event()

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    config = arguments(argv)
    try:
        simulator = Simulator(config)
    except OSError as error:  # most often: the port is taken
        sys.exit(f"the local PayPal cannot listen on {config.host}:{config.port}: {error}")
    simulator.start()
    print(f"listening on {simulator.base_url}", flush=True)
    stopping.wait()
    simulator.stop()


if __name__ == "__main__":
    main()
