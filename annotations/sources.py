"""Archiving the page behind a source URL: fetch it safely, keep its title, publisher,
publication date and text, with the text's hash, so the evidence survives link rot."""

from __future__ import annotations

import datetime
import http.client
import ipaddress
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import lxml.html
from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from . import jobs
from .audit import record_event
from .extraction.cleaning import NoArticle, html_to_article
from .models import Job, JobState, Source, hash_content

USER_AGENT = "FactcheckWorkbench/1 (+source archiving)"
TEXT_TYPES = ("text/html", "application/xhtml+xml", "text/plain")


class FetchError(Exception):
    """The page could not be archived; the message says why, for the annotator."""


@dataclass
class FetchedPage:
    url: str
    content_type: str
    text: str


@dataclass
class PageMetadata:
    title: str
    publisher: str
    published_at: datetime.datetime | None
    text: str


def check_address(host: str, port: int) -> str:
    """Resolve the host and return the address to connect to, refusing private ones.

    The connection is then made to this very address, so a second DNS answer cannot
    swap in a private one after the check."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise FetchError(f"The host {host!r} could not be found ({exc.strerror}).") from None
    addresses = [info[4][0] for info in infos]
    if not settings.SOURCE_FETCH_ALLOW_PRIVATE:
        for address in addresses:
            ip = ipaddress.ip_address(address.split("%")[0])
            if ip.version == 6 and ip.ipv4_mapped:
                ip = ip.ipv4_mapped
            if not ip.is_global or ip.is_multicast:
                raise FetchError(f"{host} resolves to a private or local address ({ip}); refused.")
    return addresses[0]


class PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.timeout)


class PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, host: str, port: int, address: str, timeout: float):
        super().__init__(host, port, timeout=timeout, context=ssl.create_default_context())
        self.address = address

    def connect(self) -> None:
        sock = socket.create_connection((self.address, self.port), self.timeout)
        # The certificate is checked against the host name, not the pinned address.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def fetch_page(url: str) -> FetchedPage:
    """GET the URL: HTTP(S) only, public addresses only (unless allowed), a few redirects,
    each re-checked, a time limit for the whole fetch and a size cap on the body."""
    deadline = time.monotonic() + settings.SOURCE_FETCH_TIMEOUT
    for _hop in range(settings.SOURCE_FETCH_MAX_REDIRECTS + 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FetchError(f"{url!r} is not an http or https address.")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = check_address(parts.hostname, port)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise FetchError("The site took too long to answer.")
        connection_class = (
            PinnedHTTPSConnection if parts.scheme == "https" else PinnedHTTPConnection
        )
        connection = connection_class(parts.hostname, port, address, timeout=remaining)
        path = parts.path or "/"
        if parts.query:
            path += "?" + parts.query
        try:
            connection.request(
                "GET", path, headers={"User-Agent": USER_AGENT, "Accept": "text/html,text/plain"}
            )
            response = connection.getresponse()
            if response.status in (301, 302, 303, 307, 308):
                location = response.getheader("Location")
                if not location:
                    raise FetchError(f"The site redirected (HTTP {response.status}) to nowhere.")
                url = urljoin(url, location)
                continue
            if response.status != 200:
                raise FetchError(f"The site answered HTTP {response.status} {response.reason}.")
            content_type = (response.getheader("Content-Type") or "").lower()
            if content_type and not content_type.startswith(TEXT_TYPES):
                raise FetchError(f"Not a web page or text ({content_type.split(';')[0]}).")
            body = read_capped(response, deadline)
        except (OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError | socket.timeout):
                raise FetchError("The site took too long to answer.") from None
            raise FetchError(f"The site could not be reached ({exc}).") from None
        finally:
            connection.close()
        return FetchedPage(url=url, content_type=content_type, text=decode(body, content_type))
    raise FetchError(f"Too many redirects (more than {settings.SOURCE_FETCH_MAX_REDIRECTS}).")


def read_capped(response: http.client.HTTPResponse, deadline: float) -> bytes:
    limit = settings.SOURCE_FETCH_MAX_BYTES
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise FetchError(f"The page is larger than the {limit // 1024} KB limit.")
    chunks, size = [], 0
    while True:
        if time.monotonic() > deadline:
            raise FetchError("The site took too long to send the page.")
        chunk = response.read(64 * 1024)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise FetchError(f"The page is larger than the {limit // 1024} KB limit.")
        chunks.append(chunk)


def decode(body: bytes, content_type: str) -> str:
    charset = "utf-8"
    if "charset=" in content_type:
        charset = content_type.split("charset=")[1].split(";")[0].strip().strip('"') or charset
    try:
        return body.decode(charset, errors="replace")
    except LookupError:
        return body.decode("utf-8", errors="replace")


def first_meta(tree, *selectors: str) -> str:
    for selector in selectors:
        values = tree.xpath(selector)
        for value in values:
            value = str(value).strip()
            if value:
                return value
    return ""


def parse_published(value: str) -> datetime.datetime | None:
    if not value:
        return None
    moment = parse_datetime(value.replace("Z", "+00:00"))
    if moment is None:
        day = parse_date(value[:10])
        if day is None:
            return None
        moment = datetime.datetime.combine(day, datetime.time())
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, datetime.UTC)
    return moment


def read_metadata(page: FetchedPage) -> PageMetadata:
    """Title, publisher, publication date and article text from the fetched page."""
    if "html" not in page.content_type and not page.text.lstrip().startswith("<"):
        return PageMetadata(title="", publisher="", published_at=None, text=page.text.strip())
    tree = lxml.html.fromstring(page.text or "<html></html>")
    title = first_meta(
        tree, "//meta[@property='og:title']/@content", "//title/text()", "//h1//text()"
    )
    publisher = first_meta(
        tree,
        "//meta[@property='og:site_name']/@content",
        "//meta[@name='publisher']/@content",
        "//meta[@name='application-name']/@content",
    )
    published = first_meta(
        tree,
        "//meta[@property='article:published_time']/@content",
        "//meta[@name='date']/@content",
        "//meta[@name='pubdate']/@content",
        "//meta[@itemprop='datePublished']/@content",
        "//time/@datetime",
    )
    return PageMetadata(
        title=title[:500],
        publisher=publisher[:200] or (urlsplit(page.url).hostname or "")[:200],
        published_at=parse_published(published),
        text=article_text(page.text),
    )


def article_text(page: str) -> str:
    try:
        return html_to_article(page).text
    except NoArticle as exc:
        raise FetchError(str(exc)) from None


def archive_source(source: Source, job: Job) -> None:
    """Fetch the source's page and store its metadata and text snapshot on the source;
    a page that cannot be archived fails the source's fetch job, with the reason.

    The annotator's own title and publisher are kept; fetched ones fill the blanks."""
    try:
        metadata = read_metadata(fetch_page(source.url))
    except FetchError as exc:
        record_fetch(source.pk, job, error=str(exc))
    else:
        record_fetch(source.pk, job, metadata=metadata)


def record_fetch(
    source_id: int, job: Job, *, metadata: PageMetadata | None = None, error: str = ""
) -> None:
    with jobs.finishing(job, error=error[:2000]):
        # The annotator may have edited the source while it was fetched.
        source = (
            Source.objects.select_for_update()
            .select_related("annotation__claim__project")
            .get(pk=source_id)
        )
        if metadata is not None:
            source.title = source.title or metadata.title
            source.publisher = source.publisher or metadata.publisher
            source.published_at = metadata.published_at
            source.snapshot_text = metadata.text
            source.snapshot_sha256 = hash_content(metadata.text)
            source.fetched_at = timezone.now()
            source.save()
        record_event(
            None,
            source,
            "fetch",
            after={
                "url": source.url,
                "status": JobState.FAILED if error else JobState.DONE,
                "error": error[:2000],
                "snapshot_sha256": source.snapshot_sha256,
            },
            project=source.annotation.claim.project,
        )
