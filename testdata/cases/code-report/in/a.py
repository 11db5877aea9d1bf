# close the session
session.close()
