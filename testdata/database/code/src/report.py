def daily(cur):
    cur.execute("SELECT day, sessions FROM daily_sessions")
    return cur.fetchall()
