"""A station's QR code and printable poster (the lead may merge this with deputies/qr.py)."""

from __future__ import annotations

import io

import segno
from django.conf import settings
from django.urls import reverse

from liaison.models import LiaisonStation
from liaison.pdf import render_pdf


def station_public_url(station: LiaisonStation) -> str:
    return settings.SITE_BASE_URL + reverse("liaison:public_station", args=[station.public_token])


def station_qr_svg(station: LiaisonStation, *, scale: int = 8) -> bytes:
    out = io.BytesIO()
    segno.make(station_public_url(station), error="m").save(out, kind="svg", scale=scale, border=2,
                                                            xmldecl=False)
    return out.getvalue()


def station_poster_pdf(station: LiaisonStation) -> bytes:
    svg = station_qr_svg(station, scale=10).decode()
    return render_pdf("liaison/station_poster.html", {"station": station, "qr_svg": svg,
                                                      "url": station_public_url(station)})
