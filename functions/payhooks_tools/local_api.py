"""A loopback stand-in for API Gateway: `POST /webhooks` becomes a REST API proxy event for the validator."""

from __future__ import annotations

import base64
import json
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread
from typing import Any, Callable

from payhooks_tools import local_settings as settings

RESOURCE_PATH = "/webhooks"
STAGE = "local"
# API Gateway's own payload limit; the validator enforces the contract's smaller MAX_BODY_BYTES itself.
API_GATEWAY_MAX_BODY_BYTES = 10 * 1024 * 1024

Handler = Callable[[dict, Any], dict]
Observer = Callable[[dict, dict, float], None]


class LambdaContext:
    """The attributes of the Lambda runtime's context object that handlers and Powertools read."""

    def __init__(self, function_name: str, timeout_seconds: int) -> None:
        self.function_name = function_name
        self.function_version = "$LATEST"
        self.invoked_function_arn = f"arn:aws:lambda:{settings.REGION}:123456789012:function:{function_name}"
        self.memory_limit_in_mb = settings.FUNCTION_MEMORY_MB
        self.aws_request_id = str(uuid.uuid4())
        self.log_group_name = f"/aws/lambda/{function_name}"
        self.log_stream_name = f"local/{self.aws_request_id}"
        self._deadline = time.monotonic() + timeout_seconds

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self._deadline - time.monotonic()) * 1000))


def proxy_event(method: str, path: str, headers: list[tuple[str, str]], body: bytes, source_ip: str) -> dict:
    """The REST API (v1) AWS_PROXY event API Gateway sends for a request, body base64-encoded unless UTF-8."""
    multi_value: dict[str, list[str]] = {}
    for name, value in headers:
        multi_value.setdefault(name, []).append(value)
    try:
        text: str | None = body.decode("utf-8")
        is_base64 = False
    except UnicodeDecodeError:
        text = base64.b64encode(body).decode()
        is_base64 = True
    now = time.time()
    return {
        "resource": RESOURCE_PATH,
        "path": path,
        "httpMethod": method,
        "headers": {name: values[-1] for name, values in multi_value.items()},
        "multiValueHeaders": multi_value,
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": {
            "resourcePath": RESOURCE_PATH,
            "httpMethod": method,
            "path": f"/{STAGE}{path}",
            "stage": STAGE,
            "protocol": "HTTP/1.1",
            "requestId": str(uuid.uuid4()),
            "requestTime": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
            "requestTimeEpoch": int(now * 1000),
            "identity": {"sourceIp": source_ip, "userAgent": dict(headers).get("User-Agent")},
            "accountId": "123456789012",
            "apiId": "local",
        },
        "body": text if body else None,
        "isBase64Encoded": is_base64,
    }


class LocalApi:
    """Threaded HTTP server on 127.0.0.1 that invokes the validator handler once per request."""

    def __init__(self, handler: Handler, port: int = 0, observer: Observer | None = None) -> None:
        self._handler = handler
        self._observer = observer
        self._server = ThreadingHTTPServer(("127.0.0.1", port), self._request_handler_class())
        self._server.daemon_threads = True
        self._thread = Thread(target=self._server.serve_forever, name="local-api", daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{RESOURCE_PATH}"

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def invoke(self, event: dict) -> dict:
        started = time.perf_counter()
        context = LambdaContext(settings.VALIDATOR_FUNCTION_NAME, settings.VALIDATOR_TIMEOUT_SECONDS)
        try:
            response = self._handler(event, context)
        except Exception:
            # API Gateway answers an unhandled Lambda error with 502; the provider retries.
            response = {"statusCode": 502, "body": json.dumps({"message": "Internal server error"})}
        if self._observer is not None:
            self._observer(event, response, time.perf_counter() - started)
        return response

    def _request_handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self

        class RequestHandler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length > API_GATEWAY_MAX_BODY_BYTES:
                    self._reply(413, {"message": "Request Too Long"})
                    return
                body = self.rfile.read(length)
                if self.path.split("?", 1)[0] != RESOURCE_PATH:
                    self._reply(403, {"message": "Missing Authentication Token"})
                    return
                event = proxy_event(
                    "POST", RESOURCE_PATH, list(self.headers.items()), body, self.client_address[0]
                )
                response = api.invoke(event)
                self._reply(
                    int(response.get("statusCode", 502)),
                    response.get("body") or "",
                    response.get("headers") or {},
                    bool(response.get("isBase64Encoded")),
                )

            def do_GET(self) -> None:
                self._reply(403, {"message": "Missing Authentication Token"})

            def _reply(
                self, status: int, body: Any, headers: dict | None = None, is_base64: bool = False
            ) -> None:
                if isinstance(body, (dict, list)):
                    raw = json.dumps(body).encode()
                else:
                    raw = base64.b64decode(body) if is_base64 else str(body).encode()
                self.send_response(status)
                sent = {name.lower() for name in (headers or {})}
                for name, value in (headers or {}).items():
                    self.send_header(name, str(value))
                if "content-type" not in sent:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format: str, *args: Any) -> None:
                """Silenced: the local stack prints one line per webhook itself."""

        return RequestHandler
