from fastapi import FastAPI
from flask import Flask

app = FastAPI()
web = Flask(__name__)


@app.get("/v2/sessions/{trace_id}")
def read_trace(trace_id: str):
    return {"id": trace_id}


@web.route("/sessions/<int:trace_id>/events")
def trace_events(trace_id):
    return str(trace_id)
