#!/usr/bin/env python3
# retrace: keep-file (wire compatibility with old clients)
session_id = 1
