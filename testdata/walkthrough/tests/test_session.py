from sdk import start_session


def test_a_session_sends_its_id():
    session = start_session("abc")
    assert session.to_json() == {"session_id": "abc"}
