export const storeSession = () => 1;
