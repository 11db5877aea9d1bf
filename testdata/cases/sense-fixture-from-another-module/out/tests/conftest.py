import pytest

from app.db import get_orm_session


@pytest.fixture
def orm_session():
    yield from get_orm_session()


@pytest.fixture
def trace_id():
    return "abc"
