export const p = 2;
