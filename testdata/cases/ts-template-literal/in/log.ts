export const describe = (sessionId: string, session: Session) =>
  `session ${sessionId} has ${session.events.length} events`;
