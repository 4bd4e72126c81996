from service import wsgi_app
from service.gunicorn_app import freeze_startup_objects

app = wsgi_app()
freeze_startup_objects()  # `gunicorn wsgi:app` imports this per worker (no preload), as `deelpoort serve` does
