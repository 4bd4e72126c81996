from service import wsgi_app

app = wsgi_app()
