import pkg.session
from pkg.session import Session
from .session import end_session
import sqlalchemy.orm.session
from sqlalchemy.orm.session import sessionmaker
