"""Add sessions.kind."""
import sqlalchemy as sa
from alembic import op

from app.session_types import SessionKind

revision = "3f2a1b"
down_revision = None

sessions = sa.table("sessions", sa.column("kind"))


def upgrade():
    op.add_column("sessions", sa.Column("kind", sa.Enum(SessionKind)))
    op.execute(sessions.update().values(kind="web"))
