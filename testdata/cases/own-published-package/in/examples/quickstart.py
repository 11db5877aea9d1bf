from my_sdk import Session

Session().end_session()
