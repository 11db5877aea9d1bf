from db import sessionmaker

session = sessionmaker()
