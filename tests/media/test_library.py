"""The library pages: upload, serve, where each image is used, and refused deletions."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from modules.media.models import MediaAsset
from modules.models import Enrolment, Lesson
from tests.media.conftest import SVG_OK, png_bytes
from training.audit.models import AuditEntry


def upload(client, course, data: bytes, name: str):
    return client.post(f"/author/courses/{course.id}/media",
                       data={"file": (io.BytesIO(data), name)}, content_type="multipart/form-data")


def test_upload_stores_content_addressed_and_lists_it(client, login, db, course, instructor, app):
    login(instructor)
    response = upload(client, course, png_bytes(), "chart.svg")  # the name does not decide the type
    assert response.status_code == 303
    asset = db.session.scalar(select(MediaAsset))
    assert asset.kind == "png" and asset.name == "chart.svg" and asset.width == 40
    path = app.config["MEDIA_ROOT"] + f"/{asset.sha256[:2]}/{asset.sha256}.png"
    with open(path, "rb") as stored:
        import hashlib
        assert hashlib.sha256(stored.read()).hexdigest() == asset.sha256
    assert upload(client, course, png_bytes(), "again.png").status_code == 303
    assert db.session.scalar(select(func.count()).select_from(MediaAsset)) == 1
    page = client.get(f"/author/courses/{course.id}/media").get_data(as_text=True)
    assert f"/media/{asset.sha256}.png" in page and "Not used" in page
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "media.added")) is not None


def test_bad_upload_is_refused_next_to_the_field_and_nothing_stored(client, login, db, course, instructor, app):
    login(instructor)
    response = upload(client, course, b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1" onload="x()"/>',
                      "x.svg")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Nothing was stored" in page and "event handler" in page and "is-invalid" in page
    assert db.session.scalar(select(func.count()).select_from(MediaAsset)) == 0
    import os
    assert not os.path.exists(app.config["MEDIA_ROOT"]) or not any(os.scandir(app.config["MEDIA_ROOT"]))


def test_only_instructors_manage_the_library(client, login, course, make_user):
    login(make_user("trainee"))
    assert client.get(f"/author/courses/{course.id}/media").status_code == 403
    assert upload(client, course, png_bytes(), "a.png").status_code == 403


def test_serving_headers_and_access(client, login, db, course, instructor, make_user):
    login(instructor)
    upload(client, course, SVG_OK, "front.svg")
    asset = db.session.scalar(select(MediaAsset))
    response = client.get(f"/media/{asset.filename}")
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    assert "max-age=31536000" in response.headers["Cache-Control"] and "immutable" in response.headers["Cache-Control"]
    csp = response.headers["Content-Security-Policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert client.get(f"/media/{asset.filename}", headers={"If-None-Match": f'"{asset.sha256}"'}).status_code == 304
    trainee = make_user("trainee")
    login(trainee)
    assert client.get(f"/media/{asset.filename}").status_code == 404  # not enrolled
    db.session.add(Enrolment(user_id=trainee.id, course_id=course.id))
    db.session.commit()
    assert client.get(f"/media/{asset.filename}").status_code == 200
    assert client.get("/media/../../etc/passwd").status_code == 404
    assert client.get(f"/media/{'0' * 64}.png").status_code == 404


def test_lesson_figure_needs_alt_text_and_keeps_its_image(client, login, db, course, instructor):
    login(instructor)
    upload(client, course, SVG_OK, "front.svg")
    asset = db.session.scalar(select(MediaAsset))
    lesson = db.session.scalar(select(Lesson))
    form = {"title": lesson.title, "slug": lesson.slug, "minutes": 15, "published": "y"}
    no_alt = client.post(f"/author/lessons/{lesson.id}", data={**form, "body": f"Text\n\n![](/media/{asset.filename})"})
    assert no_alt.status_code == 400 and "has no alt text" in no_alt.get_data(as_text=True)
    elsewhere = client.post(f"/author/lessons/{lesson.id}", data={**form, "body": "![A chart](https://evil.example/x.png)"})
    assert elsewhere.status_code == 400 and "media library" in elsewhere.get_data(as_text=True)
    body = f'Text\n\n![Anterior view of the trunk](/media/{asset.filename} "Figure 1. Front")'
    assert client.post(f"/author/lessons/{lesson.id}", data={**form, "body": body}).status_code == 302
    db.session.expire_all()
    html = db.session.get(Lesson, lesson.id).current_revision.html
    assert '<figure class="lesson-figure">' in html and "<figcaption>Figure 1. Front</figcaption>" in html
    assert f'href="/media/{asset.filename}"' in html and 'alt="Anterior view of the trunk"' in html
    page = client.get(f"/author/courses/{course.id}/media").get_data(as_text=True)
    assert lesson.title in page and "(current)" in page
    # a later revision without the image: the earlier revision still holds it, so it stays
    assert client.post(f"/author/lessons/{lesson.id}", data={**form, "body": "No picture now."}).status_code == 302
    refused = client.post(f"/author/media/{asset.id}/delete", follow_redirects=True)
    assert "cannot be deleted" in refused.get_data(as_text=True)
    assert db.session.get(MediaAsset, asset.id) is not None
    assert client.get(f"/media/{asset.filename}").status_code == 200


def test_unused_image_can_be_deleted_and_its_file_goes(client, login, db, course, instructor, app):
    login(instructor)
    upload(client, course, png_bytes(), "a.png")
    asset = db.session.scalar(select(MediaAsset))
    path = app.config["MEDIA_ROOT"] + f"/{asset.sha256[:2]}/{asset.filename}"
    assert client.post(f"/author/media/{asset.id}/delete").status_code == 303
    import os
    assert not os.path.exists(path)
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "media.deleted")) is not None
