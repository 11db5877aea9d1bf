export async function listTraces() {
  return fetch('/api/sessions');
}

export async function loadTrace(id: string) {
  return fetch(`/api/sessions/${id}?full=1`);
}
