"""Traces record what an agent did."""


def end(trace):
    """End a trace and flush its events.

    Args:
        trace: the Trace to end.
    """
    # the trace is closed here
    trace.close()
