export function open(): string {
  return "open";
}
