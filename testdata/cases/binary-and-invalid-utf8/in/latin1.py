session = "ÿþ"
