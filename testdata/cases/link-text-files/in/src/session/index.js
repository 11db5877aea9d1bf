export function record(event) {
  return event;
}
