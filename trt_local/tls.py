"""One TLS context for every HTTPS client the bot opens.

httpx builds a new ``ssl.SSLContext`` for each client and loads certifi's CA bundle into it, about
50 ms of CPU each time; the bot opens two Telegram clients and three Kie clients as it starts. One
``SSLContext`` serves any number of connections, so it is built once and handed to every client as
``verify=`` (https://www.python-httpx.org/advanced/ssl/).
"""

from __future__ import annotations

import functools
import ssl

import httpx


@functools.cache
def client_context() -> ssl.SSLContext:
    """httpx's default verification (certifi, or SSL_CERT_FILE / SSL_CERT_DIR), built once."""
    return httpx.create_ssl_context()
