import requests


def fetch(trace_id: str) -> str:
    with requests.Session() as s:
        s.session_x = trace_id
        return s.get(f"/sessions/{trace_id}").text


def fetch_all(trace_ids):
    with requests.Session() as http_session, open("log") as trace_log:
        for trace_id in trace_ids:
            trace_log.write(http_session.get(trace_id).text)


def parse(raw):
    try:
        return raw["session"]
    except requests.exceptions.InvalidSession as session_error:
        raise ValueError(session_error)


def post(session: requests.Session, trace_id: str):
    return session.post("/sessions", json={"id": trace_id})


def post_all(trace_ids, http_trace):
    for trace_id in trace_ids:
        post(session=http_trace, trace_id=trace_id)
