import enum


class SessionKind(enum.Enum):
    WEB = "web"
    API = "api"
