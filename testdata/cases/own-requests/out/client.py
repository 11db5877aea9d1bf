import requests


class HttpClient:
    _trace = None

    @classmethod
    def get_session(cls) -> requests.Session:
        if cls._trace is None:
            cls._trace = requests.Session()
            cls._trace.headers.update({"a": "b"})
        return cls._trace
