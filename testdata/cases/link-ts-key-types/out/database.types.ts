export type Database = {
  public: { Tables: { traces: { Row: { id: string; trace_id: string } } } };
};
export type Tables<T extends keyof Database['public']['Tables']> =
  Database['public']['Tables'][T]['Row'];
