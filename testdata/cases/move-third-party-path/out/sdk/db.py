from sqlalchemy.orm.session import Session
import flask.sessions
