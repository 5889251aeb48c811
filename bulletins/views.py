"""Staff pages of the bulletin: the list of issues, the preview, the PDF and the Word export."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from bulletins import docx_io, rendering, selectors, services
from bulletins.models import BulletinStatus
from deputywork.fonts import CJKFontMissing
from deputywork.roles import staff_required


def _download(data: bytes, filename: str, content_type: str, *, inline: bool = False) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    disposition = "inline" if inline else "attachment"
    from urllib.parse import quote

    response["Content-Disposition"] = f"{disposition}; filename*=UTF-8''{quote(filename)}"
    return response


@staff_required
def bulletin_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in BulletinStatus.values:
        status = ""
    year = request.GET.get("year", "")
    year_value = int(year) if year.isdigit() else None
    qs = selectors.bulletin_list(user=request.user, status=status, year=year_value)
    page = Paginator(qs, 30).get_page(request.GET.get("page"))
    return render(request, "bulletins/list.html", {
        "page": page, "status": status, "year": year_value, "statuses": BulletinStatus.choices,
        "years": selectors.bulletin_years(user=request.user),
    })


@staff_required
def bulletin_preview(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for_render(user=request.user, pk=pk)
    return HttpResponse(rendering.render_html(bulletin, for_pdf=False))


@staff_required
def bulletin_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for_render(user=request.user, pk=pk)
    try:
        data = services.bulletin_pdf(bulletin=bulletin)
    except CJKFontMissing as exc:
        # The server lacks the fonts, not the issue anything: say so, and that it is temporary.
        return render(request, "bulletins/pdf_unavailable.html", {"bulletin": bulletin, "message": str(exc)},
                      status=503)
    return _download(data, f"{bulletin}.pdf", "application/pdf", inline=request.GET.get("inline") == "1")


@staff_required
def bulletin_docx(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.bulletin_for_render(user=request.user, pk=pk)
    return _download(docx_io.export_docx(bulletin), f"{bulletin}.docx",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
