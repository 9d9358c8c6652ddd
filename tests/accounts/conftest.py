"""A real OpenLDAP server (slapd) for the directory login tests: started once per test session
on a free loopback port, as the current user, from a temporary slapd.conf and database, loaded
with the people and groups of a 民政局, and stopped at the end."""

from __future__ import annotations

import os
import selectors
import shutil
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

BASE_DN = "dc=mzj,dc=example"
ROOT_DN = f"cn=admin,{BASE_DN}"
ROOT_PASSWORD = "slapd-root-secret"
#: The account Duban searches the directory with (TRACKER_LDAP_BIND_DN).
SEARCH_DN = f"cn=duban-search,ou=services,{BASE_DN}"
SEARCH_PASSWORD = "search-account-secret"
#: Every person's directory password in the LDIF below.
DIRECTORY_PASSWORD = "directory-pass-2026"

SCHEMA_DIRS = ("/etc/ldap/schema", "/etc/openldap/schema")
MODULE_DIRS = ("/usr/lib/ldap", "/usr/lib64/openldap", "/usr/lib/openldap", "/usr/libexec/openldap")

LDIF = f"""\
dn: {BASE_DN}
objectClass: dcObject
objectClass: organization
o: 测试市民政局
dc: mzj

dn: ou=people,{BASE_DN}
objectClass: organizationalUnit
ou: people

dn: ou=groups,{BASE_DN}
objectClass: organizationalUnit
ou: groups

dn: ou=services,{BASE_DN}
objectClass: organizationalUnit
ou: services

dn: {SEARCH_DN}
objectClass: organizationalRole
objectClass: simpleSecurityObject
cn: duban-search
userPassword: {SEARCH_PASSWORD}

dn: uid=zhangsan,ou=people,{BASE_DN}
objectClass: inetOrgPerson
uid: zhangsan
cn: 张三
sn: 张
displayName: 张三
mail: zhangsan@mzj.example
departmentNumber: 社会救助科
userPassword: {DIRECTORY_PASSWORD}

dn: uid=lisi,ou=people,{BASE_DN}
objectClass: inetOrgPerson
uid: lisi
cn: 李四
sn: 李
displayName: 李四
mail: lisi@mzj.example
departmentNumber: 社会救助科
userPassword: {DIRECTORY_PASSWORD}

dn: uid=wangwu,ou=people,{BASE_DN}
objectClass: inetOrgPerson
uid: wangwu
cn: 王五
sn: 王
displayName: 王五
departmentNumber: 殡葬管理科
userPassword: {DIRECTORY_PASSWORD}

dn: uid=zhaoliu,ou=people,{BASE_DN}
objectClass: inetOrgPerson
uid: zhaoliu
cn: 赵六
sn: 赵
displayName: 赵六
departmentNumber: 养老服务科
userPassword: {DIRECTORY_PASSWORD}

dn: uid=admin,ou=people,{BASE_DN}
objectClass: inetOrgPerson
uid: admin
cn: 目录里的同名人
sn: 同名
departmentNumber: 社会救助科
userPassword: {DIRECTORY_PASSWORD}

dn: cn=法制科,ou=groups,{BASE_DN}
objectClass: groupOfNames
cn: 法制科
member: uid=lisi,ou=people,{BASE_DN}

dn: cn=养老服务科全体,ou=groups,{BASE_DN}
objectClass: groupOfNames
cn: 养老服务科全体
member: uid=zhaoliu,ou=people,{BASE_DN}
"""


@dataclass(frozen=True)
class Slapd:
    url: str
    port: int

    def settings(self, **overrides) -> dict:
        """Duban's settings (app.config keys) for this directory."""
        return {
            "LDAP_URL": self.url,
            "LDAP_BIND_DN": SEARCH_DN,
            "LDAP_BIND_PASSWORD": SEARCH_PASSWORD,
            "LDAP_BASE_DN": f"ou=people,{BASE_DN}",
            "LDAP_USER_FILTER": "(&(objectClass=inetOrgPerson)(uid={username}))",
            "LDAP_NAME_ATTRIBUTE": "displayName",
            "LDAP_EMAIL_ATTRIBUTE": "mail",
            "LDAP_UNIT_ATTRIBUTE": "departmentNumber",
            "LDAP_GROUP_ATTRIBUTE": "memberOf",
            "LDAP_STARTTLS": False,
            "LDAP_CA_FILE": "",
            "LDAP_TIMEOUT": 5,
            **overrides,
        }


def _find(names, directories) -> str | None:
    for name in names:
        found = shutil.which(name, path=os.pathsep.join([os.environ.get("PATH", ""), *directories]))
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _config(home: Path) -> str:
    schema = next((d for d in SCHEMA_DIRS if Path(d, "inetorgperson.schema").exists()), None)
    if schema is None:
        pytest.skip("the OpenLDAP schema files (inetorgperson.schema) are not installed")
    modules = next((d for d in MODULE_DIRS if Path(d, "back_mdb.la").exists()), None)
    loads = f"modulepath {modules}\nmoduleload back_mdb\nmoduleload memberof\n" if modules else ""
    return f"""\
include {schema}/core.schema
include {schema}/cosine.schema
include {schema}/inetorgperson.schema
{loads}pidfile {home}/slapd.pid
argsfile {home}/slapd.args

database mdb
suffix "{BASE_DN}"
rootdn "{ROOT_DN}"
rootpw {ROOT_PASSWORD}
directory {home}/data
maxsize 16777216
# memberOf on each person, as Active Directory has it
overlay memberof
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="{SEARCH_DN}" read by self read by * none
"""


def _wait_until_started(server: subprocess.Popen, timeout: float = 20) -> None:
    """slapd run with `-d none` stays in the foreground and writes "slapd starting" to stderr once
    it serves requests: read its output until then (no polling)."""
    output = []
    with selectors.DefaultSelector() as selector:
        selector.register(server.stderr, selectors.EVENT_READ)
        while True:
            if not selector.select(timeout):
                break
            line = server.stderr.readline()
            if not line:
                break
            output.append(line.decode("utf-8", "replace"))
            if "slapd starting" in line.decode("utf-8", "replace"):
                return
    server.kill()
    server.wait()
    raise RuntimeError("slapd did not start:\n" + "".join(output))


@pytest.fixture(scope="session")
def slapd(tmp_path_factory) -> Slapd:
    binary = _find(["slapd"], ["/usr/sbin", "/usr/libexec", "/usr/local/libexec"])
    ldapadd = _find(["ldapadd"], ["/usr/bin"])
    if binary is None or ldapadd is None:
        pytest.skip(
            "directory login tests need OpenLDAP's slapd and ldapadd: "
            "apt-get install slapd ldap-utils"
        )
    home = tmp_path_factory.mktemp("slapd")
    (home / "data").mkdir()
    (home / "slapd.conf").write_text(_config(home), encoding="utf-8")
    port = free_port()
    url = f"ldap://127.0.0.1:{port}"
    server = subprocess.Popen(
        [binary, "-d", "none", "-h", url, "-f", str(home / "slapd.conf")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_until_started(server)
        (home / "people.ldif").write_text(LDIF, encoding="utf-8")
        loaded = subprocess.run(
            [ldapadd, "-x", "-H", url, "-D", ROOT_DN, "-w", ROOT_PASSWORD, "-f", "people.ldif"],
            cwd=home,
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert loaded.returncode == 0, loaded.stderr
        yield Slapd(url=url, port=port)
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        server.stderr.close()
