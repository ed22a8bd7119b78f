"""Security headers on every answer of the console: a strict Content-Security-Policy (scripts, styles and images
from the console alone, no inline code; forms post only to the console and the issuer), no MIME sniffing, no
referrer beyond the console, never framed, and nothing cached that a page showed."""

from urllib.parse import urlsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(issuer_url: str) -> str:
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"frame-ancestors 'none'; form-action 'self' {origin_of(issuer_url)}; base-uri 'none'; object-src 'none'"
    )


class SecurityHeaders:
    def __init__(self, app: ASGIApp, *, issuer_url: str) -> None:
        self.app = app
        self.headers = [
            (b"content-security-policy", content_security_policy(issuer_url).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"referrer-policy", b"same-origin"),
            (b"x-frame-options", b"DENY"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                kept = [(name, value) for name, value in message.get("headers", []) if name != b"cache-control"]
                caching = b"public, max-age=3600" if static else b"no-store"
                message["headers"] = [*kept, *self.headers, (b"cache-control", caching)]
            await send(message)

        await self.app(scope, receive, send_with_headers)
