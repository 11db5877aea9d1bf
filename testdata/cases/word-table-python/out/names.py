trace = open_trace()
Trace = make_class()
TRACE = "x"
traces = [trace]
Traces = list
TRACES = 3
trace_id = 1
traceId = 2
TraceID = 3
TRACE_ID = 4
ITraceAndStats = dict
IExtendedTrace = dict
def get_traces_by_user(user): return traces
obsession = 1
sessionmaker = 2
