import pkg.trace
from pkg.trace import Trace
from .trace import end_trace
import sqlalchemy.orm.session
from sqlalchemy.orm.session import sessionmaker
