export async function listSessions() {
  return fetch('/api/sessions');
}

export async function loadSession(id: string) {
  return fetch(`/api/sessions/${id}?full=1`);
}
