from db import sessionmaker

Sessionmaker = sessionmaker
obsession = "never renamed"
session = sessionmaker()
