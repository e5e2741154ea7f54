def test_landing_page_is_public(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Workflow automation you own" in response.content


def test_the_asgi_server_borrows_database_connections_from_a_pool():
    """Under ASGI each request runs in its own thread; a kept connection would never be reused
    and PostgreSQL would run out of client slots under load (found by bench/webhooks.py), and a
    connect per request is slow: requests borrow from a bounded pool and give it back."""
    import subprocess
    import sys

    code = (
        "import workfuse.asgi; from django.conf import settings; "
        "db = settings.DATABASES['default']; print(db['CONN_MAX_AGE'], db['OPTIONS']['pool'])"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "postgres://nobody@127.0.0.1:1/none",  # parsed only, never connected
        "SECRET_KEY": "x" * 50,
    }
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0 {'min_size': 2, 'max_size': 20, 'timeout': 30}"
