import json

from models import Event


def send(event: Event) -> str:
    return json.dumps(event.__dict__)
