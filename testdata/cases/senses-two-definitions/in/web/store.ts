export function remember(key: string, value: string): void {
  sessionStorage.setItem(key, value);
}
