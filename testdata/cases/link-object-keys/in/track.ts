export function track(event: { sessionId: string }) {
  return event.sessionId;
}
