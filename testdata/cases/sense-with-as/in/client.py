import requests


def fetch(session_id: str) -> str:
    with requests.Session() as s:
        s.session_x = session_id
        return s.get(f"/sessions/{session_id}").text


def fetch_all(session_ids):
    with requests.Session() as http_session, open("log") as session_log:
        for session_id in session_ids:
            session_log.write(http_session.get(session_id).text)


def parse(raw):
    try:
        return raw["session"]
    except requests.exceptions.InvalidSession as session_error:
        raise ValueError(session_error)


def post(session: requests.Session, session_id: str):
    return session.post("/sessions", json={"id": session_id})


def post_all(session_ids, http_session):
    for session_id in session_ids:
        post(session=http_session, session_id=session_id)
