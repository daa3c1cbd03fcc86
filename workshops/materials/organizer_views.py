"""Back office: a session's materials (add files and links, edit, replace, reorder, delete).

The upload form works without JavaScript; with it (static/app.js), the browser shows a
progress bar and checks sizes before sending. Such a request says so with the
`X-Upload-Progress` header and gets JSON ({"location": …}) instead of a redirect, which the
script follows itself, so that the flash message is shown on the next page, not consumed
by the upload's own request.
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from ..extensions import db
from ..models import Event, Material
from ..permissions import role_required
from ..security import accepts_uploads
from . import formats
from .forms import ActionForm, EditForm, LinkForm, ReplaceForm, UploadForm
from .service import (
    Limits,
    MaterialError,
    Upload,
    add_files,
    add_link,
    delete_material,
    event_materials,
    files_transaction,
    move_material,
    replace_file,
    update_material,
)

bp = Blueprint("materials_admin", __name__, url_prefix="/organisation/sessions/<int:event_id>")

Page = str | tuple[str, int] | Response

#: The link form shares the page with the upload form: its fields' ids start with this.
LINK_PREFIX = "lien"


def _too_large() -> str:
    limits = Limits.from_config()
    return (
        "Les fichiers envoyés dépassent la taille autorisée : "
        f"{formats.format_size(limits.max_file_bytes)} par fichier au plus, "
        f"{limits.max_files} fichiers à la fois. Rien n’a été enregistré. Réduisez la taille "
        "du fichier (par exemple en l’exportant en PDF ou en le compressant), envoyez moins "
        "de fichiers à la fois, ou partagez-le par un lien."
    )


def _event(event_id: int) -> Event:
    return db.get_or_404(Event, event_id, description="Session introuvable")


def _material(event_id: int, material_id: int) -> Material:
    material = db.get_or_404(Material, material_id, description="Support introuvable")
    if material.event_id != event_id:
        abort(404)
    return material


def _page(event: Event, upload: UploadForm, link: LinkForm, status: int = 200) -> Page:
    limits = Limits.from_config()
    upload.files.description = (
        f"Taille maximale : {formats.format_size(limits.max_file_bytes)} par fichier, "
        f"{limits.max_files} fichiers à la fois. Formats acceptés : {formats.ACCEPTED_LIST}. "
        "Plusieurs fichiers possibles."
    )
    page = render_template(
        "materials/manage.html",
        event=event,
        materials=event_materials(event),
        upload=upload,
        link=link,
        action=ActionForm(),
        limits=limits,
        max_size=formats.format_size(limits.max_file_bytes),
        accepted=formats.ACCEPTED_LIST,
        accept=formats.ACCEPT_ATTRIBUTE,
    )
    if status == 200 and (upload.errors or link.errors):
        status = 422
    return page, status


def _done(message: str, location: str) -> Response:
    flash(message, "success")
    if request.headers.get("X-Upload-Progress"):
        return jsonify(location=location)
    return redirect(location)


@bp.route("/supports", methods=["GET", "POST"])
@role_required()
@accepts_uploads("MATERIALS_MAX_FILE_BYTES", "MATERIALS_MAX_FILES_PER_UPLOAD", _too_large)
def manage(event_id: int) -> Page:
    """The session's materials; POST adds files."""
    event = _event(event_id)
    upload = UploadForm()
    link = LinkForm(formdata=None, prefix=LINK_PREFIX)
    if not upload.validate_on_submit():
        return _page(event, upload, link)
    uploads = [Upload(f.filename or "", f.stream) for f in upload.files.data or [] if f.filename]
    try:
        with files_transaction() as transaction:
            added = add_files(
                event,
                uploads,
                upload.to_details(),
                current_user,
                transaction,
                Limits.from_config(),
            )
    except MaterialError as error:
        upload.files.errors = [str(error)]
        return _page(event, upload, link, error.status)
    message = (
        "Le fichier a été ajouté."
        if len(added) == 1
        else f"Les {len(added)} fichiers ont été ajoutés."
    )
    return _done(message, url_for(".manage", event_id=event.id))


@bp.route("/supports/lien", methods=["GET", "POST"])
@role_required()
def add_link_view(event_id: int) -> Page:
    """Add a link. GET (the address bar after a refused link, reloaded) leads to the form."""
    event = _event(event_id)
    if request.method == "GET":
        return redirect(url_for(".manage", event_id=event.id, _anchor="ajouter-lien"))
    link = LinkForm(prefix=LINK_PREFIX)
    if not link.validate_on_submit():
        return _page(event, UploadForm(formdata=None), link)
    add_link(event, link.url.data, link.to_details(), current_user)
    db.session.commit()
    flash("Le lien a été ajouté.", "success")
    return redirect(url_for(".manage", event_id=event.id))


@bp.route("/supports/<int:material_id>/modifier", methods=["GET", "POST"])
@role_required()
def edit(event_id: int, material_id: int) -> Page:
    """Rename, describe, change who sees it; a link's address."""
    material = _material(event_id, material_id)
    form = EditForm(obj=material if request.method == "GET" else None)
    if material.is_file:
        form.for_file()
    if form.validate_on_submit():
        changed = update_material(
            material, form.to_details(), None if material.is_file else form.url.data
        )
        db.session.commit()
        flash(
            "Les modifications ont été enregistrées." if changed else "Aucune modification.",
            "success" if changed else "info",
        )
        return redirect(url_for(".manage", event_id=event_id))
    return _edit_page(material, form, ReplaceForm(formdata=None), 422 if form.errors else 200)


def _edit_page(material: Material, form: EditForm, replace: ReplaceForm, status: int) -> Page:
    max_size = formats.format_size(Limits.from_config().max_file_bytes)
    replace.file.description = (
        f"Taille maximale : {max_size}. Formats acceptés : {formats.ACCEPTED_LIST}."
    )
    page = render_template(
        "materials/edit.html",
        form=form,
        event=material.event,
        material=material,
        replace=replace,
        max_size=max_size,
        accept=formats.ACCEPT_ATTRIBUTE,
    )
    return page, status


@bp.post("/supports/<int:material_id>/remplacer")
@role_required()
@accepts_uploads("MATERIALS_MAX_FILE_BYTES", "MATERIALS_MAX_FILES_PER_UPLOAD", _too_large)
def replace(event_id: int, material_id: int) -> Page:
    """A new file behind the same material: its address (/supports/<id>/…) stays."""
    material = _material(event_id, material_id)
    if not material.is_file:
        # The edit page of a link has no file field to show the refusal next to.
        flash("Un lien n’a pas de fichier à remplacer : modifiez son adresse.", "error")
        return redirect(url_for(".edit", event_id=event_id, material_id=material_id))
    replace_form = ReplaceForm()
    status = 422
    if replace_form.validate_on_submit():
        stored = replace_form.file.data
        if not stored or not stored.filename:
            replace_form.file.errors = ["Choisissez le fichier qui remplace l’actuel."]
        else:
            before = _format_label(material)
            try:
                with files_transaction() as transaction:
                    replace_file(
                        material,
                        Upload(stored.filename, stored.stream),
                        transaction,
                        Limits.from_config(),
                    )
            except MaterialError as error:
                replace_form.file.errors = [str(error)]
                status = error.status
            else:
                after = _format_label(material)
                message = "Le fichier a été remplacé."
                if after != before:
                    message = (
                        f"Le fichier a été remplacé : c’est maintenant un fichier {after} "
                        f"(avant : {before})."
                    )
                return _done(message, url_for(".manage", event_id=event_id))
    return _edit_page(
        material, EditForm(formdata=None, obj=material).for_file(), replace_form, status
    )


def _format_label(material: Material) -> str:
    found = formats.FORMATS.get(material.file_format)
    return found.label if found else "Lien"


@bp.post("/supports/<int:material_id>/deplacer")
@role_required()
def move(event_id: int, material_id: int) -> Response:
    material = _material(event_id, material_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    step = {"monter": -1, "descendre": 1}.get(request.form.get("sens", ""))
    if step is None:
        abort(400)
    if move_material(material, step):
        where = "vers le haut" if step < 0 else "vers le bas"
        flash(f"« {material.title} » a été déplacé {where}.", "success")
    db.session.commit()
    return redirect(url_for(".manage", event_id=event_id, _anchor=f"support-{material.id}"))


@bp.route("/supports/<int:material_id>/supprimer", methods=["GET", "POST"])
@role_required()
def delete(event_id: int, material_id: int) -> Page:
    """Delete after a confirmation page: the file is gone for good."""
    material = _material(event_id, material_id)
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template(
            "materials/delete.html", event=material.event, material=material, form=form
        )
    with files_transaction() as transaction:
        delete_material(material, transaction)
    flash(f"Le support « {material.title} » a été supprimé.", "success")
    return redirect(url_for(".manage", event_id=event_id))
