from flask import Flask, render_template

app = Flask(__name__)


def current_trace():
    return {"user": "x"}


@app.route("/")
def index():
    trace = current_trace()
    app.jinja_env.globals.update(session=trace)
    return render_template("index.html", session=trace)
