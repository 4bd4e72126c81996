from service import start_getuigenbode, wsgi_app
from service.gunicorn_app import freeze_startup_objects

app = wsgi_app()
start_getuigenbode(app)  # signs the unsigned tail and sends checkpoints to the witnesses, in the background
freeze_startup_objects()  # `gunicorn wsgi:app` imports this per worker (no preload), as `deelpoort serve` does
