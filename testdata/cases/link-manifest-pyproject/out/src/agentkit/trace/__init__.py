def plugin():
    return "recorder"
