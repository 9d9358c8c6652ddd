"""Build hook: put the compiled catalogs, the templates and the migrations into the package.

The checkout keeps `templates/` and `migrations/` at the top level and commits only the `.po`
catalogs. A wheel must carry all three, so `build_py` compiles every `.po` into its `.mo` with
Babel and copies the two folders into the built package as `tracker/templates` and
`tracker/migrations`, where the app factory looks first. An editable install only compiles the
catalogs in place: the app factory finds the top-level folders of the checkout.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
#: Top-level folders of the checkout that the installed package carries under `tracker/`.
BUNDLED_FOLDERS = ("templates", "migrations")


def compile_catalogs(translations: Path) -> list[Path]:
    """Compile every `<locale>/LC_MESSAGES/*.po` under `translations` into its `.mo`."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    written = []
    for po_path in sorted(translations.glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        mo_path = po_path.with_suffix(".mo")
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog, use_fuzzy=False)
        written.append(mo_path)
    return written


class BuildPyWithAssets(build_py):
    """build_py, then compile the catalogs and copy the templates and migrations."""

    def run(self):
        super().run()
        if self.editable_mode:
            compile_catalogs(ROOT / "tracker" / "translations")
            return
        package = Path(self.build_lib) / "tracker"
        compile_catalogs(package / "translations")
        for name in BUNDLED_FOLDERS:
            target = package / name
            shutil.rmtree(target, ignore_errors=True)
            shutil.copytree(
                ROOT / name, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
            )


setup(cmdclass={"build_py": BuildPyWithAssets})
