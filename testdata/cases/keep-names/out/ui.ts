const traceId = sessionStorage.getItem("id");
