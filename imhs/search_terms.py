"""Search text stays out of addresses.

What a person searches for is often a baby's name or CHI number. In an address it would stay in
the browser's history, in proxies' and servers' access logs and in Referer headers. So a search
form posts its text; the text is kept in the person's session under a short random key, and the
page's address and its own links carry only that key (`?s=Xb3k9Qw2`), which means nothing
outside that session. An address typed with `q=` still works: its text is moved into the session
and the page's links carry the key from then on.
"""

import secrets
from urllib.parse import urlencode

from django.shortcuts import redirect

TEXT = "q"  # the search box's name in the posted form and in the form class
KEY = "s"  # the address's parameter
SESSION_KEY = "search_terms"
KEPT = 20  # the most recent searches a session keeps; an older key opens the page unsearched
MAX_LENGTH = 200  # longer text is cut here (the forms refuse it beyond their own limit)


def remember(request, text):
    """The key for `text` in this session ("" for no text)."""
    text = (text or "")[:MAX_LENGTH]
    if not text.strip():
        return ""
    saved = request.session.get(SESSION_KEY, {})
    for key, value in saved.items():
        if value == text:
            return key
    key = secrets.token_urlsafe(6)
    saved[key] = text
    request.session[SESSION_KEY] = dict(list(saved.items())[-KEPT:])
    return key


def recall(request, key):
    return request.session.get(SESSION_KEY, {}).get(key, "") if key else ""


def posted(request, *, keep=()):
    """The answer to a search form's POST: back to the same page with the key and the `keep`
    parameters the form sent (filters, order), never the text."""
    params = [(name, request.POST[name]) for name in keep if request.POST.get(name)]
    key = remember(request, request.POST.get(TEXT, ""))
    if key:
        params.append((KEY, key))
    return redirect(f"{request.path}?{urlencode(params)}" if params else request.path)


def unfold(request):
    """(data, links, key) for a GET: `data` is the page's parameters with the search text put
    back under `q` (for the form), `links` the parameters its own links keep (the key, never
    the text), and `key` the search's key ("" without a search)."""
    data = request.GET.copy()
    links = request.GET.copy()
    if TEXT in data:
        key = remember(request, data.get(TEXT))
        links.pop(TEXT)
    else:
        key = data.get(KEY, "")
        text = recall(request, key)
        if text:
            data[TEXT] = text
    links.pop(KEY, None)
    if key:
        links[KEY] = key
    return data, links, key
