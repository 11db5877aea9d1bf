export interface ITrace { id: string }
export const getTraces = async (): Promise<ITrace[]> => [];
