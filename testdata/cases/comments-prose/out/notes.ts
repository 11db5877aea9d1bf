// A trace groups events. Traces: many per user.
/* The trace's id is the TRACE_ID column.
 * See getTrace() for how a trace is loaded. */
export const x = 1; // one trace, two traces
