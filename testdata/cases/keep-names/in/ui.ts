const sessionId = sessionStorage.getItem("id");
