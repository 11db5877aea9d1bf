from db import sessionmaker

Sessionmaker = sessionmaker
obsession = "never renamed"
trace = sessionmaker()
