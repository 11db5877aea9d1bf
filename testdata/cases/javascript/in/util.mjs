export const sessionKey = (session) => `${session.id}`;
