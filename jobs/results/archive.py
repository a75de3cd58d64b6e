"""The job's ZIP encrypted with AES-256 (WinZip AE-2), with a password the user types.

The password arrives in a POST body and lives only in memory while the archive streams:
never in the URL, the database, the job record, a log line or a page (the form does not
render it back), and Django's error reports mask it (`sensitive_post_parameters`,
`sensitive_variables`).

AE-2, not AE-1: pyzipper's `AESZipEncrypter.compute_aes_version` picks AE-2 unless asked
to store CRCs (`conditionally_include_crc`); we force it anyway with
`force_wz_aes_version=2`. AE-2 writes CRC-32 = 0 in the headers and data descriptors
(`AESZipInfo.encode_extra`, `encode_datadescripter`), so the CRC of the plain text leaks
nothing; integrity comes from the HMAC-SHA1 code after each member's data. Every member
has compression method 99 and the 0x9901 extra field (vendor version 2, "AE", strength 3
= 256-bit, real method 8 = deflate).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from uuid import UUID

import pyzipper
from django import forms
from django.core.files.storage import Storage, default_storage
from django.http import HttpResponseBase
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from pyzipper.zipfile_aes import WZ_AES_V2

from jobs.infra import storage
from jobs.infra.requests import AuthenticatedRequest
from jobs.infra.responses import StreamedResponse
from jobs.results.downloads import zip_members
from jobs.runs.views import get_job_for_user

MIN_PASSWORD_LENGTH = 8


class ArchivePasswordForm(forms.Form):
    # PasswordInput never renders its value back, so an error page cannot echo it.
    password = forms.CharField(
        min_length=MIN_PASSWORD_LENGTH,
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=f"At least {MIN_PASSWORD_LENGTH} characters. It is not stored: keep it.",
    )
    confirm = forms.CharField(
        label="Repeat the password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, str]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("confirm"):
            self.add_error("confirm", "The two passwords differ.")
        return data


@never_cache
@sensitive_post_parameters("password", "confirm")
@sensitive_variables("password", "form")
def download_encrypted_zip(request: AuthenticatedRequest, job_id: UUID) -> HttpResponseBase:
    job = get_job_for_user(request, job_id)
    members = zip_members(job)
    form = ArchivePasswordForm(request.POST if request.method == "POST" else None)
    if not form.is_valid():
        status = 400 if form.is_bound else 200
        return render(request, "results/archive.html", {"job": job, "form": form}, status=status)
    password = form.cleaned_data["password"].encode("utf-8")
    stream = encrypted_zip_stream(members, password)
    response = StreamedResponse(stream, content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="medgen-{job.id}-aes256.zip"'
    return response


@sensitive_variables("password")
def encrypted_zip_stream(
    members: Iterable[tuple[str, str]], password: bytes, source: Storage = default_storage
) -> Iterator[bytes]:
    """An AES-256 (AE-2) ZIP of the members, yielded piece by piece, never whole.

    The archive object is made here, not in the generator, so the password is no local
    of a frame that lives on while the response streams: only the archive holds it.
    """
    pipe = storage.Pipe()  # zipfile writes into it, the generator drains it
    archive = pyzipper.AESZipFile(pipe, "w", compression=pyzipper.ZIP_DEFLATED, compresslevel=1)
    archive.setpassword(password)
    archive.setencryption(pyzipper.WZ_AES, nbits=256, force_wz_aes_version=WZ_AES_V2)
    return storage.write_members(archive, pipe, list(members), source)
