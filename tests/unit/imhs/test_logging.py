import logging

from imhs.logging import RedactParentLinks

TOKEN = "Zk3q9TestTokenNotRealAAAAAAAAAAAAAAAAAAAAAAA"


def redacted(msg, *args):
    record = logging.LogRecord("django.server", logging.INFO, __file__, 1, msg, args, None)
    assert RedactParentLinks().filter(record) is True
    return record.getMessage()


def test_parent_link_tokens_are_withheld_from_request_lines():
    line = redacted('"%s" %s %s', f"GET /views/{TOKEN}/ HTTP/1.1", 200, 512)

    assert TOKEN not in line
    assert line == '"GET /views/[link withheld]/ HTTP/1.1" 200 512'


def test_not_found_warnings_are_redacted_too():
    assert TOKEN not in redacted("Not Found: %s", f"/views/{TOKEN}/")


def test_the_token_free_parent_pages_and_other_paths_are_left_alone():
    assert (
        redacted('"GET /views/your-views/ HTTP/1.1" 200') == '"GET /views/your-views/ HTTP/1.1" 200'
    )
    assert redacted("GET /team/referrals/IMH-2026-00001/") == "GET /team/referrals/IMH-2026-00001/"
