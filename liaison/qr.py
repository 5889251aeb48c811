"""A station's QR code and printable poster, with the deputies app's QR helpers."""

from __future__ import annotations

import io

import segno
from django.urls import reverse

from deputies.qr import public_url
from liaison.models import LiaisonStation
from liaison.pdf import render_pdf


def station_public_url(station: LiaisonStation) -> str:
    return public_url(reverse("liaison:public_station", args=[station.public_token]))


def station_qr_svg(station: LiaisonStation, *, scale: int = 8) -> bytes:
    """A standalone SVG file (with its namespace: it is also served as a download)."""
    out = io.BytesIO()
    segno.make(station_public_url(station), error="m").save(out, kind="svg", scale=scale, border=2, xmldecl=False)
    return out.getvalue()


def station_poster_pdf(station: LiaisonStation) -> bytes:
    svg = station_qr_svg(station, scale=10).decode()
    return render_pdf("liaison/station_poster.html", {"station": station, "qr_svg": svg,
                                                      "url": station_public_url(station)})
