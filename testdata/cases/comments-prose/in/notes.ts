// A session groups events. Sessions: many per user.
/* The session's id is the SESSION_ID column.
 * See getSession() for how a session is loaded. */
export const x = 1; // one session, two sessions
