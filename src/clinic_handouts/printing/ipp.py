"""IPP/1.1 on the wire (RFC 8010, RFC 8011): encode a request, post it to a CUPS
scheduler over HTTP, decode the answer. Only what ``handouts print`` uses.

Why our own few lines instead of ``lp``/``lpstat`` or pycups: the answers we act on are
typed values (``printer-state`` is an enum, ``printer-is-accepting-jobs`` a boolean, the
job's status a number), where ``lpstat`` prints localised sentences and, with its server
gone, says "Invalid destination name" just as for a queue that does not exist; pycups
is a C extension that needs libcups' headers to build. Every CUPS since 1.0 (Linux and
macOS) and every IPP Everywhere printer speaks this, and the attributes we send (copies,
sides, media, multiple-document-handling) are written here exactly as the tests read them
back.

Transport: ``host:port`` over TCP, or a path (``/run/cups/cups.sock``) as CUPS' own
local socket. No TLS: the scheduler is on this computer or the clinic's network, like
``lp`` talking to it by default. A server that cannot be reached raises ``Unreachable``
with the reason in words; a server that answers something other than IPP raises it too.
"""

from __future__ import annotations

import http.client
import itertools
import socket
import struct
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

# Operations (RFC 8011 section 5.4, CUPS Implementation of IPP).
PRINT_JOB = 0x0002
GET_JOB_ATTRIBUTES = 0x0009
GET_JOBS = 0x000A
GET_PRINTER_ATTRIBUTES = 0x000B
CUPS_GET_PRINTERS = 0x4002

# Delimiter tags.
OPERATION = 0x01
JOB = 0x02
END = 0x03
PRINTER = 0x04
# Value tags.
INTEGER = 0x21
BOOLEAN = 0x22
ENUM = 0x23
BEGIN_COLLECTION = 0x34
END_COLLECTION = 0x37
TEXT = 0x41
NAME = 0x42
KEYWORD = 0x44
URI = 0x45
CHARSET = 0x47
LANGUAGE = 0x48
MIME_TYPE = 0x49
MEMBER_NAME = 0x4A
_STRING_TAGS = frozenset(range(0x35, 0x4A)) - {BEGIN_COLLECTION, END_COLLECTION}

STATUS_NAMES = {
    0x0000: "successful-ok",
    0x0001: "successful-ok-ignored-or-substituted-attributes",
    0x0002: "successful-ok-conflicting-attributes",
    0x0400: "client-error-bad-request",
    0x0401: "client-error-forbidden",
    0x0402: "client-error-not-authenticated",
    0x0403: "client-error-not-authorized",
    0x0404: "client-error-not-possible",
    0x0406: "client-error-not-found",
    0x040A: "client-error-document-format-not-supported",
    0x040B: "client-error-attributes-or-values-not-supported",
    0x0500: "server-error-internal-error",
    0x0506: "server-error-not-accepting-jobs",
    0x0507: "server-error-busy",
    0x0508: "server-error-job-canceled",
}
NOT_FOUND = 0x0406

_request_ids = itertools.count(1)


class Unreachable(Exception):
    """No IPP answer from the server: it is not running, not there, or not CUPS."""


Value = int | bool | str | None  # None: a collection or a type this module does not read


@dataclass(frozen=True)
class Attribute:
    """One attribute of a request (made with ``attr``): its value tag, its name and its
    values, which ``encode`` writes one after another under that name."""

    tag: int
    name: str
    values: tuple[int | bool | str, ...]


@dataclass
class Response:
    """A scheduler's answer as ``decode`` reads it: the status code, and each attribute
    group (operation, printer, job) with the values this module can read."""

    status: int
    # (delimiter tag, attributes by name) of each group, in the order they came
    groups: list[tuple[int, dict[str, list[Value]]]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status < 0x0100

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, f"0x{self.status:04x}")

    def first(self, group: int) -> dict[str, list[Value]]:
        return next((attrs for tag, attrs in self.groups if tag == group), {})

    def all(self, group: int) -> list[dict[str, list[Value]]]:
        return [attrs for tag, attrs in self.groups if tag == group]

    @property
    def message(self) -> str:
        """The server's own words (``status-message``), when it gave any."""
        values = self.first(OPERATION).get("status-message") or [""]
        return str(values[0] or "")


def attr(tag: int, name: str, *values: int | bool | str) -> Attribute:
    return Attribute(tag, name, values)


def _encode_value(tag: int, value: int | bool | str) -> bytes:
    if tag == BOOLEAN:
        return b"\x01" if value else b"\x00"
    if tag in (INTEGER, ENUM):
        return struct.pack(">i", int(value))
    return str(value).encode("utf-8")


def encode(operation: int, groups: Sequence[tuple[int, Sequence[Attribute]]], data: bytes) -> bytes:
    """A whole IPP request: header, attribute groups, end tag, then the document."""
    out = bytearray(struct.pack(">bbhi", 1, 1, operation, next(_request_ids)))
    for group, attributes in groups:
        out.append(group)
        for attribute in attributes:
            for index, value in enumerate(attribute.values):
                name = attribute.name.encode("ascii") if index == 0 else b""
                encoded = _encode_value(attribute.tag, value)
                out += struct.pack(">bh", attribute.tag, len(name)) + name
                out += struct.pack(">h", len(encoded)) + encoded
    out.append(END)
    return bytes(out) + data


def decode(data: bytes) -> Response:
    """An IPP response; raises ValueError when ``data`` is not one."""
    if len(data) < 9:
        raise ValueError("too short for an IPP response")
    status = struct.unpack(">h", data[2:4])[0]
    response = Response(status=status)
    pos = 8
    current: dict[str, list[Value]] | None = None
    name = ""
    depth = 0  # inside a collection: its members are skipped
    while pos < len(data):
        tag = data[pos]
        pos += 1
        if tag == END:
            return response
        if tag < 0x10:  # a new group
            current = {}
            response.groups.append((tag, current))
            continue
        if current is None or pos + 2 > len(data):
            raise ValueError("an attribute outside any group")
        (name_len,) = struct.unpack(">h", data[pos : pos + 2])
        pos += 2
        new_name = data[pos : pos + name_len].decode("utf-8", "replace")
        pos += name_len
        (value_len,) = struct.unpack(">h", data[pos : pos + 2])
        pos += 2
        raw = data[pos : pos + value_len]
        pos += value_len
        if tag == BEGIN_COLLECTION:
            depth += 1
            if depth == 1:
                name = new_name or name
                current.setdefault(name, []).append(None)
            continue
        if tag == END_COLLECTION:
            depth -= 1
            continue
        if depth:
            continue
        name = new_name or name
        value: Value
        if tag in (INTEGER, ENUM) and len(raw) == 4:
            value = struct.unpack(">i", raw)[0]
        elif tag == BOOLEAN:
            value = raw != b"\x00"
        elif tag in _STRING_TAGS:
            value = raw.decode("utf-8", "replace")
        else:
            value = None
        current.setdefault(name, []).append(value)
    raise ValueError("the response has no end tag")


class _UnixConnection(http.client.HTTPConnection):
    """HTTP over CUPS' local socket (``/run/cups/cups.sock``)."""

    def __init__(self, path: str, timeout: float) -> None:
        super().__init__("localhost", timeout=timeout)
        self.socket_path = path

    def connect(self) -> None:
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        sock.connect(self.socket_path)
        self.sock = sock


@dataclass(frozen=True)
class Server:
    """A CUPS scheduler: ``host:port`` (port 631 when left out) or a local socket path."""

    address: str
    timeout: float = 20.0

    @property
    def is_socket(self) -> bool:
        return self.address.startswith("/")

    def host_port(self) -> tuple[str, int]:
        address = self.address
        if address.startswith("["):  # [::1]:631
            host, _, rest = address[1:].partition("]")
            port = rest[1:] if rest.startswith(":") else ""
        elif address.count(":") == 1:
            host, port = address.split(":")
        else:  # a host name, or a bare IPv6 address
            host, port = address, ""
        return host, int(port) if port.isdigit() else 631

    def uri(self, path: str) -> str:
        if self.is_socket:
            return f"ipp://localhost{path}"
        host, port = self.host_port()
        shown = f"[{host}]" if ":" in host else host
        return f"ipp://{shown}:{port}{path}"

    def post(self, path: str, body: bytes) -> Response:
        """POST one IPP request to ``path`` (``/printers/front-desk``) and decode the answer."""
        if self.is_socket:
            connection: http.client.HTTPConnection = _UnixConnection(self.address, self.timeout)
        else:
            host, port = self.host_port()
            connection = http.client.HTTPConnection(host, port, timeout=self.timeout)
        try:
            connection.request("POST", path, body, {"Content-Type": "application/ipp"})
            answer = connection.getresponse()
            data = answer.read()
        except (OSError, http.client.HTTPException) as exc:
            raise Unreachable(_why(exc)) from None
        finally:
            connection.close()
        if answer.status != 200:
            raise Unreachable(f"it answered HTTP {answer.status} {answer.reason}, not IPP")
        try:
            return decode(data)
        except (ValueError, struct.error):
            raise Unreachable("its answer is not IPP (is it a CUPS server?)") from None


def _why(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused (nothing is listening there)"
    if isinstance(exc, FileNotFoundError):
        return "its socket file does not exist"
    if isinstance(exc, TimeoutError | socket.timeout):
        return "it did not answer in time"
    if isinstance(exc, socket.gaierror):
        return "that host name is not known"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    return str(exc) or type(exc).__name__


def operation_attributes(uri: str, user: str, extra: Iterable[Attribute] = ()) -> list[Attribute]:
    """The attributes every request starts with, in the order RFC 8011 requires."""
    return [
        attr(CHARSET, "attributes-charset", "utf-8"),
        attr(LANGUAGE, "attributes-natural-language", "en"),
        attr(URI, "printer-uri", uri),
        attr(NAME, "requesting-user-name", user),
        *extra,
    ]


def first(attrs: Mapping[str, list[Value]], name: str, default: Value = None) -> Value:
    values = attrs.get(name)
    return values[0] if values else default
