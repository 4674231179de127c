"""Issue 16 (faults): the disk filling up while an upload is written. A real 1 MB tmpfs, nearly
full, holds the uploads: the application form's ID copy does not fit, the applicant gets the
Chinese message (not a 500), no partial file is left on the disk and no half-registered
application in the database. Skips where tmpfs cannot be mounted (not root, no privilege)."""

import io
import os
import random
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from gongkai.core.uploads import CleanFileSystemStorage, StorageFull
from gongkai.foi.models import Attachment, FoiRequest
from tests.conftest import org
from tests.foi.conftest import applicant

MESSAGE = "存储空间不足，文件未保存，请稍后再试"


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)],
        capture_output=True,
        timeout=30,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode(errors='replace')}")
    try:
        # Leave about 100 KB free.
        (mount / "filler").write_bytes(b"\0" * (1024 * 1024 - 100 * 1024))
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False, timeout=30)


def _files(root) -> set[str]:
    return {
        os.path.relpath(os.path.join(d, f), root) for d, _, files in os.walk(root) for f in files
    }


def _noise_png(pixels: int) -> bytes:
    """A real PNG that does not compress (random pixels), about 3 * pixels**2 bytes."""
    rng = random.Random(16)
    image = Image.frombytes("RGB", (pixels, pixels), rng.randbytes(pixels * pixels * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.django_db
def test_application_upload_on_a_full_disk(small_disk, yingjiang, client, monkeypatch):
    housing = org(yingjiang, "区住房和城乡建设局")
    field = Attachment._meta.get_field("file")
    monkeypatch.setattr(field, "storage", CleanFileSystemStorage(location=small_disk))
    png = _noise_png(300)  # ~270 KB, more than is free
    assert len(png) > 200 * 1024
    data = applicant(organisation=housing.pk)
    data["id_copy"] = SimpleUploadedFile("id.png", png, content_type="image/png")

    response = client.post("/foi/apply/", data)

    assert response.status_code == 503
    assert MESSAGE in response.content.decode()
    assert response["Retry-After"]
    assert _files(small_disk) == {"filler"}  # the partial file was removed
    assert not FoiRequest.objects.exists()  # the registration was rolled back
    assert not Attachment.objects.exists()

    # With room again, the same form goes through (nothing was left half-done).
    (small_disk / "filler").unlink()
    data["id_copy"] = SimpleUploadedFile("id.png", png, content_type="image/png")
    assert client.post("/foi/apply/", data).status_code == 302
    assert FoiRequest.objects.count() == 1


def test_default_storage_removes_the_partial_file(small_disk, settings):
    settings.MEDIA_ROOT = small_disk
    settings.STORAGES = {**settings.STORAGES}  # a fresh default_storage for the new root
    with pytest.raises(StorageFull) as caught:
        default_storage.save("docs/big.bin", ContentFile(os.urandom(300 * 1024)))
    assert str(caught.value) == MESSAGE
    assert _files(small_disk) == {"filler"}
    assert default_storage.save("docs/small.bin", ContentFile(b"x" * 1000)) == "docs/small.bin"
