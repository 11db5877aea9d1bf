export const listTraces = () => [];
