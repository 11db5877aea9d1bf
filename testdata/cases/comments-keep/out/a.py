# close the session
trace.close()
