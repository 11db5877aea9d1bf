from opentelemetry import trace


class Session:
    def __init__(self, session_id):
        self.session_id = session_id
        self.tracer = trace.get_tracer(__name__)


def end(session: Session):
    return session.session_id
