export function startTrace(name) {
  return { name };
}
