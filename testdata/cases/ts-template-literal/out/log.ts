export const describe = (traceId: string, trace: Trace) =>
  `session ${traceId} has ${trace.events.length} events`;
