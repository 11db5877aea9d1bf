export function track(event: { traceId: string }) {
  return event.traceId;
}
