from db import sessionmaker

trace = sessionmaker()
