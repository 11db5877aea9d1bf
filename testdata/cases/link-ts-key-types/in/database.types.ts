export type Database = {
  public: { Tables: { sessions: { Row: { id: string; session_id: string } } } };
};
export type Tables<T extends keyof Database['public']['Tables']> =
  Database['public']['Tables'][T]['Row'];
