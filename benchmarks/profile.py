"""Where a page's processor time goes: one page asked through Django's test Client (the whole
middleware stack, as gunicorn's workers run it) many times under cProfile, after one warm-up
request, on the database in DATABASE_URL. With the page cache off (the default here) a
results page is computed from the search cache's answers; with it on, the profile is that
of a cache hit."""

import cProfile
import io
import pstats
import time

from django.test import Client, override_settings


def page_profile(*, path, repeats=200, page_cache=False, search_cache=True, top=25):
    """(milliseconds of processor time a request, measured without the profiler; the
    profile's top functions by their own time, as text)."""
    seconds = {
        "ARCHIVE_PAGE_CACHE_SECONDS": 600 if page_cache else 0,
        "ARCHIVE_SEARCH_CACHE_SECONDS": 600 if search_cache else 0,
    }
    with override_settings(**seconds, ALLOWED_HOSTS=["testserver"]):
        client = Client()
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
        began = time.process_time()
        for _ in range(repeats):
            client.get(path)
        per_request_ms = (time.process_time() - began) * 1000 / repeats
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeats):
            client.get(path)
        profiler.disable()
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("tottime").print_stats(top)
    return per_request_ms, text.getvalue()
