from pkg.session import Session
