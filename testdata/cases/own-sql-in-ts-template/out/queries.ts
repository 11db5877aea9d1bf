export function eventsQuery(traceId: string, day: string) {
  return `
    SELECT trace_id, count() AS events
    FROM otel.traces
    WHERE trace_id = {traceId:String} AND day = ${day}
    SETTINGS max_threads = 2`;
}
export const label = `session ${traceId}`;
