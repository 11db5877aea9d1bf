trace = 1
