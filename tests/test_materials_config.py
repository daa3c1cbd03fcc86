"""How the materials storage is chosen from the configuration (pinned by mutation testing)."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError

from workshops.materials import formats, storage


def built(make_app, **settings):  # type: ignore[no-untyped-def]
    app = make_app(**settings)
    with app.app_context():
        return storage.build_storage(app), app


def test_the_local_folder_is_the_default(make_app, tmp_path):
    chosen, app = built(make_app, MATERIALS_STORAGE="", MATERIALS_FOLDER="")
    assert isinstance(chosen, storage.LocalStorage)
    assert chosen.folder == tmp_path / "instance" / "materials"
    with app.app_context():
        assert storage.storage() is storage.storage()  # built once per app


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        (
            {"MATERIALS_STORAGE": "s3", "MATERIALS_S3_BUCKET": ""},
            "MATERIALS_STORAGE is 's3' but MATERIALS_S3_BUCKET is not set.",
        ),
        (
            {
                "MATERIALS_STORAGE": "s3",
                "MATERIALS_S3_BUCKET": "b",
                "MATERIALS_S3_DOWNLOAD": "email",
            },
            "MATERIALS_S3_DOWNLOAD must be 'presigned' or 'stream'.",
        ),
        ({"MATERIALS_STORAGE": "ftp"}, "MATERIALS_STORAGE must be 'local' or 's3', not 'ftp'."),
    ],
)
def test_a_wrong_configuration_is_refused_in_plain_words(make_app, settings, message):
    app = make_app(**settings)
    with pytest.raises(RuntimeError) as refused:
        storage.build_storage(app)
    assert str(refused.value) == message


def test_s3_defaults_presigned_and_no_prefix(make_app):
    chosen, _ = built(
        make_app,
        MATERIALS_STORAGE="s3",
        MATERIALS_S3_BUCKET="b",
        MATERIALS_S3_DOWNLOAD="",
        MATERIALS_S3_PREFIX="",
        MATERIALS_S3_PRESIGNED_SECONDS=0,
        MATERIALS_S3_ENDPOINT_URL="http://127.0.0.1:9",
    )
    assert (chosen.presigned, chosen.prefix, chosen.presigned_seconds) == (True, "", 60)
    chosen, _ = built(
        make_app,
        MATERIALS_STORAGE="s3",
        MATERIALS_S3_BUCKET="b",
        MATERIALS_S3_PRESIGNED_SECONDS=120,
        MATERIALS_S3_ENDPOINT_URL="http://127.0.0.1:9",
    )
    assert chosen.presigned_seconds == 120


def test_a_missing_object_is_told_by_its_error_code():
    def error(body):  # type: ignore[no-untyped-def]
        return ClientError(body, "HeadObject")

    assert storage._is_missing(error({"Error": {"Code": "404"}})) is True
    assert storage._is_missing(error({"Error": {"Code": "NoSuchKey"}})) is True
    assert storage._is_missing(error({"Error": {"Code": "NotFound"}})) is True
    assert storage._is_missing(error({"Error": {"Code": "403"}})) is False
    assert storage._is_missing(error({})) is False


def test_cutting_a_long_name_trims_only_spaces_and_dots():
    assert formats.clean_name("X" * 300 + ".pdf") == "X" * 146 + ".pdf"
    assert formats.clean_name("b" * 148 + " ." + "c" * 20) == "b" * 148
