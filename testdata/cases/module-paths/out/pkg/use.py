import pkg.session
from pkg.session import Trace
from .session import end_trace
import sqlalchemy.orm.session
from sqlalchemy.orm.session import sessionmaker
