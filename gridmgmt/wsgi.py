import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gridmgmt.settings")
# A WSGI server is production unless told otherwise (GRIDMGMT_ENV=development):
# settings then refuse debug and the development key.
os.environ.setdefault("GRIDMGMT_ENV", "production")
application = get_wsgi_application()
