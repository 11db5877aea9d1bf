export type Database = {
  public: {
    Tables: {
      sessions: {
        Row: { id: string; org_id: string; session_name: string | null; created_at: string };
      };
      stats: {
        Row: { session_id: string; events: number };
      };
    };
    Functions: {
      count_sessions: { Args: { p_org: string }; Returns: number };
    };
  };
};
