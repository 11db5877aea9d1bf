export interface ISession { id: string }
export const getSessions = async (): Promise<ISession[]> => [];
