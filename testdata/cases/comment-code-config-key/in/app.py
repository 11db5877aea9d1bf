from flask import Flask

app = Flask(__name__)
# The login cookie is named by app.config["SESSION_COOKIE_NAME"]; the load
# balancer's sticky rule matches that name.
app.config["SESSION_COOKIE_NAME"] = "sid"


def session_cookie_name():
    """The name in `app.config['SESSION_COOKIE_NAME']`, for the health check."""
    return app.config["SESSION_COOKIE_NAME"]
