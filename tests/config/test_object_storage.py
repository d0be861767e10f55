"""S3-compatible object storage from the environment (config/object_storage.py),
and production settings that use it. No bucket is ever contacted."""

import json
import subprocess
import sys
import textwrap

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.object_storage import (
    S3_BACKEND,
    private_url_expiry,
    storages_from_environment,
)
from tests.config.test_settings import BASE_DIR, PRODUCTION_ENV, _clean_env

LOCAL = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": "/srv/atiende/private"},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MINIO = {
    "AWS_STORAGE_BUCKET_NAME": "atiende-media",
    "ATIENDE_PRIVATE_BUCKET": "atiende-privado",
    "AWS_S3_ENDPOINT_URL": "http://minio:9000",
    "AWS_S3_REGION_NAME": "mx-central-1",
    "AWS_ACCESS_KEY_ID": "minio-key",
    "AWS_SECRET_ACCESS_KEY": "minio-secret",
    "AWS_S3_ADDRESSING_STYLE": "path",
}


def test_without_buckets_the_storages_stay_on_disk():
    assert storages_from_environment({}, LOCAL) is LOCAL


def test_both_buckets_switch_default_and_private_to_s3():
    result = storages_from_environment(MINIO, LOCAL)
    public, private = result["default"], result["private"]
    assert public["BACKEND"] == private["BACKEND"] == S3_BACKEND
    assert result["staticfiles"] == LOCAL["staticfiles"]
    for options in (public["OPTIONS"], private["OPTIONS"]):
        assert options["endpoint_url"] == "http://minio:9000"
        assert options["region_name"] == "mx-central-1"
        assert options["access_key"] == "minio-key"
        assert options["secret_key"] == "minio-secret"
        assert options["addressing_style"] == "path"
        assert options["file_overwrite"] is False
    assert public["OPTIONS"]["bucket_name"] == "atiende-media"
    assert public["OPTIONS"]["querystring_auth"] is False
    assert private["OPTIONS"]["bucket_name"] == "atiende-privado"
    assert private["OPTIONS"]["default_acl"] == "private"
    assert private["OPTIONS"]["querystring_auth"] is True
    assert private["OPTIONS"]["querystring_expire"] == 60
    assert private["OPTIONS"]["custom_domain"] is None


def test_only_the_private_bucket_leaves_public_media_on_disk():
    env = {"ATIENDE_PRIVATE_BUCKET": "atiende-privado"}
    result = storages_from_environment(env, LOCAL)
    assert result["default"] == LOCAL["default"]
    assert result["private"]["BACKEND"] == S3_BACKEND
    # No keys: boto3 finds the machine's role itself.
    assert "access_key" not in result["private"]["OPTIONS"]


@pytest.mark.parametrize(
    "env",
    [
        {**MINIO, "ATIENDE_PRIVATE_BUCKET": "atiende-media"},
        {**MINIO, "AWS_SECRET_ACCESS_KEY": ""},
        {**MINIO, "ATIENDE_PRIVATE_URL_EXPIRY": "0"},
        {**MINIO, "ATIENDE_PRIVATE_URL_EXPIRY": "una hora"},
        {**MINIO, "ATIENDE_PRIVATE_URL_EXPIRY": "86400"},
    ],
    ids=["same-bucket", "half-credentials", "zero-expiry", "text-expiry", "a-day"],
)
def test_unsafe_or_broken_settings_refuse_to_start(env):
    with pytest.raises(ImproperlyConfigured):
        storages_from_environment(env, LOCAL)


def test_expiry_from_the_environment():
    assert private_url_expiry({}) == 60
    assert private_url_expiry({"ATIENDE_PRIVATE_URL_EXPIRY": "300"}) == 300


PROBE = textwrap.dedent(
    """
    import json
    import django
    from django.conf import settings
    django.setup()
    from django.core.files.storage import storages
    private = storages["private"]
    print(json.dumps({
        "STORAGES": settings.STORAGES,
        "ATIENDE_PRIVATE_URL_EXPIRY": settings.ATIENDE_PRIVATE_URL_EXPIRY,
        "ATIENDE_PRIVATE_FILES_ACCEL": settings.ATIENDE_PRIVATE_FILES_ACCEL,
        "private_class": type(private).__name__,
        "private_bucket": private.bucket_name,
        "private_acl": private.default_acl,
        "default_class": type(storages["default"]).__name__,
    }, default=str))
    """
)


def test_production_settings_with_buckets_in_the_environment():
    """Production settings, loaded in a fresh process with the buckets named,
    build S3 storages (nothing is contacted to build them)."""
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        **PRODUCTION_ENV,
        **MINIO,
        ATIENDE_PRIVATE_URL_EXPIRY="120",
        ATIENDE_PRIVATE_FILES_ACCEL="nginx",
    )
    result = subprocess.run(
        [sys.executable, "-c", PROBE],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["private_class"] == loaded["default_class"] == "S3Storage"
    assert loaded["private_bucket"] == "atiende-privado"
    assert loaded["private_acl"] == "private"
    assert loaded["ATIENDE_PRIVATE_URL_EXPIRY"] == 120
    assert loaded["ATIENDE_PRIVATE_FILES_ACCEL"] == "nginx"
    assert loaded["STORAGES"]["private"]["OPTIONS"]["querystring_expire"] == 120


def test_production_refuses_an_unknown_accel_mode():
    env = _clean_env(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        **PRODUCTION_ENV,
        ATIENDE_PRIVATE_FILES_ACCEL="lighttpd",
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "ATIENDE_PRIVATE_FILES_ACCEL" in result.stderr
