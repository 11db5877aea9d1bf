export const sessionId = 1;
