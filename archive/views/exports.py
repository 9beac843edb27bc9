"""CSV and JSON of every article a list shows (archive.exports): /articles/export.csv and
/articles/export.json take the parameters of /articles/.

A parameter the list page would name and ignore is refused here with a 400 in plain text,
before anything is streamed: a spreadsheet of every language, when French was asked for
with a typo, would mislead, and an error found after the first row could only cut the
file short under a 200.
"""

from django.http import HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header

from archive import listing
from archive.exports import csv_chunks, file_name, json_chunks
from archive.filters import ArticleFilter
from archive.models import Article
from archive.views import read_only


# Streamed, so never kept whole (archive.views.read_only).
@read_only(remembered=False)
def articles_csv(request):
    return _export(request, "csv")


@read_only(remembered=False)
def articles_json(request):
    return _export(request, "json")


def _export(request, extension):
    filterset = ArticleFilter(request.GET, queryset=Article.objects.all())
    if not filterset.is_valid():
        return bad_parameters(filterset, "Nothing was exported")
    search = filterset.search()
    ids = search.results.ids()
    absolute = request.build_absolute_uri
    if extension == "csv":
        chunks = csv_chunks(ids, absolute=absolute)
        content_type = "text/csv; charset=utf-8; header=present"
    else:
        header = {
            "list": absolute(
                listing.url_with(
                    reverse("article_list"), listing.link_params(request.GET, filterset.form)
                )
            ),
            "generated": timezone.now().isoformat(timespec="seconds"),
            "sort": search.sort,
            "notes": search.notes,
            "expansions": [
                {"typed": expansion.typed, "also": list(expansion.also)}
                for expansion in search.expansions
            ],
        }
        chunks = json_chunks(ids, absolute=absolute, header=header)
        content_type = "application/json"
    response = StreamingHttpResponse(chunks, content_type=content_type)
    name = file_name(filterset.form.cleaned_data, extension)
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


def bad_parameters(filterset, outcome):
    """A 400 in plain text naming each parameter that is not valid and why."""
    lines = [f"{outcome}: some parameters are not valid.", ""]
    for name, errors in filterset.errors.items():
        lines += [f"{name}: {error}" for error in errors]
    return HttpResponse(
        "\n".join(lines) + "\n", status=400, content_type="text/plain; charset=utf-8"
    )
