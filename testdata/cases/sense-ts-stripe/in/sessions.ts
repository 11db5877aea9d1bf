export async function saveSession(sessionId: string, url: string | null) {
  return { sessionId, url };
}
