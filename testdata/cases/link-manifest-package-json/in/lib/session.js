export function startSession(name) {
  return { name };
}
