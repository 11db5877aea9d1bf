export function eventsQuery(sessionId: string, day: string) {
  return `
    SELECT session_id, count() AS events
    FROM otel.sessions
    WHERE session_id = {sessionId:String} AND day = ${day}
    SETTINGS max_threads = 2`;
}
export const label = `session ${sessionId}`;
