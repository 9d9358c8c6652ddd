"""/healthz for operators and load balancers."""


def test_healthz_ok(app, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(app_config, tmp_path):
    from tracker import create_app

    app_config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{tmp_path}/missing/dir/db.sqlite3"
    broken = create_app(app_config)
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "error", "database": "unavailable"}
