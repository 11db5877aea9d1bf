export async function saveTrace(traceId: string, url: string | null) {
  return { traceId, url };
}
