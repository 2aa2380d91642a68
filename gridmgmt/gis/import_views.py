"""The import page (/gis/import/): upload, dry run listing what would change, confirm.

The uploaded file waits in a private folder between the dry run and the
confirm step, named by a random token kept in the session; the confirm step
imports exactly that file with the same options.
"""

import secrets
import shutil
import tempfile
from pathlib import Path

from django.shortcuts import render
from django.utils.translation import gettext as _

from gridmgmt.accounts.models import Role
from gridmgmt.api_params import ascii_integer
from gridmgmt.gis.imports import ImportFileError, page_import
from gridmgmt.web.roles import role_required

UPLOADS = Path(tempfile.gettempdir()) / "gridmgmt-gis-imports"
OPTIONS = ("level", "code_field", "name_field", "parent_field", "osm_admin_level", "crs")


def _options(post) -> dict:
    options = {key: post.get(key, "").strip() for key in OPTIONS}
    level = options["osm_admin_level"]
    options["osm_admin_level"] = ascii_integer(level) if level else None  # int() alone took "١٠" and "1_0"
    if level and options["osm_admin_level"] is None:
        raise ImportFileError(_("The OSM admin_level must be a whole number."))
    options["code_field"] = options["code_field"] or "code"
    options["name_field"] = options["name_field"] or "name"
    options["close_cut_buildings"] = post.get("close_cut_buildings") == "on"
    return options


def _store(upload) -> Path:
    token = secrets.token_urlsafe(16)
    folder = UPLOADS / token
    folder.mkdir(parents=True)
    # Only the suffix of the client's name is kept: it tells the reader which format to expect.
    name = "upload" + "".join(Path(upload.name).suffixes[-2:]).lower()
    with open(folder / name, "wb") as out:
        for chunk in upload.chunks():
            out.write(chunk)
    return folder / name


@role_required(Role.GIS_EDITOR)
def import_page(request):
    context, status = {}, 200
    if request.method == "POST":
        try:
            if request.POST.get("step") == "confirm":
                pending = request.session.pop("gis_import", None)
                path = UPLOADS / pending["token"] / pending["name"] if pending else None
                if path is None or not path.exists():
                    raise ImportFileError(_("Nothing waits to be imported: run the dry run again."))
                context["result"] = page_import(user=request.user, path=path, confirm=True, **pending["options"])
                shutil.rmtree(path.parent, ignore_errors=True)
            else:
                upload = request.FILES.get("file")
                if upload is None:
                    raise ImportFileError(_("Choose a file."))
                # The client's own name (Django keeps only its last part): what messages name the file by.
                options = {**_options(request.POST), "shown_name": Path(upload.name).name}
                path = _store(upload)
                try:
                    context["result"] = page_import(user=request.user, path=path, confirm=False, **options)
                except ImportFileError:
                    shutil.rmtree(path.parent, ignore_errors=True)  # an unreadable upload is not kept
                    raise
                if context["result"].refused:
                    shutil.rmtree(path.parent, ignore_errors=True)
                else:
                    request.session["gis_import"] = {"token": path.parent.name, "name": path.name,
                                                     "options": options}
        except ImportFileError as exc:
            context["error"], status = str(exc), 400
    return render(request, "gis/import.html", context, status=status)
