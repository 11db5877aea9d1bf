export async function listTraces() {
  return fetch('/api/traces');
}

export async function loadTrace(id: string) {
  return fetch(`/api/traces/${id}?full=1`);
}
