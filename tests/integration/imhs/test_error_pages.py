"""The 500 page, and the 503 when the database could not be reached (issue 17: PostgreSQL
restarted while the app servers run; tests/faults shows it on the real thing)."""

from django.db import OperationalError

from imhs import views


def answer_to(error, rf):
    try:
        raise error
    except type(error):
        return views.server_error(rf.get("/team/"))


def test_a_lost_database_is_a_503_that_says_to_try_again_in_a_moment(rf):
    response = answer_to(OperationalError("server closed the connection unexpectedly"), rf)

    assert response.status_code == 503
    assert response["Retry-After"] == "10"
    text = response.content.decode()
    assert "not available for a moment" in text
    assert "Try again in 10 seconds" in text
    assert "what you typed is still there" in text
    assert "server closed" not in text


def test_any_other_error_is_the_500_page(rf):
    response = answer_to(ValueError("a bug"), rf)

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()
