"""Create Flask extensions unbound; create_app binds them with init_app."""

from flask_babel import Babel
from flask_login import LoginManager
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

#: Constraint names Alembic can address on every backend (set before the first migration).
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = None  # see init_migrations: Flask-Migrate is bound only where it is used
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()


class _MigrationsOnFirstUse:
    """app.extensions["migrate"] until something asks for it: Flask-Migrate (with Alembic, Mako
    and Pygments, some 10 MB and a hundred modules) is then loaded and bound, and answers from
    then on. A web worker never migrates, so it never loads them."""

    def __init__(self, app, directory: str):
        self._app, self._directory = app, directory

    def __getattr__(self, name: str):
        return getattr(init_migrations(self._app, self._directory), name)


def init_migrations(app, directory: str | None = None, *, lazily: bool = False):
    """Bind Flask-Migrate to `app` (and its `db` commands to the app's CLI), or with `lazily`
    leave a stand-in that binds it at first use. Returns app.extensions["migrate"]."""
    directory = directory or app.config["MIGRATIONS_DIR"]
    app.config["MIGRATIONS_DIR"] = directory
    if lazily:
        app.extensions["migrate"] = _MigrationsOnFirstUse(app, directory)
    else:
        from flask_migrate import Migrate

        Migrate(compare_type=True, render_as_batch=True).init_app(app, db, directory=directory)
    return app.extensions["migrate"]
