const trace = openTrace();
class Trace {}
const TRACE = 1;
const traces: Trace[] = [];
type Traces = Trace[];
const TRACES = 3;
const trace_id = 1;
const traceId = 2;
const TraceID = 3;
const TRACE_ID = 4;
interface ITraceAndStats { id: string }
interface IExtendedTrace extends ITraceAndStats {}
function getTracesByUser(user: string) { return traces; }
const obsession = 1;
const sessionmaker = 2;
