def tool():
    return 1
