def list_users(user_id):
    users = [user_id]
    USERS = users
    return [User(p) for p in Users]
