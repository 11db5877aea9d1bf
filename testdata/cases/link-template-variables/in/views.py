from flask import Flask, render_template

app = Flask(__name__)


def current_session():
    return {"user": "x"}


@app.route("/")
def index():
    session = current_session()
    app.jinja_env.globals.update(session=session)
    return render_template("index.html", session=session)
