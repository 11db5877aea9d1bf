export interface ISessionAndStats { session: Session }
export type ISessionAndStatsList = ISessionAndStats[];
