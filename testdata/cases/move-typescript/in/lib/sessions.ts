export const listSessions = () => [];
