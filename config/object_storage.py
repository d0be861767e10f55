"""S3-compatible object storage (AWS S3, MinIO, Ceph, …) for the public media and
the private files, assembled from the environment by production settings.

Environment (each storage switches on with its bucket; both share the rest):

=============================  ==================================================
``AWS_STORAGE_BUCKET_NAME``    public media bucket (lesson images, renditions):
                               "default" becomes S3Storage; objects are read
                               through plain URLs, so the bucket policy must allow
                               public reads (the app sets no ACL).
``ATIENDE_PRIVATE_BUCKET``     private bucket (certificates, ZIPs, DC-3,
                               evidence, documents): "private" becomes S3Storage
                               with ``default_acl: private`` and presigned URLs
                               valid for ``ATIENDE_PRIVATE_URL_EXPIRY`` seconds
                               (60 unless set). It must not be the public bucket.
``AWS_S3_ENDPOINT_URL``        the service's address (MinIO: http://minio:9000);
                               empty for AWS.
``AWS_S3_REGION_NAME``         region (``us-east-1`` unless set).
``AWS_ACCESS_KEY_ID``,         credentials; leave both empty to use the
``AWS_SECRET_ACCESS_KEY``      machine's role (boto3's own lookup).
``AWS_S3_ADDRESSING_STYLE``    ``path`` for most MinIO set-ups, else ``auto``.
``AWS_S3_CUSTOM_DOMAIN``       a CDN or domain in front of the public bucket.
=============================  ==================================================
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

S3_BACKEND = "storages.backends.s3.S3Storage"
DEFAULT_PRIVATE_URL_EXPIRY = 60


def private_url_expiry(env: Mapping[str, str]) -> int:
    raw = env.get("ATIENDE_PRIVATE_URL_EXPIRY", "").strip()
    if not raw:
        return DEFAULT_PRIVATE_URL_EXPIRY
    try:
        seconds = int(raw)
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= 3600:
        raise ImproperlyConfigured(
            "ATIENDE_PRIVATE_URL_EXPIRY must be a number of seconds from 1 to 3600."
        )
    return seconds


def _connection(env: Mapping[str, str]) -> dict:
    options = {
        "endpoint_url": env.get("AWS_S3_ENDPOINT_URL", "").strip() or None,
        "region_name": env.get("AWS_S3_REGION_NAME", "").strip() or "us-east-1",
        "addressing_style": env.get("AWS_S3_ADDRESSING_STYLE", "").strip() or None,
        # Every stored name is unique already; never replace an object silently.
        "file_overwrite": False,
        # Presigned URLs with SigV4 (X-Amz-Expires): AWS and MinIO both take it.
        "signature_version": "s3v4",
    }
    key = env.get("AWS_ACCESS_KEY_ID", "").strip()
    secret = env.get("AWS_SECRET_ACCESS_KEY", "").strip()
    if bool(key) != bool(secret):
        raise ImproperlyConfigured(
            "Set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither."
        )
    if key:
        options.update(access_key=key, secret_key=secret)
    return options


def storages_from_environment(env: Mapping[str, str], storages: dict) -> dict:
    """``storages`` (the STORAGES setting) with "default" and/or "private" moved
    to object storage when their buckets are named in ``env``; unchanged
    otherwise."""
    public_bucket = env.get("AWS_STORAGE_BUCKET_NAME", "").strip()
    private_bucket = env.get("ATIENDE_PRIVATE_BUCKET", "").strip()
    if not (public_bucket or private_bucket):
        return storages
    if public_bucket and public_bucket == private_bucket:
        raise ImproperlyConfigured(
            "ATIENDE_PRIVATE_BUCKET must differ from AWS_STORAGE_BUCKET_NAME: "
            "the public bucket is readable by anyone."
        )
    connection = _connection(env)
    result = dict(storages)
    if public_bucket:
        result["default"] = {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **connection,
                "bucket_name": public_bucket,
                "querystring_auth": False,
                "default_acl": None,
                "custom_domain": env.get("AWS_S3_CUSTOM_DOMAIN", "").strip() or None,
            },
        }
    if private_bucket:
        result["private"] = {
            "BACKEND": S3_BACKEND,
            "OPTIONS": {
                **connection,
                "bucket_name": private_bucket,
                "default_acl": "private",
                "querystring_auth": True,
                "querystring_expire": private_url_expiry(env),
                # Presigned URLs must name the bucket's own host, never a CDN.
                "custom_domain": None,
            },
        }
    return result
