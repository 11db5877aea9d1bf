from app.session_types import SessionKind


def web_traces(traces):
    return [s for s in traces if s.kind == SessionKind.WEB]
