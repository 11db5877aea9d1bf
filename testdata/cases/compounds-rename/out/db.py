def tracemaker():
    return None


Tracemaker = tracemaker
trace = tracemaker()
