from sqlalchemy.orm import Session


def rows(db: Session) -> list:
    return db.query("x")
