export const endTrace = () => 1;
