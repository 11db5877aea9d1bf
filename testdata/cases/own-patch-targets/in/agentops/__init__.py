from .session import Session
