export const title = "Sessions";
