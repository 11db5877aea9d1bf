// In-memory session store.
const sessions = new Map();
export function saveSession(session) {
  sessions.set(session.id, session);
}
module.exports = { saveSession, sessions };
