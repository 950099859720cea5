"""Settings for the test suite: the same as production, with a fast password hasher."""

import os

os.environ.setdefault("DEBUG", "true")

from aduan.config.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["*"]
LANGUAGE_CODE = "id"
WHITENOISE_AUTOREFRESH = True
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405
# Every answer rendered by aduan.api.rendering is also validated the django-ninja way and
# compared (docs/performance.md).
ADUAN_VERIFY_RENDERING = True
