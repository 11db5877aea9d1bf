export const storeTrace = () => 1;
