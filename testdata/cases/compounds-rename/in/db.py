def sessionmaker():
    return None


Sessionmaker = sessionmaker
session = sessionmaker()
