"""Ask the directory (LDAP / Active Directory, through ldap3) whether a name and password are
right, and what it says about the person: full name, e-mail, unit attribute, groups.

No database and no Flask here: the settings come in as a mapping (app.config), and what comes
back is plain data. The password is sent to the directory in one bind and kept nowhere.
"""

from __future__ import annotations

import logging
import ssl
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ldap3

# ldap3 is imported where the directory is asked: a deployment without a directory never loads
# it (a hundred modules in every web worker)

log = logging.getLogger(__name__)


class DirectoryUnavailable(Exception):
    """The directory could not be asked: unreachable, timed out, or the search account was
    refused (a configuration fault). Nothing is known about the name or the password."""


@dataclass(frozen=True)
class DirectoryPerson:
    dn: str
    display_name: str
    email: str | None
    #: Values of the unit attribute (TRACKER_LDAP_UNIT_ATTRIBUTE), e.g. ["社会救助科"].
    departments: list[str] = field(default_factory=list)
    #: Group DNs (or names) from the group attribute (TRACKER_LDAP_GROUP_ATTRIBUTE).
    groups: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DirectoryAnswer:
    """`person` when the name exists and the password is right; else `reason`:
    unknown_user (no entry, or more than one) or wrong_password."""

    person: DirectoryPerson | None = None
    reason: str | None = None


def is_configured(config: Mapping) -> bool:
    return bool(config.get("LDAP_URL"))


def _server(config: Mapping) -> ldap3.Server:
    import ldap3

    tls = None
    url = config["LDAP_URL"]
    if url.lower().startswith("ldaps://") or config.get("LDAP_STARTTLS"):
        tls = ldap3.Tls(
            validate=ssl.CERT_REQUIRED,
            ca_certs_file=config.get("LDAP_CA_FILE") or None,
        )
    return ldap3.Server(url, connect_timeout=config["LDAP_TIMEOUT"], get_info=ldap3.NONE, tls=tls)


@contextmanager
def _asking(config: Mapping, server: ldap3.Server, user: str | None, password: str | None):
    """A connection to use in a with-block: closed afterwards; the directory being unreachable
    on the way (connecting, timing out) comes out as DirectoryUnavailable."""
    import ldap3
    from ldap3.core.exceptions import LDAPException

    connection = ldap3.Connection(
        server,
        user=user or None,
        password=password or None,
        receive_timeout=config["LDAP_TIMEOUT"],
        raise_exceptions=False,
        read_only=True,
    )
    try:
        yield connection
    except LDAPException as exc:
        log.warning("the directory cannot be reached: %s", exc)
        raise DirectoryUnavailable(str(exc)) from exc
    finally:
        _close(connection)


def _open(connection, config: Mapping) -> bool:
    """Connect (with StartTLS when asked) and bind; False when the bind is refused.
    Raises LDAPException when the directory cannot be reached."""
    connection.open()
    if config.get("LDAP_STARTTLS") and not connection.server.ssl:
        if not connection.start_tls():
            raise DirectoryUnavailable(f"StartTLS refused: {connection.result}")
    return connection.bind()


def _close(connection) -> None:
    """Unbind, and close the socket ldap3 leaves open when connecting failed."""
    from ldap3.core.exceptions import LDAPException

    try:
        connection.unbind()
    except LDAPException:
        pass
    sock = getattr(connection, "socket", None)
    if sock is not None:
        sock.close()


def _values(attributes: Mapping, name: str) -> list[str]:
    if not name:
        return []
    value = attributes.get(name)
    if value is None:
        # attribute names are case-insensitive; the server may spell them its own way
        for key, found in attributes.items():
            if key.lower() == name.lower():
                value = found
                break
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    out = []
    for item in items:
        text = item.decode("utf-8", "replace") if isinstance(item, bytes) else str(item)
        if text.strip():
            out.append(text.strip())
    return out


def _person(dn: str, attributes: Mapping, config: Mapping, username: str) -> DirectoryPerson:
    names = _values(attributes, config["LDAP_NAME_ATTRIBUTE"]) or _values(attributes, "cn")
    emails = _values(attributes, config["LDAP_EMAIL_ATTRIBUTE"])
    return DirectoryPerson(
        dn=dn,
        display_name=(names[0] if names else username)[:100],
        email=emails[0][:254] if emails else None,
        departments=_values(attributes, config["LDAP_UNIT_ATTRIBUTE"]),
        groups=_values(attributes, config["LDAP_GROUP_ATTRIBUTE"]),
    )


def authenticate(config: Mapping, username: str, password: str) -> DirectoryAnswer:
    """Find `username` with the search account, then bind as that entry with `password`.

    Raises DirectoryUnavailable when the directory cannot answer."""
    import ldap3
    from ldap3.utils.conv import escape_filter_chars

    if not password:
        # an empty password would be an unauthenticated bind, which many servers accept
        return DirectoryAnswer(reason="wrong_password")
    server = _server(config)
    wanted = [
        name
        for name in (
            config["LDAP_NAME_ATTRIBUTE"],
            "cn",
            config["LDAP_EMAIL_ATTRIBUTE"],
            config["LDAP_UNIT_ATTRIBUTE"],
            config["LDAP_GROUP_ATTRIBUTE"],
        )
        if name
    ]
    searcher, searcher_password = config.get("LDAP_BIND_DN"), config.get("LDAP_BIND_PASSWORD")
    with _asking(config, server, searcher, searcher_password) as search:
        if not _open(search, config):
            log.error("the directory refused Duban's search account: %s", search.result)
            raise DirectoryUnavailable("search account refused")
        search.search(
            config["LDAP_BASE_DN"],
            config["LDAP_USER_FILTER"].replace("{username}", escape_filter_chars(username)),
            search_scope=ldap3.SUBTREE,
            attributes=wanted,
            size_limit=2,
        )
        found = [entry for entry in search.response or [] if entry.get("type") == "searchResEntry"]
        if (search.result or {}).get("result", 0) not in (0, 4, 32):  # ok, size limit, no object
            log.error("directory search failed: %s", search.result)
            raise DirectoryUnavailable(f"search failed: {search.result}")
    if len(found) != 1:
        if len(found) > 1:
            log.warning("the directory has more than one entry for %r", username)
        return DirectoryAnswer(reason="unknown_user")
    entry = found[0]
    with _asking(config, server, entry["dn"], password) as check:
        if not _open(check, config):
            if (check.result or {}).get("result") == 49:  # invalidCredentials
                return DirectoryAnswer(reason="wrong_password")
            log.error("the directory refused the bind of %s: %s", entry["dn"], check.result)
            raise DirectoryUnavailable(f"bind failed: {check.result}")
    return DirectoryAnswer(
        person=_person(entry["dn"], entry.get("attributes") or {}, config, username)
    )


def group_names(group: str) -> set[str]:
    """What a group rule may name for `group`: its full DN and its own name (the value of its
    first RDN, e.g. 法制科 for cn=法制科,ou=groups,dc=mzj,dc=example), folded for comparison."""
    from ldap3.core.exceptions import LDAPException
    from ldap3.utils.dn import parse_dn

    names = {fold(group)}
    try:
        first = parse_dn(group)[0]
    except (LDAPException, IndexError, ValueError):
        return names
    names.add(fold(first[1]))
    return names


def fold(value: str) -> str:
    return " ".join(value.split()).casefold()
