# close the trace
session.close()
