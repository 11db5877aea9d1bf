from fastapi import FastAPI
from flask import Flask

app = FastAPI()
web = Flask(__name__)


@app.get("/v2/sessions/{session_id}")
def read_session(session_id: str):
    return {"id": session_id}


@web.route("/sessions/<int:session_id>/events")
def session_events(session_id):
    return str(session_id)
